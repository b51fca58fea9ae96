"""Runs the shipped gradient checker over the spec table; fails for a primitive without a spec."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad._core.primitive import REGISTRY
from tapegrad.testing import check_grads

from .specs import all_specs

SPECS = all_specs()
BUILTIN = set(REGISTRY)  # primitives defined by tapegrad itself (tests may add their own later)


def _spec_id(spec):
    return spec.id or spec.prim


@pytest.mark.parametrize("spec", SPECS, ids=[_spec_id(s) for s in SPECS])
def test_gradients_match_finite_differences(spec):
    rng = np.random.default_rng(1234)
    for args in spec.cases(rng):
        if spec.grad:
            check_grads(spec.fn, args, order=spec.order, rng=rng, rtol=spec.rtol, atol=spec.atol)
        else:
            xs = [tg.constant(a) for a in args]
            with tg.GradientTape() as tape:
                tape.watch(xs)
                out = spec.fn(*xs)
            grads = tape.gradient(out, xs)
            assert all(g is None for g in grads), f"{spec.prim} should not be differentiable"


def test_every_primitive_has_a_spec():
    covered = {s.prim for s in SPECS}
    unknown = covered - BUILTIN
    assert not unknown, f"specs name primitives that do not exist: {sorted(unknown)}"
    missing = BUILTIN - covered
    assert not missing, f"primitives without a spec in tests/specs: {sorted(missing)}"


def test_checker_catches_a_wrong_rule():
    bad = tg._core.primitive.Primitive("bad_square_for_test", np.square,
                                       (lambda g, out, x: g * x,), register=False)  # should be 2x
    from tapegrad._core.dispatch import execute

    def f(x):
        return execute(bad, (x,), {})

    with pytest.raises(AssertionError, match="VJP check failed"):
        check_grads(f, [np.array([0.5, 1.5])], order=1)
