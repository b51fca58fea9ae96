"""RMSprop, Adagrad and Adadelta, in Keras 3's form."""
import numpy as np

from . import _ops
from .base import Optimizer


class RMSprop(Optimizer):
    """RMSprop (``keras.optimizers.RMSprop``).

    ``v = rho * v + (1 - rho) * g^2``; with ``centered`` also
    ``a = rho * a + (1 - rho) * g`` and the denominator ``v - a^2 + eps``
    (else ``v + eps``); ``inc = lr * g / sqrt(denominator)``; with momentum
    ``mom = momentum * mom + inc; w -= mom``, else ``w -= inc``.
    """

    _config_keys = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _slot_groups(self):
        groups = [(["velocity"], ["zeros"])]
        if self.momentum > 0:
            groups.append((["momentum"], ["zeros"]))
        if self.centered:
            groups.append((["average_gradient"], ["zeros"]))
        return groups

    def _coefficients(self, learning_rate, dt):
        s = _ops.stensor
        return (_ops.scast(learning_rate, dt), s(self.rho, dt), s(1 - self.rho, dt), s(self.epsilon, dt),
                s(self.momentum, dt))

    def _apply_one(self, g, var, slots, c):
        lr, rho, one_minus_rho, eps, momentum = c
        velocity = slots[0]
        k = 1
        mom = None
        if self.momentum > 0:
            mom = slots[k]
            k += 1
        velocity.assign(_ops.add(_ops.multiply(rho, velocity), _ops.multiply(one_minus_rho, _ops.square(g))))
        if self.centered:
            avg = slots[k]
            avg.assign(_ops.add(_ops.multiply(rho, avg), _ops.multiply(one_minus_rho, g)))
            denominator = _ops.add(_ops.subtract(velocity, _ops.square(avg)), eps)
        else:
            denominator = _ops.add(velocity, eps)
        increment = _ops.divide(_ops.multiply(lr, g), _ops.sqrt(denominator))
        if mom is not None:
            mom.assign(_ops.add(_ops.multiply(momentum, mom), increment))
            var.assign_sub(mom)
        else:
            _ops.assign_sub(var, increment)


class _TFCast:
    """Keras' ``Constant`` initializer: ``tf.cast(value, dtype)`` everywhere."""

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        dt = dtype._np
        return np.full(shape, _ops.tfcast(self.value, dt), dtype=dt)


class Adagrad(Optimizer):
    """Adagrad (``keras.optimizers.Adagrad``): ``acc += g^2; w -= lr * g / sqrt(acc + epsilon)``."""

    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_groups(self):
        return [(["accumulator"], [_TFCast(self.initial_accumulator_value)])]

    def _coefficients(self, learning_rate, dt):
        return (_ops.scast(learning_rate, dt), _ops.stensor(self.epsilon, dt))

    def _apply_one(self, g, var, slots, c):
        lr, eps = c
        acc = slots[0]
        _ops.assign_add(acc, _ops.square(g))
        _ops.assign_sub(var, _ops.divide(_ops.multiply(lr, g), _ops.sqrt(_ops.add(acc, eps))))


class Adadelta(Optimizer):
    """Adadelta (``keras.optimizers.Adadelta``).

    ``Eg = rho * Eg + (1 - rho) * g^2``,
    ``delta = -sqrt(Ed + eps) * g / sqrt(Eg + eps)``,
    ``Ed = rho * Ed + (1 - rho) * delta^2``, ``w += lr * delta``.
    """

    _config_keys = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _slot_groups(self):
        return [(["accumulated_grad", "accumulated_delta_var"], ["zeros", "zeros"])]

    def _coefficients(self, learning_rate, dt):
        s = _ops.stensor
        return (_ops.scast(learning_rate, dt), s(self.rho, dt), s(1 - self.rho, dt), s(self.epsilon, dt))

    def _apply_one(self, g, var, slots, c):
        lr, rho, one_minus_rho, eps = c
        acc_g, acc_d = slots
        acc_g.assign(_ops.add(_ops.multiply(rho, acc_g), _ops.multiply(one_minus_rho, _ops.square(g))))
        delta = _ops.negative(_ops.divide(_ops.multiply(_ops.sqrt(_ops.add(acc_d, eps)), g),
                                          _ops.sqrt(_ops.add(acc_g, eps))))
        acc_d.assign(_ops.add(_ops.multiply(rho, acc_d), _ops.multiply(one_minus_rho, _ops.square(delta))))
        _ops.assign_add(var, _ops.multiply(lr, delta))
