"""More of ``tf.random``: categorical, gamma, poisson, the stateless ops and ``Generator``.

Stateful ops follow TF's seed semantics through ``random._draw`` (see random.py). Stateless ops are
deterministic functions of their ``seed`` pair: as TF's ``StatelessRandomGetKeyCounter``, the pair is
scrambled by one Philox call into a key and a counter (Philox is the algorithm TF selects on CPU), and
the kernels then fill their outputs as the stateful ones do; so are ``Generator``'s draws, from the key
and counter of its state. The numbers are TF's, except for gamma, poisson and binomial samples (NumPy's
algorithms, seeded from the Philox state). A stateless draw is an equation of its seed and inputs, so a
traced seed gives new numbers in every call.
"""
import secrets

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.tensor import Tensor, Variable, convert_to_tensor
from ..graph.tracer import host_call, value_check
from . import array as _array
from . import math as _math
from . import random as _random
from . import random_philox as _philox
from ._util import execute
from .array import _invalid

_SCRAMBLE_KEY = 0x02461E293EC8F720


def numpy_rng(gen):
    """A NumPy Generator seeded from a Philox generator's state, for the samplers TF's bits are not matched in."""
    return np.random.Generator(np.random.PCG64([gen.key, gen.counter]))


def _categorical_sample(gen, logits, num_samples, dtype):
    """TF's CPU ``MultinomialFunctor`` (one shard): sample j of row b is the first class whose running sum of
    exp(logit - max) exceeds ``RandDouble() * total``, the doubles read in order across the rows."""
    z = np.asarray(logits)
    finite = np.isfinite(z)
    top = np.max(np.where(finite, z, -np.inf), axis=1, keepdims=True).astype(np.float64)
    cdf = np.cumsum(np.where(finite, np.exp(z.astype(np.float64) - top), 0.0), axis=1)
    words = _philox.uint32_stream(gen, 2 * z.shape[0] * num_samples).reshape(z.shape[0], num_samples, 2)
    find = _philox.uint64_to_double(words[..., 0], words[..., 1]) * cdf[:, -1:]
    out = np.empty((z.shape[0], num_samples), dtype)
    for b in range(z.shape[0]):
        out[b] = np.searchsorted(cdf[b], find[b], side="right")
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
    samples = _philox.RESERVED_PER_OUTPUT * logits._value.shape[0] * (n + 3) // 4 * 4 * 2  # CPU: doubles
    return _random._draw("Multinomial", dtype, seed, samples,
                         lambda gen, z: _categorical_sample(gen, z, n, dtype._np), logits)


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
    sample = _random._draw("RandomGamma", dtype, seed, _random._reserve(shape + a._value.shape), lambda gen, av: numpy_rng(
        gen).standard_gamma(av, size=shape + av.shape).astype(dtype._np), a)
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
    return _random._draw("RandomPoissonV2", dtype, seed, _random._reserve(shape + lam._value.shape),
                         lambda gen, lv: numpy_rng(gen).poisson(lv, size=shape + lv.shape).astype(dtype._np), lam)


# --- stateless ops ---------------------------------------------------------------------------
def seed_generator(seed):
    """TF's ``StatelessRandomGetKeyCounter``: the Philox generator of a seed pair (one Philox call mixes it)."""
    s0, s1 = (int(v) % 2**64 for v in np.asarray(seed).reshape(-1)[:2])
    mix = _philox.Philox(s0 | s1 << 64, _SCRAMBLE_KEY).blocks(np.zeros(1, np.uint64))[0].tolist()
    return _philox.Philox((mix[2] | mix[3] << 32) << 64, mix[0] | mix[1] << 32)


def _stateless_impl(seed, *arrays, kind, sample):
    return sample(seed_generator(seed), *arrays)


stateless_p = Primitive("stateless_random", _stateless_impl, differentiable=False, register=False)


def check_alg(alg, op):
    """TF's algorithm argument: Philox and auto-select (Philox on CPU) draw; ThreeFry has no CPU kernel."""
    from .random_more import Algorithm, _algorithm
    if _algorithm(alg) is Algorithm.THREEFRY:
        raise errors.InvalidArgumentError(None, op, (
            "counter must be a vector with length at least 2; got shape: [1]. (Note that batched counters are "
            f"not supported yet.) [Op:{op}]"))


