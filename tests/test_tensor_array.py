"""tapegrad.TensorArray: TF 2's API and errors, gradients, buffer storage and nest composites."""
import numpy as np
import pytest

import tapegrad as tf
from tapegrad._core import nest


def test_write_read_stack_size():
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)
    ta = ta.write(0, 10).write(1, 20).write(2, 30)
    assert float(ta.read(1)) == 20.0 and float(ta.read(1)) == 20.0  # reads never clear
    np.testing.assert_array_equal(ta.stack().numpy(), [10.0, 20.0, 30.0])
    assert int(ta.size()) == 3 and ta.dtype == tf.float32 and ta.element_shape == ()
    assert ta.stack().dtype == tf.float32


def test_write_returns_a_new_array():
    ta = tf.TensorArray(tf.int32, size=2, element_shape=[])
    ta2 = ta.write(0, 7)
    assert int(ta2.read(0)) == 7 and int(ta.read(0)) == 0  # the old array is unchanged
    assert ta.identity().stack().numpy().tolist() == [0, 0]


def test_fibonacci_docstring_example():
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True).unstack([0.0, 1.0])
    for i in range(2, 7):
        ta = ta.write(i, ta.read(i - 1) + ta.read(i - 2))
    np.testing.assert_array_equal(ta.stack().numpy(), [0, 1, 1, 2, 3, 5, 8])


def test_unstack_gather_scatter_concat_split():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    ta = tf.TensorArray(tf.float32, size=3).unstack(x)
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [[5, 6], [1, 2]])
    np.testing.assert_array_equal(ta.concat().numpy(), [1, 2, 3, 4, 5, 6])
    sc = tf.TensorArray(tf.float32, size=3).scatter([2, 0], tf.constant([[1.0], [2.0]]))
    np.testing.assert_array_equal(sc.stack().numpy(), [[2.0], [0.0], [1.0]])  # unwritten: zeros
    sp = tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 2])
    np.testing.assert_array_equal(sp.read(1).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(sp.concat().numpy(), [1.0, 2.0, 3.0])


def test_empty_and_unwritten():
    assert tf.TensorArray(tf.float32, size=0, element_shape=[3]).stack().shape == (0, 3)
    assert tf.TensorArray(tf.float32, size=0, dynamic_size=True).stack().shape == (0,)
    np.testing.assert_array_equal(tf.TensorArray(tf.float32, size=2, element_shape=[2]).read(1).numpy(), [0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not read from TensorArray index 1"):
        tf.TensorArray(tf.float32, size=2).read(1)


def test_errors_match_tf():
    with pytest.raises(tf.errors.OutOfRangeError, match="Tried to write to index 2 but array is not resizeable "
                                                        "and size is: 2"):
        tf.TensorArray(tf.float32, size=2).write(2, 1.0)
    with pytest.raises(tf.errors.OutOfRangeError, match="Tried to read from index 2 but array size is: 2"):
        tf.TensorArray(tf.float32, size=2).read(2)
    with pytest.raises(tf.errors.OutOfRangeError, match="Writing to negative indices"):
        tf.TensorArray(tf.float32, size=2).write(-1, 1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is int32 but Op is trying to write "
                                                             "dtype float32"):
        tf.TensorArray(tf.int32, size=2).write(0, 1.5)
    with pytest.raises(ValueError, match=r"Incompatible shape for value \(\(2,\)\), expected \(\(1,\)\)"):
        tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])
    with pytest.raises(ValueError, match="Cannot unstack 3 tensors into a TensorArray of static size 2"):
        tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Size must be declared"):
        tf.TensorArray(tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Concat saw a scalar shape at index 0"):
        tf.TensorArray(tf.float32, size=1).write(0, 1.0).concat()
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expected sum of lengths"):
        tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 1])


def test_gradients_flow_to_written_values():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        ta = tf.TensorArray(tf.float32, size=3).unstack(x * x)
        ta = ta.write(1, x[0] * 5.0)
        y = tf.reduce_sum(ta.stack()) + ta.read(2) + tf.reduce_sum(ta.gather([0]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2 + 5 + 2, 0, 12])


