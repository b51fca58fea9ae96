"""Special functions in NumPy (no SciPy): lgamma, digamma, Hurwitz zeta, polygamma, erfc, erfinv, ndtri and
the exponentially scaled modified Bessel functions, with TF's values at the poles and TF's gradients.

Kernels compute in float64 (to about 1e-13 relative, tested against Python's ``math`` module) and
return the input's dtype:

* lgamma: Lanczos (g = 7, 9 terms) for x >= 0.5 and the reflection formula below; Taylor series in
  zeta values around the roots x = 1 and x = 2, so that it stays accurate relative to its small values there.
* digamma: the recurrence up to x >= 10, then the asymptotic series; reflection for x < 0.5.
* zeta(x, q): a direct sum up to q + N >= x + 24, then Euler-Maclaurin with 12 Bernoulli terms.
* erfc: erf below 1, Cephes' rational function up to 8, a continued fraction beyond (exp(-x^2) with
  the square split into exact parts).
* erfinv/ndtri: an initial guess (Giles' approximation, or the asymptotic inverse in the far tail)
  polished by Halley steps on erf, or on erfc for arguments near +-1.
* bessel_i0e/i1e: the power series up to |x| = 30, the asymptotic expansion beyond.
"""
import math as _pymath
from fractions import Fraction

import numpy as np

from .. import errors
from .._core.primitive import Primitive
from . import math as _math
from .math import _ERF_T, _ERF_U, _ERFC_P, _ERFC_Q, _horner
from ._util import NO_PARAMS, Tensor, execute, pair
from ._util import tensor as as_tensor

_BERNOULLI = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66),
              Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510), Fraction(43867, 798),
              Fraction(-174611, 330), Fraction(854513, 138), Fraction(-236364091, 2730)]  # B_2, B_4, ..., B_24
_BERN_OVER_FACT = [float(b / _pymath.factorial(2 * j)) for j, b in enumerate(_BERNOULLI, 1)]  # B_2j / (2j)!
_SQRT_PI = _pymath.sqrt(_pymath.pi)


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _out(y, like):
    return np.asarray(y).astype(like.dtype, copy=False)


def _sinpi(x):
    """sin(pi x), exactly 0 at integers (the argument is reduced to [-0.5, 0.5] first)."""
    n = np.round(x)
    r = np.sin(np.pi * (x - n))
    return np.where(np.fmod(n, 2) == 0, r, -r)


# --- Hurwitz zeta ---------------------------------------------------------------------------
def _zeta64(x, q):
    x, q = np.broadcast_arrays(_f64(x), _f64(q))
    with np.errstate(all="ignore"):
        n = np.ceil(np.maximum(10.0, x + 24.0) - q)
        n = np.where(np.isfinite(n) & (n > 0), n, 0).astype(np.int64)
        s = np.zeros(x.shape)
        for k in range(int(n.max(initial=0))):
            s += np.where(k < n, (q + k) ** -x, 0.0)
        w = q + n
        s += w ** (1 - x) / (x - 1) + 0.5 * w ** -x
        rising = x.copy()                  # x (x + 1) ... (x + 2j - 2)
        power = w ** (-x - 1)              # w ** (-x - 2j + 1)
        for j, c in enumerate(_BERN_OVER_FACT):
            s += c * rising * power
            rising = rising * (x + 2 * j + 1) * (x + 2 * j + 2)
            power = power / (w * w)
        pole = (q <= 0) & (q == np.floor(q))
        s = np.where(pole | (x == 1), np.inf, s)
        s = np.where((x < 1) | ((q < 0) & ~pole & (x != np.floor(x))), np.nan, s)
        return np.where(np.isnan(x) | np.isnan(q), np.nan, s)


# --- lgamma and digamma ------------------------------------------------------------------
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
_EULER = 0.57721566490153286061
_ZETA_INT = _zeta64(np.arange(2.0, 40.0), 1.0)        # zeta(k) for k = 2..39
_ZETA_INT_M1 = _zeta64(np.arange(2.0, 40.0), 2.0)     # zeta(k) - 1


