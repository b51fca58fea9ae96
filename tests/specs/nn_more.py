"""Specs for tapegrad/ops/nn_more.py: CTC (first order: TF's custom gradient has no derivative of its own),
isotonic regression, and composites (morphology, pool, atrous/depthwise convolution helpers)."""
import numpy as np

import tapegrad as tg
from tapegrad.ops.nn_more import dilation_argmax_p

from . import OpSpec

_LABELS = np.array([[1, 2, 2], [3, 1, 0]])


def _ctc(x):
    return tg.nn.ctc_loss(_LABELS, x, [3, 2], [6, 5])


SPECS = [
    OpSpec("ctc_loss", _ctc, [((6, 2, 4),)], order=1),
    OpSpec("ctc_loss", lambda x: tg.nn.ctc_loss(_LABELS, x, [3, 1], [6, 6], logits_time_major=False, blank_index=-1),
           [((2, 6, 4),)], order=1, id="ctc_loss_batch_major_blank_last"),
    OpSpec("ctc_unique_labels", lambda x: tg.nn.ctc_unique_labels(tg.cast(x, tg.int32)), [],
           args=lambda rng: [np.array([[3, 4, 4, 3], [1, 1, 2, 1]])], grad=False),
    OpSpec("collapse_repeated", lambda x, n: tg.nn.collapse_repeated(x, n), [],
           args=lambda rng: [np.array([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]]), np.array([5, 2])], grad=False),
    OpSpec("isotonic_regression", lambda x: tg.nn.isotonic_regression(x)[0], [],
           args=lambda rng: [np.array([[3.2, 1.0, 2.0, 5.0, 4.0], [0.5, 0.2, -1.0, 0.1, 0.3]])]),
    OpSpec("isotonic_regression", lambda x: tg.nn.isotonic_regression(x, decreasing=False, axis=0)[0], [],
           args=lambda rng: [np.array([[3.0, 1.0], [1.0, 2.5], [2.5, 2.0]])], id="isotonic_regression_increasing"),
    OpSpec("gather", lambda x, f: tg.nn.dilation2d(x, f, [1, 2, 1, 1], "SAME", "NHWC", [1, 1, 2, 1]),
           [((1, 4, 5, 2), (2, 2, 2))], id="dilation2d"),
    OpSpec("gather", lambda x, f: tg.nn.erosion2d(x, f, [1, 1, 1, 1], "VALID", "NHWC", [1, 1, 1, 1]),
           [((1, 3, 3, 1), (2, 2, 1))], id="erosion2d"),
    OpSpec("max_pool", lambda x: tg.nn.pool(x, [2, 2], "MAX", padding="VALID", dilations=[2, 1]), [((1, 5, 4, 2),)],
           order=1, id="pool_dilated"),
    OpSpec("avg_pool", lambda x: tg.nn.pool(x, [2], "AVG", strides=[2], padding="SAME"), [((2, 5, 3),)],
           id="pool_avg"),
    OpSpec("conv_input_grad", lambda v, f: tg.nn.atrous_conv2d_transpose(v, f, [1, 5, 5, 2], 2, "SAME"),
           [((1, 5, 5, 3), (3, 3, 2, 3))], id="atrous_conv2d_transpose"),
    OpSpec("conv", lambda f, g: tg.nn.depthwise_conv2d_backprop_input([1, 4, 4, 2], f, g, [1, 2, 2, 1], "SAME"),
           [((2, 2, 2, 2), (1, 2, 2, 4))], id="depthwise_conv2d_backprop_input"),
    OpSpec("conv", lambda x, g: tg.nn.depthwise_conv2d_backprop_filter(x, [2, 2, 2, 2], g, [1, 1, 1, 1], "VALID"),
           [((1, 3, 3, 2), (1, 2, 2, 4))], id="depthwise_conv2d_backprop_filter"),
    OpSpec("rsqrt", lambda x, m, v: tg.nn.batch_norm_with_global_normalization(x, m, v, 0.5, 2.0, 1e-3, True),
           [((2, 3), (3,), (3,))], domain=(0.5, 2.0), id="batch_norm_with_global_normalization"),
    OpSpec("dilation2d_argmax", lambda x, f: dilation_argmax_p.bind(x, f, strides=(1, 1), rates=(1, 1), padding="SAME"),
           [((1, 3, 3, 1), (2, 2, 1))], grad=False),
]
