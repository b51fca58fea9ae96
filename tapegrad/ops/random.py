"""Random tensors (``tf.random``) with TensorFlow's global/operation seed semantics.

An op draws from a NumPy ``Generator`` (PCG64) keyed by three integers, as
TF keys its kernels (``tf.random.set_seed``'s docstring):

* with a global seed set (``set_seed``) and no op seed, each call takes the
  next op seed from a sequence that the global seed fixes, so a program's
  sequence of random ops is reproducible, and calling ``set_seed`` again
  restarts it;
* with an op seed and no global seed, the default global seed 87654321 is used;
* with both, both are used;
* with neither, the values are not reproducible.

As in TF, repeated calls of the same kind of op (normal, uniform, ...) with the
same dtype and the same seeds return new values each time: a call counter per
(kind, dtype, global seed, op seed) is the third key, and ``set_seed`` resets
the counters. The numbers differ from TF's (TF uses Philox), the semantics do not.

The ops create tensors: their random part carries no gradient (TF declares
its random kernels non-differentiable), while ``mean``/``stddev`` and
``minval``/``maxval`` enter through ordinary ops, so a tape differentiates
with respect to them as TF's does.
"""
import os
import random as _pyrandom
import threading

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.context import state as _state
from .._core.shape import TensorShape
from .._core.tensor import Tensor, convert_to_tensor
from ..graph.tracer import value_check
from . import math as _math
from . import array as _array

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1

_lock = threading.Lock()
_global_seed = None
_op_seeds = None     # random.Random(global seed): the op seeds of unseeded ops
_counters = {}       # (kind, dtype name, global seed, op seed) -> calls so far
_entropy = np.random.default_rng()  # neither seed set
_epoch = [0]         # set_seed calls so far: traced random ops restart their sequences when it changes


def _reseed_entropy():
    global _entropy
    _entropy = np.random.default_rng()


os.register_at_fork(after_in_child=_reseed_entropy)  # forked workers must not share unseeded streams


def set_seed(seed):
    """Sets the global random seed (None unsets it) and restarts every seeded sequence.

    Args:
      seed: an integer, or None.

    >>> tapegrad.random.set_seed(1234)
    >>> a = tapegrad.random.uniform([2])
    >>> tapegrad.random.set_seed(1234)
    >>> bool(tapegrad.reduce_all(a == tapegrad.random.uniform([2])))
    True
    """
    global _global_seed, _op_seeds
    if seed is not None:
        seed = _as_int(seed, "seed")
    with _lock:
        _global_seed = seed
        _op_seeds = None if seed is None else _pyrandom.Random(seed)
        _counters.clear()
        _epoch[0] += 1


def _as_int(value, what):
    try:
        return int(np.asarray(value).item()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise TypeError(f"`{what}` must be an integer, got {value!r} of type {type(value).__name__}.") from None


def _seeds(op_seed):
    """(global, op) seeds as TF's ``random_seed.get_seed`` derives them; (None, None) when unseeded."""
    if op_seed is not None:
        op_seed = _as_int(op_seed, "seed")
    if _global_seed is not None:
        if op_seed is None:
            op_seed = _op_seeds.randint(0, _MAXINT32)
        return _global_seed % _MAXINT32, op_seed % _MAXINT32
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, op_seed % _MAXINT32
    return None, None


def _generator(kind, dtype, seed):
    """The Generator for one call of a ``kind`` op (call with ``_lock`` held)."""
    global_seed, op_seed = _seeds(seed)
    if global_seed is None:
        return _entropy
    key = (kind, dtype.name, global_seed, op_seed)
    n = _counters.get(key, 0)
    _counters[key] = n + 1
    return np.random.Generator(np.random.PCG64([global_seed, op_seed, n]))


def _draw(kind, dtype, seed, sample, *inputs):
    """``Tensor(sample(rng, *input arrays))`` from the generator of one ``kind`` op call.

    While a ``function`` is traced, the draw is an equation drawing new numbers
    on every call (tapegrad/graph/random.py).
    """
    if _state.graph is not None:
        from ..graph.random import traced_draw
        return traced_draw(kind, dtype, seed, sample, inputs)
    with _lock:
        rng = _generator(kind, dtype, seed)
        return Tensor(sample(rng, *[t._value for t in inputs]))


def _shape(shape, op):
    """A tuple of non-negative ints from a 1-D int list/tuple/array/tensor or a TensorShape."""
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"{op}: shape {shape} is not fully defined.")
        return tuple(shape.as_list())
    arr = _array._static(shape, f"{op}'s shape")
    if arr.size == 0 and arr.ndim == 1:
        return ()
    if arr.dtype.kind not in "iu":
        raise errors.InvalidArgumentError(None, op, (
            f"shape must be a vector of int32 or int64, got dtype {arr.dtype} ({shape!r}) [Op:{op}]"))
    if arr.ndim != 1:
        raise errors.InvalidArgumentError(None, op, (
            f"shape must be a vector of {{int32,int64}}, got shape {list(arr.shape)} [Op:{op}]"))
    for d in arr.tolist():
        if d < 0:
            raise errors.InvalidArgumentError(None, op, f"Dimension {d} must be >= 0 [Op:{op}]")
    return tuple(arr.tolist())


_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _float_dtype(dtype, op):
    dtype = _dt.as_dtype(dtype)
    if dtype.name not in _FLOATS:
        raise errors.InvalidArgumentError(None, op, (
            f"Value for attr 'dtype' of {dtype.name} is not in the list of allowed values: half, bfloat16, "
            f"float, double [Op:{op}]"))
    return dtype


