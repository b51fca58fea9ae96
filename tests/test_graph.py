"""Graph mode: tracing, retracing, side effects, variables, gradients, control flow, the executor."""
import contextlib
import io
import sys
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad.graph.function import TensorSpec


def _np(x):
    return np.asarray(x)


# --- tracing and the cache ----------------------------------------------------------
def test_traces_once_per_signature_and_runs_the_graph():
    trace_log = []

    @tf.function
    def f(x, y):
        trace_log.append(1)  # a Python side effect: at trace time only
        return tf.sin(x * y + 1.0) * 2.0

    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    for x, y in [(a, b), (b, a), (a, a)]:
        np.testing.assert_allclose(_np(f(x, y)), _np(tf.sin(x * y + 1.0) * 2.0), rtol=1e-6)
    assert len(trace_log) == 1 and f.experimental_get_tracing_count() == 1
    f(tf.constant([1.0, 2.0, 3.0]), tf.constant([1.0, 2.0, 3.0]))  # new shape
    assert f.experimental_get_tracing_count() == 2


def test_retracing_rules_python_values_dtypes_and_structure():
    @tf.function
    def f(x, n, flag=False):
        return x * n if not flag else -x

    x = tf.constant(2.0)
    assert float(f(x, 3)) == 6.0 and float(f(x, 3)) == 6.0
    assert f.experimental_get_tracing_count() == 1
    assert float(f(x, 4)) == 8.0          # a new Python value retraces
    assert f.experimental_get_tracing_count() == 2
    assert float(f(x, n=4)) == 8.0         # keyword or positional: the same signature
    assert f.experimental_get_tracing_count() == 2
    assert float(f(x, 4, flag=True)) == -2.0
    assert f.experimental_get_tracing_count() == 3
    f(tf.constant(2.0, tf.float64), 4)     # a new dtype retraces
    assert f.experimental_get_tracing_count() == 4

    @tf.function
    def g(xs):
        return tf.add_n(xs)

    g([x, x])
    g([x, x, x])
    assert g.experimental_get_tracing_count() == 2
    g([tf.constant(5.0), tf.constant(1.0)])
    assert g.experimental_get_tracing_count() == 2


def test_numpy_arguments_are_tensors():
    @tf.function
    def f(x):
        return x + 1.0

    assert float(f(np.float32(1.0))) == 2.0
    assert float(f(np.float32(5.0))) == 6.0
    assert f.experimental_get_tracing_count() == 1


def test_input_signature_with_none_dims():
    @tf.function(input_signature=[TensorSpec(shape=[None], dtype=tf.float32)])
    def f(x):
        return tf.reduce_sum(x * x)

    assert float(f(tf.constant([1.0, 2.0]))) == 5.0
    assert float(f(tf.constant([1.0, 2.0, 3.0]))) == 14.0
    assert float(f([3.0])) == 9.0  # Python values are converted to the spec's dtype
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="Can not cast"):
        f(tf.constant([[1.0]]))
    with pytest.raises(TypeError):
        f(tf.constant([1, 2]))
    cf = f.get_concrete_function()
    assert cf.graph is not None


def test_reduce_retracing_relaxes_shapes():
    @tf.function(reduce_retracing=True)
    def f(x):
        return x * 2.0

    for n in (2, 3, 4, 5):
        np.testing.assert_allclose(_np(f(tf.ones([n]))), 2 * np.ones(n))
    assert f.experimental_get_tracing_count() == 2


def test_retracing_warning_names_the_argument():
    @tf.function
    def f(x, n):
        return x + n

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for n in range(7):
            f(tf.constant(1.0), n)
    msgs = [str(m.message) for m in w if "retracing" in str(m.message)]
    assert msgs and "argument 'n'" in msgs[-1] and "Python value" in msgs[-1]


def test_get_concrete_function_with_tensor_spec():
    @tf.function
    def f(x):
        return x * x

    cf = f.get_concrete_function(TensorSpec([3], tf.float32))
    np.testing.assert_allclose(_np(cf(tf.constant([1.0, 2.0, 3.0]))), [1, 4, 9])
    assert "multiply" in repr(cf.graph)
    assert f.experimental_get_tracing_count() == 1


