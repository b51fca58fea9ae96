"""custom_gradient, grad_pass_through and stop_gradient, pinned to TF 2.21's behaviour."""
import numpy as np
import pytest

import tapegrad as tf


def val(t):
    return None if t is None else t.numpy()


def grads(f, *xs, persistent=False):
    """Evaluates f on watched constants; returns (output, gradients w.r.t. xs)."""
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape(persistent=persistent) as tape:
        tape.watch(xs)
        y = f(*xs)
    return y, tape.gradient(y, xs)


# --- TF's documented example ---------------------------------------------------------------
@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


def test_log1pexp_has_a_finite_gradient_at_100():
    with np.errstate(over="ignore"):
        y, (g,) = grads(log1pexp, 100.0)
    assert np.isinf(val(y))  # TF: inf, as the forward overflows in float32
    assert val(g) == 1.0     # TF: 1.0 (the naive gradient would be nan)


def test_log1pexp_vector():
    with np.errstate(over="ignore"):
        y, (g,) = grads(log1pexp, [0.0, 1.0, 100.0])
    np.testing.assert_allclose(val(g), [0.5, 0.7310586, 1.0], rtol=1e-6)
    np.testing.assert_allclose(val(y)[:2], [0.6931472, 1.3132616], rtol=1e-6)


def test_without_a_tape_the_function_just_runs():
    @tf.custom_gradient
    def f(x):
        return x * 2.0, lambda dy: dy

    y = f(tf.constant(1.0))
    assert isinstance(y, tf.Tensor) and val(y) == 2.0


def test_decorator_keeps_the_function_name():
    @tf.custom_gradient
    def my_fn(x):
        return x, lambda dy: dy

    assert my_fn.__name__ == "my_fn"


# --- one gradient per positional argument ---------------------------------------------------
def test_one_gradient_per_argument_as_tuple_or_list():
    @tf.custom_gradient
    def f_tuple(x, y):
        return x * y, lambda dy: (dy * 10.0, dy * 20.0)

    @tf.custom_gradient
    def f_list(x, y):
        return x * y, lambda dy: [dy * 10.0, dy * 20.0]

    for f in (f_tuple, f_list):
        z, (ga, gb) = grads(f, 2.0, 3.0)
        assert val(z) == 6.0 and val(ga) == 10.0 and val(gb) == 20.0


def test_a_none_gradient_means_no_gradient_for_that_argument():
    @tf.custom_gradient
    def f(x, y):
        return x * y, lambda dy: (None, dy * 2.0)

    _, (ga, gb) = grads(f, 2.0, 3.0)
    assert ga is None and val(gb) == 2.0


@pytest.mark.parametrize("n_returned, n_args", [(1, 2), (2, 1)])
def test_wrong_number_of_gradients_raises_value_error(n_returned, n_args):
    def grad(dy):
        return dy if n_returned == 1 else (dy, dy)

    if n_args == 2:
        @tf.custom_gradient
        def f(x, y):
            return x * y, grad
    else:
        @tf.custom_gradient
        def f(x):
            return x * 2.0, grad

    with pytest.raises(ValueError, match=f"custom_gradient function expected to return {n_args} gradients, but "
                                         f"returned {n_returned} instead"):
        grads(f, *[2.0] * n_args)


def test_keyword_arguments_are_passed_through_and_get_no_gradient():
    @tf.custom_gradient
    def f(x, scale=1.0):
        return x * scale, lambda dy: dy * scale

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, scale=4.0)
    assert val(y) == 4.0 and val(tape.gradient(y, x)) == 4.0


def test_python_number_arguments():
    @tf.custom_gradient
    def f(x):
        return x * 2.0, lambda dy: dy * 5.0

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x) * f(3.0)
    assert val(tape.gradient(y, x)) == 30.0


def test_variable_passed_as_an_argument():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        return x * x, lambda dy: dy * 7.0

    with tf.GradientTape() as tape:
        y = f(v)
    assert val(tape.gradient(y, v)) == 7.0


# --- variables read inside the function ------------------------------------------------------
def test_reading_variables_needs_the_variables_keyword():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        return x * v, lambda dy: dy * v

    msg = "grad_fn must accept keyword argument 'variables', since function uses variables"
    with pytest.raises(TypeError, match=msg):  # TF raises at call time, with or without a tape
        f(tf.constant(3.0))
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with pytest.raises(TypeError, match=msg):
            f(x)


def test_gradients_flow_to_the_variables():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables=None):
            assert len(variables) == 1 and variables[0] is v
            return dy * v, [dy * x * 100.0]

        return x * v, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = f(x)
    gx, gv = tape.gradient(z, [x, v])
    assert val(z) == 6.0 and val(gx) == 2.0 and val(gv) == 300.0


def test_variables_are_passed_in_first_read_order():
    v, w = tf.Variable(2.0, name="vv"), tf.Variable(5.0, name="ww")
    seen = []

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables):
            seen.extend(u.name for u in variables)
            return dy, [dy * 0.0 + 1.0 for _ in variables]

        return x * v * w, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = f(x)
    assert [val(g) for g in tape.gradient(z, [x, v, w])] == [1.0, 1.0, 1.0]
    assert seen == ["vv:0", "ww:0"]


