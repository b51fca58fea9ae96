"""Tensor (immutable), Variable (mutable) and convert_to_tensor.

A Tensor holds a backend array in ``_value`` and a unique integer ``_id``
that the tape uses to track it. Reads of a Variable are Tensors that share
the variable's id, so every read routes its gradient to the variable, and
``assign`` rebinds the variable's buffer instead of writing into it: values a
tape saved earlier never see a later assignment.
"""
import itertools
import numbers

import numpy as np

from . import dtypes as _dt
from .context import state as _state
from .shape import TensorShape

_next_id = itertools.count(1).__next__


def _numpy_text(value, is_repr):
    if value.ndim == 0:
        text = repr(value[()].item()) if is_repr else str(value[()])
    else:
        text = repr(value) if is_repr else str(value)
    return "\n" + text if "\n" in text else text


class Tensor:
    """An immutable multidimensional array: ``tapegrad.Tensor``.

    Create tensors with ``tapegrad.constant`` or ``tapegrad.convert_to_tensor``;
    ops return them.
    """

    __slots__ = ("_value", "_id", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value):
        self._value = value
        self._id = _next_id()

    # --- introspection -------------------------------------------------
    @property
    def dtype(self):
        return _dt.from_numpy(self._value.dtype)

    @property
    def shape(self):
        return TensorShape(self._value.shape)

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def numpy(self):
        """A NumPy copy of the value (a NumPy scalar for a 0-d tensor)."""
        if _state.graph is not None:
            _graph_check(self, "numpy")
        v = self._value
        return v[()] if v.ndim == 0 else np.array(v, copy=True)

    def ref(self):
        """A hashable reference, usable as a dict key; ``.deref()`` gives the tensor back."""
        return Reference(self)

    def __hash__(self):
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    # --- Python protocol -----------------------------------------------
    def __array__(self, dtype=None, copy=None):
        """A read-only view of the value (a copy with ``copy=True`` or a dtype change)."""
        a = np.asarray(self._value)
        if copy or (dtype is not None and np.dtype(dtype) != a.dtype):
            return a.astype(a.dtype if dtype is None else dtype, copy=True)
        view = a.view()
        view.flags.writeable = False
        return view

    def __bool__(self):
        if _state.graph is not None:
            _graph_check(self, "bool")
        v = self._value
        return bool(v.size > 0 and v)

    def __float__(self):
        if _state.graph is not None:
            _graph_check(self, "float")
        return float(self._value)

    def __int__(self):
        if _state.graph is not None:
            _graph_check(self, "int")
        return int(self._value)

    def __index__(self):
        if self._value.ndim != 0 or self._value.dtype.kind not in "iu":
            raise TypeError(f"Only integer scalar tensors can be used as an index; got shape "
                            f"{self.shape} and dtype {self.dtype.name}.")
        return int(self._value)

    def __complex__(self):
        return complex(self._value)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._value.shape[0]

    def __iter__(self):
        if _state.graph is not None:
            _graph_check(self, "iter")
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self._value.shape[0]))

    def __format__(self, format_spec):
        v = self._value
        return format(v[()] if v.ndim == 0 else v, format_spec)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return _rebuild, (np.asarray(self._value),)

    def __str__(self):
        if _state.graph is not None:
            text = _graph_str(self, False)
            if text is not None:
                return text
        return "tapegrad.Tensor(%s, shape=%s, dtype=%s)" % (
            _numpy_text(self._value, False), self.shape, self.dtype.name)

    def __repr__(self):
        if _state.graph is not None:
            text = _graph_str(self, True)
            if text is not None:
                return text
        return "<tapegrad.Tensor: shape=%s, dtype=%s, numpy=%s>" % (
            self.shape, self.dtype.name, _numpy_text(self._value, True))


def _graph_check(t, what):
    from ..graph.tracer import check_concrete
    check_concrete(t, what)


def _graph_str(t, is_repr):
    from ..graph.tracer import symbolic_str
    return symbolic_str(t, is_repr)


def _rebuild(array):
    return Tensor(array)


