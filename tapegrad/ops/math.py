"""Elementwise math, comparisons, matmul/einsum and scans, with TF 2's names, dtype rules and gradients.

Each primitive is declared with its kernel and, right after, its VJP rule
(``rule(g, out, *inputs) -> cotangent``) and JVP rule (forward mode, see
primitive.py) written with tapegrad ops, so that both are themselves
differentiable. The JVP of a one-input elementwise op is derived from its VJP
(a diagonal Jacobian: ``symmetric_jvp``). The rules are those of TF's
math_grad.py; complex cotangents follow TF's convention (rules multiply by the
conjugate of the local derivative).

Safe gradients (tapegrad differs from TF on purpose): the rules of sqrt, rsqrt, log, reciprocal,
realdiv and pow give exactly 0 where the incoming cotangent is 0 and TF computes 0 * inf = NaN, so
``where(x > 0, log(x), 0)`` has finite gradients (and Hessians) at x <= 0 where TF has NaN: a
masked-out branch must not poison the gradient. Elsewhere the values are TF's (see ``_safe``).
"""
import functools
import operator
import string

import numpy as np

from .. import errors
from .._core.forwardprop import linear_jvp, multilinear_jvp, partials_jvp, symmetric_jvp
from .._core.context import state as _state
from .._core.primitive import Primitive
from .._core.tensor import Variable, convert_to_tensor
from ..graph.tracer import any_symbolic, static_value
from ._util import NO_PARAMS, Tensor, execute, is_complex, normalize_axis, pair, pair_hinted, same_dtype, tensor


def _def_unary(name, impl, rule, doc, kinds="fc", **flags):
    """A one-input primitive and its public op; ``rule=None`` makes it non-differentiable.

    The op must be real or holomorphic: its JVP is derived from ``rule`` (``symmetric_jvp``).
    """
    prim = Primitive(name, impl, (rule,) if rule is not None else None, kinds=kinds,
                     jvp=symmetric_jvp((rule,)) if rule is not None else None,
                     differentiable=rule is not None, **flags)

    def op(x, name=None):
        return execute(prim, (x if type(x) is Tensor else tensor(x),), NO_PARAMS)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return prim, op


def _def_binary(name, impl, rules, doc, kinds="fciu", **flags):
    """A broadcasting two-input primitive and its public op (operands converted with TF's rules)."""
    prim = Primitive(name, impl, rules, kinds=kinds, differentiable=rules is not None, **flags)

    def op(x, y, name=None):
        if type(x) is not Tensor or type(y) is not Tensor or x._value.dtype is not y._value.dtype:
            x, y = pair(prim.name, x, y)
        return execute(prim, (x, y), NO_PARAMS)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return prim, op


def conj(x, name=None):
    """Complex conjugate; the identity on real tensors."""
    x = tensor(x)
    if is_complex(x):
        return execute(conj_p, (x,), NO_PARAMS)
    if x.dtype.is_bool:
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x.dtype!r}.")
    return x


conj_p = Primitive("conj", np.conjugate, (lambda g, out, x: conj(g),), linear=True, save_inputs=False)


def _c(x):
    """conj(x) for complex tensors, x itself otherwise (cheap on the real hot path)."""
    return x if x._value.dtype.kind != "c" else execute(conj_p, (x,), NO_PARAMS)


def _scalar(value, like):
    """A 0-d constant with the dtype of ``like`` (a Tensor or a Spec)."""
    return Tensor(np.asarray(value, dtype=like._value.dtype if isinstance(like, Tensor) else like.dtype._np))


def _safe(rule, g, *values):
    """``rule(g, *values)``, but exactly 0 where g is 0 and the rule gives NaN (0 * inf): safe gradients.

    There the rule runs again with ``values`` replaced by 1, so that its own backward pass (the
    second derivative) is finite too; entries where g is nonzero are TF's, derivatives included.
    """
    r = rule(g, *values)
    if _state.graph is not None and any_symbolic(g, r):  # traced: the mask must be computed every call
        m = logical_and(not_equal(r, r), equal(g, _scalar(0, g)))  # r is NaN where g is 0
        return where(m, _scalar(0, r), rule(g, *[where(m, _scalar(1, v), v) for v in values]))
    gv = g._value
    if gv.all():  # no zero in the cotangent (the usual case): nothing to mask
        return r
    bad = np.isnan(r._value) & (gv == 0)
    if not bad.any():
        return r
    m = Tensor(bad)
    return where(m, _scalar(0, r), rule(g, *[where(m, _scalar(1, v), v) for v in values]))


def _zeros(x):
    """Zeros shaped like ``x`` (a Tensor or a Spec)."""
    from .array import zeros
    return zeros(x._value.shape if isinstance(x, Tensor) else x.shape, dtype=x.dtype)


# --- arithmetic (kernels use Python's operators: the same ufuncs on arrays, ~15x cheaper on NumPy scalars)
add_p, add = _def_binary("add", operator.add, (
    lambda g, out, x, y: g,                      # d/dx (x + y) = 1
    lambda g, out, x, y: g,                      # d/dy (x + y) = 1
), "x + y elementwise.", linear=True, save_inputs=False)


def add(x, y, name=None):
    """x + y elementwise; ``y`` converts with x's dtype as a hint, as in TF (see ``pair_hinted``)."""
    if type(x) is not Tensor or type(y) is not Tensor or x._value.dtype is not y._value.dtype:
        x, y = pair_hinted("add", x, y)
    return execute(add_p, (x, y), NO_PARAMS)

subtract_p, subtract = _def_binary("subtract", operator.sub, (
    lambda g, out, x, y: g,                      # 1
    lambda g, out, x, y: negative(g),            # -1
), "x - y elementwise.", linear=True, save_inputs=False)

multiply_p, multiply = _def_binary("multiply", operator.mul, (
    lambda g, out, x, y: multiply(g, _c(y)),     # grad * conj(y)
    lambda g, out, x, y: multiply(_c(x), g),     # conj(x) * grad
), "x * y elementwise.")
multiply_p.jvp = multilinear_jvp(multiply_p)  # tx * y + x * ty

negative_p, negative = _def_unary("negative", operator.neg, lambda g, out, x: negative(g),  # -grad
                                  "-x elementwise.", kinds="fci", linear=True, save_inputs=False)


def _div_rule_x(g, y):
    return realdiv(g, _c(y))                                     # grad / conj(y)


def _div_rule_y(g, x, y):
    return multiply(g, _c(realdiv(realdiv(negative(x), y), y)))  # grad * conj(-x / y^2)


