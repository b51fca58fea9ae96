"""Elementwise math: arithmetic, transcendental functions, comparisons, matmul.

Each primitive is declared with its kernel and, right after, its VJP rule
(``rule(g, out, *inputs) -> cotangent``) written with tapegrad ops, so that the
backward pass is itself differentiable. Complex cotangents follow TF's
convention (rules multiply by the conjugate of the local derivative).
"""
import numpy as np

from .._core.primitive import Primitive
from ._util import NO_PARAMS, Tensor, execute, is_complex, pair, tensor


def _def_unary(name, impl, rule, kinds="fc", **flags):
    prim = Primitive(name, impl, (rule,) if rule is not None else None, kinds=kinds,
                     differentiable=rule is not None, **flags)

    def op(x, name=None):
        return execute(prim, (x if type(x) is Tensor else tensor(x),), NO_PARAMS)

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}``; see the primitive's VJP for its gradient."
    return prim, op


def _def_binary(name, impl, rules, kinds="fciu", **flags):
    prim = Primitive(name, impl, rules, kinds=kinds, differentiable=rules is not None, **flags)

    def op(x, y, name=None):
        x, y = pair(prim.name, x, y)
        return execute(prim, (x, y), NO_PARAMS)

    op.__name__ = name
    op.__doc__ = f"Elementwise ``{name}`` with broadcasting; operands must share a dtype."
    return prim, op


def conj(x, name=None):
    """Complex conjugate; the identity on real tensors."""
    x = tensor(x)
    return execute(conj_p, (x,), NO_PARAMS) if is_complex(x) else x


conj_p = Primitive("conj", np.conjugate, (lambda g, out, x: conj(g),), linear=True, save_inputs=False)


def _c(x):
    """conj(x) for complex tensors, x itself otherwise (cheap on the real hot path)."""
    return x if x._value.dtype.kind != "c" else execute(conj_p, (x,), NO_PARAMS)


# --- arithmetic ---------------------------------------------------------------
add_p, add = _def_binary("add", np.add, (
    lambda g, out, x, y: g,                      # d/dx (x + y) = 1
    lambda g, out, x, y: g,                      # d/dy (x + y) = 1
), linear=True, save_inputs=False)

subtract_p, subtract = _def_binary("subtract", np.subtract, (
    lambda g, out, x, y: g,                      # 1
    lambda g, out, x, y: negative(g),            # -1
), linear=True, save_inputs=False)

multiply_p, multiply = _def_binary("multiply", np.multiply, (
    lambda g, out, x, y: multiply(g, _c(y)),     # grad * conj(y)
    lambda g, out, x, y: multiply(_c(x), g),     # conj(x) * grad
))

negative_p, negative = _def_unary("negative", np.negative, lambda g, out, x: negative(g),  # -grad
                                  kinds="fci", linear=True, save_inputs=False)


def _realdiv(x, y):
    return np.true_divide(x, y)


realdiv_p, _realdiv_op = _def_binary("realdiv", _realdiv, (
    lambda g, out, x, y: realdiv(g, _c(y)),                              # grad / conj(y)
    lambda g, out, x, y: multiply(g, _c(realdiv(realdiv(negative(x), y), y))),  # grad * conj(-x / y^2)
), kinds="fc")


def realdiv(x, y, name=None):
    """x / y for floating and complex tensors (TF's RealDiv)."""
    return _realdiv_op(x, y)


_TRUEDIV_INT = {"int8": "float32", "uint8": "float32", "int16": "float32", "uint16": "float32",
                "int32": "float64", "uint32": "float64", "int64": "float64", "uint64": "float64"}


def truediv(x, y, name=None):
    """x / y; integer operands are cast first (int8/16 to float32, int32/64 to float64), as TF does."""
    x, y = pair("truediv", x, y)
    target = _TRUEDIV_INT.get(x._value.dtype.name)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    return execute(realdiv_p, (x, y), NO_PARAMS)


divide = truediv

# --- unary functions ------------------------------------------------------------
sin_p, sin = _def_unary("sin", np.sin, lambda g, out, x: multiply(g, _c(cos(x))))          # grad * cos(x)
cos_p, cos = _def_unary("cos", np.cos, lambda g, out, x: negative(multiply(g, _c(sin(x)))))  # -grad * sin(x)
exp_p, exp = _def_unary("exp", np.exp, lambda g, out, x: multiply(g, _c(out)),              # grad * exp(x)
                        save_output=True, save_inputs=False)
