"""Scatters, segment reductions, top_k, sort and argsort: TF's values, dtypes, errors and gradients.

Every expected value and error message below was computed with TensorFlow 2.21 (/work/peers-venv)
on the same inputs; gradients are of ``sum(y * w)`` with ``w = 1, 2, 3, ...`` over y's entries.
"""
import re

import numpy as np
import pytest

import tapegrad as tf

InvalidArgumentError = tf.errors.InvalidArgumentError


def grads(f, *args):
    """Gradients (NumPy, float64) of sum(f(*args) * [1, 2, 3, ...]) and the value of f."""
    xs = [tf.constant(np.asarray(a, np.float64)) for a in args]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
        w = tf.constant(np.arange(1, y.numpy().size + 1, dtype=np.float64).reshape(y.shape))
        loss = tf.reduce_sum(y * w)
    gs = tape.gradient(loss, xs)
    assert all(type(g) is tf.Tensor for g in gs)  # dense, as TF's
    return [g.numpy().tolist() for g in gs] + [y.numpy().tolist()]


def raises(match, error=InvalidArgumentError):
    return pytest.raises(error, match=re.escape(match))


# --- scatter_nd -----------------------------------------------------------------------------
def test_scatter_nd_values_and_dtypes():
    out = tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [5])  # duplicates are summed
    assert out.dtype == tf.float32 and out.numpy().tolist() == [0, 4, 0, 2, 0]
    out = tf.scatter_nd([[1], [3], [1]], [1, 2, 3], [5])
    assert out.dtype == tf.int32 and out.numpy().tolist() == [0, 4, 0, 2, 0]
    assert tf.scatter_nd([[1]], [[1.0, 2.0]], [3, 2]).numpy().tolist() == [[0, 0], [1, 2], [0, 0]]
    assert tf.scatter_nd([[1]], [True], [3]).numpy().tolist() == [False, True, False]
    assert tf.scatter_nd(tf.constant([[1]], tf.int64), [1.0], [3]).numpy().tolist() == [0, 1, 0]
    # indices given as a list take the dtype of a shape tensor
    assert tf.scatter_nd([[1]], [1.0], tf.constant([3], tf.int64)).numpy().tolist() == [0, 1, 0]
    assert tf.scatter_nd(tf.zeros([0, 1], tf.int32), tf.zeros([0]), [3]).numpy().tolist() == [0, 0, 0]
    assert tf.scatter_nd(tf.zeros([0, 1], tf.int32), tf.zeros([0]), [0]).shape == (0,)
    assert tf.scatter_nd([[0, 1], [2, 3]], [5.0, 6.0], tf.TensorShape([3, 4])).numpy()[2, 3] == 6.0


@pytest.mark.parametrize("indices,updates,shape,message", [
    ([[1], [5]], [1.0, 2.0], [5], "indices[1] = [5] does not index into shape [5] [Op:ScatterNd]"),
    ([[1], [-1]], [1.0, 2.0], [5], "indices[1] = [-1] does not index into shape [5]"),
    ([[0, 1], [2, 7]], [1.0, 2.0], [3, 4], "indices[1] = [2, 7] does not index into shape [3,4]"),
    ([[[0], [1]], [[2], [9]]], [[1.0, 2.0], [3.0, 4.0]], [5], "indices[1,1] = [9] does not index into shape [5]"),
    ([[7], [1], [9]], [1.0, 2.0, 3.0], [5], "indices[0] = [7] does not index into shape [5]"),
    ([[1], [2]], [1.0, 2.0, 3.0], [5],
     "Dimensions [0,1) of indices[shape=[2,1]] must match dimensions [0,1) of updates[shape=[3]]"),
    ([[1], [2]], [[1.0, 2.0]], [4],
     "Dimensions [0,1) of indices[shape=[2,1]] must match dimensions [0,1) of updates[shape=[1,2]]"),
    ([[1], [2]], [[1.0, 2.0], [1.0, 2.0]], [5, 3],
     "Dimensions [1,2) of input[shape=[5,3]] must match dimensions [1,2) of updates[shape=[2,2]]"),
    ([[1, 1, 1]], [1.0], [5, 3], "Dimensions [3,2) of input[shape=[5,3]] must match dimensions [1,1) of updates"),
    ([1, 3], [5.0, 6.0], [4], "Dimensions [2,1) of input[shape=[4]] must match dimensions [0,1) of updates"),
    (1, [1.0], [5], "Indices shape must have rank at least one. Found:[]"),
    ([[1]], 5.0, [4], "Updates shape must have rank at least one. Found:[]"),
    ([[1]], [5.0], [[4]], "Shape must be a vector"),
    ([[1]], [5.0], 4, "Shape must be a vector"),
    ([[1]], [5.0], [-4], "Dimension -4 must be >= 0"),
    (np.zeros([2, 0], np.int32), np.ones([2, 3]), [3], "Indices and updates specified for empty output shape"),
    ([[0]], [1.0], [0], "Indices and updates specified for empty output.  indices shape: [1,1]"),
])
def test_scatter_nd_errors(indices, updates, shape, message):
    with raises(message):
        tf.scatter_nd(indices, updates, shape)