realdiv_p = Primitive("realdiv", operator.truediv, (
    lambda g, out, x, y: _safe(_div_rule_x, g, y),
    lambda g, out, x, y: _safe(_div_rule_y, g, x, y),
), kinds="fc")
realdiv_p.jvp = symmetric_jvp(realdiv_p.vjp)  # tx / y - ty * x / y^2


def realdiv(x, y, name=None):
    """x / y for floating and complex tensors (TF's RealDiv)."""
    return execute(realdiv_p, pair("realdiv", x, y), NO_PARAMS)


_TRUEDIV_INT = {"int8": "float32", "uint8": "float32", "int16": "float32", "uint16": "float32",
                "int32": "float64", "uint32": "float64", "int64": "float64", "uint64": "float64"}


def _div_operands(op, x, y):
    """TF's __truediv__ conversion: integers are cast to float first; mismatched dtypes are a TypeError."""
    try:
        x, y = pair(op, x, y)
    except (errors.InvalidArgumentError, TypeError):  # mismatched dtypes, or an operand that does not convert
        raise TypeError(f"`x` and `y` must have the same dtype, got {tensor(x).dtype!r} != "
                        f"{tensor(y).dtype!r}.") from None
    if x.dtype.is_bool:
        raise TypeError(f"Invalid dtype {x.dtype!r} in {op}: expected an integer, floating or complex dtype.")
    target = _TRUEDIV_INT.get(x._value.dtype.name)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    return x, y


def truediv(x, y, name=None):
    """x / y; integer operands are cast first (int8/16 to float32, int32/64 to float64), as TF does."""
    return execute(realdiv_p, _div_operands("truediv", x, y), NO_PARAMS)


divide = truediv


def _div_no_nan_impl(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, 0, np.true_divide(x, y))


div_no_nan_p = Primitive("div_no_nan", _div_no_nan_impl, (
    lambda g, out, x, y: divide_no_nan(g, _c(y)),                                    # grad / conj(y), 0 where y == 0
    lambda g, out, x, y: multiply(g, divide_no_nan(divide_no_nan(negative(_c(x)), _c(y)), _c(y))),  # grad * -x / y^2
), kinds="fc")
div_no_nan_p.jvp = symmetric_jvp(div_no_nan_p.vjp)


def divide_no_nan(x, y, name=None):
    """x / y, but 0 where y == 0 (even where x is inf or nan); integers are cast as in truediv."""
    return execute(div_no_nan_p, _div_operands("divide_no_nan", x, y), NO_PARAMS)


def _check_int_divisor(op, x, y):
    if x.dtype.kind in "iu" and not np.all(y):
        raise errors.InvalidArgumentError(None, op, f"Integer division by zero [Op:{op}]")


def _floordiv_impl(x, y):
    _check_int_divisor("FloorDiv", x, y)
    if x.dtype.kind in "iu":
        return np.floor_divide(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor(np.true_divide(x, y))  # TF: floor(x / y), e.g. 1 // 0.1 == 10


floordiv_p, floordiv = _def_binary("floordiv", _floordiv_impl, None,
                                   "floor(x / y) elementwise; integer division by zero is an error. No gradient.",
                                   kinds="fiu")


def _floormod_impl(x, y):
    _check_int_divisor("FloorMod", x, y)
    if x.dtype.kind in "iu":
        return np.mod(x, y)
    with np.errstate(invalid="ignore"):
        r = np.fmod(x, y)  # TF: the truncated remainder, moved into y's sign
        return np.where((r != 0) & ((r < 0) != (y < 0)), r + y, r)


floormod_p, floormod = _def_binary("floormod", _floormod_impl, (
    lambda g, out, x, y: g,                                     # 1
    lambda g, out, x, y: multiply(g, negative(floordiv(x, y))),  # grad * -floor(x / y)
), "x - floor(x / y) * y elementwise (the result has y's sign).", kinds="fiu")
floormod_p.jvp = symmetric_jvp(floormod_p.vjp)  # tx - ty * floor(x / y)
mod = floormod


def _pow_rule_x(g, x, y):
    return multiply(g, _c(multiply(y, pow(x, subtract(y, ones_like(y))))))  # grad * y * x^(y-1)


def _pow_rule_y(g, x, out):
    """grad * x^y * log(x), taken as 0 where x <= 0 (x == 0 for complex), as TF does."""
    mask = not_equal(x, _scalar(0, x)) if is_complex(x) else greater(x, _scalar(0, x))
    log_x = where(mask, log(where(mask, x, ones_like(x))), zeros_like(x))
    return multiply(g, _c(multiply(out, log_x)))


pow_p = Primitive("pow", np.power, (
    lambda g, out, x, y: _safe(_pow_rule_x, g, x, y),
    lambda g, out, x, y: _safe(_pow_rule_y, g, x, out),
), kinds="fci", save_output=True)
pow_p.jvp = symmetric_jvp(pow_p.vjp)  # tx * y x^(y-1) + ty * x^y log(x)


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """x ** y elementwise (integers to negative integer powers are an error)."""
    return execute(pow_p, pair("pow", x, y), NO_PARAMS)


def _sq_diff_impl(x, y):
    d = np.subtract(x, y)
    return d * np.conj(d) if d.dtype.kind == "c" else d * d


def _sq_diff_jvp(tangents, out, x, y):
    """2 re(conj(x - y) (tx - ty)): real (in the complex dtype) for complex inputs."""
    tx, ty = tangents
    dt = tx if ty is None else negative(ty) if tx is None else subtract(tx, ty)
    r = multiply(_c(subtract(x, y)), dt)
    return add(r, _c(r))


squared_difference_p, squared_difference = _def_binary("squared_difference", _sq_diff_impl, (
    lambda g, out, x, y: multiply(multiply(_scalar(2, g), g), subtract(x, y)),             # 2 * grad * (x - y)
    lambda g, out, x, y: negative(multiply(multiply(_scalar(2, g), g), subtract(x, y))),   # -2 * grad * (x - y)
), "(x - y) * conj(x - y) elementwise.", kinds="fci", jvp=_sq_diff_jvp)


def _max_min(name, np_fn, select, doc):
    rules = (
        lambda g, out, x, y: where(select(x, y), g, zeros_like(g)),   # grad where x wins (ties go to x)
        lambda g, out, x, y: where(select(x, y), zeros_like(g), g),   # grad where y wins
    )
    return _def_binary(name, np_fn, rules, doc, kinds="fiu", jvp=symmetric_jvp(rules))


maximum_p, maximum = _max_min("maximum", np.maximum, lambda x, y: greater_equal(x, y),
                              "max(x, y) elementwise (nan if either is nan); on ties the gradient goes to x.")
minimum_p, minimum = _max_min("minimum", np.minimum, lambda x, y: less_equal(x, y),
                              "min(x, y) elementwise (nan if either is nan); on ties the gradient goes to x.")


def _add_n_impl(*xs):
    return functools.reduce(np.add, xs)


add_n_p = Primitive("add_n", _add_n_impl, lambda g, out, *xs: [g] * len(xs),  # grad to every input
                    kinds="fciu", linear=True, save_inputs=False)


def add_n(inputs, name=None):
    """Sum of a list of tensors that all have the same shape and dtype (no broadcasting)."""
    xs = [tensor(x) for x in inputs]
    if not xs:
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices with the same "
                         "dtype and shape.")
    same_dtype("AddN", xs, "inputs")
    for i, x in enumerate(xs[1:], 1):
        if x._value.shape != xs[0]._value.shape:
            raise errors.InvalidArgumentError(None, "AddN", (
                "Inputs to operation AddN of type AddN must have the same size and shape.  Input 0: "
                f"{_dims(xs[0])} != input {i}: {_dims(x)} [Op:AddN]"))
    return xs[0] if len(xs) == 1 else execute(add_n_p, tuple(xs), NO_PARAMS)