def _stateless(kind, seed, sample, *inputs):
    """``sample(generator, *input arrays)`` with the Philox generator of ``seed`` (a pair of ints): an equation of
    the seed and the inputs, so that a traced seed draws new numbers in every call."""
    s = seed if isinstance(seed, Tensor) else convert_to_tensor(seed)
    if s._value.shape != (2,):
        raise _invalid("StatelessRandom", f"Shape must be [2] for the seed, got shape {list(s._value.shape)}: seed "
                                          "must be a pair of integers [seed1, seed2].")  # TF eager's type
    if s._value.dtype.kind not in "iu":
        raise _invalid("StatelessRandom", f"seed must be int32 or int64, got {s._value.dtype}")
    return execute(stateless_p, (s,) + inputs, {"kind": kind, "sample": sample})


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None, alg="auto_select"):
    """Normal samples that depend only on ``seed`` (a pair of ints)."""
    check_alg(alg, "StatelessRandomNormalV2")
    shape = _random._shape(shape, "StatelessRandomNormalV2")
    dtype = _random._float_dtype(dtype, "StatelessRandomNormalV2")
    mean, stddev = convert_to_tensor(mean, dtype=dtype), convert_to_tensor(stddev, dtype=dtype)
    rnd = _stateless("normal", seed, lambda gen: _philox.normal(gen, shape, dtype))
    return _random._scale_shift(rnd, stddev, mean)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None, alg="auto_select"):
    """Normal samples within two standard deviations that depend only on ``seed``."""
    check_alg(alg, "StatelessTruncatedNormalV2")
    shape = _random._shape(shape, "StatelessTruncatedNormalV2")
    dtype = _random._float_dtype(dtype, "StatelessTruncatedNormalV2")
    mean, stddev = convert_to_tensor(mean, dtype=dtype), convert_to_tensor(stddev, dtype=dtype)
    rnd = _stateless("truncated_normal", seed, lambda gen: _philox.truncated_normal(gen, shape, dtype))
    return _random._scale_shift(rnd, stddev, mean)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=_dt.float32, name=None, alg="auto_select"):
    """Uniform samples in [minval, maxval) that depend only on ``seed``.

    For integer dtypes, minval=None and maxval=None draw from the dtype's full range.
    """
    dtype = _dt.as_dtype(dtype)
    if dtype.name not in ("float16", "bfloat16", "float32", "float64", "int32", "int64", "uint32", "uint64"):
        raise ValueError(f"Argument `dtype` got invalid value {dtype!r}. Accepted dtypes are "
                         "(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64, tf.uint32, "
                         "tf.uint64).")
    check_alg(alg, "StatelessRandomUniformV2")
    shape = _random._shape(shape, "StatelessRandomUniformV2")
    if dtype.is_integer:
        if minval is None and maxval is None:
            return _stateless("uniform_full_int", seed, lambda gen: _philox.full_int(gen, shape, dtype))
        if maxval is None or minval is None:
            raise ValueError(f"For integer dtype {dtype!r}, minval and maxval must be both `None` or both non-`None`; "
                             f"got minval={minval} and maxval={maxval}.")
        lo, hi = convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval, dtype=dtype)

        def check(lo, hi):
            if not lo < hi:
                raise _invalid("StatelessRandomUniformIntV2", f"Need minval < maxval, got {lo} >= {hi}")

        value_check(check, lo, hi)
        return _stateless("uniform_int", seed, lambda gen, lo, hi: _philox.uniform_int(gen, shape, dtype, lo, hi),
                          lo, hi)
    if minval is None:
        raise ValueError(f"minval must be specified for the floating dtype {dtype!r}")
    maxval = 1 if maxval is None else maxval
    unit = _stateless("uniform", seed, lambda gen: _philox.uniform(gen, shape, dtype))
    lo, hi = convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval, dtype=dtype)
    return _math.add(_math.multiply(unit, _math.subtract(hi, lo)), lo)


def stateless_categorical(logits, num_samples, seed, dtype=_dt.int64, name=None):
    """Categorical draws (as ``categorical``) that depend only on ``seed``."""
    logits, n, dtype = _categorical_args("StatelessMultinomial", logits, num_samples, dtype)
    return _stateless("categorical", seed, lambda gen, z: _categorical_sample(gen, z, n, dtype._np), logits)


