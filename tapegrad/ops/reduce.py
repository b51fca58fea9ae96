"""Reductions: reduce_sum/mean/max/min/prod/logsumexp/any/all, variance/std, argmax/argmin, count_nonzero.

``axis`` is None (all axes), an int, a list/tuple or an integer tensor; negative
axes count from the end and duplicates are an error, as in TF.
"""
import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.forwardprop import symmetric_jvp
from .._core.primitive import Primitive
from .._core.tensor import Variable, convert_to_tensor
from . import array as _array
from . import math as _math
from ._util import NO_PARAMS, Tensor, execute, tensor


def _axes(op, axis, ndim):
    """None or a sorted tuple of distinct non-negative axes (InvalidArgumentError like TF otherwise)."""
    if axis is None:
        return None
    v = _array._static(axis, f"{op}'s axis")
    if v.size and v.dtype.kind not in "iu":  # TF: a Python float is a TypeError, else the op's Tidx refuses it
        if isinstance(axis, (float, np.floating)):
            raise TypeError(f"{op}: axis must be an int, a list of ints or an integer tensor, got {axis!r}")
        raise errors.InvalidArgumentError(None, op, (
            f"Value for attr 'Tidx' of {v.dtype} is not in the list of allowed values: int32, int64 [Op:{op}]: "
            f"axis must be an int, a list of ints or an integer tensor, got {axis!r}"))
    axes = []
    for a in v.reshape(-1).tolist():
        if not -ndim <= a < ndim:
            raise errors.InvalidArgumentError(None, op, (
                f"Invalid reduction dimension ({a} for input with {ndim} dimension(s): axes must be in "
                f"[{-ndim}, {ndim}) [Op:{op}]"))
        if a % ndim in axes:
            raise errors.InvalidArgumentError(None, op, (
                f"Invalid reduction arguments: Axes contains duplicate dimension: {a % ndim} [Op:{op}]"))
        axes.append(a % ndim)
    return tuple(sorted(axes))


def _kept_shape(shape, axes):
    """The input shape with reduced axes set to 1 (the keepdims shape)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _expand(g, x, axes):
    """Broadcasts a reduced cotangent back to x's shape."""
    shape = x._value.shape if type(x) is Tensor else x.shape
    return _array.broadcast_to(_array.reshape(g, _kept_shape(shape, axes)), shape)


def _reduce(prim, op, input_tensor, axis, keepdims):
    x = tensor(input_tensor)
    return execute(prim, (x,), {"axes": _axes(op, axis, x._value.ndim), "keepdims": bool(keepdims)})


def _sum(x, axes, keepdims):
    return execute(reduce_sum_p, (x,), {"axes": axes, "keepdims": keepdims})


def _count(shape, axes):
    """How many entries each output entry reduces over."""
    return int(np.prod(shape if axes is None else [shape[a] for a in axes], dtype=np.int64))


# --- sum and mean ----------------------------------------------------------------------
def _sum_impl(x, axes, keepdims):
    return np.asarray(np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype))


reduce_sum_p = Primitive("reduce_sum", _sum_impl, (
    lambda g, out, x, axes, keepdims: _expand(g, x, axes),   # grad broadcast over the summed axes
), linear=True, save_inputs=False, kinds="fciu")


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over ``axis`` (None = all axes)."""
    return _reduce(reduce_sum_p, "Sum", input_tensor, axis, keepdims)


def _mean_impl(x, axes, keepdims):
    n = _count(x.shape, axes)
    if x.dtype.kind in "iu":  # a wide sum, then integer division truncating toward zero, as TF
        s = np.sum(x, axis=axes, keepdims=keepdims, dtype=np.uint64 if x.dtype == np.uint64 else np.int64)
        if n == 0:
            return np.zeros(np.shape(s), x.dtype)
        n = np.asarray(n, s.dtype)
        q = s // n
        return np.asarray(q + ((q * n != s) & (s < 0))).astype(x.dtype)
    with np.errstate(all="ignore"):  # an empty mean is NaN, a float16 sum may overflow: as in TF, no warning
        return np.asarray(np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype) / np.asarray(n, x.dtype))


reduce_mean_p = Primitive("reduce_mean", _mean_impl, (
    lambda g, out, x, axes, keepdims: _math.realdiv(   # grad / n, broadcast over the reduced axes
        _expand(g, x, axes), Tensor(np.asarray(_count(x.shape, axes), g._value.dtype))),
), linear=True, save_inputs=False, kinds="fciu")


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over ``axis``; integer tensors use integer division (truncating), as TF."""
    return _reduce(reduce_mean_p, "Mean", input_tensor, axis, keepdims)


