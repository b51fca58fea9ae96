"""More of ``tf.math``: the regularized incomplete gamma functions (igamma, igammac), the regularized
incomplete beta function (betainc), nextafter and accumulate_n, with TF's values at the edges and TF's
gradients.

Kernels compute in float64 and return the input's dtype:

* igamma: the power series for x < a + 1, Legendre's continued fraction (modified Lentz) for Q = 1 - P
  beyond; both carry their derivative in ``a`` along (forward mode on the recurrences), which is TF's
  IgammaGradA. As in TF, that derivative has no gradient of its own (LookupError at second order in a).
* betainc: the continued fraction of Numerical Recipes' betacf, on whichever tail converges. TF
  differentiates it in x only (None for a and b).
"""
import numpy as np

from .. import errors
from .._core.forwardprop import partials_jvp
from .._core.primitive import Primitive
from .._core.tensor import Variable
from . import array as _array
from . import math as _math
from . import math_extra as _math_extra
from . import special as _special
from ._util import NO_PARAMS, Tensor, execute, pair, same_dtype, tensor

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300
_MAX_ITER = 100000


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _check_float(op, x, allowed=("float32", "float64")):
    if x.dtype.name not in allowed:
        names = ", ".join({"bfloat16": "bfloat16", "float16": "half", "float32": "float", "float64": "double"}[a]
                          for a in allowed)
        raise errors.InvalidArgumentError(None, op, f"Value for attr 'T' of {x.dtype.name} is not in the list of "
                                                    f"allowed values: {names} [Op:{op}]")


# --- incomplete gamma -----------------------------------------------------------------------------
def _scaled(a, x, s, ds):
    """(pref * s, its derivative in a) for pref = x^a e^-x / Gamma(a), given s and ds/da."""
    pref = np.exp(a * np.log(x) - x - _special._lgamma_impl(a))
    return pref * s, pref * (ds + s * (np.log(x) - _special._digamma64(a)))


def _gamma_series(a, x):
    """P(a, x) and dP/da by the series x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n)), for x < a + 1."""
    term = 1 / a
    dterm = -1 / (a * a)
    total, dtotal = term.copy(), dterm.copy()
    ap = a.copy()
    active = np.ones(a.shape, dtype=bool)
    for _ in range(_MAX_ITER):
        ap = ap + 1
        new = term * x / ap
        dterm = np.where(active, dterm * x / ap - new / ap, dterm)
        term = np.where(active, new, term)
        total = np.where(active, total + term, total)
        dtotal = np.where(active, dtotal + dterm, dtotal)
        active &= (np.abs(term) > np.abs(total) * _EPS) | (np.abs(dterm) > np.abs(dtotal) * _EPS)
        if not active.any():
            break
    return _scaled(a, x, total, dtotal)


def _gamma_cf(a, x):
    """Q(a, x) and dQ/da by Legendre's continued fraction (modified Lentz, with derivatives), for x >= a + 1."""
    b = x + 1 - a
    db = -np.ones(a.shape)
    c = np.full(a.shape, 1 / _TINY)
    dc = np.zeros(a.shape)
    d = 1 / b
    dd = -db / (b * b)
    h, dh = d.copy(), dd.copy()
    active = np.ones(a.shape, dtype=bool)
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        dan = float(i)
        b = b + 2
        dn = an * d + b
        ddn = dan * d + an * dd + db
        small = np.abs(dn) < _TINY
        dn = np.where(small, _TINY, dn)
        cn = b + an / c
        dcn = db + dan / c - an * dc / (c * c)
        cn = np.where(np.abs(cn) < _TINY, _TINY, cn)
        dinv = 1 / dn
        ddinv = -ddn / (dn * dn)
        delta = dinv * cn
        ddelta = ddinv * cn + dinv * dcn
        hn = h * delta
        dhn = dh * delta + h * ddelta
        going = (np.abs(delta - 1) > _EPS) | (np.abs(dh - dhn) > np.abs(dhn) * _EPS)  # the derivative too
        d, dd = np.where(active, dinv, d), np.where(active, ddinv, dd)
        c, dc = np.where(active, cn, c), np.where(active, dcn, dc)
        h, dh = np.where(active, hn, h), np.where(active, dhn, dh)
        active &= going
        if not active.any():
            break
    return _scaled(a, x, h, dh)


def _igamma64(a, x):
    """(P(a, x), dP/da) in float64, with TF's values at the edges."""
    a, x = np.broadcast_arrays(_f64(a), _f64(x))
    p = np.full(a.shape, np.nan)
    dp = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        ok = (a > 0) & (x >= 0) & ~np.isnan(a) & ~np.isnan(x)
        zero = ok & ((x == 0) | (a == np.inf))
        one = ok & (x == np.inf) & (a < np.inf)
        p[zero], dp[zero] = 0.0, 0.0
        p[one], dp[one] = 1.0, -0.0
        rest = ok & ~zero & ~one
        series = rest & (x < a + 1)
        cf = rest & ~series
        if series.any():
            p[series], dp[series] = _gamma_series(a[series], x[series])
        if cf.any():
            q, dq = _gamma_cf(a[cf], x[cf])
            p[cf], dp[cf] = 1 - q, -dq
    return p, dp