def stateless_poisson(shape, seed, lam, dtype=_dt.int32, name=None):
    """Poisson(lam) samples that depend only on ``seed`` (NumPy's algorithm: not TF's numbers)."""
    dtype = _poisson_dtype(dtype)
    shape = _random._shape(shape, "StatelessRandomPoisson")
    lam = convert_to_tensor(lam, dtype_hint=_dt.float32)
    out_shape = np.broadcast_shapes(shape, lam._value.shape) if len(shape) >= lam._value.ndim else shape
    return _stateless("poisson", seed, lambda gen, lv: numpy_rng(gen).poisson(
        np.broadcast_to(lv, out_shape)).astype(dtype._np), lam)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=_dt.float32, name=None):
    """Gamma(alpha, beta) samples (beta a rate) that depend only on ``seed`` (NumPy's algorithm: not TF's
    numbers)."""
    dtype = _random._float_dtype(dtype, "StatelessRandomGammaV2")
    shape = _random._shape(shape, "StatelessRandomGammaV2")
    alpha = convert_to_tensor(alpha, dtype=dtype)
    sample = _stateless("gamma", seed, lambda gen, a: numpy_rng(gen).standard_gamma(
        np.broadcast_to(a, shape)).astype(dtype._np), alpha)
    return sample if beta is None else _math.divide(sample, convert_to_tensor(beta, dtype=dtype))


