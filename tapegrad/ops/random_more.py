"""More of ``tf.random``: seed helpers (fold_in, split, create_rng_state, Algorithm), stateless binomial and
parameterized truncated normal samples, the candidate samplers and compute_accidental_hits.

``fold_in``, ``split`` and ``stateless_shuffle`` draw TF's numbers (Philox, as random_extra.py); binomial,
parameterized truncated normal and the candidate samplers are deterministic functions of their seeds but use
NumPy's algorithms (seeded from the Philox state), not TF's. What does not depend on random bits is TF's:
shapes, dtypes, the expected counts computed
from the number of draws (``-expm1(tries * log1p(-p))`` for unique sampling, as TF's RangeSampler),
``create_rng_state``, ``all_candidate_sampler`` and ``compute_accidental_hits``.
"""
import collections
import enum

import numpy as np

from .._core import dtypes as _dt
from .._core.tensor import Variable, convert_to_tensor
from ..graph.tracer import guard_shape
from . import array as _array
from . import random as _random
from . import random_extra as _random_extra
from . import random_philox as _philox
from . import special as _special
from ._util import Tensor, execute, tensor
from .array import _invalid
from .manip import _np_primitive

class Algorithm(enum.Enum):
    """The random-number-generation algorithms of TF (on CPU, auto-select is Philox; ThreeFry has no kernel)."""
    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _algorithm(alg):
    if isinstance(alg, Algorithm):
        return alg
    if isinstance(alg, str):
        key = alg.upper()
        if key in Algorithm.__members__:
            return Algorithm[key]
    elif isinstance(alg, (int, np.integer)) and int(alg) in (1, 2, 3):
        return Algorithm(int(alg))
    raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are {Algorithm.PHILOX.value} "
                     f"for the Philox algorithm, {Algorithm.THREEFRY.value} for the ThreeFry algorithm, and "
                     f"{Algorithm.AUTO_SELECT.value} for auto-selection.")


def create_rng_state(seed, alg):
    """The int64 RNG state for ``seed`` (an int, or a list of ints padded on the left) and algorithm ``alg``."""
    size = 2 if _algorithm(alg) is Algorithm.THREEFRY else 3
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = []
        for _ in range(size):
            words.append(seed & 0xFFFFFFFFFFFFFFFF)
            seed >>= 64
        seed = words
    arr = np.asarray(np.asarray(seed).reshape(-1).astype(np.uint64).astype(np.int64) if np.ndim(seed) else seed,
                     dtype=np.int64)
    if arr.ndim != 1:
        raise ValueError(f"Invalid seed shape: {arr.shape}. Seed must be a 1-D array.")
    arr = arr[:size]
    if arr.shape[0] < size:
        arr = np.pad(arr, [(size - arr.shape[0], 0)])
    return Tensor(arr)


def _seed_pair(seed):
    s = tensor(seed) if isinstance(seed, (Tensor, Variable)) else convert_to_tensor(seed)
    if s._value.shape != (2,):
        raise _invalid("StatelessRandomGetKeyCounter", f"seed must have shape [2], not {list(s._value.shape)}")
    return s


def fold_in(seed, data, alg="auto_select"):
    """A new seed pair ``[f(seed), data]`` (TF's construction: a stateless full-range integer, then ``data``)."""
    _algorithm(alg)
    s = _seed_pair(seed)
    d = tensor(data) if isinstance(data, (Tensor, Variable)) else convert_to_tensor(data)
    first = _random_extra.stateless_uniform([], s, None, None, dtype=d.dtype)
    return _array.stack([first, d])


def split(seed, num=2, alg="auto_select"):
    """``num`` new seed pairs ``[num, 2]`` (in the seed's dtype) derived from ``seed``."""
    _algorithm(alg)
    s = _seed_pair(seed)
    return _random_extra.stateless_uniform([int(num), 2], s, None, None, dtype=s.dtype)