def _wrap(value, tid):
    """A Tensor over ``value`` with a given id (used for variable reads)."""
    t = Tensor.__new__(Tensor)
    t._value = value
    t._id = tid
    return t


class Reference:
    """A hashable reference to a Tensor or Variable (``x.ref()``)."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        return self._obj

    def __eq__(self, other):
        return isinstance(other, Reference) and other._obj is self._obj

    def __hash__(self):
        return id(self._obj)

    def __repr__(self):
        return f"<Reference wrapping {self._obj!r}>"


class Variable:
    """A mutable tensor whose reads are tracked by GradientTape.

    Args:
      initial_value: a tensor-like value, or a callable returning one.
      trainable: whether tapes watch it automatically (default True).
      name: the variable's name; ``.name`` is ``name + ':0'`` (default ``'Variable:0'``).
      dtype: if given, the initial value is converted to it.
      shape: accepted for compatibility; must be compatible with the value.
    """

    __array_priority__ = 100

    def __init__(self, initial_value=None, trainable=None, validate_shape=True, caching_device=None,
                 name=None, variable_def=None, dtype=None, import_scope=None, constraint=None,
                 synchronization=None, aggregation=None, shape=None,
                 experimental_enable_variable_lifting=True):
        if initial_value is None:
            raise ValueError("The `initial_value` arg (None) must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        if dtype is not None:
            dtype = _dt.as_dtype(dtype)
        if isinstance(initial_value, (Tensor, Variable)) and dtype is not None and initial_value.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                             f"{initial_value.dtype.name}: {initial_value!r}")
        value = convert_to_tensor(initial_value, dtype=dtype)._value
        if shape is not None and not TensorShape(shape).is_compatible_with(value.shape):
            raise ValueError(f"The initial value's shape ({TensorShape(value.shape)}) is not compatible "
                             f"with the explicitly supplied `shape` argument ({TensorShape(shape)}).")
        self._value = value
        self._id = _next_id()
        self._cache = None
        self._trainable = True if trainable is None else bool(trainable)
        self._name = (name or "Variable") + ":0"
        self._validate_shape = validate_shape
        self._constraint = constraint
        if _state.graph is not None:
            _state.graph.variable_created(self)

    # --- reads ---------------------------------------------------------
    def _read(self):
        """The current value as a Tensor carrying this variable's id."""
        if _state.tapes or _state.watchers:
            _notify_read(self)
        t = self._cache
        if t is None:
            t = self._cache = _wrap(self._value, self._id)
        return t

    def value(self):
        return self._read()

    def read_value(self):
        return self._read()

    def numpy(self):
        v = self._value
        return v[()] if v.ndim == 0 else np.array(v, copy=True)

    # --- writes --------------------------------------------------------
    def _set(self, value, op):
        if self._validate_shape and value.shape != self._value.shape:
            raise ValueError(
                f"Cannot {op} to variable '{self._name}': shape mismatch. The variable shape "
                f"{TensorShape(self._value.shape)}, and the value shape {TensorShape(value.shape)} "
                "are incompatible.")
        self._value = value
        self._cache = None
        return self

    def _operand(self, value):
        return convert_to_tensor(value, dtype=self.dtype)._value

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Replaces the value; returns the variable."""
        if _state.graph is not None:
            return _state.graph.assign(self, value, "assign")
        return self._set(self._operand(value), "assign")

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """Adds ``delta`` to the value; returns the variable."""
        if _state.graph is not None:
            return _state.graph.assign(self, delta, "assign_add")
        return self._set(self._value + self._operand(delta), "assign_add")

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """Subtracts ``delta`` from the value; returns the variable."""
        if _state.graph is not None:
            return _state.graph.assign(self, delta, "assign_sub")
        return self._set(self._value - self._operand(delta), "assign_sub")

    # --- introspection -------------------------------------------------
    dtype = property(lambda self: _dt.from_numpy(self._value.dtype))
    shape = property(lambda self: TensorShape(self._value.shape))
    ndim = property(lambda self: self._value.ndim)
    name = property(lambda self: self._name)
    trainable = property(lambda self: self._trainable)
    constraint = property(lambda self: self._constraint)
    device = Tensor.device

    def get_shape(self):
        return self.shape

    def ref(self):
        return Reference(self)

    def __hash__(self):
        raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key.")

    def __array__(self, dtype=None, copy=None):
        """A copy of the current value (writes to it never reach the variable)."""
        a = np.asarray(self._value)
        return a.astype(a.dtype if dtype is None else dtype, copy=True)

    __bool__ = lambda self: self._read().__bool__()  # noqa: E731
    __float__ = lambda self: float(self._value)  # noqa: E731
    __int__ = lambda self: int(self._value)  # noqa: E731
    __index__ = lambda self: self._read().__index__()  # noqa: E731
    __len__ = lambda self: self._read().__len__()  # noqa: E731
    __iter__ = lambda self: iter(self._read())  # noqa: E731
    __format__ = lambda self, spec: self._read().__format__(spec)  # noqa: E731

    def __repr__(self):
        return "<tapegrad.Variable '%s' shape=%s dtype=%s, numpy=%s>" % (
            self._name, self.shape, self.dtype.name, _numpy_text(self._value, True))

    __str__ = __repr__


def _notify_read(var):
    for tape in _state.tapes:
        tape._variable_accessed(var)
    for watcher in _state.watchers:
        watcher._variable_accessed(var)


# --- conversion ---------------------------------------------------------------

def _compatible(want, have):
    """TF's rule for casting a non-tensor value to a requested dtype."""
    if want is have:
        return True
    if want.is_integer:
        return have.is_integer or have.is_bool
    if want.is_floating:
        return have.is_floating or have.is_integer
    if want.is_complex:
        return not have.is_bool
    return False


