"""Gradients through graph cond / while_loop (and AutoGraph's if/while/for) inside tapegrad.function.

Every result is compared with eager mode: variables read inside a branch or a
loop body, tapes inside and outside the function, first and second order,
iteration counts that change between calls without a new trace, and None for
what eager mode leaves unconnected. The last tests check the shape of a loop's
reverse pass (what it computes per iteration), not its speed.
"""
import numpy as np
import pytest

import tapegrad as tf
from tapegrad.graph.executor import Compiled
from tapegrad.graph.function import _walk
from tapegrad.graph.tracer import SUBGRAPHS

rng = np.random.default_rng(0)
w = tf.Variable(2.0)
v = tf.Variable([[0.5, -0.3], [0.2, 0.7]])
Wx = tf.Variable(rng.standard_normal((3, 4)).astype(np.float32) * 0.5)
Wh = tf.Variable(rng.standard_normal((4, 4)).astype(np.float32) * 0.5)
b = tf.Variable(rng.standard_normal((1, 4)).astype(np.float32) * 0.1)
E = tf.Variable(rng.standard_normal((6, 4)).astype(np.float32))
X = tf.constant(rng.standard_normal((7, 2, 3)).astype(np.float32))
IDS = tf.constant([1, 3, 1, 5, 0, 2, 2])
VARIABLES = [w, v, Wx, Wh, b, E]


# --- the functions: each reads variables inside a branch or a loop body --------------------------
def while_loop(x):
    _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * w), [0, x])
    return z


def cond(x):
    return tf.cond(x > 0, lambda: x * w, lambda: x - w * w)


def autograph_if(x):
    if x > 0:
        y = x * w * w
    else:
        y = x + w
    return y


def autograph_while(x):
    i = tf.constant(0)
    while i < 3:
        x = tf.sin(x * w)
        i += 1
    return x


def autograph_for(x):
    h = tf.ones([2]) * x
    for _ in tf.range(3):
        h = tf.tanh(tf.linalg.matvec(v, h) * w + w)
    return tf.reduce_sum(h)


def cond_in_loop(x):
    def body(i, z):
        return i + 1, tf.cond(z > 0, lambda: z * w, lambda: z + w)
    return tf.while_loop(lambda i, z: i < 3, body, [0, x])[1]


def loop_in_loop(x):
    def body(i, z):
        return i + 1, tf.while_loop(lambda j, z: j < 2, lambda j, z: (j + 1, z * w), [0, z])[1]
    return tf.while_loop(lambda i, z: i < 2, body, [0, x])[1]


SCALAR_FUNCTIONS = [while_loop, cond, autograph_if, autograph_while, autograph_for, cond_in_loop, loop_in_loop]


def rnn(x, n):
    """An RNN over x[t] with an embedding lookup (IndexedSlices), a broadcast bias and Wh used once."""
    h = tf.zeros((2, 4))
    for t in tf.range(n):
        h = tf.tanh(x[t] @ Wx + h @ Wh + b + tf.gather(E, IDS[t]))
    return tf.reduce_sum(h * h)


def two_state_rnn(x, n):
    """Two float loop variables, Wh used twice, a transposed matmul."""
    h, c, i = tf.zeros((2, 4)), tf.ones((2, 4)), tf.constant(0)
    while i < n:
        h, c = tf.tanh(x[i] @ Wx + h @ Wh) * c, c * 0.9 + tf.matmul(h, Wh, transpose_b=True)
        i += 1
    return tf.reduce_sum(h) + tf.reduce_sum(c * c)


def bounded_loop(x, n):
    """maximum_iterations, a reduction in the body and a loop variable passed through."""
    def body(i, h, k):
        return i + 1, tf.sin(h @ Wh) + tf.reduce_mean(x[i] @ Wx, 0), k
    _, h, k = tf.while_loop(lambda i, h, k: True, body, [0, tf.ones((2, 4)), tf.ones(3)], maximum_iterations=n)
    return tf.reduce_sum(h) * tf.reduce_sum(k)