def stateless_binomial(shape, seed, counts, probs, output_dtype=_dt.int32, name=None):
    """Binomial(counts, probs) samples of ``shape`` (the parameters broadcast to it) depending only on ``seed``."""
    shape = _random._shape(shape, "StatelessRandomBinomial")
    out = _dt.as_dtype(output_dtype)
    if out.name not in ("float16", "float32", "float64", "int32", "int64"):
        raise _invalid("StatelessRandomBinomial", f"Value for attr 'dtype' of {out.name} is not in the list of "
                                                  "allowed values: half, float, double, int32, int64")
    n = convert_to_tensor(counts, dtype_hint=_dt.float32)
    p = convert_to_tensor(probs, dtype=n.dtype) if not isinstance(probs, (Tensor, Variable)) else tensor(probs)
    return _random_extra._stateless("binomial", seed, lambda gen, nv, pv: _random_extra.numpy_rng(gen).binomial(
        np.broadcast_to(nv, shape).astype(np.int64), np.broadcast_to(pv, shape)).astype(out._np), n, p)


def _truncated_sample(rng, means, stddevs, lo, hi, shape, dtype):
    """Inverse-CDF draws of normal(means, stddevs) truncated to [lo, hi]."""
    m, s, a, b = (np.broadcast_to(np.asarray(v, np.float64), shape) for v in (means, stddevs, lo, hi))
    za, zb = (a - m) / s, (b - m) / s
    cdf_a = 0.5 * _special._erfc64(-za / np.sqrt(2))
    cdf_b = 0.5 * _special._erfc64(-zb / np.sqrt(2))
    u = rng.random(shape)
    p = np.clip(cdf_a + u * (cdf_b - cdf_a), np.finfo(np.float64).tiny, 1 - np.finfo(np.float64).eps)
    z = np.clip(np.sqrt(2) * -_special._erfcinv64(2 * p), za, zb)
    return (m + s * z).astype(dtype)


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0,
                                             name=None):
    """Normal(means, stddevs) samples truncated to [minvals, maxvals] (parameters broadcast to ``shape``)."""
    shape = _random._shape(shape, "StatelessParameterizedTruncatedNormal")
    m = tensor(means) if isinstance(means, (Tensor, Variable)) else convert_to_tensor(means)
    params = [m] + [tensor(v) if isinstance(v, (Tensor, Variable)) else convert_to_tensor(v, dtype=m.dtype)
                    for v in (stddevs, minvals, maxvals)]
    for v in params[1:]:
        if v.dtype != m.dtype:
            raise _invalid("StatelessParameterizedTruncatedNormal", f"cannot compute StatelessParameterizedTruncated"
                                                                    f"Normal: {v.dtype.name} vs {m.dtype.name}")
    if not m.dtype.is_floating:
        raise _invalid("StatelessParameterizedTruncatedNormal", f"Value for attr 'dtype' of {m.dtype.name} is not "
                                                                "in the list of allowed values: half, float, double")
    dtype = m.dtype._np
    return _random_extra._stateless("parameterized_truncated_normal", seed,
                                    lambda gen, *vs: _truncated_sample(_random_extra.numpy_rng(gen), *vs, shape, dtype),
                                    *params)


def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """``value`` shuffled along its first axis by a permutation that depends only on ``seed`` (TF's shuffle)."""
    _random_extra.check_alg(alg, "StatelessShuffle")
    x = tensor(value) if isinstance(value, (Tensor, Variable)) else convert_to_tensor(value)
    if x._value.ndim == 0:
        raise _invalid("StatelessShuffle", "value must be at least 1-D")
    n = x._value.shape[0]
    moves = n > 1 and x._value.size > 1
    perm = _random_extra._stateless("shuffle", seed, lambda gen: _philox.shuffle_permutation(gen, n) if moves
                                    else np.arange(n, dtype=np.int64))
    return _array.gather(x, perm)


# --- candidate samplers ---------------------------------------------------------------------------
def _sampler_tuple(name):
    return collections.namedtuple(name, ["sampled_candidates", "true_expected_count", "sampled_expected_count"])


UniformCandidateSampler = _sampler_tuple("UniformCandidateSampler")
LogUniformCandidateSampler = _sampler_tuple("LogUniformCandidateSampler")
LearnedUnigramCandidateSampler = _sampler_tuple("LearnedUnigramCandidateSampler")
FixedUnigramCandidateSampler = _sampler_tuple("FixedUnigramCandidateSampler")
AllCandidateSampler = _sampler_tuple("AllCandidateSampler")


