"""Dataset transformations: batching, mapping, shuffling, slicing the sequence, combining datasets.

Each class is named as TF names it (``repr`` shows it). Where the input is indexable (see
``sources.py``), order-only transformations (shuffle, repeat, take, skip, shard, cache, prefetch,
options) pass index chunks along instead of elements, and ``batch`` gathers each batch in one go.
"""
import itertools
import os

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.shape import TensorShape
from .._core.tensor import convert_to_tensor
from ..ops import random as _random
from . import structure as _st
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, _check_state, _int64


class _Unary(Dataset):
    """A transformation of one input dataset; passes the input's elements, order and spec through."""

    def __init__(self, input_dataset):
        self._input = input_dataset

    def _cardinality(self):
        return self._input._cardinality()

    def _iter(self):
        return self._input._elements()

    def _source(self):
        return self._input._source()

    def _chunks(self):
        return self._input._chunks()


class _PrefetchDataset(_Unary):
    pass


class _OptionsDataset(_Unary):
    def __init__(self, input_dataset, options):
        super().__init__(input_dataset)
        self._options = input_dataset.options().merge(options)


# --- calling user functions ------------------------------------------------------------------------

def _call(fn, element):
    """``fn`` on an element's Tensors, a plain tuple unpacked into positional arguments (TF's rule)."""
    args = _st.to_tensors(element)
    return fn(*args) if type(element) is tuple else fn(args)  # noqa: E721 - namedtuples are not unpacked


def _apply(fn, element):
    return _st.from_user(_call(fn, element))


_probing = 0  # > 0 while a spec is being inferred: shuffles then draw without starting a new epoch


def _stand_in(spec, size, value):
    if spec.shape.rank is None:
        raise ValueError("unknown rank")
    return np.full([size if d is None else d for d in spec.shape], value, dtype=spec.dtype._np)


def _probe(input_dataset, call):
    """Outputs of ``call`` (element -> output) on stand-in elements, to infer an output spec as TF does
    by tracing. Two stand-ins of the input spec: zeros with unknown dimensions set to 6, then ones with
    them set to 12; an output dimension that differs between the two is reported as None (this catches
    shapes that follow an unknown input dimension or the values, as ``tf.fill([x], x)``; 6 and 12
    divide by 2, 3, 4 and 6, so reshapes work). When ``call`` fails on a stand-in, the first real
    element is used. Random state is restored afterwards, so inference changes no random sequence."""
    global _probing
    spec = input_dataset.element_spec
    flat = _st.flatten(spec)
    saved = (_random._op_seeds.getstate() if _random._op_seeds is not None else None, dict(_random._kernels))
    _probing += 1
    try:
        try:
            return [call(_st.pack(spec, [_stand_in(s, size, value) for s in flat]))
                    for size, value in ((6, 0), (12, 1))]
        except Exception:  # noqa: BLE001 - a stand-in may be invalid input for the function: try real data
            for element in input_dataset._elements():
                return [call(element)]
            raise
    finally:
        _probing -= 1
        if saved[0] is not None and _random._op_seeds is not None:
            _random._op_seeds.setstate(saved[0])
        _random._kernels.clear()
        _random._kernels.update(saved[1])


def _merge_specs(specs):
    first = specs[0]
    for other in specs[1:]:
        try:
            first = _st.pack(first, [_st.common_spec(a, b) or a
                                     for a, b in zip(_st.flatten(first), _st.flatten(other))])
        except ValueError:
            break
    return first


def _output_spec(outputs):
    return _merge_specs([_st.map_leaves(_st.spec_of, o) for o in outputs])


# --- batching --------------------------------------------------------------------------------------

def _batch_size(batch_size):
    bs = _int64(batch_size)
    if bs <= 0:
        raise errors.InvalidArgumentError(None, "BatchDatasetV2",
                                          "Batch size must be greater than zero. [Op:BatchDatasetV2]")
    return bs


def _batched_cardinality(n, batch_size, drop_remainder):
    if n < 0:
        return n
    return n // batch_size if drop_remainder else -(-n // batch_size)