# --- symbolic tensors --------------------------------------------------------------------
def test_symbolic_tensors_refuse_python_values():
    @tf.function(autograph=False)
    def uses_bool(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        uses_bool(tf.constant(1.0))

    @tf.function(autograph=False)
    def iterates(x):
        return [y for y in x]

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        iterates(tf.constant([1.0, 2.0]))

    @tf.function
    def calls_numpy(x):
        return x.numpy()

    with pytest.raises(AttributeError):
        calls_numpy(tf.constant(1.0))

    seen = []

    @tf.function
    def prints(x):
        seen.append(str(x * 2.0))
        seen.append(str(x))
        return x

    prints(tf.constant(1.0))
    assert seen[0].startswith('Tensor("multiply') and seen[1] == 'Tensor("x:0", shape=(), dtype=float32)'


def test_python_side_effects_once_tf_print_every_call():
    out = io.StringIO()
    log = []

    @tf.function
    def f(x):
        log.append("traced")
        tf.print("x =", x, output_stream=out)
        return x + 1.0

    f(tf.constant(1.0))
    f(tf.constant(2.0))
    assert log == ["traced"]
    assert out.getvalue() == "x = 1\nx = 2\n"


def test_tf_print_to_sys_stdout_writes_to_the_current_stdout(capsys):
    @tf.function
    def f(x):
        tf.print("x =", x, output_stream=sys.stdout)
        return x

    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # traced here: the graph names the stream, not this StringIO
        f(tf.constant(1))
    assert out.getvalue() == "x = 1\n"
    out.close()
    f(tf.constant(2))
    tf.print("eager", output_stream=sys.stdout)
    assert capsys.readouterr().out == "x = 2\neager\n"


# --- variables ------------------------------------------------------------------------
def test_variables_captured_by_reference_and_assigned_every_call():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(x)
        return v.read_value() * 2.0

    assert float(f(tf.constant(1.0))) == 4.0
    assert float(v) == 2.0
    assert float(f(tf.constant(1.0))) == 6.0
    v.assign(10.0)
    assert float(f(tf.constant(0.5))) == 21.0
    assert f.experimental_get_tracing_count() == 1


def test_read_before_assign_keeps_old_value():
    v = tf.Variable(1.0)

    @tf.function
    def f():
        old = v.read_value()
        v.assign(5.0)
        return old, v.read_value()

    old, new = f()
    assert float(old) == 1.0 and float(new) == 5.0
    old, new = f()
    assert float(old) == 5.0


def test_variable_creation_first_call_only():
    holder = []

    @tf.function
    def once(x):
        if not holder:
            holder.append(tf.Variable(2.0))
        return holder[0] * x

    assert float(once(tf.constant(3.0))) == 6.0
    assert float(once(tf.constant(4.0))) == 8.0

    @tf.function
    def every_call(x):
        return tf.Variable(1.0) * x

    with pytest.raises(ValueError, match="singleton tf.Variables"):  # TF traces twice: the first call fails
        every_call(tf.constant(1.0))


def test_methods_and_nested_functions():
    class Model:
        def __init__(self, w):
            self.w = tf.Variable(w)

        @tf.function
        def __call__(self, x):
            return inner(self.w * x)

    @tf.function
    def inner(y):
        return y + 1.0

    m1, m2 = Model(2.0), Model(5.0)
    assert float(m1(tf.constant(3.0))) == 7.0
    assert float(m2(tf.constant(3.0))) == 16.0
    m2.w.assign(1.0)
    assert float(m2(tf.constant(3.0))) == 4.0


def test_random_ops_draw_new_numbers_each_call_with_tf_seed_semantics():
    tf.random.set_seed(7)

    @tf.function
    def f():
        return tf.random.uniform([3]), tf.random.normal([2])

    @tf.function
    def g():
        return tf.random.uniform([3]), tf.random.normal([2])

    a1, b1 = f()
    a2, _ = f()
    c1, _ = g()
    assert not np.allclose(_np(a1), _np(a2))
    np.testing.assert_array_equal(_np(a1), _np(c1))  # same graph structure, same seeds
    tf.random.set_seed(7)
    np.testing.assert_array_equal(_np(f()[0]), _np(a1))


def test_assertions_run_when_the_graph_runs():
    @tf.function
    def f(x):
        tf.debugging.assert_greater(x, 0.0, message="x must be positive")
        return tf.sqrt(x)

    assert float(f(tf.constant(4.0))) == 2.0
    with pytest.raises(tf.errors.InvalidArgumentError, match="x must be positive"):
        f(tf.constant(-4.0))


def test_kernel_errors_name_the_op():
    @tf.function
    def f(x, i):
        return tf.gather(x, i)

    f(tf.constant([1.0, 2.0]), tf.constant(1))
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(tf.constant([1.0, 2.0]), tf.constant(5))


# --- gradients ------------------------------------------------------------------------
def test_gradient_through_function_from_outer_tape_first_and_second_order():
    @tf.function
    def f(x):
        return x * x * x

    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        dy = t1.gradient(y, x)
    assert float(y) == 8.0 and float(dy) == 12.0
    assert float(t2.gradient(dy, x)) == 12.0
    for v in (1.0, 3.0):  # the backward graph is cached, not retraced per call
        x = tf.constant(v)
        with tf.GradientTape() as t:
            t.watch(x)
            y = f(x)
        assert float(t.gradient(y, x)) == 3 * v * v
    backward = f.get_concrete_function(x)._backward_functions  # one per set of inputs that need a gradient
    assert len(backward) == 1 and next(iter(backward.values())).experimental_get_tracing_count() == 1


def test_gradient_through_function_to_captured_variables():
    w = tf.Variable([1.0, 2.0])

    @tf.function
    def f(x):
        return tf.reduce_sum(w * x)

    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as t:
        y = f(x)
    np.testing.assert_allclose(_np(t.gradient(y, w)), [3.0, 4.0])


def _mlp_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 5)).astype(np.float32)
    y = rng.integers(0, 3, size=8).astype(np.int32)
    w1 = (rng.standard_normal((5, 6)) * 0.5).astype(np.float32)
    w2 = (rng.standard_normal((6, 3)) * 0.5).astype(np.float32)
    return x, y, w1, w2


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "Nadam", "RMSprop"])
def test_train_step_in_one_function_matches_eager(opt_name):
    x, y, w1, w2 = _mlp_data()
    results = []
    for graph in (False, True):
        params = [tf.Variable(w1), tf.Variable(w2)]
        kwargs = {"learning_rate": 0.05}
        if opt_name == "SGD":
            kwargs["momentum"] = 0.9
        opt = getattr(tf.keras.optimizers, opt_name)(**kwargs)

        def step(x, y):
            with tf.GradientTape() as tape:
                h = tf.nn.relu(tf.matmul(x, params[0]))
                logits = tf.matmul(h, params[1])
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
            grads = tape.gradient(loss, params)
            opt.apply_gradients(zip(grads, params))
            return loss

        fn = tf.function(step) if graph else step
        losses = [float(fn(tf.constant(x), tf.constant(y))) for _ in range(5)]
        results.append((losses, [p.numpy() for p in params], int(opt.iterations.numpy())))
    (le, pe, ie), (lg, pg, ig) = results
    np.testing.assert_allclose(lg, le, rtol=1e-5)
    for a, b in zip(pg, pe):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert ie == ig == 5


