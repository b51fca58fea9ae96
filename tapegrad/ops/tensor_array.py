"""``tapegrad.TensorArray``: a list of same-dtype tensors for loops (TF 2's API).

Semantics are those of TF 2, with one deliberate choice: every mutating
method (``write``, ``unstack``, ``scatter``, ``split``) returns a *new*
TensorArray and leaves the old one unchanged, as in graph mode; use it as
``ta = ta.write(i, x)`` (the idiom TF documents). Reads never clear an
element (``clear_after_read`` is accepted and ignored, as in TF's graph-mode
TensorArray): reading twice is fine.

Everything is composed of differentiable tapegrad ops (``stack``, ``gather``,
``concat``, ``tensor_scatter_nd_update``...), so gradients flow from
``stack()``/``read()``/``concat()`` back to the written values.

Two storages, one behaviour:

* a Python list of element tensors (``None`` where nothing was written) while
  indices are concrete (Python ints or eager tensors): writes are O(1) per
  element and ``stack()`` is one op;
* a dense buffer tensor ``[size, *element_shape]`` once an index is not
  concrete (``int(index)`` fails, as for a symbolic tensor while a
  ``function`` is traced), or after ``_from_components``. With a symbolic
  ``size`` the buffer is zeros of that many elements, built when it is first
  needed: by then a write has given the element shape (TF infers it there).

In ``tapegrad.nest`` a TensorArray is a leaf; with ``expand_composites=True``
it is a composite whose only component is its stacked buffer
(``_to_components`` / ``_from_components``), which is how a graph
``while_loop`` can carry it as a loop variable.
"""
from .. import errors
from .._core import dtypes as _dt
from .._core.shape import TensorShape
from .._core.tensor import Tensor, Variable, convert_to_tensor
from . import array as _array
from . import indexing as _indexing
from . import math as _math


def _concrete_ints(indices):
    """The indices as a list of Python ints, or None when they have no concrete value."""
    try:
        return [int(i) for i in convert_to_tensor(indices).numpy().reshape(-1)]
    except (TypeError, ValueError, AttributeError):
        return None


def _concrete_int(index):
    """``int(index)``, or None when the index has no concrete value (a symbolic tensor)."""
    if isinstance(index, (Tensor, Variable)) and index.shape.rank != 0:
        raise ValueError(f"TensorArray index must be a scalar, got shape {index.shape}")
    if isinstance(index, Variable):  # its read: symbolic while a function is traced (int() of it then fails)
        index = index._read()
    try:
        return int(index)
    except (TypeError, ValueError):
        return None


