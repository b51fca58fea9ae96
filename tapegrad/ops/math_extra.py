"""More of ``tf.math``: no-NaN products, xlog1py, cumulative_logsumexp, polyval, bincount, confusion_matrix,
in_top_k, invert_permutation and small predicates, with TF's names, dtypes, errors and gradients.

New differentiable primitives carry a VJP rule (``rule(g, out, *inputs) -> cotangent``) and a JVP rule
(``jvp(tangents, out, *inputs) -> output tangent``, a None tangent meaning zero), both written with
tapegrad ops.
"""
import builtins

import numpy as np

from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.tensor import convert_to_tensor
from ..graph.tracer import guard_shape, static_value, value_check
from . import array as _array
from .array import _invalid, _is_tensor
from . import math as _math
from . import reduce as _reduce
from ._util import NO_PARAMS, Tensor, execute, pair
from .manip import _np_primitive
from ._util import tensor as as_tensor


def tangent_sum(*terms):
    """The sum of the non-None terms (None when all are None): JVP rules add one term per nonzero tangent."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    out = terms[0]
    for t in terms[1:]:
        out = _math.add(out, t)
    return out


def _maybe(t, fn):
    return None if t is None else fn(t)


# --- products and logs that ignore 0 * inf -----------------------------------------------
def _mul_no_nan_impl(x, y):
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(y == 0, np.zeros((), x.dtype), x * y)


mul_no_nan_p = Primitive("mul_no_nan", _mul_no_nan_impl, (
    lambda g, out, x, y: multiply_no_nan(g, y),      # mul_no_nan(grad, y)
    lambda g, out, x, y: multiply_no_nan(x, g),      # mul_no_nan(x, grad)
), jvp=lambda t, out, x, y: tangent_sum(_maybe(t[0], lambda tx: multiply_no_nan(tx, y)),
                                        _maybe(t[1], lambda ty: multiply_no_nan(x, ty))), kinds="fc")


def multiply_no_nan(x, y, name=None):
    """x * y, but 0 where y == 0 (even where x is inf or nan)."""
    return execute(mul_no_nan_p, pair("MulNoNan", x, y), NO_PARAMS)


def reciprocal_no_nan(x, name=None):
    """1 / x, but 0 where x == 0 (floating and complex dtypes only)."""
    x = as_tensor(x)
    if x._value.dtype.kind not in "fc":
        raise _invalid("DivNoNan", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
                                   "half, float, bfloat16, double, complex64, complex128")
    return _math.divide_no_nan(Tensor(np.ones((), x._value.dtype)), x)


def _xlog1py_impl(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, x, x * np.log1p(y))  # x: TF keeps the sign of a zero x


def _one(y):
    return Tensor(np.ones((), y._value.dtype))


xlog1py_p = Primitive("xlog1py", _xlog1py_impl, (
    lambda g, out, x, y: _math.multiply(g, xlog1py(_math._nonzero(x), y)),      # grad * (x != 0) * log1p(y)
    lambda g, out, x, y: _math.multiply(g, _math.xdivy(x, _math.add(y, _one(y)))),  # grad * x / (1 + y)
), jvp=lambda t, out, x, y: tangent_sum(
    _maybe(t[0], lambda tx: _math.multiply(tx, xlog1py(_math._nonzero(x), y))),
    _maybe(t[1], lambda ty: _math.multiply(ty, _math.xdivy(x, _math.add(y, _one(y)))))), kinds="fc")


def xlog1py(x, y, name=None):
    """x * log1p(y), but 0 where x == 0."""
    return execute(xlog1py_p, pair("Xlog1py", x, y), NO_PARAMS)


# --- cumulative_logsumexp ----------------------------------------------------------------
def _signed_logs(v):
    """log of the positive and of the negative part of v, with the dtype's lowest value where a part is 0."""
    low = Tensor(np.asarray(np.finfo(v._value.dtype).min, v._value.dtype))
    zero = Tensor(np.zeros((), v._value.dtype))
    pos = _math.where(_math.greater(v, zero), _math.log(v), low)
    neg = _math.where(_math.less(v, zero), _math.log(_math.negative(v)), low)
    return pos, neg


def _clse(x, axis, exclusive, reverse):
    return execute(cumulative_logsumexp_p, (x,), {"axis": axis, "exclusive": exclusive, "reverse": reverse})