def test_learning_rate_schedule_is_evaluated_every_call():
    sched = tf.keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    results = []
    for graph in (False, True):
        v = tf.Variable(1.0)
        opt = tf.keras.optimizers.SGD(learning_rate=sched)

        def step():
            opt.apply_gradients([(tf.constant(1.0), v)])
            return v.read_value()

        fn = tf.function(step) if graph else step
        results.append([float(fn()) for _ in range(4)])
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6)


# --- control flow in graphs ---------------------------------------------------------
def test_cond_in_graph_with_gradients_both_branches():
    @tf.function(autograph=False)
    def f(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.cond(x > 0, lambda: x * x, lambda: -3.0 * x)
        return y, t.gradient(y, x)

    for v, want in ((2.0, (4.0, 4.0)), (-2.0, (6.0, -3.0))):
        y, g = f(tf.constant(v))
        assert (float(y), float(g)) == want
    assert f.experimental_get_tracing_count() == 1


def test_cond_untaken_branch_may_fail_at_trace_time():
    @tf.function(autograph=False)
    def f(x, i):
        return tf.cond(i < 2, lambda: tf.gather(x, i), lambda: tf.constant(0.0))

    x = tf.constant([1.0, 2.0])
    assert float(f(x, tf.constant(5))) == 0.0   # traced with i=5: the gather branch fails on those values
    assert float(f(x, tf.constant(1))) == 2.0   # ...and runs fine when taken


def test_while_loop_in_graph_with_first_and_second_order_gradients():
    @tf.function(autograph=False)
    def power(x, n):
        with tf.GradientTape() as t:
            t.watch(x)
            _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * x), [0, tf.ones_like(x)])
        return y, t.gradient(y, x)

    for x, n in ((1.5, 3), (2.0, 5), (0.5, 1)):
        y, g = power(tf.constant(x), tf.constant(n))
        np.testing.assert_allclose([float(y), float(g)], [x ** n, n * x ** (n - 1)], rtol=1e-6)
    assert power.experimental_get_tracing_count() == 1
    x = tf.constant(1.5)
    with tf.GradientTape() as t:
        t.watch(x)
        _, g = power(x, tf.constant(3))
    np.testing.assert_allclose(float(t.gradient(g, x)), 6 * 1.5, rtol=1e-6)


