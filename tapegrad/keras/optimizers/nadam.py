"""Nadam (Adam with Nesterov momentum and Keras' momentum schedule), in Keras 3's form."""
import numpy as np

from . import _ops
from .adam import _Betas


class Nadam(_Betas):
    """Nadam (``keras.optimizers.Nadam``).

    With ``u_t = beta_1 * (1 - 0.5 * 0.96^t)`` and ``u_product`` the running
    product of the ``u_t``: ``m += (g - m) * (1 - beta_1)``,
    ``v += (g^2 - v) * (1 - beta_2)``,
    ``m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)``,
    ``v_hat = v / (1 - beta_2^t)``, ``w -= m_hat * lr / (sqrt(v_hat) + epsilon)``.
    """

    _u_product = None  # the running product of the u_t, a variable once built

    def _slot_groups(self):
        return [(["momentum", "velocity"], ["zeros", "zeros"])]

    def _build_extra(self, new_variables):
        if self._u_product is None:
            self._u_product = self._own_variable(np.asarray(1.0, new_variables[0]._value.dtype), "variable")

    def _backend_update_step(self, grads, variables, learning_rate):
        _ops.per_call(self._advance_u_product, touches=(self._u_product,))
        super()._backend_update_step(grads, variables, learning_rate)

    def _advance_u_product(self):
        u = self._u_product
        dt = u._value.dtype
        step = np.asarray(self._step_count() + 1, dt)
        factor = np.asarray(1.0, dt) - np.asarray(0.5, dt) * _ops.spow(0.96, step, dt)
        u.assign(u._value * np.asarray(self.beta_1, dt) * factor)

    def _coefficients(self, learning_rate, dt):
        t = self._step_count()
        local_step, next_step = np.asarray(t + 1, dt), np.asarray(t + 2, dt)
        one, half = np.asarray(1.0, dt), np.asarray(0.5, dt)
        beta_1, beta_2 = _ops.tfcast(self.beta_1, dt), _ops.tfcast(self.beta_2, dt)
        decay = _ops.tfcast(0.96, dt)
        u_t = beta_1 * (one - half * _ops.spow(decay, local_step, dt))
        u_t_1 = beta_1 * (one - half * _ops.spow(decay, next_step, dt))
        u_product_t = _ops.scalar(self._u_product, dt)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = _ops.spow(beta_2, local_step, dt)
        s = _ops.stensor
        return (_ops.scast(learning_rate, dt), s(one - beta_1, dt), s(one - beta_2, dt), s(u_t_1, dt),
                s(one - u_product_t_1, dt), s(one - u_t, dt), s(one - u_product_t, dt), s(one - beta_2_power, dt),
                s(self.epsilon, dt))

    def _apply_one(self, g, var, slots, c):
        lr, one_minus_b1, one_minus_b2, u_t_1, den1, one_minus_u_t, den2, den_v, eps = c
        m, v = slots
        m.assign_add(_ops.multiply(_ops.subtract(g, m), one_minus_b1))
        v.assign_add(_ops.multiply(_ops.subtract(_ops.square(g), v), one_minus_b2))
        m_hat = _ops.add(_ops.divide(_ops.multiply(u_t_1, m), den1),
                         _ops.divide(_ops.multiply(one_minus_u_t, g), den2))
        v_hat = _ops.divide(v, den_v)
        var.assign_sub(_ops.divide(_ops.multiply(m_hat, lr), _ops.add(_ops.sqrt(v_hat), eps)))
