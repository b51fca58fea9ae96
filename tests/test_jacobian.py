"""tape.jacobian / batch_jacobian: shapes and values against loops of gradient()."""
import numpy as np
import pytest

import tapegrad as tf


def test_jacobian_matches_rows_of_gradients():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x * tf.reduce_sum(x)
    J = tape.jacobian(y, x)
    assert J.shape == (3, 3)
    rows = [tape.gradient(y, x, output_gradients=np.eye(3, dtype=np.float32)[i]).numpy() for i in range(3)]
    np.testing.assert_allclose(J.numpy(), np.stack(rows), rtol=1e-6)
    # analytic: d(x_i^2 s)/dx_j = 2 x_i s [i == j] + x_i^2
    xs = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(J.numpy(), np.diag(2 * xs * xs.sum()) + (xs ** 2)[:, None], rtol=1e-6)


def test_jacobian_shapes_nested_sources_and_unconnected():
    x = tf.constant(np.ones((2, 3)))
    z = tf.constant(np.ones(4))
    with tf.GradientTape() as tape:
        tape.watch([x, z])
        y = tf.reduce_sum(x, axis=1) * 2.0
    J = tape.jacobian(y, {"x": x, "z": z})
    assert J["x"].shape == (2, 2, 3)
    assert J["z"] is None
    expected = np.zeros((2, 2, 3))
    expected[0, 0, :] = expected[1, 1, :] = 2.0
    np.testing.assert_array_equal(J["x"].numpy(), expected)


def test_jacobian_unconnected_zero():
    x = tf.constant([1.0, 2.0])
    z = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch([x, z])
        y = x * 3.0
    jz = tape.jacobian(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(jz.numpy(), np.zeros((2, 3), np.float32))


def test_hessian_from_jacobian_of_gradient():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x ** 3)
        g = inner.gradient(y, x)
    H = outer.jacobian(g, x)
    np.testing.assert_allclose(H.numpy(), np.diag(6 * np.array([1.0, 2.0, 3.0])), rtol=1e-6)


def test_non_persistent_jacobian_only_once():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.jacobian(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.jacobian(y, x)


def test_batch_jacobian_matches_per_example_blocks():
    xb = tf.constant(np.arange(1.0, 7.0).reshape(2, 3))
    w = tf.constant(np.arange(12.0).reshape(3, 4) / 10)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xb)
        yb = tf.tanh(tf.matmul(xb, w))
    bj = tape.batch_jacobian(yb, xb)
    assert bj.shape == (2, 4, 3)
    full = tape.jacobian(yb, xb).numpy()  # (2, 4, 2, 3)
    for b in range(2):
        np.testing.assert_allclose(bj.numpy()[b], full[b, :, b, :], rtol=1e-10)


def test_batch_jacobian_rejects_mismatched_batch():
    x = tf.constant(np.ones((2, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reshape(x, (3, 2))
    with pytest.raises(ValueError, match="batch"):
        tape.batch_jacobian(y, x)
