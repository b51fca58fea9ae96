"""``Dataset``: the ``tf.data.Dataset`` API that custom training loops use, eagerly on NumPy.

A dataset is an immutable description of a pipeline; iterating it (``for x in ds``, ``iter(ds)``)
runs the pipeline in Python and yields tapegrad Tensors. Functions given to ``map``, ``filter``,
``flat_map``, ... run eagerly on every element (TF runs a traced graph instead: their values agree,
but Python side effects in them run per element here, and once at trace time in TF).

Pipelines of the form ``from_tensor_slices -> [shuffle] -> [repeat/take/skip/cache] -> batch`` never
build per-element values: they move index arrays and gather each batch from the source arrays with
one NumPy fancy-index (or a slice, unshuffled) per component.
"""
import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.tensor import Tensor, convert_to_tensor
from . import structure as _st

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
AUTOTUNE = -1


class Options:
    """Accepted and kept for compatibility (``ds.with_options``); tapegrad's pipelines have no tunables."""

    def __init__(self):
        self.__dict__["_values"] = {}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._values.get(name)

    def __setattr__(self, name, value):
        self._values[name] = value

    def merge(self, options):
        merged = Options()
        merged._values.update(self._values)
        merged._values.update(options._values)
        return merged

    def __eq__(self, other):
        return isinstance(other, Options) and self._values == other._values


def _int64(value):
    """An int from a Python/NumPy integer or integer Tensor, with TF's error for anything else."""
    return int(convert_to_tensor(value, dtype=_dt.int64)._value)


