"""Specs for tapegrad/ops/manip.py, math_extra.py, nn_extra.py, functional_ops.py and framework.py.

Composites get specs with an id on the primitives they use; the integer/boolean kernels are specs with
``grad=False``.
"""
import numpy as np

import tapegrad as tg

from . import OpSpec


def _ints(*arrays):
    return lambda rng: [np.array(a) for a in arrays]


def _floats(*arrays):
    return lambda rng: [np.array(a, dtype=np.float64) for a in arrays]


@tg.recompute_grad
def _block(x, y):
    return tg.sin(x) * y + tg.exp(y)


SPECS = [
    # manip: composites
    OpSpec("gather", lambda x: tg.repeat(x, [1, 0, 2], axis=1), [((2, 3),)], id="repeat_counts"),
    OpSpec("gather", lambda x: tg.repeat(x, [2, 1], axis=0), [((2, 3),)], id="repeat_axis0"),
    OpSpec("broadcast_to", lambda x: tg.repeat(x, 3, axis=-1), [((2, 2),)], id="repeat_scalar"),
    OpSpec("concat", lambda x: tg.roll(x, [1, -1, 2], [0, 1, 1]), [((3, 4),)], id="roll"),
    OpSpec("broadcast_to", lambda x, y: tg.meshgrid(x, y), [((3,), (2,))], id="meshgrid"),
    OpSpec("broadcast_to", lambda x, y: tg.meshgrid(x, y, indexing="ij"), [((3,), (2,))], id="meshgrid_ij"),
    OpSpec("strided_slice", lambda x: tg.slice(x, [1, 0], [-1, 2]), [((3, 4),)], id="slice"),
    OpSpec("strided_slice", lambda x: tg.strided_slice(x, [0, 3], [0, 0], [1, -2], begin_mask=1, end_mask=1),
           [((3, 5),)], id="strided_slice_masks"),
    OpSpec("strided_slice", lambda x: tg.strided_slice(x, [0, 1], [0, 2], ellipsis_mask=1, new_axis_mask=0,
                                                       shrink_axis_mask=2), [((2, 3, 4),)], id="strided_slice_shrink"),
    OpSpec("gather", lambda x: tg.reverse_sequence(x, [3, 1], seq_axis=1, batch_axis=0), [((2, 4, 2),)],
           id="reverse_sequence"),
    OpSpec("sequence_mask", lambda x: tg.sequence_mask(tg.cast(x, tg.int32), 3), [((3,),)], domain=(0, 3),
           grad=False),
    OpSpec("unique", lambda x: tg.unique(x)[0], [], args=_ints([3, 1, 3, 2]), grad=False),
    OpSpec("searchsorted", lambda s, v: tg.searchsorted(s, v), [], args=_floats([0.0, 1.0, 2.0], [0.5, 2.5]),
           grad=False),
    OpSpec("truncatediv", tg.truncatediv, [((3,), (3,))], domain=(1.0, 3.0), grad=False),
    OpSpec("truncatemod", tg.truncatemod, [], args=_ints([7, -7], [2, 3]), grad=False),
    OpSpec("bitcast", lambda x: tg.bitcast(x, tg.int64), [((3,),)], grad=False),
    # math_extra
    OpSpec("mul_no_nan", tg.math.multiply_no_nan, [((3,), (3,)), ((2, 1), (1, 3))]),
    OpSpec("mul_no_nan", tg.math.multiply_no_nan, [], args=_floats([1.5, -2.0, 3.0], [0.0, 0.5, 0.0]),
           id="mul_no_nan_zeros"),
    OpSpec("div_no_nan", tg.math.reciprocal_no_nan, [((4,),)], domain=(0.5, 2.0), id="reciprocal_no_nan"),
    OpSpec("xlog1py", tg.math.xlog1py, [((3,), (3,)), ((2, 1), (1, 3))], domain=(0.1, 2.0)),
    OpSpec("cumulative_logsumexp", lambda x: tg.math.cumulative_logsumexp(x, axis=1), [((2, 4),)], order=1),
    OpSpec("cumulative_logsumexp", lambda x: tg.math.cumulative_logsumexp(x, exclusive=True, reverse=True)[:-1],
           [((5,),)], order=1, id="cumulative_logsumexp_exclusive_reverse"),
    OpSpec("add", lambda a, b, x: tg.math.polyval([a, b, 2.0], x), [((), (), (3,))], id="polyval"),
    OpSpec("sqrt", lambda x: tg.math.reduce_euclidean_norm(x, axis=1), [((2, 3),)], domain=(0.5, 2.0),
           id="reduce_euclidean_norm"),
    OpSpec("softplus", tg.math.log_sigmoid, [((4,),)], id="log_sigmoid"),
    OpSpec("lgamma", tg.math.lbeta, [((2, 3),)], domain=(0.5, 3.0), id="lbeta"),
    OpSpec("invert_permutation", lambda x: tg.math.invert_permutation(x), [], args=_ints([2, 0, 1]), grad=False),
    OpSpec("bincount", lambda x: tg.math.bincount(x), [], args=_ints([1, 1, 3]), grad=False),
    OpSpec("bincount", lambda w: tg.math.bincount([0, 2, 2], weights=w), [((3,),)], grad=False,
           id="bincount_weights"),
    OpSpec("in_top_k", lambda p: tg.math.in_top_k([0, 1], tg.cast(p, tg.float32), 1), [((2, 3),)], grad=False),
    # nn_extra
    OpSpec("conv", lambda x, w: tg.nn.conv3d(x, w, [1, 2, 1, 1, 1], "SAME"), [((1, 3, 3, 2, 2), (2, 2, 1, 2, 3))],
           id="conv3d"),
    OpSpec("conv_input_grad", lambda g, w: tg.nn.conv3d_transpose(g, w, [1, 3, 3, 2, 2], [1, 2, 1, 1, 1], "SAME"),
           [((1, 2, 3, 2, 3), (2, 2, 1, 2, 3))], id="conv3d_transpose"),
    OpSpec("conv_input_grad", lambda g, w: tg.nn.conv1d_transpose(g, w, [1, 5, 2], 2, "VALID"),
           [((1, 2, 3), (2, 2, 3))], id="conv1d_transpose"),
    OpSpec("conv", lambda x, d, p: tg.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "VALID"),
           [((1, 3, 3, 2), (2, 2, 2, 2), (1, 1, 4, 3))], id="separable_conv2d"),
    OpSpec("max_pool", lambda x: tg.nn.max_pool3d(x, 2, 2, "VALID"), [((1, 2, 4, 2, 1),)], order=1, id="max_pool3d"),
    OpSpec("avg_pool", lambda x: tg.nn.avg_pool3d(x, 2, 1, "SAME"), [((1, 2, 3, 2, 1),)], id="avg_pool3d"),
    OpSpec("max_pool_argmax", lambda x: tg.nn.max_pool_with_argmax(x, 2, 2, "SAME")[1], [((1, 3, 3, 2),)],
           grad=False),
    OpSpec("transpose", lambda x: tg.nn.depth_to_space(x, 2), [((1, 2, 1, 8),)], id="depth_to_space"),
    OpSpec("transpose", lambda x: tg.nn.space_to_depth(x, 2, data_format="NCHW"), [((1, 2, 4, 2),)],
           id="space_to_depth_nchw"),
    OpSpec("pow", lambda x: tg.nn.local_response_normalization(x, 1, 1.5, 0.5, 0.75), [((1, 2, 1, 4),)],
           id="local_response_normalization"),
    OpSpec("div_no_nan", lambda x, w: tg.nn.weighted_moments(x, [0], w), [((3, 2), (3, 1))], domain=(0.5, 2.0),
           id="weighted_moments"),
    OpSpec("squared_difference", lambda x: tg.nn.normalize_moments(*tg.nn.sufficient_statistics(x, [0], 0.5)),
           [((4, 2),)], id="sufficient_statistics"),
    OpSpec("exp", lambda t, x: tg.nn.log_poisson_loss(t, x, compute_full_loss=True), [((4,), (4,))],
           domain=(0.2, 3.0), id="log_poisson_loss"),
    # functional_ops and framework
    OpSpec("stack", lambda x: tg.map_fn(lambda r: tg.reduce_sum(r * r), x), [((3, 2),)], id="map_fn"),
    OpSpec("stack", lambda x, y: tg.scan(lambda a, e: a * e[0] + e[1], (x, y), initializer=tg.constant(1.0, tg.float64)),
           [((3,), (3,))], id="scan"),
    OpSpec("unstack", lambda x: tg.foldr(lambda a, e: a * 2.0 + tg.sin(e), x), [((4,),)], id="foldr"),
    OpSpec("sin", _block, [((3,), (3,))], id="recompute_grad"),
    OpSpec("multiply", lambda x: tg.py_function(lambda a: a * a, [x], Tout=tg.float64), [((3,),)], id="py_function"),
]