LOOPS = [rnn, two_state_rnn, bounded_loop]


# --- comparing with eager mode ------------------------------------------------------------------------
def _dense(g):
    if g is None:
        return None
    return np.asarray(tf.convert_to_tensor(g))


def _assert_same(eager, graph, none_is_zeros=False):
    """Equal gradients, and None in the same places. ``none_is_zeros``: a graph's zeros where eager mode has
    None pass (the static graph cannot know that a path has no effect for these values, see below)."""
    assert len(eager) == len(graph)
    for k, (e, g) in enumerate(zip(eager, graph)):
        e, g = _dense(e), _dense(g)
        if none_is_zeros and e is None and g is not None and not np.any(g):
            continue
        assert (e is None) == (g is None), (k, e, g)
        if e is not None:
            np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5, err_msg=f"gradient {k}")


def _first_inside(fn):
    def f(*args):
        with tf.GradientTape() as t:
            y = fn(*args)
        return t.gradient(y, VARIABLES)
    return f


def _second_inside(fn, var=w):
    def f(*args):
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = fn(*args)
            g = t1.gradient(y, var)
        return [g] + t2.gradient(g, VARIABLES)
    return f


def _second_inside_through_x(fn):
    """d/dx, then its gradient w.r.t. the variables and x."""
    def f(x, *rest):
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = fn(x, *rest)
            g = t1.gradient(y, x)
        return [g] + t2.gradient(g, VARIABLES + [x])
    return f


@pytest.mark.parametrize("fn", SCALAR_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [1.5, -0.7])
def test_variable_gradient_inside_the_function_matches_eager(fn, x):
    x = tf.constant(x)
    _assert_same(_first_inside(fn)(x), tf.function(_first_inside(fn))(x))


# A cond differentiated twice: a derivative that only the branch not taken has is zeros in a graph (both
# branches are traced) where eager mode, which ran one branch, has None. So is one that only later iterations
# of a loop have, when this call runs fewer. TF's graphs do the same.
_UNTAKEN_BRANCH = {(cond, 1.5), (autograph_if, -0.7)}


@pytest.mark.parametrize("fn", SCALAR_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [1.5, -0.7])
def test_second_order_inside_the_function_matches_eager(fn, x):
    untaken = (fn, x) in _UNTAKEN_BRANCH
    x = tf.constant(x)
    _assert_same(_second_inside(fn)(x), tf.function(_second_inside(fn))(x), none_is_zeros=untaken)


def test_variable_read_before_the_tape_and_in_a_loop_under_it():
    def f(x):
        y = x * w  # not recorded: the tape starts below, and watches w where the loop reads it
        with tf.GradientTape() as t:
            z = tf.while_loop(lambda i, z: i < 2, lambda i, z: (i + 1, z * w), [0, y])[1]
        return t.gradient(z, [w, x])

    x = tf.constant(1.5)
    _assert_same(f(x), tf.function(f)(x))


@pytest.mark.parametrize("fn", [while_loop, autograph_while, autograph_for, cond_in_loop, loop_in_loop],
                         ids=lambda f: f.__name__)
def test_second_order_through_the_input_is_none_where_eager_is(fn):
    x = tf.constant(1.5)
    _assert_same(_second_inside_through_x(fn)(x), tf.function(_second_inside_through_x(fn))(x))


@pytest.mark.parametrize("fn", SCALAR_FUNCTIONS, ids=lambda f: f.__name__)
def test_outer_tape_differentiates_an_inner_variable_gradient(fn):
    def inner(x):
        with tf.GradientTape() as t:
            y = fn(x)
        return t.gradient(y, w)

    x = tf.constant(1.5)
    results = []
    for f in (inner, tf.function(inner)):
        with tf.GradientTape() as outer:
            g = f(x)
        results.append([g] + outer.gradient(g, VARIABLES))
    _assert_same(*results, none_is_zeros=fn in (cond, autograph_if))


@pytest.mark.parametrize("fn", LOOPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrap", [_first_inside, lambda fn: _second_inside(fn, Wh), _second_inside_through_x],
                         ids=["first", "second", "second_through_x"])
