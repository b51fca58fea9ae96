"""BatchNormalization (Keras 3's non-synchronized form) and LayerNormalization (``keras.layers``)."""
from ...ops import array as _array
from ...ops import math as _math
from ...ops import nn as _nn
from .. import initializers, regularizers
from .base import InputSpec, Layer
from .core import _serialize_initializer


class BatchNormalization(Layer):
    """Normalizes over all axes but ``axis`` (-1): ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    In training (``training=True`` and the layer trainable) it uses the batch's mean and (biased)
    variance and updates ``moving_mean``/``moving_variance``
    (``moving = moving * momentum + batch * (1 - momentum)``, non-trainable weights); otherwise it uses
    the moving statistics. Defaults as in Keras: momentum 0.99, epsilon 1e-3.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.synchronized = synchronized
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        axis = self.axis if self.axis >= 0 else ndim + self.axis
        if not 0 <= axis < ndim:
            raise ValueError(f"Invalid axis {self.axis} for layer '{self.name}' (BatchNormalization): the input has "
                             f"rank {ndim} (shape {tuple(input_shape)}).")
        shape = (input_shape[axis],)
        self.gamma = (self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                      regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
                      if self.scale else None)
        self.beta = (self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                     regularizer=self.beta_regularizer, constraint=self.beta_constraint)
                     if self.center else None)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: input_shape[axis]})
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self._broadcast = [1 if i != axis else input_shape[axis] for i in range(ndim)] if axis != ndim - 1 else None

    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            raise NotImplementedError("BatchNormalization with a mask is not supported by tapegrad.")
        if training and self.trainable:
            mean, variance = _nn.moments(inputs, axes=self._reduction_axes)
            m = self.momentum
            self.moving_mean.assign(_math.add(_math.multiply(self.moving_mean, m), _math.multiply(mean, 1.0 - m)))
            self.moving_variance.assign(_math.add(_math.multiply(self.moving_variance, m),
                                                  _math.multiply(variance, 1.0 - m)))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        gamma, beta = self.gamma, self.beta
        if self._broadcast is not None:
            def shaped(v):
                return None if v is None else _array.reshape(v, self._broadcast)
            mean, variance, gamma, beta = shaped(mean), shaped(variance), shaped(gamma), shaped(beta)
        return _nn.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": _serialize_initializer(self.beta_initializer),
                "gamma_initializer": _serialize_initializer(self.gamma_initializer),
                "moving_mean_initializer": _serialize_initializer(self.moving_mean_initializer),
                "moving_variance_initializer": _serialize_initializer(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": self.beta_constraint, "gamma_constraint": self.gamma_constraint,
                "synchronized": self.synchronized}


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` (-1, an int or a list): Keras 3's
    ``x * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(var + epsilon)``, the biased variance and
    statistics in float32 for float16 inputs. Defaults as in Keras: epsilon 1e-3, center and scale on.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', but received: "
                            f"{axis!r}")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(f"Axis {a} is out of bounds for input shape {tuple(input_shape)}. "
                                 f"Received: axis={self.axis}")
        self.axis = sorted(a % ndim for a in axes) if isinstance(self.axis, list) else [self.axis % ndim]
        shape = tuple(input_shape[a] for a in self.axis)
        self.gamma = (self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                      regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
                      if self.scale or self.rms_scaling else None)
        self.beta = (self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                     regularizer=self.beta_regularizer, constraint=self.beta_constraint)
                     if self.center and not self.rms_scaling else None)

    def call(self, inputs, mask=None):
        from ..._core import dtypes as _dt
        x = _math.cast(inputs, _dt.float32) if inputs.dtype in (_dt.float16, _dt.bfloat16) else inputs
        ndim = len(x.shape)
        broadcast = [1] * ndim
        for a in self.axis:
            broadcast[a] = x.shape[a]

        def shaped(v):
            return v if v is None or self.axis == [ndim - 1] else _array.reshape(v, broadcast)

        if self.rms_scaling:  # Keras' deprecated option: scales by the variance, not the root mean square
            _, variance = _nn.moments(x, axes=self.axis, keepdims=True)
            out = x * _math.rsqrt(variance + self.epsilon)
            if self.gamma is not None:
                out = out * _math.cast(shaped(self.gamma), x.dtype)
        else:
            mean, variance = _nn.moments(x, axes=self.axis, keepdims=True)
            inv = _math.rsqrt(variance + self.epsilon)
            if self.gamma is not None:
                inv = inv * _math.cast(shaped(self.gamma), x.dtype)
            res = -mean * inv
            if self.beta is not None:
                res = res + _math.cast(shaped(self.beta), x.dtype)
            out = x * inv + res
        return _math.cast(out, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "beta_initializer": _serialize_initializer(self.beta_initializer),
                "gamma_initializer": _serialize_initializer(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": self.beta_constraint, "gamma_constraint": self.gamma_constraint}