def test_while_loop_maximum_iterations_and_shape_check():
    @tf.function
    def f(x):
        return tf.while_loop(lambda i, s: True, lambda i, s: (i + 1, s + x), [0, 0.0], maximum_iterations=4)

    i, s = f(tf.constant(2.0))
    assert int(i) == 4 and float(s) == 8.0

    @tf.function
    def grows(x):
        return tf.while_loop(lambda y: tf.size(y) < 4, lambda y: tf.concat([y, y], 0), [x])

    with pytest.raises(ValueError, match="shape_invariants"):
        grows(tf.constant([1.0]))


def test_switch_case_in_graph():
    @tf.function
    def f(i, x):
        return tf.switch_case(i, [lambda: x, lambda: x * 2.0, lambda: x * 3.0])

    assert [float(f(tf.constant(k), tf.constant(1.0))) for k in (0, 1, 2, 7)] == [1.0, 2.0, 3.0, 3.0]


def test_rnn_gradient_matches_eager():
    rng = np.random.default_rng(3)
    xs = [tf.constant(rng.standard_normal((4, 3)).astype(np.float32)) for _ in range(6)]
    params = [tf.Variable(rng.standard_normal((3, 5)).astype(np.float32)),
              tf.Variable(rng.standard_normal((5, 5)).astype(np.float32) * 0.3),
              tf.Variable(rng.standard_normal(5).astype(np.float32))]

    def grad(xs):
        wx, wh, b = params
        with tf.GradientTape() as tape:
            h = tf.zeros((4, 5))
            for x in xs:
                h = tf.tanh(tf.matmul(x, wx) + tf.matmul(h, wh) + b)
            loss = tf.reduce_mean(h * h)
        return tape.gradient(loss, params)

    fn = tf.function(grad)
    for a, b in zip(fn(xs), grad(xs)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-7)


# --- values that shapes depend on: guarded, never baked -----------------------------------------
def _value_dependent_ops(x, n, ids):
    return (tf.shape(tf.range(n)), tf.reduce_sum(tf.range(1, n)), tf.zeros([n, 2]), tf.fill([n], 2.0),
            tf.reshape(x, [n, -1]), tf.tile(x[:1], [n]), tf.one_hot(ids, n), x[:n], x[n - 1],
            tf.boolean_mask(x, x > tf.cast(n, tf.float32)), tf.where(x > 2.0), tf.unique(ids)[0],
            tf.math.bincount(ids), tf.broadcast_to(x[0], [n]), tf.pad(x, [[n, 0]]), tf.roll(x, n, 0),
            tf.slice(x, [n - 1], [2]), tf.math.unsorted_segment_sum(x, ids, 4), tf.math.segment_sum(x, tf.sort(ids)),
            tf.sequence_mask(ids), tf.math.confusion_matrix(ids, ids), tf.random.stateless_normal([2], [n, n]))