def _lgamma_pos(x):
    """log|Gamma(x)| for x >= 0.5 (Lanczos)."""
    z = x - 1
    a = np.full(z.shape, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], 1):
        a += c / (z + i)
    t = z + 7.5
    return 0.5 * np.log(2 * np.pi) + (z + 0.5) * np.log(t) - t + np.log(a)


def _lgamma_near(e, zetas, linear):
    """lgamma(1 + e) (zetas = zeta(k), linear = -gamma) or lgamma(2 + e) (zeta(k) - 1, 1 - gamma), |e| <= 0.2."""
    s = np.zeros(e.shape)
    for k in range(len(zetas) + 1, 1, -1):
        s = s * e + (-1) ** k * zetas[k - 2] / k
    return e * (linear + e * s)


def _lgamma_impl(x):
    v = _f64(x)
    with np.errstate(all="ignore"):
        pos = _lgamma_pos(np.where(v >= 0.5, v, 0.5))
        refl = np.log(np.pi / np.abs(_sinpi(v))) - _lgamma_pos(np.where(v < 0.5, 1 - v, 0.5))
        y = np.where(v >= 0.5, pos, refl)
        y = np.where(np.abs(v - 1) <= 0.2, _lgamma_near(v - 1, _ZETA_INT, -_EULER), y)
        y = np.where(np.abs(v - 2) <= 0.2, _lgamma_near(v - 2, _ZETA_INT_M1, 1 - _EULER), y)
        y = np.where(np.isinf(v) | ((v <= 0) & (v == np.floor(v))), np.inf, y)
    return _out(y + 0.0, x)  # + 0.0: TF's zeros (lgamma(1), lgamma(2)) are +0


def _digamma64(v):
    with np.errstate(all="ignore"):
        reflect = v < 0.5
        z = np.where(reflect, 1 - v, v)
        acc = np.zeros(v.shape)
        for _ in range(10):
            small = z < 10
            acc -= np.where(small, 1 / z, 0.0)
            z = np.where(small, z + 1, z)
        inv2 = 1 / (z * z)
        series = np.zeros(v.shape)
        for j in range(len(_BERNOULLI), 0, -1):
            series = series * inv2 + float(_BERNOULLI[j - 1]) / (2 * j)
        y = acc + np.log(z) - 0.5 / z - inv2 * series
        s = _sinpi(v)
        y = np.where(reflect, y - np.pi * _sinpi(v + 0.5) / s, y)  # psi(x) = psi(1 - x) - pi cot(pi x)
        y = np.where(reflect & (s == 0), np.nan, y)
        y = np.where(v == np.inf, np.inf, y)
        return np.where(v == -np.inf, np.nan, y)


def _digamma_impl(x):
    return _out(_digamma64(_f64(x)), x)


def _unary(prim, x):
    x = as_tensor(x)
    if x._value.dtype.kind != "f":
        raise errors.InvalidArgumentError(None, prim.name, (
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: bfloat16, half, float, "
            f"double [Op:{_TF_NAMES[prim.name]}]"))
    return execute(prim, (x,), NO_PARAMS)


def _const(value, like):
    return Tensor(np.asarray(value, like._value.dtype if isinstance(like, Tensor) else like.dtype._np))


def _unary_rules(deriv):
    """VJP and JVP of y = f(x) from ``deriv(out, x)`` = f'(x): grad * f'(x) and tangent * f'(x)."""
    def jvp(t, out, x):
        return None if t[0] is None else _math.multiply(t[0], deriv(out, x))
    return {"vjp": (lambda g, out, x: _math.multiply(g, deriv(out, x)),), "jvp": jvp}


zeta_p = Primitive("zeta", lambda x, q: _out(_zeta64(x, q), x), (
    None,                                                                                   # TF: no gradient in x
    lambda g, out, x, q: _math.multiply(g, _math.negative(_math.multiply(x, zeta(_math.add(x, _const(1, x)), q)))),
), jvp=lambda t, out, x, q: None if t[1] is None else _math.multiply(
    t[1], _math.negative(_math.multiply(x, zeta(_math.add(x, _const(1, x)), q)))), kinds="f")