def _batched_spec(shape, batch_size, drop_remainder):
    return TensorShape([batch_size if drop_remainder else None]).concatenate(shape)


def _index_batches(chunks, batch_size, drop_remainder):
    """Groups index chunks into batches: a slice when a batch lies in one contiguous range, else an array."""
    pending, count = [], 0
    for chunk in chunks:
        pos, n = 0, len(chunk)
        while pos < n:
            take = min(batch_size - count, n - pos)
            pending.append(chunk[pos:pos + take])
            count += take
            pos += take
            if count == batch_size:
                yield _join(pending)
                pending, count = [], 0
    if count and not drop_remainder:
        yield _join(pending)


def _join(pieces):
    if len(pieces) == 1:
        p = pieces[0]
        if isinstance(p, range) and p.step == 1:
            return slice(p.start, p.stop)
        return np.asarray(p)
    return np.concatenate([np.asarray(p, dtype=np.int64) for p in pieces])


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _stack(elements):
    flats = [_st.flatten(e) for e in elements]
    out = []
    for j, parts in enumerate(zip(*flats)):
        first = parts[0].shape
        for k, p in enumerate(parts):
            if p.shape != first:
                raise errors.InvalidArgumentError(None, "IteratorGetNext", (
                    f"Cannot batch tensors with different shapes in component {j}. First element had shape "
                    f"{_shape_text(first)} and element {k} had shape {_shape_text(p.shape)}. [Op:IteratorGetNext]"))
        out.append(np.stack(parts))
    return _st.pack(elements[0], out)


class _BatchDataset(_Unary):
    def __init__(self, input_dataset, batch_size, drop_remainder):
        super().__init__(input_dataset)
        self._batch_size = _batch_size(batch_size)
        self._drop = bool(drop_remainder)

    def _compute_spec(self):
        return _st.map_leaves(lambda s: _st.TensorSpec(_batched_spec(s.shape, self._batch_size, self._drop), s.dtype),
                              self._input.element_spec)

    def _cardinality(self):
        return _batched_cardinality(self._input._cardinality(), self._batch_size, self._drop)

    def _source(self):
        return None

    def _iter(self):
        src = self._input._source()
        if src is not None:  # gather whole batches from the source arrays
            for index in _index_batches(self._input._chunks(), self._batch_size, self._drop):
                yield src._gather(index)
            return
        for elements in _groups(self._input._elements(), self._batch_size, self._drop):
            yield _stack(elements)


class _ParallelBatchDataset(_BatchDataset):
    pass


def _groups(elements, size, drop_remainder):
    while True:
        group = list(itertools.islice(elements, size))
        if not group or (len(group) < size and drop_remainder):
            return
        yield group
        if len(group) < size:
            return


