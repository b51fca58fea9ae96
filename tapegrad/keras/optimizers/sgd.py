"""SGD with optional (Nesterov) momentum, in Keras 3's form."""
from . import _ops
from .base import Optimizer


class SGD(Optimizer):
    """Gradient descent with momentum (``keras.optimizers.SGD``).

    Without momentum ``w -= lr * g``. With momentum (Keras' velocity form)
    ``velocity = momentum * velocity - lr * g; w += velocity``; with
    ``nesterov=True`` ``w += momentum * velocity - lr * g``.
    """

    _config_keys = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def _slot_groups(self):
        return [(["momentum"], ["zeros"])] if self.momentum != 0 else []

    def _coefficients(self, learning_rate, dt):
        return (_ops.scast(learning_rate, dt), _ops.scast(self.momentum, dt))

    def _apply_one(self, g, var, slots, c):
        lr, momentum = c
        if slots:
            m = slots[0]
            m.assign(_ops.subtract(_ops.multiply(m, momentum), _ops.multiply(g, lr)))
            if self.nesterov:
                var.assign_add(_ops.subtract(_ops.multiply(m, momentum), _ops.multiply(g, lr)))
            else:
                var.assign_add(m)
        else:
            _ops.assign_sub(var, _ops.multiply(g, lr))
