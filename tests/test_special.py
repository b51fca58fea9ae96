"""tapegrad/ops/special.py against Python's math module (float64, ~1e-12 relative) and TF's pole values."""
import math

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors

RNG = np.random.default_rng(7)


def _rel(a, b, floor=1e-300):
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), floor))


def test_lgamma_matches_math_lgamma():
    x = np.concatenate([RNG.uniform(-30, 30, 3000), RNG.uniform(0, 5, 2000), 10 ** RNG.uniform(-12, 3, 500),
                        [0.5, 1.5, 2.5, 171.5, 1e-300, 1e300]])
    x = x[~((x <= 0) & (x == np.floor(x)))]
    far = (np.abs(x - 1) > 0.05) & (np.abs(x - 2) > 0.05)  # math.lgamma is not relatively accurate at its roots
    got = tg.math.lgamma(tg.constant(x)).numpy()
    want = np.array([math.lgamma(v) for v in x])
    assert _rel(got[far], want[far]) < 1e-12
    assert np.max(np.abs(got - want)) < 1e-12 * np.max(np.abs(want))
    np.testing.assert_allclose(tg.math.lgamma(tg.constant([1.0, 2.0], tg.float64)).numpy(), [0.0, 0.0], atol=0)


def test_lgamma_near_its_roots_uses_the_series():
    e = 10.0 ** -np.arange(5, 12)
    got = tg.math.lgamma(tg.constant(1 + e)).numpy()
    e = (1 + e) - 1  # the argument as represented
    want = -0.5772156649015329 * e + 0.8224670334241132 * e ** 2 - 0.40068563438653143 * e ** 3
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_digamma_zeta_polygamma():
    x = RNG.uniform(0.1, 30, 500)
    h = 1e-5  # digamma is the derivative of lgamma (central differences of math.lgamma)
    fd = np.array([(math.lgamma(v + h) - math.lgamma(v - h)) / (2 * h) for v in x])
    np.testing.assert_allclose(tg.math.digamma(tg.constant(x)).numpy(), fd, rtol=1e-7, atol=1e-8)
    d = tg.math.digamma(tg.constant([1.0, 0.5, -2.5, 0.0, -1.0, np.inf], tg.float64)).numpy()
    np.testing.assert_allclose(d[:3], [-0.5772156649015329, -1.9635100260214235, 1.1031566406452432], rtol=1e-13)
    assert np.isnan(d[3]) and np.isnan(d[4]) and d[5] == np.inf
    z = tg.math.zeta(tg.constant([2.0, 3.0, 4.0, 2.0, 1.0, 0.5], tg.float64),
                     tg.constant([1.0, 1.0, 1.0, 0.5, 1.0, 1.0], tg.float64)).numpy()
    np.testing.assert_allclose(z[:4], [math.pi ** 2 / 6, 1.2020569031595942, math.pi ** 4 / 90, math.pi ** 2 / 2],
                               rtol=1e-13)
    assert z[4] == np.inf and np.isnan(z[5])
    p = tg.math.polygamma(tg.constant([0.0, 1.0, 2.0, 1.5], tg.float64), tg.constant([2.0] * 4, tg.float64)).numpy()
    np.testing.assert_allclose(p[:3], [0.42278433509846713, 0.6449340668482264, -0.4041138063191885], rtol=1e-12)
    assert np.isnan(p[3])


def test_erfc_erfinv_ndtri():
    x = np.concatenate([RNG.uniform(-6, 6, 2000), 10 ** RNG.uniform(-8, 1.43, 500)])
    want = np.array([math.erfc(v) for v in x])
    assert _rel(tg.math.erfc(tg.constant(x)).numpy(), want) < 1e-13
    u = np.concatenate([RNG.uniform(-1, 1, 2000), 1 - 10 ** RNG.uniform(-16, -1, 300)])
    y = tg.math.erfinv(tg.constant(u)).numpy()
    center = np.abs(u) <= 0.5
    assert _rel(np.array([math.erf(v) for v in y[center]]), u[center]) < 1e-14
    assert _rel(np.array([math.erfc(abs(v)) for v in y[~center]]), 1 - np.abs(u[~center])) < 1e-12
    p = np.concatenate([RNG.uniform(0, 1, 1000), 10 ** RNG.uniform(-300, -1, 300)])
    z = tg.math.ndtri(tg.constant(p)).numpy()
    assert _rel(np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z]), p) < 1e-11
    edges = tg.math.erfinv(tg.constant([-1.0, 1.0, 1.5, 0.0], tg.float64)).numpy()
    assert edges[0] == -np.inf and edges[1] == np.inf and np.isnan(edges[2]) and edges[3] == 0
    assert tg.math.ndtri(tg.constant([0.0, 1.0])).numpy().tolist() == [-np.inf, np.inf]
    np.testing.assert_allclose(tg.math.erfcinv(tg.constant([0.5, 1.0, 1.5], tg.float64)).numpy(),
                               [0.4769362762044699, 0.0, -0.4769362762044699], atol=1e-15)