def zeta(x, q, name=None):
    """The Hurwitz zeta function sum_k (q + k) ** -x (inf at x == 1 and at poles q = 0, -1, ...; nan for x < 1).

    Differentiable in q only (-x * zeta(x + 1, q)), as in TF.
    """
    return execute(zeta_p, pair("Zeta", x, q), NO_PARAMS)


digamma_p = Primitive("digamma", _digamma_impl,
                      **_unary_rules(lambda out, x: zeta(_const(2, x), x)),   # trigamma(x) = zeta(2, x)
                      kinds="f")
lgamma_p = Primitive("lgamma", _lgamma_impl, **_unary_rules(lambda out, x: digamma(x)), kinds="f")  # digamma(x)


def lgamma(x, name=None):
    """log(|Gamma(x)|) elementwise (inf at 0, -1, -2, ...)."""
    return _unary(lgamma_p, x)


def digamma(x, name=None):
    """The derivative of lgamma, psi(x) (nan at 0, -1, -2, ...)."""
    return _unary(digamma_p, x)


def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x (a a non-negative integer in x's float dtype; nan otherwise).

    Differentiable in x only (polygamma(a + 1, x)), as in TF.
    """
    from .array import stop_gradient
    a, x = pair("Polygamma", a, x)
    if a._value.dtype.kind != "f":
        raise errors.InvalidArgumentError(None, "Polygamma", (
            f"Value for attr 'T' of {a.dtype.name} is not in the list of allowed values: float, double "
            "[Op:Polygamma]"))
    a = stop_gradient(a)
    zero, one = _const(0, a), _const(1, a)
    valid = _math.logical_and(_math.greater_equal(a, zero), _math.equal(a, _math.floor(a)))
    safe_a = _math.where(valid, a, one)
    sign = _math.where(_math.equal(_math.floormod(safe_a, _const(2, a)), zero), _const(-1, a), one)
    higher = _math.multiply(_math.multiply(sign, _math.exp(lgamma(_math.add(safe_a, one)))),
                            zeta(_math.add(safe_a, one), x))
    y = _math.where(_math.equal(a, zero), digamma(x), higher)
    return _math.where(valid, y, _const(np.nan, y))


# --- erfc, erfinv, ndtri -------------------------------------------------------------------
def _exp_neg_sq(a):
    """exp(-a * a), with a * a split into exactly representable parts."""
    hi = np.round(a * 128) / 128
    lo = a - hi
    return np.exp(-hi * hi) * np.exp(-(2 * hi + lo) * lo)


def _erfcx_large(a):
    """exp(a^2) erfc(a) for a >= 8, by the continued fraction a + (1/2) / (a + 1 / (a + (3/2) / (a + ...)))."""
    f = a.copy()
    for k in range(60, 0, -1):
        f = a + (k / 2) / f
    return 1 / (_SQRT_PI * f)


def _erfc64(v):
    with np.errstate(all="ignore"):
        a = np.abs(v)
        z = np.minimum(a, 1.0) ** 2
        small = 1 - np.minimum(a, 1.0) * _horner(_ERF_T, z) / _horner(_ERF_U, z)
        mid_a = np.clip(a, 1.0, 8.0)
        mid = _exp_neg_sq(mid_a) * _horner(_ERFC_P, mid_a) / _horner(_ERFC_Q, mid_a)
        big_a = np.maximum(a, 8.0)
        big = _exp_neg_sq(big_a) * _erfcx_large(big_a)
        r = np.where(a < 1, small, np.where(a < 8, mid, big))
        r = np.where(a == np.inf, 0.0, r)
        return np.where(v < 0, 2 - r, r)


def _erfcx64(a):
    """exp(a^2) erfc(a) for a >= 0 (no overflow in the far tail)."""
    with np.errstate(all="ignore"):
        near = np.exp(a * a) * _erfc64(np.minimum(a, 8.0))
        return np.where(a < 8, near, _erfcx_large(np.maximum(a, 8.0)))


def _erf64(v):
    from .math import _erf_impl
    return _erf_impl(v)


def _giles(x, w):
    """Giles' single-precision erfinv(x) given w = -log((1 - x)(1 + x))."""
    w1 = w - 2.5
    p1 = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
              0.246640727, 1.50140941):
        p1 = c + p1 * w1
    w2 = np.sqrt(w) - 3
    p2 = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
              1.00167406, 2.83297682):
        p2 = c + p2 * w2
    return np.where(w < 5, p1, p2) * x