def _true_classes(op, true_classes, num_true):
    t = tensor(true_classes) if isinstance(true_classes, (Tensor, Variable)) else convert_to_tensor(
        true_classes, dtype=_dt.int64)
    if t.dtype != _dt.int64:
        raise _invalid(op, f"cannot compute {op} as input #0(zero-based) was expected to be a int64 tensor but is a "
                           f"{t.dtype.name} tensor")
    if t._value.ndim != 2 or t._value.shape[1] != int(num_true):
        raise _invalid(op, f"true_classes must be a matrix [batch_size, num_true={num_true}], got "
                           f"{list(t._value.shape)}")
    return t


def _expected_impl(classes, packed, probs, num_sampled, unique):
    """TF's RangeSampler expected counts of ``classes`` (float32): p * num_sampled, or -expm1(tries * log1p(-p))
    after rejections (``packed[num_sampled]`` is the number of draws)."""
    p = probs[classes]
    tries = int(packed[num_sampled])
    if unique and tries != num_sampled:
        return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)
    return (p * num_sampled).astype(np.float32)


# the counts depend on the draws: an equation, so that a traced sampler computes them for every call's draws
expected_count_p = _np_primitive("candidate_expected_count", _expected_impl, register=False)


def _sample(op, name, true_classes, num_true, num_sampled, unique, range_max, seed, probs):
    """Draws ``num_sampled`` ids from ``probs`` (over range_max ids), unique by rejection when asked."""
    t = _true_classes(op, true_classes, num_true)
    k, n = int(num_sampled), int(range_max)
    if unique and k > n:
        raise _invalid(op, "Sampler's range is too small.")

    def draw(gen, classes):
        """The sampled ids followed by the number of draws they took."""
        rng = _random_extra.numpy_rng(gen)
        cdf = np.cumsum(probs)
        cdf /= cdf[-1]
        if not unique:
            ids = np.minimum(np.searchsorted(cdf, rng.random(k), side="right"), n - 1)
            return np.r_[ids, k].astype(np.int64)
        seen, ids, tries = set(), [], 0
        while len(ids) < k:
            c = int(min(np.searchsorted(cdf, rng.random(), side="right"), n - 1))
            tries += 1
            if c not in seen:
                seen.add(c)
                ids.append(c)
        return np.asarray(ids + [tries], np.int64)

    packed = _random._draw(op, _dt.int64, seed, _random._reserve([k]), draw, t)
    ids = packed[:k]
    p = Tensor(np.asarray(probs, np.float64))
    params = {"num_sampled": k, "unique": bool(unique)}
    true_count = execute(expected_count_p, (t, packed, p), params)
    return name(ids, true_count, execute(expected_count_p, (ids, packed, p), params))


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """``num_sampled`` ids drawn uniformly from [0, range_max) and their expected counts."""
    probs = np.full(int(range_max), 1.0 / int(range_max))
    return _sample("UniformCandidateSampler", UniformCandidateSampler, true_classes, num_true, num_sampled, unique,
                   range_max, seed, probs)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Ids drawn from the Zipfian P(k) = log((k + 2) / (k + 1)) / log(range_max + 1), and their expected counts."""
    k = np.arange(int(range_max), dtype=np.float64)
    probs = (np.log(k + 2) - np.log(k + 1)) / np.log(int(range_max) + 1)
    return _sample("LogUniformCandidateSampler", LogUniformCandidateSampler, true_classes, num_true, num_sampled,
                   unique, range_max, seed, probs)


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Ids drawn from a unigram distribution learned from the true classes seen; tapegrad keeps no state across
    calls, so this is TF's initial (uniform) distribution."""
    probs = np.full(int(range_max), 1.0 / int(range_max))
    return _sample("LearnedUnigramCandidateSampler", LearnedUnigramCandidateSampler, true_classes, num_true,
                   num_sampled, unique, range_max, seed, probs)


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, vocab_file="",
                                    distortion=1.0, num_reserved_ids=0, num_shards=1, shard=0, unigrams=(),
                                    seed=None, name=None):
    """Ids drawn from ``unigrams ** distortion`` (reserved ids first, with probability 0), with expected counts."""
    if vocab_file:
        raise NotImplementedError("fixed_unigram_candidate_sampler: vocab_file is not supported by tapegrad; pass "
                                  "unigrams")
    weights = np.asarray(unigrams, np.float64) ** float(distortion)
    weights = np.concatenate([np.zeros(int(num_reserved_ids)), weights])
    if num_shards > 1:
        weights = np.where(np.arange(weights.size) % int(num_shards) == int(shard), weights, 0.0)
    if weights.size != int(range_max):
        raise _invalid("FixedUnigramCandidateSampler", f"Unigram file has {weights.size - int(num_reserved_ids)} "
                                                       f"entries, range_max is {range_max}")
    probs = weights / weights.sum()
    return _sample("FixedUnigramCandidateSampler", FixedUnigramCandidateSampler, true_classes, num_true, num_sampled,
                   unique, range_max, seed, probs)


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """All of the ids ``0 .. num_sampled - 1``, each with expected count 1 (for testing)."""
    t = _true_classes("AllCandidateSampler", true_classes, num_true)
    k = int(num_sampled)
    return AllCandidateSampler(Tensor(np.arange(k, dtype=np.int64)), Tensor(np.ones(t._value.shape, np.float32)),
                               Tensor(np.ones(k, np.float32)))


