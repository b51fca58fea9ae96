"""tapegrad.data: tf.data.Dataset sources, transformations, iteration, specs, seeds and errors.

Expectations are written out by hand (element orders, shapes, cardinalities). The last test compares a
list of pipelines with real TensorFlow when an interpreter with TF is available (this one, or
``TAPEGRAD_TF_PYTHON``); it is skipped otherwise.
"""
import collections
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tapegrad as tf

D = tf.data.Dataset
P = collections.namedtuple("P", "x y")


def L(ds):
    return [_plain(e) for e in ds.as_numpy_iterator()]


def _plain(x):
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return type(x)(*map(_plain, x)) if hasattr(type(x), "_fields") else tuple(map(_plain, x))
    return np.asarray(x).tolist()


# --- sources -------------------------------------------------------------------------------------------

def test_from_tensor_slices_dtypes_follow_tf():
    assert D.from_tensor_slices([1, 2]).element_spec == tf.TensorSpec([], tf.int32)
    assert D.from_tensor_slices([1.0, 2.0]).element_spec == tf.TensorSpec([], tf.float32)
    assert D.from_tensor_slices(np.zeros((3, 2))).element_spec == tf.TensorSpec([2], tf.float64)
    assert D.from_tensor_slices(np.arange(3)).element_spec.dtype == tf.int64
    assert D.from_tensor_slices([True, False]).element_spec.dtype == tf.bool
    x = next(iter(D.from_tensor_slices([1.5, 2.5])))
    assert isinstance(x, tf.Tensor) and x.dtype == tf.float32 and x.shape == () and float(x) == 1.5


def test_from_tensor_slices_nests():
    ds = D.from_tensor_slices((np.arange(6).reshape(3, 2), [1.0, 2.0, 3.0]))
    assert L(ds) == [([0, 1], 1.0), ([2, 3], 2.0), ([4, 5], 3.0)]
    d = D.from_tensor_slices({"b": [1, 2], "a": [[1.0], [2.0]]})
    assert list(d.element_spec) == ["b", "a"]  # the user's key order is kept
    assert L(d) == [{"b": 1, "a": [1.0]}, {"b": 2, "a": [2.0]}]
    nt = D.from_tensor_slices(P([1, 2], [3.0, 4.0]))
    assert L(nt) == [P(1, 3.0), P(2, 4.0)] and isinstance(nt.element_spec, P)
    nested = D.from_tensor_slices(((np.arange(2), {"z": np.ones(2)}), np.zeros(2)))
    (a, b), c = next(iter(nested))
    assert int(a) == 0 and float(b["z"]) == 1.0 and float(c) == 0.0


def test_a_list_is_a_tensor_not_a_structure():
    ds = D.from_tensor_slices([[1, 2], [3, 4], [5, 6]])
    assert ds.element_spec == tf.TensorSpec([2], tf.int32) and len(ds) == 3


def test_from_tensor_slices_errors():
    with pytest.raises(ValueError, match="Dimensions 3 and 4 are not compatible"):
        D.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="Dimensions 3 and 5 are not compatible"):
        D.from_tensor_slices({"a": np.zeros((3, 2)), "b": np.zeros(5)})
    with pytest.raises(ValueError, match="rank >= 1"):
        D.from_tensor_slices(3)


def test_source_copies_its_input():
    x = np.arange(4)
    ds = D.from_tensor_slices(x)
    x[:] = 0
    assert L(ds) == [0, 1, 2, 3]