def _clse_vjp(g, out, x, axis, exclusive, reverse):
    """exp(clse(log(+-grad) - out, other direction) + x), positive minus negative part (TF's rule)."""
    pos, neg = _signed_logs(g)
    back = [_math.exp(_math.add(_clse(_math.subtract(lg, out), axis, exclusive, not reverse), x)) for lg in (pos, neg)]
    return _math.subtract(*back)


def _clse_jvp(t, out, x, axis, exclusive, reverse):
    """exp(clse(x + log(+-t)) - out), positive minus negative part."""
    if t[0] is None:
        return None
    pos, neg = _signed_logs(t[0])
    fwd = [_math.exp(_math.subtract(_clse(_math.add(x, lt), axis, exclusive, reverse), out)) for lt in (pos, neg)]
    return _math.subtract(*fwd)


cumulative_logsumexp_p = Primitive("cumulative_logsumexp", _math._scan_impl(np.logaddexp, -np.inf), (_clse_vjp,),
                                   jvp=_clse_jvp, kinds="f", save_output=True)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """log(cumsum(exp(x))) along ``axis``, computed stably; ``exclusive`` and ``reverse`` as in cumsum."""
    x = as_tensor(x)
    if x._value.dtype.kind != "f":
        raise _invalid("CumulativeLogsumexp", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                                              "values: half, float, bfloat16, double")
    return execute(cumulative_logsumexp_p, (x,), _math._scan_params("CumulativeLogsumexp", x, axis, exclusive, reverse))


# --- composites ---------------------------------------------------------------------------
def polyval(coeffs, x, name=None):
    """The polynomial ``coeffs[0] * x**(n-1) + ... + coeffs[n-1]`` at x, by Horner's rule (0 for no coefficients)."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    x = as_tensor(x)
    if not coeffs:
        return _array.zeros_like(x)
    p = convert_to_tensor(coeffs[0], dtype_hint=x.dtype) if not _is_tensor(coeffs[0]) else as_tensor(coeffs[0])
    for c in coeffs[1:]:
        p = _math.add(_math.multiply(p, x), c)
    return p


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x * conj(x))) over ``axis``; integer inputs give the truncated integer norm, as TF does."""
    x = as_tensor(input_tensor)
    if x._value.dtype.kind in "iu":
        s = _reduce.reduce_sum(_math.cast(_math.square(x), _dt.float64), axis=axis, keepdims=keepdims)
        return _math.cast(_math.sqrt(s), x.dtype)
    if x._value.dtype.kind == "c":
        s = _reduce.reduce_sum(_math.real(_math.multiply(x, _math.conj(x))), axis=axis, keepdims=keepdims)
        return _math.cast(_math.sqrt(s), x.dtype)
    return _math.sqrt(_reduce.reduce_sum(_math.square(x), axis=axis, keepdims=keepdims))


def log_sigmoid(x, name=None):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    x = as_tensor(x)
    return _math.negative(_math.softplus(_math.negative(x)))


def rint(x, name=None):
    """The nearest integer (half to even), elementwise, as a float tensor. No gradient."""
    x = as_tensor(x)
    if x._value.dtype.kind != "f":
        raise _invalid("Rint", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
                               "bfloat16, half, float, double")
    return _math.round(x)


def lbeta(x, name=None):
    """log(|Beta(x)|) over the last dimension: sum(lgamma(x)) - lgamma(sum(x)); 0 for an empty last dimension."""
    from .special import lgamma
    x = as_tensor(x)
    if x._value.ndim == 0:
        raise ValueError("lbeta needs at least a rank-1 input: the last dimension holds the Beta arguments.")
    if x._value.shape[-1] == 0:
        return _reduce.reduce_sum(x, axis=-1)
    return _math.subtract(_reduce.reduce_sum(lgamma(x), axis=-1), lgamma(_reduce.reduce_sum(x, axis=-1)))


# --- integer and boolean results (no gradient) -----------------------------------------------
def _invert_permutation_impl(x):
    out = np.empty_like(x)
    out[x] = np.arange(x.size, dtype=x.dtype)
    return out


invert_permutation_p = _np_primitive("invert_permutation", _invert_permutation_impl)