class _PaddedBatchDataset(_Unary):
    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values, drop_remainder):
        super().__init__(input_dataset)
        self._batch_size = _batch_size(batch_size)
        self._drop = bool(drop_remainder)
        spec = input_dataset.element_spec
        flat = _st.flatten(spec)
        if padded_shapes is None:
            for i, s in enumerate(flat):
                if s.shape.rank is None:
                    raise ValueError("You must provide `padded_shapes` argument because component "
                                     f"{i} has unknown rank.")
            shapes = [s.shape for s in flat]
            # Pad to each batch's largest size: an inferred spec may fix a dimension that data varies.
            self._targets = [TensorShape([None] * s.shape.rank) for s in flat]
        else:
            shapes = [_padded_shape(p) for p in _st.flatten_up_to(spec, padded_shapes, lambda: ValueError(
                "The two structures don't have the same sequence length. Input structure has length "
                f"{len(flat)}, while shallow structure has length {len(_st.flatten(padded_shapes))}."))]
            self._targets = shapes
        if padding_values is None:
            values = [None] * len(flat)
        elif not _st.is_leaf(spec) and _st.is_leaf(padding_values):
            values = [padding_values] * len(flat)
        else:
            values = _st.flatten_up_to(spec, padding_values, lambda: ValueError(
                "`padding_values` must have the same structure as the input elements."))
        self._shapes = shapes
        self._values = [_padding_value(v, s.dtype) for v, s in zip(values, flat)]

    def _compute_spec(self):
        spec = self._input.element_spec
        return _st.pack(spec, [_st.TensorSpec(_batched_spec(shape, self._batch_size, self._drop), s.dtype)
                               for shape, s in zip(self._shapes, _st.flatten(spec))])

    def _cardinality(self):
        return _batched_cardinality(self._input._cardinality(), self._batch_size, self._drop)

    def _source(self):
        return None

    def _iter(self):
        for elements in _groups(self._input._elements(), self._batch_size, self._drop):
            flats = [_st.flatten(e) for e in elements]
            out = [self._pad(j, parts) for j, parts in enumerate(zip(*flats))]
            yield _st.pack(elements[0], out)

    def _pad(self, j, parts):
        shape = self._targets[j]
        rank = parts[0].ndim
        for p in parts:
            if p.ndim != rank or (shape.rank is not None and shape.rank != rank):
                raise errors.InvalidArgumentError(None, "IteratorGetNext", (
                    f"All elements in a batch must have the same rank as the padded shape for component{j}: "
                    f"expected rank {rank if shape.rank is None else shape.rank} but got element with rank "
                    f"{p.ndim} [Op:IteratorGetNext]"))
        target = [max(p.shape[d] for p in parts) if shape.rank is None or shape[d] is None else shape[d]
                  for d in range(rank)]
        out = np.full([len(parts)] + target, self._values[j], dtype=parts[0].dtype)
        for k, p in enumerate(parts):
            if any(a > b for a, b in zip(p.shape, target)):
                raise errors.DataLossError(None, "IteratorGetNext", (
                    "Attempted to pad to a smaller size than the input element. [Op:IteratorGetNext]"))
            out[(k,) + tuple(slice(0, n) for n in p.shape)] = p
        return out


def _padded_shape(value):
    if hasattr(value, "_value"):
        value = np.asarray(value._value).tolist()
    if value is None:
        return TensorShape(None)
    return TensorShape([None if d is None or d == -1 else d for d in TensorShape(value)])


def _padding_value(value, dtype):
    if value is None:
        return np.zeros((), dtype=dtype._np)
    t = convert_to_tensor(value)
    if t.shape.rank != 0:
        raise ValueError(f"Invalid `padding_values`. `padding_values` values should be scalars, but got {t.shape}.")
    if t.dtype is not dtype:
        raise TypeError(f"Invalid `padding_values`. `padding_values` values type {t.dtype} does not match type "
                        f"{dtype} of the corresponding input component.")
    return np.asarray(t._value)


class _UnbatchDataset(_Unary):
    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        for s in _st.flatten(input_dataset.element_spec):
            if s.shape.rank == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")

    def _compute_spec(self):
        return _st.map_leaves(lambda s: _st.TensorSpec(s.shape[1:] if s.shape.rank is not None else None, s.dtype),
                              self._input.element_spec)

    def _cardinality(self):
        """TF's rule: known when every component has the same static leading dimension."""
        n = self._input._cardinality()
        dims = {s.shape[0] if s.shape.rank else None for s in _st.flatten(self._input.element_spec)}
        if n < 0 or len(dims) != 1 or None in dims:
            return n if n < 0 else UNKNOWN_CARDINALITY
        return n * dims.pop()

    def _source(self):
        return None

    def _iter(self):
        for element in self._input._elements():
            flat = _st.flatten(element)
            n = flat[0].shape[0]
            for j, a in enumerate(flat[1:], 1):
                if a.shape[0] != n:
                    raise errors.InvalidArgumentError(None, "IteratorGetNext", (
                        "Input element must have the same batch size in each component. Component 0 had size "
                        f"{n} but component {j} had size {a.shape[0]}. [Op:IteratorGetNext]"))
            for i in range(n):
                yield _st.pack(element, [a[i] for a in flat])


# --- functions of elements -------------------------------------------------------------------------