def _igammac64(a, x):
    """Q(a, x) in float64, from the continued fraction where it is the accurate side."""
    a, x = np.broadcast_arrays(_f64(a), _f64(x))
    p, _ = _igamma64(a, x)
    q = 1 - p
    with np.errstate(all="ignore"):
        cf = (a > 0) & (x >= a + 1) & (x < np.inf) & (a < np.inf)
        if cf.any():
            q[cf] = _gamma_cf(a[cf], x[cf])[0]
    return q


def _partial_x_igamma(a, x):
    """dP/dx = exp(-x + (a - 1) log x - lgamma(a)) (TF's, in log space)."""
    one = _special._const(1, a)
    return _math.exp(_math.negative(x) + (a - one) * _math.log(x) - _special.lgamma(a))


igamma_grad_a_p = Primitive("igamma_grad_a", lambda a, x: _igamma64(a, x)[1].astype(a.dtype), None,
                            kinds="f")  # TF registers no gradient for IgammaGradA: LookupError


def _grad_a(a, x):
    return execute(igamma_grad_a_p, (a, x), NO_PARAMS)


igamma_p = Primitive("igamma", lambda a, x: _igamma64(a, x)[0].astype(a.dtype), (
    lambda g, out, a, x: g * _grad_a(a, x),
    lambda g, out, a, x: g * _partial_x_igamma(a, x),
), jvp=partials_jvp(lambda out, a, x: _grad_a(a, x), lambda out, a, x: _partial_x_igamma(a, x)), kinds="f")
igammac_p = Primitive("igammac", lambda a, x: _igammac64(a, x).astype(a.dtype), (
    lambda g, out, a, x: _math.negative(g * _grad_a(a, x)),
    lambda g, out, a, x: _math.negative(g * _partial_x_igamma(a, x)),
), jvp=partials_jvp(lambda out, a, x: _math.negative(_grad_a(a, x)),
                    lambda out, a, x: _math.negative(_partial_x_igamma(a, x))), kinds="f")


def _gamma_args(op, a, x):
    a, x = pair(op, a, x)
    _check_float(op, a, ("bfloat16", "float16", "float32", "float64"))
    return a, x


def igamma(a, x, name=None):
    """The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a).

    NaN where a <= 0 or x < 0; differentiable in both arguments (the derivative in a, TF's IgammaGradA,
    has no gradient of its own).
    """
    return execute(igamma_p, _gamma_args("Igamma", a, x), NO_PARAMS)


def igammac(a, x, name=None):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return execute(igammac_p, _gamma_args("Igammac", a, x), NO_PARAMS)


# --- incomplete beta ------------------------------------------------------------------------------
def _beta_cf(a, b, x):
    """Numerical Recipes' betacf continued fraction (modified Lentz), vectorized."""
    qab, qap, qam = a + b, a + 1, a - 1
    c = np.ones(a.shape)
    d = 1 - qab * x / qap
    d = 1 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    active = np.ones(a.shape, dtype=bool)
    for m in range(1, _MAX_ITER):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        dn = 1 + aa * d
        dn = 1 / np.where(np.abs(dn) < _TINY, _TINY, dn)
        cn = 1 + aa / c
        cn = np.where(np.abs(cn) < _TINY, _TINY, cn)
        hn = h * dn * cn
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        dn2 = 1 + aa * dn
        dn2 = 1 / np.where(np.abs(dn2) < _TINY, _TINY, dn2)
        cn2 = 1 + aa / cn
        cn2 = np.where(np.abs(cn2) < _TINY, _TINY, cn2)
        delta = dn2 * cn2
        hn = hn * delta
        d, c, h = np.where(active, dn2, d), np.where(active, cn2, c), np.where(active, hn, h)
        active &= np.abs(delta - 1) > _EPS
        if not active.any():
            break
    return h


def _betainc64(a, b, x):
    a, b, x = np.broadcast_arrays(_f64(a), _f64(b), _f64(x))
    out = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        ok = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
        out[ok & (x == 0)] = 0.0
        out[ok & (x == 1)] = 1.0
        inner = ok & (x > 0) & (x < 1)
        if inner.any():
            ai, bi, xi = a[inner], b[inner], x[inner]
            log_bt = (_special._lgamma_impl(ai + bi) - _special._lgamma_impl(ai) - _special._lgamma_impl(bi)
                      + ai * np.log(xi) + bi * np.log1p(-xi))
            bt = np.exp(log_bt)
            direct = xi < (ai + 1) / (ai + bi + 2)
            res = np.empty(ai.shape)
            if direct.any():
                res[direct] = bt[direct] * _beta_cf(ai[direct], bi[direct], xi[direct]) / ai[direct]
            flip = ~direct
            if flip.any():
                res[flip] = 1 - bt[flip] * _beta_cf(bi[flip], ai[flip], 1 - xi[flip]) / bi[flip]
            out[inner] = res
    return out