def test_value_dependent_shapes_match_eager_for_every_value():
    traced = tf.function(_value_dependent_ops)
    x = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    for n, ids in ((2, [0, 1, 1, 3, 0, 2]), (3, [1, 1, 1, 0, 0, 0]), (2, [0, 1, 1, 3, 0, 2]), (1, [3, 3, 0, 0, 1, 2])):
        args = (x, tf.constant(n), tf.constant(ids))
        for want, got in zip(_value_dependent_ops(*args), traced(*args)):
            np.testing.assert_array_equal(_np(got), _np(want))
    assert traced.experimental_get_tracing_count() == 1  # retraces for new values are not new signatures


def test_tensor_indices_and_slice_bounds_in_graphs():
    x = tf.constant(np.arange(60, dtype=np.float32).reshape(3, 4, 5))
    keys = [lambda i, j: x[i], lambda i, j: x[i, 1:, j], lambda i, j: x[..., i], lambda i, j: x[None, i:],
            lambda i, j: x[j:i:-1], lambda i, j: x[:, i::2], lambda i, j: x[i, None, ..., j], lambda i, j: x[i - 5:j],
            lambda i, j: x[:i:-1], lambda i, j: x[:, i::-2, :j]]
    for key in keys:
        traced = tf.function(key)
        for i, j in ((0, 1), (1, 3), (-1, 2), (2, 0)):
            i, j = tf.constant(i), tf.constant(j)
            np.testing.assert_array_equal(_np(traced(i, j)), _np(key(i, j)))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.function(lambda i: x[i])(tf.constant(3))  # out of range when the graph runs, not only when traced


def test_index_checks_run_when_the_graph_runs():
    gather = tf.function(lambda x, i: tf.gather(x, i))
    x = tf.constant([1.0, 2.0, 3.0])
    assert float(gather(x, tf.constant(1))) == 2.0
    for bad in (-1, 3):  # NumPy would wrap -1 silently
        with pytest.raises(tf.errors.InvalidArgumentError, match="is not in \\[0, 3\\)"):
            gather(x, tf.constant(bad))
    segments = tf.function(lambda x, ids: tf.math.unsorted_segment_sum(x, ids, 2))
    np.testing.assert_array_equal(_np(segments(x, tf.constant([1, -1, 1]))), [0.0, 4.0])  # -1 is dropped
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        segments(x, tf.constant([0, 2, 1]))
    assert segments.experimental_get_tracing_count() == 1


def test_a_guard_that_fails_retraces_undoes_assignments_and_warns():
    v = tf.Variable(0.0)
    traces = []

    @tf.function
    def f(n):
        traces.append(1)
        v.assign_add(1.0)
        return tf.reduce_sum(tf.ones([n])) + v

    assert float(f(tf.constant(2))) == 3.0 and float(v) == 1.0
    assert float(f(tf.constant(3))) == 5.0 and float(v) == 2.0  # the failed run's assignment is undone
    assert float(f(tf.constant(3))) == 6.0 and len(traces) == 2
    with pytest.warns(UserWarning, match="triggered tf.function retracing.*The shape argument of ones \\(n:0\\) was"):
        for n in range(4, 8):
            f(tf.constant(n))
    assert f.experimental_get_tracing_count() == 1


def test_a_value_that_changes_between_loop_iterations_is_an_error():
    @tf.function
    def f(n):
        s = tf.constant(0.0)
        for i in tf.range(n):
            s += tf.reduce_sum(tf.ones([i]))  # TF's dynamic shapes allow this; shape-specialized graphs do not
        return s

    with pytest.raises(tf.errors.InvalidArgumentError, match="changes while the graph runs"):
        f(tf.constant(3))


