"""Specs for tapegrad/ops/special_extra.py (igamma in both arguments: in a at first order only, since TF's
IgammaGradA has no gradient; betainc in x only, as TF)."""
import numpy as np

import tapegrad as tg
from tapegrad.ops.special_extra import igamma_grad_a_p

from . import OpSpec


def _fixed(value):
    return tg.constant(np.asarray(value, dtype=np.float64))


SPECS = [
    OpSpec("igamma", lambda x: tg.math.igamma(_fixed([0.5, 2.0, 3.0]), x), [((3,),)], domain=(0.2, 6.0),
           id="igamma_x"),
    OpSpec("igamma", tg.math.igamma, [((3,), (3,)), ((2, 1), (3,))], domain=(0.3, 5.0), order=1, rtol=1e-4),
    OpSpec("igammac", lambda x: tg.math.igammac(_fixed([[0.7], [4.0]]), x), [((2, 3),)], domain=(0.2, 8.0),
           id="igammac_x"),
    OpSpec("igammac", tg.math.igammac, [((4,), (4,))], domain=(0.3, 5.0), order=1, rtol=1e-4),
    OpSpec("igamma_grad_a", lambda a, x: igamma_grad_a_p.bind(tg.stop_gradient(a), tg.stop_gradient(x)),
           [((3,), (3,))], domain=(0.5, 3.0), grad=False),
    OpSpec("betainc", lambda x: tg.math.betainc(_fixed([0.5, 2.0, 3.0]), _fixed([1.5, 2.0, 0.7]), x), [((3,),)],
           domain=(0.1, 0.9)),
    OpSpec("betainc", lambda x: tg.math.betainc(_fixed(0.5), _fixed(0.3), x), [((4,),)], domain=(0.1, 0.9),
           id="betainc_scalars"),
    OpSpec("nextafter", tg.math.nextafter, [((3,), (3,)), ((2, 1), (3,))]),
    OpSpec("add_n", lambda x, y: tg.math.accumulate_n([x, y, x]), [((2, 3), (2, 3))], id="accumulate_n"),
]