def _standard_normal(rng, shape, dtype):
    native = dtype.name in ("float32", "float64")
    z = rng.standard_normal(shape, dtype=dtype._np if native else np.float32)
    return z if native else z.astype(dtype._np)


def _unit_uniform(rng, shape, dtype):
    """Uniform in [0, 1) exactly representable in ``dtype`` (never rounds up to 1)."""
    if dtype.name in ("float32", "float64"):
        return rng.random(shape, dtype=dtype._np)
    bits = 11 if dtype.name == "float16" else 8  # significand bits of float16 / bfloat16
    return (rng.integers(0, 2**bits, size=shape) * 2.0**-bits).astype(dtype._np)


def _scale_shift(rnd, stddev, mean):
    """rnd * stddev + mean with tapegrad ops, so a tape sees mean and stddev (TF does the same)."""
    return _math.add(_math.multiply(rnd, stddev), mean)


def normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Samples from a normal distribution.

    Args:
      shape: 1-D integer list, tuple, array or tensor: the output shape.
      mean, stddev: tensor-like values of ``dtype``, broadcastable with the output.
      dtype: float16, bfloat16, float32 (default) or float64.
      seed: optional op seed (see ``set_seed``).
      name: ignored.

    Returns:
      A Tensor of shape ``shape`` (broadcast with ``mean`` and ``stddev``).
    """
    shape = _shape(shape, "RandomStandardNormal")
    dtype = _dt.as_dtype(dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    stddev = convert_to_tensor(stddev, dtype=dtype)
    dtype = _float_dtype(dtype, "RandomStandardNormal")
    rnd = _draw("RandomStandardNormal", dtype, seed, lambda rng: _standard_normal(rng, shape, dtype))
    return _scale_shift(rnd, stddev, mean)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dt.float32, seed=None, name=None):
    """Samples from a normal distribution truncated to two standard deviations.

    Values more than two standard deviations from the mean are drawn again.
    Arguments as for ``normal``.
    """
    shape = _shape(shape, "TruncatedNormal")
    dtype = _dt.as_dtype(dtype)
    mean = convert_to_tensor(mean, dtype=dtype)
    stddev = convert_to_tensor(stddev, dtype=dtype)
    dtype = _float_dtype(dtype, "TruncatedNormal")
    def sample(rng):
        z = rng.standard_normal(shape)
        bad = np.abs(z) > 2.0
        while bad.any():
            z[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(z) > 2.0
        return np.asarray(z, dtype=dtype._np)

    return _scale_shift(_draw("TruncatedNormal", dtype, seed, sample), stddev, mean)


_UNIFORM_DTYPES = ("float16", "bfloat16", "float32", "float64", "int32", "int64")


def uniform(shape, minval=0, maxval=None, dtype=_dt.float32, seed=None, name=None):
    """Samples from a uniform distribution over ``[minval, maxval)``.

    Args:
      shape: 1-D integer list, tuple, array or tensor: the output shape.
      minval, maxval: the range; ``maxval`` defaults to 1 for floating dtypes
        and must be given for integer dtypes (where both must be scalars and
        ``minval < maxval``).
      dtype: float16, bfloat16, float32 (default), float64, int32 or int64.
      seed: optional op seed (see ``set_seed``).
      name: ignored.

    Raises:
      ValueError: unsupported dtype, or an integer dtype without ``maxval``.
    """
    dtype = _dt.as_dtype(dtype)
    if dtype.name not in _UNIFORM_DTYPES:
        raise ValueError(f"Argument `dtype` got invalid value {dtype!r}. Accepted dtypes are "
                         "(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64).")
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    kind = "RandomUniformInt" if dtype.is_integer else "RandomUniform"
    shape = _shape(shape, kind)
    # As TF: minval/maxval are used (and converted) unless they are the Python ints 0 and 1.
    minval_is_zero = isinstance(minval, int) and minval == 0
    maxval_is_one = isinstance(maxval, int) and maxval == 1
    if not minval_is_zero or not maxval_is_one or dtype.is_integer:
        minval = convert_to_tensor(minval, dtype=dtype)
        maxval = convert_to_tensor(maxval, dtype=dtype)
    if dtype.is_integer:
        for what, bound in (("minval", minval._value), ("maxval", maxval._value)):
            if bound.ndim:
                raise errors.InvalidArgumentError(None, kind, (
                    f"{what} must be 0-D, got shape {list(bound.shape)} [Op:{kind}]"))

        def check(lo, hi):
            if not lo < hi:
                raise errors.InvalidArgumentError(None, kind, f"Need minval < maxval, got {lo} >= {hi} [Op:{kind}]")

        value_check(check, minval, maxval)
        return _draw(kind, dtype, seed, lambda rng, lo, hi: rng.integers(lo, hi, size=shape, dtype=dtype._np),
                     minval, maxval)
    result = _draw(kind, dtype, seed, lambda rng: _unit_uniform(rng, shape, dtype))
    if minval_is_zero:
        return result if maxval_is_one else _math.multiply(result, maxval)
    return _math.add(_math.multiply(result, _math.subtract(maxval, minval)), minval)


def shuffle(value, seed=None, name=None):
    """Randomly shuffles a tensor along its first dimension (a scalar is returned as is).

    The result carries no gradient, as in TF.
    """
    x = convert_to_tensor(value)

    def sample(rng, v):
        return v.copy() if v.ndim == 0 else v[rng.permutation(v.shape[0])]

    return _draw("RandomShuffle", x.dtype, seed, sample, x)


__all__ = ["normal", "truncated_normal", "uniform", "shuffle", "set_seed"]