@pytest.mark.filterwarnings("ignore:.*triggered tf.function retracing")
def test_nested_functions_with_value_dependent_shapes():
    inner = tf.function(lambda n: tf.range(n))

    @tf.function
    def outer(n):
        return tf.reduce_sum(inner(n)) + tf.shape(inner(n + 1))[0]

    assert [int(outer(tf.constant(n))) for n in (3, 5, 3)] == [7, 16, 7]


def test_random_and_host_values_are_drawn_when_the_graph_runs():
    g = tf.random.Generator.from_seed(1)
    draws = tf.function(lambda: (g.normal([2]), g.uniform([2])))
    a, b = draws(), draws()
    assert not np.array_equal(_np(a[0]), _np(b[0])) and not np.array_equal(_np(a[1]), _np(b[1]))
    stateless = tf.function(lambda seed: tf.random.stateless_normal([2], seed))
    for seed in ([1, 2], [1, 3]):
        np.testing.assert_array_equal(_np(stateless(tf.constant(seed))), _np(tf.random.stateless_normal([2], seed)))
    twice = tf.function(lambda x: tf.numpy_function(lambda a: a * 2, [x], tf.float32))
    assert [float(twice(tf.constant(v))) for v in (1.0, 3.0)] == [2.0, 6.0]
    polygamma = tf.function(tf.math.polygamma)
    for a in (0.0, 2.0, 1.5):
        np.testing.assert_allclose(_np(polygamma(tf.constant(a), tf.constant(2.0))),
                                   _np(tf.math.polygamma(tf.constant(a), tf.constant(2.0))), rtol=1e-6)


def test_shape_of_a_loop_variable_with_relaxed_invariants_is_read_when_the_graph_runs():
    @tf.function
    def grow(x, n):
        return tf.while_loop(lambda y: tf.size(y) < n, lambda y: tf.concat([y, y], 0), [x],
                             shape_invariants=[tf.TensorShape([None])], maximum_iterations=5)[0]

    for n, length in ((8, 8), (3, 4), (1, 1)):  # tf.size(y) was baked as 1: the loop ran to its maximum
        assert grow(tf.constant([1.0]), tf.constant(n)).shape == (length,)
    assert grow.experimental_get_tracing_count() == 1


def test_symbolic_tensors_refuse_numpy_conversion_and_python_indexing():
    @tf.function
    def to_numpy(x):
        return np.asarray(x)

    @tf.function
    def python_index(i):
        return [1.0, 2.0][i]

    with pytest.raises(NotImplementedError, match="Cannot convert a symbolic tf.Tensor \\(x:0\\) to a numpy array"):
        to_numpy(tf.constant(1.0))
    with pytest.raises(TypeError, match="cannot be used as a Python index"):
        python_index(tf.constant(0))
    assert tf.function(lambda x: tf.get_static_value(x) is None)(tf.constant(1.0))


