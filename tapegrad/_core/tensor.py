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
        if _state.graph is not None:
            _graph_check(self, "array")
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
        if _state.graph is not None:
            _graph_check(self, "index")
        if self._value.ndim != 0 or self._value.dtype.kind not in "iu":
            raise TypeError(f"Only integer scalar tensors can be used as an index; got shape "
                            f"{self.shape} and dtype {self.dtype.name}.")
        return int(self._value)

    def __complex__(self):
        if _state.graph is not None:
            _graph_check(self, "complex")
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
        self._name = _scope_prefix() + (name or "Variable") + ":0"
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
        if _state.graph is not None:  # a read inside a trace is symbolic: its value is not known yet
            return self._read().numpy()
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

    def _delta(self, delta, op):
        """``delta`` as an operand of ``assign_add``/``assign_sub``: TF requires the variable's exact shape."""
        d = self._operand(delta)
        if d.shape != self._value.shape:
            from .. import errors
            name = "AssignAddVariableOp" if op == "assign_add" else "AssignSubVariableOp"
            raise errors.InvalidArgumentError(None, name, (
                f"Cannot update variable with shape {list(self._value.shape)} using a Tensor with shape "
                f"{list(d.shape)}, shapes must be equal. [Op:{name}]"))
        return d

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Replaces the value; returns the variable (shown as TF's 'UnreadVariable'), None if not read_value."""
        if _state.graph is not None:
            return _state.graph.assign(self, value, "assign")
        self._set(self._operand(value), "assign")
        return _UnreadVariable(self) if read_value else None

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """Adds ``delta`` (of the variable's shape) to the value; returns the variable as ``assign`` does."""
        if _state.graph is not None:
            return _state.graph.assign(self, delta, "assign_add")
        self._set(self._value + self._delta(delta, "assign_add"), "assign_add")
        return _UnreadVariable(self) if read_value else None

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """Subtracts ``delta`` (of the variable's shape) from the value; returns the variable as ``assign`` does."""
        if _state.graph is not None:
            return _state.graph.assign(self, delta, "assign_sub")
        self._set(self._value - self._delta(delta, "assign_sub"), "assign_sub")
        return _UnreadVariable(self) if read_value else None

    # --- sparse reads and updates (TF's ResourceVariable methods) --------
    def sparse_read(self, indices, name=None):
        """``gather(variable, indices)``."""
        from ..ops.array import gather
        return gather(self, indices)

    def gather_nd(self, indices, name=None):
        """``gather_nd(variable, indices)``."""
        from ..ops.array import gather_nd
        return gather_nd(self, indices)

    def _scatter(self, op, indices, updates):
        from ..ops import indexing
        new = getattr(indexing, "tensor_scatter_nd_" + op)(self, indices, convert_to_tensor(updates, self.dtype))
        return self.assign(new)

    def _scatter_rows(self, op, sparse_delta):
        from ..ops.array import expand_dims
        if not type(sparse_delta).__name__ == "IndexedSlices":
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta}")
        return self._scatter(op, expand_dims(convert_to_tensor(sparse_delta.indices), -1), sparse_delta.values)

    def _scatter_rows_ufunc(self, ufunc, sparse_delta):
        idx = np.asarray(convert_to_tensor(sparse_delta.indices)._value)
        new = np.array(self._value, copy=True)
        ufunc.at(new, idx, np.asarray(convert_to_tensor(sparse_delta.values, self.dtype)._value))
        return self.assign(new)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        """Replaces the rows ``sparse_delta.indices`` by ``sparse_delta.values`` (an IndexedSlices)."""
        return self._scatter_rows("update", sparse_delta)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        """Adds ``sparse_delta.values`` to the rows ``sparse_delta.indices`` (duplicates accumulate)."""
        return self._scatter_rows("add", sparse_delta)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        """Subtracts ``sparse_delta.values`` from the rows ``sparse_delta.indices``."""
        return self._scatter_rows("sub", sparse_delta)

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        """Rows become the maximum of themselves and ``sparse_delta.values``."""
        return self._scatter_rows("max", sparse_delta)

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        """Rows become the minimum of themselves and ``sparse_delta.values``."""
        return self._scatter_rows("min", sparse_delta)

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        """Multiplies the rows ``sparse_delta.indices`` by ``sparse_delta.values`` (eager only)."""
        return self._scatter_rows_ufunc(np.multiply, sparse_delta)

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        """Divides the rows ``sparse_delta.indices`` by ``sparse_delta.values`` (eager only)."""
        return self._scatter_rows_ufunc(np.divide if self.dtype.is_floating else np.floor_divide, sparse_delta)

    def scatter_nd_update(self, indices, updates, name=None):
        """``assign(tensor_scatter_nd_update(variable, indices, updates))``."""
        return self._scatter("update", indices, updates)

    def scatter_nd_add(self, indices, updates, name=None):
        """``assign(tensor_scatter_nd_add(variable, indices, updates))``."""
        return self._scatter("add", indices, updates)

    def scatter_nd_sub(self, indices, updates, name=None):
        """``assign(tensor_scatter_nd_sub(variable, indices, updates))``."""
        return self._scatter("sub", indices, updates)

    def scatter_nd_max(self, indices, updates, name=None):
        """``assign(tensor_scatter_nd_max(variable, indices, updates))``."""
        return self._scatter("max", indices, updates)

    def scatter_nd_min(self, indices, updates, name=None):
        """``assign(tensor_scatter_nd_min(variable, indices, updates))``."""
        return self._scatter("min", indices, updates)

    def _assign_slice(self, key, value):
        """``variable[key].assign(value)``: the slice's elements replaced (``value`` broadcasts to the slice)."""
        from .. import errors
        from ..ops import array, indexing
        value = convert_to_tensor(value, dtype=self.dtype)
        shape = self._value.shape
        positions = array.getitem(Tensor(np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)), key)
        target = positions._value.shape
        try:
            np.broadcast_shapes(value._value.shape, target)
            if np.broadcast_shapes(value._value.shape, target) != target:
                raise ValueError
        except ValueError:
            raise errors.InvalidArgumentError(None, "ResourceStridedSliceAssign", (
                f"sliced l-value shape {list(target)} does not match r-value shape {list(value._value.shape)}. "
                "Automatic broadcasting not yet implemented. [Op:ResourceStridedSliceAssign]")) from None
        flat = indexing.tensor_scatter_nd_update(
            array.reshape(self, [-1]), array.reshape(positions, [-1, 1]),
            array.reshape(array.broadcast_to(value, target), [-1]))
        return self.assign(array.reshape(flat, shape))

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
        if _state.graph is not None:
            _graph_check(self._read(), "array")
        a = np.asarray(self._value)
        return a.astype(a.dtype if dtype is None else dtype, copy=True)

    __bool__ = lambda self: self._read().__bool__()  # noqa: E731
    __float__ = lambda self: self._read().__float__()  # noqa: E731
    __int__ = lambda self: self._read().__int__()  # noqa: E731
    __index__ = lambda self: self._read().__index__()  # noqa: E731
    __len__ = lambda self: self._read().__len__()  # noqa: E731
    __iter__ = lambda self: iter(self._read())  # noqa: E731
    __format__ = lambda self, spec: self._read().__format__(spec)  # noqa: E731

    def __repr__(self):
        return "<tapegrad.Variable '%s' shape=%s dtype=%s, numpy=%s>" % (
            self._name, self.shape, self.dtype.name, _numpy_text(self._value, True))

    __str__ = __repr__