def invert_permutation(x, name=None):
    """The inverse permutation: ``y[x[i]] = i``."""
    x = as_tensor(x)
    if x.dtype not in (_dt.int32, _dt.int64):
        raise _invalid("InvertPermutation", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                                            "values: int32, int64")
    if x._value.ndim != 1:
        raise _invalid("InvertPermutation", f"invert_permutation expects a 1D vector, got shape {list(x.shape)}")

    def check(v):
        seen = np.zeros(v.size, bool)
        for d in v.tolist():
            if not 0 <= d < v.size:
                raise _invalid("InvertPermutation", f"{d} is not between 0 and {v.size}")
            if seen[d]:
                raise _invalid("InvertPermutation", f"{d} is duplicated in the input.")
            seen[d] = True

    value_check(check, x)
    return execute(invert_permutation_p, (x,), NO_PARAMS)


def _bincount_impl(arr, weights, minlength, maxlength, binary_output, dtype):
    size = int(arr.max()) + 1 if arr.size else 0
    size = size if minlength is None else builtins.max(size, minlength)
    size = size if maxlength is None else builtins.min(size, maxlength)
    rows = arr.reshape(-1, arr.shape[-1]) if arr.ndim == 2 else arr.reshape(1, -1)
    w = None if weights.size == 0 else np.broadcast_to(weights, arr.shape).reshape(rows.shape)
    out = np.zeros((rows.shape[0], size), dtype)
    for i, row in enumerate(rows):
        keep = row < size
        if binary_output:
            out[i, row[keep]] = 1
        elif w is None:
            np.add.at(out[i], row[keep], 1)
        else:
            np.add.at(out[i], row[keep], w[i][keep])
    return out if arr.ndim == 2 else out[0]


bincount_p = _np_primitive("bincount", _bincount_impl)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=_dt.int32, name=None, axis=None,
             binary_output=False):
    """Counts of each value in the non-negative integer tensor ``arr`` (weighted sums with ``weights``).

    The output has ``max(arr) + 1`` bins, at least ``minlength`` and at most ``maxlength``; ``axis=-1``
    counts each row of a 2-D ``arr`` separately; ``binary_output`` marks presence with 1.
    """
    a = as_tensor(arr)
    if a._value.dtype.kind not in "iu":
        raise _invalid("DenseBincount", f"Value for attr 'Tidx' of {a.dtype.name} is not in the list of allowed "
                                        "values: int32, int64")
    if axis is None:
        a = _array.reshape(a, [-1])
    elif axis not in (0, -1):
        raise ValueError(f"Unsupported value for argument axis={axis}. Only 0 and -1 are currently supported.")
    elif axis == 0:
        a = _array.reshape(a, [-1])
    v = a._value

    def check(v):
        if v.size and v.min() < 0:
            raise _invalid("DenseBincount", "Input arr must be non-negative!")

    value_check(check, a)
    if weights is not None:
        w = as_tensor(weights)
        if w._value.shape != v.shape and w._value.size != v.size:
            raise _invalid("DenseBincount", "Weights and input must have the same shape.")
        w = _array.reshape(w, v.shape)
        out_dtype = w._value.dtype
    else:
        w = Tensor(np.zeros((0,), _dt.as_dtype(dtype)._np))
        out_dtype = _dt.as_dtype(dtype)._np
    lengths = {k: None if n is None else int(_array._int(n, f"bincount's {k}"))
               for k, n in (("minlength", minlength), ("maxlength", maxlength))}
    out = execute(bincount_p, (a, w), {**lengths, "binary_output": bool(binary_output), "dtype": out_dtype})
    return guard_shape(out, "The output of bincount")


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=_dt.int32, name=None):
    """The [num_classes, num_classes] matrix counting (label, prediction) pairs (rows: labels)."""
    lab = _array.reshape(_math.cast(as_tensor(labels), _dt.int64), [-1])
    pred = _array.reshape(_math.cast(as_tensor(predictions), _dt.int64), [-1])
    if lab._value.shape != pred._value.shape:
        raise ValueError(f"Dimensions {lab._value.shape[0]} and {pred._value.shape[0]} are not compatible")
    if num_classes is None:
        top = _reduce.reduce_max(_array.concat([lab, pred, Tensor(np.array([-1], np.int64))], 0))
        n = int(static_value(top, "The largest label or prediction of confusion_matrix")) + 1
    else:
        n = _array._int(num_classes, "confusion_matrix's num_classes")

    def check(lv, pv):
        if (lv < 0).any():
            raise _invalid("assert_non_negative", "`labels` contains negative values.")
        if (pv < 0).any():
            raise _invalid("assert_non_negative", "`predictions` contains negative values.")
        if (lv >= n).any():
            raise _invalid("assert_less", "`labels` out of bound")
        if (pv >= n).any():
            raise _invalid("assert_less", "`predictions` out of bound")

    value_check(check, lab, pred)
    dtype = _dt.as_dtype(dtype)
    values = (_array.ones_like(lab, dtype=dtype) if weights is None else
              _math.cast(_array.reshape(as_tensor(weights), [-1]), dtype))
    from .indexing import scatter_nd
    return scatter_nd(_array.stack([lab, pred], axis=1), values, Tensor(np.array([n, n], np.int64)))