def _dims(x):
    """'[2,3]': a shape as TF's error messages write it."""
    return "[" + ",".join(str(d) for d in (x._value.shape if isinstance(x, Tensor) else x)) + "]"


def _xdivy_impl(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, x, np.true_divide(x, y))  # x: TF keeps the sign of a zero x


def _xlogy_impl(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, x, x * np.log(y))  # x: TF keeps the sign of a zero x


def _nonzero(x):
    """1 where x != 0, else 0, in x's dtype (a constant: no gradient)."""
    return cast(not_equal(x, _scalar(0, x)), x.dtype)


def _xdivy_dx(out, x, y):
    return xdivy(_nonzero(x), y)      # (x != 0) / y


def _xdivy_dy(out, x, y):
    return xdivy(negative(x), square(y))  # -x / y^2 (0 where x == 0)


def _xlogy_dx(out, x, y):
    return xlogy(_nonzero(x), y)      # (x != 0) * log(y)


def _xlogy_dy(out, x, y):
    return xdivy(x, y)                # x / y (0 where x == 0)


# TF's rules (no conj for complex inputs); the JVPs use the derivatives themselves.
xdivy_p, xdivy = _def_binary("xdivy", _xdivy_impl, (
    lambda g, out, x, y: multiply(g, _xdivy_dx(out, x, y)),
    lambda g, out, x, y: multiply(g, _xdivy_dy(out, x, y)),
), "x / y, but 0 where x == 0.", kinds="fc", jvp=partials_jvp(_xdivy_dx, _xdivy_dy))