# --- executor -----------------------------------------------------------------------
def test_generated_code_is_straight_line_and_simplified():
    @tf.function
    def f(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.reduce_sum(tf.exp(x) * 1.0 + 0.0)
        a = tf.sin(x)
        b = tf.sin(x)  # common subexpression
        unused = tf.cos(x)  # noqa: F841 - dead code
        return t.gradient(y, x), a + b

    x = tf.constant([0.5, 1.0])
    g, s = f(x)
    np.testing.assert_allclose(_np(g), np.exp([0.5, 1.0]), rtol=1e-6)
    src = f.get_concrete_function(x).compiled.source
    assert src.count("k") > 0 and "cos" not in src
    compiled = f.get_concrete_function(x).compiled
    names = [e.prim.name for e in compiled.eqns]
    assert names.count("sin") == 1 and "cos" not in names and "identity" not in names
    assert "del " in src


def test_unconnected_gradients_are_none_in_graphs_as_eagerly():
    @tf.function
    def f(x, z):
        with tf.GradientTape() as t:
            t.watch([x, z])
            y = x * 2.0
        return t.gradient(y, [x, z])

    gx, gz = f(tf.constant(1.0), tf.constant(2.0))
    assert float(gx) == 2.0 and gz is None


def _rnn_grad(xs, params):
    wx, wh, b = params
    with tf.GradientTape() as tape:
        h = tf.zeros((xs[0].shape[0], wh.shape[0]))
        for x in xs:
            h = tf.tanh(tf.matmul(x, wx) + tf.matmul(h, wh) + b)
        loss = tf.reduce_mean(h * h)
    return tape.gradient(loss, params)


def test_unrolled_loop_is_batched_fused_and_hoisted_with_eager_values():
    rng = np.random.default_rng(5)
    xs = [tf.constant(rng.standard_normal((4, 3)).astype(np.float32)) for _ in range(12)]
    params = [tf.Variable(rng.standard_normal((3, 5)).astype(np.float32)),
              tf.Variable(rng.standard_normal((5, 5)).astype(np.float32) * 0.3),
              tf.Variable(rng.standard_normal(5).astype(np.float32))]
    fn = tf.function(lambda xs: _rnn_grad(xs, params))
    for a, b in zip(fn(xs), _rnn_grad(xs, params)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-7)
    compiled = fn.get_concrete_function(xs).compiled
    names = [e.prim.name for e in compiled.eqns]
    # x_t @ wx for all steps is one matmul of the stacked inputs, whose rows are the steps' products
    assert names.count("matmul") == 2 * len(xs) - 1 + 1 and names.count("rows") >= len(xs)
    # three concatenations: the inputs (shared by the forward batch and the gradient of wx), the states
    # h_0..h_T (h_0..h_T-1 for the gradient of wh, h_1..h_T for tanh's derivative, batched) and the
    # cotangents (shared by the three weight gradients)
    assert names.count("fused_concat") == 3 and names.count("square") == names.count("subtract") == 1
    assert names.count("fused_matmul_sum") == 2 and names.count("fused_reduce_sum") == 1
    # wh.T for the backward steps and the bias for the forward steps are prepared once
    assert names.count("transpose_copy") == 1 and names.count("broadcast_copy") == 1
    assert " += " in compiled.source and ", out=" in compiled.source  # results written in place
    fn(xs)  # a second run of the same compiled code gives the same values (no buffer reused across calls)
    for a, b in zip(fn(xs), _rnn_grad(xs, params)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-7)


def test_in_place_results_never_overwrite_views_outputs_or_assigned_values():
    v = tf.Variable(np.zeros((3, 4), np.float32))

    def f(x):
        y = x * 2.0
        r = tf.reshape(y, [-1])      # a view of y: y may not be overwritten
        z = y + 1.0
        w = x * 3.0
        v.assign(w)                  # the variable holds w's array
        u = w + 1.0
        s = tf.exp(x)
        t = tf.tanh(s)               # s is an output
        q = tf.transpose(x * 5.0)    # a view
        return r, z, u, s, t, q, -q

    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 10)
    want = [_np(a).copy() for a in f(x)]
    got = tf.function(f)(x)
    for a, b in zip(got, want):
        np.testing.assert_allclose(_np(a), b, rtol=1e-6)
    np.testing.assert_allclose(_np(v), _np(x) * 3.0, rtol=1e-6)