def test_bessel_ie_series_and_asymptotic_agree():
    x = np.array([30.0, 30.0 + 1e-9])  # the power series at 30, the asymptotic expansion just above
    for fn in (tg.math.bessel_i0e, tg.math.bessel_i1e):
        v = fn(tg.constant(x)).numpy()
        assert abs(v[1] - v[0]) < 3e-12  # the slope is 1.2e-3
    # I0(1) and I1(1) (Abramowitz-Stegun 9.8)
    np.testing.assert_allclose(tg.math.bessel_i0(tg.constant(1.0, tg.float64)).numpy(), 1.2660658777520082,
                               rtol=1e-14)
    np.testing.assert_allclose(tg.math.special.bessel_i1(tg.constant(-1.0, tg.float64)).numpy(),
                               -0.5651591039924851, rtol=1e-14)


def test_pole_values_and_dtype_errors():
    lg = tg.math.lgamma(tg.constant([0.0, -3.0, np.inf, -np.inf, np.nan])).numpy()
    assert lg[:4].tolist() == [np.inf] * 4 and np.isnan(lg[4])
    assert tg.math.lgamma(tg.constant(3.0)).dtype == tg.float32
    with pytest.raises(errors.InvalidArgumentError, match="Lgamma"):
        tg.math.lgamma(tg.constant([1, 2]))


def test_gradients_follow_tf_rules():
    x = tg.Variable([0.3, 1.7])
    with tg.GradientTape(persistent=True) as tape:
        ys = [tg.math.lgamma(x), tg.math.digamma(x), tg.math.erfinv(x / 2.0), tg.math.erfc(x)]
    g = [tape.gradient(y, x).numpy() for y in ys]
    np.testing.assert_allclose(g[0], [-3.502524, 0.20854807], rtol=1e-5)   # TF 2.21's values
    np.testing.assert_allclose(g[1], [12.245363, 0.7932329], rtol=1e-5)
    np.testing.assert_allclose(g[3], [-1.031261, -0.06271104], rtol=1e-5)
    q = tg.Variable([0.5, 2.0])
    with tg.GradientTape(persistent=True) as tape:
        z = tg.math.zeta(q, tg.constant([2.0, 3.0]))
        zq = tg.math.zeta(tg.constant([2.0, 3.0]), q)
    assert tape.gradient(z, q) is None  # TF: no gradient with respect to x
    np.testing.assert_allclose(tape.gradient(zq, q).numpy(), [-16.828794, -0.2469697], rtol=1e-5)


def test_against_tensorflow():
    tf = pytest.importorskip("tensorflow")
    x = np.concatenate([RNG.uniform(-20, 20, 500), RNG.uniform(0, 5, 500)])
    for name in ("lgamma", "digamma", "erfc", "bessel_i0e", "bessel_i1e"):
        want = getattr(tf.math, name)(x).numpy()
        got = getattr(tg.math, name)(tg.constant(x)).numpy()
        ok = np.isfinite(want)
        np.testing.assert_allclose(got[ok], want[ok], rtol=1e-11, atol=1e-13)


def test_zeros_of_lgamma_erfinv_and_ndtri_are_positive_as_in_tf():
    import tapegrad as _tf
    for dtype in (_tf.float32, _tf.float64):
        for y in (_tf.math.lgamma(_tf.constant([1.0, 2.0], dtype)), _tf.math.erfinv(_tf.constant([-0.0, 0.0], dtype)),
                  _tf.math.ndtri(_tf.constant([0.5], dtype))):
            assert not np.signbit(y.numpy()).any(), y
