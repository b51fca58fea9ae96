"""Gradient checker: reverse-mode derivatives against central finite differences in float64.

A VJP is checked by the inner-product identity along random directions:
``<vjp(u), v> == <u, J v>``, with ``J v`` from central differences. Order 2
checks the VJP of the backward pass itself (nested tapes), so a rule that is
right at first order but not differentiable through is caught.
"""
import numpy as np

from .._core import nest
from .._core.tape import GradientTape
from .._core.tensor import Tensor, constant, convert_to_tensor


def _np(t):
    return np.asarray(t._value if isinstance(t, Tensor) else t)


def _is_float(a):
    return np.asarray(a).dtype.kind in "fc"


def numerical_jvp(f, args, tangents, eps=1e-6):
    """Central-difference ``J v`` of ``f`` (on float64 NumPy args); a list, one per flat output."""
    plus = [a + eps * t if t is not None else a for a, t in zip(args, tangents)]
    minus = [a - eps * t if t is not None else a for a, t in zip(args, tangents)]
    fp = [convert_to_tensor(o) for o in nest.flatten(f(*[constant(a) for a in plus]))]
    fm = [convert_to_tensor(o) for o in nest.flatten(f(*[constant(a) for a in minus]))]
    return [(_np(p).astype(np.float64) - _np(m).astype(np.float64)) / (2 * eps) for p, m in zip(fp, fm)]


def _inner(a, b):
    return float(np.real(np.vdot(np.asarray(a), np.asarray(b))))


def check_vjp(f, args, rng=None, eps=1e-6, rtol=1e-5, atol=1e-6, wrt=None):
    """Checks the reverse-mode derivative of ``f`` at ``args`` (float64 NumPy arrays).

    Args:
      f: a function of tapegrad tensors returning a tensor or a nest of them.
      args: NumPy arrays; floating ones are differentiated unless ``wrt`` says otherwise.
      wrt: optional indices of the arguments to differentiate.

    Raises:
      AssertionError: naming the mismatch.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    wrt = [i for i, a in enumerate(args) if _is_float(a)] if wrt is None else list(wrt)
    xs = [constant(a) for a in args]
    with GradientTape() as tape:
        tape.watch([xs[i] for i in wrt])
        out = [convert_to_tensor(o) for o in nest.flatten(f(*xs))]
    diff_outs = [o for o in out if _is_float(o._value)]
    us = [rng.standard_normal(o._value.shape).astype(o._value.dtype) for o in diff_outs]
    grads = tape.gradient(diff_outs, [xs[i] for i in wrt], output_gradients=[constant(u) for u in us],
                          unconnected_gradients="zero")
    vs = [rng.standard_normal(np.shape(args[i])) for i in wrt]
    tangents = [None] * len(args)
    for i, v in zip(wrt, vs):
        tangents[i] = v
    jv = [j for j, o in zip(numerical_jvp(f, args, tangents, eps), out) if _is_float(o._value)]
    lhs = sum(_inner(_np(g), v) for g, v in zip(grads, vs))
    rhs = sum(_inner(u, j) for u, j in zip(us, jv))
    scale = max(1.0, abs(rhs), sum(float(np.abs(j).sum()) for j in jv))
    if not abs(lhs - rhs) <= atol + rtol * scale:
        raise AssertionError(f"VJP check failed: <vjp(u), v> = {lhs!r} but <u, J v> = {rhs!r} "
                             f"(|diff| {abs(lhs - rhs):.3g}, tolerance {atol + rtol * scale:.3g})")


def check_grads(f, args, order=2, rng=None, eps=1e-6, rtol=1e-5, atol=1e-6, wrt=None):
    """Checks derivatives of ``f`` at ``args`` up to ``order`` (1 or 2) in reverse mode.

    >>> check_grads(tapegrad.sin, [np.array([0.3, 1.2])])
    """
    rng = np.random.default_rng(0) if rng is None else rng
    args = [np.asarray(a, dtype=np.float64) if _is_float(a) else np.asarray(a) for a in args]
    wrt = [i for i, a in enumerate(args) if _is_float(a)] if wrt is None else list(wrt)
    check_vjp(f, args, rng, eps, rtol, atol, wrt)
    if order < 2:
        return
    xs0 = [constant(a) for a in args]
    outs = [o for o in map(convert_to_tensor, nest.flatten(f(*xs0))) if _is_float(o._value)]
    us = [rng.standard_normal(o._value.shape) for o in outs]
    n = len(args)

    def vjp_fn(*xs_and_us):
        xs, cot = list(xs_and_us[:n]), list(xs_and_us[n:])
        with GradientTape() as tape:
            tape.watch([xs[i] for i in wrt])
            out = [o for o in map(convert_to_tensor, nest.flatten(f(*xs))) if _is_float(o._value)]
        return tape.gradient(out, [xs[i] for i in wrt], output_gradients=cot, unconnected_gradients="zero")

    check_vjp(vjp_fn, args + us, rng, eps, rtol * 10, atol * 10, wrt + list(range(n, n + len(us))))