def test_scatter_nd_index_dtypes():
    with raises("cannot compute ScatterNd as input #2(zero-based) was expected to be a int64 tensor but is a "
                "int32 tensor"):
        tf.scatter_nd(tf.constant([[1]], tf.int64), [5.0], tf.constant([4], tf.int32))
    with raises("Value for attr 'Tindices' of float32 is not in the list of allowed values"):
        tf.scatter_nd([[1.0]], [1.0], [5])


def test_scatter_nd_gradients():
    assert grads(lambda u: tf.scatter_nd([[1], [3], [1]], u, [5]), [1.0, 2.0, 3.0]) == [
        [2.0, 4.0, 2.0], [0.0, 4.0, 0.0, 2.0, 0.0]]
    assert grads(lambda u: tf.scatter_nd([[2], [0]], u, [3, 2]), [[1.0, 2.0], [3.0, 4.0]]) == [
        [[5.0, 6.0], [1.0, 2.0]], [[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]]


# --- tensor_scatter_nd_* ------------------------------------------------------------------------
def test_tensor_scatter_values():
    x = [1.0, 2.0, 3.0, 4.0]
    assert tf.tensor_scatter_nd_update(x, [[1], [3]], [9.0, 8.0]).numpy().tolist() == [1, 9, 3, 8]
    assert tf.tensor_scatter_nd_update(x, [[1], [1]], [9.0, 8.0]).numpy().tolist() == [1, 8, 3, 4]  # last wins
    assert tf.tensor_scatter_nd_add(x, [[1], [1]], [9.0, 8.0]).numpy().tolist() == [1, 19, 3, 4]
    assert tf.tensor_scatter_nd_sub(x, [[1], [1]], [9.0, 8.0]).numpy().tolist() == [1, -15, 3, 4]
    assert tf.tensor_scatter_nd_max(x, [[1], [1], [2]], [9.0, 8.0, 0.0]).numpy().tolist() == [1, 9, 3, 4]
    assert tf.tensor_scatter_nd_min(x, [[1], [1], [2]], [9.0, -8.0, 0.0]).numpy().tolist() == [1, -8, 0, 4]
    out = tf.tensor_scatter_nd_update(tf.zeros([3, 2]), [[2], [0]], [[1.0, 2.0], [3.0, 4.0]])
    assert out.numpy().tolist() == [[3, 4], [0, 0], [1, 2]]
    out = tf.tensor_scatter_nd_update(tf.zeros([3, 2]), [[[1]], [[2]]], [[[1.0, 2.0]], [[3.0, 4.0]]])
    assert out.numpy().tolist() == [[0, 0], [1, 2], [3, 4]]
    out = tf.tensor_scatter_nd_sub(tf.constant([1, 2], tf.uint8), [[1]], tf.constant([5], tf.uint8))
    assert out.dtype == tf.uint8 and out.numpy().tolist() == [1, 253]
    assert tf.tensor_scatter_nd_update([True, False], [[1]], [True]).numpy().tolist() == [True, True]
    assert tf.tensor_scatter_nd_max([1, 2, 3], [[1], [1]], [5, 7]).numpy().tolist() == [1, 7, 3]
    out = tf.tensor_scatter_nd_add(tf.constant([1j]), [[0]], tf.constant([2j]))
    assert out.dtype == tf.complex128 and out.numpy().tolist() == [3j]
    assert tf.tensor_scatter_nd_update([1.0, 2.0], tf.zeros([0, 1], tf.int32), tf.zeros([0])).numpy().tolist() == [1, 2]


def test_tensor_scatter_dtype_rules():
    # the first tensor fixes the dtype; Python values are converted to it
    out = tf.tensor_scatter_nd_update(tf.zeros([3]), [[1]], [2])
    assert out.dtype == tf.float32 and out.numpy().tolist() == [0, 2, 0]
    out = tf.tensor_scatter_nd_update([1, 2, 3], [[1]], tf.constant([2.5]))
    assert out.dtype == tf.float32 and out.numpy().tolist() == [1, 2.5, 3]
    with pytest.raises(TypeError):
        tf.tensor_scatter_nd_update([1, 2, 3], [[1]], [2.5])
    with raises("cannot compute TensorScatterUpdate as input #2(zero-based) was expected to be a float32 tensor "
                "but is a int32 tensor"):
        tf.tensor_scatter_nd_update(tf.constant([1.0, 2.0]), [[1]], tf.constant([9]))
    with pytest.raises(tf.errors.NotFoundError):
        tf.tensor_scatter_nd_add([True, False], [[1]], [True])
    with pytest.raises(tf.errors.NotFoundError):
        tf.tensor_scatter_nd_max(tf.constant([1j]), [[0]], tf.constant([2j]))


@pytest.mark.parametrize("fn,op", [(tf.tensor_scatter_nd_update, "TensorScatterUpdate"),
                                   (tf.tensor_scatter_nd_add, "TensorScatterAdd"),
                                   (tf.tensor_scatter_nd_sub, "TensorScatterSub"),
                                   (tf.tensor_scatter_nd_max, "TensorScatterMax"),
                                   (tf.tensor_scatter_nd_min, "TensorScatterMin")])
def test_tensor_scatter_out_of_range(fn, op):
    with raises(f"indices[1] = [4] does not index into shape [4] [Op:{op}]"):
        fn([1.0, 2.0, 3.0, 4.0], [[1], [4]], [9.0, 8.0])
    with raises("indices[0] = [-1] does not index into shape [4]"):
        fn([1.0, 2.0, 3.0, 4.0], [[-1]], [9.0])
    with raises("indices[1] = [2, 7] does not index into shape [3,4]"):
        fn(tf.zeros([3, 4]), [[0, 1], [2, 7]], [9.0, 8.0])


@pytest.mark.parametrize("tensor,indices,updates,message", [
    ([1.0, 2.0, 3.0, 4.0], [[1], [2]], [9.0],
     "Outer dimensions of indices and update must match. Indices shape: [2,1], updates shape:[1]"),
    (np.zeros([3, 2]), [[[1]], [[2]]], [[1.0, 2.0], [3.0, 4.0]],
     "Outer dimensions of indices and update must match. Indices shape: [2,1,1], updates shape:[2,2]"),
    (np.zeros(3), [[1, 1]], [9.0],
     "Inner dimensions of output shape must match inner dimensions of updates shape. Output: [3] updates: [1]"),
    ([1.0, 2.0, 3.0, 4.0], [1, 3], [5.0, 6.0],
     "Inner dimensions of output shape must match inner dimensions of updates shape. Output: [4] updates: [2]"),
    (np.zeros([3, 2]), [[1]], [[1.0, 2.0, 3.0]],
     "The inner 1 dimensions of output.shape=[3,2] must match the inner 1 dimensions of updates.shape=[1,3]"),
    ([1.0, 2.0, 3.0, 4.0], 1, [5.0], "Indices shape must have rank at least one. Found:[]"),
    ([1.0, 2.0, 3.0, 4.0], [[1]], 5.0, "Updates shape must have rank at least one. Found:[]"),
    ([1.0, 2.0], np.zeros([0, 1], np.int32), [1.0], "Indices and updates specified for empty output shape"),
    (np.zeros(0), [[0]], [1.0], "Indices and updates specified for empty output shape"),
])
def test_tensor_scatter_shape_errors(tensor, indices, updates, message):
    with raises(message + " [Op:TensorScatterUpdate]"):
        tf.tensor_scatter_nd_update(tensor, indices, updates)


def test_tensor_scatter_gradients():
    x = [1.0, 2.0, 3.0, 4.0]
    # update: zero gradient where tensor was overwritten, the gathered cotangent for every update
    assert grads(lambda x, u: tf.tensor_scatter_nd_update(x, [[1], [3]], u), x, [9.0, 8.0]) == [
        [1.0, 0.0, 3.0, 0.0], [2.0, 4.0], [1.0, 9.0, 3.0, 8.0]]
    assert grads(lambda x, u: tf.tensor_scatter_nd_update(x, [[1], [1]], u), x, [9.0, 8.0]) == [
        [1.0, 0.0, 3.0, 4.0], [2.0, 2.0], [1.0, 8.0, 3.0, 4.0]]  # TF: the overwritten update gets it too
    assert grads(lambda x, u: tf.tensor_scatter_nd_update(x, [[2]], u), np.ones((3, 2)), [[5.0, 6.0]])[:2] == [
        [[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]], [[5.0, 6.0]]]
    assert grads(lambda x, u: tf.tensor_scatter_nd_add(x, [[1], [1]], u), x, [9.0, 8.0])[:2] == [
        [1.0, 2.0, 3.0, 4.0], [2.0, 2.0]]
    assert grads(lambda x, u: tf.tensor_scatter_nd_sub(x, [[1], [0]], u), x, [9.0, 8.0])[:2] == [
        [1.0, 2.0, 3.0, 4.0], [-2.0, -1.0]]
    # max/min: the cotangent is split evenly among the tensor entry and updates equal to the result
    assert grads(lambda x, u: tf.tensor_scatter_nd_max(x, [[1], [1], [2], [0]], u), x, [5.0, 5.0, 3.0, 0.0]) == [
        [1.0, 0.0, 1.5, 4.0], [1.0, 1.0, 1.5, 0.0], [1.0, 5.0, 3.0, 4.0]]
    assert grads(lambda x, u: tf.tensor_scatter_nd_min(x, [[1], [1], [2], [0]], u), x, [0.0, 0.0, 3.0, 7.0]) == [
        [1.0, 0.0, 1.5, 4.0], [1.0, 1.0, 1.5, 0.0], [1.0, 0.0, 3.0, 4.0]]


def test_tensor_scatter_variable_and_second_order():
    v = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.tensor_scatter_nd_update(v, [[0]], [5.0]) ** 2
    assert tape.gradient(y, v).numpy().tolist() == [0.0, 4.0, 6.0]
    u = tf.constant([2.0])
    with tf.GradientTape() as outer:
        outer.watch(u)
        with tf.GradientTape() as tape:
            tape.watch(u)
            y = tf.reduce_sum(tf.tensor_scatter_nd_add(tf.ones([3]), [[1]], u ** 3))
        g = tape.gradient(y, u)
    assert g.numpy().tolist() == [12.0] and outer.gradient(g, u).numpy().tolist() == [12.0]


# --- sorted segment ops -------------------------------------------------------------------------
D = [1.0, 2.0, 3.0, 4.0, 5.0]


def test_segment_values():
    ids = [0, 0, 2, 2, 3]
    assert tf.math.segment_sum(D, ids).numpy().tolist() == [3, 0, 7, 5]
    assert tf.math.segment_mean(D, ids).numpy().tolist() == [1.5, 0, 3.5, 5]
    assert tf.math.segment_max(D, ids).numpy().tolist() == [2, 0, 4, 5]     # empty segments are 0
    assert tf.math.segment_min(D, ids).numpy().tolist() == [1, 0, 3, 5]
    assert tf.math.segment_prod(D, ids).numpy().tolist() == [2, 1, 12, 5]   # ... and 1 for prod
    assert tf.math.segment_sum(D, [1, 1, 1, 2, 2]).numpy().tolist() == [0, 6, 9]
    assert tf.math.segment_prod(D, [1, 1, 1, 2, 2]).numpy().tolist() == [1, 6, 20]
    ints = tf.constant([1, 2, 4, 7])
    for fn, expected in ((tf.math.segment_sum, [3, 11]), (tf.math.segment_mean, [1, 5]),
                         (tf.math.segment_max, [2, 7]), (tf.math.segment_min, [1, 4]),
                         (tf.math.segment_prod, [2, 28])):
        out = fn(ints, [0, 0, 1, 1])
        assert out.dtype == tf.int32 and out.numpy().tolist() == expected
    assert tf.math.segment_mean(tf.constant([-3, -4]), [0, 0]).numpy().tolist() == [-3]  # truncates toward 0
    out = tf.math.segment_sum(tf.constant([1.0, 2.0], tf.float64), tf.constant([0, 1], tf.int64))
    assert out.dtype == tf.float64 and out.numpy().tolist() == [1, 2]
    assert tf.math.segment_max(tf.reshape(tf.range(6.0), [3, 2]), [0, 0, 1]).numpy().tolist() == [[2, 3], [4, 5]]
    assert tf.math.segment_sum(tf.zeros([0, 3]), tf.zeros([0], tf.int32)).shape == (0, 3)
    assert tf.math.segment_sum(tf.constant([1j]), [0]).numpy().tolist() == [1j]


@pytest.mark.parametrize("name", ["segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod"])
def test_segment_errors(name):
    fn, op = getattr(tf.math, name), "Segment" + name.split("_")[1].capitalize()
    with raises(f"segment ids are not increasing [Op:{op}]"):
        fn(D, [0, 2, 1, 2, 3])
    with raises("Segment id -1 out of range [0, 2), possibly because 'segment_ids' input is not sorted."):
        fn(D, [-1, 0, 0, 1, 1])
    with raises("segment_ids should be the same size as dimension 0 of input."):
        fn(D, [0, 0, 1])
    with raises("segment_ids should be a vector."):
        fn(tf.ones([2, 2]), [[0, 0], [1, 1]])
    with raises("input must be at least rank 1"):
        fn(tf.constant(1.0), [0])
    with raises("Value for attr 'T' of bool is not in the list of allowed values"):
        fn(tf.constant([True]), [0])
    with raises("Value for attr 'Tindices' of float32 is not in the list of allowed values: int32, int64"):
        fn(D, [0.0] * 5)


def test_segment_max_min_reject_complex():
    for fn in (tf.math.segment_max, tf.math.unsorted_segment_min):
        with raises("Value for attr 'T' of complex128 is not in the list of allowed values"):
            fn(tf.constant([1j]), [0], *([1] if fn is tf.math.unsorted_segment_min else []))


def test_segment_gradients():
    d = [1.0, 2.0, 2.0, 4.0, 5.0, 0.5]
    ids = [0, 0, 2, 2, 3, 3]
    assert grads(lambda x: tf.math.segment_sum(x, ids), d)[0] == [1.0, 1.0, 3.0, 3.0, 4.0, 4.0]
    assert grads(lambda x: tf.math.segment_mean(x, ids), d)[0] == [0.5, 0.5, 1.5, 1.5, 2.0, 2.0]
    # ties: the cotangent is split evenly among the maxima (minima) of the segment
    assert grads(lambda x: tf.math.segment_max(x, [0, 0, 1, 1, 3, 3]), [2.0, 2.0, 2.0, 4.0, 5.0, 0.5])[0] == [
        0.5, 0.5, 0.0, 2.0, 4.0, 0.0]
    assert grads(lambda x: tf.math.segment_min(x, [0, 0, 1, 1, 3, 3]), [2.0, 2.0, 2.0, 4.0, 5.0, 0.5])[0] == [
        0.5, 0.5, 2.0, 0.0, 0.0, 4.0]
    # prod: one zero gets the product of the others, two zeros give 0
    assert grads(lambda x: tf.math.segment_prod(x, [0, 0, 1, 1, 1, 3]), [2.0, 3.0, 0.0, 4.0, 5.0, 0.5])[0] == [
        3.0, 2.0, 40.0, 0.0, 0.0, 4.0]
    assert grads(lambda x: tf.math.segment_prod(x, [0, 0, 1, 1, 1, 3]), [2.0, 3.0, 0.0, 4.0, 0.0, 0.5])[0] == [
        3.0, 2.0, 0.0, 0.0, 0.0, 4.0]
    assert grads(lambda x: tf.math.segment_max(x, [0, 0, 1]), [[1.0, 5.0], [3.0, 2.0], [0.0, 0.0]])[0] == [
        [0.0, 2.0], [1.0, 0.0], [3.0, 4.0]]


# --- unsorted segment ops -----------------------------------------------------------------------
def test_unsorted_segment_values():
    ids = [0, 3, 0, 1, 3]
    assert tf.math.unsorted_segment_sum(D, ids, 5).numpy().tolist() == [4, 4, 0, 7, 0]
    assert tf.math.unsorted_segment_mean(D, ids, 5).numpy().tolist() == [2, 4, 0, 3.5, 0]
    assert tf.math.unsorted_segment_prod(D, ids, 5).numpy().tolist() == [3, 4, 1, 10, 1]
    low, high = float(np.finfo(np.float32).min), float(np.finfo(np.float32).max)
    assert tf.math.unsorted_segment_max(D, ids, 5).numpy().tolist() == [3, 4, low, 5, low]
    assert tf.math.unsorted_segment_min(D, ids, 5).numpy().tolist() == [1, 4, high, 2, high]
    np.testing.assert_allclose(tf.math.unsorted_segment_sqrt_n(D, ids, 5).numpy(),
                               [2.828427, 4.0, 0.0, 4.9497476, 0.0], rtol=1e-6)
    # negative ids are dropped
    neg = [-1, 3, 0, -5, 3]
    assert tf.math.unsorted_segment_sum(D, neg, 4).numpy().tolist() == [3, 0, 0, 7]
    assert tf.math.unsorted_segment_mean(D, neg, 4).numpy().tolist() == [3, 0, 0, 3.5]
    assert tf.math.unsorted_segment_max(D, neg, 4).numpy().tolist() == [3, low, low, 5]
    assert tf.math.unsorted_segment_prod(D, neg, 4).numpy().tolist() == [3, 1, 1, 10]
    # ids of any rank: data.shape starts with segment_ids.shape
    x = tf.reshape(tf.range(12.0), [2, 2, 3])
    assert tf.math.unsorted_segment_sum(x, [[0, 1], [1, 0]], 2).numpy().tolist() == [[9, 11, 13], [9, 11, 13]]
    assert tf.math.unsorted_segment_max(x, [[0, 1], [1, 0]], 2).numpy().tolist() == [[9, 10, 11], [6, 7, 8]]
    assert tf.math.unsorted_segment_sum(D, 0, 2).numpy().tolist() == [D, [0] * 5]
    # integers: max/min fill with the dtype's extremes, mean divides into floats as TF's sum / N
    ints = tf.constant([1, 2, 4, 7])
    assert tf.math.unsorted_segment_max(ints, [0, 0, 1, 1], 3).numpy().tolist() == [2, 7, -2 ** 31]
    assert tf.math.unsorted_segment_min(tf.constant([1, 2], tf.uint8), [0, 0], 2).numpy().tolist() == [1, 255]
    out = tf.math.unsorted_segment_mean(ints, [0, 0, 1, 1], 3)
    assert out.dtype == tf.float64 and out.numpy().tolist() == [1.5, 5.5, 0]
    out = tf.math.unsorted_segment_mean(tf.constant([1, 2], tf.uint8), [0, 0], 2)
    assert out.dtype == tf.float32 and out.numpy().tolist() == [1.5, 0]
    assert tf.math.unsorted_segment_sum(D, [0] * 5, tf.constant(2, tf.int64)).numpy().tolist() == [15, 0]
    assert tf.math.unsorted_segment_sum(tf.zeros([0]), tf.zeros([0], tf.int32), 2).numpy().tolist() == [0, 0]


@pytest.mark.parametrize("name,op", [("unsorted_segment_sum", "UnsortedSegmentSum"),
                                     ("unsorted_segment_mean", "UnsortedSegmentSum"),  # TF's mean is a sum / N
                                     ("unsorted_segment_sqrt_n", "UnsortedSegmentSum"),
                                     ("unsorted_segment_max", "UnsortedSegmentMax"),
                                     ("unsorted_segment_min", "UnsortedSegmentMin"),
                                     ("unsorted_segment_prod", "UnsortedSegmentProd")])
def test_unsorted_segment_errors(name, op):
    fn = getattr(tf.math, name)
    with raises(f"segment_ids[3] = 4 is out of range [0, 4) [Op:{op}]"):
        fn(D, [0, 3, 0, 4, 3], 4)
    with raises("segment_ids[1,0] = 2 is out of range [0, 2)"):
        fn(tf.ones([2, 2]), [[0, 1], [2, 0]], 2)
    with raises("data.shape = [5] does not start with segment_ids.shape = [2]"):
        fn(D, [0, 1], 2)
    with raises("Input num_segments == -1 must not be negative."):
        fn(D, [0] * 5, -1)
    with raises("num_segments should be a scalar, not shape [1]"):
        fn(D, [0] * 5, [2])


def test_unsorted_segment_mean_and_sqrt_n_reject_what_tf_rejects():
    with raises("Value for attr 'T' of complex128 is not in the list of allowed values", InvalidArgumentError):
        tf.math.unsorted_segment_mean(tf.constant([1j, 2j]), [0, 0], 1)
    with pytest.raises(InvalidArgumentError):  # TF: Sqrt has no integer kernel
        tf.math.unsorted_segment_sqrt_n(tf.constant([1, 2]), [0, 0], 1)
    assert tf.math.unsorted_segment_sum(tf.constant([1j, 2j]), [0, 0], 1).numpy().tolist() == [3j]


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")  # the loss weights an empty segment's lowest()
def test_unsorted_segment_gradients():
    d = [1.0, 2.0, 2.0, 4.0, 5.0, 0.5]
    ids = [0, -1, 2, 0, 2, -3]  # rows with a negative id get a zero gradient
    assert grads(lambda x: tf.math.unsorted_segment_sum(x, ids, 4), d)[0] == [1.0, 0.0, 3.0, 1.0, 3.0, 0.0]
    assert grads(lambda x: tf.math.unsorted_segment_mean(x, ids, 4), d)[0] == [0.5, 0.0, 1.5, 0.5, 1.5, 0.0]
    np.testing.assert_allclose(grads(lambda x: tf.math.unsorted_segment_sqrt_n(x, ids, 4), d)[0],
                               [0.707106781187, 0.0, 2.12132034356, 0.707106781187, 2.12132034356, 0.0])
    m = [2.0, 9.0, 2.0, 2.0, 1.0, 9.0]
    assert grads(lambda x: tf.math.unsorted_segment_max(x, ids, 4), m)[0] == [0.5, 0.0, 3.0, 0.5, 0.0, 0.0]
    assert grads(lambda x: tf.math.unsorted_segment_min(x, ids, 4), m)[0] == [0.5, 0.0, 0.0, 0.5, 3.0, 0.0]
    assert grads(lambda x: tf.math.unsorted_segment_prod(x, ids, 4), [2.0, 9.0, 0.0, 3.0, 1.0, 9.0])[0] == [
        3.0, 0.0, 3.0, 2.0, 0.0, 0.0]
    x = np.arange(12.0).reshape(2, 2, 3)
    assert grads(lambda x: tf.math.unsorted_segment_max(x, [[0, 1], [1, -1]], 2), x)[0] == [
        [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], [[4.0, 5.0, 6.0], [0.0, 0.0, 0.0]]]
    assert grads(lambda x: tf.math.unsorted_segment_sum(x, [[0, 1], [1, -1]], 3), x)[0] == [
        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[4.0, 5.0, 6.0], [0.0, 0.0, 0.0]]]


