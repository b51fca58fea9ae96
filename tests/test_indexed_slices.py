"""IndexedSlices gradients from gather: sparse rows, duplicates kept, densified when needed."""
import numpy as np

import tapegrad as tf


def test_gather_gradient_is_indexed_slices_with_duplicates_kept():
    params = tf.Variable(np.arange(10.0, dtype=np.float32).reshape(5, 2))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(params, [0, 3, 3]) * 2.0)
    g = tape.gradient(loss, params)
    assert isinstance(g, tf.IndexedSlices)
    assert g.values.shape == (3, 2)  # never densified to the table's (5, 2)
    np.testing.assert_array_equal(g.indices.numpy(), [0, 3, 3])
    assert g.dense_shape.numpy().tolist() == [5, 2]
    dense = tf.convert_to_tensor(g).numpy()
    np.testing.assert_array_equal(dense, [[2, 2], [0, 0], [0, 0], [4, 4], [0, 0]])  # duplicates summed


def test_two_gathers_concatenate_and_a_dense_use_densifies():
    params = tf.Variable(np.ones((4, 3), np.float32))
    with tf.GradientTape(persistent=True) as tape:
        sparse = tf.reduce_sum(tf.gather(params, [1])) + tf.reduce_sum(tf.gather(params, [2, 1]))
        mixed = tf.reduce_sum(tf.gather(params, [0])) + tf.reduce_sum(params * 3.0)
    gs = tape.gradient(sparse, params)
    assert isinstance(gs, tf.IndexedSlices) and gs.values.shape == (3, 3)
    np.testing.assert_array_equal(tf.convert_to_tensor(gs).numpy()[:, 0], [0, 2, 1, 0])
    gm = tape.gradient(mixed, params)
    assert isinstance(gm, tf.Tensor)
    np.testing.assert_array_equal(gm.numpy()[:, 0], [4, 3, 3, 3])


def test_slices_flowing_into_another_rule_are_densified():
    x = tf.constant(np.arange(6.0).reshape(3, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.gather(x * x, [2, 2]))
    g = tape.gradient(y, x)  # d/dx sum over rows [2, 2] of x^2 = 2 * 2x on row 2
    np.testing.assert_array_equal(g.numpy(), [[0, 0], [0, 0], [16, 20]])


def test_second_order_through_gather():
    x = tf.constant([1.0, 2.0, 3.0], dtype=tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.gather(x, [0, 0, 2]) ** 3)
        g = tf.convert_to_tensor(inner.gradient(y, x))
    h = tf.convert_to_tensor(outer.gradient(g, x))  # x reaches h through a gather: slices again
    np.testing.assert_allclose(h.numpy(), [12.0, 0.0, 18.0])  # 6x * count


def test_optimizer_accepts_indexed_slices():
    emb = tf.Variable(np.ones((5, 2), np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.gather(emb, [0, 3, 3]))
    tf.keras.optimizers.SGD(0.5).apply_gradients([(tape.gradient(loss, emb), emb)])
    np.testing.assert_allclose(emb.numpy()[:, 0], [0.5, 1, 1, 0, 1])


def test_repr_and_dense_shape_dtype_as_tf():
    emb = tf.Variable(tf.reshape(tf.range(6.0), [3, 2]))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(emb, [2, 0]))
    g = tape.gradient(y, emb)
    assert g.dense_shape.dtype == tf.int32  # TF's GatherV2 gradient casts the shape to int32
    assert repr(g) == ("IndexedSlices(indices=tapegrad.Tensor([2 0], shape=(2,), dtype=int32), values=tapegrad."
                       "Tensor(\n[[1. 1.]\n [1. 1.]], shape=(2, 2), dtype=float32), dense_shape=tapegrad.Tensor("
                       "[3 2], shape=(2,), dtype=int32))")
    s = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]), tf.constant([4, 1], tf.int64))
    assert s.dense_shape.dtype == tf.int64
    assert repr(tf.IndexedSlices(tf.constant([1.0]), tf.constant([0]))).endswith("dtype=float32))")


def test_clipping_measures_and_scales_the_slices_as_tf():
    """TF clips IndexedSlices by their values (a duplicated row counts twice) and keeps them sparse."""
    emb = tf.Variable(np.arange(12.0, dtype=np.float32).reshape(4, 3))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(emb, [1, 1]))
    g = tape.gradient(y, emb)
    c = tf.clip_by_norm(g, 1.0)
    assert isinstance(c, tf.IndexedSlices)
    np.testing.assert_allclose(c.values.numpy(), np.full((2, 3), 1 / np.sqrt(6)), rtol=1e-6)
    np.testing.assert_allclose(tf.convert_to_tensor(c).numpy()[1], np.full(3, 2 / np.sqrt(6)), rtol=1e-6)
    assert np.isclose(float(tf.linalg.global_norm([g])), np.sqrt(6), rtol=1e-6)
    clipped, norm = tf.clip_by_global_norm([g, tf.ones(2)], 1.0)
    assert isinstance(clipped[0], tf.IndexedSlices) and np.isclose(float(norm), np.sqrt(8), rtol=1e-6)
    np.testing.assert_allclose(clipped[0].values.numpy(), np.full((2, 3), 1 / np.sqrt(8)), rtol=1e-6)