def _erfcinv_tail(q):
    """y with erfc(y) = q for 0 < q <= 0.5 (y >= 0.47), by Halley steps on the scaled residual."""
    with np.errstate(all="ignore"):
        w = -np.log(q * (2 - q))
        y = _giles(1 - q, w)
        far = q < 1e-10
        y0 = np.sqrt(-np.log(np.where(far, q, 1e-10)))
        y0 = np.sqrt(-np.log(np.where(far, q, 1e-10)) - np.log(y0 * _SQRT_PI))
        y = np.where(far, y0, y)
        log_q = np.log(q)
        for _ in range(4):
            r = 0.5 * _SQRT_PI * (_erfcx64(y) - np.exp(log_q + y * y))   # -f / f'
            y = y + r / (1 - y * r)
        return y


def _erfinv_center(x):
    """erfinv(x) for |x| <= 0.5, by Halley steps on erf."""
    with np.errstate(all="ignore"):
        y = _giles(x, -np.log((1 - x) * (1 + x)))
        for _ in range(2):
            r = 0.5 * _SQRT_PI * (_erf64(y) - x) * np.exp(y * y)          # f / f'
            y = y - r / (1 + y * r)
        return y


def _erfcinv64(q):
    """y with erfc(y) = q, for q in [0, 2] (nan outside)."""
    with np.errstate(all="ignore"):
        lo = q < 0.5
        hi = q > 1.5
        tail = _erfcinv_tail(np.where(lo, q, np.where(hi, 2 - q, 0.5)))
        center = _erfinv_center(np.where(lo | hi, 0.0, 1 - q))
        y = np.where(lo, tail, np.where(hi, -tail, center))
        y = np.where(q == 0, np.inf, np.where(q == 2, -np.inf, y))
        return np.where((q < 0) | (q > 2) | np.isnan(q), np.nan, y)


def _erfinv_impl(x):
    v = _f64(x)
    with np.errstate(all="ignore"):
        a = np.abs(v)
        y = np.where(a <= 0.5, _erfinv_center(np.where(a <= 0.5, v, 0.0)),
                     np.copysign(_erfcinv64(np.where(a <= 0.5, 1.0, 1 - a)), v))
        y = np.where(a == 1, np.copysign(np.inf, v), y)
        return _out(np.where((a > 1) | np.isnan(v), np.nan, y) + 0.0, x)  # TF: erfinv(-0) is +0


def _ndtri_impl(p):
    v = _f64(p)
    with np.errstate(all="ignore"):
        upper = v > 0.5
        y = np.sqrt(2) * _erfcinv64(2 * np.where(upper, 1 - v, v))
        return _out(np.where(upper, y, -y) + 0.0, p)  # TF: ndtri(0.5) is +0


erfc_p = Primitive("erfc", lambda x: _out(_erfc64(_f64(x)), x), **_unary_rules(
    lambda out, x: _math.multiply(_const(-2 / _SQRT_PI, x), _math.exp(_math.negative(_math.square(x))))),
    kinds="f")                                                                # -2/sqrt(pi) * exp(-x^2)
erfinv_p = Primitive("erfinv", _erfinv_impl, **_unary_rules(
    lambda out, x: _math.multiply(_const(_SQRT_PI / 2, x), _math.exp(_math.square(out)))),
    kinds="f", save_output=True)                                              # sqrt(pi)/2 * exp(erfinv(x)^2)
ndtri_p = Primitive("ndtri", _ndtri_impl, **_unary_rules(
    lambda out, x: _math.multiply(_const(np.sqrt(2 * np.pi), x),
                                  _math.exp(_math.multiply(_const(0.5, x), _math.square(out))))),
    kinds="f", save_output=True)                                              # sqrt(2 pi) * exp(ndtri(x)^2 / 2)


def erfc(x, name=None):
    """The complementary error function 1 - erf(x), accurate where erf(x) is near 1."""
    return _unary(erfc_p, x)


