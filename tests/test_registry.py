"""User primitives: RegisterGradient, no_gradient, and the error for a missing rule."""
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad._core.primitive import REGISTRY


@pytest.fixture
def cube_p():
    prim = tf.experimental.Primitive("test_cube", lambda x: x ** 3)
    yield prim
    del REGISTRY["test_cube"]


def test_missing_rule_is_a_lookup_error_naming_the_op(cube_p):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = cube_p.bind(x)
    with pytest.raises(LookupError, match="test_cube.*RegisterGradient"):
        tape.gradient(y, x)


def test_register_gradient_tf_style_and_second_order(cube_p):
    @tf.RegisterGradient("test_cube")
    def _grad(op, grad):
        assert op.type == "test_cube"
        return grad * 3.0 * op.inputs[0] ** 2

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube_p.bind(x)
        dy = inner.gradient(y, x)
    assert float(y) == 8.0 and float(dy) == 12.0
    assert float(outer.gradient(dy, x)) == 12.0  # d/dx 3x^2 = 6x


def test_no_gradient_gives_none(cube_p):
    tf.no_gradient("test_cube")
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = cube_p.bind(x)
    assert tape.gradient(y, x) is None
    assert np.isclose(y.numpy(), 8.0)


def test_registering_an_unknown_op_is_an_error():
    with pytest.raises(KeyError, match="no_such_op"):
        tf.RegisterGradient("no_such_op")(lambda op, g: g)
    with pytest.raises(KeyError, match="no_such_op"):
        tf.no_gradient("no_such_op")


def test_duplicate_primitive_names_are_rejected(cube_p):
    with pytest.raises(ValueError, match="already registered"):
        tf.experimental.Primitive("test_cube", lambda x: x)


def test_user_primitive_jacobian_loops_with_a_warning_until_given_a_batch_rule(cube_p):
    @tf.RegisterGradient("test_cube")
    def _grad(op, grad):
        return grad * 3.0 * op.inputs[0] ** 2

    x = tf.constant([1.0, 2.0, 3.0])

    def jac():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = cube_p.bind(x)
        return tape.jacobian(y, x)

    want = np.diag(3.0 * x.numpy() ** 2)
    with pytest.warns(UserWarning, match="register_batch_rule"):
        np.testing.assert_allclose(jac().numpy(), want)
    tf.experimental.register_batch_rule(cube_p, tf.experimental.BROADCAST)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(jac().numpy(), want)