# --- max and min -----------------------------------------------------------------------
def _extreme_impl(fn, largest):
    def impl(x, axes, keepdims):
        if x.dtype.kind == "f":
            init = -np.inf if largest else np.inf
        else:
            init = np.iinfo(x.dtype).min if largest else np.iinfo(x.dtype).max
        return np.asarray(fn(x, axis=axes, keepdims=keepdims, initial=init))  # empty -> the identity, as TF
    return impl


def _minmax_share(out, x, axes):
    """1 / (number of ties) at the entries equal to the extremum, else 0 (TF's tie rule)."""
    kept = _kept_shape(x._value.shape, axes)
    hit = _math.where(_math.not_equal(x, _array.reshape(out, kept)), _array.zeros_like(x), _array.ones_like(x))
    return _math.realdiv(hit, _sum(hit, axes, True))


def _minmax_rule(g, out, x, axes, keepdims):
    # grad shared evenly among the entries equal to the extremum
    return _math.multiply(_minmax_share(out, x, axes), _array.reshape(g, _kept_shape(x._value.shape, axes)))


def _minmax_jvp(tangents, out, x, axes, keepdims):
    return _sum(_math.multiply(tangents[0], _minmax_share(out, x, axes)), axes, keepdims)  # the ties' mean tangent


reduce_max_p = Primitive("reduce_max", _extreme_impl(np.max, True), (_minmax_rule,), jvp=_minmax_jvp,
                         save_output=True, kinds="fiu")
reduce_min_p = Primitive("reduce_min", _extreme_impl(np.min, False), (_minmax_rule,), jvp=_minmax_jvp,
                         save_output=True, kinds="fiu")


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over ``axis`` (-inf, or the dtype's minimum, for an empty reduction); NaN propagates."""
    return _reduce(reduce_max_p, "Max", input_tensor, axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over ``axis`` (+inf, or the dtype's maximum, for an empty reduction); NaN propagates."""
    return _reduce(reduce_min_p, "Min", input_tensor, axis, keepdims)


# --- prod ------------------------------------------------------------------------------
def _prod_impl(x, axes, keepdims):
    return np.asarray(np.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype))


def _prod_others_impl(x):
    """Along the last axis, the product of all other entries (exclusive cumprods, no division)."""
    if x.shape[-1] == 0:
        return x.copy()
    ones = np.ones(x.shape[:-1] + (1,), x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], -1), -1)[..., ::-1]
    return left * right


def _prod_others_rule(h, out, x):
    # J[i, k] = prod over j != i, k (symmetric, zero diagonal) = prod_others of row i of x with x_i set to 1
    n = x._value.shape[-1]
    eye = Tensor(np.eye(n, dtype=bool))
    one, zero = Tensor(np.ones((), x._value.dtype)), Tensor(np.zeros((), x._value.dtype))
    rows = _math.where(eye, one, _array.expand_dims(x, -2))
    jac = _math.where(eye, zero, execute(prod_others_p, (rows,), NO_PARAMS))
    prod = _math.multiply(_math.conj(jac), _array.expand_dims(h, -1))
    return _sum(prod, (prod._value.ndim - 2,), False)


