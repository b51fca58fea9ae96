"""Reductions: reduce_sum/mean/max/min/prod/logsumexp/any/all, argmax/argmin."""
import numpy as np

from .._core.primitive import Primitive
from ._util import execute, normalize_axis, tensor


def _axes(name, axis, ndim):
    """None or a sorted tuple of non-negative axes."""
    if axis is None:
        return None
    if hasattr(axis, "_value"):
        axis = np.asarray(axis._value).tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(sorted({normalize_axis(name, a, ndim) for a in axis}))
    return (normalize_axis(name, axis, ndim),)


def _kept_shape(shape, axes):
    """The input shape with reduced axes set to 1 (the keepdims shape)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _expand(g, x, axes):
    """Broadcasts a reduced cotangent back to x's shape."""
    from .array import broadcast_to, reshape
    return broadcast_to(reshape(g, _kept_shape(x.shape, axes)), x.shape)


def _sum_impl(x, axes, keepdims):
    return np.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)


reduce_sum_p = Primitive("reduce_sum", _sum_impl, (
    lambda g, out, x, axes, keepdims: _expand(g, x, axes),   # grad broadcast over the summed axes
), linear=True, save_inputs=False, kinds="fciu")


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over ``axis`` (int, list, negative ok; None = all)."""
    x = tensor(input_tensor)
    return execute(reduce_sum_p, (x,), {"axes": _axes("reduce_sum", axis, x._value.ndim), "keepdims": bool(keepdims)})


__all__ = ["reduce_sum"]
