"""Op helpers for the optimizers: tapegrad ops plus a few scalar utilities.

The elementwise update math runs through tapegrad ops. Ops that another
module may not provide yet (``maximum``, ``abs``, ``clip_by_value``) are
looked up at call time on ``tapegrad.ops.math`` / ``tapegrad`` and fall back
to the NumPy kernel (optimizer updates are never differentiated, so a
fallback that does not record on tapes changes nothing).

Per-step scalar coefficients (bias corrections, schedule values) are computed
with NumPy scalars of the variable's dtype, rounding after every operation
exactly where TensorFlow does. ``sfunc`` (``spow``) evaluates a scalar function
in float64 and rounds once: TensorFlow's float32 ``Pow``, ``Cos`` and ``Log``
are (nearly) correctly rounded, while NumPy's float32 kernels may be off by an
ulp.
"""
import numbers

import numpy as np

from ..._core.indexed_slices import IndexedSlices
from ..._core.tensor import Tensor, Variable, convert_to_tensor
from ...graph.tracer import host_call as per_call  # noqa: F401 - scalar work redone on every traced call
from ...ops import array as _a
from ...ops import math as _m
from ...ops import reduce as _r

where = _m.where
greater = _m.greater
minimum = _m.minimum
equal = _m.equal
floordiv = _m.floordiv
floormod = _m.floormod
stack = _a.stack


# --- IndexedSlices (sparse gradients), with Keras 3's sparse semantics on TensorFlow ---------------------------
# Unary elementwise ops map the slices' values (duplicate rows stay separate: square() of a gradient with a
# repeated index squares each slice, as Keras does); add/subtract densify unless both operands share the
# same indices; multiply and divide by a scalar, or by a dense tensor (gathered at the slices' rows), keep
# the slices; maximum/minimum densify. ``assign_add``/``assign_sub`` of slices add them row by row
# (duplicates in order), so an update written with these ops touches only the rows Keras' would.
def _is_slices(x):
    return type(x) is IndexedSlices


def dense(x):
    """``x`` as a dense tensor (IndexedSlices are scatter-added: duplicate rows summed)."""
    return x._as_tensor() if type(x) is IndexedSlices else x


def _with_values(s, values):
    return IndexedSlices(values, s._indices, s._dense_shape)


def _is_scalar(x):
    return isinstance(x, numbers.Number) or len(getattr(x, "shape", ())) == 0


def _unary(f):
    def op(x, *args, **kwargs):
        if type(x) is IndexedSlices:
            return _with_values(x, f(x._values, *args, **kwargs))
        return f(x, *args, **kwargs)
    op.__name__, op.__doc__ = f.__name__, f.__doc__
    return op


def _union(f):
    """add/subtract: slices with the same indices combine their values; anything else is densified."""
    def op(x, y):
        if type(x) is not IndexedSlices and type(y) is not IndexedSlices:
            return f(x, y)
        if _is_slices(x) and _is_slices(y) and x._indices is y._indices:
            return _with_values(x, f(x._values, y._values))
        return f(dense(x), dense(y))
    op.__name__ = f.__name__
    return op


def _intersection(f, divisor_dense=False):
    """multiply (and divide, whose slices may only be the dividend): keep the slices' rows."""
    def op(x, y):
        if type(x) is not IndexedSlices and type(y) is not IndexedSlices:
            return f(x, y)
        if _is_slices(x) and _is_slices(y):
            if x._indices is y._indices and not divisor_dense:
                return _with_values(x, f(x._values, y._values))
            return f(dense(x), dense(y))
        if _is_slices(y):
            if divisor_dense:
                return f(x, dense(y))
            return _with_values(y, f(x if _is_scalar(x) else _a.gather(x, y._indices), y._values))
        return _with_values(x, f(x._values, y if _is_scalar(y) else _a.gather(y, x._indices)))
    op.__name__ = f.__name__
    return op


def _densify_mixed(f):
    def op(x, y):
        if _is_slices(x) and _is_slices(y) and x._indices is y._indices:
            return _with_values(x, f(x._values, y._values))
        return f(dense(x), dense(y))
    op.__name__ = f.__name__
    return op


add = _union(_m.add)
subtract = _union(_m.subtract)
multiply = _intersection(_m.multiply)
divide = _intersection(_m.realdiv, divisor_dense=True)
negative = _unary(_m.negative)
sqrt = _unary(_m.sqrt)
square = _unary(_m.square)
cast = _unary(_m.cast)


def reduce_sum(x, *args, **kwargs):
    return _r.reduce_sum(dense(x), *args, **kwargs)


def np_dtype(g):
    """The NumPy dtype of a gradient (a Tensor or IndexedSlices)."""
    return (g._values if type(g) is IndexedSlices else g)._value.dtype


