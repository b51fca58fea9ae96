"""tape.jacobian / batch_jacobian: shapes and values against loops of gradient()."""
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad._core import batching
from tapegrad._core.primitive import REGISTRY

from .specs import all_specs


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
    with pytest.raises(ValueError, match="Need first dimension of target shape .* batch dimension"):
        tape.batch_jacobian(y, x)


# --- the vectorized path against the loop, over the spec table -------------------------------------------
GRAD_SPECS = [s for s in all_specs() if s.grad]


def _spec_id(spec):
    return spec.id or spec.prim


def _floating(x):
    return np.asarray(x).dtype.kind == "f"


def _flat_target(out):
    """The floating outputs of a spec's function, flattened into one vector (a jacobian takes one target)."""
    outs = [tf.convert_to_tensor(o) for o in tf.nest.flatten(out)]
    outs = [o for o in outs if o.dtype.is_floating]
    if len(outs) == 1:
        return outs[0]
    return tf.concat([tf.reshape(o, [-1]) for o in outs], 0)


def _assert_same(fast, slow, what):
    for a, b in zip(fast, slow):
        assert (a is None) == (b is None), what
        if a is not None:
            assert a.shape == b.shape, what
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12, err_msg=what)


def _cases(spec, rng):
    """(label, all arguments as tensors, the floating ones) for each case of a spec, in float64."""
    for args in spec.cases(rng):
        args = [np.asarray(a, np.float64) if _floating(a) else np.asarray(a) for a in args]
        xs = [tf.constant(a) for a in args]
        yield f"{_spec_id(spec)} {[a.shape for a in args]}", xs, [x for x, a in zip(xs, args) if _floating(a)]


LOOPED = pytest.mark.filterwarnings("ignore:tape.jacobian.*has no batched form")  # custom gradients loop


@LOOPED
@pytest.mark.parametrize("spec", GRAD_SPECS, ids=[_spec_id(s) for s in GRAD_SPECS])
def test_vectorized_jacobian_matches_the_loop(spec):
    for what, xs, diff in _cases(spec, np.random.default_rng(7)):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(diff)
            y = _flat_target(spec.fn(*xs))
        fast = tape.jacobian(y, diff)
        slow = tape.jacobian(y, diff, experimental_use_pfor=False)
        _assert_same(fast, slow, what)
        for j, x in zip(fast, diff):
            assert j is None or tuple(j.shape) == tuple(y.shape) + tuple(x.shape)


SECOND_ORDER = [s for s in GRAD_SPECS if s.order == 2]


@LOOPED
@pytest.mark.parametrize("spec", SECOND_ORDER, ids=[_spec_id(s) for s in SECOND_ORDER])
def test_vectorized_hessian_matches_the_loop(spec):
    """jacobian of a gradient: the batched rules of the backward pass's own primitives."""
    rng = np.random.default_rng(11)
    for what, xs, diff in _cases(spec, rng):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(diff)
            with tf.GradientTape() as inner:
                inner.watch(diff)
                y = _flat_target(spec.fn(*xs))
                loss = tf.reduce_sum(y * tf.constant(rng.standard_normal(y.shape)))
            grads = [g for g in inner.gradient(loss, diff) if g is not None]
            if not grads:
                continue
            g = tf.concat([tf.reshape(gi, [-1]) for gi in grads], 0)
        _assert_same(outer.jacobian(g, diff), outer.jacobian(g, diff, experimental_use_pfor=False), what)


def test_every_differentiable_primitive_has_a_batched_rule():
    missing = sorted(name for name, p in REGISTRY.items()
                     if p.differentiable and p.vjp is not None and p not in batching.TABLE)
    assert not missing, (f"primitives whose jacobian falls back to a loop: {missing}; give each a batched rule in "
                         "tapegrad/_core/batching.py (_BROADCAST_SAFE if its VJP rule only broadcasts g)")