def test_gradient_through_a_while_loop():
    w = tf.Variable(0.5)

    def body(i, h, ta):
        h = tf.tanh(h * w + 1.0)
        return i + 1, h, ta.write(i, h)

    with tf.GradientTape() as tape:
        _, _, ta = tf.while_loop(lambda i, h, ta: i < 4, body,
                                 [tf.constant(0), tf.constant(0.0), tf.TensorArray(tf.float32, size=4)])
        loss = tf.reduce_sum(ta.stack())
    h, expect, dh, grad = 0.0, 0.0, 0.0, 0.0
    for _ in range(4):  # forward-mode reference
        pre = h * 0.5 + 1.0
        dh = (1 - np.tanh(pre) ** 2) * (dh * 0.5 + h)
        h = np.tanh(pre)
        expect += h
        grad += dh
    assert float(loss) == pytest.approx(expect, rel=1e-6)
    assert float(tape.gradient(loss, w)) == pytest.approx(grad, rel=1e-5)


def test_buffer_storage_for_symbolic_indices():
    ta = tf.TensorArray(tf.float32, size=2)._from_components([tf.constant([[1.0, 2.0], [3.0, 4.0]])])
    ta = ta.write(tf.constant(1), tf.constant([9.0, 9.0]))
    np.testing.assert_array_equal(ta.stack().numpy(), [[1, 2], [9, 9]])
    np.testing.assert_array_equal(ta.gather([1, 0]).numpy(), [[9, 9], [1, 2]])
    np.testing.assert_array_equal(ta.concat().numpy(), [1, 2, 9, 9])
    assert int(ta.size()) == 2
    grow = tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=[2])
    grow = grow._from_components([tf.zeros([0, 2])]).write(tf.constant(2), tf.constant([1.0, 1.0]))
    np.testing.assert_array_equal(grow.stack().numpy(), [[0, 0], [0, 0], [1, 1]])
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(ta.write(tf.constant(0), x * x).stack() * 2.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [4.0, 8.0])


def test_nest_leaf_by_default_composite_when_expanded():
    ta = tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [3.0, 4.0])
    s = {"a": ta, "b": [tf.constant(1.0)]}
    assert nest.flatten(s)[0] is ta
    flat = nest.flatten(s, expand_composites=True)
    assert flat[0].shape == (2, 2) and len(flat) == 2
    back = nest.pack_sequence_as(s, [flat[0] * 2.0, flat[1]], expand_composites=True)
    np.testing.assert_array_equal(back["a"].read(1).numpy(), [6.0, 8.0])
    assert back["a"].element_shape == (2,)


def _squares_to(n, make):
    """Writes i * i at each index i < n of the TensorArray ``make(n)`` in a traced loop; its stack."""
    @tf.function
    def squares(n):
        ta = make(n)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i * i, tf.float32))
        return ta.stack()

    return squares(tf.constant(n)).numpy()


def test_dynamic_size_writes_in_a_function_check_the_grown_buffer():
    # the buffer grows in the loop: an index is checked against its run-time shape, not the traced one
    grown = _squares_to(5, lambda n: tf.TensorArray(tf.float32, size=0, dynamic_size=True))
    np.testing.assert_array_equal(grown, [0, 1, 4, 9, 16])

    @tf.function
    def fixed(i):
        return tf.TensorArray(tf.float32, size=2).write(i, 1.0).stack()

    fixed(tf.constant(1))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = \[5\] does not index into shape"):
        fixed(tf.constant(5))  # a fixed-size buffer still refuses an index past its end when the graph runs


def test_tensor_scatter_index_check_is_immediate_eagerly():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = \[3\] does not index into shape"):
        tf.tensor_scatter_nd_update(tf.zeros([2]), [[3]], [1.0])


def test_symbolic_size_without_element_shape_takes_it_from_the_first_write():
    np.testing.assert_array_equal(_squares_to(5, lambda n: tf.TensorArray(tf.float32, size=n)), [0, 1, 4, 9, 16])

    @tf.function
    def partly(n):
        ta = tf.TensorArray(tf.float32, size=n).write(1, [1.0, 2.0])
        return ta.stack(), ta.concat(), ta.size()

    stacked, concat, size = partly(tf.constant(3))
    np.testing.assert_array_equal(stacked.numpy(), [[0, 0], [1, 2], [0, 0]])
    np.testing.assert_array_equal(concat.numpy(), [0, 0, 1, 2, 0, 0])
    assert int(size) == 3
    assert int(tf.function(lambda n: tf.TensorArray(tf.float32, size=n).size())(tf.constant(4))) == 4
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-fully-defined element_shape"):
        tf.function(lambda n: tf.TensorArray(tf.float32, size=n).stack())(tf.constant(2))