xlogy_p, xlogy = _def_binary("xlogy", _xlogy_impl, (
    lambda g, out, x, y: multiply(g, _xlogy_dx(out, x, y)),
    lambda g, out, x, y: multiply(g, _xlogy_dy(out, x, y)),
), "x * log(y), but 0 where x == 0.", kinds="fc", jvp=partials_jvp(_xlogy_dx, _xlogy_dy))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips ``t`` to [clip_value_min, clip_value_max] (bounds broadcast to t's shape, never beyond).

    As in TF this is minimum then maximum, so the gradient goes to ``t`` where
    it is within the bounds (bounds included) and to the bound it was clipped to otherwise.
    """
    t = tensor(t)
    clipped = minimum(t, clip_value_max)
    _check_clip_shape(t, clipped)
    clipped = maximum(clipped, clip_value_min)
    _check_clip_shape(t, clipped)
    return clipped


def _check_clip_shape(t, clipped):
    if clipped._value.shape != t._value.shape:
        raise ValueError(f"Shapes {tuple(t._value.shape)} and {tuple(clipped._value.shape)} are incompatible")


# --- unary functions ------------------------------------------------------------
abs_p = Primitive("abs", np.abs, (lambda g, out, x: multiply(g, sign(x)),), kinds="fi")  # grad * sign(x)
abs_p.jvp = symmetric_jvp(abs_p.vjp)  # t * sign(x)
complex_abs_p = Primitive("complex_abs", np.abs, (
    # grad * x / |x|, 0 where x == 0 (complex(grad, 0) * x / complex(|x|, 0))
    lambda g, out, x: divide_no_nan(multiply(cast(g, x.dtype), x), cast(out, x.dtype)),
), kinds="c", save_output=True,
    jvp=lambda ts, out, x: divide_no_nan(real(multiply(_c(x), ts[0])), out))  # re(conj(x) t) / |x|


def abs(x, name=None):  # noqa: A001 - TF's public name
    """|x| elementwise; for complex x, the modulus as a float32/float64 tensor."""
    x = tensor(x)
    return execute(complex_abs_p if is_complex(x) else abs_p, (x,), NO_PARAMS)


sign_p = Primitive("sign", np.sign, (lambda g, out, x: _zeros(x),),  # 0: sign is piecewise constant
                   jvp=lambda ts, out, x: _zeros(out), kinds="fi", save_inputs=False)  # zeros, not None


def sign(x, name=None):
    """-1, 0 or 1 elementwise (nan for nan); x / |x| for complex x. Its gradient is zero."""
    x = tensor(x)
    if is_complex(x):
        return divide_no_nan(x, cast(abs(x), x.dtype))
    return execute(sign_p, (x,), NO_PARAMS)


square_p, square = _def_unary(
    "square", np.square, lambda g, out, x: multiply(g, multiply(_c(x), _scalar(2, x))),  # grad * 2x
    "x * x elementwise.", kinds="fciu")


def _sqrt_rule(g, y):
    return realdiv(multiply(g, _scalar(0.5, y)), _c(y))                         # grad * 0.5 / conj(y)


def _rsqrt_rule(g, y):
    return multiply(multiply(g, _scalar(-0.5, y)), multiply(square(_c(y)), _c(y)))  # -grad * conj(y)^3 / 2


def _reciprocal_rule(g, y):
    return negative(multiply(g, square(_c(y))))                                 # -grad * conj(y)^2


sqrt_p, sqrt = _def_unary(
    "sqrt", np.sqrt, lambda g, out, x: _safe(_sqrt_rule, g, out),
    "Square root elementwise.", save_output=True, save_inputs=False)
rsqrt_p, rsqrt = _def_unary(
    "rsqrt", lambda x: np.reciprocal(np.sqrt(x)),
    lambda g, out, x: _safe(_rsqrt_rule, g, out),
    "1 / sqrt(x) elementwise.", save_output=True, save_inputs=False)
reciprocal_p, reciprocal = _def_unary(
    "reciprocal", np.reciprocal, lambda g, out, x: _safe(_reciprocal_rule, g, out),
    "1 / x elementwise.", save_output=True, save_inputs=False)
exp_p, exp = _def_unary("exp", np.exp, lambda g, out, x: multiply(g, _c(out)),  # grad * exp(x)
                        "e ** x elementwise.", save_output=True, save_inputs=False)
expm1_p, expm1 = _def_unary("expm1", np.expm1, lambda g, out, x: multiply(g, exp(_c(x))),  # grad * exp(x)
                            "exp(x) - 1 elementwise, accurate for small x.")
log_p, log = _def_unary("log", np.log, lambda g, out, x: _safe(_div_rule_x, g, x),  # grad / conj(x)
                        "Natural logarithm elementwise.")
log1p_p, log1p = _def_unary(
    "log1p", np.log1p, lambda g, out, x: realdiv(g, add(_scalar(1, x), _c(x))),  # grad / (1 + x)
    "log(1 + x) elementwise, accurate for small x.")

sin_p, sin = _def_unary("sin", np.sin, lambda g, out, x: multiply(g, cos(_c(x))),  # grad * cos(x)
                        "Sine elementwise.")
cos_p, cos = _def_unary("cos", np.cos, lambda g, out, x: negative(multiply(g, sin(_c(x)))),  # -grad * sin(x)
                        "Cosine elementwise.")
tan_p, tan = _def_unary(
    "tan", np.tan, lambda g, out, x: multiply(g, square(reciprocal(cos(_c(x))))),  # grad * sec(x)^2
    "Tangent elementwise.")


def _one_minus_sq(x):
    """1 - conj(x)^2."""
    return subtract(_scalar(1, x), square(_c(x)))


asin_p, asin = _def_unary("asin", np.arcsin, lambda g, out, x: realdiv(g, sqrt(_one_minus_sq(x))),
                          "Inverse sine elementwise.")              # grad / sqrt(1 - x^2)
acos_p, acos = _def_unary("acos", np.arccos, lambda g, out, x: negative(realdiv(g, sqrt(_one_minus_sq(x)))),
                          "Inverse cosine elementwise.")            # -grad / sqrt(1 - x^2)
atan_p, atan = _def_unary(
    "atan", np.arctan, lambda g, out, x: realdiv(g, add(_scalar(1, x), square(_c(x)))),  # grad / (1 + x^2)
    "Inverse tangent elementwise.")


def _atan2_grad(sign_of):
    # d/dy atan2(y, x) = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
    return lambda g, out, y, x: multiply(sign_of(y, x), realdiv(g, add(square(y), square(x))))


atan2_p = Primitive("atan2", np.arctan2, (_atan2_grad(lambda y, x: x), _atan2_grad(lambda y, x: negative(y))),
                    kinds="f")
atan2_p.jvp = symmetric_jvp(atan2_p.vjp)  # (ty x - tx y) / (x^2 + y^2)


def atan2(y, x, name=None):
    """The angle of the point (x, y) in (-pi, pi], elementwise (note: y first)."""
    return execute(atan2_p, pair("atan2", y, x, ("y", "x")), NO_PARAMS)


sinh_p, sinh = _def_unary("sinh", np.sinh, lambda g, out, x: multiply(g, cosh(_c(x))),  # grad * cosh(x)
                          "Hyperbolic sine elementwise.")
cosh_p, cosh = _def_unary("cosh", np.cosh, lambda g, out, x: multiply(g, sinh(_c(x))),  # grad * sinh(x)
                          "Hyperbolic cosine elementwise.")
tanh_p, tanh = _def_unary("tanh", np.tanh, lambda g, out, x: multiply(g, _one_minus_sq(out)),  # grad * (1 - y^2)
                          "Hyperbolic tangent elementwise.", save_output=True, save_inputs=False)
asinh_p, asinh = _def_unary("asinh", np.arcsinh, lambda g, out, x: realdiv(g, cosh(_c(out))),  # grad / cosh(y)
                            "Inverse hyperbolic sine elementwise.", save_output=True, save_inputs=False)
acosh_p, acosh = _def_unary("acosh", np.arccosh, lambda g, out, x: realdiv(g, sinh(_c(out))),  # grad / sinh(y)
                            "Inverse hyperbolic cosine elementwise.", save_output=True, save_inputs=False)
atanh_p, atanh = _def_unary("atanh", np.arctanh, lambda g, out, x: realdiv(g, _one_minus_sq(x)),  # grad / (1 - x^2)
                            "Inverse hyperbolic tangent elementwise.")


def _sigmoid_impl(x):
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    e = np.exp(-np.abs(x))  # in (0, 1]: no overflow for large |x|
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


sigmoid_p, sigmoid = _def_unary(
    "sigmoid", _sigmoid_impl,
    lambda g, out, x: multiply(g, multiply(_c(out), subtract(_scalar(1, out), _c(out)))),  # grad * y * (1 - y)
    "1 / (1 + exp(-x)) elementwise, stable for large |x|.", save_output=True, save_inputs=False)


def _softplus_impl(x):
    # TF's kernel: x above -t, exp(x) below t, log1p(exp(x)) between, with t = log(eps) + 2
    t = np.asarray(np.log(2.0 ** -7 if x.dtype.kind == "V" else np.finfo(x.dtype).eps) + 2, x.dtype)  # 'V': bfloat16
    e = np.exp(np.minimum(x, -t))
    return np.where(x > -t, x, np.where(x < t, e, np.log1p(e)))


softplus_p = Primitive("softplus", _softplus_impl, (lambda g, out, x: multiply(g, sigmoid(x)),),  # grad * sigmoid(x)
                       kinds="f")
softplus_p.jvp = symmetric_jvp(softplus_p.vjp)


def softplus(features, name=None):
    """log(exp(x) + 1) elementwise, stable for large |x|."""
    return execute(softplus_p, (tensor(features),), NO_PARAMS)


# Cephes (ndtr.c): erf(x) = x T(x^2) / U(x^2) for |x| <= 1, 1 - exp(-x^2) P(|x|) / Q(|x|) beyond.
_ERF_T = (9.60497373987051638749E0, 9.00260197203842689217E1, 2.23200534594684319226E3,
          7.00332514112805075473E3, 5.55923013010394962768E4)
_ERF_U = (1.0, 3.35617141647503099647E1, 5.21357949780152679795E2, 4.59432382970980127987E3,
          2.26290000613890934246E4, 4.92673942608635921086E4)
_ERFC_P = (2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0,
           4.86371970985681366614E1, 1.96520832956077098242E2, 5.26445194995477358631E2,
           9.34528527171957607540E2, 1.02755188689515710272E3, 5.57535335369399327526E2)
_ERFC_Q = (1.0, 1.32281951154744992508E1, 8.67072140885989742329E1, 3.54937778887819891062E2,
           9.75708501743205489753E2, 1.82390916687909736289E3, 2.24633760818710981792E3,
           1.65666309194161350182E3, 5.57535340817727675546E2)


def _horner(coefficients, z):
    """The polynomial with ``coefficients`` (highest degree first) at z, in place."""
    y = np.full_like(z, coefficients[0])
    for c in coefficients[1:]:
        y *= z
        y += c
    return y


def _erf_impl(x):
    x64 = np.asarray(x, dtype=np.float64)
    a = np.minimum(np.abs(x64), 8.0)  # erf(8) is 1 in float64
    z = a * a
    small = x64 * _horner(_ERF_T, z) / _horner(_ERF_U, z)
    large = np.copysign(1 - np.exp(-z) * _horner(_ERFC_P, a) / _horner(_ERFC_Q, a), x64)
    return np.where(a <= 1, small, large).astype(x.dtype, copy=False)


erf_p, erf = _def_unary(
    "erf", _erf_impl,
    lambda g, out, x: multiply(g, multiply(_scalar(2 / np.sqrt(np.pi), x), exp(negative(square(x))))),
    "The error function elementwise.", kinds="f")  # grad * 2/sqrt(pi) * exp(-x^2)

# --- rounding and classification: no gradient -------------------------------------
round_p, round = _def_unary(  # noqa: A001 - TF's public name
    "round", lambda x: x if x.dtype.kind in "iu" else np.rint(x), None,
    "Rounds to the nearest integer, half to even. No gradient.", kinds="fiu")
floor_p, floor = _def_unary("floor", np.floor, None, "Largest integer <= x elementwise. No gradient.", kinds="f")
ceil_p, ceil = _def_unary("ceil", np.ceil, None, "Smallest integer >= x elementwise. No gradient.", kinds="f")
is_nan_p, is_nan = _def_unary("is_nan", np.isnan, None, "True where x is nan.", kinds="f")
is_inf_p, is_inf = _def_unary("is_inf", np.isinf, None, "True where x is +inf or -inf.", kinds="f")
is_finite_p, is_finite = _def_unary("is_finite", np.isfinite, None, "True where x is neither inf nor nan.",
                                    kinds="f")

# --- comparisons, logical and bitwise ops -------------------------------------------
equal_p, equal = _def_binary("equal", np.equal, None, "x == y elementwise (a bool tensor).", kinds=None)
not_equal_p, not_equal = _def_binary("not_equal", np.not_equal, None, "x != y elementwise (a bool tensor).",
                                     kinds=None)
less_p, less = _def_binary("less", np.less, None, "x < y elementwise (a bool tensor).", kinds="fiu")
less_equal_p, less_equal = _def_binary("less_equal", np.less_equal, None, "x <= y elementwise (a bool tensor).",
                                       kinds="fiu")
greater_p, greater = _def_binary("greater", np.greater, None, "x > y elementwise (a bool tensor).", kinds="fiu")
greater_equal_p, greater_equal = _def_binary("greater_equal", np.greater_equal, None,
                                             "x >= y elementwise (a bool tensor).", kinds="fiu")
logical_and_p, logical_and = _def_binary("logical_and", np.logical_and, None, "x AND y for bool tensors.",
                                         kinds="b")
logical_or_p, logical_or = _def_binary("logical_or", np.logical_or, None, "x OR y for bool tensors.", kinds="b")
logical_xor_p, logical_xor = _def_binary("logical_xor", np.logical_xor, None, "x XOR y for bool tensors.",
                                         kinds="b")
logical_not_p, logical_not = _def_unary("logical_not", np.logical_not, None, "NOT x for a bool tensor.",
                                        kinds="b")
# tf.bitwise.*: not exported from tapegrad.math (the operators &, |, ^, ~ on integer tensors use them)
bitwise_and_p, bitwise_and = _def_binary("bitwise_and", np.bitwise_and, None, "x & y for integer tensors.",
                                         kinds="iu")
bitwise_or_p, bitwise_or = _def_binary("bitwise_or", np.bitwise_or, None, "x | y for integer tensors.",
                                       kinds="iu")
bitwise_xor_p, bitwise_xor = _def_binary("bitwise_xor", np.bitwise_xor, None, "x ^ y for integer tensors.",
                                         kinds="iu")
invert_p, invert = _def_unary("invert", np.invert, None, "~x (bitwise NOT) for integer tensors.", kinds="iu")


def _clamped_shift(np_shift):
    """TF's shift kernels: the shift amount clamped to [0, bits - 1]."""
    return lambda x, y: np_shift(x, np.clip(y, 0, x.dtype.itemsize * 8 - 1).astype(y.dtype))


left_shift_p, left_shift = _def_binary("left_shift", _clamped_shift(np.left_shift), None,
                                       "x << y for integer tensors (y clamped to [0, bits - 1]).", kinds="iu")
right_shift_p, right_shift = _def_binary("right_shift", _clamped_shift(np.right_shift), None,
                                         "x >> y for integer tensors (arithmetic for signed ones; y clamped to "
                                         "[0, bits - 1]).", kinds="iu")

# --- selection --------------------------------------------------------------------


def _where_impl(c, x, y):
    return np.where(c, x, y)


where_p = Primitive("where", _where_impl, (
    None,
    lambda g, out, c, x, y: where(c, g, zeros_like(g)),   # grad where cond, else 0
    lambda g, out, c, x, y: where(c, zeros_like(g), g),   # grad where not cond, else 0
))
where_p.jvp = linear_jvp(where_p)  # where(c, tx, ty)


def where(condition, x=None, y=None, name=None):
    """Elementwise select: ``x`` where ``condition`` else ``y`` (broadcasting)."""
    from . import array
    condition = tensor(condition)
    if x is None and y is None:
        return array.where_indices(condition)
    if x is None or y is None:
        raise ValueError("tapegrad.where: x and y must both be given, or both be None.")
    x, y = pair("where", x, y, ("t", "e"))
    if condition._value.dtype.kind != "b":
        raise TypeError(f"tapegrad.where: condition must be bool, got {condition.dtype.name}.")
    return execute(where_p, (condition, x, y), NO_PARAMS)


# --- complex numbers --------------------------------------------------------------


def _complex_impl(re, im):
    out = np.empty(np.broadcast_shapes(re.shape, im.shape), np.complex64 if re.dtype == np.float32 else np.complex128)
    out.real, out.imag = re, im
    return out


complex_p = Primitive("complex", _complex_impl, (
    lambda g, out, re, im: real(g),              # the real part of grad
    lambda g, out, re, im: imag(g),              # the imaginary part of grad
), kinds="f", linear=True, save_inputs=False)


def complex(real, imag, name=None):  # noqa: A001 - TF's public name
    """real + 1j * imag (float32 parts give complex64, float64 parts complex128; broadcasting)."""
    re, im = tensor(real), tensor(imag)
    if re._value.dtype != im._value.dtype or re._value.dtype not in (np.float32, np.float64):
        raise TypeError(f"The `real` and `imag` components have incorrect types: {re.dtype.name} {im.dtype.name}. "
                        "They must be consistent, and one of [tf.float32, tf.float64]")
    return execute(complex_p, (re, im), NO_PARAMS)


real_p = Primitive("real", np.real, (lambda g, out, x: cast(g, x.dtype),),  # complex(grad, 0)
                   kinds="c", linear=True, save_inputs=False)
imag_p = Primitive("imag", np.imag, (lambda g, out, x: complex(zeros_like(g), g),),  # complex(0, grad)
                   kinds="c", linear=True, save_inputs=False)
angle_p = Primitive("angle", np.angle, (
    # -grad / (imag(x) + 1j * real(x))
    lambda g, out, x: negative(divide(cast(g, x.dtype), complex(imag(x), real(x)))),
), kinds="c", jvp=lambda ts, out, x: realdiv(imag(multiply(_c(x), ts[0])), real(multiply(_c(x), x))))
# the JVP: im(conj(x) t) / |x|^2


def real(input, name=None):  # noqa: A002 - TF's argument name
    """The real part of a complex tensor (float32/float64); a real tensor is returned as is."""
    x = tensor(input)
    if is_complex(x):
        return execute(real_p, (x,), NO_PARAMS)
    if x.dtype.is_bool:
        raise TypeError(f"input must be a numeric tensor, but got tensor with dtype {x.dtype!r}")
    return x


def imag(input, name=None):  # noqa: A002
    """The imaginary part of a complex tensor (float32/float64); zeros for a real tensor."""
    x = tensor(input)
    return execute(imag_p, (x,), NO_PARAMS) if is_complex(x) else zeros_like(x)


def angle(input, name=None):  # noqa: A002
    """The argument of a complex tensor; pi where a real tensor is negative, else 0."""
    x = tensor(input)
    if is_complex(x):
        return execute(angle_p, (x,), NO_PARAMS)
    if not x.dtype.is_floating:
        raise TypeError(f"Cannot convert {np.pi} to EagerTensor of dtype {x.dtype.name}")
    return where(less(x, _scalar(0, x)), _scalar(np.pi, x), _scalar(0, x))


# --- matrix products ----------------------------------------------------------------


def _adjoint(m):
    m = np.swapaxes(m, -1, -2)
    return np.conj(m) if m.dtype.kind == "c" else m


def _matmul_impl(a, b, adjoint_a, adjoint_b):
    out = np.matmul(_adjoint(a) if adjoint_a else a, _adjoint(b) if adjoint_b else b)
    return out.astype(a.dtype, copy=False)  # NumPy multiplies bfloat16 in float32


def _mm(a, b, adjoint_a, adjoint_b):
    return execute(matmul_p, (a, b), {"adjoint_a": adjoint_a, "adjoint_b": adjoint_b})


def _matmul_grad_a(g, out, a, b, adjoint_a, adjoint_b):
    """For a b: g b^H;  a b^H: g b;  a^H b: b g^H;  a^H b^H: b^H g^H (TF's BatchMatMulV2 rules)."""
    return _mm(b, g, adjoint_b, True) if adjoint_a else _mm(g, b, False, not adjoint_b)


def _matmul_grad_b(g, out, a, b, adjoint_a, adjoint_b):
    """For a b: a^H g;  a b^H: g^H a;  a^H b: a g;  a^H b^H: g^H a^H."""
    return _mm(g, a, True, adjoint_a) if adjoint_b else _mm(a, g, not adjoint_a, False)


# Cotangents keep the broadcast batch shape: the tape sums them back to each input's shape.
matmul_p = Primitive("matmul", _matmul_impl, (_matmul_grad_a, _matmul_grad_b), kinds="fci")
matmul_p.jvp = multilinear_jvp(matmul_p)  # ta b + a tb


_MATMUL_TYPES = "bfloat16, half, float, double, int32, int64, uint8, uint16, uint32, uint64, complex64, complex128"


_UNSIGNED = ("uint8", "uint16", "uint32", "uint64")


def _product_kernel(op, t, undefined, missing=_UNSIGNED):
    """TF's kernel lookup for a matrix product of integers: a dtype outside the op's definition
    (``undefined``) raises InvalidArgumentError, one without a CPU kernel (``missing``) NotFoundError."""
    name = t.dtype.name
    if name in undefined:
        raise errors.InvalidArgumentError(None, op, (
            f"Value for attr 'T' of {name} is not in the list of allowed values: {_MATMUL_TYPES} [Op:{op}]"))
    if name in missing:
        raise errors.NotFoundError(None, op, (
            f"Could not find device for node: {{{{node {op}}}}} = {op}[T=DT_{name.upper()}]; cast the inputs to "
            f"int32, int64 or a floating dtype [Op:{op}]"))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, a_is_sparse=False,
           b_is_sparse=False, output_type=None, grad_a=False, grad_b=False, name=None):
    """Matrix product of the last two dimensions, broadcasting the leading (batch) ones; ranks must be >= 2."""
    for t, adj, side in ((transpose_a, adjoint_a, "a"), (transpose_b, adjoint_b, "b")):
        if t and adj:
            raise ValueError(f"Only one of `transpose_{side}` and `adjoint_{side}` can be True. Received "
                             f"`transpose_{side}`={t}, `adjoint_{side}`={adj}.")
    a = tensor(a)
    b = b if type(b) is Tensor else convert_to_tensor(b, dtype_hint=a.dtype)
    same_dtype("MatMul", (a, b), ("a", "b"))
    if output_type is not None and a.dtype != output_type:
        raise errors.NotFoundError(None, "MatMul", (
            f"Could not find a MatMul kernel for {a.dtype.name} inputs with output_type {output_type!r} "
            "[Op:MatMul]"))
    sa, sb = a._value.shape, b._value.shape
    for i, s in enumerate((sa, sb)):
        if len(s) < 2:
            raise errors.InvalidArgumentError(None, "MatMul", f"In[{i}] ndims must be >= 2: {len(s)} [Op:MatMul]")
    if sa[-2 if transpose_a or adjoint_a else -1] != sb[-1 if transpose_b or adjoint_b else -2]:
        raise errors.InvalidArgumentError(None, "MatMul", (
            f"Matrix size-incompatible: In[0]: {_dims(sa)}, In[1]: {_dims(sb)} [Op:MatMul]"))
    if len(sa) > 2 and len(sb) > 2:
        try:
            np.broadcast_shapes(sa[:-2], sb[:-2])
        except ValueError:
            raise errors.InvalidArgumentError(None, "MatMul", (
                f"In[0] and In[1] must have compatible batch dimensions: {_dims(sa)} vs. {_dims(sb)} "
                "[Op:BatchMatMulV2]")) from None
    if a.dtype.is_integer:
        batched = len(sa) > 2 or len(sb) > 2
        _product_kernel("BatchMatMulV2" if batched else "MatMul", a, ("int8",) if batched else ("int8", "int16"))
    if is_complex(a):  # a plain transpose of a complex matrix is the adjoint of its conjugate
        a, b = (_c(a) if transpose_a else a), (_c(b) if transpose_b else b)
    return _mm(a, b, bool(adjoint_a or transpose_a), bool(adjoint_b or transpose_b))


