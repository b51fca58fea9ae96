"""More of ``tf.nn``: 3-D and transposed convolutions, ``convolution``, atrous/separable convolutions, 3-D
pooling, max_pool_with_argmax, depth_to_space/space_to_depth, crelu, local response normalization, and
loss/moment helpers.

Convolutions and pooling reuse conv.py's N-d primitives and argument checks (so every derivative order
is again a convolution); the rest are composites of existing ops.
"""
import collections

import numpy as np

from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.tensor import convert_to_tensor
from . import array as _array
from . import asserts as _asserts
from . import conv as _conv
from . import math as _math
from . import nn as _nn
from . import reduce as _reduce
from ._util import Tensor, execute, tensor

MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def _format(data_format, default):
    fmt = default if data_format is None else data_format
    return fmt, isinstance(fmt, str) and fmt.startswith("NC")


# --- convolutions ----------------------------------------------------------------------------
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):  # noqa: A002
    """3-D convolution of ``[batch, depth, height, width, channels]`` ('NDHWC') or channels-first ('NCDHW') input
    with ``filters`` ``[d, h, w, in_channels, out_channels]``; strides/dilations as 5 ints (or 1 or 3)."""
    op = "Conv3D"
    fmt, channels_first = _format(data_format, "NDHWC")
    padding, explicit = _conv._convert_padding(padding, 5)
    strides = _conv._get_sequence(strides, 3, 1 if channels_first else 4, "strides")
    dilations = _conv._get_sequence(dilations, 3, 1 if channels_first else 4, "dilations")
    x, w = _conv._inputs(op, (input, filters), _conv._FLOAT_T)
    _conv._check_padding_attr(op, padding, ("SAME", "VALID"))
    _conv._check_format_attr(op, fmt, ("NDHWC", "NCDHW"))
    return _conv._conv(op, x, w, strides, dilations, padding, explicit, channels_first, fmt)


def _conv_transpose(op, nsp, input, filters, output_shape, strides, padding, data_format, dilations):  # noqa: A002
    """The N-d transpose of a convolution: conv_input_grad with ``output_shape`` as the conv's input shape."""
    fmt, channels_first = _format(data_format, ("NWC", "NHWC", "NDHWC")[nsp - 1])
    c = 1 if channels_first else nsp + 1
    strides = _conv._get_sequence(strides, nsp, c, "strides")
    dilations = _conv._get_sequence(dilations, nsp, c, "dilations")
    g, w = _conv._inputs(op, (input, filters), _conv._FLOAT_T)
    _conv._check_padding_attr(op, padding, ("SAME", "VALID"))
    _conv._check_window_attrs(op, strides, dilations, channels_first)
    gs, ws = g._value.shape, w._value.shape
    if len(gs) != nsp + 2 or len(ws) != nsp + 2:
        raise _conv._invalid(op, f"input and filters must be {nsp + 2}-dimensional, got {_conv._dims(gs)} and "
                                 f"{_conv._dims(ws)}")
    dims = [int(d) for d in (output_shape.as_list() if hasattr(output_shape, "as_list") else
                             _array._static(output_shape, f"{op}'s output_shape").reshape(-1))]
    if len(dims) != nsp + 2:
        raise _conv._invalid(op, f"output_shape must have {nsp + 2} elements, got {dims}")
    if ws[-1] != gs[c]:
        raise _conv._invalid(op, f"filter and out_backprop must have the same out_depth: filters.shape[-1] {ws[-1]} "
                                 f"vs input depth {gs[c]}")
    if dims[c] != ws[-2]:
        raise _conv._invalid(op, f"input and filter must have the same depth: output_shape depth {dims[c]} vs "
                                 f"filters.shape[-2] {ws[-2]}")
    if dims[0] != gs[0]:
        raise _conv._invalid(op, f"input and out_backprop must have the same batch size: {dims[0]} vs {gs[0]}")
    sp_strides, sp_dil = _conv._spatial(strides, channels_first), _conv._spatial(dilations, channels_first)
    out_sizes = _conv._spatial(dims, channels_first)
    eff = [(k - 1) * d + 1 for k, d in zip(ws[:nsp], sp_dil)]
    pads = _conv._window_pads(op, out_sizes, eff, sp_strides, padding, None)
    g_sizes = _conv._spatial(gs, channels_first)
    for i, (n, e, s, (lo, hi)) in enumerate(zip(out_sizes, eff, sp_strides, pads)):
        computed = _conv._out_size(n, e, s, lo, hi)
        if computed != g_sizes[i]:
            raise _conv._invalid(op, f"Size of out_backprop doesn't match computed: actual = {g_sizes[i]}, computed "
                                     f"= {computed} spatial_dim: {i + 1} input: {n} filter: {ws[i]} output: "
                                     f"{g_sizes[i]} stride: {s} dilation: {sp_dil[i]}")
    input_shape = (dims[0],) + tuple(out_sizes) + (dims[c],)
    y = execute(_conv.conv_input_grad_p, (_conv._to_last(g, channels_first), w),
                {"input_shape": input_shape, "strides": sp_strides, "dilations": sp_dil, "pads": pads})
    return _conv._to_first(y, channels_first)


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NDHWC",  # noqa: A002
                     dilations=None, name=None):
    """The transpose (input gradient) of ``conv3d``; ``filters`` is ``[d, h, w, output_channels, in_channels]``."""
    return _conv_transpose("Conv3DBackpropInputV2", 3, input, filters, output_shape, strides, padding, data_format,
                           dilations)


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC",  # noqa: A002
                     dilations=None, name=None):
    """The transpose (input gradient) of ``conv1d``; ``filters`` is ``[width, output_channels, in_channels]``."""
    if data_format not in (None, "NWC", "NCW"):
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    return _conv_transpose("Conv2DBackpropInput", 1, input, filters, output_shape, strides, padding, data_format,
                           dilations)