def erfinv(x, name=None):
    """The inverse error function on [-1, 1] (+-inf at +-1, nan outside)."""
    return _unary(erfinv_p, x)


def ndtri(x, name=None):
    """The inverse of the standard normal CDF on [0, 1] (-inf at 0, inf at 1, nan outside)."""
    return _unary(ndtri_p, x)


def erfcinv(x, name=None):
    """The inverse of erfc on [0, 2]: -ndtri(x / 2) / sqrt(2)."""
    x = as_tensor(x)
    return _math.multiply(_math.negative(ndtri(_math.multiply(x, _const(0.5, x)))), _const(np.sqrt(0.5), x))


# --- modified Bessel functions, exponentially scaled ------------------------------------------
def _bessel_ie(x, order):
    """exp(-|x|) I_order(x) for order 0 or 1."""
    v = _f64(x)
    a = np.abs(v)
    with np.errstate(all="ignore"):
        s_a = np.minimum(a, 30.0)
        q = s_a * s_a / 4
        term = np.ones(a.shape) if order == 0 else s_a / 2
        total = term.copy()
        for k in range(1, 80):
            term = term * q / (k * (k + order))
            total += term
        series = total * np.exp(-s_a)
        l_a = np.maximum(a, 30.0)
        mu = 4.0 * order * order
        term = np.ones(a.shape)
        total = term.copy()
        for k in range(1, 25):
            term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * l_a)
            total += term
        asym = total / np.sqrt(2 * np.pi * l_a)
        y = np.where(a <= 30, series, asym)
        y = np.where(a == np.inf, 0.0, y)
        if order == 1:
            y = np.where(v < 0, -y, y)
    return _out(np.where(np.isnan(v), np.nan, y), x)


def _i1e_deriv(out, x):
    """i0e(x) - i1e(x) * (sign(x) + 1 / x), taken at the smallest normal for x == 0 (0.5 there)."""
    tiny = _const(np.finfo(np.float64 if x.dtype.name == "float64" else np.float32).tiny, x)
    safe = _math.where(_math.equal(x, _const(0, x)), tiny, x)
    return _math.subtract(bessel_i0e(safe), _math.multiply(out, _math.add(_math.sign(safe), _math.reciprocal(safe))))


bessel_i0e_p = Primitive("bessel_i0e", lambda x: _bessel_ie(x, 0), **_unary_rules(
    lambda out, x: _math.subtract(bessel_i1e(x), _math.multiply(_math.sign(x), out))),
    kinds="f", save_output=True)                                             # i1e(x) - sign(x) i0e(x)
bessel_i1e_p = Primitive("bessel_i1e", lambda x: _bessel_ie(x, 1), **_unary_rules(_i1e_deriv),
                         kinds="f", save_output=True)

_TF_NAMES = {"lgamma": "Lgamma", "digamma": "Digamma", "erfc": "Erfc", "erfinv": "Erfinv", "ndtri": "Ndtri",
             "bessel_i0e": "BesselI0e", "bessel_i1e": "BesselI1e"}


def bessel_i0e(x, name=None):
    """exp(-|x|) I0(x), the exponentially scaled modified Bessel function of order 0."""
    return _unary(bessel_i0e_p, x)


def bessel_i1e(x, name=None):
    """exp(-|x|) I1(x), the exponentially scaled modified Bessel function of order 1."""
    return _unary(bessel_i1e_p, x)


def bessel_i0(x, name=None):
    """I0(x), the modified Bessel function of order 0: i0e(x) * exp(|x|)."""
    x = as_tensor(x)
    return _math.multiply(bessel_i0e(x), _math.exp(_math.abs(x)))


def bessel_i1(x, name=None):
    """I1(x), the modified Bessel function of order 1: i1e(x) * exp(|x|)."""
    x = as_tensor(x)
    return _math.multiply(bessel_i1e(x), _math.exp(_math.abs(x)))


__all__ = ["lgamma", "digamma", "zeta", "polygamma", "erfc", "erfinv", "erfcinv", "ndtri", "bessel_i0e",
           "bessel_i1e", "bessel_i0", "bessel_i1"]