ComputeAccidentalHits = collections.namedtuple("ComputeAccidentalHits", ["indices", "ids", "weights"])


def _hits(true_classes, sampled):
    """(rows, positions) where a sampled id equals one of a row's true classes (the id's last position, as TF)."""
    position = {int(v): j for j, v in enumerate(sampled.reshape(-1))}
    rows, ids = [], []
    for i, row in enumerate(true_classes):
        for c in row:
            if int(c) in position:
                rows.append(i)
                ids.append(position[int(c)])
    return np.asarray(rows, np.int32), np.asarray(ids, np.int64)


def _accidental_hits_impl(true_classes, sampled):
    rows, ids = _hits(true_classes, sampled)
    return rows, ids, np.full(rows.size, -np.finfo(np.float32).max, np.float32)


def _accidental_mask_impl(true_classes, sampled, dtype):
    """The hits as an additive mask ``[batch, num_sampled]`` of the logits (-FLT_MAX at each hit, else 0)."""
    rows, ids = _hits(true_classes, sampled)
    mask = np.zeros((true_classes.shape[0], sampled.size), dtype)
    mask[rows, ids] = np.asarray(-np.finfo(np.float32).max, np.float32).astype(dtype)
    return mask


# how many hits there are depends on the values: the output is guarded (compute_accidental_hits); the mask
# (sampled losses) has a fixed shape
accidental_hits_p = _np_primitive("compute_accidental_hits", _accidental_hits_impl, multiple_results=True,
                                  register=False)
accidental_mask_p = _np_primitive("accidental_hits_mask", _accidental_mask_impl, register=False)


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled id equals one of a row's true classes: (row indices int32, sample positions int64,
    weights -FLT_MAX float32), to mask those logits."""
    op = "ComputeAccidentalHits"
    t = _true_classes(op, true_classes, num_true)
    s = tensor(sampled_candidates) if isinstance(sampled_candidates, (Tensor, Variable)) else convert_to_tensor(
        sampled_candidates, dtype=_dt.int64)
    if s.dtype != _dt.int64:
        raise _invalid(op, f"cannot compute {op} as input #1(zero-based) was expected to be a int64 tensor but is a "
                           f"{s.dtype.name} tensor")
    rows, ids, weights = execute(accidental_hits_p, (t, s), {})
    return ComputeAccidentalHits(guard_shape(rows, "The output of compute_accidental_hits"), ids, weights)


__all__ = ["Algorithm", "all_candidate_sampler", "create_rng_state", "fixed_unigram_candidate_sampler", "fold_in",
           "learned_unigram_candidate_sampler", "log_uniform_candidate_sampler", "split", "stateless_binomial",
           "stateless_parameterized_truncated_normal", "uniform_candidate_sampler"]