_LETTERS = string.ascii_letters
_MAX_OPERANDS = 64  # NumPy's limit on einsum operands


def _einsum_impl(*xs, equation):
    if xs[0].dtype.kind == "V":  # bfloat16: NumPy's einsum has no kernel for it, compute in float32
        return _einsum_impl(*[x.astype(np.float32) for x in xs], equation=equation).astype(xs[0].dtype)
    return np.einsum(equation, *xs, optimize=len(xs) > 2 or sum(x.size for x in xs) > 4096)


def _einsum_grad(i, g, out, *xs, equation):
    """Operand i's cotangent: the einsum of g and the other operands (conjugated) onto i's labels.

    A label of operand i found nowhere else enters through a ones vector (the
    gradient of a sum broadcasts); a repeated label (a diagonal) gets a fresh
    label tied to it by an identity matrix.
    """
    lhs, out_labels = equation.split("->")
    ins = lhs.split(",")
    subs = [out_labels] + ins[:i] + ins[i + 1:]
    ops = [g] + [_c(x) for x in xs[:i] + xs[i + 1:]]
    seen = set("".join(subs))
    fresh = (c for c in _LETTERS if c not in equation)
    dtype = xs[i]._value.dtype
    target = ""
    for label, size in zip(ins[i], xs[i]._value.shape):
        if label in target:
            new = next(fresh)
            subs.append(label + new)
            ops.append(Tensor(np.eye(size, dtype=dtype)))
            target += new
        else:
            if label not in seen:
                subs.append(label)
                ops.append(Tensor(np.ones(size, dtype=dtype)))
                seen.add(label)
            target += label
    return _einsum(",".join(subs) + "->" + target, ops)