log_p, log = _def_unary("log", np.log, lambda g, out, x: realdiv(g, _c(x)))                 # grad / x
square_p, square = _def_unary(
    "square", np.square, lambda g, out, x: multiply(g, multiply(_c(x), _scalar(2, x))),    # grad * 2x
    kinds="fci")
sqrt_p, sqrt = _def_unary("sqrt", np.sqrt, lambda g, out, x: realdiv(multiply(g, _scalar(0.5, out)), _c(out)),
                          save_output=True, save_inputs=False)                              # grad * 0.5 / sqrt(x)


def _scalar(value, like):
    """A 0-d constant with ``like``'s dtype."""
    return Tensor(np.asarray(value, dtype=like._value.dtype if isinstance(like, Tensor) else like.dtype._np))


def _pow_grad_y(g, out, x, y):
    """grad * x^y * log(x), taken as 0 where x <= 0 (x == 0 for complex), as TF does."""
    mask = not_equal(x, _scalar(0, x)) if is_complex(x) else greater(x, _scalar(0, x))
    safe_x = where(mask, x, ones_like(x))
    log_x = where(mask, log(safe_x), zeros_like(x))
    return multiply(g, _c(multiply(out, log_x)))


pow_p, _pow = _def_binary("pow", np.power, (
    lambda g, out, x, y: multiply(g, _c(multiply(y, pow(x, subtract(y, ones_like(y)))))),  # grad * y * x^(y-1)
    _pow_grad_y,
), save_output=True)


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """x ** y elementwise."""
    return _pow(x, y)


# --- comparisons and selection ----------------------------------------------------
greater_p, greater = _def_binary("greater", np.greater, None, kinds="fiu")
not_equal_p, not_equal = _def_binary("not_equal", np.not_equal, None, kinds="fciub")


def _where_impl(c, x, y):
    return np.where(c, x, y)


where_p = Primitive("where", _where_impl, (
    None,
    lambda g, out, c, x, y: where(c, g, zeros_like(g)),   # grad where cond, else 0
    lambda g, out, c, x, y: where(c, zeros_like(g), g),   # grad where not cond, else 0
))


def where(condition, x=None, y=None, name=None):
    """Elementwise select: ``x`` where ``condition`` else ``y`` (broadcasting)."""
    from . import array
    condition = tensor(condition)
    if x is None and y is None:
        return array.where_indices(condition)
    if x is None or y is None:
        raise ValueError("tapegrad.where: x and y must both be given, or both be None.")
    x, y = pair("where", x, y)
    if condition._value.dtype.kind != "b":
        raise TypeError(f"tapegrad.where: condition must be bool, got {condition.dtype.name}.")
    return execute(where_p, (condition, x, y), NO_PARAMS)


def _cast_grad(g, out, x, dtype):
    """grad cast back to the input dtype; None unless both dtypes are floating/complex."""
    if x.dtype.is_trainable and g.dtype.is_trainable:
        return cast(g, x.dtype)
    return None


def _cast_impl(x, dtype):
    if x.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        x = x.real
    return np.asarray(x).astype(dtype)


cast_p = Primitive("cast", _cast_impl, (_cast_grad,), save_inputs=False, linear=True)


def cast(x, dtype, name=None):
    """Casts ``x`` to ``dtype`` (float to int truncates toward zero, as TF does)."""
    from .._core import dtypes
    x = tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x._value.dtype == dtype._np:
        return x
    return execute(cast_p, (x,), {"dtype": dtype._np})


def ones_like(x, dtype=None, name=None):
    from . import array
    return array.ones_like(x, dtype=dtype)


def zeros_like(x, dtype=None, name=None):
    from . import array
    return array.zeros_like(x, dtype=dtype)


__all__ = ["add", "subtract", "multiply", "negative", "realdiv", "truediv", "divide", "sin", "cos", "exp",
           "log", "square", "sqrt", "pow", "greater", "not_equal", "where", "cast", "conj"]