def test_variable_gradients_only_where_the_tape_watches_the_variable():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables):
            return dy * v, [dy * 11.0]

        return x * v, grad

    with tf.GradientTape() as tape:  # only the variable is tracked
        y = f(tf.constant(1.0))
    assert val(tape.gradient(y, v)) == 11.0
    x = tf.constant(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = f(x)
    gx, gv = tape.gradient(y, [x, v])
    assert val(gx) == 2.0 and gv is None and tape.watched_variables() == ()


def test_wrong_number_of_variable_gradients_raises_value_error():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        return x * v, lambda dy, variables=None: (dy * v, [])

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = f(x)
    with pytest.raises(ValueError, match="Must return gradient for each variable from @custom_gradient grad_fn"):
        tape.gradient(z, [x, v])


# --- several outputs -------------------------------------------------------------------------
def test_unused_outputs_get_zero_upstream_gradients():
    seen = []

    @tf.custom_gradient
    def f(x):
        def grad(dy1, dy2):
            seen.append((val(dy1), val(dy2)))
            return dy1 * 2.0 + dy2 * 3.0

        return (x * 2.0, x * 3.0), grad

    a = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y1, y2 = f(a)
    assert val(tape.gradient(y1, a)) == 2.0
    assert seen == [(1.0, 0.0)]


def test_list_of_outputs_keeps_its_type():
    seen = []

    @tf.custom_gradient
    def f(x):
        def grad(dy1, dy2):
            seen.append((val(dy1).tolist(), val(dy2).tolist()))
            return dy1 * 2.0 + dy2 * 3.0

        return [x * 2.0, x * 3.0], grad

    a = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(a)
        ys = f(a)
    assert isinstance(ys, list)
    np.testing.assert_array_equal(val(tape.gradient(ys[1], a)), [3.0, 3.0])
    assert seen == [([0.0, 0.0], [1.0, 1.0])]


# --- higher order ----------------------------------------------------------------------------
def test_custom_gradient_inside_a_gradient_function_is_honoured_at_second_order():
    @tf.custom_gradient
    def my_sq(x):
        return x * x, lambda dy: dy * 2.0 * x

    @tf.custom_gradient
    def cube_over_3(x):
        return x * x * x / 3.0, lambda dy: dy * my_sq(x)

    x = tf.constant(3.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = cube_over_3(x)
        g = t1.gradient(y, x)
    assert val(g) == 9.0 and val(t2.gradient(g, x)) == 6.0


def test_second_order_uses_the_inner_custom_gradient_not_the_forward():
    @tf.custom_gradient
    def fake_sq(x):
        return x * x, lambda dy: dy * 100.0  # deliberately not 2x

    @tf.custom_gradient
    def f(x):
        return x * x * x, lambda dy: dy * fake_sq(x)

    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        g = t1.gradient(y, x)
    assert val(g) == 4.0 and val(t2.gradient(g, x)) == 100.0


def test_custom_gradient_function_is_differentiable_through_nested_tapes():
    @tf.custom_gradient
    def f(x):
        return x * x * x, lambda dy: dy * 3.0 * x * x

    x = tf.Variable(2.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = f(x)
        g = t1.gradient(y, x)
    assert val(g) == 12.0 and val(t2.gradient(g, x)) == 12.0


def test_captured_watched_tensor_gets_the_forward_gradient_when_no_argument_is_watched():
    c = tf.constant(2.0)

    @tf.custom_gradient
    def f(a):
        return a * c, lambda dy: dy * 100.0

    with tf.GradientTape() as tape:
        tape.watch(c)
        y = f(tf.constant(3.0))
    assert val(tape.gradient(y, c)) == 3.0  # TF 2.21


def test_captured_tensor_gets_nothing_when_an_argument_is_watched():
    c, a = tf.constant(2.0), tf.constant(3.0)

    @tf.custom_gradient
    def f(a):
        return a * c, lambda dy: dy * 100.0

    with tf.GradientTape() as tape:
        tape.watch([a, c])
        y = f(a)
    ga, gc = tape.gradient(y, [a, c])
    assert val(ga) == 100.0 and gc is None  # TF 2.21


# --- grad_pass_through and stop_gradient ------------------------------------------------------
def test_grad_pass_through_is_straight_through():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(lambda v: v * v)(x)
    assert val(y) == 4.0 and val(tape.gradient(y, x)) == 1.0


def test_grad_pass_through_a_non_differentiable_op():
    x = tf.Variable(2.7)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(tf.round)(x) * 3.0
    assert val(y) == 9.0 and val(tape.gradient(y, x)) == 3.0


def test_grad_pass_through_variable_assign():
    # TF's docstring example: the gradient passes through an assignment.
    x = tf.Variable(2.0)
    z = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(z.assign)(x * 3.0)
    assert val(y) == 6.0 and val(tape.gradient(y, x)) == 3.0 and z.numpy() == 6.0


def test_stop_gradient_gives_none():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.stop_gradient(x * x)
        z = tf.stop_gradient(x * x) * x
    assert tape.gradient(y, x) is None
    assert val(tape.gradient(z, x)) == 4.0