def test_loops_match_eager_for_other_iteration_counts_without_retracing(fn, wrap):
    eager, graph = wrap(fn), tf.function(wrap(fn))
    for n in (3, 5, 1):  # traced for 3
        _assert_same(eager(X, tf.constant(n)), graph(X, tf.constant(n)), none_is_zeros=n == 1)
    assert graph.experimental_get_tracing_count() == 1


def linear_rnn(x, n):
    """dy/dx does not depend on x: its gradient w.r.t. x is None."""
    h = tf.zeros((2, 4))
    for t in tf.range(n):
        h = h @ Wh + x[t] @ Wx
    return tf.reduce_sum(h)


def test_outer_tape_through_a_function_with_a_loop():
    for fn in LOOPS + [linear_rnn]:
        graph = tf.function(fn)
        for n in (3, 5):
            results = []
            for f in (fn, graph):
                with tf.GradientTape() as t2:
                    t2.watch(X)
                    with tf.GradientTape() as t1:
                        t1.watch(X)
                        y = f(X, tf.constant(n))
                    g = t1.gradient(y, VARIABLES + [X])
                results.append(g + t2.gradient(g[-1], VARIABLES + [X]))  # dy/dX, then its gradient
            _assert_same(*results)


def test_third_order_through_a_loop_matches_eager():
    def f(x, n):
        with tf.GradientTape() as t3:
            with tf.GradientTape() as t2:
                with tf.GradientTape() as t1:
                    h = x
                    for _ in tf.range(n):
                        h = tf.tanh(h @ Wh)
                    y = tf.reduce_sum(h ** 2)
                g1 = t1.gradient(y, Wh)
                s1 = tf.reduce_sum(g1 ** 2)
            g2 = t2.gradient(s1, Wh)
            s2 = tf.reduce_sum(g2 * g2)
        return [g1, g2, t3.gradient(s2, Wh)]

    x = tf.constant(rng.standard_normal((2, 4)).astype(np.float32))
    graph = tf.function(f)
    for n in (3, 4, 1):
        _assert_same(f(x, tf.constant(n)), graph(x, tf.constant(n)))
    assert graph.experimental_get_tracing_count() == 1


def _through_int(x):
    return tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * tf.cast(tf.cast(w, tf.int32), tf.float32)),
                         [0, x])[1]


@pytest.mark.parametrize("fn", [while_loop, _through_int], ids=["loop", "variable_through_an_int"])
def test_outer_tape_unconnected_gradients_are_none_as_in_eager_mode(fn):
    x = tf.constant(1.5)
    results = []
    for f in (fn, tf.function(fn)):
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = f(x)
            g = t1.gradient(y, [x, w])
        results.append(g + t2.gradient(g[0], [x, w]))
    _assert_same(*results)


# --- what the reverse pass computes ---------------------------------------------------------------------
def _loop_bodies(function, *args):
    """The optimized equations (primitive names) of every while body in ``function``'s graph, nested ones too."""
    graph = function.get_concrete_function(*args).graph
    bodies = []
    for eq in _walk(graph):
        for sub in SUBGRAPHS.get(eq.prim, ()):
            if sub.name == "while_body":
                bodies.append([e.prim.name for e in Compiled(sub).eqns])
    return bodies, [eq.prim.name for eq in graph.eqns]