# --- top_k, sort, argsort -----------------------------------------------------------------------
X = [[3.0, 1.0, 3.0, 2.0], [0.0, 5.0, 5.0, -1.0]]


def test_top_k():
    r = tf.math.top_k(X, 2)
    assert type(r).__name__ == "TopKV2" and r._fields == ("values", "indices")
    values, indices = r
    assert values.numpy().tolist() == [[3, 3], [5, 5]]
    assert indices.dtype == tf.int32 and indices.numpy().tolist() == [[0, 2], [1, 2]]  # ties: lower index first
    assert tf.math.top_k(X).values.shape == (2, 1)
    assert tf.math.top_k(X, tf.constant(2, tf.int64)).indices.numpy().tolist() == [[0, 2], [1, 2]]
    assert tf.math.top_k(X, 2, index_type=tf.int64).indices.dtype == tf.int64
    assert tf.math.top_k(X, 0).values.shape == (2, 0)
    r = tf.math.top_k(tf.constant([1, 3, 2], tf.uint8), 2)
    assert r.values.dtype == tf.uint8 and r.values.numpy().tolist() == [3, 2] and r.indices.numpy().tolist() == [1, 2]
    r = tf.math.top_k(tf.reshape(tf.range(12.0), [2, 3, 2]), 1)
    assert r.values.numpy()[..., 0].tolist() == [[1, 3, 5], [7, 9, 11]]
    # sorted=False: TF's order is unspecified; tapegrad's is the sorted one
    assert tf.math.top_k([1.0, 5.0, 2.0, 4.0, 3.0, 7.0, 0.0], 4, sorted=False).values.numpy().tolist() == [7, 5, 4, 3]


