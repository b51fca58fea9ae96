"""Specs for tapegrad/ops/reduce.py."""
import tapegrad as tg
from tapegrad.ops import reduce

from . import OpSpec

SPECS = [
    OpSpec("reduce_sum", lambda x: tg.reduce_sum(x, axis=[0, -1], keepdims=True), [((2, 3, 4),)], id="sum_keepdims"),
    OpSpec("reduce_mean", lambda x: tg.reduce_mean(x, axis=-1), [((2, 3),)]),
    OpSpec("reduce_mean", lambda x: tg.reduce_mean(x), [((2, 3),)], id="mean_all"),
    OpSpec("reduce_max", lambda x: tg.reduce_max(x, axis=1), [((3, 4),)]),
    OpSpec("reduce_max", lambda x: tg.reduce_max(x, keepdims=True) * x, [((3,),)], id="max_keepdims"),
    OpSpec("reduce_min", lambda x: tg.reduce_min(x, axis=[0, 2]), [((2, 3, 2),)]),
    OpSpec("reduce_prod", lambda x: tg.reduce_prod(x, axis=1), [((2, 4),)]),
    OpSpec("reduce_prod", lambda x: tg.reduce_prod(x, axis=[0, 2], keepdims=True), [((2, 3, 2),)], id="prod_axes"),
    OpSpec("reduce_prod", lambda x: tg.reduce_prod(x), [((), ), ((3,),)], id="prod_all"),
    OpSpec("prod_others", lambda x: reduce.prod_others_p.bind(x), [((2, 4),), ((1,),)]),
    OpSpec("reduce_logsumexp", lambda x: tg.reduce_logsumexp(x, axis=0), [((3, 2),)]),
    OpSpec("reduce_logsumexp", lambda x: tg.reduce_logsumexp(x * 300.0, keepdims=True), [((4,),)],
           id="logsumexp_large", rtol=1e-4),
    OpSpec("reduce_mean", lambda x: tg.math.reduce_variance(x, axis=1), [((2, 4),)], id="variance"),
    OpSpec("reduce_mean", lambda x: tg.math.reduce_std(x, keepdims=True), [((5,),)], id="std"),
    OpSpec("reduce_any", lambda x: tg.reduce_any(x > 0.0, axis=0), [((3, 2),)], grad=False),
    OpSpec("reduce_all", lambda x: tg.reduce_all(x > 0.0), [((3, 2),)], grad=False),
    OpSpec("argmax", lambda x: tg.argmax(x, axis=1), [((3, 2),)], grad=False),
    OpSpec("argmin", lambda x: tg.argmin(x), [((3, 2),)], grad=False),
]