def assign_add(variable, value):
    """``variable += value``; IndexedSlices are added row by row in order (TF's ``scatter_add``)."""
    if type(value) is IndexedSlices:
        from ...ops.indexing import tensor_scatter_nd_add
        value = tensor_scatter_nd_add(variable, _a.expand_dims(value._indices, -1), value._values)
        return variable.assign(value)
    return variable.assign_add(value)


def assign_sub(variable, value):
    """``variable -= value``; IndexedSlices are subtracted row by row in order (TF's ``scatter_sub``)."""
    if type(value) is IndexedSlices:
        from ...ops.indexing import tensor_scatter_nd_sub
        value = tensor_scatter_nd_sub(variable, _a.expand_dims(value._indices, -1), value._values)
        return variable.assign(value)
    return variable.assign_sub(value)


def scatter_update(variable, slices):
    """``variable``'s value with the rows of ``slices`` replaced (TF's ``scatter_update``)."""
    from ...ops.indexing import tensor_scatter_nd_update
    return tensor_scatter_nd_update(variable, _a.expand_dims(slices._indices, -1), slices._values)


def _lookup(name):
    f = getattr(_m, name, None)
    if f is None:
        import tapegrad
        f = getattr(tapegrad, name, None)
    return f


def _as_tensor(x, like=None):
    if type(x) is Tensor:
        return x
    if isinstance(x, Variable):
        return x._read()
    if like is not None:
        return convert_to_tensor(x, dtype=like.dtype)
    return convert_to_tensor(x)


def maximum(x, y):
    if type(x) is IndexedSlices or type(y) is IndexedSlices:
        return _densify_mixed(maximum)(x, y)
    f = _lookup("maximum")
    if f is not None:
        return f(x, y)
    x = _as_tensor(x)
    return Tensor(np.maximum(x._value, _as_tensor(y, x)._value))


def abs(x):  # noqa: A001 - mirrors tf.abs
    if type(x) is IndexedSlices:
        return _with_values(x, abs(x._values))
    f = _lookup("abs")
    if f is not None:
        return f(x)
    return Tensor(np.abs(_as_tensor(x)._value))


def clip_by_value(x, lo, hi):
    if type(x) is IndexedSlices:  # tf.clip_by_value clips the slices' values
        return _with_values(x, clip_by_value(x._values, lo, hi))
    f = _lookup("clip_by_value")
    if f is not None:
        return f(x, lo, hi)
    x = _as_tensor(x)
    v = x._value
    return Tensor(np.minimum(np.maximum(v, np.asarray(lo, v.dtype)), np.asarray(hi, v.dtype)))


# --- scalars -------------------------------------------------------------------

def np_value(x):
    """The NumPy value of a Tensor, Variable or Python/NumPy scalar."""
    if isinstance(x, (Tensor, Variable)):
        return x._value
    return np.asarray(x)


def scalar(x, np_dtype):
    """``x`` as a 0-d NumPy array of ``np_dtype`` (TF's cast / conversion of a Python number)."""
    return np.asarray(np_value(x), dtype=np_dtype).reshape(())


def tfcast(x, np_dtype):
    """``tf.cast(x, dtype)`` of a scalar: a Python float becomes float32 first (then ``np_dtype``), an int int32."""
    if isinstance(x, (Tensor, Variable, np.ndarray, np.generic)):
        v = np.asarray(np_value(x))
    elif isinstance(x, bool):
        v = np.asarray(x)
    elif isinstance(x, int):
        v = np.asarray(x, np.int32 if -2**31 <= x < 2**31 else np.int64)
    elif isinstance(x, float):
        v = np.asarray(x, np.float32)
    else:
        v = np.asarray(x)
    return np.asarray(v, dtype=np_dtype).reshape(())


def sfunc(f, np_dtype, *args):
    """``f(*args)`` for scalars of ``np_dtype``: evaluated in float64, rounded once."""
    args = [np.asarray(a, dtype=np_dtype) for a in args]
    if np_dtype.itemsize < 8:
        return np.asarray(f(*(a.astype(np.float64) for a in args)), dtype=np_dtype)
    return f(*args)


def spow(a, b, np_dtype):
    """a ** b for scalars of ``np_dtype``: evaluated in float64, rounded once."""
    return sfunc(np.power, np_dtype, a, b)


def stensor(x, np_dtype):
    """A 0-d Tensor of ``np_dtype`` holding ``x``."""
    return Tensor(np.asarray(x, dtype=np_dtype).reshape(()))


def scast(x, np_dtype):
    """``tf.cast(x, dtype)`` of a scalar (see ``tfcast``), as a 0-d Tensor."""
    return stensor(tfcast(x, np_dtype), np_dtype)
