"""tapegrad.debugging: check_numerics provenance (forward and backward) and assertions."""
import numpy as np
import pytest

import tapegrad as tf
from tapegrad import errors


@pytest.fixture
def numerics():
    tf.debugging.enable_check_numerics()
    yield
    tf.debugging.disable_check_numerics()


def test_first_op_producing_inf_is_named(numerics):
    x = tf.constant([0.0, 1.0])
    with pytest.raises(errors.InvalidArgumentError, match=r'op "log".*\n.*1 -Inf(.|\n)*inputs are finite'):
        tf.math.log(x)


def test_nan_in_the_backward_pass_is_caught(numerics):
    x = tf.constant([0.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sqrt(x))  # finite forward; the gradient 0.5/sqrt(0) is +Inf
    with pytest.raises(errors.InvalidArgumentError, match=r'op "realdiv"'):
        tape.gradient(y, x)


def test_disable_restores_silent_inf():
    tf.debugging.enable_check_numerics()
    tf.debugging.disable_check_numerics()
    assert np.isneginf(tf.math.log(tf.constant(0.0)).numpy())


def test_non_finite_input_is_reported_as_earlier(numerics):
    bad = tf.constant([np.nan, 1.0])
    with pytest.raises(errors.InvalidArgumentError, match="already had 1 NaN"):
        bad * 2.0


def test_check_numerics():
    t = tf.constant([1.0, 2.0])
    assert tf.debugging.check_numerics(t, "x") is t
    with pytest.raises(errors.InvalidArgumentError, match="bad x : Tensor had NaN values"):
        tf.debugging.check_numerics(tf.constant([1.0, np.nan]), "bad x")
    with pytest.raises(errors.InvalidArgumentError, match="msg : Tensor had Inf values"):
        tf.debugging.assert_all_finite(tf.constant([1.0, np.inf]), "msg")


def test_assertions_match_tf():
    assert tf.debugging.assert_equal(1, 1) is None
    with pytest.raises(errors.InvalidArgumentError, match=r"m\nCondition x == y did not hold"):
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="m")
    with pytest.raises(errors.InvalidArgumentError, match="Condition x < y did not hold"):
        tf.debugging.assert_less(tf.constant([1.0]), tf.constant([0.5]))
    with pytest.raises(errors.InvalidArgumentError, match="not equal to tolerance"):
        tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.1]))
    tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.0 + 1e-7]))
    with pytest.raises(ValueError, match="must have rank 2.  Received rank 1"):
        tf.debugging.assert_rank(tf.constant([1.0]), 2)
    tf.debugging.assert_shapes([(tf.zeros((2, 3)), ("N", 3)), (tf.zeros(2), ("N",))])
    with pytest.raises(ValueError, match="'N'"):
        tf.debugging.assert_shapes([(tf.zeros((2, 3)), ("N", 3)), (tf.zeros(4), ("N",))])
