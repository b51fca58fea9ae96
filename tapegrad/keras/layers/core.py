"""Core layers: Dense, Embedding, Dropout, Flatten, Reshape, the activation layers, and Input/InputLayer."""
import numpy as np

from ..._core import dtypes as _dt
from ...ops import array as _array
from ...ops import math as _math
from ...ops import nn as _nn
from .. import activations, initializers, regularizers
from ..variables import SeedGenerator
from .base import InputSpec, Layer, standardize_shape
from .symbolic import KerasTensor, Node


def _serialize_initializer(init):
    return initializers.serialize(init) if isinstance(init, initializers.Initializer) else init


class _KernelBias(Layer):
    """Dense's and Conv2D's shared arguments: activation, bias, and the kernel's/bias' initializers, regularizers
    and constraints."""

    def _set_kernel_bias_args(self, activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                              bias_regularizer, kernel_constraint, bias_constraint):
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    def _add_kernel_bias(self, kernel_shape, units):
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = (self.add_weight(name="bias", shape=(units,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)

    def _kernel_bias_config(self):
        return {"activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": _serialize_initializer(self.kernel_initializer),
                "bias_initializer": _serialize_initializer(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": self.kernel_constraint, "bias_constraint": self.bias_constraint}


class Dense(_KernelBias):
    """``activation(inputs @ kernel + bias)`` on the last axis (``keras.layers.Dense``).

    Args:
      units: the output size.
      activation: a function or name (default: none, linear).
      use_bias: whether to add a bias (default True).
      kernel_initializer, bias_initializer: 'glorot_uniform' and 'zeros' by default.
      kernel_regularizer, bias_regularizer: penalties added to ``losses``.
      kernel_constraint, bias_constraint: applied after each optimizer step.

    The kernel has shape ``(input_dim, units)``; inputs must have rank >= 2.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: "
                             f"units={units}")
        self.units = int(units)
        self._set_kernel_bias_args(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                                   bias_regularizer, kernel_constraint, bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the inputs to layer '{self.name}' (Dense) should be defined. "
                             f"Found None. Full input shape received: {input_shape}")
        self._add_kernel_bias((input_dim, self.units), self.units)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs, training=None):
        if inputs.ndim == 2:
            x = _math.matmul(inputs, self.kernel)
        else:
            x = _math.tensordot(inputs, self.kernel, [[inputs.ndim - 1], [0]])
        if self.bias is not None:
            x = _math.add(x, self.bias)
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, **self._kernel_bias_config()}


class Embedding(Layer):
    """Rows of an ``(input_dim, output_dim)`` table at integer indices (``keras.layers.Embedding``).

    The table's gradient is an ``IndexedSlices`` (only the looked-up rows), which the optimizers apply
    sparsely as Keras does.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        if inputs.dtype.name not in ("int32", "int64"):
            inputs = _math.cast(inputs, "int32")
        return _array.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        return _math.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": _serialize_initializer(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "embeddings_constraint": self.embeddings_constraint, "mask_zero": self.mask_zero}


class Dropout(Layer):
    """Zeroes inputs with probability ``rate`` during training, scaling the rest by ``1 / (1 - rate)``.

    Each training call draws its mask with ``tf.nn.experimental.stateless_dropout`` from the layer's
    ``SeedGenerator`` (seeded by ``seed``, else by Python's ``random``), advancing it, as Keras 3 does on TF.
    At inference (``training`` False or None) the inputs pass unchanged.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                             f"Received: rate={rate}")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            if self.rate == 1:
                return _math.multiply(inputs, 0.0)
            seed = _math.cast(_math.floormod(self.seed_generator.next(), 2**31 - 2), _dt.int32)  # Keras' _cast_seed
            return _nn.stateless_dropout(inputs, self.rate, seed, noise_shape=self.noise_shape)
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}


class Flatten(Layer):
    """Flattens all but the batch dimension (``channels_first`` inputs are moved to channels-last first)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = inputs.ndim
        if self.data_format == "channels_first" and rank > 2:
            inputs = _array.transpose(inputs, (0,) + tuple(range(2, rank)) + (1,))
        size = int(np.prod(inputs.shape.as_list()[1:]))
        return _array.reshape(inputs, (-1, size))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else int(np.prod(rest)))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes each example to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        return _array.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        target = list(self.target_shape)
        if -1 in target:
            rest = input_shape[1:]
            if None in rest:
                target[target.index(-1)] = None
            else:
                known = int(np.prod([d for d in target if d != -1]))
                target[target.index(-1)] = int(np.prod(rest)) // known
        return (input_shape[0],) + tuple(target)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class _Elementwise(Layer):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


class Activation(_Elementwise):
    """Applies an activation function (a name or a callable)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class ReLU(_Elementwise):
    """``relu(x, negative_slope, max_value, threshold)``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. Received: {negative_slope}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    """``x`` where positive, else ``negative_slope * x`` (0.3 by default, as Keras)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope
        self.supports_masking = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class Softmax(_Elementwise):
    """Softmax along ``axis`` (-1); ``mask`` (True: keep) sends masked entries to probability 0."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            adder = _math.multiply(_math.subtract(1.0, _math.cast(mask, inputs.dtype)),
                                   _math.cast(-1e9 if inputs.dtype.name != "float16" else -6e4, inputs.dtype))
            inputs = _math.add(inputs, adder)
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class InputLayer(Layer):
    """The input of a ``Sequential``: ``shape`` without the batch dimension (or ``batch_shape`` with it)."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, input_tensor=None,
                 optional=False, name=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument.")
            batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = standardize_shape(batch_shape)
        self.output = KerasTensor(self._batch_shape, dtype=self.dtype, name=name)
        Node(self, outputs=[self.output])
        self.built = True

    @property
    def batch_shape(self):
        return self._batch_shape

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self.dtype, "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None,
          optional=False):  # noqa: N802 - Keras' name
    """A symbolic input of ``shape`` (no batch dimension): call layers on it and pass it to
    ``keras.Model(inputs, outputs)``, or start a ``Sequential`` with it."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name).output


def _data_format(data_format):
    data_format = "channels_last" if data_format is None else str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    return data_format
