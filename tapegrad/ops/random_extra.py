"""More of ``tf.random``: categorical, gamma, poisson, the stateless ops and ``Generator``.

Stateful ops follow TF's seed semantics through ``random._draw`` (see random.py). Stateless ops are
deterministic functions of their ``seed`` pair (a PCG64 stream keyed by the pair and the op kind):
the same seed gives the same numbers on every call, as in TF, but the numbers are not TF's (TF uses
Philox bits; matching them is not attempted). A stateless draw is an equation of its seed and inputs, so
a traced seed gives new numbers in every call.
"""
import numpy as np

from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.tensor import Tensor, convert_to_tensor
from ..graph.tracer import host_call, value_check
from . import array as _array
from . import math as _math
from . import random as _random
from ._util import execute
from .array import _invalid

_KIND_CODES = {"normal": 1, "uniform": 2, "uniform_int": 3, "truncated_normal": 4, "categorical": 5,
               "poisson": 6, "gamma": 7, "uniform_full_int": 8}


def _categorical_sample(rng, logits, num_samples, dtype):
    """Inverse-CDF draws from softmax(logits) per row (-inf logits never drawn)."""
    z = np.asarray(logits, np.float64)
    z = z - np.max(np.where(np.isfinite(z), z, -np.inf), axis=1, keepdims=True)
    p = np.where(np.isneginf(z), 0.0, np.exp(z))
    cdf = np.cumsum(p, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random((z.shape[0], num_samples))
    out = np.empty((z.shape[0], num_samples), dtype)
    for i in range(z.shape[0]):
        out[i] = np.minimum(np.searchsorted(cdf[i], u[i], side="right"), z.shape[1] - 1)
    return out


def _categorical_args(op, logits, num_samples, dtype):
    logits = logits if isinstance(logits, Tensor) else convert_to_tensor(logits)
    if logits._value.ndim != 2:
        raise _invalid(op, "logits should be a matrix, got shape " + str(list(logits._value.shape)))
    if logits._value.dtype.kind != "f":
        raise _invalid(op, f"Value for attr 'T' of {logits.dtype.name} is not in the list of allowed values: "
                           "float, double, half, bfloat16")
    n = int(_array._static(num_samples, f"{op}'s num_samples"))
    if n < 0:
        raise _invalid(op, f"num_samples should be nonnegative, got {n}")
    dtype = _dt.int64 if dtype is None else _dt.as_dtype(dtype)
    if dtype not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"Value for attr 'output_dtype' of {dtype.name} is not in the list of allowed values: "
                           "int32, int64")
    return logits, n, dtype


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Class indices drawn from the unnormalized log-probabilities ``logits`` [batch, classes]: [batch, num_samples]."""
    logits, n, dtype = _categorical_args("Multinomial", logits, num_samples, dtype)
    return _random._draw("Multinomial", dtype, seed,
                         lambda rng, z: _categorical_sample(rng, z, n, dtype._np), logits)


def gamma(shape, alpha, beta=None, dtype=_dt.float32, seed=None, name=None):
    """Gamma(alpha, beta) samples of shape ``shape + broadcast(alpha, beta).shape`` (beta is the rate).

    The sample is standard_gamma(alpha) / beta with tapegrad ops, so a tape sees ``beta``.
    """
    dtype = _random._float_dtype(dtype, "RandomGamma")
    shape = _random._shape(shape, "RandomGamma")
    alpha = convert_to_tensor(alpha, dtype=dtype)
    beta_t = None if beta is None else convert_to_tensor(beta, dtype=dtype)
    bshape = alpha._value.shape if beta_t is None else np.broadcast_shapes(alpha._value.shape, beta_t._value.shape)
    a = _array.broadcast_to(alpha, bshape)
    sample = _random._draw("RandomGamma", dtype, seed,
                           lambda rng, av: rng.standard_gamma(av, size=shape + av.shape).astype(dtype._np), a)
    return sample if beta_t is None else _math.divide(sample, beta_t)


def _poisson_dtype(dtype):
    dtype = _dt.as_dtype(dtype)
    if dtype.name not in ("float16", "float32", "float64", "int32", "int64"):
        raise _invalid("RandomPoissonV2", f"Value for attr 'dtype' of {dtype.name} is not in the list of allowed "
                                          "values: half, float, double, int32, int64")
    return dtype


def poisson(shape, lam, dtype=_dt.float32, seed=None, name=None):
    """Poisson(lam) samples of shape ``shape + lam.shape``, in ``dtype`` (float32 by default)."""
    dtype = _poisson_dtype(dtype)
    shape = _random._shape(shape, "RandomPoissonV2")
    lam = lam if isinstance(lam, Tensor) else convert_to_tensor(lam, dtype_hint=_dt.float32)
    return _random._draw("RandomPoissonV2", dtype, seed,
                         lambda rng, lv: rng.poisson(lv, size=shape + lv.shape).astype(dtype._np), lam)


# --- stateless ops ---------------------------------------------------------------------------
def _stateless_impl(seed, *arrays, kind, sample):
    rng = np.random.Generator(np.random.PCG64([int(seed[0]) & (2**64 - 1), int(seed[1]) & (2**64 - 1),
                                               _KIND_CODES[kind]]))
    return sample(rng, *arrays)


stateless_p = Primitive("stateless_random", _stateless_impl, differentiable=False, register=False)


def _stateless(kind, seed, sample, *inputs):
    """``sample(rng, *input arrays)`` with the generator of ``seed`` (a pair of ints): an equation of the seed and
    the inputs, so that a traced seed draws new numbers in every call."""
    s = seed if isinstance(seed, Tensor) else convert_to_tensor(seed)
    if s._value.shape != (2,):
        raise _invalid("StatelessRandom", f"Shape must be [2] for the seed, got shape {list(s._value.shape)}: seed "
                                          "must be a pair of integers [seed1, seed2].")  # TF eager's type
    if s._value.dtype.kind not in "iu":
        raise _invalid("StatelessRandom", f"seed must be int32 or int64, got {s._value.dtype}")
    return execute(stateless_p, (s,) + inputs, {"kind": kind, "sample": sample})


def _truncated(rng, shape, dtype):
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return np.asarray(z, dtype=dtype._np)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None, alg="auto_select"):
    """Normal samples that depend only on ``seed`` (a pair of ints); not TF's bits."""
    shape = _random._shape(shape, "StatelessRandomNormalV2")
    dtype = _random._float_dtype(dtype, "StatelessRandomNormalV2")
    mean, stddev = convert_to_tensor(mean, dtype=dtype), convert_to_tensor(stddev, dtype=dtype)
    rnd = _stateless("normal", seed, lambda rng: _random._standard_normal(rng, shape, dtype))
    return _random._scale_shift(rnd, stddev, mean)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None, alg="auto_select"):
    """Normal samples within two standard deviations that depend only on ``seed``; not TF's bits."""
    shape = _random._shape(shape, "StatelessTruncatedNormalV2")
    dtype = _random._float_dtype(dtype, "StatelessTruncatedNormalV2")
    mean, stddev = convert_to_tensor(mean, dtype=dtype), convert_to_tensor(stddev, dtype=dtype)
    rnd = _stateless("truncated_normal", seed, lambda rng: _truncated(rng, shape, dtype))
    return _random._scale_shift(rnd, stddev, mean)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=_dt.float32, name=None, alg="auto_select"):
    """Uniform samples in [minval, maxval) that depend only on ``seed``; not TF's bits.

    For integer dtypes, minval=None and maxval=None draw from the dtype's full range.
    """
    dtype = _dt.as_dtype(dtype)
    if dtype.name not in ("float16", "bfloat16", "float32", "float64", "int32", "int64", "uint32", "uint64"):
        raise ValueError(f"Argument `dtype` got invalid value {dtype!r}. Accepted dtypes are "
                         "(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64, tf.uint32, "
                         "tf.uint64).")
    shape = _random._shape(shape, "StatelessRandomUniformV2")
    if dtype.is_integer:
        if minval is None and maxval is None:
            info = np.iinfo(dtype._np)
            return _stateless("uniform_full_int", seed, lambda rng: rng.integers(
                info.min, info.max, size=shape, dtype=dtype._np, endpoint=True))
        if maxval is None or minval is None:
            raise ValueError(f"For integer dtype {dtype!r}, minval and maxval must be both `None` or both non-`None`; "
                             f"got minval={minval} and maxval={maxval}.")
        lo, hi = convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval, dtype=dtype)

        def check(lo, hi):
            if not lo < hi:
                raise _invalid("StatelessRandomUniformIntV2", f"Need minval < maxval, got {lo} >= {hi}")

        value_check(check, lo, hi)
        return _stateless("uniform_int", seed, lambda rng, lo, hi: rng.integers(lo, hi, size=shape, dtype=dtype._np),
                          lo, hi)
    if minval is None:
        raise ValueError(f"minval must be specified for the floating dtype {dtype!r}")
    maxval = 1 if maxval is None else maxval
    unit = _stateless("uniform", seed, lambda rng: _random._unit_uniform(rng, shape, dtype))
    lo, hi = convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval, dtype=dtype)
    return _math.add(_math.multiply(unit, _math.subtract(hi, lo)), lo)


