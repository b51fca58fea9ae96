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
import numpy as np

from ..._core.tensor import Tensor, Variable, convert_to_tensor
from ...ops import math as _m
from ...ops import reduce as _r

add = _m.add
subtract = _m.subtract
multiply = _m.multiply
negative = _m.negative
divide = _m.realdiv
sqrt = _m.sqrt
square = _m.square
cast = _m.cast
where = _m.where
greater = _m.greater
reduce_sum = _r.reduce_sum


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
    f = _lookup("maximum")
    if f is not None:
        return f(x, y)
    x = _as_tensor(x)
    return Tensor(np.maximum(x._value, _as_tensor(y, x)._value))


def abs(x):  # noqa: A001 - mirrors tf.abs
    f = _lookup("abs")
    if f is not None:
        return f(x)
    return Tensor(np.abs(_as_tensor(x)._value))


def clip_by_value(x, lo, hi):
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
