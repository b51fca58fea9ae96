"""Lion and Ftrl, in Keras 3's form."""
import numpy as np

from ...ops import math as _m
from . import _ops
from .base import Optimizer
from .rmsprop import _TFCast


class Lion(Optimizer):
    """Lion (``keras.optimizers.Lion``): ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``, then
    ``m = beta_2 * m + (1 - beta_2) * g``."""

    _config_keys = ("beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates "
                             f"to SignSGD. Received: beta_1={beta_1}.")

    def _slot_groups(self):
        return [(["momentum"], ["zeros"])]

    def _coefficients(self, learning_rate, dt):
        b1, b2 = _ops.tfcast(self.beta_1, dt), _ops.tfcast(self.beta_2, dt)
        one = np.asarray(1, dt)
        s = _ops.stensor
        return _ops.scast(learning_rate, dt), s(b1, dt), s(one - b1, dt), s(b2, dt), s(one - b2, dt)

    def _apply_one(self, g, var, slots, c):
        lr, b1, one_minus_b1, b2, one_minus_b2 = c
        g = _ops.dense(g)
        m = slots[0]
        var.assign_sub(_ops.multiply(lr, _m.sign(_ops.add(_ops.multiply(m, b1), _ops.multiply(g, one_minus_b1)))))
        m.assign(_ops.add(_ops.multiply(m, b2), _ops.multiply(g, one_minus_b2)))


class Ftrl(Optimizer):
    """FTRL-proximal (``keras.optimizers.Ftrl``), Keras 3's update:

    ``n' = n + g^2``; ``z += g + 2 * l2_shrinkage * w - (n'^-p - n^-p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n'^-p / lr + 2 * (l2 + beta / (2 * lr)))``; ``n = n'``
    (``p = learning_rate_power``).
    """

    _config_keys = ("learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
                    "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for name, value, rule in (
                ("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
                ("learning_rate_power", -learning_rate_power, "negative or zero"),
                ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
                ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
                ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, "positive or zero")):
            if value < 0.0:
                shown = -value if name == "learning_rate_power" else value
                raise ValueError(f"`{name}` needs to be {rule}. Received: {name}={shown}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _slot_groups(self):
        return [(["accumulator", "linear"], [_TFCast(self.initial_accumulator_value), "zeros"])]

    def _coefficients(self, learning_rate, dt):
        lr = _ops.tfcast(learning_rate, dt)
        l2 = _ops.tfcast(self.l2_regularization_strength, dt) + _ops.tfcast(self.beta, dt) / (
            _ops.tfcast(2.0, dt) * lr)
        s = _ops.stensor
        return (s(lr, dt), s(_ops.tfcast(2 * l2, dt), dt), s(-self.learning_rate_power, dt),
                s(2 * self.l2_shrinkage_regularization_strength, dt), s(self.l1_regularization_strength, dt),
                s(-self.l1_regularization_strength, dt))

    def _apply_one(self, g, var, slots, c):
        lr, two_l2, power, two_shrinkage, l1, neg_l1 = c
        g = _ops.dense(g)
        accum, linear = slots
        grad_to_use = _ops.add(g, _ops.multiply(two_shrinkage, var))
        new_accum = _ops.add(accum, _ops.square(g))
        new_pow = _m.pow(new_accum, power)
        linear.assign_add(_ops.subtract(grad_to_use, _ops.multiply(
            _ops.divide(_ops.subtract(new_pow, _m.pow(accum, power)), lr), var)))
        quadratic = _ops.add(_ops.divide(new_pow, lr), two_l2)
        var.assign(_ops.divide(_ops.subtract(_m.minimum(_m.maximum(linear, neg_l1), l1), linear), quadratic))
        accum.assign(new_accum)
