"""Specs for tapegrad/ops/conv.py: convolutions (bilinear: order 2) and pooling, float64, small shapes."""
import tapegrad as tg
from tapegrad.ops import conv

from . import OpSpec

_NHWC_TO_NCHW = (0, 3, 1, 2)


def _nchw(x):
    return tg.transpose(x, _NHWC_TO_NCHW)


SPECS = [
    # --- conv (forward convolution, every public entry point) ---------------------------------
    OpSpec("conv", lambda x, w: tg.nn.conv2d(x, w, 1, "SAME"), [((2, 5, 5, 3), (3, 3, 3, 2))]),
    OpSpec("conv", lambda x, w: tg.nn.conv2d(x, w, 2, "VALID"), [((1, 6, 5, 2), (2, 3, 2, 3))],
           id="conv2d_valid_stride2"),
    OpSpec("conv", lambda x, w: tg.nn.conv2d(x, w, [2, 1], "SAME", dilations=[1, 2]), [((1, 7, 6, 2), (3, 2, 2, 2))],
           id="conv2d_same_stride_dilation"),
    OpSpec("conv", lambda x, w: tg.nn.conv2d(x, w, 2, [[0, 0], [1, 2], [0, 1], [0, 0]], dilations=2),
           [((1, 6, 6, 2), (2, 2, 2, 3))], id="conv2d_explicit_dilated"),
    OpSpec("conv", lambda x, w: tg.nn.conv2d(_nchw(x), w, 1, "SAME", data_format="NCHW"),
           [((1, 4, 5, 2), (3, 3, 2, 3))], id="conv2d_nchw"),
    OpSpec("conv", lambda x, w: tg.nn.conv2d(x, w, 1, "VALID"), [((1, 4, 4, 4), (2, 2, 2, 4))], id="conv2d_grouped"),
    OpSpec("conv", lambda x, w: tg.nn.conv1d(x, w, 2, "SAME", dilations=1), [((2, 7, 2), (3, 2, 3))], id="conv1d"),
    OpSpec("conv", lambda x, w: tg.nn.conv1d(x, w, 1, "VALID", data_format="NCW", dilations=2),
           [((2, 2, 7), (2, 2, 3))], id="conv1d_ncw_dilated"),
    OpSpec("conv", lambda x, w: tg.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"), [((1, 5, 5, 2), (3, 3, 2, 2))],
           id="depthwise_conv2d"),
    OpSpec("conv", lambda x, w: tg.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID", dilations=[2, 1]),
           [((1, 6, 5, 3), (2, 2, 3, 1))], id="depthwise_conv2d_dilated"),
    # --- conv_input_grad (conv2d_transpose) -------------------------------------------------------
    OpSpec("conv_input_grad", lambda y, w: tg.nn.conv2d_transpose(y, w, [2, 5, 5, 2], 2),
           [((2, 3, 3, 3), (3, 3, 2, 3))]),
    OpSpec("conv_input_grad", lambda y, w: tg.nn.conv2d_transpose(y, w, [1, 6, 7, 2], [2, 3], "VALID"),
           [((1, 3, 2, 2), (2, 3, 2, 2))], id="conv2d_transpose_valid"),
    OpSpec("conv_input_grad", lambda y, w: tg.nn.conv2d_transpose(
        y, w, [1, 5, 5, 2], 1, padding=[[0, 0], [1, 0], [0, 1], [0, 0]], dilations=2),
           [((1, 2, 2, 2), (3, 3, 2, 2))], id="conv2d_transpose_explicit_dilated"),
    OpSpec("conv_input_grad", lambda y, w: tg.nn.conv2d_transpose(
        tg.transpose(y, _NHWC_TO_NCHW), w, [1, 2, 4, 4], 2, data_format="NCHW"),
           [((1, 2, 2, 3), (2, 2, 2, 3))], id="conv2d_transpose_nchw"),
    # --- conv_filter_grad (no public op: bound directly) ---------------------------------------
    OpSpec("conv_filter_grad", lambda x, g: conv.conv_filter_grad_p.bind(
        x, g, filter_shape=(3, 3, 3, 2), strides=(1, 1), dilations=(1, 1), pads=((1, 1), (1, 1))),
           [((2, 4, 4, 3), (2, 4, 4, 2))]),
    OpSpec("conv_filter_grad", lambda x, g: conv.conv_filter_grad_p.bind(
        x, g, filter_shape=(2, 2, 1, 4), strides=(2, 1), dilations=(1, 2), pads=((0, 1), (1, 0))),
           [((1, 5, 4, 2), (1, 3, 3, 4))], id="conv_filter_grad_grouped_strided"),
    # --- pooling ------------------------------------------------------------------------------------
    OpSpec("max_pool", lambda x: tg.nn.max_pool2d(x, 2, 2, "SAME"), [((2, 5, 5, 2),)]),
    OpSpec("max_pool", lambda x: tg.nn.max_pool2d(x, [3, 2], [1, 2], "VALID"), [((1, 5, 6, 2),)],
           id="max_pool2d_overlapping"),
    OpSpec("max_pool", lambda x: tg.nn.max_pool2d(x, 3, 2, [[0, 0], [1, 2], [2, 0], [0, 0]]), [((1, 5, 4, 2),)],
           id="max_pool2d_explicit"),
    OpSpec("max_pool", lambda x: tg.nn.max_pool2d(_nchw(x), 2, 1, "SAME", data_format="NCHW"), [((1, 3, 4, 2),)],
           id="max_pool2d_nchw"),
    OpSpec("max_pool", lambda x: tg.nn.max_pool1d(x, 3, 2, "SAME"), [((2, 7, 2),)], id="max_pool1d"),
    OpSpec("max_pool_grad", lambda x, g: conv.max_pool_grad_p.bind(
        x, g, ksize=(2, 2), strides=(1, 2), pads=((0, 1), (0, 1))), [((1, 4, 5, 2), (1, 4, 3, 2))]),
    OpSpec("max_pool_grad_grad", lambda x, h: conv.max_pool_grad_grad_p.bind(
        x, h, ksize=(3, 2), strides=(2, 2), pads=((1, 1), (0, 0))), [((1, 5, 4, 2), (1, 5, 4, 2))]),
    OpSpec("avg_pool", lambda x: tg.nn.avg_pool2d(x, 3, 2, "SAME"), [((2, 5, 6, 2),)]),
    OpSpec("avg_pool", lambda x: tg.nn.avg_pool2d(_nchw(x), [2, 3], [2, 1], "VALID", data_format="NCHW"),
           [((1, 5, 5, 2),)], id="avg_pool2d_nchw_valid"),
    OpSpec("avg_pool", lambda x: tg.nn.avg_pool1d(x, 4, 3, "SAME"), [((2, 8, 2),)], id="avg_pool1d"),
    OpSpec("avg_pool_grad", lambda g: conv.avg_pool_grad_p.bind(
        g, input_shape=(1, 5, 5, 2), ksize=(3, 3), strides=(2, 2), pads=((1, 1), (1, 1))), [((1, 3, 3, 2),)]),
]