def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None,  # noqa: A002
                   dilations=None, name=None):
    """The transpose of ``convolution``: 1-, 2- or 3-D by the length of ``output_shape``."""
    n = (output_shape._value.size if isinstance(output_shape, Tensor) else len(output_shape)) - 2
    if n == 2:
        return _conv.conv2d_transpose(input, filters, output_shape, strides, padding, data_format or "NHWC", dilations)
    if n not in (1, 3):
        raise ValueError(f"output_shape must be of length 3, 4 or 5 but was {n + 2}.")
    return (conv1d_transpose if n == 1 else conv3d_transpose)(input, filters, output_shape, strides, padding,
                                                               data_format, dilations)


def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None,  # noqa: A002
                name=None):
    """N-d convolution (1, 2 or 3 spatial dims, from the filter's rank); strides and dilations are
    spatial (N ints, or one int)."""
    w = tensor(filters)
    n = w._value.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`filters.shape.rank` must be 3, 4 or 5 (1-, 2- or 3-D convolution). Received: "
                         f"filters.shape={tuple(w._value.shape)}")
    if data_format is not None and not (data_format.startswith("N") and data_format[1:] in
                                        ("WC", "CW", "HWC", "CHW", "DHWC", "CDHW")):
        raise ValueError(f"data_format must be None or one of NWC, NCW, NHWC, NCHW, NDHWC, NCDHW. "
                         f"Received: {data_format}")
    if n == 1:
        return _conv.conv1d(input, w, strides if strides is not None else 1, padding,
                            "NCW" if data_format and data_format.startswith("NC") else "NWC", dilations)
    fn = _conv.conv2d if n == 2 else conv3d
    fmt = data_format or ("NHWC" if n == 2 else "NDHWC")
    return fn(input, w, strides if strides is not None else 1, padding, fmt, dilations)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """2-D convolution with holes: ``conv2d`` with dilation ``rate`` in height and width (stride 1)."""
    if int(rate) < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    return _conv.conv2d(value, filters, 1, padding, "NHWC", [1, int(rate), int(rate), 1])


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """``depthwise_conv2d`` followed by a 1x1 ``conv2d`` with ``pointwise_filter``
    ``[1, 1, in_channels * channel_multiplier, out_channels]``."""
    pw = tensor(pointwise_filter)
    if pw._value.ndim != 4 or pw._value.shape[:2] != (1, 1):
        raise ValueError(f"Shape must be rank 4 with the first two dimensions 1, got pointwise_filter shape "
                         f"{tuple(pw._value.shape)}")
    depthwise = _conv.depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return _conv.conv2d(depthwise, pw, 1, "VALID", data_format or "NHWC")