# One rule per operand position, so that the tape computes only the gradients it needs.
einsum_p = Primitive("einsum", _einsum_impl,
                     tuple(functools.partial(_einsum_grad, i) for i in range(_MAX_OPERANDS)), kinds="fci")
einsum_p.jvp = multilinear_jvp(einsum_p)  # the product rule over the operands


def _einsum(equation, xs):
    return execute(einsum_p, tuple(xs), {"equation": equation})


def einsum(equation, *inputs, **kwargs):
    """Sums products of elements over the labels of ``equation``: 'ij,jk->ik', 'bij->bji', '...ii->...i', 'ij'."""
    kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for einsum: {', '.join(kwargs)}")
    xs = [tensor(x) for x in inputs]
    if xs:
        same_dtype("Einsum", xs, "inputs")
        if xs[0].dtype.is_integer:
            _product_kernel("Einsum", xs[0], (), ("int8", "int16") + _UNSIGNED)
    equation, xs = _explicit_einsum(equation.replace(" ", ""), xs)
    return _einsum(equation, xs)


def _explicit_einsum(equation, xs):
    """The equation made explicit, with labels for the dimensions of '...', and the operands; checked as TF does.

    Operands are reshaped to drop the size-1 '...' dimensions that broadcast, so
    that every label has one size throughout.
    """
    from .array import reshape
    lhs, arrow, out = equation.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(xs):
        raise ValueError(f'Got {len(xs)} inputs for equation "{equation}", expecting {len(ins)}')
    used = set(lhs.replace("...", "") + out.replace("...", "")) - {","}
    if not used <= set(_LETTERS) or any(s.count("...") > 1 or s.replace("...", "").count(".") for s in ins + [out]):
        raise ValueError(f"Invalid einsum equation {equation!r}: labels are letters, with at most one '...' per term.")
    if not arrow:  # implicit output: '...' then the labels used once, sorted
        flat = lhs.replace("...", "").replace(",", "")
        out = ("..." if "..." in lhs else "") + "".join(sorted(c for c in set(flat) if flat.count(c) == 1))
    for c in out.replace("...", ""):
        if out.count(c) > 1:
            raise ValueError(f"Output subscripts contain a label appearing more than once: {equation}")
        if c not in lhs:
            raise ValueError(f"Output subscripts contain the label {c} not present in the input subscripts.")
    ell = []  # the dimensions each operand's '...' covers
    for i, (s, x) in enumerate(zip(ins, xs)):
        n = x._value.ndim - len(s.replace("...", ""))
        if n < 0 or (n and "..." not in s):
            raise errors.InvalidArgumentError(None, "Einsum", (
                f"Expected input {i} to have rank {len(s.replace('...', ''))} but got: {x._value.ndim} [Op:Einsum]"))
        start = s.find("...")
        ell.append(x._value.shape[start:start + n] if n else ())
    try:
        batch = np.broadcast_shapes(*ell)
    except ValueError:
        raise errors.InvalidArgumentError(None, "Einsum", (
            "The dimensions covered by '...' must broadcast: got input shapes "
            f"{', '.join(_dims(x) for x in xs)} [Op:Einsum]")) from None
    if batch and "..." not in out:
        raise errors.InvalidArgumentError(None, "Einsum", (
            f"Output contains {len(batch)} broadcasting dimension(s) but no ellipsis (...) was found in the "
            "output subscripts. [Op:Einsum]"))
    fresh = "".join(c for c in _LETTERS if c not in used)[:len(batch)]
    sizes = {}
    for i, (s, x) in enumerate(zip(ins, xs)):
        if "..." in s:
            n = len(ell[i])
            keep = [d != 1 or b == 1 for d, b in zip(ell[i], batch[len(batch) - n:])]
            s = s.replace("...", "".join(c for c, k in zip(fresh[len(batch) - n:], keep) if k))
            if not all(keep):
                start = ins[i].find("...")
                shape = x._value.shape
                xs[i] = reshape(x, shape[:start] + tuple(d for d, k in zip(ell[i], keep) if k) + shape[start + n:])
            ins[i] = s
        for axis, (c, d) in enumerate(zip(s, xs[i]._value.shape)):
            if sizes.setdefault(c, d) != d:
                raise errors.InvalidArgumentError(None, "Einsum", (
                    f"Expected dimension {sizes[c]} at axis {axis} of the input shaped {_dims(xs[i])} but got "
                    f"dimension {d} [Op:Einsum]"))
    return ",".join(ins) + "->" + out.replace("...", fresh), xs