def _in_top_k_impl(targets, predictions, k):
    valid = (targets >= 0) & (targets < predictions.shape[1])  # TF's CPU kernel: False for an out-of-range target
    t = predictions[np.arange(predictions.shape[0]), np.where(valid, targets, 0)]
    bigger = (predictions > t[:, None]).sum(axis=1)
    return valid & np.isfinite(t) & (bigger < k)


in_top_k_p = _np_primitive("in_top_k", _in_top_k_impl)


def in_top_k(targets, predictions, k, name=None):
    """Whether each ``targets[i]`` is among the ``k`` largest ``predictions[i]`` (ties at the boundary count)."""
    t = as_tensor(targets)
    p = as_tensor(predictions)
    if t.dtype not in (_dt.int32, _dt.int64):
        raise _invalid("InTopKV2", f"Value for attr 'T' of {t.dtype.name} is not in the list of allowed values: "
                                   "int32, int64")
    if p._value.dtype != np.float32:
        raise _invalid("InTopKV2", f"cannot compute InTopKV2 as input #0(zero-based) was expected to be a float "
                                   f"tensor but is a {p.dtype.name} tensor")
    if p._value.ndim != 2:
        raise _invalid("InTopKV2", "predictions must be 2-dimensional")
    if t._value.ndim != 1:
        raise _invalid("InTopKV2", "targets must be 1-dimensional")
    if t._value.shape[0] != p._value.shape[0]:
        raise _invalid("InTopKV2", "First dimension of predictions " f"{p._value.shape[0]} must match length of "
                                   f"targets {t._value.shape[0]}")
    return execute(in_top_k_p, (t, p), {"k": _array._int(k, "in_top_k's k")})


def zero_fraction(value, name=None):
    """The fraction of zeros in ``value``, as a float32 scalar."""
    x = as_tensor(value)
    zero = _math.equal(x, Tensor(np.zeros((), x._value.dtype)))
    return _reduce.reduce_mean(_math.cast(zero, _dt.float32))


def _monotone(x, strict, op):
    x = _array.reshape(as_tensor(x), [-1])
    if x._value.dtype.kind not in "fiu":
        raise TypeError(f"Expected x to be numeric, got {x.dtype.name}.")
    n = x._value.shape[0]
    if n < 2:
        return Tensor(np.array(True))
    a = _array._slice(x, (builtins.slice(0, n - 1),))
    b = _array._slice(x, (builtins.slice(1, None),))
    return _reduce.reduce_all((_math.less if strict else _math.less_equal)(a, b))


def is_non_decreasing(x, name=None):
    """True when the flattened ``x`` satisfies x[i] <= x[i + 1] throughout."""
    return _monotone(x, False, "is_non_decreasing")


def is_strictly_increasing(x, name=None):
    """True when the flattened ``x`` satisfies x[i] < x[i + 1] throughout."""
    return _monotone(x, True, "is_strictly_increasing")


__all__ = ["multiply_no_nan", "reciprocal_no_nan", "xlog1py", "cumulative_logsumexp", "polyval",
           "reduce_euclidean_norm", "log_sigmoid", "rint", "lbeta", "invert_permutation", "bincount",
           "confusion_matrix", "in_top_k", "zero_fraction", "is_non_decreasing", "is_strictly_increasing"]
