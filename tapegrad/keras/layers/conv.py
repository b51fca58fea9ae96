"""Convolution and pooling layers: Conv2D, MaxPooling2D, AveragePooling2D and the global poolings."""
from ...ops import array as _array
from ...ops import conv as _conv
from ...ops import math as _math
from ...ops import reduce as _reduce
from .. import regularizers
from .base import InputSpec, Layer
from .core import _data_format, _KernelBias


def _tuple(value, n, what):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{what}` argument must be a tuple of {n} integers. Received {what}={value}")
    return value


def _padding(padding):
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError(f"The `padding` argument must be a string, one of 'valid' or 'same'. Received: "
                         f"padding={padding}")
    return padding


def _output_length(length, window, padding, stride, dilation=1):
    if length is None:
        return None
    window = (window - 1) * dilation + 1
    if padding == "same":
        return (length + stride - 1) // stride
    return max(0, (length - window) // stride + 1)


def _spatial_output_shape(layer, input_shape, window, strides, dilations, channels):
    channels_last = layer.data_format == "channels_last"
    spatial = input_shape[1:3] if channels_last else input_shape[2:4]
    out = tuple(_output_length(n, w, layer.padding, s, d) for n, w, s, d in zip(spatial, window, strides, dilations))
    if any(d is not None and d <= 0 for d in out):
        raise ValueError(f"Computed output size would be negative for layer '{layer.name}' "
                         f"({type(layer).__name__}): input shape {tuple(input_shape)}, window {window}, strides "
                         f"{strides}, padding '{layer.padding}'.")
    return (input_shape[0],) + (out + (channels,) if channels_last else (channels,) + out)


class Conv2D(_KernelBias):
    """2-D convolution (``keras.layers.Conv2D``): kernel ``(kh, kw, in_channels / groups, filters)``.

    Args:
      filters: the number of output channels.
      kernel_size: an int or a pair.
      strides, dilation_rate: an int or a pair (1).
      padding: 'valid' (default) or 'same'.
      data_format: 'channels_last' (default, NHWC) or 'channels_first' (NCHW).
      groups: split the input channels into this many groups.
      activation, use_bias, kernel_/bias_ initializer/regularizer/constraint: as in ``Dense``.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if filters is not None and (not isinstance(filters, int) or filters <= 0):
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly positive value. Received "
                             f"filters={filters}.")
        self.filters = filters
        self.groups = groups
        self.kernel_size = _tuple(kernel_size, 2, "kernel_size")
        self.strides = _tuple(strides, 2, "strides")
        self.dilation_rate = _tuple(dilation_rate, 2, "dilation_rate")
        self.padding = _padding(padding)
        self.data_format = _data_format(data_format)
        self._set_kernel_bias_args(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                                   bias_regularizer, kernel_constraint, bias_constraint)
        if filters % groups != 0:
            raise ValueError(f"The number of filters must be evenly divisible by the number of groups. Received: "
                             f"groups={groups}, filters={filters}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.input_spec = InputSpec(min_ndim=4)

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None or channels % self.groups != 0:
            raise ValueError(f"The number of input channels must be evenly divisible by the number of groups. "
                             f"Received groups={self.groups}, but the input has {channels} channels (full input "
                             f"shape is {tuple(input_shape)}).")
        self._add_kernel_bias(self.kernel_size + (channels // self.groups, self.filters), self.filters)
        self.input_spec = InputSpec(min_ndim=4, axes={self._channel_axis(): channels})

    def call(self, inputs):
        fmt = "NHWC" if self.data_format == "channels_last" else "NCHW"
        x = _conv.conv2d(inputs, self.kernel, strides=list(self.strides), padding=self.padding.upper(),
                         data_format=fmt, dilations=list(self.dilation_rate))
        if self.bias is not None:
            bias = self.bias if fmt == "NHWC" else _array.reshape(self.bias, (1, self.filters, 1, 1))
            x = _math.add(x, bias)
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return _spatial_output_shape(self, input_shape, self.kernel_size, self.strides, self.dilation_rate,
                                     self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups, **self._kernel_bias_config(),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer)}


class _Pooling2D(Layer):
    _kind = None

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = _tuple(pool_size, 2, "pool_size")
        self.strides = self.pool_size if strides is None else _tuple(strides, 2, "strides")
        self.padding = _padding(padding)
        self.data_format = _data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        fmt = "NHWC" if self.data_format == "channels_last" else "NCHW"
        pool = _conv.max_pool2d if self._kind == "max" else _conv.avg_pool2d
        return pool(inputs, ksize=list(self.pool_size), strides=list(self.strides), padding=self.padding.upper(),
                    data_format=fmt)

    def compute_output_shape(self, input_shape):
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        return _spatial_output_shape(self, input_shape, self.pool_size, self.strides, (1, 1), channels)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling2D(_Pooling2D):
    """Max over ``pool_size`` windows (``strides`` default to ``pool_size``; 'valid' padding)."""
    _kind = "max"


class AveragePooling2D(_Pooling2D):
    """Mean over ``pool_size`` windows (with 'same' padding, of the unpadded elements only)."""
    _kind = "avg"


class _GlobalPooling2D(Layer):
    _reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=4)

    def _axes(self):
        return [1, 2] if self.data_format == "channels_last" else [2, 3]

    def call(self, inputs):
        return type(self)._reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling2D):
    """The mean over the spatial dimensions."""
    _reduce = staticmethod(_reduce.reduce_mean)


class GlobalMaxPooling2D(_GlobalPooling2D):
    """The max over the spatial dimensions."""
    _reduce = staticmethod(_reduce.reduce_max)


MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