def tensordot(a, b, axes, name=None):
    """Contracts ``axes`` of a with those of b (an int N: a's last N with b's first N; or [a_axes, b_axes])."""
    a = tensor(a)
    b = b if type(b) is Tensor else convert_to_tensor(b, dtype_hint=a.dtype)
    same_dtype("MatMul", (a, b), ("a", "b"))
    if a.dtype.is_integer:
        _product_kernel("MatMul", a, ("int8", "int16"))
    ra, rb = a._value.ndim, b._value.ndim
    a_axes, b_axes = _tensordot_axes(axes, ra, rb)
    a_sub, b_sub = _LETTERS[:ra], list(_LETTERS[ra:ra + rb])
    for i, j in zip(a_axes, b_axes):
        if a._value.shape[i] != b._value.shape[j]:
            raise errors.InvalidArgumentError(None, "tensordot", (
                f"tensordot: contracted dimensions differ: axis {i} of a {_dims(a)} has size {a._value.shape[i]} "
                f"but axis {j} of b {_dims(b)} has size {b._value.shape[j]} [Op:MatMul]"))
        b_sub[j] = a_sub[i]
    out = [c for k, c in enumerate(a_sub) if k not in a_axes] + [c for k, c in enumerate(b_sub) if k not in b_axes]
    return _einsum(f"{a_sub},{''.join(b_sub)}->{''.join(out)}", (a, b))