def test_from_tensors_and_range():
    assert L(D.from_tensors((1, [1.0, 2.0]))) == [(1, [1.0, 2.0])]
    assert D.from_tensors([1, 2]).element_spec == tf.TensorSpec([2], tf.int32)
    assert L(D.range(4)) == [0, 1, 2, 3] and D.range(4).element_spec.dtype == tf.int64
    assert L(D.range(2, 5)) == [2, 3, 4]
    assert L(D.range(1, 10, 3)) == [1, 4, 7]
    assert L(D.range(5, 1, -2)) == [5, 3]
    assert L(D.range(5, 1)) == []
    assert D.range(3, output_type=tf.float32).element_spec.dtype == tf.float32
    assert L(D.range(3, output_type=tf.int32).batch(2)) == [[0, 1], [2]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="step must be a non-zero integer"):
        D.range(1, 5, 0)
    with pytest.raises(TypeError):
        D.range(0.5, 3)


def test_zip():
    a, b = D.range(3), D.from_tensor_slices([10, 20])
    assert L(D.zip((a, b))) == [(0, 10), (1, 20)]
    assert L(D.zip(a, b)) == [(0, 10), (1, 20)]
    assert L(D.zip({"a": a, "b": (b, a)})) == [{"a": 0, "b": (10, 0)}, {"a": 1, "b": (20, 1)}]
    assert len(D.zip(a, b)) == 2 and len(D.zip(a.repeat(), b)) == 2
    assert int(D.zip(a.repeat(), a.repeat()).cardinality()) == tf.data.INFINITE_CARDINALITY
    with pytest.raises(TypeError, match="Invalid input to `zip`"):
        D.zip(a, 3)


def test_from_generator():
    def gen():
        yield 1, [1.0]
        yield 2, [2.0, 3.0]

    sig = (tf.TensorSpec((), tf.int32), tf.TensorSpec((None,), tf.float32))
    ds = D.from_generator(gen, output_signature=sig)
    assert ds.element_spec == sig and int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert L(ds) == [(1, [1.0]), (2, [2.0, 3.0])]
    assert L(ds) == L(ds)  # the generator is called again for every iteration
    x, y = next(iter(ds))
    assert x.dtype == tf.int32 and y.dtype == tf.float32
    assert L(D.from_generator(lambda n: iter(range(n)), args=(3,), output_signature=tf.TensorSpec((), tf.int64))) == [
        0, 1, 2]
    legacy = D.from_generator(lambda: iter([1, 2]), output_types=tf.int32)
    assert legacy.element_spec.shape.rank is None and L(legacy) == [1, 2]
    assert L(D.from_generator(lambda: iter([1.5]), output_signature=tf.TensorSpec((), tf.int32))) == [1]
    with pytest.raises(TypeError, match="output_signature"):
        D.from_generator(gen)