def _python_dtype(value):
    """The dtype TF infers for a Python scalar or (nested) list of them."""
    if isinstance(value, bool):
        return _dt.bool
    if isinstance(value, numbers.Integral):
        return _dt.int32 if -2**31 <= value < 2**31 else _dt.int64
    if isinstance(value, numbers.Real):
        return _dt.float32
    if isinstance(value, numbers.Complex):
        return _dt.complex128
    return None


def _int64_or_uint64(flat, dtype, value):
    """NumPy dtype to build Python ints in: int64, or uint64 for a uint64 request.

    Raises TF's ValueError for ints beyond that range; a narrower requested
    integer dtype then wraps, as TF does (tf.constant(-1, tf.uint8) is 255).
    """
    ints = [v for v in flat if isinstance(v, int) and not isinstance(v, bool)]
    wide = np.dtype(np.uint64) if dtype is _dt.uint64 else np.dtype(np.int64)
    if ints:
        limits = np.iinfo(wide)
        if min(ints) < limits.min or max(ints) > limits.max:
            raise ValueError(f"Can't convert Python sequence with out-of-range integer to Tensor: {value!r}")
    return wide


def _from_python(value, dtype):
    if isinstance(value, (list, tuple)):
        flat = _flatten_list(value)
        if any(isinstance(v, (Tensor, Variable)) for v in flat):
            value = _nested_numpy(value)
        wide = _int64_or_uint64(flat, dtype, value)
        try:
            arr = np.array(value, dtype=wide if dtype is not None and dtype.is_integer else None)
        except (ValueError, TypeError) as e:
            if dtype is not None and dtype.is_integer:
                raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}") from None
            raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: {e}") from None
        if arr.dtype.kind in "OUS":
            raise TypeError(f"Failed to convert elements of {value!r} to Tensor: only numbers, bools "
                            "and tensors are supported.")
        kind = arr.dtype.kind
        inferred = {"b": _dt.bool, "f": _dt.float32, "c": _dt.complex128}.get(kind)
        if inferred is None:  # integers
            inferred = _dt.int32 if arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31) else _dt.int64
        if kind in "iu" and any(isinstance(v, float) for v in flat):
            inferred = _dt.float32
    else:
        inferred = _python_dtype(value)
        if inferred is None:
            raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. Contents: {value!r}. "
                            "Consider casting elements to a supported type.")
        arr = np.asarray(value, dtype=_int64_or_uint64([value], dtype, value) if inferred.is_integer else None)
    if dtype is None:
        dtype = inferred
    elif dtype is not inferred and not _compatible(dtype, inferred):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    return arr.astype(dtype._np, copy=False)