class TensorArray:
    """A differentiable array of tensors of one dtype, for loops.

    >>> ta = tapegrad.TensorArray(tapegrad.float32, size=0, dynamic_size=True)
    >>> for i in range(3):
    ...     ta = ta.write(i, float(i * i))
    >>> ta.stack()
    tapegrad.Tensor([0. 1. 4.], shape=(3,), dtype=float32)
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        if handle is not None:
            raise ValueError("TensorArray handles are not supported by tapegrad.")
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
        self._dtype = _dt.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = TensorShape(None) if element_shape is None else TensorShape(element_shape)
        self._clear_after_read = True if clear_after_read is None else clear_after_read
        self._size = size
        n = _concrete_int(size)
        if n is None:  # a symbolic size: a buffer of that many (unwritten) zeros, built by stack()
            self._elems, self._buffer = None, None
        else:
            if n < 0:
                raise errors.InvalidArgumentError(None, None, f"Size should be >= 0, got {n}")
            self._elems, self._buffer = [None] * n, None

    # -- construction helpers -------------------------------------------------------------------------------------

    def _derive(self, elems=None, buffer=None, element_shape=None):
        """A copy with new storage (``elems`` or ``buffer``; neither keeps this one's) and element shape."""
        out = object.__new__(TensorArray)
        out.__dict__.update(self.__dict__)
        if elems is not None or buffer is not None:
            out._elems, out._buffer = elems, buffer
        if element_shape is not None:
            out._element_shape = element_shape
        return out

    def _zeros(self, count):
        if not self._element_shape.is_fully_defined():
            raise ValueError(f"TensorArray has size zero, but element shape {self._element_shape} is not fully "
                             "defined. Currently only static shapes are supported when packing zero-size "
                             "TensorArrays (pass element_shape=...).")
        dims = self._element_shape.as_list()
        if isinstance(count, (Tensor, Variable)):
            count = _array.concat([_array.reshape(_math.cast(count, _dt.int32), [1]),
                                   convert_to_tensor(dims, _dt.int32)], 0)
            return _array.zeros(count, self._dtype)
        return _array.zeros([count] + dims, self._dtype)

    def _unwritten(self):
        """The zeros buffer of a TensorArray of symbolic size that nothing was written to."""
        if not self._element_shape.is_fully_defined():
            raise errors.InvalidArgumentError(None, None, "Tried to stack list which only contains uninitialized "
                                                          "tensors and has a non-fully-defined element_shape: "
                                                          f"{self._element_shape}")
        return self._zeros(self._size)

    def _to_components(self):
        """The tensors this TensorArray flattens to in ``nest`` with ``expand_composites=True``: its stack."""
        return [self.stack()]

    def _from_components(self, components):
        """A TensorArray like this one holding the stacked ``components[0]`` (buffer storage)."""
        (buffer,) = components
        return self._derive(buffer=buffer, element_shape=self._merged_shape(buffer.shape[1:]))

    # -- properties -----------------------------------------------------------------------------------------------

    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def flow(self):
        """For compatibility: a dummy scalar (flows are not meaningful without TF's graph runtime)."""
        return convert_to_tensor(0.0)

    @property
    def handle(self):
        return None

    def size(self, name=None):
        """The number of elements, as an int32 scalar tensor."""
        if self._elems is not None:
            return convert_to_tensor(len(self._elems), _dt.int32)
        if self._buffer is None:
            return _math.cast(self._size, _dt.int32)
        return _array.shape(self._buffer)[0]

    def identity(self, name=None):
        """Returns a TensorArray with the same content (TF's ``identity``)."""
        return self._derive()

    def close(self, name=None):
        """Does nothing (TF's eager ``close`` releases the elements; values here are immutable)."""

    def grad(self, source, flow=None, name=None):
        raise NotImplementedError("TensorArray.grad is not supported: gradients of TensorArray operations come "
                                  "from the GradientTape directly.")

    # -- checks ---------------------------------------------------------------------------------------------------

    def _convert(self, value):
        value = convert_to_tensor(value, dtype_hint=self._dtype)
        if value.dtype != self._dtype:
            raise errors.InvalidArgumentError(None, None, f"TensorArray dtype is {self._dtype.name} but Op is "
                                                          f"trying to write dtype {value.dtype.name}")
        return value

    def _merged_shape(self, shape):
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"Incompatible shape for value ({shape}), expected ({self._element_shape})")
        return self._element_shape.merge_with(shape) if self._infer_shape else self._element_shape

    def _check_index(self, index, size, op):
        if index < 0:
            raise errors.OutOfRangeError(None, None, f"{op} negative indices (index {index}) is not allowed.")
        if index >= size and op == "Reading from":
            raise errors.OutOfRangeError(None, None, f"Tried to read from index {index} but array size is: {size}")
        if index >= size and not self._dynamic_size:
            raise errors.OutOfRangeError(None, None, f"Tried to write to index {index} but array is not resizeable "
                                                     f"and size is: {size}")

    def _element(self, i):
        e = self._elems[i]
        if e is None:  # TF: an unwritten element reads as zeros of the element shape
            if not self._element_shape.is_fully_defined():
                raise errors.InvalidArgumentError(
                    None, None, f"Could not read from TensorArray index {i}. Furthermore, the element shape is not "
                                f"fully defined: {self._element_shape}. It is possible you are working with a "
                                "resizeable TensorArray and stop_gradients is not allowing the gradients to be "
                                "written. If you set the full element_shape property on the forward TensorArray, "
                                "the proper all-zeros tensor will be returned instead of incurring this error.")
            e = _array.zeros(self._element_shape.as_list(), self._dtype)
        return e

    # -- reading --------------------------------------------------------------------------------------------------

    def read(self, index, name=None):
        """The element at ``index`` (zeros of the element shape if it was never written)."""
        i = _concrete_int(index)
        if self._elems is None or i is None:
            return _array.gather(self.stack(), index)
        self._check_index(i, len(self._elems), "Reading from")
        return self._element(i)

    def stack(self, name=None):
        """All elements stacked along a new first dimension."""
        if self._elems is None:
            return self._buffer if self._buffer is not None else self._unwritten()
        if not self._elems:  # TF: an empty array of unknown element shape stacks to shape (0,)
            return self._zeros(0) if self._element_shape.is_fully_defined() else convert_to_tensor([], self._dtype)
        return _array.stack([self._element(i) for i in range(len(self._elems))])

    def gather(self, indices, name=None):
        """The elements at ``indices``, stacked."""
        values = None if self._elems is None else _concrete_ints(indices)
        if values is None:
            return _array.gather(self.stack(), indices)
        for i in values:
            self._check_index(i, len(self._elems), "Reading from")
        if not values:
            return _array.reshape(self._zeros(0), [0] + self._element_shape.as_list())
        return _array.stack([self._element(i) for i in values])

    def concat(self, name=None):
        """The elements concatenated along their first dimension."""
        if self._elems is None:
            buffer = self.stack()
            return _array.reshape(buffer, _array.concat([[-1], _array.shape(buffer)[2:]], 0))
        elems = [self._element(i) for i in range(len(self._elems))]
        for i, e in enumerate(elems):
            if e.shape.rank == 0:
                raise errors.InvalidArgumentError(None, None, f"Concat saw a scalar shape at index {i} but "
                                                              "requires at least vectors.")
        if not elems:
            return self._zeros(0)
        return _array.concat(elems, 0)

    # -- writing (each returns a new TensorArray) -------------------------------------------------------------------

    def write(self, index, value, name=None):
        """Returns a TensorArray with ``value`` at ``index``."""
        value = self._convert(value)
        shape = self._merged_shape(value.shape)
        i = _concrete_int(index)
        if self._elems is None or i is None:
            return self._buffer_write(index, value, shape)
        self._check_index(i, len(self._elems), "Writing to")
        elems = list(self._elems)
        if i >= len(elems):
            elems.extend([None] * (i + 1 - len(elems)))
        elems[i] = value
        return self._derive(elems=elems, element_shape=shape)

    def _buffer_write(self, index, value, shape):
        out = self._derive(element_shape=shape)
        buffer = out.stack()
        if self._dynamic_size:  # grow to index + 1 when needed (pad by max(0, index + 1 - size))
            extra = _math.maximum(convert_to_tensor(index, _dt.int32) + 1 - _array.shape(buffer)[0], 0)
            pads = _array.concat([_array.reshape(_array.stack([0, extra]), [1, 2]),
                                  _array.zeros([value.shape.rank, 2], _dt.int32)], 0)
            buffer = _array.pad(buffer, pads)
        index = _array.reshape(convert_to_tensor(index, _dt.int32), [1, 1])
        out._elems, out._buffer = None, _indexing.tensor_scatter_nd_update(buffer, index,
                                                                            _array.expand_dims(value, 0))
        return out

    def unstack(self, value, name=None):
        """Returns a TensorArray whose elements are the slices of ``value`` along its first dimension."""
        value = self._convert(value)
        if value.shape.rank == 0:
            raise ValueError("Shape must be at least rank 1 but is rank 0 for 'TensorArrayUnstack'.")
        shape = self._merged_shape(value.shape[1:])
        n = value.shape[0]
        if n is None:  # unknown length: keep the whole tensor as the buffer
            return self._derive(buffer=value, element_shape=shape)
        if self._elems is not None and n > len(self._elems) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size {len(self._elems)}")
        return self._derive(elems=_array.unstack(value), element_shape=shape)

    def scatter(self, indices, value, name=None):
        """Returns a TensorArray with ``value[k]`` written at ``indices[k]``."""
        value = self._convert(value)
        values = None if self._elems is None else _concrete_ints(indices)
        if values is None:
            out = self._derive(element_shape=self._merged_shape(value.shape[1:]))
            idx = _array.expand_dims(_math.cast(indices, _dt.int32), -1)
            out._elems, out._buffer = None, _indexing.tensor_scatter_nd_update(out.stack(), idx, value)
            return out
        out = self
        for i, v in zip(values, _array.unstack(value) if value.shape[0] else []):
            out = out.write(i, v)
        return out

    def split(self, value, lengths, name=None):
        """Returns a TensorArray whose elements are the pieces of ``value`` cut along axis 0 by ``lengths``."""
        value = self._convert(value)
        lengths = convert_to_tensor(lengths)
        if lengths.shape.rank != 1:
            raise errors.InvalidArgumentError(None, None, "Expected lengths to be a vector, received shape: "
                                                          f"{lengths.shape.as_list()}")
        if value.shape.rank == 0:
            raise errors.InvalidArgumentError(None, None, "Expected value to be at least a vector, but received "
                                                          f"shape: {value.shape.as_list()}")
        sizes = [int(n) for n in _array._static(lengths, "TensorArray.split's lengths")]  # a traced one is guarded
        if sum(sizes) != value.shape[0]:
            raise errors.InvalidArgumentError(None, None, "Expected sum of lengths to be equal to values.shape[0], "
                                                          f"but sum of lengths is {sum(sizes)} and value's shape is: "
                                                          f"{value.shape.as_list()} ")
        size = len(self._elems) if self._elems is not None else None
        if not self._dynamic_size and size is not None and len(sizes) != size:
            raise errors.InvalidArgumentError(None, None, "TensorArray's size is not equal to the size of lengths "
                                                          f"({size} vs. {len(sizes)}), and the TensorArray is not "
                                                          "marked as dynamically resizeable")
        shape = self._merged_shape(TensorShape([None] + value.shape.as_list()[1:]))
        return self._derive(elems=_array.split(value, sizes, 0), element_shape=shape)

    def __repr__(self):
        size = len(self._elems) if self._elems is not None else "?"
        return f"<tapegrad.TensorArray dtype={self._dtype.name} size={size} element_shape={self._element_shape}>"


__all__ = ["TensorArray"]