def test_reverse_loop_sums_weight_gradients_after_the_loop_and_skips_unwatched_inputs():
    xs = tf.constant(rng.standard_normal((6, 2, 3)).astype(np.float32))

    @tf.function
    def f(xs):
        with tf.GradientTape() as t:
            h = tf.zeros((2, 4))
            for i in tf.range(6):
                h = tf.tanh(xs[i] @ Wx + h @ Wh + b)
            loss = tf.reduce_sum(h * h)
        return t.gradient(loss, [Wx, Wh, b])

    def eager(xs):
        with tf.GradientTape() as t:
            h = tf.zeros((2, 4))
            for i in range(6):
                h = tf.tanh(xs[i] @ Wx + h @ Wh + b)
            loss = tf.reduce_sum(h * h)
        return t.gradient(loss, [Wx, Wh, b])

    _assert_same(eager(xs), f(xs))
    (forward, reverse), top = _loop_bodies(f, xs)
    # per iteration: one matmul (the state's cotangent), no tanh recomputed, nothing for xs (not watched)
    assert reverse.count("matmul") == 1 and "tanh" not in reverse, reverse
    assert not {"gather_grad", "reduce_sum"} & set(reverse), reverse
    assert top.count("sum_matmul_iterations") == 2 and "sum_iterations" in top, top  # dWx, dWh; db


def test_embedding_gradient_in_a_loop_is_scattered_once():
    @tf.function
    def f(x, n):
        with tf.GradientTape() as t:
            h = x
            for i in tf.range(n):
                h = h * tf.gather(E, IDS[i])
            y = tf.reduce_sum(h)
        return t.gradient(y, E)

    def eager(x, n):
        with tf.GradientTape() as t:
            h = x
            for i in range(n):
                h = h * tf.gather(E, IDS[i])
            y = tf.reduce_sum(h)
        return t.gradient(y, E)

    x = tf.ones(4)
    for n in (4, 6):
        _assert_same([eager(x, n)], [f(x, tf.constant(n))])
    (_, reverse), top = _loop_bodies(f, x, tf.constant(4))
    assert "gather_grad" not in reverse and "add" not in reverse, reverse  # no dense E-sized sum per iteration
    assert "sum_slices" in top, top


def test_while_loop_body_must_return_the_loop_variables_structure():
    @tf.function
    def f(x):
        return tf.while_loop(lambda p: p["a"] < 10, lambda p: {"a": p["a"] * 2}, [{"a": x}])

    with pytest.raises(ValueError):
        f(tf.constant(1))
    bare = tf.function(lambda x: tf.while_loop(lambda v: v < 10, lambda v: v * 2, [x]))
    assert int(bare(tf.constant(1))[0]) == 16


# --- loop variables that change shape (shape_invariants) ------------------------------------------------
def growing(x, n):
    """y grows by one row per iteration: its history is ragged."""
    def body(i, y):
        return i + 1, tf.concat([y, tf.tanh(y[-1:] @ Wh) * w + x[i % 2:i % 2 + 1] @ Wx], 0)
    i0 = tf.constant(0)
    _, y = tf.while_loop(lambda i, y: i < n, body, [i0, tf.ones((1, 4))],
                         shape_invariants=[i0.shape, tf.TensorShape([None, 4])])
    return tf.reduce_sum(y * y)


def test_gradient_through_a_loop_whose_variables_change_shape_matches_eager():
    x = tf.constant(rng.standard_normal((2, 3)).astype(np.float32))
    eager, graph = _first_inside(lambda n: growing(x, n)), tf.function(_first_inside(lambda n: growing(x, n)))
    for n in (3, 5, 0):
        _assert_same(eager(tf.constant(n)), graph(tf.constant(n)), none_is_zeros=n == 0)
    assert graph.experimental_get_tracing_count() == 1


def test_a_tape_around_a_shape_changing_loop_it_does_not_differentiate():
    @tf.function
    def f(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.stop_gradient(growing(x, tf.constant(3)))
            z = tf.reduce_sum(x * x) * y
        return t.gradient(z, x)

    x = tf.constant(rng.standard_normal((2, 3)).astype(np.float32))
    np.testing.assert_allclose(f(x), 2 * x.numpy() * growing(x, tf.constant(3)).numpy(), rtol=1e-5)


def test_second_order_through_a_shape_changing_loop_is_refused_in_graphs():
    x = tf.constant(rng.standard_normal((2, 3)).astype(np.float32))

    @tf.function
    def f():
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = growing(x, tf.constant(3))
            g = t1.gradient(y, Wh)
        return t2.gradient(g, Wh)

    with pytest.raises(NotImplementedError, match="change shape.*first order"):
        f()
