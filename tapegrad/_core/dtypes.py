"""DType objects and TensorFlow's conversion rules.

A ``DType`` wraps a NumPy dtype. ``as_dtype`` accepts a DType, a name, a
NumPy dtype or a Python type. bfloat16 comes from ``ml_dtypes`` when it is
installed.
"""
import builtins

import numpy as np

from .. import errors
from .context import state as _state

try:
    import ml_dtypes as _ml
except ImportError:  # bfloat16 is then unavailable
    _ml = None


class DType:
    """A tensor element type, e.g. ``tapegrad.float32``."""

    __slots__ = ("_name", "_np", "_kind")

    def __init__(self, name, np_dtype, kind):
        self._name = name
        self._np = np_dtype
        self._kind = kind  # 'f' float, 'c' complex, 'i' signed, 'u' unsigned, 'b' bool

    name = property(lambda self: self._name)
    as_numpy_dtype = property(lambda self: self._np.type if self._np is not None else None)
    is_floating = property(lambda self: self._kind == "f")
    is_complex = property(lambda self: self._kind == "c")
    is_integer = property(lambda self: self._kind in "iu")
    is_unsigned = property(lambda self: self._kind == "u")
    is_bool = property(lambda self: self._kind == "b")
    is_quantized = property(lambda self: False)
    is_numpy_compatible = property(lambda self: self._np is not None)
    base_dtype = property(lambda self: self)
    size = property(lambda self: self._np.itemsize)
    # Floats and complexes are the dtypes that carry gradients.
    is_trainable = property(lambda self: self._kind in "fc")

    @property
    def real_dtype(self):
        if self._kind == "c":
            return float32 if self is complex64 else float64
        return self

    @property
    def min(self):
        if self._kind in "fc":
            return (_ml.finfo(self._np) if self is bfloat16 else np.finfo(self._np)).min
        if self._kind == "b":
            return False
        return np.iinfo(self._np).min

    @property
    def max(self):
        if self._kind in "fc":
            return (_ml.finfo(self._np) if self is bfloat16 else np.finfo(self._np)).max
        if self._kind == "b":
            return True
        return np.iinfo(self._np).max

    def is_compatible_with(self, other):
        return self == other

    def __eq__(self, other):
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return "tf." + self._name

    def __str__(self):
        return f"<dtype: {self._name!r}>"

    def __reduce__(self):
        return as_dtype, (self._name,)


_NP = {}     # numpy dtype -> DType
_NAMES = {}  # name -> DType


def _register(name, np_dtype, kind):
    dt = DType(name, None if np_dtype is None else np.dtype(np_dtype), kind)
    _NAMES[name] = dt
    if np_dtype is not None:
        _NP[np.dtype(np_dtype)] = dt
    return dt


float16 = half = _register("float16", np.float16, "f")
float32 = _register("float32", np.float32, "f")
float64 = double = _register("float64", np.float64, "f")
bfloat16 = _register("bfloat16", _ml.bfloat16, "f") if _ml is not None else None
complex64 = _register("complex64", np.complex64, "c")
complex128 = _register("complex128", np.complex128, "c")
int8 = _register("int8", np.int8, "i")
int16 = _register("int16", np.int16, "i")
int32 = _register("int32", np.int32, "i")
int64 = _register("int64", np.int64, "i")
uint8 = _register("uint8", np.uint8, "u")
uint16 = _register("uint16", np.uint16, "u")
uint32 = _register("uint32", np.uint32, "u")
uint64 = _register("uint64", np.uint64, "u")
bool = _register("bool", np.bool_, "b")  # noqa: A001 - TF's public name
string = _register("string", None, "s")
_NAMES.update(half=float16, double=float64)

_PYTHON = {builtins.float: float32, builtins.bool: bool, builtins.int: int32,
           builtins.complex: complex128, builtins.str: string, builtins.bytes: string}


def as_dtype(type_value):
    """Converts a DType, name, NumPy dtype or Python type to a ``DType``.

    Raises:
      TypeError: if ``type_value`` names no supported dtype.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        dt = _NAMES.get(type_value)
        if dt is not None:
            return dt
    elif type_value in _PYTHON:
        return _PYTHON[type_value]
    try:
        dt = _NP.get(np.dtype(type_value))
    except (TypeError, ValueError):
        dt = None
    if dt is None:
        raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a tapegrad DType.")
    return dt


def from_numpy(np_dtype):
    """The DType of a NumPy dtype (fast path for arrays already in hand)."""
    dt = _NP.get(np_dtype)
    if dt is None:
        raise TypeError(f"NumPy dtype {np_dtype} has no tapegrad equivalent; cast the array to a "
                        "supported dtype (float16/32/64, bfloat16, int8..64, uint8..64, bool, complex64/128).")
    return dt


def mismatch_error(op, index, expected, got, args=None, hint=""):
    """TF's error for input #``index`` of ``op``, of DType ``got`` where the op needs ``expected``.

    Eagerly the kernel's InvalidArgumentError; while a ``function`` is traced the TypeError TF raises as it
    builds the graph op, naming the expected input's and the offending input's arguments ``args`` (a pair;
    None: by position). ``hint``: a sentence appended to either message.
    """
    tail = f". {hint}" if hint else ""
    if _state.graph is None:
        return errors.InvalidArgumentError(None, op, f"cannot compute {op} as input #{index}(zero-based) was "
                                                     f"expected to be a {expected.name} tensor but is a "
                                                     f"{got.name} tensor [Op:{op}]{tail}")
    first, other = (f"argument '{args[0]}'", f"Input '{args[1]}'") if args else ("input #0", f"Input #{index}")
    return TypeError(f"{other} of '{op}' Op has type {got.name} that does not match type {expected.name} of "
                     f"{first}{tail or '.'}")


def list_mismatch_error(op, arg, dtypes):
    """TF's error for the list argument ``arg`` of ``op`` whose tensors' DTypes ``dtypes`` differ (eagerly the
    kernel's InvalidArgumentError, while a ``function`` is traced TF's TypeError; see ``mismatch_error``)."""
    index = next(i for i, d in enumerate(dtypes) if d != dtypes[0])
    if _state.graph is None:
        return mismatch_error(op, index, dtypes[0], dtypes[index])
    return TypeError(f"Tensors in list passed to '{arg}' of '{op}' Op have types "
                     f"[{', '.join(d.name for d in dtypes)}] that don't all match.")
