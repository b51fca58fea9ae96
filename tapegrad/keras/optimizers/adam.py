"""Adam, AdamW (decoupled weight decay) and Adamax, in Keras 3's form."""
import numpy as np

from . import _ops
from .base import Optimizer


def _bias_powers(opt, dt, *betas):
    """beta ** (iterations + 1) in ``dt`` for each beta (TF's float32 Pow)."""
    step = np.asarray(opt._step_count() + 1, dtype=dt)
    return [_ops.spow(_ops.tfcast(b, dt), step, dt) for b in betas]


class Adam(Optimizer):
    """Adam (``keras.optimizers.Adam``).

    ``m += (g - m) * (1 - beta_1)``, ``v += (g^2 - v) * (1 - beta_2)``,
    ``alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``,
    ``w -= m * alpha / (sqrt(v) + epsilon)`` (``v`` replaced by its running
    maximum with ``amsgrad``).
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _slot_groups(self):
        groups = [(["momentum", "velocity"], ["zeros", "zeros"])]
        if self.amsgrad:
            groups.append((["velocity_hat"], ["zeros"]))
        return groups

    def _coefficients(self, learning_rate, dt):
        lr = _ops.tfcast(learning_rate, dt)
        b1p, b2p = _bias_powers(self, dt, self.beta_1, self.beta_2)
        one = np.asarray(1, dt)
        alpha = lr * np.sqrt(one - b2p) / (one - b1p)
        return (_ops.stensor(alpha, dt), _ops.stensor(1 - self.beta_1, dt), _ops.stensor(1 - self.beta_2, dt),
                _ops.stensor(self.epsilon, dt))

    def _apply_one(self, g, var, slots, c):
        alpha, one_minus_b1, one_minus_b2, eps = c
        m, v = slots[0], slots[1]
        m.assign_add(_ops.multiply(_ops.subtract(g, m), one_minus_b1))
        v.assign_add(_ops.multiply(_ops.subtract(_ops.square(g), v), one_minus_b2))
        if self.amsgrad:
            v_hat = slots[2]
            v_hat.assign(_ops.maximum(v_hat, v))
            v = v_hat
        var.assign_sub(_ops.divide(_ops.multiply(m, alpha), _ops.add(_ops.sqrt(v), eps)))


class AdamW(Adam):
    """Adam with decoupled weight decay (``keras.optimizers.AdamW``).

    ``w -= w * weight_decay * lr`` before each Adam step; ``weight_decay`` defaults to 0.004.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")


class _Betas(Optimizer):
    """Adamax's and Nadam's arguments: Adam's without ``amsgrad``."""

    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon


class Adamax(_Betas):
    """Adamax, Adam with the infinity norm (``keras.optimizers.Adamax``).

    ``m += (g - m) * (1 - beta_1)``, ``u = max(beta_2 * u, |g|)``,
    ``w -= lr * m / ((1 - beta_1^t) * (u + epsilon))``.
    """

    def _slot_groups(self):
        return [(["momentum", "norm"], ["zeros", "zeros"])]

    def _coefficients(self, learning_rate, dt):
        (b1p,) = _bias_powers(self, dt, self.beta_1)
        return (_ops.scast(learning_rate, dt), _ops.stensor(1 - self.beta_1, dt),
                _ops.stensor(self.beta_2, dt), _ops.stensor(np.asarray(1, dt) - b1p, dt),
                _ops.stensor(self.epsilon, dt))

    def _apply_one(self, g, var, slots, c):
        lr, one_minus_b1, beta_2, one_minus_b1p, eps = c
        m, u = slots
        m.assign_add(_ops.multiply(_ops.subtract(g, m), one_minus_b1))
        u.assign(_ops.maximum(_ops.multiply(beta_2, u), _ops.abs(g)))
        var.assign_sub(_ops.divide(_ops.multiply(lr, m), _ops.multiply(one_minus_b1p, _ops.add(u, eps))))
