"""Learning rate schedules: ``tapegrad.keras.optimizers.schedules`` (Keras 3 names and numerics).

A schedule is called with the optimizer's iteration count (an int64 variable,
or any number) and returns a 0-d Tensor. The arithmetic follows Keras 3 step
by step in the dtype of ``initial_learning_rate`` (float32 for a Python
float), so the values are TensorFlow's to the last bit.
"""
import dataclasses
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


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


# The built-in schedules' fields are their arguments and config; they compare and print as plain objects.
_schedule = dataclasses.dataclass(eq=False, repr=False)


class _Schedule(LearningRateSchedule):
    """Base of the built-in schedules: ``get_config()`` returns the dataclass fields."""

    def get_config(self):
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


class _Decay(_Schedule):
    """A decay of ``initial_learning_rate``, computed step by step in its float dtype ``dt``.

    Subclasses implement ``_decay(step, lr0, dt)`` on NumPy scalars of ``dt``; the dataclass ones
    have their ``decay_steps`` checked here.
    """

    def __post_init__(self):
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step):
        dt = _float_dtype(self.initial_learning_rate)
        return _ops.stensor(self._decay(_ops.tfcast(step, dt), _ops.scalar(self.initial_learning_rate, dt), dt), dt)


@_schedule
class _StaircaseDecay(_Decay):
    """A decay by ``decay_rate`` driven by ``step / decay_steps`` (floored if ``staircase``)."""

    initial_learning_rate: float
    decay_steps: int
    decay_rate: float
    staircase: bool = False

    def _progress(self, step, dt):
        p = step / _ops.tfcast(self.decay_steps, dt)
        return np.floor(p) if self.staircase else p


@_schedule
class ExponentialDecay(_StaircaseDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored exponent if ``staircase``)."""

    name: str = "ExponentialDecay"

    def _decay(self, step, lr0, dt):
        return lr0 * _ops.spow(_ops.tfcast(self.decay_rate, dt), self._progress(step, dt), dt)


@_schedule
class PiecewiseConstantDecay(_Schedule):
    """``values[i]`` for ``boundaries[i-1] < step <= boundaries[i]`` (``values[0]`` up to the first boundary)."""

    boundaries: list
    values: list
    name: str = "PiecewiseConstant"

    def __post_init__(self):
        if len(self.boundaries) != len(self.values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={self.boundaries} of length {len(self.boundaries)}, and values={self.values} of length "
                f"{len(self.values)}.")

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
        return _ops.stensor(result, dt)


@_schedule
class PolynomialDecay(_Decay):
    """``(lr0 - end) * (1 - step / decay_steps) ** power + end``, optionally cycling."""

    initial_learning_rate: float
    decay_steps: int
    end_learning_rate: float = 0.0001
    power: float = 1.0
    cycle: bool = False
    name: str = "PolynomialDecay"

    def _decay(self, s, lr0, dt):
        end = _ops.tfcast(self.end_learning_rate, dt)
        power = _ops.tfcast(self.power, dt)
        steps = _ops.tfcast(self.decay_steps, dt)
        if self.cycle:
            mult = np.asarray(1.0, dt) if s == 0 else np.ceil(s / _ops.scalar(self.decay_steps, dt))
            steps = steps * mult
        else:
            s = np.minimum(s, steps)
        p = s / steps
        one = np.asarray(1, dt)
        return (lr0 - end) * _ops.spow(one - p, power, dt) + end


@_schedule
class InverseTimeDecay(_StaircaseDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored ratio if ``staircase``)."""

    name: str = "InverseTimeDecay"

    def _decay(self, step, lr0, dt):
        return lr0 / (np.asarray(1, dt) + _ops.tfcast(self.decay_rate, dt) * self._progress(step, dt))


@_schedule
class CosineDecay(_Decay):
    """Cosine decay to ``alpha`` times the start value.

    Starts from ``initial_learning_rate``, or, with ``warmup_target``, after a linear warmup of
    ``warmup_steps`` from ``initial_learning_rate`` to ``warmup_target``.
    """

    initial_learning_rate: float
    decay_steps: int
    alpha: float = 0.0
    name: str = "CosineDecay"
    warmup_target: float | None = None
    warmup_steps: int = 0

    def _cosine_decay(self, step, decay_steps, decay_from_lr, dt):
        completed = step / decay_steps
        pi = np.asarray(math.pi, dt)
        cosine_decayed = np.asarray(0.5, dt) * (np.asarray(1.0, dt) + _ops.sfunc(np.cos, dt, pi * completed))
        decayed = _ops.scalar(1 - self.alpha, dt) * cosine_decayed + _ops.scalar(self.alpha, dt)
        return decay_from_lr * decayed

    def _decay(self, s, lr0, dt):
        decay_steps = _ops.tfcast(self.decay_steps, dt)
        if self.warmup_target is None:
            return self._cosine_decay(np.minimum(s, decay_steps), decay_steps, lr0, dt)
        target = _ops.tfcast(self.warmup_target, dt)
        warmup_steps = _ops.tfcast(self.warmup_steps, dt)
        s = np.minimum(s, decay_steps + warmup_steps)
        if s < warmup_steps:
            return (target - lr0) * (s / warmup_steps) + lr0
        return self._cosine_decay(s - warmup_steps, decay_steps, target, dt)


class CosineDecayRestarts(_Decay):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks scale by ``m_mul``.

    Written out rather than a dataclass: it keeps Keras' private ``_t_mul`` / ``_m_mul`` attributes.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps("first_decay_steps", first_decay_steps)

    def _decay(self, step, lr0, dt):
        alpha = _ops.tfcast(self.alpha, dt)
        t_mul = _ops.tfcast(self._t_mul, dt)
        m_mul = _ops.tfcast(self._m_mul, dt)
        completed = step / _ops.tfcast(self.first_decay_steps, dt)
        one = np.asarray(1.0, dt)
        if t_mul == 1.0:
            i_restart = np.floor(completed)
            completed = completed - i_restart
        else:
            log = _ops.sfunc(np.log, dt, one - completed * (one - t_mul))
            i_restart = np.floor(log / _ops.sfunc(np.log, dt, t_mul))
            sum_r = (one - _ops.spow(t_mul, i_restart, dt)) / (one - t_mul)
            completed = (completed - sum_r) / _ops.spow(t_mul, i_restart, dt)
        m_fac = _ops.spow(m_mul, i_restart, dt)
        pi = np.asarray(math.pi, dt)
        cosine_decayed = np.asarray(0.5, dt) * m_fac * (one + _ops.sfunc(np.cos, dt, pi * completed))
        decayed = (one - alpha) * cosine_decayed + alpha
        return lr0 * decayed

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
