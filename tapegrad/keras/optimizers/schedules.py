"""Learning rate schedules: ``tapegrad.keras.optimizers.schedules`` (Keras 3 names and numerics).

A schedule is called with the optimizer's iteration count (an int64 variable,
or any number) and returns a 0-d Tensor. The arithmetic follows Keras 3 step
by step in the dtype of ``initial_learning_rate`` (float32 for a Python
float), so the values are TensorFlow's to the last bit.
"""
import math

import numpy as np

from ..._core.tensor import Tensor, Variable, convert_to_tensor
from . import _ops


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `get_config()` in order "
            "to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _float_dtype(value):
    """The dtype TF gives ``convert_to_tensor(value)`` for a learning rate (float32 for Python numbers)."""
    if isinstance(value, (Tensor, Variable, np.ndarray, np.generic)):
        dt = np.asarray(_ops.np_value(value)).dtype
        return dt if dt.kind == "f" else np.dtype(np.float32)
    return np.dtype(np.float32)


def _step(step, dt):
    """The step cast to ``dt`` (tf.cast)."""
    return _ops.tfcast(step, dt)


def _out(x, dt):
    return Tensor(np.asarray(x, dtype=dt).reshape(()))


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored exponent if ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        dt = _float_dtype(self.initial_learning_rate)
        lr0 = _ops.scalar(self.initial_learning_rate, dt)
        p = _step(step, dt) / _ops.tfcast(self.decay_steps, dt)
        if self.staircase:
            p = np.floor(p)
        return _out(lr0 * _ops.spow(_ops.tfcast(self.decay_rate, dt), p, dt), dt)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]`` (``values[0]`` up to the first boundary)."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                f"{len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        s = convert_to_tensor(step)._value
        bounds = [convert_to_tensor(b)._value.astype(s.dtype) for b in self.boundaries]
        vals = [convert_to_tensor(v)._value for v in self.values]
        dt = vals[0].dtype
        result = np.asarray(0, dtype=dt)
        result = result + np.asarray(s <= bounds[0], dtype=dt) * vals[0]
        result = result + np.asarray(s > bounds[-1], dtype=dt) * vals[-1]
        for low, high, v in zip(bounds[:-1], bounds[1:], vals[1:-1]):
            result = result + np.asarray((s > low) & (s <= high), dtype=dt) * v
        return _out(result, dt)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(lr0 - end) * (1 - step / decay_steps) ** power + end``, optionally cycling."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        dt = _float_dtype(self.initial_learning_rate)
        lr0 = _ops.scalar(self.initial_learning_rate, dt)
        end = _ops.tfcast(self.end_learning_rate, dt)
        power = _ops.tfcast(self.power, dt)
        s = _step(step, dt)
        steps = _ops.tfcast(self.decay_steps, dt)
        if self.cycle:
            mult = np.asarray(1.0, dt) if s == 0 else np.ceil(s / _ops.scalar(self.decay_steps, dt))
            steps = steps * mult
        else:
            s = np.minimum(s, steps)
        p = s / steps
        one = np.asarray(1, dt)
        return _out((lr0 - end) * _ops.spow(one - p, power, dt) + end, dt)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored ratio if ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        dt = _float_dtype(self.initial_learning_rate)
        lr0 = _ops.scalar(self.initial_learning_rate, dt)
        p = _step(step, dt) / _ops.tfcast(self.decay_steps, dt)
        if self.staircase:
            p = np.floor(p)
        denom = np.asarray(1, dt) + _ops.tfcast(self.decay_rate, dt) * p
        return _out(lr0 / denom, dt)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


def _cos(x, dt):
    """cos of a scalar of dtype ``dt``, evaluated in float64 and rounded once."""
    return np.asarray(np.cos(np.float64(x)), dtype=dt) if dt.itemsize < 8 else np.cos(x)


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha`` times the start value.

    Starts from ``initial_learning_rate``, or, with ``warmup_target``, after a linear warmup of
    ``warmup_steps`` from ``initial_learning_rate`` to ``warmup_target``.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_steps("decay_steps", decay_steps)

    def _decay(self, step, decay_steps, decay_from_lr, dt):
        completed = step / decay_steps
        pi = np.asarray(math.pi, dt)
        cosine_decayed = np.asarray(0.5, dt) * (np.asarray(1.0, dt) + _cos(pi * completed, dt))
        decayed = _ops.scalar(1 - self.alpha, dt) * cosine_decayed + _ops.scalar(self.alpha, dt)
        return decay_from_lr * decayed

    def __call__(self, step):
        dt = _float_dtype(self.initial_learning_rate)
        lr0 = _ops.scalar(self.initial_learning_rate, dt)
        decay_steps = _ops.tfcast(self.decay_steps, dt)
        s = _step(step, dt)
        if self.warmup_target is None:
            return _out(self._decay(np.minimum(s, decay_steps), decay_steps, lr0, dt), dt)
        target = _ops.tfcast(self.warmup_target, dt)
        warmup_steps = _ops.tfcast(self.warmup_steps, dt)
        s = np.minimum(s, decay_steps + warmup_steps)
        if s < warmup_steps:
            completed = s / warmup_steps
            return _out((target - lr0) * completed + lr0, dt)
        return _out(self._decay(s - warmup_steps, decay_steps, target, dt), dt)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks scale by ``m_mul``."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        dt = _float_dtype(self.initial_learning_rate)
        lr0 = _ops.scalar(self.initial_learning_rate, dt)
        first = _ops.tfcast(self.first_decay_steps, dt)
        alpha = _ops.tfcast(self.alpha, dt)
        t_mul = _ops.tfcast(self._t_mul, dt)
        m_mul = _ops.tfcast(self._m_mul, dt)
        completed = _step(step, dt) / first
        one = np.asarray(1.0, dt)
        if t_mul == 1.0:
            i_restart = np.floor(completed)
            completed = completed - i_restart
        else:
            log = (lambda x: np.asarray(np.log(np.float64(x)), dt)) if dt.itemsize < 8 else np.log
            i_restart = np.floor(log(one - completed * (one - t_mul)) / log(t_mul))
            sum_r = (one - _ops.spow(t_mul, i_restart, dt)) / (one - t_mul)
            completed = (completed - sum_r) / _ops.spow(t_mul, i_restart, dt)
        m_fac = _ops.spow(m_mul, i_restart, dt)
        pi = np.asarray(math.pi, dt)
        cosine_decayed = np.asarray(0.5, dt) * m_fac * (one + _cos(pi * completed, dt))
        decayed = (one - alpha) * cosine_decayed + alpha
        return _out(lr0 * decayed, dt)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_BUILTIN = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                                    CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """Keras' serialized form: ``{'module', 'class_name', 'config', 'registered_name'}``."""
    s = learning_rate_schedule
    builtin = _BUILTIN.get(type(s).__name__) is type(s)
    return {"module": "keras.optimizers.schedules" if builtin else type(s).__module__,
            "class_name": type(s).__name__, "config": s.get_config(),
            "registered_name": None if builtin else type(s).__name__}


def deserialize(config, custom_objects=None):
    """Rebuilds a schedule from ``serialize``'s output (``custom_objects`` maps extra class names)."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BUILTIN.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret learning rate schedule '{name}': pass it in `custom_objects`.")
    return cls.from_config(dict(config["config"]))


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
           "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]
