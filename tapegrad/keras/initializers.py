"""``tapegrad.keras.initializers``: Keras 3's weight initializers.

An initializer is called as ``init(shape, dtype=None)`` and returns a Tensor.
As in Keras 3 (TensorFlow backend), a seeded initializer (``seed=int``) draws
with the stateless ops and the seed pair ``[seed mod (2**31 - 2), 0]``, so it
returns TF's numbers on every call, whatever the global seed; an unseeded one
picks its seed when it is constructed (``random.randint(1, 10**9)`` from
Python's ``random``, as Keras), so it too repeats its values if called twice,
and after ``keras.utils.set_random_seed(s)`` models built in the same order get
Keras's weights.

>>> init = tapegrad.keras.initializers.GlorotUniform(seed=1)
>>> w = init((784, 10))     # uniform in +-sqrt(6 / (784 + 10))
"""
import math

import numpy as np

from .._core import dtypes as _dt
from .._core.tensor import Tensor, convert_to_tensor
from ..ops import random_extra as _random_extra
from .variables import make_default_seed


def _float_dtype(dtype):
    return _dt.as_dtype(dtype if dtype is not None else "float32")


def _shape(shape):
    return tuple(int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))


class Initializer:
    """Base class: ``__call__(shape, dtype=None)``, ``get_config``, ``from_config``, ``clone``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"Initializer {type(self).__name__} does not implement `__call__()`.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return Tensor(np.zeros(_shape(shape), dtype=_float_dtype(dtype)._np))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return Tensor(np.ones(_shape(shape), dtype=_float_dtype(dtype)._np))


class Constant(Initializer):
    """Every element set to ``value`` (a scalar, or an array broadcast to the shape)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        value = np.asarray(convert_to_tensor(self.value, dtype=_float_dtype(dtype))._value)
        return Tensor(np.array(np.broadcast_to(value, _shape(shape))))

    def get_config(self):
        value = self.value
        return {"value": value.tolist() if isinstance(value, np.ndarray) else value}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return Tensor((self.gain * np.eye(*shape)).astype(_float_dtype(dtype)._np))

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """An initializer that draws random values: ``seed`` is an int (fixed values) or None (a seed drawn now)."""

    def __init__(self, seed=None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError("`seed` argument should be an instance of `keras.random.SeedGenerator()` or an "
                             f"integer. Received: seed={seed}")
        self._init_seed = seed
        self.seed = int(seed) if seed is not None else make_default_seed()

    def _seed_pair(self):
        """Keras's seed tensor for an int seed: ``[seed, 0]`` modulo 2**31 - 2 (``_cast_seed``)."""
        return np.array([self.seed % (2**31 - 2), 0], np.int32)

    def _normal(self, shape, dtype, mean, stddev, truncated=False):
        draw = _random_extra.stateless_truncated_normal if truncated else _random_extra.stateless_normal
        return draw(shape, self._seed_pair(), mean, stddev, dtype=_float_dtype(dtype))

    def _uniform(self, shape, dtype, minval, maxval):
        dtype = _float_dtype(dtype)
        return _random_extra.stateless_uniform(shape, self._seed_pair(), convert_to_tensor(minval, dtype=dtype),
                                               convert_to_tensor(maxval, dtype=dtype), dtype=dtype)

    def get_config(self):
        return {"seed": self._init_seed}




class RandomNormal(RandomInitializer):
    """Normal with ``mean`` (0) and ``stddev`` (0.05)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return self._normal(_shape(shape), dtype, self.mean, self.stddev)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    """Normal with ``mean`` (0) and ``stddev`` (0.05), values beyond two stddevs redrawn."""

    def __call__(self, shape, dtype=None):
        return self._normal(_shape(shape), dtype, self.mean, self.stddev, truncated=True)


class RandomUniform(RandomInitializer):
    """Uniform in ``[minval, maxval)`` (-0.05, 0.05)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return self._uniform(_shape(shape), dtype, self.minval, self.maxval)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape):
    """(fan_in, fan_out) as Keras: a conv kernel ``(*window, in, out)`` counts the window in both."""
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive = int(np.prod(shape[:-2]))
    return int(shape[-2] * receptive), int(shape[-1] * receptive)