class Dataset:
    """A sequence of elements (nested structures of Tensors), as ``tf.data.Dataset``.

    Build one with ``from_tensor_slices``, ``from_tensors``, ``range``, ``zip`` or ``from_generator``,
    transform it (``shuffle``, ``map``, ``batch``, ...), and iterate it::

        ds = tapegrad.data.Dataset.from_tensor_slices((x, y)).shuffle(1000, seed=1).batch(32)
        for xb, yb in ds:
            ...
    """

    _input = None
    _spec_cache = None
    _options = None
    _repr_name = None  # TF's class name where it differs from ours

    # --- what subclasses provide --------------------------------------------------------------
    def _compute_spec(self):
        return self._input.element_spec

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _iter(self):
        """A generator of elements (nested structures of NumPy arrays)."""
        raise NotImplementedError

    def _source(self):
        """The ``_TensorSliceDataset`` whose rows this dataset yields, chosen by ``_chunks``; else None."""
        return None

    def _chunks(self):
        """Index chunks (``range`` or int arrays) into ``_source()``; only called when it is not None."""
        raise NotImplementedError

    def _elements(self):
        src = self._source()
        if src is None:
            return self._iter()
        return _rows(src, self._chunks())

    # --- introspection ------------------------------------------------------------------------
    @property
    def element_spec(self):
        """The structure of ``TensorSpec`` of an element (a batch dimension is None unless drop_remainder)."""
        if self._spec_cache is None:
            self._spec_cache = self._compute_spec()
        return self._spec_cache

    def cardinality(self):
        """The number of elements as an int64 Tensor, or INFINITE_CARDINALITY (-1) / UNKNOWN_CARDINALITY (-2)."""
        return Tensor(np.int64(self._cardinality()))

    def __len__(self):
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<{self._repr_name or type(self).__name__} element_spec={self.element_spec!r}>"

    def options(self):
        return self._options if self._options is not None else (
            self._input.options() if self._input is not None else Options())

    # --- iteration ----------------------------------------------------------------------------
    def __iter__(self):
        return OwnedIterator(self)

    def as_numpy_iterator(self):
        """An iterator over the elements as NumPy values (scalars for 0-d tensors)."""
        return NumpyIterator(self)

    def get_single_element(self, name=None):
        """The only element; InvalidArgumentError when there are none or several."""
        it = self._elements()
        for first in it:
            for _ in it:
                raise errors.InvalidArgumentError(None, "DatasetToSingleElement", (
                    "Dataset had more than one element. [Op:DatasetToSingleElement]"))
            return _st.to_tensors(first)
        raise errors.InvalidArgumentError(None, "DatasetToSingleElement", (
            "Dataset was empty. [Op:DatasetToSingleElement]"))

    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements into a state: ``state = reduce_func(state, element)``; returns the final state."""
        state = _st.normalize(initial_state)
        for element in self._elements():
            new = _st.from_user(reduce_func(_st.to_tensors(state), _st.to_tensors(element)))
            _check_state(state, new, "new state")
            state = new
        return _st.to_tensors(state)

    # --- sources ------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """The slices of ``tensors`` along their first dimension (a nest of tensors sliced together)."""
        return _sources._TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element, ``tensors``."""
        return _sources._TensorDataset(tensors)

    @staticmethod
    def range(*args, **kwargs):
        """``range(stop)``, ``range(start, stop[, step])`` as int64 scalars (``output_type=`` to change it)."""
        return _sources._RangeDataset(*args, **kwargs)

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Elements of several datasets side by side, in the nested structure given (a tuple for several args)."""
        if datasets is not None:
            if args:
                raise TypeError("Both `*args` and `datasets` cannot be set.")
            structure = datasets
        elif len(args) == 1:
            structure = args[0]
        else:
            structure = tuple(args)
        return _sources._ZipDataset(structure)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None):
        """Elements produced by ``generator(*args)`` (called anew for each iteration), checked and converted
        against ``output_signature`` (a nest of ``TensorSpec``) or ``output_types``/``output_shapes``."""
        return _sources._GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    # --- transformations ----------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Stacks ``batch_size`` consecutive elements; the last batch is smaller unless ``drop_remainder``."""
        cls = _transforms._BatchDataset if num_parallel_calls is None else _transforms._ParallelBatchDataset
        return cls(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches elements of different shapes, padding each component to ``padded_shapes`` (None or -1 in
        a shape: the largest in the batch) with ``padding_values`` (zeros by default)."""
        return _transforms._PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name=None):
        """Splits each element along its first dimension."""
        return _transforms._UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """``unbatch().batch(batch_size, drop_remainder)``."""
        return self.unbatch().batch(batch_size, drop_remainder)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, synchronous=None,
            use_unbounded_threadpool=False, name=None):
        """Applies ``map_func`` to each element (a tuple element is unpacked into positional arguments).

        ``num_parallel_calls`` and ``deterministic`` are accepted; elements are mapped one after another,
        in order."""
        cls = _transforms._MapDataset if num_parallel_calls is None else _transforms._ParallelMapDataset
        return cls(self, map_func)

    def filter(self, predicate, name=None):
        """Keeps the elements for which ``predicate`` returns a true boolean scalar."""
        return _transforms._FilterDataset(self, predicate)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Randomly shuffles the elements with a buffer of ``buffer_size`` elements.

        As in TF, the buffer is filled with the first ``buffer_size`` elements; each output is drawn
        uniformly from the buffer and its slot refilled with the next input element. A buffer at least
        as large as the dataset gives a uniform permutation; ``buffer_size=1`` keeps the order.
        ``tf.data.UNKNOWN_CARDINALITY`` as ``buffer_size`` buffers the whole dataset.

        Seeds follow ``tapegrad.random``: the order is reproducible when a global seed
        (``tapegrad.random.set_seed``) or ``seed`` is set, and otherwise differs from run to run. Each
        iteration over the dataset (each epoch, each repetition under ``repeat``) gets a new order
        unless ``reshuffle_each_iteration=False``. The permutations are NOT TensorFlow's (TF uses Philox
        and its own buffer bookkeeping): the same seeds give a different, equally random order.
        """
        return _transforms._ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        """Repeats the dataset ``count`` times (forever when None or -1)."""
        return _transforms._RepeatDataset(self, count)

    def take(self, count, name=None):
        """The first ``count`` elements (all of them when -1)."""
        return _transforms._TakeDataset(self, count)

    def skip(self, count, name=None):
        """All but the first ``count`` elements (none when -1)."""
        return _transforms._SkipDataset(self, count)

    def take_while(self, predicate, name=None):
        """Elements up to (not including) the first for which ``predicate`` is false."""
        return _transforms._TakeWhileDataset(self, predicate)

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element, starting at ``index``."""
        return _transforms._ShardDataset(self, num_shards, index)

    def prefetch(self, buffer_size, name=None):
        """Accepted for compatibility: the pipeline runs on demand, there is nothing to overlap."""
        return _transforms._PrefetchDataset(self)

    def cache(self, filename="", name=None):
        """Keeps the elements of the first complete iteration in memory and replays them afterwards
        (so ``shuffle(...).cache()`` repeats its first order, as in TF). ``filename`` is ignored."""
        return _transforms._CacheDataset(self)

    def enumerate(self, start=0, name=None):
        """Pairs ``(index, element)`` with int64 indices from ``start``."""
        return Dataset.zip((Dataset.range(start, np.iinfo(np.int64).max), self))

    def concatenate(self, dataset, name=None):
        """The elements of this dataset followed by those of ``dataset`` (same structure and dtypes)."""
        return _transforms._ConcatenateDataset(self, dataset)

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and yields their elements in order."""
        return _transforms._FlatMapDataset(self, map_func)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """Maps each element to a dataset and cycles through ``cycle_length`` of them at a time, taking
        ``block_length`` elements from each in turn (TF's deterministic order). ``cycle_length`` defaults
        to the number of CPU cores, as TF's AUTOTUNE does."""
        return _transforms._InterleaveDataset(self, map_func, cycle_length, block_length)

    def scan(self, initial_state, scan_func, name=None):
        """``(state, out) = scan_func(state, element)`` over the elements, yielding each ``out``."""
        return _transforms._ScanDataset(self, initial_state, scan_func)

    def unique(self, name=None):
        """The first occurrence of each distinct (integer scalar) element."""
        return _transforms._UniqueDataset(self)

    def apply(self, transformation_func):
        """``transformation_func(self)``, which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"`transformation_func` must return a `tf.data.Dataset` object. Got {type(out)}.")
        return out

    def with_options(self, options, name=None):
        """Attaches ``options`` (kept, with no effect)."""
        return _transforms._OptionsDataset(self, options)


def _dtypes(element):
    return [v.dtype for v in _st.flatten(element)]


def _check_state(old, new, what):
    if not _st.is_leaf(old) or not _st.is_leaf(new):
        try:
            _st.nest.assert_same_structure(old, new)
        except (ValueError, TypeError):
            raise TypeError(f"The structure of the {what} must match the initial state. Expected {old!r}; "
                            f"got {new!r}.") from None
    a, b = _dtypes(old), _dtypes(new)
    if a != b:
        names = lambda ds: "(" + ", ".join(repr(_dt.from_numpy(d)) for d in ds) + ",)"  # noqa: E731
        raise TypeError(f"The element types for the {what} must match the initial state. Expected "
                        f"{names(a)}; got {names(b)}.")


def _rows(src, chunks):
    row = src._row
    for chunk in chunks:
        for i in chunk:
            yield row(i)


class OwnedIterator:
    """The iterator ``iter(dataset)`` returns: yields elements as tapegrad Tensors."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._it = dataset._elements()

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return _st.to_tensors(next(self._it))

    def get_next(self, name=None):
        """The next element; ``tapegrad.errors.OutOfRangeError`` at the end (``next`` raises StopIteration)."""
        try:
            return next(self)
        except StopIteration:
            raise errors.OutOfRangeError(None, "IteratorGetNext", "End of sequence [Op:IteratorGetNext]") from None


class NumpyIterator:
    """``dataset.as_numpy_iterator()``: yields elements as NumPy values."""

    def __init__(self, dataset):
        self._iterator = OwnedIterator(dataset)

    def __iter__(self):
        return self

    def __next__(self):
        return _st.to_numpy(next(self._iterator._it))

    def __repr__(self):
        return f"NumpyIterator(iterator={self._iterator!r})"


from . import sources as _sources  # noqa: E402 - the subclasses need Dataset
from . import transforms as _transforms  # noqa: E402