def _tensordot_axes(axes, ra, rb):
    """Two lists of non-negative axes from tensordot's ``axes`` argument, checked as TF does."""
    if isinstance(axes, (Tensor, Variable)):
        axes = np.asarray(axes).tolist()
    if isinstance(axes, (int, np.integer)):
        if axes < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {axes}.")
        if axes > ra or axes > rb:
            raise ValueError(f"`axes` must not be larger than the number of dimensions of tensor. Received {axes}, "
                             f"vs tensor dimensions {ra if axes > ra else rb}.")
        return list(range(ra - axes, ra)), list(range(axes))
    if not isinstance(axes, (list, tuple)):
        raise TypeError(f"Cannot convert {axes!r} to EagerTensor of dtype int32")
    if len(axes) != 2:
        raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
    a_axes, b_axes = ([ax] if isinstance(ax, (int, np.integer)) else list(ax) for ax in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"Different number of contraction axes `a` and `b`, {len(a_axes)} != {len(b_axes)}.")
    a_axes = [normalize_axis("tensordot", ax, ra) for ax in a_axes]
    b_axes = [normalize_axis("tensordot", ax, rb) for ax in b_axes]
    if len(set(a_axes)) != len(a_axes) or len(set(b_axes)) != len(b_axes):
        raise ValueError(f"tensordot: an axis is contracted twice in {axes}.")
    return a_axes, b_axes


# --- cumulative sums and products ----------------------------------------------------


def _scan_impl(ufunc, identity):
    def impl(x, axis, exclusive, reverse):
        if reverse:
            x = np.flip(x, axis)
        out = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
        if exclusive:  # shift by one along axis, starting from the identity
            shifted = np.full_like(out, identity)
            head = (slice(None),) * axis
            shifted[head + (slice(1, None),)] = out[head + (slice(None, -1),)]
            out = shifted
        return np.flip(out, axis) if reverse else out
    return impl


def _scan_params(op, x, axis, exclusive, reverse):
    a = tensor(axis) if isinstance(axis, (Tensor, Variable)) else convert_to_tensor(axis, dtype="int32")
    if a._value.ndim != 0 or a._value.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(None, op, f"ScanOp: axis must be a scalar, not {a._value.tolist()} [Op:{op}]")
    ndim, axis = x._value.ndim, int(static_value(a, f"{op}'s axis"))
    if not -ndim <= axis < ndim:
        raise errors.InvalidArgumentError(None, op, (
            f"ScanOp: Expected scan axis in the range [{-ndim}, {ndim}), but got {axis} [Op:{op}]"))
    return {"axis": axis % ndim, "exclusive": bool(exclusive), "reverse": bool(reverse)}


cumsum_p = Primitive("cumsum", _scan_impl(np.add, 0), (
    lambda g, out, x, axis, exclusive, reverse: execute(  # the cumsum of grad in the other direction
        cumsum_p, (g,), {"axis": axis, "exclusive": exclusive, "reverse": not reverse}),
), kinds="fciu", linear=True, save_inputs=False)

cumprod_p = Primitive("cumprod", _scan_impl(np.multiply, 1), (
    # cumsum(grad * y) in the other direction, / x, 0 where x == 0 (TF's rule: div_no_nan, and no conj)
    lambda g, out, x, axis, exclusive, reverse: divide_no_nan(execute(
        cumsum_p, (multiply(g, out),), {"axis": axis, "exclusive": exclusive, "reverse": not reverse}), x),
), kinds="fciu", save_output=True,
    # y * cumsum(t / x) in the same direction, t / x taken as 0 where x == 0 (as the VJP)
    jvp=lambda ts, out, x, **p: multiply(out, execute(cumsum_p, (divide_no_nan(ts[0], x),), p)))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis``; ``exclusive`` leaves out the current element, ``reverse`` sums from the end."""
    x = tensor(x)
    return execute(cumsum_p, (x,), _scan_params("Cumsum", x, axis, exclusive, reverse))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis``; ``exclusive`` and ``reverse`` as in cumsum."""
    x = tensor(x)
    return execute(cumprod_p, (x,), _scan_params("Cumprod", x, axis, exclusive, reverse))


# --- casts and helpers ----------------------------------------------------------------


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


__all__ = [
    "add", "subtract", "multiply", "negative", "realdiv", "truediv", "divide", "divide_no_nan", "floordiv",
    "floormod", "mod", "pow", "squared_difference", "maximum", "minimum", "add_n", "xdivy", "xlogy",
    "clip_by_value", "abs", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "expm1", "log", "log1p",
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "sigmoid", "softplus", "erf", "round", "floor", "ceil", "is_nan", "is_inf", "is_finite", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
    "logical_not", "where", "complex", "real", "imag", "angle", "conj", "matmul", "einsum", "tensordot",
    "cumsum", "cumprod", "cast"]