class _MapDataset(_Unary):
    def __init__(self, input_dataset, map_func):
        super().__init__(input_dataset)
        self._fn = map_func

    def _compute_spec(self):
        return _output_spec(_probe(self._input, lambda e: _apply(self._fn, e)))

    def _source(self):
        return None

    def _iter(self):
        fn = self._fn
        for element in self._input._elements():
            yield _apply(fn, element)


class _ParallelMapDataset(_MapDataset):
    pass


def _predicate(fn, element):
    result = _apply(fn, element)
    if not _st.is_leaf(result) or result.dtype != np.bool_ or result.ndim != 0:
        raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its return "
                         f"type is {_st.map_leaves(_st.spec_of, result)!r}.")
    return bool(result)


class _FilterDataset(_Unary):
    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset)
        self._fn = predicate

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _source(self):
        return None

    def _iter(self):
        fn = self._fn
        for element in self._input._elements():
            if _predicate(fn, element):
                yield element


class _TakeWhileDataset(_FilterDataset):
    def _iter(self):
        fn = self._fn
        for element in self._input._elements():
            if not _predicate(fn, element):
                return
            yield element


class _UniqueDataset(_Unary):
    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        spec = input_dataset.element_spec
        if not _st.is_leaf(spec) or spec.dtype not in (_dt.int32, _dt.int64, _dt.string):
            raise TypeError("`tf.data.Dataset.unique` does not support type "
                            f"{_st.map_leaves(lambda s: s.dtype, spec)!r}: only single-component int32, int64 "
                            "and string elements are supported.")

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _source(self):
        return None

    def _iter(self):
        seen = set()
        for element in self._input._elements():
            key = element.item() if element.ndim == 0 else tuple(element.tolist())
            if key not in seen:
                seen.add(key)
                yield element


class _ScanDataset(_Unary):
    def __init__(self, input_dataset, initial_state, scan_func):
        super().__init__(input_dataset)
        self._state = _st.normalize(initial_state)
        self._fn = scan_func

    def _step(self, state, element):
        result = _st.from_user(self._fn(_st.to_tensors(state), _st.to_tensors(element)))
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError("The scan function must return a pair comprising the new state and the output value.")
        _check_state(state, result[0], "new state")
        return result

    def _compute_spec(self):
        return _output_spec(_probe(self._input, lambda e: self._step(self._state, e)[1]))

    def _source(self):
        return None

    def _iter(self):
        state = self._state
        for element in self._input._elements():
            state, out = self._step(state, element)
            yield out


def _dataset_of(fn, element):
    d = _call(fn, element)
    if not isinstance(d, Dataset):
        raise TypeError(f"The `map_func` argument must return a `Dataset` object. Got {type(d)}.")
    return d


class _FlatMapDataset(_Unary):
    def __init__(self, input_dataset, map_func):
        super().__init__(input_dataset)
        self._fn = map_func

    def _compute_spec(self):
        return _merge_specs([d.element_spec for d in _probe(self._input, lambda e: _dataset_of(self._fn, e))])

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _source(self):
        return None

    def _iter(self):
        for element in self._input._elements():
            yield from _dataset_of(self._fn, element)._elements()


class _InterleaveDataset(_FlatMapDataset):
    def __init__(self, input_dataset, map_func, cycle_length, block_length):
        super().__init__(input_dataset, map_func)
        cycle = AUTOTUNE if cycle_length is None else _int64(cycle_length)
        self._cycle = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1) \
            if cycle == AUTOTUNE else cycle
        self._block = 1 if block_length is None else _int64(block_length)
        if self._cycle <= 0:
            raise errors.InvalidArgumentError(None, "InterleaveDataset", "cycle_length must be greater than zero.")
        if self._block <= 0:
            raise errors.InvalidArgumentError(None, "InterleaveDataset", "block_length must be greater than zero.")

    def _iter(self):
        """TF's InterleaveDataset: fill an empty slot from the input, take ``block`` elements, move on."""
        inputs = self._input._elements()
        slots = [None] * self._cycle
        index = block = n_open = 0
        end_of_input = False
        while not end_of_input or n_open:
            it = slots[index]
            if it is not None:
                for x in it:
                    block += 1
                    if block == self._block:
                        index, block = (index + 1) % self._cycle, 0
                    yield x
                    break
                else:
                    slots[index] = None
                    n_open -= 1
                    index, block = (index + 1) % self._cycle, 0
            elif not end_of_input:
                for element in inputs:
                    slots[index] = _dataset_of(self._fn, element)._elements()
                    n_open += 1
                    break
                else:
                    end_of_input = True
            else:
                index, block = (index + 1) % self._cycle, 0