def _flatten_list(value):
    out = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        else:
            out.append(v)
    return out


def _nested_numpy(value):
    if isinstance(value, (list, tuple)):
        return [_nested_numpy(v) for v in value]
    if isinstance(value, (Tensor, Variable)):
        return np.asarray(value._value)
    return value


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Converts ``value`` to a Tensor with TensorFlow's rules.

    Python floats become float32, ints int32 (int64 when too large), bools bool,
    complex numbers complex128; NumPy arrays keep their dtype. With ``dtype``,
    Python and NumPy values are cast when TF allows it (int to float, float to
    float) and a TypeError is raised otherwise (e.g. 1.5 to int32); a Tensor of
    another dtype is a ValueError. ``dtype_hint`` is used only when the value
    has no dtype of its own and converts cleanly to it.

    Args:
      value: a Tensor, Variable, NumPy array or scalar, Python number or nested list.
      dtype: optional required dtype.
      dtype_hint: optional preferred dtype for Python values.
      name: ignored (kept for TF compatibility).

    Returns:
      A Tensor.
    """
    if type(value) is Tensor:
        if dtype is not None and _dt.from_numpy(value._value.dtype) is not _dt.as_dtype(dtype):
            raise ValueError(f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for Tensor with "
                             f"dtype {value.dtype.name}: {value!r}")
        return value
    if isinstance(value, Variable):
        if dtype is not None and value.dtype is not _dt.as_dtype(dtype):
            raise ValueError(f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for Variable with "
                             f"dtype {value.dtype.name}: {value!r}")
        return value._read()
    if isinstance(value, Tensor):
        return value
    conv = getattr(value, "_as_tensor", None)
    if conv is not None:
        return convert_to_tensor(conv(), dtype=dtype)
    if dtype is not None:
        dtype = _dt.as_dtype(dtype)
    if isinstance(value, (np.ndarray, np.generic)):
        have = _dt.from_numpy(value.dtype)
        if dtype is None and dtype_hint is not None and _compatible(_dt.as_dtype(dtype_hint), have):
            dtype = _dt.as_dtype(dtype_hint)
        if dtype is None or dtype is have:
            return Tensor(_own(np.array(value)))
        return Tensor(_own(np.asarray(value).astype(dtype._np)))  # TF casts NumPy values as astype does
    if dtype is None and dtype_hint is not None:
        try:
            return Tensor(_own(_from_python(value, _dt.as_dtype(dtype_hint))))
        except TypeError:
            pass
    return Tensor(_own(_from_python(value, dtype)))


def _own(array):
    """A 0-d array as a NumPy scalar: ops on those are several times cheaper (op results are scalars too)."""
    return array[()] if array.ndim == 0 else array


def constant(value, dtype=None, shape=None, name="Const"):
    """Creates a constant tensor from a tensor-like value.

    Unlike ``convert_to_tensor``, casts a Tensor/NumPy value to ``dtype`` when
    TF's cast rules allow, and broadcasts or reshapes to ``shape`` when given.

    >>> tapegrad.constant([1, 2], dtype=tapegrad.float32)
    <tapegrad.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """
    if isinstance(value, (Tensor, Variable)):
        value = value.numpy()
    t = convert_to_tensor(value, dtype=dtype)
    if shape is not None:
        shape = tuple(TensorShape(shape).as_list())
        v = t._value
        if v.size == int(np.prod(shape)):
            t = Tensor(np.reshape(v, shape))
        elif v.size == 1:
            t = Tensor(np.broadcast_to(v.reshape(()), shape).copy())
        else:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor {t!r} "
                            f"(converted from {value!r}) has {v.size} elements, but got `shape` {shape} "
                            f"with {int(np.prod(shape))} elements).")
    return t
