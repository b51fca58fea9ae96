"""Gradient checker: reverse- and forward-mode derivatives against central finite differences in float64.

A VJP is checked by the inner-product identity along random directions:
``<vjp(u), v> == <u, J v>``, with ``J v`` from central differences. Order 2
checks the VJP of the backward pass itself (nested tapes), so a rule that is
right at first order but not differentiable through is caught.

A JVP (ForwardAccumulator) is checked directly against central differences,
and against the reverse mode by ``<J v, u> == <v, J^T u>``. Order 2 checks the
compositions: forward-over-reverse (the JVP of a VJP), forward-over-forward
(the JVP of a JVP) and reverse-over-forward (the VJP of a JVP).
"""
import numpy as np

from .._core import nest
from .._core.forwardprop import ForwardAccumulator
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
    rng, args, wrt = _prepare(rng, args, wrt)
    check_vjp(f, args, rng, eps, rtol, atol, wrt)
    if order < 2:
        return
    us = [rng.standard_normal(o._value.shape) for o in _float_outputs(f, [constant(a) for a in args])]
    n = len(args)
    check_vjp(_vjp_function(f, n, wrt), args + us, rng, eps, rtol * 10, atol * 10, wrt + list(range(n, n + len(us))))


def _prepare(rng, args, wrt):
    """The generator, the arguments (floating ones as float64) and the indices to differentiate."""
    rng = np.random.default_rng(0) if rng is None else rng
    args = [np.asarray(a, dtype=np.float64) if _is_float(a) else np.asarray(a) for a in args]
    return rng, args, [i for i, a in enumerate(args) if _is_float(a)] if wrt is None else list(wrt)


def _vjp_function(f, n, wrt):
    """``(*xs, *us) -> J^T u`` for the arguments ``wrt`` of ``f`` (its ``n`` first arguments are ``xs``)."""
    def vjp_fn(*xs_and_us):
        xs, cot = list(xs_and_us[:n]), list(xs_and_us[n:])
        with GradientTape() as tape:
            tape.watch([xs[i] for i in wrt])
            out = _float_outputs(f, xs)
        return tape.gradient(out, [xs[i] for i in wrt], output_gradients=cot, unconnected_gradients="zero")
    return vjp_fn


def _float_outputs(f, xs):
    return [o for o in map(convert_to_tensor, nest.flatten(f(*xs))) if _is_float(o._value)]


def check_jvp(f, args, rng=None, eps=1e-6, rtol=1e-5, atol=1e-6, wrt=None):
    """Checks the forward-mode derivative of ``f`` at ``args`` (float64 NumPy arrays).

    ``J v`` from a ForwardAccumulator along a random ``v`` must match central differences entry by
    entry, and satisfy ``<J v, u> == <v, J^T u>`` with ``J^T u`` from a GradientTape.

    Raises:
      AssertionError: naming the mismatch.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    wrt = [i for i, a in enumerate(args) if _is_float(a)] if wrt is None else list(wrt)
    xs = [constant(a) for a in args]
    vs = [rng.standard_normal(np.shape(args[i])) for i in wrt]
    sources = [xs[i] for i in wrt]
    with GradientTape() as tape:
        tape.watch(sources)
        with ForwardAccumulator(sources, [constant(v) for v in vs]) as acc:
            outs = [convert_to_tensor(o) for o in nest.flatten(f(*xs))]
    diff = [k for k, o in enumerate(outs) if _is_float(o._value)]
    jv = [_np(acc.jvp(outs[k], unconnected_gradients="zero")) for k in diff]
    tangents = [None] * len(args)
    for i, v in zip(wrt, vs):
        tangents[i] = v
    fd = numerical_jvp(f, args, tangents, eps)
    for k, a, n in zip(diff, jv, (fd[k] for k in diff)):
        if a.shape != n.shape:
            raise AssertionError(f"JVP check failed: output {k} has a tangent of shape {a.shape}, not {n.shape}")
        tol = atol + rtol * max(1.0, float(np.abs(n).max(initial=0.0)))
        err = float(np.abs(a - n).max(initial=0.0))
        if not err <= tol:
            raise AssertionError(f"JVP check failed: output {k} differs from central differences by {err:.3g} "
                                 f"(tolerance {tol:.3g})\nforward mode: {a}\nfinite differences: {n}")
    us = [rng.standard_normal(outs[k]._value.shape).astype(outs[k]._value.dtype) for k in diff]
    grads = tape.gradient([outs[k] for k in diff], sources, output_gradients=[constant(u) for u in us],
                          unconnected_gradients="zero")
    lhs = sum(_inner(u, j) for u, j in zip(us, jv))
    rhs = sum(_inner(_np(g), v) for g, v in zip(grads, vs))
    scale = max(1.0, abs(rhs), sum(float(np.abs(j).sum()) for j in jv))
    if not abs(lhs - rhs) <= atol + rtol * scale:
        raise AssertionError(f"JVP check failed: <J v, u> = {lhs!r} but <v, J^T u> = {rhs!r} "
                             f"(|diff| {abs(lhs - rhs):.3g}, tolerance {atol + rtol * scale:.3g})")


def check_jvps(f, args, order=2, rng=None, eps=1e-6, rtol=1e-5, atol=1e-6, wrt=None):
    """Checks forward-mode derivatives of ``f`` at ``args``; with ``order=2`` also their compositions.

    Order 2 checks forward-over-reverse (the JVP of ``(x, u) -> J^T u``), forward-over-forward (the
    JVP of ``(x, v) -> J v``) and reverse-over-forward (the VJP of the same function).

    >>> check_jvps(tapegrad.sin, [np.array([0.3, 1.2])])
    """
    rng, args, wrt = _prepare(rng, args, wrt)
    check_jvp(f, args, rng, eps, rtol, atol, wrt)
    if order < 2:
        return
    n = len(args)
    us = [rng.standard_normal(o._value.shape) for o in _float_outputs(f, [constant(a) for a in args])]
    vs = [rng.standard_normal(np.shape(args[i])) for i in wrt]

    def jvp_fn(*xs_and_vs):
        xs, tan = list(xs_and_vs[:n]), list(xs_and_vs[n:])
        with ForwardAccumulator([xs[i] for i in wrt], tan) as acc:
            out = _float_outputs(f, xs)
        return acc.jvp(out, unconnected_gradients="zero")

    wrt2 = wrt + list(range(n, n + len(us)))
    check_jvp(_vjp_function(f, n, wrt), args + us, rng, eps, rtol * 10, atol * 10, wrt2)
    wrt2 = wrt + list(range(n, n + len(vs)))
    check_jvp(jvp_fn, args + vs, rng, eps, rtol * 10, atol * 10, wrt2)
    check_vjp(jvp_fn, args + vs, rng, eps, rtol * 10, atol * 10, wrt2)