# --- order -----------------------------------------------------------------------------------------

_SHUFFLE_STREAM = 0x5348554646  # keeps shuffle orders apart from random ops with the same seeds
_DRAWS = 1024


def _shuffled(items, buffer_size, rng, permute, emit):
    """TF's shuffle buffer over an iterator of ``items``; yields blocks of items in output order.

    The first ``buffer_size`` items fill the buffer; each further input item replaces the item output
    from a uniformly drawn slot; the buffer left at the end comes out in a random permutation (so a
    buffer at least as large as the input gives a uniform permutation, drawn in one call)."""
    if buffer_size is None:
        buf = list(items)
    else:
        buf = list(itertools.islice(items, buffer_size))
    if buffer_size is not None and len(buf) == buffer_size:
        out, draws, k = [], (), _DRAWS
        for x in items:
            if k == _DRAWS:
                draws, k = rng.integers(0, buffer_size, size=_DRAWS).tolist(), 0
            j = draws[k]
            k += 1
            out.append(buf[j])
            buf[j] = x
            if len(out) >= emit:
                yield out
                out = []
        if out:
            yield out
    if buf:
        yield permute(buf, rng.permutation(len(buf)))


def _index_items(chunks):
    for c in chunks:
        yield from (c if isinstance(c, range) else c.tolist())


class _ShuffleDataset(_Unary):
    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        super().__init__(input_dataset)
        size = _int64(buffer_size)
        if size <= 0 and size != UNKNOWN_CARDINALITY:
            raise errors.InvalidArgumentError(None, "ShuffleDatasetV3", (
                "buffer_size must be greater than zero or UNKNOWN_CARDINALITY [Op:ShuffleDatasetV3]"))
        self._buffer_size = None if size == UNKNOWN_CARDINALITY else size
        self._reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        with _random._lock:
            seeds = _random._seeds(seed)
            if seeds[0] is None:
                seeds = tuple(int(s) for s in np.random.default_rng().integers(0, 2**31 - 1, size=2))
        self._seeds = seeds
        self._epoch = 0

    def _rng(self):
        epoch = self._epoch if self._reshuffle else 0
        if self._reshuffle and not _probing:
            self._epoch += 1
        return np.random.Generator(np.random.PCG64([*self._seeds, epoch, _SHUFFLE_STREAM]))

    def _chunks(self):
        blocks = _shuffled(_index_items(self._input._chunks()), self._buffer_size, self._rng(),
                           lambda buf, perm: np.asarray(buf, dtype=np.int64)[perm], _DRAWS)
        for block in blocks:
            yield block if isinstance(block, np.ndarray) else np.asarray(block, dtype=np.int64)

    def _iter(self):
        for block in _shuffled(self._input._elements(), self._buffer_size, self._rng(),
                               lambda buf, perm: [buf[i] for i in perm.tolist()], 1):
            yield from block


class _RepeatDataset(_Unary):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = -1 if count is None else _int64(count)

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count < 0:
            return 0 if n == 0 else INFINITE_CARDINALITY
        if self._count == 0:
            return 0
        return n if n < 0 else n * self._count

    def _repeat(self, epoch, chunks=False):
        done = 0
        while self._count < 0 or done < self._count:
            produced = False
            for x in epoch():
                produced = produced or not chunks or len(x) > 0
                yield x
            if not produced:
                return
            done += 1

    def _iter(self):
        return self._repeat(self._input._elements)

    def _chunks(self):
        return self._repeat(self._input._chunks, chunks=True)