def stateless_categorical(logits, num_samples, seed, dtype=_dt.int64, name=None):
    """Categorical draws (as ``categorical``) that depend only on ``seed``; not TF's bits."""
    logits, n, dtype = _categorical_args("StatelessMultinomial", logits, num_samples, dtype)
    return _stateless("categorical", seed, lambda rng, z: _categorical_sample(rng, z, n, dtype._np), logits)


def stateless_poisson(shape, seed, lam, dtype=_dt.int32, name=None):
    """Poisson(lam) samples that depend only on ``seed``; not TF's bits."""
    dtype = _poisson_dtype(dtype)
    shape = _random._shape(shape, "StatelessRandomPoisson")
    lam = convert_to_tensor(lam, dtype_hint=_dt.float32)
    out_shape = np.broadcast_shapes(shape, lam._value.shape) if len(shape) >= lam._value.ndim else shape
    return _stateless("poisson", seed, lambda rng, lv: rng.poisson(np.broadcast_to(lv, out_shape)).astype(dtype._np),
                      lam)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=_dt.float32, name=None):
    """Gamma(alpha, beta) samples (beta a rate) that depend only on ``seed``; not TF's bits."""
    dtype = _random._float_dtype(dtype, "StatelessRandomGammaV2")
    shape = _random._shape(shape, "StatelessRandomGammaV2")
    alpha = convert_to_tensor(alpha, dtype=dtype)
    sample = _stateless("gamma", seed, lambda rng, a: rng.standard_gamma(np.broadcast_to(a, shape)).astype(dtype._np),
                        alpha)
    return sample if beta is None else _math.divide(sample, convert_to_tensor(beta, dtype=dtype))