class _UnreadVariable(Variable):
    """What ``assign*`` returns in TF eager: the same variable (reads and writes go to it), shown as
    ``<tf.Variable 'UnreadVariable' ...>``."""

    def __init__(self, parent):  # noqa: D107 - shares all state with ``parent``
        self.__dict__["_parent"] = parent

    def _delegate(name):  # noqa: N805 - a class-body helper
        return property(lambda self: getattr(self._parent, name),
                        lambda self, value: setattr(self._parent, name, value))

    _value = _delegate("_value")
    _id = _delegate("_id")
    _cache = _delegate("_cache")
    _trainable = _delegate("_trainable")
    _validate_shape = _delegate("_validate_shape")
    _constraint = _delegate("_constraint")
    _name = property(lambda self: "UnreadVariable")
    del _delegate

    def _read(self):
        return self._parent._read()

    def _set(self, value, op):
        self._parent._set(value, op)
        return self


class _VariableSlice(Tensor):
    """``variable[key]``: a Tensor with TF's ``.assign(value)`` that writes the slice into the variable."""

    __slots__ = ("_variable", "_key")

    def assign(self, value, use_locking=None, name=None):
        return self._variable._assign_slice(self._key, value)


def _variable_getitem(var, key):
    from ..ops.array import getitem
    t = getitem(var, key)
    if type(t) is not Tensor:
        return t
    s = _VariableSlice.__new__(_VariableSlice)
    s._value, s._id, s._variable, s._key = t._value, t._id, var, key
    return s


def _scope_prefix():
    """The open ``name_scope`` (``'outer/inner/'``, or ``''``): TF prefixes variable names with it."""
    from ..ops.framework import _scopes
    return _scopes.stack[-1]