# --- pooling -------------------------------------------------------------------------------------
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Max over ``ksize`` windows of a 5-D input ('NDHWC' or 'NCDHW')."""
    return _conv._pool_nd("max", 3, input, ksize, strides, padding, data_format)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Mean over ``ksize`` windows of a 5-D input; 'SAME' windows count only real elements."""
    return _conv._pool_nd("avg", 3, input, ksize, strides, padding, data_format)


def _argmax_impl(x, ksize, strides, pads, include_batch, dtype):
    """The flat index of each window's first maximum (row-major window order; padding never wins)."""
    b, h, w, c = x.shape
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    oh = (xp.shape[1] - ksize[0]) // strides[0] + 1
    ow = (xp.shape[2] - ksize[1]) // strides[1] + 1
    best = np.zeros((b, oh, ow, c), x.dtype)
    seen = np.zeros((b, oh, ow, c), bool)
    arg = np.zeros((b, oh, ow, c), np.int64)
    rows = np.arange(oh)[:, None] * strides[0] - pads[0][0]
    cols = np.arange(ow)[None, :] * strides[1] - pads[1][0]
    for i in range(ksize[0]):
        for j in range(ksize[1]):
            v = xp[:, i:i + oh * strides[0]:strides[0], j:j + ow * strides[1]:strides[1], :]
            r, q = rows + i, cols + j
            valid = ((r >= 0) & (r < h) & (q >= 0) & (q < w))[None, :, :, None]
            better = valid & (~seen | (v > best))
            best = np.where(better, v, best)
            arg = np.where(better, (r * w + q)[None, :, :, None] * c + np.arange(c), arg)
            seen |= valid
    if include_batch:
        arg = arg + (np.arange(b) * h * w * c)[:, None, None, None]
    return arg.astype(dtype)


_argmax_p = Primitive("max_pool_argmax", _argmax_impl, None, differentiable=False)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", output_dtype=_dt.int64,  # noqa: A002
                         include_batch_in_index=False, name=None):
    """Max pooling of an NHWC input and the flattened index of each maximum: ``(y * width + x) * channels + c``
    (plus ``b * height * width * channels`` with ``include_batch_in_index``)."""
    if data_format != "NHWC":
        raise ValueError(f"Data formats other than 'NHWC' are not yet supported. Received: data_format={data_format}")
    output_dtype = _dt.as_dtype(output_dtype)
    if output_dtype not in (_dt.int32, _dt.int64):
        raise _conv._invalid("MaxPoolWithArgmax", f"Value for attr 'Targmax' of {output_dtype.name} is not in the "
                                                  "list of allowed values: int32, int64")
    out = _conv.max_pool2d(input, ksize, strides, padding, "NHWC")
    x = tensor(input)
    k = _conv._get_sequence(ksize, 2, 3, "ksize")
    s = _conv._get_sequence(strides, 2, 3, "strides")
    pads = _conv._window_pads("MaxPoolWithArgmax", x._value.shape[1:3], k[1:3], s[1:3], padding, None)
    arg = execute(_argmax_p, (x,), {"ksize": tuple(k[1:3]), "strides": tuple(s[1:3]), "pads": pads,
                                     "include_batch": bool(include_batch_in_index), "dtype": output_dtype._np})
    return MaxPoolWithArgmax(out, arg)


# --- rearrangements and activations --------------------------------------------------------------
def _block_size(op, block_size):
    bs = int(block_size)
    if bs < 2:
        raise _conv._invalid(op, f"Value for attr 'block_size' of {bs} must be at least minimum 2")
    return bs