# --- Generator ------------------------------------------------------------------------------------
class Generator:
    """A random number generator with its own state (``tf.random.Generator``); not TF's bits.

    In a traced function its draws are host calls: every call of the graph draws new numbers.

    >>> g = tapegrad.random.Generator.from_seed(1234)
    >>> g.normal(shape=[2]).shape
    TensorShape([2])
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            self._rng = np.random.Generator(np.random.PCG64())
            self._rng.bit_generator.state = copy_from._rng.bit_generator.state
        else:
            self._rng = np.random.Generator(np.random.PCG64(None if state is None else
                                                            [int(s) for s in np.asarray(state).reshape(-1)]))

    @classmethod
    def from_seed(cls, seed, alg=None):
        return cls(state=[int(np.asarray(seed)) & (2**64 - 1)], alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        return cls(state=np.random.SeedSequence().generate_state(2))

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=_array._static(state, "Generator.from_state's state"), alg=alg)

    def reset_from_seed(self, seed):
        self._rng = np.random.Generator(np.random.PCG64([int(np.asarray(seed)) & (2**64 - 1)]))

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        shape = _random._shape(shape, "StatefulStandardNormalV2")
        dtype = _random._float_dtype(dtype, "StatefulStandardNormalV2")
        rnd = host_call(lambda: Tensor(_random._standard_normal(self._rng, shape, dtype)))
        return _random._scale_shift(rnd, convert_to_tensor(stddev, dtype=dtype), convert_to_tensor(mean, dtype=dtype))

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        return stateless_truncated_normal(shape, self.make_seeds(1)[:, 0], mean, stddev, dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype=_dt.float32, name=None):
        return stateless_uniform(shape, self.make_seeds(1)[:, 0], minval, maxval, dtype)

    def uniform_full_int(self, shape, dtype=_dt.uint64, name=None):
        return stateless_uniform(shape, self.make_seeds(1)[:, 0], None, None, dtype)

    def binomial(self, shape, counts, probs, dtype=_dt.int32, name=None):
        shape = _random._shape(shape, "StatefulRandomBinomial")
        return host_call(lambda n, p: Tensor(self._rng.binomial(n._value, p._value, size=shape).astype(
            _dt.as_dtype(dtype)._np)), convert_to_tensor(counts), convert_to_tensor(probs))

    def make_seeds(self, count=1):
        """A [2, count] int64 tensor of seeds for stateless ops."""
        return host_call(lambda: Tensor(self._rng.integers(0, 2**63 - 1, size=(2, int(count)), dtype=np.int64)))

    def split(self, count=1):
        """``count`` new independent Generators (advancing this one)."""
        return [Generator(state=self._rng.integers(0, 2**63 - 1, size=2)) for _ in range(int(count))]


_global_generator = [None]


def get_global_generator():
    """The global Generator (created from nondeterministic state, or from the global seed when one is set)."""
    if _global_generator[0] is None:
        seed = _random._global_seed
        _global_generator[0] = (Generator.from_non_deterministic_state() if seed is None else
                                Generator.from_seed(seed))
    return _global_generator[0]


def set_global_generator(generator):
    """Replaces the global Generator."""
    _global_generator[0] = generator


__all__ = ["categorical", "gamma", "poisson", "stateless_normal", "stateless_truncated_normal", "stateless_uniform",
           "stateless_categorical", "stateless_poisson", "stateless_gamma", "Generator", "get_global_generator",
           "set_global_generator"]