def test_from_generator_errors():
    spec = tf.TensorSpec((), tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="yielded an element of shape \\(2,\\) where an "
                                                               "element of shape \\(\\) was expected"):
        L(D.from_generator(lambda: iter([[1, 2]]), output_signature=spec))
    with pytest.raises(tf.errors.InvalidArgumentError, match="did not match the expected structure"):
        L(D.from_generator(lambda: iter([(1, 2, 3)]), output_signature=(spec, spec)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not be converted to the expected type"):
        L(D.from_generator(lambda: iter(["a"]), output_signature=spec))


# --- batching ------------------------------------------------------------------------------------------

def test_batch_shapes_and_drop_remainder():
    ds = D.range(7)
    assert L(ds.batch(3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert L(ds.batch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5]]
    assert ds.batch(3).element_spec == tf.TensorSpec([None], tf.int64)
    assert ds.batch(3, drop_remainder=True).element_spec == tf.TensorSpec([3], tf.int64)
    assert [len(ds.batch(3)), len(ds.batch(3, True)), len(ds.batch(7)), len(ds.batch(8, True))] == [3, 2, 1, 0]
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    batches = list(D.from_tensor_slices((x, np.arange(10))).batch(4))
    assert [tuple(b[0].shape) for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert batches[0][0].dtype == tf.float32 and batches[0][1].dtype == tf.int64
    np.testing.assert_array_equal(batches[2][0].numpy(), x[8:])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Batch size must be greater than zero"):
        ds.batch(0)


def test_batch_of_nests_and_of_mapped_elements():
    ds = D.from_tensor_slices({"x": np.arange(6).reshape(3, 2), "y": [1.0, 2.0, 3.0]}).batch(2)
    assert ds.element_spec == {"x": tf.TensorSpec([None, 2], tf.int64), "y": tf.TensorSpec([None], tf.float32)}
    assert L(ds) == [{"x": [[0, 1], [2, 3]], "y": [1.0, 2.0]}, {"x": [[4, 5]], "y": [3.0]}]
    assert L(D.range(5).map(lambda v: (v, v * 2)).batch(2)) == [([0, 1], [0, 2]), ([2, 3], [4, 6]), ([4], [8])]
    gen = D.from_generator(lambda: iter([[1], [1, 2]]), output_signature=tf.TensorSpec([None], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot batch tensors with different shapes in "
                                                               "component 0. First element had shape \\[1\\] and "
                                                               "element 1 had shape \\[2\\]"):
        L(gen.batch(2))


def test_unbatch():
    assert L(D.from_tensor_slices(np.arange(6).reshape(3, 2)).unbatch()) == [0, 1, 2, 3, 4, 5]
    assert L(D.range(5).batch(2).unbatch()) == [0, 1, 2, 3, 4]
    assert L(D.range(5).batch(2).rebatch(3)) == [[0, 1, 2], [3, 4]]
    assert int(D.range(4).batch(2).unbatch().cardinality()) == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar components"):
        D.range(3).unbatch()


def _ragged():
    return D.from_generator(lambda: iter([[1], [1, 2], [1, 2, 3]]), output_signature=tf.TensorSpec([None], tf.int32))


def test_padded_batch():
    assert L(_ragged().padded_batch(2)) == [[[1, 0], [1, 2]], [[1, 2, 3]]]
    assert L(_ragged().padded_batch(2, padded_shapes=[4], padding_values=-1)) == [
        [[1, -1, -1, -1], [1, 2, -1, -1]], [[1, 2, 3, -1]]]
    assert _ragged().padded_batch(2, padded_shapes=[4]).element_spec == tf.TensorSpec([None, 4], tf.int32)
    assert _ragged().padded_batch(2, drop_remainder=True).element_spec == tf.TensorSpec([2, None], tf.int32)
    pairs = D.from_tensors(([1, 2], 3.0)).padded_batch(2, padded_shapes=([4], []), padding_values=(-1, 0.0))
    assert L(pairs) == [([[1, 2, -1, -1]], [3.0])]
    assert L(D.range(4).map(lambda n: tf.fill([n], n)).padded_batch(2)) == [[[0], [1]], [[2, 2, 0], [3, 3, 3]]]
    with pytest.raises(tf.errors.DataLossError, match="pad to a smaller size"):
        L(_ragged().padded_batch(2, padded_shapes=[2]))
    with pytest.raises(TypeError, match="does not match type"):
        _ragged().padded_batch(2, padding_values=np.int64(-1))


# --- functions of elements -----------------------------------------------------------------------------

def test_map_unpacks_tuples_only():
    pairs = D.from_tensor_slices(([1, 2], [3.0, 4.0]))
    assert L(pairs.map(lambda a, b: b * 2)) == [6.0, 8.0]
    with pytest.raises(TypeError):
        L(pairs.map(lambda a: a))
    assert L(D.from_tensor_slices({"a": [1, 2]}).map(lambda d: d["a"] + 1)) == [2, 3]
    assert L(D.from_tensor_slices(P([1, 2], [3.0, 4.0])).map(lambda p: p.x)) == [1, 2]  # namedtuple: one arg
    seen = []
    L(D.range(2).map(lambda x: seen.append(type(x)) or x))
    assert tf.Tensor in seen


def test_map_outputs_and_spec():
    ds = D.range(3).map(lambda x: [x, x * 2])  # a returned list is a tuple, as in TF
    assert isinstance(ds.element_spec, tuple) and L(ds) == [(0, 0), (1, 2), (2, 4)]
    assert L(D.range(2).map(lambda x: 1)) == [1, 1] and D.range(2).map(lambda x: 1).element_spec.dtype == tf.int32
    assert D.range(2).map(lambda x: (x, 1.5)).element_spec[1].dtype == tf.float32
    assert D.range(5).map(lambda x: tf.cast(x, tf.float32) / 2).element_spec == tf.TensorSpec([], tf.float32)
    assert D.range(10).batch(3).map(lambda x: x * 2).element_spec == tf.TensorSpec([None], tf.int64)
    assert D.range(12).batch(4).map(lambda x: tf.reshape(x, [2, -1])).element_spec.shape == (2, None)
    x, y = np.zeros((8, 4), np.float32), np.arange(8)
    spec = D.from_tensor_slices((x, y)).batch(4).map(lambda a, b: (a / 255.0, tf.one_hot(b, 10))).element_spec
    assert spec == (tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([None, 10], tf.float32))
    par = D.range(4).map(lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    assert L(par) == [1, 2, 3, 4]


def test_spec_inference_leaves_random_sequences_alone():
    tf.random.set_seed(3)
    ds = D.range(4).map(lambda x: tf.random.uniform([]))
    expected = tf.random.uniform([]).numpy()
    tf.random.set_seed(3)
    ds = D.range(4).map(lambda x: tf.random.uniform([]))
    repr(ds)  # infers the spec by calling the function
    assert tf.random.uniform([]).numpy() == expected


def test_filter_take_while_unique_scan():
    assert L(D.range(10).filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert L(D.range(3).filter(lambda x: True)) == [0, 1, 2]
    with pytest.raises(ValueError, match="must return a `tf.bool` scalar tensor"):
        L(D.range(3).filter(lambda x: x))
    assert L(D.range(10).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    assert L(D.from_tensor_slices([1, 2, 1, 3, 2]).unique()) == [1, 2, 3]
    assert L(D.range(4).scan(np.int64(0), lambda s, x: (s + x, s * 10))) == [0, 0, 10, 30]


def test_reduce():
    assert int(D.range(5).reduce(np.int64(0), lambda s, x: s + x)) == 10
    s, n = D.range(5).reduce((np.int64(0), np.int64(0)), lambda st, x: (st[0] + x, st[1] + 1))
    assert (int(s), int(n)) == (10, 5)
    total = D.from_tensor_slices(([1.0, 2.0], [3.0, 4.0])).reduce(0.0, lambda st, xy: st + xy[0] * xy[1])
    assert float(total) == 11.0
    with pytest.raises(TypeError, match="must match the initial state"):
        D.range(3).reduce(np.int64(0), lambda st, x: tf.cast(st + x, tf.float32))


def test_flat_map_and_interleave():
    assert L(D.range(1, 4).flat_map(lambda x: D.from_tensors(x).repeat(x))) == [1, 2, 2, 3, 3, 3]
    inter = D.range(1, 4).interleave(lambda x: D.from_tensors(x).repeat(3), cycle_length=2, block_length=2)
    assert L(inter) == [1, 1, 2, 2, 1, 2, 3, 3, 3]  # TF's order
    assert L(D.range(3).interleave(lambda x: D.range(x), cycle_length=1)) == [0, 0, 1]
    assert D.range(3).flat_map(lambda x: D.range(x)).element_spec == tf.TensorSpec([], tf.int64)
    with pytest.raises(TypeError, match="must return a `Dataset`"):
        L(D.range(2).flat_map(lambda x: x))


# --- order and counts ----------------------------------------------------------------------------------

def test_repeat_take_skip_shard_contents():
    ds = D.range(3)
    assert L(ds.repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert L(ds.repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert L(ds.repeat(0)) == [] and L(D.range(0).repeat()) == []
    assert L(ds.take(2)) == [0, 1] and L(ds.take(-1)) == [0, 1, 2] and L(ds.take(0)) == []
    assert L(ds.skip(1)) == [1, 2] and L(ds.skip(-1)) == [] and L(ds.skip(5)) == []
    assert L(D.range(7).shard(3, 1)) == [1, 4]
    assert L(D.range(10).batch(3).skip(1).take(2)) == [[3, 4, 5], [6, 7, 8]]
    assert L(D.range(10).skip(2).take(5).batch(2)) == [[2, 3], [4, 5], [6]]
    assert L(D.range(4).repeat(2).batch(3)) == [[0, 1, 2], [3, 0, 1], [2, 3]]  # batches cross epochs
    assert L(D.range(4).take(tf.constant(2, tf.int64))) == [0, 1]


def test_cardinalities():
    c = lambda d: int(d.cardinality())  # noqa: E731
    r = D.range(10)
    assert [c(r.take(3)), c(r.skip(3)), c(r.skip(30)), c(r.repeat(3))] == [3, 7, 0, 30]
    assert [c(r.repeat().take(5)), c(r.repeat().skip(5)), c(D.range(0).repeat())] == [5, -1, 0]
    assert [c(r.batch(3).repeat()), c(r.filter(lambda x: True).repeat()), c(r.filter(lambda x: True).take(3))] == [
        -1, -1, -2]
    assert [c(r.shuffle(3).repeat(2)), c(r.map(lambda x: x)), c(r.enumerate()), c(r.shard(3, 0))] == [20, 10, 10, 4]
    assert [c(r.concatenate(r)), c(r.repeat().concatenate(r)), c(r.repeat(0))] == [20, -1, 0]
    assert tf.data.INFINITE_CARDINALITY == -1 and tf.data.UNKNOWN_CARDINALITY == -2
    assert tf.data.experimental.cardinality(r).dtype == tf.int64
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(r.repeat())
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(r.filter(lambda x: x > 3))


def test_shuffle_is_a_permutation_that_changes_per_epoch():
    ds = D.range(50).shuffle(50)
    a, b = L(ds), L(ds)
    assert sorted(a) == sorted(b) == list(range(50)) and a != b
    once = D.range(50).shuffle(50, seed=7, reshuffle_each_iteration=False)
    assert L(once) == L(once)
    rep = L(D.range(20).shuffle(20, seed=1).repeat(2))
    assert sorted(rep[:20]) == sorted(rep[20:]) == list(range(20)) and rep[:20] != rep[20:]
    assert L(D.range(10).shuffle(1)) == list(range(10))


def test_shuffle_buffer_semantics():
    """With a buffer of B, output i is one of the first i + B inputs, and every input comes out once."""
    for seed in range(5):
        out = L(D.range(100).shuffle(10, seed=seed))
        assert sorted(out) == list(range(100))
        assert all(v < i + 10 for i, v in enumerate(out))
        assert out != list(range(100))


def test_shuffle_reproducible_with_seeds():
    def orders(seed=None):
        ds = D.range(30).shuffle(30, seed=seed)
        return L(ds), L(ds)

    tf.random.set_seed(5)
    first = orders()
    tf.random.set_seed(5)
    assert orders() == first  # global seed only: the same sequence of epochs after set_seed
    tf.random.set_seed(None)
    assert orders(seed=3) == orders(seed=3)  # op seed only
    assert orders(seed=3) != orders(seed=4)
    tf.random.set_seed(5)
    assert orders(seed=3) != orders(seed=3)[::-1]


def test_bulk_batches_equal_per_element_batches():
    """slices -> shuffle -> batch gathers whole batches; a map in between forces the per-element path."""
    x = np.arange(60, dtype=np.float32).reshape(30, 2)
    y = np.arange(30)
    for buffer_size in (1, 7, 30, 100):
        fast = D.from_tensor_slices((x, y)).shuffle(buffer_size, seed=2).repeat(2).batch(4)
        slow = D.from_tensor_slices((x, y)).map(lambda a, b: (a, b)).shuffle(buffer_size, seed=2).repeat(2).batch(4)
        assert L(fast) == L(slow)
        labels = [v for _, b in L(fast) for v in b]
        assert sorted(labels[:30]) == sorted(labels[30:]) == list(range(30))
        assert (labels[:30] == list(range(30))) == (buffer_size == 1)


def test_cache_replays_its_first_iteration():
    ds = D.range(20).shuffle(20).cache()
    first = L(ds)
    assert L(ds) == first and sorted(first) == list(range(20))
    calls = []
    mapped = D.range(3).map(lambda x: calls.append(1) or x).cache()
    assert L(mapped) == L(mapped) == [0, 1, 2] and len(calls) == 3


def test_enumerate_concatenate_prefetch_apply_options():
    assert L(D.from_tensor_slices([5, 6]).enumerate(3)) == [(3, 5), (4, 6)]
    assert D.range(2).enumerate().element_spec[0].dtype == tf.int64
    assert L(D.range(2).concatenate(D.range(5, 7))) == [0, 1, 5, 6]
    assert D.from_tensors([1, 2]).concatenate(D.from_tensors([1, 2, 3])).element_spec.shape == (None,)
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        D.range(3).concatenate(D.from_tensor_slices([1.0, 2.0]))
    assert L(D.range(3).prefetch(tf.data.AUTOTUNE)) == [0, 1, 2]
    assert tf.data.experimental.AUTOTUNE == tf.data.AUTOTUNE == -1
    assert L(D.range(5).apply(lambda d: d.skip(3))) == [3, 4]
    opts = tf.data.Options()
    opts.experimental_deterministic = False
    ds = D.range(2).with_options(opts)
    assert L(ds) == [0, 1] and ds.options().experimental_deterministic is False


# --- iteration, reprs ----------------------------------------------------------------------------------

def test_iterators():
    it = iter(D.range(2))
    assert it.element_spec == tf.TensorSpec([], tf.int64) and iter(it) is it
    first = next(it)
    assert isinstance(first, tf.Tensor) and first.dtype == tf.int64 and int(first) == 0
    assert int(it.get_next()) == 1
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        it.get_next()
    with pytest.raises(StopIteration):
        next(iter(D.range(0)))
    np_it = D.from_tensor_slices({"a": [1.0, 2.0]}).as_numpy_iterator()
    first = next(np_it)
    assert isinstance(first["a"], np.float32) and repr(np_it).startswith("NumpyIterator(iterator=")
    assert int(D.range(1).get_single_element()) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="more than one element"):
        D.range(2).get_single_element()


def test_numpy_iterator_values_are_copies():
    ds = D.from_tensor_slices(np.arange(6).reshape(3, 2))
    v = next(ds.as_numpy_iterator())
    v[:] = -1
    assert L(ds)[0] == [0, 1]


@pytest.mark.parametrize("make, text", [
    (lambda: D.from_tensor_slices([1, 2, 3]), "<_TensorSliceDataset element_spec=TensorSpec(shape=(), "
                                              "dtype=tf.int32, name=None)>"),
    (lambda: D.range(3).batch(2), "<_BatchDataset element_spec=TensorSpec(shape=(None,), dtype=tf.int64, name=None)>"),
    (lambda: D.range(3).batch(2, True), "<_BatchDataset element_spec=TensorSpec(shape=(2,), dtype=tf.int64, "
                                        "name=None)>"),
    (lambda: D.range(3).map(lambda x: x), "<_MapDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>"),
    (lambda: D.range(3).map(lambda x: x, num_parallel_calls=2), "<_ParallelMapDataset element_spec="),
    (lambda: D.range(3).shuffle(2), "<_ShuffleDataset element_spec="),
    (lambda: D.range(3).repeat(), "<_RepeatDataset element_spec="),
    (lambda: D.range(3).take(1), "<_TakeDataset element_spec="),
    (lambda: D.range(3).skip(1), "<_SkipDataset element_spec="),
    (lambda: D.range(3).prefetch(1), "<_PrefetchDataset element_spec="),
    (lambda: D.range(3).cache(), "<CacheDataset element_spec="),
    (lambda: D.range(3).filter(lambda x: x > 0), "<_FilterDataset element_spec="),
    (lambda: D.range(3).enumerate(), "<_ZipDataset element_spec=(TensorSpec(shape=(), dtype=tf.int64, name=None), "
                                     "TensorSpec(shape=(), dtype=tf.int64, name=None))>"),
    (lambda: D.range(3).concatenate(D.range(1)), "<_ConcatenateDataset element_spec="),
    (lambda: D.range(3).flat_map(lambda x: D.range(x)), "<_FlatMapDataset element_spec="),
    (lambda: D.range(3).interleave(lambda x: D.range(x)), "<_InterleaveDataset element_spec="),
    (lambda: D.range(3).batch(2).unbatch(), "<_UnbatchDataset element_spec="),
    (lambda: D.range(3).batch(2).padded_batch(2), "<_PaddedBatchDataset element_spec=TensorSpec(shape=(None, None)"),
    (lambda: D.range(3), "<_RangeDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>"),
    (lambda: D.from_tensors([1, 2]), "<_TensorDataset element_spec=TensorSpec(shape=(2,), dtype=tf.int32, "
                                     "name=None)>"),
    (lambda: D.from_generator(lambda: iter([1]), output_signature=tf.TensorSpec((), tf.int32)),
     "<_FlatMapDataset element_spec=TensorSpec(shape=(), dtype=tf.int32, name=None)>"),
    (lambda: D.from_tensor_slices({"b": [1.0], "a": np.zeros((1, 3))}),
     "<_TensorSliceDataset element_spec={'b': TensorSpec(shape=(), dtype=tf.float32, name=None), "
     "'a': TensorSpec(shape=(3,), dtype=tf.float64, name=None)}>"),
    (lambda: D.range(3).with_options(tf.data.Options()), "<_OptionsDataset element_spec="),
    (lambda: D.range(3).batch(2, num_parallel_calls=2), "<_ParallelBatchDataset element_spec="),
])
def test_repr_matches_tf(make, text):
    assert repr(make()).startswith(text) and str(make()) == repr(make())


def test_training_loop_over_a_dataset():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    w = tf.Variable(tf.zeros([3, 1]))
    ds = D.from_tensor_slices((x, y)).shuffle(64, seed=0).batch(16).repeat(30)
    for xb, yb in ds:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((xb @ w - yb) ** 2)
        w.assign_sub(0.1 * tape.gradient(loss, w))
    np.testing.assert_allclose(w.numpy().ravel(), [1.0, -2.0, 0.5], atol=1e-3)


# --- against TensorFlow --------------------------------------------------------------------------------

# Deterministic pipelines (no shuffle: TF's permutations are not reproduced) and error cases. Each is
# an expression in ``tf``, ``np`` and ``D``; both sides report element values, dtypes, specs, reprs and
# cardinalities, or the exception's type (and our message must appear in TF's).
TF_CASES = [
    "D.from_tensor_slices(([1, 2], [[1.0], [2.0]]))",
    "D.from_tensor_slices({'b': [1, 2], 'a': np.zeros((2, 3), np.float32)}).batch(1)",
    "D.from_tensor_slices(np.arange(10)).batch(3)",
    "D.from_tensor_slices(np.arange(10)).batch(3, drop_remainder=True)",
    "D.range(7).repeat(2).batch(4)",
    "D.range(7).skip(2).take(3)",
    "D.range(7).repeat().take(9)",
    "D.range(1, 9, 2).map(lambda x: (x, tf.cast(x, tf.float32) * 0.5))",
    "D.range(10).filter(lambda x: x % 3 == 0)",
    "D.range(5).enumerate(2)",
    "D.range(3).concatenate(D.range(7, 9))",
    "D.range(1, 5).interleave(lambda x: D.from_tensors(x).repeat(x), cycle_length=3, block_length=2)",
    "D.range(1, 4).flat_map(lambda x: D.range(x))",
    "D.range(6).map(lambda x: tf.fill([x % 3], x)).padded_batch(2, padding_values=np.int64(-1))",
    "D.from_tensor_slices(np.arange(12).reshape(3, 4)).unbatch().batch(5)",
    "D.zip((D.range(3), D.from_tensor_slices([1.5, 2.5])))",
    "D.range(8).shard(3, 2)",
    "D.range(4).scan(np.int64(1), lambda s, x: (s * 2, s + x))",
    "D.from_generator(lambda: iter([[1], [2, 3]]), output_signature=tf.TensorSpec([None], tf.int32))",
    "D.range(8).batch(3).map(lambda x: tf.reduce_sum(x))",
    "D.range(12).batch(4).map(lambda x: tf.reshape(x, [2, -1]))",
    "D.range(3).map(lambda x: [x, x + 1])",
    "D.range(3).reduce(np.int64(0), lambda s, x: s + x)",
    "D.from_tensor_slices((np.zeros(3), np.zeros(4)))",
    "D.range(3).batch(0)",
    "D.range(3).shuffle(0)",
    "D.range(1, 5, 0)",
    "len(D.range(3).repeat())",
    "len(D.range(3).filter(lambda x: x > 0))",
    "D.range(3).concatenate(D.from_tensor_slices([1.0]))",
    "D.range(3).unbatch()",
    "D.from_generator(lambda: iter([[1, 2]]), output_signature=tf.TensorSpec((), tf.int32))",
    "D.from_generator(lambda: iter([[1], [1, 2]]), output_signature=tf.TensorSpec([None], tf.int32)).batch(2)",
]

_DESCRIBE = r'''
import json, sys
import numpy as np

def describe(tf, np, cases):
    D = tf.data.Dataset

    def plain(x):
        if isinstance(x, dict):
            return {str(k): plain(v) for k, v in x.items()}
        if isinstance(x, tuple):
            return [plain(v) for v in x]
        if hasattr(x, "numpy"):
            x = x.numpy()
        a = np.asarray(x)
        return [str(a.dtype), a.tolist()]

    out = []
    for case in cases:
        try:
            r = eval(case, {"tf": tf, "np": np, "D": D})
            if isinstance(r, D):
                r = {"repr": repr(r), "card": int(r.cardinality()), "elements": [plain(e) for e in r]}
            else:
                r = {"value": plain(r)}
        except Exception as e:
            r = {"error": type(e).__name__, "message": str(e)}
        out.append(r)
    return out
'''


def _tf_python():
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable
    return os.environ.get("TAPEGRAD_TF_PYTHON")


def test_pipelines_match_tensorflow():
    python = _tf_python()
    if not python:
        pytest.skip("TensorFlow is not importable (set TAPEGRAD_TF_PYTHON to an interpreter that has it)")
    script = _DESCRIBE + ("import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport tensorflow as tf\n"
                          "print(json.dumps(describe(tf, np, json.loads(sys.argv[1]))))\n")
    proc = subprocess.run([python, "-c", script, json.dumps(TF_CASES)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    namespace = {}
    exec(_DESCRIBE, namespace)
    ours = namespace["describe"](tf, np, TF_CASES)
    for case, a, b in zip(TF_CASES, ours, theirs):
        if "error" in b:
            assert a.get("error") == b["error"], (case, a, b)
            assert a["message"] in b["message"].replace("\n", " ").replace("  ", " ") or a["message"] in b["message"], (
                case, a["message"], b["message"])
        else:
            assert a == b, case