@pytest.mark.parametrize("x,k,message", [
    (X, 5, "input must have at least k columns. Had 4, needed 5 [Op:TopKV2]"),
    (X, -1, "Need k >= 0, got -1"),
    (1.0, 1, "input must be >= 1-D, got shape []"),
    (X, [2], "k must be scalar, got shape [1]"),
])
def test_top_k_errors(x, k, message):
    with raises(message):
        tf.math.top_k(x, k)


def test_top_k_rejects_bool_and_complex():
    for x in ([True, False], [1j]):
        with raises("is not in the list of allowed values"):
            tf.math.top_k(tf.constant(x), 1)


def test_sort_and_argsort():
    assert tf.sort(X).numpy().tolist() == [[1, 2, 3, 3], [-1, 0, 5, 5]]
    assert tf.sort(X, direction="DESCENDING").numpy().tolist() == [[3, 3, 2, 1], [5, 5, 0, -1]]
    assert tf.sort(X, axis=0).numpy().tolist() == [[0, 1, 3, -1], [3, 5, 5, 2]]
    assert tf.sort(X, axis=tf.constant(0)).numpy().tolist() == [[0, 1, 3, -1], [3, 5, 5, 2]]
    x3 = tf.reshape(tf.constant([5.0, 1, 4, 2, 3, 0, 9, 8, 7, 6, 5, 4]), [2, 3, 2])
    assert tf.sort(x3, axis=1).numpy().tolist() == [[[3, 0], [4, 1], [5, 2]], [[5, 4], [7, 6], [9, 8]]]
    out = tf.sort(tf.constant([3, -2147483648, 1, 2147483647]))
    assert out.dtype == tf.int32 and out.numpy().tolist() == [-2147483648, 1, 3, 2147483647]
    assert tf.sort(tf.constant([3, 0, 255, 1], tf.uint8)).numpy().tolist() == [0, 1, 3, 255]
    assert tf.sort(tf.zeros([2, 0])).shape == (2, 0)
    # argsort: int32, equal values keep their order in both directions (TF's top_k picks lower indices first)
    idx = tf.argsort(X)
    assert idx.dtype == tf.int32 and idx.numpy().tolist() == [[1, 3, 0, 2], [3, 0, 1, 2]]
    assert tf.argsort(X, stable=True).numpy().tolist() == [[1, 3, 0, 2], [3, 0, 1, 2]]
    assert tf.argsort(X, direction="DESCENDING").numpy().tolist() == [[0, 2, 3, 1], [1, 2, 0, 3]]
    assert tf.argsort(X, axis=0).numpy().tolist() == [[1, 0, 0, 1], [0, 1, 1, 0]]
    assert tf.argsort(X + [[3.0, 1.0, 3.0, 2.0]], axis=0).numpy().tolist() == [[1, 0, 0, 1], [0, 2, 2, 0],
                                                                             [2, 1, 1, 2]]  # rows 0 and 2 tie
    assert tf.argsort(tf.constant([2, 1, 2, 1])).numpy().tolist() == [1, 3, 0, 2]
    assert tf.argsort(tf.constant([0.0, -0.0, 0.0, -0.0])).numpy().tolist() == [0, 1, 2, 3]