# --- fallback, Hessians, nesting, errors ----------------------------------------------------------------
def test_a_rule_without_batched_form_loops_and_warns_once():
    from tapegrad._core.dispatch import execute
    from tapegrad._core.primitive import Primitive
    cube = Primitive("cube_for_jacobian_test", lambda x: x ** 3,
                     (lambda g, out, x: g * 3.0 * x * x,), register=False)
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.sin(execute(cube, (x,), {}))
    with pytest.warns(UserWarning, match="'cube_for_jacobian_test' has no batched form"):
        J = tape.jacobian(y, x)
    xs = np.array([1.0, 2.0, 3.0], np.float32)
    np.testing.assert_allclose(J.numpy(), np.diag(np.cos(xs ** 3) * 3 * xs ** 2), rtol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tape.jacobian(y, x)  # said once


def test_custom_gradient_loops_with_a_warning():
    @tf.custom_gradient
    def clip_grad_for_jacobian_test(x):
        def grad(dy):
            return tf.clip_by_value(dy, -0.5, 0.5)
        return x * 2.0, grad

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = clip_grad_for_jacobian_test(x) * tf.constant([1.0, 3.0])
    with pytest.warns(UserWarning, match="clip_grad_for_jacobian_test"):
        J = tape.jacobian(y, x)
    np.testing.assert_allclose(J.numpy(), [[0.5, 0.0], [0.0, 0.5]])


def test_hessian_of_a_network_is_vectorized_and_matches_the_loop():
    rng = np.random.default_rng(0)
    w1, w2 = tf.constant(rng.standard_normal((4, 5))), tf.constant(rng.standard_normal((5, 1)))
    x = tf.constant(rng.standard_normal((3, 4)))
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_mean(tf.matmul(tf.nn.softplus(tf.matmul(x, w1)), w2) ** 2)
        g = inner.gradient(y, x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        H = outer.jacobian(g, x)
    assert H.shape == (3, 4, 3, 4)
    np.testing.assert_allclose(H.numpy(), outer.jacobian(g, x, experimental_use_pfor=False).numpy(), rtol=1e-10)
    np.testing.assert_allclose(H.numpy().reshape(12, 12), H.numpy().reshape(12, 12).T, rtol=1e-10)


def test_jacobian_inside_an_outer_tape_is_recorded():
    x = tf.constant([0.5, 1.5])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.sin(x) * tf.reduce_sum(x)
        J = inner.jacobian(y, x)
        s = tf.reduce_sum(J)
    # sum_ij dy_i/dx_j = sum_i (cos(x_i) S + sum_k sin x_k... ) -> checked against finite differences
    gx = outer.gradient(s, x).numpy()

    def total(v):
        with tf.GradientTape() as t:
            xv = tf.constant(v)
            t.watch(xv)
            yv = tf.sin(xv) * tf.reduce_sum(xv)
        return float(tf.reduce_sum(t.jacobian(yv, xv)))

    eps = 1e-6
    fd = [(total(x.numpy() + eps * e) - total(x.numpy() - eps * e)) / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(gx, fd, rtol=1e-5)


def test_jacobian_nested_sources_and_variables():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float64)
    b = tf.constant([0.5, -0.5], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(b)
        y = tf.tanh(tf.linalg.matvec(v, b) + b)
    J = tape.jacobian(y, {"w": [v], "b": (b,)})
    assert J["w"][0].shape == (2, 2, 2) and J["b"][0].shape == (2, 2)
    d = 1 - np.tanh(np.array([[1, 2], [3, 4]]) @ [0.5, -0.5] + [0.5, -0.5]) ** 2
    np.testing.assert_allclose(J["b"][0].numpy(), d[:, None] * (np.array([[1, 2], [3, 4]]) + np.eye(2)))
    expected_w = np.zeros((2, 2, 2))
    for i in range(2):
        expected_w[i, i, :] = d[i] * np.array([0.5, -0.5])
    np.testing.assert_allclose(J["w"][0].numpy(), expected_w)


def test_jacobian_of_a_matrix_target_and_scalar_target():
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.transpose(x) * 2.0
        s = tf.reduce_sum(x * x)
    J = tape.jacobian(y, x)
    assert J.shape == (3, 2, 2, 3)
    expected = np.zeros((3, 2, 2, 3))
    for i in range(3):
        for j in range(2):
            expected[i, j, j, i] = 2.0
    np.testing.assert_array_equal(J.numpy(), expected)
    np.testing.assert_array_equal(tape.jacobian(s, x).numpy(), 2 * x.numpy())


def test_parallel_iterations_chunks_the_rows():
    x = tf.constant(np.linspace(-1, 1, 7))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.exp(x) * tf.reduce_sum(x)
    J = tape.jacobian(y, x, parallel_iterations=3)  # a non-persistent tape: three passes over one record
    xs = x.numpy()
    np.testing.assert_allclose(J.numpy(), np.diag(np.exp(xs) * xs.sum()) + np.exp(xs)[:, None], rtol=1e-12)


def test_jacobian_errors_and_tf_rules():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(AttributeError):   # TF: 'list' object has no attribute 'shape'
        tape.jacobian([y, y], x)
    with pytest.raises(AttributeError, match="single Tensor"):  # TF's type (and not a TypeError)
        tape.jacobian([y], x)
    with pytest.raises(RuntimeError, match="persistent=True"):  # the loop needs a persistent tape
        tape.jacobian(y, x, experimental_use_pfor=False)
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.jacobian(y, x, unconnected_gradients="sometimes")
    J = tape.jacobian(y, x)  # the failed calls did not use up the tape
    np.testing.assert_array_equal(J.numpy(), np.diag([2.0, 4.0]))


def test_persistent_jacobian_inside_its_context_warns_and_records():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x ** 3
        with pytest.warns(UserWarning, match="persistent tape inside its context"):
            J = tape.jacobian(y, x)
        t = tf.reduce_sum(J)
    np.testing.assert_allclose(tape.gradient(t, x).numpy(), [6.0, 12.0])  # d/dx sum(diag(3x^2))


def test_batch_jacobian_errors_and_unconnected_zeros():
    x = tf.constant(np.ones((2, 3)))
    z = tf.constant(np.ones((2, 4)))
    v = tf.constant(np.ones(3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, z, v])
        y = x * 2.0
        yv = v * 2.0
    with pytest.raises(ValueError, match="rank at least 2"):
        tape.batch_jacobian(yv, x)
    with pytest.raises(ValueError, match="rank at least 2"):
        tape.batch_jacobian(y, v)
    with pytest.raises(ValueError, match="Need first dimension"):
        tape.batch_jacobian(y, tf.constant(np.ones((3, 2))))
    bz = tape.batch_jacobian(y, z)  # TF's documented quirk: zeros, whatever unconnected_gradients says
    assert bz.shape == (2, 3, 4) and not bz.numpy().any() and bz.dtype == y.dtype
    with tf.GradientTape() as once:
        once.watch(x)
        y2 = x * 3.0
    with pytest.raises(RuntimeError, match="batch_jacobian"):
        once.batch_jacobian(y2, x, experimental_use_pfor=False)


def test_batch_jacobian_of_higher_rank_examples_matches_jacobian_blocks():
    rng = np.random.default_rng(3)
    x = tf.constant(rng.standard_normal((3, 2, 2)))
    w = tf.constant(rng.standard_normal((2, 3)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.nn.softmax(tf.matmul(x, w), axis=-1)  # [3, 2, 3]
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (3, 2, 3, 2, 2)
    full = tape.jacobian(y, x).numpy()  # [3, 2, 3, 3, 2, 2]
    for b in range(3):
        np.testing.assert_allclose(bj.numpy()[b], full[b, :, :, b], rtol=1e-12)
    np.testing.assert_allclose(bj.numpy(), tape.batch_jacobian(y, x, experimental_use_pfor=False).numpy(),
                               rtol=1e-12)


def test_jacobian_edge_cases():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        e = tf.zeros((0,)) + tf.reduce_sum(x)
    np.testing.assert_array_equal(tape.jacobian(x, x).numpy(), np.eye(2))  # the target is the source
    for use_pfor in (True, False):
        assert tape.jacobian(e, x, experimental_use_pfor=use_pfor).shape == (0, 2)


def test_jacobian_inside_function():
    w = tf.constant(np.array([[1.0, 2.0], [0.5, -1.0]], np.float32))

    @tf.function
    def jac(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(tf.linalg.matvec(w, x))
        return tape.jacobian(y, x)

    x = tf.constant([0.3, -0.2])
    d = 1 - np.tanh(w.numpy() @ x.numpy()) ** 2
    for _ in range(2):
        np.testing.assert_allclose(jac(x).numpy(), d[:, None] * w.numpy(), rtol=1e-5)


def test_forward_over_vectorized_jacobian():
    """A ForwardAccumulator differentiates the batched backward pass too (d/dv of the Jacobian)."""
    if not hasattr(tf, "autodiff") or not hasattr(tf.autodiff, "ForwardAccumulator"):
        pytest.skip("no ForwardAccumulator")
    x = tf.constant([0.3, -0.7, 1.1], dtype=tf.float64)
    v = tf.constant([1.0, 0.5, -2.0], dtype=tf.float64)

    def jac(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.nn.softmax(tf.sin(x) * tf.reduce_sum(x ** 2))
        return t.jacobian(y, x)

    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        j = jac(x)
    eps = 1e-6
    fd = (jac(x + eps * v).numpy() - jac(x - eps * v).numpy()) / (2 * eps)
    np.testing.assert_allclose(acc.jvp(j).numpy(), fd, rtol=1e-6, atol=1e-9)
