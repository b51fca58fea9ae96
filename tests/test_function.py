"""tapegrad.function (eager execution until graph tracing lands): values, gradients, decorator forms."""
import pytest

import tapegrad as tf


def test_decorator_forms_and_values():
    @tf.function
    def f(x):
        return x * x + 1.0

    @tf.function(reduce_retracing=True)
    def g(x):
        return f(x) * 2.0

    x = tf.constant(3.0)
    assert float(f(x)) == 10.0 and float(g(x)) == 20.0
    assert f.python_function(x).numpy() == 10.0
    assert f.__name__ == "f"


def test_gradients_through_function_with_python_control_flow():
    x = tf.Variable(2.0)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            y = x * x if x > 1.0 else x
        return tape.gradient(y, x)

    assert float(step()) == 4.0


def test_methods():
    class Model:
        def __init__(self):
            self.w = tf.Variable(2.0)

        @tf.function
        def __call__(self, x):
            return self.w * x

    m1, m2 = Model(), Model()
    m2.w.assign(5.0)
    assert float(m1(tf.constant(3.0))) == 6.0
    assert float(m2(tf.constant(3.0))) == 15.0


def test_run_functions_eagerly_calls_the_python_function():
    traces = []

    @tf.function
    def f(x):
        traces.append(1)
        return x.numpy() * 2  # only possible eagerly

    try:
        assert tf.config.functions_run_eagerly() is False
        tf.config.run_functions_eagerly(True)
        assert tf.config.functions_run_eagerly() is True
        assert f(tf.constant(3.0)) == 6.0 and f(tf.constant(3.0)) == 6.0
        assert len(traces) == 2  # Python side effects run on every call
    finally:
        tf.config.run_functions_eagerly(False)
    with pytest.raises(AttributeError):  # traced again: .numpy() of a symbolic tensor
        f(tf.constant(3.0))


def test_input_signature_leaves_later_parameters_their_defaults():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x, scale=2.0):
        return x * scale

    assert f(tf.constant([1.0, 3.0])).numpy().tolist() == [2.0, 6.0]
    assert isinstance(f.input_signature, tuple)
    with pytest.raises(TypeError):
        f(tf.constant([1.0]), 3.0)


def test_concrete_function_called_with_another_dtype_is_an_invalid_argument():
    cf = tf.function(lambda x: x * 2.0).get_concrete_function(tf.TensorSpec([None], tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError):
        cf(tf.constant([1, 2]))
