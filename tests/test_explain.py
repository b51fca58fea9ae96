"""GradientTape.explain: why a gradient is None, in words."""
import pytest

import tapegrad as tf


@pytest.fixture
def x():
    return tf.Variable(2.7, name="x")


def test_non_differentiable_op_is_named(x):
    with tf.GradientTape(persistent=True) as tape:
        y = tf.round(x) * 2.0
        z = tf.stop_gradient(x) + 1.0
    assert tape.gradient(y, x) is None
    assert "non-differentiable op (round)" in tape.explain(y, x)
    assert "stop_gradient" in tape.explain(z, x)


def test_int_target(x):
    with tf.GradientTape() as tape:
        k = tf.cast(x, tf.int32)
    assert "dtype int32" in tape.explain(k, x)


def test_unwatched_tensor_and_untrainable_variable():
    c = tf.constant(1.0)
    frozen = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as tape:
        y = c * 3.0 + frozen
    assert "tape.watch" in tape.explain(y, c)
    assert "trainable=False" in tape.explain(y, frozen)


def test_computed_outside_the_tape(x):
    y = x * 2.0
    with tf.GradientTape(persistent=True) as tape:
        z = y * 3.0
        other = x * 1.0
    assert tape.gradient(z, x) is None
    assert "does not depend on the source" in tape.explain(z, x)
    assert "not None" in tape.explain(other, x)


def test_a_clean_path_wins_over_a_blocked_one(x):
    with tf.GradientTape() as tape:
        y = tf.round(x) + x
    assert "not None" in tape.explain(y, x)


def test_record_gone_after_non_persistent_gradient(x):
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    assert "persistent=True" in tape.explain(y, x)


def test_int_source():
    i = tf.constant(3)
    with tf.GradientTape() as tape:
        y = tf.cast(i, tf.float32) * 2.0
    assert "dtype int32" in tape.explain(y, i)