def _notify_read(var):
    for tape in _state.tapes:
        tape._variable_accessed(var)
    for watcher in _state.watchers:
        watcher._variable_accessed(var)


# --- conversion ---------------------------------------------------------------

def _compatible(want, have):
    """TF's rule for casting a value of dtype ``have`` (inferred from Python/NumPy data) to ``want``."""
    if want is have:
        return True
    if want.is_integer:
        return have.is_integer
    if want.is_floating:
        return have.is_floating or have.is_integer
    if want.is_complex:
        return not have.is_bool
    return False


# Kinds of Python/NumPy leaves in TF's sequence conversion: 'b' Python bool, 'B' NumPy bool, 'i' integer
# (Python or NumPy), 'f' float, 'c' complex. Requested dtypes with a direct converter in TF's
# py_seq_tensor.cc accept the kinds below, element by element; any other requested dtype converts the
# inferred dtype when ``_compatible`` allows (so Python True becomes float32 but not int8, as in TF).
_DIRECT = {_dt.int32: "bi", _dt.int64: "bi", _dt.uint64: "bi", _dt.float16: "bif", _dt.float32: "bif",
           _dt.float64: "bif", _dt.complex128: "bifc"}
_PY_KINDS = {bool: "b", int: "i", float: "f", complex: "c"}
_NP_KINDS = {"b": "B", "i": "i", "u": "i", "f": "f", "c": "c"}


def _kind(leaf):
    """The conversion kind of a leaf, or None when it is not a number."""
    k = _PY_KINDS.get(type(leaf))
    if k is not None:
        return k
    if isinstance(leaf, (np.ndarray, np.generic)):
        dt = _dt._NP.get(leaf.dtype)
        return None if dt is None else ("f" if dt._kind == "f" else _NP_KINDS.get(dt._kind))
    if isinstance(leaf, bool):
        return "b"
    for abc, k in ((numbers.Integral, "i"), (numbers.Real, "f"), (numbers.Complex, "c")):
        if isinstance(leaf, abc):
            return k
    return None


def _kinds(types, leaves):
    """The set of ``_kind`` of the leaves (Tensors excluded), from their types (arrays by their dtypes)."""
    kinds = set()
    for t in types:
        if issubclass(t, (Tensor, Variable)):
            continue
        k = _PY_KINDS.get(t)
        if k is not None:
            kinds.add(k)
        elif t is np.ndarray:
            kinds.update(_kind(np.empty(0, d)) for d in {v.dtype for v in leaves if type(v) is np.ndarray})
        else:  # NumPy scalars and other number types: one leaf of the type tells
            kinds.add(_kind(next(v for v in leaves if type(v) is t)))
    return kinds


def _flatten_list(value):
    """The leaves of nested lists/tuples in order (NumPy arrays are leaves)."""
    out = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        else:
            out.append(v)
    return out


def _unsupported(value):
    if isinstance(value, (str, bytes)):
        return TypeError(f"Failed to convert {value!r} to Tensor: string tensors are not supported by tapegrad.")
    return ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type ({type(value)}) to a Tensor.")


def _check_numbers(flat, kinds, value):
    """Raises TF's error for leaves that are not numbers (strings are unsupported by tapegrad)."""
    if None in kinds:
        bad = next(v for v in flat if _kind(v) is None)
        if _kind(flat[0]) is None and all(isinstance(v, (str, bytes)) for v in flat):
            raise _unsupported(bad)
        if not isinstance(value, (list, tuple)):
            raise _unsupported(value)
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")


def _mixed(first, kinds):
    """Whether TF's inference rejects the leaves: bools followed by numbers, reals followed by complexes."""
    return (first in "bB" and not kinds <= {"b", "B"}) or (first in "if" and "c" in kinds)


def _infer(flat, kinds, value):
    """TF's dtype for Python/NumPy data: the first number decides; ints widen to float32 (int32 may widen
    to int64 by value, in ``_from_python``); a NumPy float first keeps its precision."""
    if not flat:
        return _dt.float32
    _check_numbers(flat, kinds, value)
    first = _kind(flat[0])
    if _mixed(first, kinds):
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
    if first in "bB":
        return _dt.bool
    if first == "c":
        return _dt.complex128
    if first == "i":
        return _dt.float32 if "f" in kinds else _dt.int32
    leaf = flat[0]
    return _dt.from_numpy(leaf.dtype) if isinstance(leaf, (np.ndarray, np.generic)) else _dt.float32


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