def _nhwc(op, input, data_format):  # noqa: A002
    x = tensor(input)
    if data_format not in ("NHWC", "NCHW"):
        raise _conv._invalid(op, f"Value for attr 'data_format' of \"{data_format}\" is not in the list of allowed "
                                 'values: "NHWC", "NCHW", "NCHW_VECT_C"')
    if x._value.ndim != 4:
        raise _conv._invalid(op, f"Input rank should be: 4 instead of: {x._value.ndim}")
    return _conv._to_last(x, data_format == "NCHW")


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Moves depth blocks into spatial blocks: [b, h, w, c] -> [b, h * bs, w * bs, c / bs^2]."""
    bs = _block_size("DepthToSpace", block_size)
    x = _nhwc("DepthToSpace", input, data_format)
    b, h, w, c = x._value.shape
    if c % (bs * bs):
        raise _conv._invalid("DepthToSpace", f"Input depth dimension {c} should be divisible by: {bs * bs}")
    y = _array.reshape(x, [b, h, w, bs, bs, c // (bs * bs)])
    y = _array.reshape(_array.transpose(y, [0, 1, 3, 2, 4, 5]), [b, h * bs, w * bs, c // (bs * bs)])
    return _conv._to_first(y, data_format == "NCHW")


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Moves spatial blocks into depth: [b, h, w, c] -> [b, h / bs, w / bs, c * bs^2]."""
    bs = _block_size("SpaceToDepth", block_size)
    x = _nhwc("SpaceToDepth", input, data_format)
    b, h, w, c = x._value.shape
    if h % bs or w % bs:
        raise _conv._invalid("SpaceToDepth", f"Image width {w} and height {h} should be divisible by block_size: "
                                             f"{bs}")
    y = _array.reshape(x, [b, h // bs, bs, w // bs, bs, c])
    y = _array.reshape(_array.transpose(y, [0, 1, 3, 2, 4, 5]), [b, h // bs, w // bs, bs * bs * c])
    return _conv._to_first(y, data_format == "NCHW")


def crelu(features, axis=-1, name=None):
    """Concatenated ReLU: ``concat([relu(x), relu(-x)], axis)`` (twice the channels)."""
    x = tensor(features)
    return _nn.relu(_array.concat([x, _math.negative(x)], axis))


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, name=None):  # noqa: A002
    """``input / (bias + alpha * sqr_sum) ** beta``, sqr_sum over channels [d - r, d + r] of a 4-D NHWC input."""
    x = tensor(input)
    if x._value.ndim != 4:
        raise _conv._invalid("LRN", f"input must be 4-dimensional, got shape {list(x._value.shape)}")
    if x._value.dtype.kind != "f":
        raise _conv._invalid("LRN", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
                                    "half, bfloat16, float")
    r = int(depth_radius)
    c = x._value.shape[3]
    sq = _array.pad(_math.square(x), [[0, 0], [0, 0], [0, 0], [r, r]])
    total = _array._slice(sq, (slice(None),) * 3 + (slice(0, c),))
    for k in range(1, 2 * r + 1):
        total = _math.add(total, _array._slice(sq, (slice(None),) * 3 + (slice(k, k + c),)))
    dt = x._value.dtype
    scale = _math.add(Tensor(np.asarray(bias, dt)), _math.multiply(Tensor(np.asarray(alpha, dt)), total))
    return _math.multiply(x, _math.pow(scale, Tensor(np.asarray(-beta, dt))))


lrn = local_response_normalization


# --- losses and moments ---------------------------------------------------------------------------
def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """``sum(per_example_loss * sample_weight) / global_batch_size`` (default: the loss's batch size; 0 for a
    batch size of 0, as TF's div_no_nan)."""
    loss = tensor(per_example_loss)
    if loss._value.dtype.kind != "f":
        raise TypeError(f"per_example_loss must be floating point, got {loss.dtype.name}")
    if sample_weight is not None:
        loss = _math.multiply(loss, _math.cast(tensor(sample_weight), loss.dtype))
    if global_batch_size is None:
        n = Tensor(np.asarray(loss._value.shape[0] if loss._value.ndim else 1, loss._value.dtype))
    else:  # TF's checks; an equation, so a traced batch size is read (and checked) when the graph runs
        n = convert_to_tensor(global_batch_size)
        _asserts.assert_scalar(n, "global_batch_size must be scalar.")
        _asserts.assert_integer(n, "global_batch_size must be an integer.")
        _asserts.assert_non_negative(n, "global_batch_size must be non-negative.")
        n = _math.cast(n, loss.dtype)
    return _math.divide_no_nan(_reduce.reduce_sum(loss), n)


def scale_regularization_loss(regularization_loss):
    """The sum of ``regularization_loss`` divided by the number of replicas (one)."""
    return _reduce.reduce_sum(tensor(regularization_loss))


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """``exp(log_input) - log_input * targets``, plus Stirling's term for targets > 1 with ``compute_full_loss``."""
    x = tensor(log_input)
    z = tensor(targets) if isinstance(targets, Tensor) else convert_to_tensor(targets, dtype=x.dtype)
    if x._value.shape != z._value.shape:
        raise ValueError(f"log_input and targets must have the same shape ({tuple(x._value.shape)} vs "
                         f"{tuple(z._value.shape)})")
    result = _math.subtract(_math.exp(x), _math.multiply(x, z))
    if compute_full_loss:
        dt = z._value.dtype
        half, two_pi = Tensor(np.asarray(0.5, dt)), Tensor(np.asarray(2 * np.pi, dt))
        stirling = _math.add(_math.subtract(_math.multiply(z, _math.log(z)), z),
                             _math.multiply(half, _math.log(_math.multiply(two_pi, z))))
        zeros, ones = _array.zeros_like(z), _array.ones_like(z)
        small = _math.logical_and(_math.greater_equal(z, zeros), _math.less_equal(z, ones))
        result = _math.add(result, _math.where(small, zeros, stirling))
    return result


def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None):
    """(count, sum of x - shift, sum of (x - shift)^2, shift) over ``axes``: the inputs of normalize_moments."""
    x = tensor(x)
    count = 1
    for d in axes:
        count *= x._value.shape[d]
    counts = Tensor(np.asarray(count, x._value.dtype))
    if shift is not None:
        shift = tensor(shift) if isinstance(shift, Tensor) else convert_to_tensor(shift, dtype=x.dtype)
        m_ss, v_ss = _math.subtract(x, shift), _math.squared_difference(x, shift)
    else:
        m_ss, v_ss = x, _math.square(x)
    return (counts, _reduce.reduce_sum(m_ss, axes, keepdims=keepdims), _reduce.reduce_sum(v_ss, axes, keepdims=keepdims),
            shift)


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient statistics: mean_ss / counts (+ shift), variance_ss / counts - shifted mean^2."""
    divisor = _math.reciprocal(tensor(counts))
    shifted_mean = _math.multiply(mean_ss, divisor)
    mean = shifted_mean if shift is None else _math.add(shifted_mean, shift)
    variance = _math.subtract(_math.multiply(variance_ss, divisor), _math.square(shifted_mean))
    return mean, variance


def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None):
    """The frequency-weighted mean and variance of ``x`` over ``axes`` (0 where the weights sum to 0)."""
    x = tensor(x)
    half = x.dtype == _dt.float16
    if half:
        x = _math.cast(x, _dt.float32)
    w = _math.cast(tensor(frequency_weights), x.dtype)
    axes = list(axes) if isinstance(axes, (list, tuple)) else [int(axes)]
    total = _reduce.reduce_sum(_math.multiply(w, x), axes, keepdims=True)
    weights = _reduce.reduce_sum(_math.add(w, _array.zeros_like(x)), axes, keepdims=True)
    mean = _math.divide_no_nan(total, weights)
    distsq = _reduce.reduce_sum(_math.multiply(w, _math.squared_difference(x, mean)), axes, keepdims=True)
    variance = _math.divide_no_nan(distsq, weights)
    if not keepdims:
        mean, variance = _array.squeeze(mean, axis=axes), _array.squeeze(variance, axis=axes)
    if half:
        mean, variance = _math.cast(mean, _dt.float16), _math.cast(variance, _dt.float16)
    return mean, variance


__all__ = ["conv3d", "conv3d_transpose", "conv1d_transpose", "conv_transpose", "convolution", "atrous_conv2d",
           "separable_conv2d", "max_pool3d", "avg_pool3d", "max_pool_with_argmax", "depth_to_space", "space_to_depth",
           "crelu", "local_response_normalization", "lrn", "compute_average_loss", "scale_regularization_loss",
           "log_poisson_loss", "sufficient_statistics", "normalize_moments", "weighted_moments"]