def test_batched_graph_second_order_through_while_loop_matches_eager():
    rng = np.random.default_rng(7)
    x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
    xs = [tf.constant(rng.standard_normal((4, 3)).astype(np.float32)) for _ in range(6)]
    w = tf.constant(rng.standard_normal((3, 3)).astype(np.float32) * 0.5)

    def f(x, xs, w):
        with tf.GradientTape() as t2:
            t2.watch(w)
            with tf.GradientTape() as t1:
                t1.watch(w)
                _, h = tf.while_loop(lambda i, h: i < 5, lambda i, h: (i + 1, tf.tanh(h @ w + x)),
                                     [tf.constant(0), tf.zeros((4, 3))])
                for xi in xs:  # unrolled: batched and fused
                    h = tf.tanh(xi @ w + h @ w + 1.0)
                loss = tf.reduce_sum(h * h)
            g = t1.gradient(loss, w)
            gs = tf.reduce_sum(g * g)
        return loss, g, t2.gradient(gs, w)

    for a, b in zip(tf.function(f)(x, xs, w), f(x, xs, w)):
        np.testing.assert_allclose(_np(a), _np(b), rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("m,k,n,ta,tb", [(800, 32, 64, False, False), (64, 800, 64, True, False),
                                         (32, 800, 64, True, True), (3, 5000, 2, False, True),
                                         (512, 128, 10, True, False), (300, 64, 40, True, True)])
def test_mid_size_gemm_pieces_equal_one_product(m, k, n, ta, tb):
    from tapegrad.graph.executor import _gemm
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
    a, b = (a.T if ta else a), (b.T if tb else b)
    np.testing.assert_allclose(_gemm(a, b), a.astype(np.float64) @ b.astype(np.float64), rtol=1e-4, atol=1e-4)


def test_batch_joins_independent_ops_only():
    def f(xs, z):
        ys = [tf.sin(x) * 2.0 for x in xs]       # independent: one sin and one multiply on all rows
        for _ in range(10):
            z = tf.sin(z) * 2.0                   # a recurrence: each step waits for the previous one
        return ys, z

    rng = np.random.default_rng(11)
    xs = [tf.constant(rng.standard_normal((2, 3)).astype(np.float32)) for _ in range(10)]
    z = tf.constant(rng.standard_normal((2, 3)).astype(np.float32))
    fn = tf.function(f)
    got, want = fn(xs, z), f(xs, z)
    for a, b in zip(got[0] + [got[1]], want[0] + [want[1]]):
        np.testing.assert_array_equal(_np(a), _np(b))
    names = [e.prim.name for e in fn.get_concrete_function(xs, z).compiled.eqns]
    # the recurrence's first step depends on z only: it joins the batch; the other nine stay
    assert names.count("sin") == 1 + 9 and names.count("multiply") == 1 + 9


def test_overlapping_concatenations_become_one_sequence():
    from tapegrad.graph.executor import _window
    assert _window([1, 2, 3], [2, 3, 4]) == ([1, 2, 3, 4], 0, 1)
    assert _window([2, 3, 4], [1, 2, 3]) == ([1, 2, 3, 4], 1, 0)
    assert _window([1, 2, 3, 4], [2, 3]) == ([1, 2, 3, 4], 0, 1)
    assert _window([1, 2, 3], [3, 2, 1]) is None and _window([1, 2, 3], [4, 5]) is None


def test_results_become_tensors_as_in_tf():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return 1, 2.5, True, None, [3, x], {"a": np.float64(1.5)}, v

    for expected in (2.0, 3.0):
        i, fl, b, none, (three, x), d, value = f(tf.constant(4.0))
        assert [(t.dtype, t.numpy()) for t in (i, fl, b, three, x, d["a"])] == [
            (tf.int32, 1), (tf.float32, 2.5), (tf.bool, True), (tf.int32, 3), (tf.float32, 4.0), (tf.float64, 1.5)]
        assert none is None
        assert type(value) is tf.Tensor and float(value) == expected == float(v)  # the value after the assignment
    assert f.experimental_get_tracing_count() == 1

    @tf.function
    def g():
        return object()

    with pytest.raises(TypeError, match="must return zero or more Tensors.*found return value of type object"):
        g()


def test_indexed_slices_result_is_not_baked_into_the_graph():
    E = tf.Variable(tf.ones((4, 2)))

    @tf.function
    def f(i):
        with tf.GradientTape() as t:
            y = tf.reduce_sum(tf.gather(E, i) * 2.0)
        return t.gradient(y, E)

    for ids in ([1, 2], [0, 3]):
        g = f(tf.constant(ids))
        assert isinstance(g, tf.IndexedSlices) and g.indices.numpy().tolist() == ids
        assert g.dense_shape.numpy().tolist() == [4, 2] and np.all(g.values.numpy() == 2.0)
    assert f.experimental_get_tracing_count() == 1


def test_sum_of_full_reductions_compiles():
    f = tf.function(lambda a, b, c: tf.reduce_sum(a) + tf.reduce_sum(b) + tf.reduce_sum(c, 0))
    assert float(f(tf.ones(3), tf.ones((2, 2)), tf.ones(5))) == 12.0
