"""Elements and their specs: ``TensorSpec`` and the helpers that move values in and out of a dataset.

Inside a dataset an element is a nested structure (tuples, namedtuples, dicts) of NumPy values; a
Python list is never a structure here but a value (``from_tensor_slices([a, b])`` stacks ``a`` and
``b``), as in ``tf.data``. Elements become tapegrad Tensors only where the user sees them.
"""
import collections.abc

import numpy as np

from .._core import dtypes as _dt
from .._core import nest
from .._core.shape import TensorShape
from .._core.tensor import Tensor, Variable, convert_to_tensor
from ..graph.function import TensorSpec  # tapegrad.TensorSpec, shared with tapegrad.function


def common_spec(a, b):
    """The most specific spec compatible with both ``a`` and ``b`` (None when their dtypes differ)."""
    if a.dtype != b.dtype:
        return None
    if a.shape.rank is None or b.shape.rank is None or a.shape.rank != b.shape.rank:
        return TensorSpec(TensorShape(None), a.dtype, a.name)
    return TensorSpec([x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype, a.name)


def normalize(value):
    """A nested structure of NumPy values from user values (Tensors, arrays, Python numbers and lists).

    Tuples, namedtuples and dicts are structure; everything else (a list included) is converted with
    TF's rules: Python floats become float32, ints int32, NumPy arrays keep their dtype.
    """
    if isinstance(value, tuple):
        items = [normalize(v) for v in value]
        return type(value)(*items) if hasattr(type(value), "_fields") else tuple(items)
    if isinstance(value, collections.abc.Mapping):
        return type(value)((k, normalize(v)) for k, v in value.items())
    return np.asarray(convert_to_tensor(value)._value)


def is_leaf(element):
    return not isinstance(element, (tuple, collections.abc.Mapping))


def flatten(element):
    return [element] if is_leaf(element) else nest.flatten(element)


def pack(structure, flat):
    return flat[0] if is_leaf(structure) else nest.pack_sequence_as(structure, flat)


def map_leaves(fn, element):
    return fn(element) if is_leaf(element) else nest.map_structure(fn, element)


def spec_of(value):
    """The TensorSpec of one NumPy value."""
    return TensorSpec(value.shape, _dt.from_numpy(value.dtype))


def _tensor(value):
    return Tensor(value[()] if value.ndim == 0 else value)


def to_tensors(element):
    """The user's view of an element: the same structure of tapegrad Tensors."""
    if type(element) is np.ndarray:  # noqa: E721
        return _tensor(element)
    return map_leaves(_tensor, element)


def _numpy(value):
    return value[()] if value.ndim == 0 else np.array(value)


def to_numpy(element):
    """An element as ``as_numpy_iterator`` gives it: NumPy scalars and (copied) arrays."""
    return map_leaves(_numpy, element)


def from_user(value):
    """Normalizes what a user function returned (a top-level list counts as a tuple, as in TF)."""
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, (Tensor, Variable)):
        return np.asarray(value._value) if isinstance(value, Tensor) else np.asarray(value._read()._value)
    return normalize(value)


def tuplify(structure):
    """``structure`` with its lists turned into tuples (for nests of datasets and specs)."""
    if isinstance(structure, list):
        return tuple(tuplify(s) for s in structure)
    if isinstance(structure, tuple):
        items = [tuplify(s) for s in structure]
        return type(structure)(*items) if hasattr(type(structure), "_fields") else tuple(items)
    if isinstance(structure, collections.abc.Mapping):
        return type(structure)((k, tuplify(v)) for k, v in structure.items())
    return structure


def flatten_up_to(structure, value, error):
    """The parts of ``value`` at the leaves of ``structure`` (a leaf of ``structure`` takes a whole
    subtree of ``value``); ``error()`` builds the exception raised when ``value`` does not fit."""
    if is_leaf(structure):
        return [value]
    if isinstance(structure, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping) or set(value) != set(structure):
            raise error()
        return [x for k in sorted(structure) for x in flatten_up_to(structure[k], value[k], error)]
    if not isinstance(value, (tuple, list)) or len(value) != len(structure):
        raise error()
    return [x for s, v in zip(structure, value) for x in flatten_up_to(s, v, error)]
