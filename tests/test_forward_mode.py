"""Forward mode: JVP rules over the spec table, ForwardAccumulator (TF's API), compositions, autodiff helpers."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tapegrad._core.primitive import REGISTRY
from tapegrad.autodiff import ForwardAccumulator
from tapegrad.testing import check_jvp, check_jvps

from .specs import all_specs

SPECS = all_specs()
BUILTIN = dict(REGISTRY)  # primitives defined by tapegrad itself (tests may add their own later)

# The only primitives whose JVP is their VJP transposed with a nested tape (two passes instead of one).
TRANSPOSED = {"qr", "svd", "self_adjoint_eig"}

# Checked at first order only: the finite differences of the second-order checks cross floor(x / y)'s jumps.
FIRST_ORDER_ONLY = {"floormod"}


def _spec_id(spec):
    return spec.id or spec.prim


def _is_transposed(rule):
    return rule is not None and rule.__qualname__.startswith("transposed_vjp.")


@pytest.mark.parametrize("spec", SPECS, ids=[_spec_id(s) for s in SPECS])
def test_jvps_match_finite_differences_and_reverse_mode(spec):
    rng = np.random.default_rng(1234)
    for args in spec.cases(rng):
        if spec.grad:
            order = 1 if spec.prim in FIRST_ORDER_ONLY else spec.order  # 2: the three compositions too
            check_jvps(spec.fn, args, order=order, rng=rng, rtol=spec.rtol, atol=spec.atol)
        else:
            xs = [tg.constant(a) for a in args]
            with ForwardAccumulator(xs, [tg.ones_like(x) for x in xs]) as acc:
                out = spec.fn(*xs)
            assert all(t is None for t in tg.nest.flatten(acc.jvp(out))), f"{spec.prim} should carry no tangent"


def test_every_differentiable_primitive_has_a_jvp_rule():
    # (a differentiable primitive without a VJP raises LookupError in both modes, as TF does)
    missing = sorted(name for name, p in BUILTIN.items()
                     if p.differentiable and p.vjp is not None and p.jvp is None and not p.linear)
    assert not missing, f"differentiable primitives without a JVP rule (declare one next to the VJP): {missing}"
    transposed = {name for name, p in BUILTIN.items() if _is_transposed(p.jvp)}
    assert transposed == TRANSPOSED, (f"primitives whose JVP transposes the VJP: {sorted(transposed)}; "
                                      f"only {sorted(TRANSPOSED)} are allowed that fallback")


def test_checker_catches_a_wrong_jvp_rule():
    from tapegrad._core.dispatch import execute
    from tapegrad._core.primitive import Primitive
    bad = Primitive("bad_square_jvp_for_test", np.square, (lambda g, out, x: 2.0 * g * x,),
                    jvp=lambda ts, out, x: ts[0] * x, register=False)  # should be 2 x t

    with pytest.raises(AssertionError, match="JVP check failed"):
        check_jvp(lambda x: execute(bad, (x,), {}), [np.array([0.5, 1.5])])


# --- TF's ForwardAccumulator API -------------------------------------------------------------------
_X11_35 = [1.1 ** 3.5, 3.5 * 1.1 ** 2.5, 3.5 * 2.5 * 1.1 ** 1.5, 3.5 * 2.5 * 1.5 * 1.1 ** 0.5]


def test_docstring_example_and_strict_nesting_of_accumulators():
    primal = tg.constant(1.1)
    with ForwardAccumulator(primal, tg.constant(1.)) as outer:
        with ForwardAccumulator(primal, tg.constant(1.)) as inner:
            primal_out = primal ** tg.constant(3.5)
    inner_jvp = inner.jvp(primal_out)
    np.testing.assert_allclose(inner_jvp, _X11_35[1], rtol=1e-6)
    np.testing.assert_allclose(outer.jvp(inner_jvp), _X11_35[2], rtol=1e-6)  # forward-over-forward
    assert inner.jvp(outer.jvp(primal_out)) is None  # inner accumulators do not see outer JVP computations


@pytest.mark.parametrize("order", range(4))
def test_higher_order_pure_forward(order):
    def forwardgrad(f):
        def df(x):
            with ForwardAccumulator(x, tg.constant(1.0, tg.float64)) as acc:
                y = f(x)
            return acc.jvp(y)
        return df

    f = lambda x: x ** 3.5  # noqa: E731
    for _ in range(order):
        f = forwardgrad(f)
    np.testing.assert_allclose(f(tg.constant(1.1, tg.float64)), _X11_35[order], rtol=1e-12)


def test_forward_over_reverse_hvp_docstring_example():
    v = tg.Variable([1., 2.])
    with ForwardAccumulator(v, tg.constant([1., 0.])) as acc:
        with tg.GradientTape() as tape:
            y = tg.reduce_sum(v ** 3.)
        backward = tape.gradient(y, v)
    np.testing.assert_allclose(backward, [3., 12.])
    np.testing.assert_allclose(acc.jvp(backward), [6., 0.])


def _created(forward_first, c):
    """An accumulator (tangent 0.1 for c) and a tape, created in either order: nesting alone matters."""
    if forward_first:
        acc = ForwardAccumulator(c, .1)
        return acc, tg.GradientTape()
    tape = tg.GradientTape()
    return ForwardAccumulator(c, .1), tape


@pytest.mark.parametrize("forward_first", [True, False])
def test_reverse_over_forward_depends_on_nesting_not_creation_order(forward_first):
    c = tg.constant(1.)
    acc, tape = _created(forward_first, c)
    with tape:
        with acc:
            tape.watch(c)
            d = tg.cos(c)
    np.testing.assert_allclose(tape.gradient(acc.jvp(d), c), -.1 * np.cos(1.), rtol=1e-6)


@pytest.mark.parametrize("forward_first", [True, False])
def test_inner_tape_ignores_outer_accumulator_jvps(forward_first):
    c = tg.constant(1.)
    acc, tape = _created(forward_first, c)
    with acc:
        with tape:
            tape.watch(c)
            d = tg.cos(c)
            e = tg.cos(acc.jvp(d))
        assert tape.gradient(acc.jvp(d), c) is None
    assert acc.jvp(e) is None  # e was computed from a tangent, which has no tangent of its own


def test_reenter_raises_and_exit_stops_accumulating():
    x = tg.constant(-2.)
    with ForwardAccumulator(x, 1.5) as acc:
        np.testing.assert_allclose(acc.jvp(x), 1.5)
        y = 4. * x
        np.testing.assert_allclose(acc.jvp(y), 6.)
        with pytest.raises(ValueError, match="already recording"):
            with acc:
                pass
    assert acc.jvp(4. * x) is None
    with acc:
        yy = y * y
    np.testing.assert_allclose(acc.jvp(yy), 6. * -8. * 2.)


def test_primal_listed_twice_and_watching_again_sums():
    x = tg.constant(-2.)
    with pytest.raises(ValueError, match="multiple times"):
        ForwardAccumulator([x, x], [1., 2.])
    with ForwardAccumulator([x], [3.]) as acc:
        acc._watch(x, tg.constant(10.))  # TF's private _watch adds to the tangent
        np.testing.assert_allclose(acc.jvp(x), 13.)
        y = tg.constant(3.) * x
    np.testing.assert_allclose(acc.jvp(y), 39.)


def test_tangents_are_converted_to_the_primal_dtype_and_checked():
    x = tg.constant([1.0, 2.0], tg.float64)
    with ForwardAccumulator(x, np.array([1, 2])) as acc:  # an int array converted to float64
        pass
    assert acc.jvp(x).dtype == tg.float64
    np.testing.assert_array_equal(acc.jvp(x), [1.0, 2.0])
    y = tg.constant(1.0)
    acc = ForwardAccumulator(y, 2)  # a Python int to float32
    assert acc.jvp(y).dtype == tg.float32 and acc.jvp(y).numpy() == 2.0
    with pytest.raises(ValueError, match="float32"):
        ForwardAccumulator(tg.constant([1.0]), tg.constant([1.0], tg.float64))


def test_wrong_tangent_shape_is_an_error_naming_the_shapes():
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"shape \(2,\) but the primal has shape \(2, 2\)"):
        ForwardAccumulator(x, tg.constant([1.0, 2.0]))  # TF would broadcast it
    with pytest.raises(ValueError, match="same nested structure"):
        ForwardAccumulator([x], tg.ones([2, 2]))


def test_non_float_primal_warns_and_is_not_watched():
    i = tg.constant([1, 2])
    with pytest.warns(UserWarning, match="must be floating"):
        acc = ForwardAccumulator(i, tg.constant([1, 1]))
    assert acc.jvp(i) is None


def test_unconnected_gradients():
    x = tg.constant(-1.)
    with ForwardAccumulator(x, 0.1) as acc:
        np.testing.assert_allclose(acc.jvp(x, unconnected_gradients="zero"), 0.1)
        y = tg.constant(-2.)
        np.testing.assert_allclose(acc.jvp(y, unconnected_gradients="zero"), 0.0)
        assert acc.jvp(y, unconnected_gradients=tg.UnconnectedGradients.NONE) is None
        with pytest.raises(ValueError):
            acc.jvp(y, unconnected_gradients="sometimes")
    z = {"a": x, "b": [y, x * 2.0]}
    out = acc.jvp(z)
    assert out["b"][0] is None and out["b"][1] is None  # x * 2.0 ran after the context
    np.testing.assert_allclose(out["a"], 0.1)


def test_variables_watched_through_reads_and_assignments():
    v = tg.Variable([1., 2., 3.])
    with ForwardAccumulator(v, tg.constant([.1, -.2, .3])) as acc:
        np.testing.assert_allclose(acc.jvp(v), [.1, -.2, .3])
        np.testing.assert_allclose(acc.jvp(v * 2.), [.2, -.4, .6], rtol=1e-6)
        np.testing.assert_allclose(acc.jvp(v + .1), [.1, -.2, .3])
        v.assign_sub([0.5, 0.5, 0.5])  # an op with no trainable output
        np.testing.assert_allclose(acc.jvp(tg.reduce_sum(v * v)), 2 * np.dot([.5, 1.5, 2.5], [.1, -.2, .3]),
                                   rtol=1e-6)


def test_tangents_of_dead_tensors_are_dropped():
    import gc
    import weakref
    x = tg.ones([100])
    with ForwardAccumulator(x, tg.zeros([100])) as acc:
        for _ in range(50):
            y = tg.sin(x) * 2.0
        ref = weakref.ref(y)
        del y
        gc.collect()
        assert ref() is None
        assert len(acc._tangents) <= 3  # x, and not the 100 intermediates


def test_non_differentiable_ops_give_none_and_sign_gives_zeros():
    x = tg.constant([1.5, -2.5])
    with ForwardAccumulator(x, tg.constant([1., 1.])) as acc:
        outs = [tg.round(x), tg.argmax(x), x > 0.0, tg.stop_gradient(x), tg.stop_gradient(x) * 2.0, tg.floor(x)]
        s = tg.sign(x)
    assert all(acc.jvp(o) is None for o in outs)
    np.testing.assert_array_equal(acc.jvp(s), [0.0, 0.0])


def test_integer_and_bool_outputs_carry_no_tangent():
    x = tg.constant([1.5, -2.5])
    with ForwardAccumulator(x, tg.constant([1., 1.])) as acc:
        i = tg.cast(x, tg.int32)
        values, indices = tg.math.top_k(x, 1)
    assert acc.jvp(i) is None and acc.jvp(indices) is None
    np.testing.assert_allclose(acc.jvp(values), [1.0])


# --- custom gradients and primitives without a JVP rule ----------------------------------------------
def test_custom_gradient_jvp_is_the_transposed_custom_vjp():
    @tg.custom_gradient
    def f(x):
        def grad(dy):
            return dy * tg.cos(x)
        return tg.constant(np.sin(x.numpy())), grad  # no tapegrad ops in the forward: only the rule knows

    x = tg.constant([1., 2.])
    with ForwardAccumulator(x, tg.constant([3., 4.])) as acc:
        y = f(x)
    np.testing.assert_allclose(acc.jvp(y), [3 * np.cos(1.), 4 * np.cos(2.)], rtol=1e-6)

    @tg.custom_gradient
    def scaled(x):  # a custom gradient that is not the derivative: forward mode follows it, as reverse mode
        return x * x, lambda dy: 10.0 * dy

    with ForwardAccumulator(x, tg.constant([1., 1.])) as acc:
        y = scaled(x)
    np.testing.assert_allclose(acc.jvp(y), [10., 10.])
    x, v, u = tg.constant([0.5, -1.5]), tg.constant([1.0, 2.0]), tg.constant([-1.0, 3.0])
    with tg.GradientTape() as tape:  # <J v, u> == <v, J^T u> with the custom VJP
        tape.watch(x)
        with ForwardAccumulator(x, v) as acc:
            y = scaled(x) * x
    np.testing.assert_allclose(tg.reduce_sum(acc.jvp(y) * u), tg.reduce_sum(tape.gradient(y, x, u) * v), rtol=1e-6)


def test_custom_gradient_with_variables_and_several_outputs():
    w = tg.Variable(2.0)

    @tg.custom_gradient
    def f(x):
        y1, y2 = x * w, x + w

        def grad(d1, d2, variables=None):
            return d1 * w + d2, [d1 * x + d2]
        return (y1, y2), grad

    x = tg.constant(3.0)
    with ForwardAccumulator([x, w], [tg.constant(1.0), tg.constant(0.5)]) as acc:
        y1, y2 = f(x)
    np.testing.assert_allclose(acc.jvp(y1), 2.0 * 1.0 + 3.0 * 0.5)
    np.testing.assert_allclose(acc.jvp(y2), 1.0 + 0.5)


def test_exception_in_custom_gradient_is_not_swallowed():
    @tg.custom_gradient
    def f(x):
        def grad(dy):
            raise ValueError("test_error_string")
        return x * 1.0, grad

    c = tg.constant(1.)
    with ForwardAccumulator(c, tg.constant(2.)):
        with pytest.raises(ValueError, match="test_error_string"):
            f(c)


def test_grad_pass_through_passes_tangents_through():
    x = tg.constant([0.3, 1.7])
    with ForwardAccumulator(x, tg.constant([1., 2.])) as acc:
        y = tg.grad_pass_through(tg.round)(x)
    np.testing.assert_allclose(acc.jvp(y), [1., 2.])


def test_user_primitive_with_only_a_gradient_gets_its_vjp_transposed():
    from tapegrad.experimental import Primitive
    cube_p = Primitive("cube_for_forward_mode_test", lambda x: x ** 3, register=False)
    cube_p.vjp = (lambda g, out, x: g * 3.0 * x * x,)
    x = tg.constant([1.0, 2.0])
    with ForwardAccumulator(x, tg.constant([1.0, 0.5])) as acc:
        y = cube_p.bind(x)
    np.testing.assert_allclose(acc.jvp(y), [3.0, 6.0])
    nograd_p = Primitive("nograd_for_forward_mode_test", lambda x: x, register=False)
    with ForwardAccumulator(x, tg.constant([1.0, 0.5])):
        with pytest.raises(LookupError, match="nograd_for_forward_mode_test"):
            nograd_p.bind(x)


# --- compositions against analytic values ----------------------------------------------------------
def _fun(x):
    return tg.reduce_prod(tg.tanh(x) ** 2)


def _analytic_hessian(x):
    """Hessian of prod_i tanh(x_i)^2."""
    t = np.tanh(x)
    f = np.prod(t ** 2)
    d1 = 2 * (1 - t ** 2) / t                          # d log f / dx_i
    d2 = -2 * (1 - t ** 2) * (1 + t ** 2) / t ** 2     # d^2 log f / dx_i^2
    return f * (np.outer(d1, d1) + np.diag(d2))


def test_forward_over_reverse_hvp_matches_analytic_and_reverse_over_reverse():
    x, v = np.array([1., 2., 3.]), np.array([3., 4., 5.])
    primals, tangents = tg.constant(x, tg.float64), tg.constant(v, tg.float64)
    hvp = tg.autodiff.hvp(_fun, primals, tangents)
    np.testing.assert_allclose(hvp, _analytic_hessian(x) @ v, rtol=1e-10)
    with tg.GradientTape() as outer:
        outer.watch(primals)
        with tg.GradientTape() as inner:
            inner.watch(primals)
            y = _fun(primals)
        g = inner.gradient(y, primals)
    np.testing.assert_allclose(outer.gradient(g, primals, output_gradients=tangents), hvp, rtol=1e-10)


def test_reverse_over_forward_matches_analytic():
    x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -1.0])
    xt = tg.constant(x, tg.float64)
    with tg.GradientTape() as tape:
        tape.watch(xt)
        with ForwardAccumulator(xt, tg.constant(v, tg.float64)) as acc:
            y = _fun(xt)
        jv = acc.jvp(y)                 # <grad f, v>
    np.testing.assert_allclose(tape.gradient(jv, xt), _analytic_hessian(x) @ v, rtol=1e-10)


def test_forward_over_forward_matches_analytic():
    x, u, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0, 2.0]), np.array([0.5, 1.0, -1.0])
    xt = tg.constant(x, tg.float64)
    with ForwardAccumulator(xt, tg.constant(u, tg.float64)) as outer:
        with ForwardAccumulator(xt, tg.constant(v, tg.float64)) as inner:
            y = _fun(xt)
        jv = inner.jvp(y)
    np.testing.assert_allclose(outer.jvp(jv), u @ _analytic_hessian(x) @ v, rtol=1e-10)


def test_hvp_of_a_small_network_with_variables_matches_reverse_over_reverse():
    rng = np.random.default_rng(0)
    w1 = tg.Variable(rng.standard_normal((3, 4)))
    w2 = tg.Variable(rng.standard_normal((4, 1)))
    x = tg.constant(rng.standard_normal((5, 3)))
    vs = [tg.constant(rng.standard_normal((3, 4))), tg.constant(rng.standard_normal((4, 1)))]

    def loss():
        h = tg.nn.softplus(tg.matmul(x, w1))
        return tg.reduce_mean(tg.square(tg.matmul(h, w2)) + tg.nn.sigmoid(h[:, :1]))

    with ForwardAccumulator([w1, w2], vs) as acc:
        with tg.GradientTape() as tape:
            y = loss()
        grads = tape.gradient(y, [w1, w2])
    fwd = acc.jvp(grads)
    with tg.GradientTape(persistent=True) as outer:
        with tg.GradientTape() as inner:
            y = loss()
        grads = inner.gradient(y, [w1, w2])
    back = outer.gradient(grads, [w1, w2], output_gradients=vs)
    for a, b in zip(fwd, back):
        np.testing.assert_allclose(a, b, rtol=1e-10)


# --- tapegrad.autodiff helpers -------------------------------------------------------------------------
def test_autodiff_namespace_is_tfs():
    assert tg.autodiff.ForwardAccumulator is ForwardAccumulator
    assert tg.autodiff.GradientTape is tg.GradientTape


def test_functional_jvp_and_vjp():
    y, dy = tg.autodiff.jvp(lambda a, b: a * tg.sin(b), [2.0, 0.5], [1.0, 3.0])
    np.testing.assert_allclose(y, 2.0 * np.sin(0.5), rtol=1e-6)
    np.testing.assert_allclose(dy, np.sin(0.5) + 2.0 * np.cos(0.5) * 3.0, rtol=1e-6)
    _, dz = tg.autodiff.jvp(lambda a: tg.constant(1.0), [2.0], [1.0])
    np.testing.assert_allclose(dz, 0.0)  # unconnected: zeros
    out, vjp_fn = tg.autodiff.vjp(lambda a, b: (a * b, a + b), tg.constant(3.0), tg.constant(4.0))
    ga, gb = vjp_fn((tg.constant(1.0), tg.constant(10.0)))
    np.testing.assert_allclose([ga, gb], [4.0 + 10.0, 3.0 + 10.0])
    np.testing.assert_allclose(vjp_fn((tg.constant(2.0), tg.constant(0.0)))[0], 8.0)  # callable again


def test_hessian_and_hvp_helpers():
    x = np.array([1.0, 2.0, 0.5])
    h = tg.autodiff.hessian(_fun, tg.constant(x, tg.float64))
    assert h.shape == (3, 3)
    np.testing.assert_allclose(h, _analytic_hessian(x), rtol=1e-10)
    a, b = tg.constant([1.0, 2.0]), tg.constant(3.0)
    blocks = tg.autodiff.hessian(lambda xs: tg.reduce_sum(xs[0] ** 2.0 * xs[1]), [a, b])
    np.testing.assert_allclose(blocks[0][0], [[6.0, 0.0], [0.0, 6.0]])
    np.testing.assert_allclose(blocks[0][1], [2.0, 4.0])
    np.testing.assert_allclose(blocks[1][0], [2.0, 4.0])
    np.testing.assert_allclose(blocks[1][1], 0.0)
    hv = tg.autodiff.hvp(lambda xs: tg.reduce_sum(xs[0] ** 2.0 * xs[1]), [a, b], [tg.constant([1.0, 0.0]),
                                                                                   tg.constant(1.0)])
    np.testing.assert_allclose(hv[0], [6.0 + 2.0, 4.0])
    np.testing.assert_allclose(hv[1], 2.0)
    with pytest.raises(ValueError, match="scalar"):
        tg.autodiff.hessian(lambda x: x * x, tg.constant([1.0, 2.0]))


def test_accumulators_see_through_function_calls():
    # A traced function's call carries its gradient; forward mode transposes it (as TF's _jvp_helper).
    f = tg.function(lambda x: x ** 3.5)
    primal = tg.constant(1.1, tg.float64)
    with ForwardAccumulator(primal, tg.constant(1.0, tg.float64)) as outer:
        with ForwardAccumulator(primal, tg.constant(1.0, tg.float64)) as inner:
            out = f(primal)
    np.testing.assert_allclose(inner.jvp(out), _X11_35[1], rtol=1e-12)
    np.testing.assert_allclose(outer.jvp(inner.jvp(out)), _X11_35[2], rtol=1e-12)
