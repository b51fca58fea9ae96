"""Shared helpers for op modules: argument conversion and dtype checks."""
import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.dispatch import execute
from .._core.tensor import Tensor, Variable, convert_to_tensor

NO_PARAMS = {}


def tensor(x, dtype=None):
    """``x`` as a Tensor (fast path for Tensors)."""
    if type(x) is Tensor and dtype is None:
        return x
    return convert_to_tensor(x, dtype=dtype)


def pair(name, x, y, args=("x", "y")):
    """Converts a binary op's operands with TF's rules.

    The first Tensor (or Variable) operand fixes the dtype; Python and NumPy
    operands are converted to it (TypeError when TF would refuse, e.g. 1.5 to
    int32); two Tensors of different dtypes are an InvalidArgumentError, a
    TypeError naming the op's arguments ``args`` while a function is traced.
    """
    if type(x) is Tensor and type(y) is Tensor and x._value.dtype is y._value.dtype:
        return x, y
    if type(x) is not Tensor and isinstance(x, Variable):
        x = x._read()
    if type(y) is not Tensor and isinstance(y, Variable):
        y = y._read()
    if type(x) is not Tensor:
        x = _operand(x, y._value.dtype) if isinstance(y, Tensor) else convert_to_tensor(x)
    if type(y) is not Tensor:
        y = _operand(y, x._value.dtype)
    a, b = x._value.dtype, y._value.dtype
    if a is not b and a != b:
        raise _dt.mismatch_error(name, 1, _dt.from_numpy(a), _dt.from_numpy(b), args,
                                 "Operands of a binary op must have the same dtype: cast one with tapegrad.cast.")
    return x, y


def pair_hinted(name, x, y):
    """TF's conversion for ``tf.add`` and ``tensor + value``: ``x`` converts on its own, ``y`` takes x's dtype
    when it converts to it and its own dtype otherwise; dtypes that then differ are an InvalidArgumentError
    (``int_tensor + 2.5`` and ``tf.add(2, float_tensor)`` fail as in TF, ``2 + float_tensor`` does not)."""
    if isinstance(x, Variable):
        x = x._read()
    elif not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    if not isinstance(y, (Tensor, Variable)):
        try:
            y = _operand(y, x._value.dtype)
        except TypeError:
            y = convert_to_tensor(y)
    return pair(name, x, y)


_SCALARS = {}  # (value, type, numpy dtype) -> Tensor: Python operands are converted once


def _operand(value, np_dtype):
    """A non-tensor operand converted to ``np_dtype`` (cached for Python scalars)."""
    if type(value) in (float, int, bool) and value == value and not (value == 0 and type(value) is float):
        key = (value, type(value), np_dtype)  # NaN and signed zeros are not cached (they compare badly)
        t = _SCALARS.get(key)
        if t is None:
            t = convert_to_tensor(value, dtype=_dt.from_numpy(np_dtype))
            if len(_SCALARS) < 4096:
                _SCALARS[key] = t
        return t
    return convert_to_tensor(value, dtype=_dt.from_numpy(np_dtype))


def same_dtype(name, tensors, args=None):
    """Checks that all tensors share the first one's dtype (InvalidArgumentError otherwise; a TypeError while a
    function is traced). ``args``: the op's argument names, one per tensor, or one str naming the list argument
    that holds them all (None: by position)."""
    d0 = tensors[0]._value.dtype
    for i, t in enumerate(tensors[1:], 1):
        if t._value.dtype != d0:
            if isinstance(args, str):
                raise _dt.list_mismatch_error(name, args, [dtype_of(u) for u in tensors])
            raise _dt.mismatch_error(name, i, _dt.from_numpy(d0), dtype_of(t), args and (args[0], args[i]))


def dtype_of(t):
    return _dt.from_numpy(t._value.dtype)


def is_complex(t):
    return t._value.dtype.kind == "c"


def normalize_axis(name, axis, ndim):
    """An int axis in [0, ndim) from one in [-ndim, ndim); InvalidArgumentError otherwise."""
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise errors.InvalidArgumentError(None, name, (
            f"axis {axis} is out of bounds for a tensor of rank {ndim}: expected an axis in "
            f"[{-ndim}, {ndim}) [Op:{name}]"))
    return axis + ndim if axis < 0 else axis


def np_dtype(dtype):
    return _dt.as_dtype(dtype)._np


__all__ = ["NO_PARAMS", "tensor", "pair", "same_dtype", "dtype_of", "is_complex", "normalize_axis",
           "np_dtype", "execute", "Tensor", "np"]