class VarianceScaling(RandomInitializer):
    """Values with variance ``scale / n`` (n: fan_in, fan_out or their mean, per ``mode``).

    ``distribution``: 'truncated_normal' (stddev corrected for the truncation, 'normal' is an alias),
    'untruncated_normal' or 'uniform' (limit ``sqrt(3 * scale / n)``).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {{'fan_in', 'fan_out', "
                             "'fan_avg'}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}.Please use one of {{'uniform', "
                             "'truncated_normal', 'untruncated_normal'}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return self._normal(shape, dtype, 0.0, math.sqrt(scale) / 0.87962566103423978, truncated=True)
        if self.distribution == "untruncated_normal":
            return self._normal(shape, dtype, 0.0, math.sqrt(scale))
        limit = math.sqrt(3.0 * scale)
        return self._uniform(shape, dtype, -limit, limit)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode, "distribution": self.distribution}


def _variance_scaling(name, scale, mode, distribution, doc):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self):
        return {"seed": self._init_seed}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                           "__module__": __name__})


GlorotUniform = _variance_scaling("GlorotUniform", 1.0, "fan_avg", "uniform",
                                  "Uniform in +-sqrt(6 / (fan_in + fan_out)) (Xavier uniform).")
GlorotNormal = _variance_scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                                 "Truncated normal, stddev sqrt(2 / (fan_in + fan_out)) (Xavier normal).")
HeNormal = _variance_scaling("HeNormal", 2.0, "fan_in", "truncated_normal",
                             "Truncated normal, stddev sqrt(2 / fan_in).")
HeUniform = _variance_scaling("HeUniform", 2.0, "fan_in", "uniform", "Uniform in +-sqrt(6 / fan_in).")
LecunNormal = _variance_scaling("LecunNormal", 1.0, "fan_in", "truncated_normal",
                                "Truncated normal, stddev sqrt(1 / fan_in).")
LecunUniform = _variance_scaling("LecunUniform", 1.0, "fan_in", "uniform", "Uniform in +-sqrt(3 / fan_in).")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``: Q of the QR of a normal matrix, signs fixed by R's diagonal."""

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. Received: "
                             f"shape={shape} of rank {len(shape)}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._normal((max(rows, cols), min(rows, cols)), dtype, 0.0, 1.0)._value
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return Tensor((self.gain * q.reshape(shape)).astype(_float_dtype(dtype)._np))

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


_ALL = (Zeros, Ones, Constant, Identity, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling,
        GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal)
_BY_NAME = {c.__name__: c for c in _ALL}
_BY_NAME.update({"zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity,
                 "random_normal": RandomNormal, "truncated_normal": TruncatedNormal,
                 "random_uniform": RandomUniform, "uniform": RandomUniform, "normal": RandomNormal,
                 "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
                 "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
                 "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
                 "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal})
globals().update({k: v for k, v in _BY_NAME.items() if k.islower()})  # keras.initializers.glorot_uniform, ...


def serialize(initializer):
    """Keras' serialized form: ``{'module', 'class_name', 'config', 'registered_name'}``."""
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """An initializer from ``serialize``'s output."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
    if cls is None:
        raise ValueError(f"Could not interpret initializer identifier: {config}")
    return cls.from_config(dict(config.get("config", {})))


def get(identifier):
    """An initializer from an instance or callable (as is), a name ('glorot_uniform', 'HeNormal'...),
    a config dict, or None (None)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret initializer identifier: {identifier}")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


__all__ = [c.__name__ for c in _ALL] + ["Initializer", "compute_fans", "get", "serialize", "deserialize"]