def _betainc_partial_x(a, b, x):
    """exp(xlog1py(b - 1, -x) + xlogy(a - 1, x) - log B(a, b)) (TF's, in log space)."""
    one = _special._const(1, a)
    log_beta = _special.lgamma(a) + _special.lgamma(b) - _special.lgamma(a + b)
    return _math.exp(_math_extra.xlog1py(b - one, _math.negative(x)) + _math.xlogy(a - one, x) - log_beta)


betainc_p = Primitive("betainc", lambda a, b, x: _betainc64(a, b, x).astype(x.dtype), (
    None, None,  # TF: no gradient in a and b
    lambda g, out, a, b, x: g * _betainc_partial_x(a, b, x),
), jvp=partials_jvp(None, None, lambda out, a, b, x: _betainc_partial_x(a, b, x)), kinds="f")


def betainc(a, b, x, name=None):
    """The regularized incomplete beta function I_x(a, b) (NaN outside a, b > 0, 0 <= x <= 1).

    a, b and x have one shape, or are scalars (broadcast). Differentiable in x only, as in TF.
    """
    op = "Betainc"
    first = next((t for t in (a, b, x) if isinstance(t, (Tensor, Variable))), None)
    dtype = first.dtype if first is not None else None
    a, b, x = (tensor(t, dtype=dtype) if not isinstance(t, (Tensor, Variable)) else tensor(t) for t in (a, b, x))
    same_dtype(op, (a, b, x))
    _check_float(op, a)
    shapes = [t._value.shape for t in (a, b, x)]
    full = [s for s in shapes if s != ()]
    for name_, s in zip(("a", "b"), shapes[:2]):
        if s != () and shapes[2] != () and s != shapes[2]:
            raise errors.InvalidArgumentError(None, op, f"Shapes of {name_} and x are inconsistent: "
                                                        f"[{','.join(map(str, s))}] vs. "
                                                        f"[{','.join(map(str, shapes[2]))}] [Op:{op}]")
    if shapes[0] != () and shapes[1] != () and shapes[0] != shapes[1]:
        raise errors.InvalidArgumentError(None, op, f"Shapes of a and b are inconsistent: "
                                                    f"[{','.join(map(str, shapes[0]))}] vs. "
                                                    f"[{','.join(map(str, shapes[1]))}] [Op:{op}]")
    if full:
        a, b, x = (t if t._value.shape == full[0] else _array.broadcast_to(t, full[0]) for t in (a, b, x))
    return execute(betainc_p, (a, b, x), NO_PARAMS)


# --- nextafter, accumulate_n ------------------------------------------------------------------------
nextafter_p = Primitive("nextafter", np.nextafter, (
    lambda g, out, x1, x2: g,                        # TF: d/dx1 = 1
    lambda g, out, x1, x2: _array.zeros_like(g),    # d/dx2 = 0 (zeros, not None, as TF)
), jvp=lambda ts, out, x1, x2: ts[0], kinds="f")


def nextafter(x1, x2, name=None):
    """The next representable value after ``x1`` in the direction of ``x2`` (float32/float64, broadcasting)."""
    x1, x2 = pair("NextAfter", x1, x2)
    _check_float("NextAfter", x1)
    return execute(nextafter_p, (x1, x2), NO_PARAMS)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The elementwise sum of a list of tensors of one dtype and shape (deprecated in TF: ``tf.math.add_n``)."""
    message = "inputs must be a list of at least one Tensor with the same dtype and shape"
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(message)
    if not all(isinstance(t, (Tensor, Variable)) for t in inputs):
        raise ValueError(message)
    ts = [tensor(t) for t in inputs]
    if not all(t.dtype == ts[0].dtype for t in ts):
        raise ValueError(message)
    shapes = [t._value.shape for t in ts]
    if not all(s == shapes[0] for s in shapes):
        raise ValueError(message)
    if shape is not None:
        want = tuple(int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))
        if want != shapes[0]:
            raise ValueError(f"Shapes ({', '.join(map(str, want))}{',' if len(want) == 1 else ''}) and "
                             f"({', '.join(map(str, shapes[0]))}{',' if len(shapes[0]) == 1 else ''}) are not "
                             "compatible")
    if tensor_dtype is not None:
        from .._core import dtypes as _dt
        if _dt.as_dtype(tensor_dtype) != ts[0].dtype:
            raise TypeError(f"The `tensor_dtype` argument is {_dt.as_dtype(tensor_dtype)}, but `input` is of type "
                            f"{ts[0].dtype}. These must be equal. Try casting the input to the desired type.")
    if len(ts) == 1:
        return ts[0]
    return _math.add_n(ts)


__all__ = ["accumulate_n", "betainc", "igamma", "igammac", "nextafter"]
