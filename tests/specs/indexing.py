"""Specs for tapegrad/ops/indexing.py: scatters, segment reductions, top_k, sort and argsort.

Integer index arrays come from ``args`` (they are not differentiated); float values are random
and distinct, so max/min/top_k have no ties and segment_prod no zeros.
"""
import numpy as np

import tapegrad as tg
from tapegrad.ops import indexing

from . import OpSpec


def _args(*parts):
    """rng -> args: a shape tuple gives uniform floats in (-2, 2), anything else an int array."""
    return lambda rng: [rng.uniform(-2, 2, size=p) if isinstance(p, tuple) else np.array(p) for p in parts]


def _nonzero(shape):
    """rng -> floats of magnitude in (0.5, 2) with random signs (products without zeros)."""
    return lambda rng: [rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)]


SIDS = [0, 0, 2, 2, 2, 3]          # sorted segment ids with an empty segment (1)
UIDS = [3, -1, 0, 3, 0, -2]         # unsorted ids, negatives dropped, an empty segment (1)

SPECS = [
    # scatter_nd is gather_nd's scatter-add primitive (duplicate indices summed)
    OpSpec("gather_nd_grad", lambda u, i: tg.scatter_nd(i, u, [4, 3]), [],
           args=_args((3, 3), [[1], [3], [1]]), id="scatter_nd"),
    OpSpec("gather_nd_grad", lambda u, i: tg.scatter_nd(i, u, [3, 2, 2]), [],
           args=_args((2, 2, 2), [[[0, 1], [2, 1]], [[0, 1], [1, 0]]]), id="scatter_nd_batch"),
    OpSpec("tensor_scatter_nd_update", lambda x, i, u: tg.tensor_scatter_nd_update(x, i, u), [],
           args=_args((4, 3), [[2], [0]], (2, 3))),
    OpSpec("tensor_scatter_nd_update", lambda x, i, u: tg.tensor_scatter_nd_update(x * x, i, u * u), [],
           args=_args((3, 4), [[[0, 1]], [[2, 3]]], (2, 1)), id="tensor_scatter_nd_update_elements"),
    OpSpec("tensor_scatter_nd_add", lambda x, i, u: tg.tensor_scatter_nd_add(x, i, u * u), [],
           args=_args((4, 2), [[1], [3], [1]], (3, 2))),
    OpSpec("tensor_scatter_nd_sub", lambda x, i, u: tg.tensor_scatter_nd_sub(x * x, i, u), [],
           args=_args((3, 2), [[0, 1], [2, 0], [0, 1]], (3,))),
    OpSpec("tensor_scatter_nd_max", lambda x, i, u: tg.tensor_scatter_nd_max(x, i, u), [],
           args=_args((5,), [[1], [3], [1], [0]], (4,))),
    OpSpec("tensor_scatter_nd_min", lambda x, i, u: tg.tensor_scatter_nd_min(x, i, u), [],
           args=_args((2, 3), [[1], [0], [1]], (3, 3))),
    # segment sums are gather's scatter-add primitive
    OpSpec("gather_grad", lambda x, i: tg.math.segment_sum(x, i), [], args=_args((6, 2), SIDS), id="segment_sum"),
    OpSpec("gather_grad", lambda x, i: tg.math.segment_mean(x, i) ** 2, [], args=_args((6,), SIDS),
           id="segment_mean"),
    OpSpec("gather_grad", lambda x, i: tg.math.unsorted_segment_sum(x, i, 4), [], args=_args((6, 2), UIDS),
           id="unsorted_segment_sum"),
    OpSpec("gather_grad", lambda x, i: tg.math.unsorted_segment_sum(x, i, 3), [],
           args=_args((2, 3, 2), [[0, 2, 0], [1, -1, 2]]), id="unsorted_segment_sum_2d_ids"),
    OpSpec("gather_grad", lambda x, i: tg.math.unsorted_segment_mean(x, i, 4) ** 2, [], args=_args((6,), UIDS),
           id="unsorted_segment_mean"),
    OpSpec("gather_grad", lambda x, i: tg.math.unsorted_segment_sqrt_n(x, i, 4) ** 2, [], args=_args((6,), UIDS),
           id="unsorted_segment_sqrt_n"),
    OpSpec("segment_max", lambda x, i: tg.math.segment_max(x, i), [], args=_args((6, 2), SIDS)),
    OpSpec("segment_max", lambda x, i: tg.math.unsorted_segment_max(x, i, 4) * x[0], [],  # no empty segment:
           args=_args((6,), [3, -1, 0, 3, 1, 2]), id="unsorted_segment_max"),       # its lowest() overflows
    OpSpec("segment_max", lambda x, i: tg.math.unsorted_segment_max(x, i, 3), [],
           args=_args((2, 3, 2), [[0, 2, 0], [1, -1, 2]]), id="unsorted_segment_max_2d_ids"),
    OpSpec("segment_min", lambda x, i: tg.math.segment_min(x, i), [], args=_args((6,), SIDS)),
    OpSpec("segment_min", lambda x, i: tg.math.unsorted_segment_min(x, i, 4), [], args=_args((6, 2), UIDS),
           id="unsorted_segment_min"),
    OpSpec("segment_prod", lambda x: tg.math.segment_prod(x, SIDS), [], args=_nonzero((6, 2))),
    OpSpec("segment_prod", lambda x: tg.math.unsorted_segment_prod(x, UIDS, 4), [], args=_nonzero((6,)),
           id="unsorted_segment_prod"),
    # top_k; sort and argsort are top_k over an axis
    OpSpec("top_k", lambda x: tg.math.top_k(x, 2), [((3, 4),)]),
    OpSpec("top_k", lambda x: tg.math.top_k(x, 3).values ** 2, [((5,),)], id="top_k_1d"),
    OpSpec("top_k", lambda x: tg.sort(x) * tg.range(4.0, dtype=tg.float64), [((2, 4),)], id="sort"),
    OpSpec("top_k", lambda x: tg.sort(x, axis=0, direction="DESCENDING") * x, [((3, 2),)], id="sort_axis0"),
    OpSpec("top_k", lambda x: indexing.top_k_p.bind(x, k=2, ascending=True, index_dtype=np.int64)[0],
           [((2, 3),)], id="top_k_ascending"),
    OpSpec("top_k", lambda x: tg.argsort(x, axis=1), [((2, 3),)], grad=False, id="argsort"),
]