def _cut(chunks, start, stop):
    """The items at positions [start, stop) of a chunk stream (stop None: to the end)."""
    pos = 0
    for c in chunks:
        n = len(c)
        lo, hi = max(start - pos, 0), n if stop is None else min(stop - pos, n)
        if lo < hi:
            yield c[lo:hi]
        pos += n
        if stop is not None and pos >= stop:
            return


class _Counted(_Unary):
    """take/skip: a count of elements (-1: all of them)."""

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _int64(count)


class _TakeDataset(_Counted):

    def _cardinality(self):
        n = self._input._cardinality()
        if n == UNKNOWN_CARDINALITY:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        return n if self._count < 0 else min(n, self._count)

    def _iter(self):
        it = self._input._elements()
        return it if self._count < 0 else itertools.islice(it, self._count)

    def _chunks(self):
        it = self._input._chunks()
        return it if self._count < 0 else _cut(it, 0, self._count)


class _SkipDataset(_Counted):

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)

    def _iter(self):
        it = self._input._elements()
        if self._count < 0:
            for _ in it:
                pass
            return iter(())
        return itertools.islice(it, self._count, None)

    def _chunks(self):
        if self._count < 0:
            return iter(())
        return _cut(self._input._chunks(), self._count, None)


class _ShardDataset(_Unary):
    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        self._n, self._index = _int64(num_shards), _int64(index)
        if self._n <= 0:
            raise errors.InvalidArgumentError(None, "ShardDataset",
                                              "Number of shards must be greater than zero (currently "
                                              f"num_shards = {self._n}). [Op:ShardDataset]")
        if not 0 <= self._index < self._n:
            raise errors.InvalidArgumentError(None, "ShardDataset", (
                f"Index must be between 0 and {self._n - 1} (currently index = {self._index}). [Op:ShardDataset]"))

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        return n // self._n + (1 if self._index < n % self._n else 0)

    def _iter(self):
        return itertools.islice(self._input._elements(), self._index, None, self._n)

    def _chunks(self):
        pos = 0
        for c in self._input._chunks():
            part = c[(self._index - pos) % self._n::self._n]
            if len(part):
                yield part
            pos += len(c)


class _CacheDataset(_Unary):
    _repr_name = "CacheDataset"

    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        self._cache = None

    def _replay(self, produce):
        if self._cache is not None:
            yield from self._cache
            return
        seen = []
        for x in produce():
            seen.append(x)
            yield x
        if not _probing:
            self._cache = seen

    def _iter(self):
        return self._replay(self._input._elements)

    def _chunks(self):
        return self._replay(self._input._chunks)


class _ConcatenateDataset(Dataset):
    def __init__(self, first, second):
        a, b = first.element_spec, second.element_spec
        flat_a, flat_b = _st.flatten(a), _st.flatten(b)
        same = len(flat_a) == len(flat_b) and _same_structure(a, b) and all(
            x.dtype == y.dtype for x, y in zip(flat_a, flat_b))
        if not same:
            raise TypeError(f"Incompatible dataset elements:\n  {a!r} vs.   {b!r}")
        self._first, self._second = first, second

    def options(self):
        return self._first.options()

    def _compute_spec(self):
        a, b = self._first.element_spec, self._second.element_spec
        return _st.pack(a, [_st.common_spec(x, y) for x, y in zip(_st.flatten(a), _st.flatten(b))])

    def _cardinality(self):
        n1, n2 = self._first._cardinality(), self._second._cardinality()
        if INFINITE_CARDINALITY in (n1, n2):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (n1, n2):
            return UNKNOWN_CARDINALITY
        return n1 + n2

    def _iter(self):
        yield from self._first._elements()
        yield from self._second._elements()

    def _source(self):
        src = self._first._source()
        return src if src is not None and src is self._second._source() else None

    def _chunks(self):
        yield from self._first._chunks()
        yield from self._second._chunks()


def _same_structure(a, b):
    try:
        _st.nest.assert_same_structure(a, b)
    except (ValueError, TypeError):
        return False
    return True
