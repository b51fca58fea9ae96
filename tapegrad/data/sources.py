"""Datasets made from values: tensor slices, a single element, a range, a zip of datasets, a generator.

``_TensorSliceDataset`` and ``_RangeDataset`` are *indexable*: they give row ``i`` (``_row``) and a whole
batch of rows at once (``_gather`` with a slice or an index array), which is what lets
``slices -> shuffle -> batch`` pipelines move indices instead of elements.
"""
import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.shape import TensorShape
from .._core.tensor import convert_to_tensor
from . import structure as _st
from .dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, _int64


class _Indexable(Dataset):
    """A source whose elements are rows ``0..n-1``: it is its own ``_source`` and yields ``range(n)``."""

    _n = 0

    def _cardinality(self):
        return self._n

    def _source(self):
        return self

    def _chunks(self):
        if self._n:
            yield range(self._n)


class _TensorSliceDataset(_Indexable):
    def __init__(self, tensors):
        self._value = _st.normalize(tensors)
        self._flat = _st.flatten(self._value)
        first = None
        for a in self._flat:
            if a.ndim == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            if first is None:
                first = a.shape[0]
            elif a.shape[0] != first:
                raise ValueError(f"Dimensions {first} and {a.shape[0]} are not compatible")
        self._n = first or 0

    def _compute_spec(self):
        return _st.map_leaves(lambda a: _st.TensorSpec(a.shape[1:], _dt.from_numpy(a.dtype)), self._value)

    def _row(self, i):
        if len(self._flat) == 1 and _st.is_leaf(self._value):
            return self._flat[0][i]
        return _st.pack(self._value, [a[i] for a in self._flat])

    def _gather(self, index):
        return _st.pack(self._value, [a[index] for a in self._flat])


class _RangeDataset(_Indexable):
    def __init__(self, *args, **kwargs):
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid `args`. The length of `args` should be between 1 and 3 but was {len(args)}.")
        values = [_int64(a) for a in args]
        start, stop, step = {1: lambda: (0, values[0], 1), 2: lambda: (values[0], values[1], 1),
                             3: lambda: tuple(values)}[len(args)]()
        if step == 0:
            raise errors.InvalidArgumentError(None, "RangeDataset",
                                              "step must be a non-zero integer. [Op:RangeDataset]")
        self._dtype = _dt.as_dtype(kwargs.get("output_type", _dt.int64))
        self._start, self._step = start, step
        self._n = len(range(start, stop, step))

    def _compute_spec(self):
        return _st.TensorSpec([], self._dtype)

    def _row(self, i):
        return np.asarray(self._start + i * self._step, dtype=self._dtype._np)

    def _gather(self, index):
        if isinstance(index, slice):
            index = np.arange(index.start, index.stop)
        return (self._start + np.asarray(index, dtype=np.int64) * self._step).astype(self._dtype._np)


class _TensorDataset(Dataset):
    def __init__(self, tensors):
        self._value = _st.normalize(tensors)

    def _compute_spec(self):
        return _st.map_leaves(_st.spec_of, self._value)

    def _cardinality(self):
        return 1

    def _iter(self):
        yield self._value


class _ZipDataset(Dataset):
    def __init__(self, structure):
        self._structure = _st.tuplify(structure)
        self._datasets = _st.flatten(self._structure)
        for d in self._datasets:
            if not isinstance(d, Dataset):
                raise TypeError("Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                                f"`tf.data.Dataset` objects but encountered object of type {type(d)}.")

    def _compute_spec(self):
        return _st.pack(self._structure, [d.element_spec for d in self._datasets])

    def _cardinality(self):
        result = INFINITE_CARDINALITY
        for d in self._datasets:
            n = d._cardinality()
            if n == UNKNOWN_CARDINALITY:
                return UNKNOWN_CARDINALITY
            if n != INFINITE_CARDINALITY:
                result = n if result == INFINITE_CARDINALITY else min(result, n)
        return result

    def _iter(self):
        its = [d._elements() for d in self._datasets]
        while True:
            parts = []
            for it in its:
                for x in it:
                    parts.append(x)
                    break
                else:
                    return
            yield _st.pack(self._structure, parts)


class _GeneratorDataset(Dataset):
    _repr_name = "_FlatMapDataset"  # TF builds from_generator from flat_map

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if output_signature is not None:
            if output_types is not None:
                raise TypeError("The `output_types` argument can not be used together with the "
                                "`output_signature` argument.")
            if output_shapes is not None:
                raise TypeError("The `output_shapes` argument can not be used together with the "
                                "`output_signature` argument.")
            signature = _st.tuplify(output_signature)
            for s in _st.flatten(signature):
                if not isinstance(s, _st.TensorSpec):
                    raise TypeError("`output_signature` must contain objects that are subclass of "
                                    f"`tf.TypeSpec` but found {type(s)} which is not.")
        else:
            if output_types is None:
                raise TypeError("To specify the output signature you need to provide either the "
                                "`output_signature` argument or the `output_types` argument.")
            types = _st.tuplify(output_types)
            flat_types = _st.flatten(types)
            if output_shapes is None:
                shapes = [None] * len(flat_types)
            else:
                shapes = _st.flatten_up_to(types, _st.tuplify(output_shapes), lambda: ValueError(
                    "The `output_shapes` argument must have the same structure as `output_types`."))
            signature = _st.pack(types, [_st.TensorSpec(TensorShape(s) if s is not None else TensorShape(None), t)
                                         for s, t in zip(shapes, flat_types)])
        self._generator = generator
        self._signature = signature
        self._specs = _st.flatten(signature)
        self._args = () if args is None else tuple(convert_to_tensor(a).numpy() for a in args)

    def _compute_spec(self):
        return self._signature

    def _iter(self):
        for value in self._generator(*self._args):
            yield self._convert(value)

    def _convert(self, value):
        types = _st.map_leaves(lambda s: s.dtype, self._signature)

        def mismatch():
            return _generator_error(f"`generator` yielded an element that did not match the expected structure. "
                                    f"The expected structure was {types!r}, but the yielded element was {value!r}.")

        parts = _st.flatten_up_to(self._signature, value, mismatch)
        out = []
        for spec, part in zip(self._specs, parts):
            try:
                arr = np.asarray(part, dtype=spec.dtype._np)
            except (TypeError, ValueError):
                raise _generator_error(
                    "`generator` yielded an element that could not be converted to the expected type. The "
                    f"expected type was {spec.dtype.name}, but the yielded element was {part}.") from None
            if not spec.shape.is_compatible_with(arr.shape):
                raise _generator_error(f"`generator` yielded an element of shape {TensorShape(arr.shape)} where an "
                                       f"element of shape {spec.shape} was expected.")
            out.append(arr)
        return _st.pack(self._signature, out)


def _generator_error(message):
    return errors.InvalidArgumentError(None, "IteratorGetNext", "TypeError: " + message)