# --- Generator ------------------------------------------------------------------------------------
class Generator:
    """A random number generator with its own state (``tf.random.Generator``), drawing TF's numbers.

    The state is an int64 Variable: for Philox (the default), the 128-bit counter (two words) and the key.
    A draw of n values reads the state and advances the counter by 256 * n (TF's ``RngReadAndSkip``),
    then fills as the stateless kernels do from that key and counter. In a traced function the draws are
    host calls: every call of the graph draws new numbers.

    >>> g = tapegrad.random.Generator.from_seed(1234)
    >>> g.normal(shape=[2]).shape
    TensorShape([2])
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        from .random_more import _algorithm, create_rng_state
        if copy_from is not None:
            alg, state = copy_from.algorithm, copy_from.state._value
        elif state is None:
            raise ValueError("Must provide either `copy_from` or `state`.")
        self._alg = _algorithm(_philox_default(alg)).value
        size = len(create_rng_state(0, self._alg)._value)
        value = np.asarray(state._value if isinstance(state, (Tensor, Variable)) else state)
        value = value.astype(np.uint64).astype(np.int64) if value.dtype.kind == "u" else value.astype(np.int64)
        if value.shape != (size,):
            raise ValueError(f"Shapes {list(value.shape)} and {[size]} are incompatible")
        self._state_var = Variable(value, trainable=False, name="StateVar")

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose state is ``create_rng_state(seed, alg)``."""
        from .random_more import create_rng_state
        return cls(state=create_rng_state(seed, _philox_default(alg)), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        from .random_more import create_rng_state
        size = len(create_rng_state(0, _philox_default(alg))._value)
        return cls(state=np.frombuffer(secrets.token_bytes(8 * size), np.int64), alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        counter = np.asarray(counter._value if isinstance(counter, Tensor) else counter).reshape(-1)
        return cls(state=np.concatenate([counter, np.reshape(key, [1])]), alg=alg)

    @property
    def state(self):
        return self._state_var

    @property
    def algorithm(self):
        return self._alg

    @property
    def key(self):
        return self._state_var[-1]

    def reset(self, state):
        self._state_var.assign(np.asarray(state._value if isinstance(state, Tensor) else state, np.int64))

    def reset_from_seed(self, seed):
        from .random_more import create_rng_state
        self._state_var.assign(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key, counter):
        self._state_var.assign(np.concatenate([np.asarray(counter, np.int64).reshape(-1), [int(key)]]))

    def _read_and_skip(self, delta):
        """The Philox generator of the current state; advances the counter by 256 * ``delta``."""
        words = self._state_var._value.astype(np.uint64).tolist()
        gen = _philox.Philox(words[0] | words[1] << 64, words[2])
        advanced = gen.skipped(_philox.RESERVED_PER_OUTPUT * int(delta))
        c = advanced.counter
        self._state_var.assign(np.array([c % 2**64, c >> 64, words[2]], np.uint64).astype(np.int64))
        return gen

    def skip(self, delta):
        """Advances the state as a draw of ``delta`` values would; returns the state before."""
        before = Tensor(self._state_var._value.copy())
        self._read_and_skip(delta)
        return before

    def _draw(self, op, shape, sample):
        shape = _random._shape(shape, op)
        check_alg(self._alg, op)
        n = int(np.prod(shape, dtype=np.int64))
        return host_call(lambda v: Tensor(sample(self._read_and_skip(n), shape)), self._state_var,
                         touches=(self._state_var,))

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        dtype = _random._float_dtype(dtype, "StatelessRandomNormalV2")
        mean, stddev = convert_to_tensor(mean, dtype=dtype), convert_to_tensor(stddev, dtype=dtype)
        rnd = self._draw("StatelessRandomNormalV2", shape, lambda gen, s: _philox.normal(gen, s, dtype))
        return _random._scale_shift(rnd, stddev, mean)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=_dt.float32, name=None):
        dtype = _random._float_dtype(dtype, "StatelessTruncatedNormalV2")
        mean, stddev = convert_to_tensor(mean, dtype=dtype), convert_to_tensor(stddev, dtype=dtype)
        rnd = self._draw("StatelessTruncatedNormalV2", shape, lambda gen, s: _philox.truncated_normal(gen, s, dtype))
        return _random._scale_shift(rnd, stddev, mean)

    def uniform(self, shape, minval=0, maxval=None, dtype=_dt.float32, name=None):
        dtype = _dt.as_dtype(dtype)
        if dtype.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(f"For integer dtype {dtype!r}, minval and maxval must be both `None` or both "
                                 f"non-`None`; got minval={minval} and maxval={maxval}")
            if minval is None:
                return self.uniform_full_int(shape, dtype)
            lo, hi = convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval, dtype=dtype)
            return self._draw("StatelessRandomUniformIntV2", shape, lambda gen, s: _philox.uniform_int(
                gen, s, dtype, lo._value, hi._value))
        lo = convert_to_tensor(minval, dtype=dtype)
        hi = convert_to_tensor(1 if maxval is None else maxval, dtype=dtype)
        dtype = _random._float_dtype(dtype, "StatelessRandomUniformV2")
        rnd = self._draw("StatelessRandomUniformV2", shape, lambda gen, s: _philox.uniform(gen, s, dtype))
        return _math.add(_math.multiply(rnd, _math.subtract(hi, lo)), lo)

    def uniform_full_int(self, shape, dtype=_dt.uint64, name=None):
        dtype = _dt.as_dtype(dtype)
        return self._draw("StatelessRandomUniformFullIntV2", shape, lambda gen, s: _philox.full_int(gen, s, dtype))

    def binomial(self, shape, counts, probs, dtype=_dt.int32, name=None):
        """Binomial samples (NumPy's algorithm seeded from the state: not TF's numbers)."""
        out = _dt.as_dtype(dtype)
        n, p = convert_to_tensor(counts), convert_to_tensor(probs)
        return self._draw("StatefulRandomBinomial", shape, lambda gen, s: numpy_rng(gen).binomial(
            n._value, p._value, size=s).astype(out._np))

    def make_seeds(self, count=1):
        """A [2, count] int64 tensor of seeds for stateless ops: full-range keys over zeros."""
        keys = self.uniform_full_int([int(count)], _dt.int64)
        return _array.stack([keys, _array.zeros_like(keys)])

    def split(self, count=1):
        """``count`` new Generators, each with a zero counter and a key drawn from this one."""
        keys = self.uniform_full_int([int(count)], _dt.int64)._value.tolist()
        return [Generator(state=[0, 0, k], alg=self._alg) for k in keys]


def _philox_default(alg):
    return 1 if alg is None else alg


_global_generator = [None]


def get_global_generator():
    """The global Generator (created from nondeterministic state the first time, as in TF)."""
    if _global_generator[0] is None:
        _global_generator[0] = Generator.from_non_deterministic_state()
    return _global_generator[0]


def set_global_generator(generator):
    """Replaces the global Generator."""
    _global_generator[0] = generator


__all__ = ["categorical", "gamma", "poisson", "stateless_normal", "stateless_truncated_normal", "stateless_uniform",
           "stateless_categorical", "stateless_poisson", "stateless_gamma", "Generator", "get_global_generator",
           "set_global_generator"]
