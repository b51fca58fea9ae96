"""Every primitive's spec, traced by ``tapegrad.function`` and run on *new* values, matches eager execution.

The function is traced on one set of inputs and called on another of the
same shapes: a value read with NumPy during tracing (instead of by an
equation) would be baked into the graph and give the old inputs' result.
Forward values and first-order gradients are compared.
"""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad._core import nest

from .specs import all_specs

SPECS = all_specs()


def _spec_id(spec):
    return spec.id or spec.prim


def _forward_and_grad(fn, xs):
    with tg.GradientTape() as tape:
        tape.watch([x for x in xs if x.dtype.is_floating])
        out = fn(*xs)
    flat = [tg.convert_to_tensor(o) for o in nest.flatten(out)]
    diff = [o for o in flat if o.dtype.is_floating or o.dtype.is_complex]
    floats = [x for x in xs if x.dtype.is_floating]
    grads = tape.gradient(diff, floats) if diff and floats else []
    return flat, grads


def _np(t):
    return None if t is None else np.asarray(t)


def _close(a, b, spec):
    if a is None or b is None:
        assert a is None and b is None, (a, b)
        return
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=max(spec.rtol, 1e-6), atol=max(spec.atol, 1e-6))


@pytest.mark.parametrize("spec", SPECS, ids=[_spec_id(s) for s in SPECS])
def test_traced_spec_matches_eager_on_new_values(spec):
    rng = np.random.default_rng(99)
    first = spec.cases(rng)
    second = spec.cases(rng)
    traced = tg.function(lambda *xs: _forward_and_grad(spec.fn, list(xs)))
    for args_a, args_b in zip(first, second):
        traced(*[tg.constant(a) for a in args_a])  # trace on the first values
        xs_b = [tg.constant(b) for b in args_b]
        got_out, got_grads = traced(*xs_b)
        want_out, want_grads = _forward_and_grad(spec.fn, xs_b)
        assert len(got_out) == len(want_out)
        for g, w in zip(got_out, want_out):
            _close(_np(g), _np(w), spec)
        for g, w in zip(got_grads, want_grads):
            _close(_np(g), _np(w), spec)
