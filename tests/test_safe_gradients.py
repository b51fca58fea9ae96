"""Safe gradients: ``where(x > 0, f(x), 0)`` has finite gradients where TF's are NaN (0 * inf).

tapegrad's rules for sqrt, rsqrt, log, reciprocal, realdiv (divide) and pow give exactly 0 where the
incoming cotangent is 0, so a branch masked out by ``where`` cannot poison the gradient; inside the
mask the values are TF's. See the module docstring of tapegrad/ops/math.py.

What TensorFlow 2.21 gives on the same inputs (X below, float64; first order, then the derivative of
the sum of the first-order gradient, i.e. the Hessian's diagonal):

  sqrt        grad [0, 0, 0, 0.7071, 0.25]        2nd [nan, nan, nan, -0.7071, -0.03125]
  log         grad [-0, -0, nan, 2.0, 0.25]       2nd [0, 0, 0, -4.0, -0.0625]
  rsqrt       grad [0, 0, 0, -1.4142, -0.0625]    2nd [nan, nan, nan, 4.2426, 0.0234375]
  reciprocal  grad [0, 0, 0, -4.0, -0.0625]       2nd [0, 0, nan, 16.0, 0.03125]
  divide 3/y  grad y [-0, -0, nan, -12.0, -0.1875], grad x [-0, -0, nan, 2.0, 0.25]
                                                  2nd [-0, -0, nan, 48.0, 0.09375]
  pow x^p     grad x [nan, nan, nan, -8.4853, -0.046875], grad p [nan, nan, nan, -1.9605, 0.17329]
  (p = -1.5)                                      2nd [nan, nan, nan, 42.4264, 0.029296875]

(TF's SqrtGrad/RsqrtGrad/ReciprocalGrad kernels already return 0 for a zero cotangent, so those three
are NaN only at second order; log, divide and pow are NaN at first order already.)
"""
import numpy as np
import pytest

import tapegrad as tg

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(0), 1/0 and x ** -1.5 are intended

X = np.array([-2.0, -0.5, 0.0, 0.5, 4.0])
INSIDE = X > 0


def _grads(f, *args):
    """First-order gradients of sum(where(args[0] > 0, f(*args), 0)) and d/dargs[0] of sum(grad[0])."""
    xs = [tg.constant(a) for a in args]
    with tg.GradientTape(persistent=True) as outer:
        outer.watch(xs)
        with tg.GradientTape() as tape:
            tape.watch(xs)
            y = tg.where(xs[0] > 0, f(*xs), tg.zeros_like(xs[0]))
        gs = tape.gradient(y, xs)
        s = tg.reduce_sum(gs[0])
    return [g.numpy() for g in gs], outer.gradient(s, xs[0]).numpy()


def _masked(values):
    """The analytic values inside the mask (x > 0), 0 outside."""
    with np.errstate(all="ignore"):
        return np.where(INSIDE, values, 0.0)


def _check(actual, expected):
    assert np.all(np.isfinite(actual)), actual
    np.testing.assert_allclose(actual, _masked(expected), rtol=1e-12, atol=0)
    assert np.all(actual[~INSIDE] == 0)


with np.errstate(all="ignore"):
    UNARY = [  # (name, f, f', f'')
        ("sqrt", tg.sqrt, lambda x: 0.5 / np.sqrt(x), lambda x: -0.25 * x ** -1.5),
        ("log", tg.math.log, lambda x: 1 / x, lambda x: -1 / x ** 2),
        ("rsqrt", tg.math.rsqrt, lambda x: -0.5 * x ** -1.5, lambda x: 0.75 * x ** -2.5),
        ("reciprocal", tg.math.reciprocal, lambda x: -1 / x ** 2, lambda x: 2 / x ** 3),
    ]


@pytest.mark.parametrize("name,f,d1,d2", UNARY, ids=[u[0] for u in UNARY])
def test_unary_masked_by_where(name, f, d1, d2):
    (g,), h = _grads(f, X)
    _check(g, d1(X))
    _check(h, d2(X))


def test_divide_both_inputs_masked_by_where():
    num = np.full(5, 3.0)
    (gy, gx), h = _grads(lambda y, x: tg.divide(x, y), X, num)
    _check(gy, -num / X ** 2)
    _check(gx, 1 / X)
    _check(h, 2 * num / X ** 3)
    (gy,), h = _grads(lambda y: 1.0 / y, X)  # the operator, a Python numerator
    _check(gy, -1 / X ** 2)
    _check(h, 2 / X ** 3)


@pytest.mark.parametrize("p", [0.5, -1.5, 2.0])
def test_pow_both_inputs_masked_by_where(p):
    ps = np.full(5, p)
    (gx, gp), h = _grads(tg.pow, X, ps)
    with np.errstate(all="ignore"):
        _check(gx, p * X ** (p - 1))
        _check(gp, X ** p * np.log(X))
        _check(h, p * (p - 1) * X ** (p - 2))


def test_float32_and_complex_cotangent_zero():
    x = tg.constant([-1.0, 0.0, 4.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.where(x > 0, tg.math.log(x) + tg.sqrt(x) + 1.0 / x, tg.zeros_like(x))
    g = tape.gradient(y, x).numpy()
    assert g.dtype == np.float32 and g.tolist() == [0.0, 0.0, 0.25 + 0.25 - 1 / 16]
    z = tg.constant([0j, 4 + 0j])
    with tg.GradientTape() as tape:
        tape.watch(z)
        y = tg.math.real(tg.math.log(z) * tg.constant([0j, 1 + 0j]))  # cotangent 0 at z == 0
    np.testing.assert_allclose(tape.gradient(y, z).numpy(), [0j, 0.25 + 0j])


def test_unmasked_values_keep_tf_semantics():
    # where the cotangent is nonzero nothing changes: log(0) still has an infinite gradient
    x = tg.constant([0.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.math.log(x)
    assert tape.gradient(y, x).numpy().tolist() == [np.inf, 0.5]
    # and a cotangent that is 0 where the local derivative is finite still gives TF's 0
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.sqrt(x + 1.0) * tg.constant([0.0, 1.0])
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.0, 0.5 / np.sqrt(3.0)])


def test_second_order_with_zero_cotangent_and_finite_local_derivative_is_exact():
    # the cotangent of log is (x - 1), exactly 0 at x = 1, where log' is finite: d2/dx2 of
    # log(x) * (x - 1) is 1/x + 1/x^2 = 2 at x = 1 (the mask does not apply there)
    x = tg.constant([1.0, 2.0], dtype=tg.float64)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = tg.math.log(x) * (x - 1.0)
        g = tape.gradient(y, x)
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [2.0, 0.75])