def _from_python(value, dtype, flat=None):
    """A NumPy array for a Python scalar, nested list/tuple (NumPy leaves allowed) with TF's dtype rules.

    ``flat`` (the leaves, when the caller has them) may hold Tensors: they count as values of any kind.
    """
    if flat is None:
        flat = _flatten_list(value) if isinstance(value, (list, tuple)) else [value]
    types = set(map(type, flat))
    tensors = any(issubclass(t, (Tensor, Variable)) for t in types)
    numbers_ = [v for v in flat if not isinstance(v, (Tensor, Variable))] if tensors else flat
    kinds = _kinds(types, numbers_)
    direct = _DIRECT.get(dtype)
    if direct is not None:  # TF converts element by element; mixing is an error only for leaves it refuses
        _check_numbers(numbers_, kinds, value)
        if not kinds <= set(direct):
            if numbers_ and _mixed(_kind(numbers_[0]), kinds):
                raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        target = dtype
    elif not numbers_:  # [] (or only tensors): any requested dtype, else float32
        target = dtype if dtype is not None else _dt.float32
    else:
        inferred = _infer(numbers_, kinds, value)
        if dtype is not None and dtype is not inferred and not _compatible(dtype, inferred):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
        target = dtype if dtype is not None else inferred
    if tensors:
        value = _nested_numpy(value)
    build = _int64_or_uint64(flat, dtype, value) if target.is_integer else None
    try:
        arr = np.array(value, dtype=build)
    except (ValueError, TypeError) as e:
        raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: {e}") from None
    if dtype is None and target is _dt.int32 and arr.size and (arr.min() < -2**31 or arr.max() >= 2**31):
        target = _dt.int64
    return arr.astype(target._np, copy=False)


def _nested_numpy(value):
    if isinstance(value, (list, tuple)):
        return [_nested_numpy(v) for v in value]
    if isinstance(value, (Tensor, Variable)):
        return np.asarray(value._value)
    return value


def _pack(value, dtype):
    """TF's auto-packing of a (nested) list holding tensors of ``dtype``: a differentiable ``stack``."""
    from ..ops.array import stack
    elems = []
    for i, v in enumerate(value):
        if isinstance(v, (Tensor, Variable)):
            if v.dtype is not dtype:
                if _state.graph is not None:  # TF's auto-packing conversion, not the Pack op, refuses it then
                    raise TypeError(f"Cannot convert a list containing a tensor of dtype {v.dtype!r} to {dtype!r} "
                                    f"(Tensor is: {v!r})")
                raise _dt.mismatch_error("Pack", i, dtype, v.dtype)
            elems.append(v)
        elif isinstance(v, (list, tuple)) and any(isinstance(u, (Tensor, Variable)) for u in _flatten_list(v)):
            elems.append(_pack(v, dtype))
        else:
            elems.append(convert_to_tensor(v, dtype=dtype))
    if not elems:
        from .. import errors
        raise errors.InvalidArgumentError(None, "Pack", "Pack of an empty list inside a list of tensors.")
    return stack(elems)


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
    np_type = _SCALAR_TYPES.get(type(value))
    if np_type is not None and dtype is None and dtype_hint is None and (np_type is not np.int32 or
                                                                         -2**31 <= value < 2**31):
        return Tensor(np_type(value))  # a Python float/int/bool: the fast path
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
    flat = None
    if isinstance(value, (list, tuple)):
        flat = _flatten_list(value)
        packed = next((v.dtype for v in flat if isinstance(v, (Tensor, Variable))), None)
        if packed is not None and (dtype is None or dtype is packed):
            return _pack(value, packed)  # lists of tensors stack, with gradients, as in TF
    if dtype is None and dtype_hint is not None:
        try:
            return Tensor(_own(_from_python(value, _dt.as_dtype(dtype_hint), flat)))
        except (TypeError, ValueError):
            pass
    return Tensor(_own(_from_python(value, dtype, flat)))


_SCALAR_TYPES = {float: np.float32, int: np.int32, bool: np.bool_}


def _own(array):
    """A 0-d array as a NumPy scalar: ops on those are several times cheaper (op results are scalars too)."""
    return array[()] if array.ndim == 0 else array


def constant(value, dtype=None, shape=None, name="Const"):
    """Creates a constant tensor from a tensor-like value.

    Unlike ``convert_to_tensor``, casts a Variable or NumPy value to ``dtype`` (a Tensor of another
    dtype is a TypeError, as in TF), and broadcasts or reshapes to ``shape`` when given.

    >>> tapegrad.constant([1, 2], dtype=tapegrad.float32)
    <tapegrad.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """
    if isinstance(value, Tensor) and dtype is not None and value.dtype is not _dt.as_dtype(dtype):
        raise TypeError(f"Expected tensor {value} with dtype {_dt.as_dtype(dtype)!r}, but got dtype "
                        f"{value.dtype!r}.")  # TF casts Variables and NumPy values, not tensors
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
