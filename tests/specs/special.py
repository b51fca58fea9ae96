"""Specs for tapegrad/ops/special.py (domains away from the poles)."""
import numpy as np

import tapegrad as tg

from . import OpSpec


def _floats(*arrays):
    return lambda rng: [np.array(a, dtype=np.float64) for a in arrays]


SPECS = [
    OpSpec("lgamma", tg.math.lgamma, [((4,),)], domain=(0.3, 5.0)),
    OpSpec("lgamma", tg.math.lgamma, [], args=_floats([-2.5, -0.7, 1.0, 2.0]), id="lgamma_negative"),
    OpSpec("digamma", tg.math.digamma, [((4,),)], domain=(0.3, 5.0), rtol=1e-4),
    OpSpec("digamma", tg.math.digamma, [], args=_floats([-1.5, -0.3, 12.0]), id="digamma_negative", rtol=1e-4),
    OpSpec("zeta", lambda q: tg.math.zeta(tg.constant([2.0, 3.5], tg.float64), q), [((2,),)], domain=(0.5, 3.0)),
    OpSpec("zeta", lambda q: tg.math.polygamma(tg.constant([1.0, 2.0, 0.0], tg.float64), q), [((3,),)],
           domain=(0.5, 3.0), order=1, id="polygamma"),
    OpSpec("erfc", tg.math.erfc, [((4,),)], domain=(-3.0, 3.0)),
    OpSpec("erfinv", tg.math.erfinv, [((4,),)], domain=(-0.95, 0.95)),
    OpSpec("ndtri", tg.math.ndtri, [((4,),)], domain=(0.02, 0.98)),
    OpSpec("ndtri", tg.math.erfcinv, [((3,),)], domain=(0.1, 1.9), id="erfcinv"),
    OpSpec("bessel_i0e", tg.math.bessel_i0e, [((4,),)], domain=(-4.0, 4.0)),
    OpSpec("bessel_i1e", tg.math.bessel_i1e, [((4,),)], domain=(-4.0, 4.0)),
    OpSpec("bessel_i1e", tg.math.bessel_i1, [((3,),)], domain=(-3.0, 3.0), id="bessel_i1"),
    OpSpec("bessel_i0e", tg.math.special.bessel_i0, [((3,),)], domain=(-3.0, 3.0), id="bessel_i0"),
]