def test_sort_errors():
    with raises("Argument `direction` should be one of ASCENDING, DESCENDING. Received: direction=UP", ValueError):
        tf.sort(X, direction="UP")
    with raises("Argument `direction` should be one of ASCENDING, DESCENDING. Received: direction=up", ValueError):
        tf.argsort(X, direction="up")
    with raises("slice index 2 of dimension 0 out of bounds. [Op:StridedSlice]"):
        tf.sort(X, axis=2)
    with raises("slice index -1 of dimension 0 out of bounds."):
        tf.sort(X, axis=-3)
    with raises("slice index -1 of dimension 0 out of bounds."):
        tf.sort(tf.constant(3.0))
    with raises("is not in the list of allowed values"):
        tf.sort(tf.constant([True, False]))


def test_top_k_and_sort_gradients():
    assert grads(lambda x: tf.math.top_k(x, 2).values, X) == [
        [[1.0, 0.0, 2.0, 0.0], [0.0, 3.0, 4.0, 0.0]], [[3.0, 3.0], [5.0, 5.0]]]
    assert grads(tf.sort, X)[0] == [[3.0, 1.0, 4.0, 2.0], [6.0, 7.0, 8.0, 5.0]]
    y = [[3.0, 1.0, 3.0, 2.0], [0.0, 5.0, 5.0, -1.0], [1.0, 1.0, 1.0, 1.0]]
    assert grads(lambda x: tf.sort(x, axis=0, direction="DESCENDING"), y)[0] == [
        [1.0, 6.0, 7.0, 4.0], [9.0, 2.0, 3.0, 12.0], [5.0, 10.0, 11.0, 8.0]]
    x3 = np.array([5.0, 1, 4, 2, 3, 0, 9, 8, 7, 6, 5, 4]).reshape(2, 3, 2)
    assert grads(lambda x: tf.sort(x, axis=1), x3)[0] == [
        [[5.0, 4.0], [3.0, 6.0], [1.0, 2.0]], [[11.0, 12.0], [9.0, 10.0], [7.0, 8.0]]]
    x = tf.constant([3.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        i = tf.argsort(x)
    with pytest.warns(UserWarning, match="dtype of the target tensor must be floating"):
        assert tape.gradient(i, x) is None  # integer output: no gradient


def test_public_names():
    for name in ("scatter_nd", "tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
                 "tensor_scatter_nd_max", "tensor_scatter_nd_min", "sort", "argsort"):
        assert callable(getattr(tf, name))
    for name in ("segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
                 "unsorted_segment_sum", "unsorted_segment_mean", "unsorted_segment_max",
                 "unsorted_segment_min", "unsorted_segment_prod", "unsorted_segment_sqrt_n", "top_k"):
        assert callable(getattr(tf.math, name))