prod_others_p = Primitive("prod_others", _prod_others_impl, (_prod_others_rule,),
                          jvp=symmetric_jvp((_prod_others_rule,)))  # its Jacobian is symmetric


def _prod_others(x, axes):
    """d prod / d x_i: the product of the other entries over the reduced axes (exact with zeros)."""
    nd = x._value.ndim
    red = tuple(range(nd)) if axes is None else axes
    perm = [i for i in range(nd) if i not in red] + list(red)
    xt = _array.transpose(x, perm)
    lead = xt._value.shape[:nd - len(red)]
    others = execute(prod_others_p, (_array.reshape(xt, lead + (_count(x._value.shape, red),)),), NO_PARAMS)
    return _array.transpose(_array.reshape(others, xt._value.shape), np.argsort(perm).tolist())


reduce_prod_p = Primitive("reduce_prod", _prod_impl, (
    lambda g, out, x, axes, keepdims: _math.multiply(_expand(g, x, axes), _math.conj(_prod_others(x, axes))),
), kinds="fciu",
    jvp=lambda ts, out, x, axes, keepdims: _sum(_math.multiply(ts[0], _prod_others(x, axes)), axes, keepdims))


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product over ``axis``; its gradient is exact when entries are zero."""
    return _reduce(reduce_prod_p, "Prod", input_tensor, axis, keepdims)


# --- logsumexp -------------------------------------------------------------------------
def _logsumexp_impl(x, axes, keepdims):
    m = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0).astype(x.dtype)  # TF's shift: the max when finite, else 0
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True, dtype=x.dtype)) + m
    return out if keepdims else np.asarray(np.squeeze(out, axis=axes))


def _softmax_over(out, x, axes):
    return _math.exp(_math.subtract(x, _array.reshape(out, _kept_shape(x._value.shape, axes))))  # exp(x - out)


reduce_logsumexp_p = Primitive("reduce_logsumexp", _logsumexp_impl, (
    lambda g, out, x, axes, keepdims: _math.multiply(   # grad * softmax(x)
        _array.reshape(g, _kept_shape(x._value.shape, axes)), _softmax_over(out, x, axes)),
), save_output=True, kinds="f",
    jvp=lambda ts, out, x, axes, keepdims: _sum(_math.multiply(ts[0], _softmax_over(out, x, axes)), axes, keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """``log(sum(exp(x)))`` over ``axis``, computed stably (shifted by the finite maximum)."""
    return _reduce(reduce_logsumexp_p, "Max", input_tensor, axis, keepdims)


# --- any and all -----------------------------------------------------------------------
reduce_any_p = Primitive("reduce_any", lambda x, axes, keepdims: np.asarray(np.any(x, axis=axes, keepdims=keepdims)),
                         differentiable=False, kinds="b")
reduce_all_p = Primitive("reduce_all", lambda x, axes, keepdims: np.asarray(np.all(x, axis=axes, keepdims=keepdims)),
                         differentiable=False, kinds="b")


def _bool_input(op, x):
    if isinstance(x, (Tensor, Variable)) and not x.dtype.is_bool:
        raise errors.InvalidArgumentError(None, op, (
            f"cannot compute {op} as input #0(zero-based) was expected to be a bool tensor but is a "
            f"{x.dtype.name} tensor [Op:{op}]. Compare first, e.g. tapegrad.not_equal(x, 0)."))
    return convert_to_tensor(x, dtype=_dt.bool)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical or over ``axis`` of a bool tensor (False for an empty reduction)."""
    return _reduce(reduce_any_p, "Any", _bool_input("Any", input_tensor), axis, keepdims)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical and over ``axis`` of a bool tensor (True for an empty reduction)."""
    return _reduce(reduce_all_p, "All", _bool_input("All", input_tensor), axis, keepdims)


# --- variance and std ------------------------------------------------------------------
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance over ``axis`` (real for complex input); floating and complex only."""
    x = tensor(input_tensor)
    means = reduce_mean(x, axis, keepdims=True)
    if x.dtype.is_integer:
        raise TypeError(f"Input must be either real or complex. Received integer type {x.dtype.name}: cast it "
                        "to a floating dtype first.")
    diff = _math.subtract(x, means)
    if x.dtype.is_complex:
        sq = _math.cast(_math.multiply(_math.conj(diff), diff), x.dtype.real_dtype)
    else:
        sq = _math.square(diff)
    return reduce_mean(sq, axis, keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation over ``axis``: ``sqrt(reduce_variance)``."""
    return _math.sqrt(reduce_variance(input_tensor, axis, keepdims))


# --- argmax, argmin, count_nonzero -------------------------------------------------------
def _arg_impl(x, axis, dtype, largest):
    if x.dtype.kind == "f":  # TF ignores NaN, and a value at or past the dtype's extreme never beats index 0
        lim = _dt.from_numpy(x.dtype).min if largest else _dt.from_numpy(x.dtype).max
        far = -np.inf if largest else np.inf
        x = np.where(np.isnan(x) | ((x <= lim) if largest else (x >= lim)), far, x).astype(x.dtype)
    return np.asarray((np.argmax if largest else np.argmin)(x, axis=axis)).astype(dtype)


argmax_p = Primitive("argmax", lambda x, axis, dtype: _arg_impl(x, axis, dtype, True), differentiable=False,
                     kinds="fiub")
argmin_p = Primitive("argmin", lambda x, axis, dtype: _arg_impl(x, axis, dtype, False), differentiable=False,
                     kinds="fiub")


def _arg(prim, op, input, axis, output_type):
    x = tensor(input)
    shape = x._value.shape
    axis = 0 if axis is None else axis
    v = _array._static(axis, f"{op}'s axis")
    if v.ndim != 0 or v.dtype.kind not in "iu":
        raise TypeError(f"axis must be int or Tensor with integer datatype, got {axis!r}")
    a = int(v)
    if not -len(shape) <= a < len(shape):
        raise errors.InvalidArgumentError(None, op, (
            f"Expected dimension in the range [{-len(shape)}, {len(shape)}), but got {a} [Op:{op}]"))
    a %= len(shape)
    if shape[a] == 0:
        raise errors.InvalidArgumentError(None, op, (
            f"Reduction axis {a} is empty in shape {_array._fmt(shape)} [Op:{op}]"))
    dtype = _dt.as_dtype(output_type)
    if not dtype.is_integer:
        raise errors.InvalidArgumentError(None, op, (
            f"Value for attr 'output_type' of {dtype.name} is not in the list of allowed values: int16, uint16, "
            f"int32, int64 [Op:{op}]"))
    return execute(prim, (x,), {"axis": a, "dtype": dtype._np})


def argmax(input, axis=None, output_type=_dt.int64, name=None):  # noqa: A002
    """Index of the largest value along ``axis`` (default 0); ties give the first; NaN is skipped."""
    return _arg(argmax_p, "ArgMax", input, axis, output_type)


def argmin(input, axis=None, output_type=_dt.int64, name=None):  # noqa: A002
    """Index of the smallest value along ``axis`` (default 0); ties give the first; NaN is skipped."""
    return _arg(argmin_p, "ArgMin", input, axis, output_type)


def count_nonzero(input, axis=None, keepdims=None, dtype=_dt.int64, name=None):  # noqa: A002
    """Number of non-zero (true) entries over ``axis``, as ``dtype`` (int64 by default)."""
    x = tensor(input)
    nz = x if x.dtype.is_bool else _math.not_equal(x, Tensor(np.zeros((), x._value.dtype)))
    return _math.cast(reduce_sum(_math.cast(nz, _dt.int64), axis, keepdims), dtype)


__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp", "reduce_any",
           "reduce_all", "reduce_variance", "reduce_std", "argmax", "argmin", "count_nonzero"]
