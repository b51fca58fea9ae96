"""Specs for tapegrad/ops/array_extra.py: stitch/partition (linear primitives), space_to_batch composites,
approximate top-k, and the integer-valued ops (grad=False)."""
import numpy as np

import tapegrad as tg

from . import OpSpec


def _ints(*arrays):
    return lambda rng: [np.array(a) for a in arrays]


SPECS = [
    OpSpec("dynamic_stitch", lambda x, y: tg.dynamic_stitch([[0, 2], [1, 3]], [x, y]), [((2, 3), (2, 3))]),
    OpSpec("dynamic_stitch", lambda x, y: tg.dynamic_stitch([[[0], [3]], 1], [x, y]), [((2, 1, 2), (2,))],
           id="dynamic_stitch_nested"),
    OpSpec("dynamic_partition", lambda x: tg.dynamic_partition(x, [0, 2, 0, 1], 3), [((4, 2),)]),
    OpSpec("dynamic_partition", lambda x: tg.dynamic_partition(x, [[1, 0], [1, 1]], 2), [((2, 2, 3),)],
           id="dynamic_partition_2d"),
    OpSpec("transpose", lambda x: tg.space_to_batch_nd(x, [2, 3], [[1, 2], [0, 1]]), [((2, 3, 2, 2),)],
           id="space_to_batch_nd"),
    OpSpec("transpose", lambda x: tg.batch_to_space(x, [2, 3], [[1, 0], [0, 2]]), [((12, 2, 1, 2),)],
           id="batch_to_space"),
    OpSpec("unravel_index", lambda i, d: tg.unravel_index(i, d), [], args=_ints([1, 5, 7], [3, 3]), grad=False),
    OpSpec("histogram_fixed_width", lambda x: tg.histogram_fixed_width(x, [-1.0, 1.0], nbins=4), [((5,),)],
           grad=False),
    OpSpec("cast", lambda x: tg.histogram_fixed_width_bins(x, np.array([-1.0, 1.0]), nbins=4), [((5,),)], grad=False,
           id="histogram_fixed_width_bins"),
    OpSpec("guarantee_const", lambda x: tg.guarantee_const(tg.stop_gradient(x)), [((2,),)], grad=False),
]
