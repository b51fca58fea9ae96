"""Random tensors (``tf.random``) with TensorFlow's seeds, generators and numbers.

The numbers are TF's: its Philox4x32-10 generator and CPU kernels are reproduced in random_philox.py.
Seeds follow ``random_seed.get_seed``:

* with a global seed set (``set_seed``) and no op seed, the op seed is the next number of a Python
  ``random.Random(global seed)`` (``randint(0, 2**31 - 1)``), as TF's eager context draws it, so a
  program's sequence of random ops is reproducible, and calling ``set_seed`` again restarts it;
* with an op seed and no global seed, the global seed is 87654321 (``DEFAULT_GRAPH_SEED``);
* with both, both are used (each modulo 2**31 - 1; the pair (0, 0) becomes (0, 2**31 - 1));
* with neither, the values are not reproducible.

A stateful op's kernel holds a Philox generator keyed by the seed pair (key: the global seed; counter
words 2-3: the op seed). TF caches the kernel of an op per (op, dtype, seeds), so repeated calls with
the same seeds continue one stream: each call reserves 256 counter steps per output value. ``set_seed``
clears the cache, as TF's does.

The ops create tensors: their random part carries no gradient (TF declares
its random kernels non-differentiable), while ``mean``/``stddev`` and
``minval``/``maxval`` enter through ordinary ops, so a tape differentiates
with respect to them as TF's does.
"""
import random as _pyrandom
import secrets
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
from . import random_philox as _philox

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1

_lock = threading.Lock()
_global_seed = None
_op_seeds = None     # random.Random(global seed): the op seeds of unseeded ops, as TF's context._rng
_kernels = {}        # (op, dtype name, seed, seed2) -> the Philox generator of TF's cached kernel
_epoch = [0]         # set_seed calls so far: traced random ops restart their generators when it changes


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
        _kernels.clear()
        _epoch[0] += 1


def _as_int(value, what):
    try:
        return int(np.asarray(value).item()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise TypeError(f"`{what}` must be an integer, got {value!r} of type {type(value).__name__}.") from None


def _pair(global_seed, op_seed):
    seeds = global_seed % _MAXINT32, op_seed % _MAXINT32
    return (0, _MAXINT32) if seeds == (0, 0) else seeds


def _seeds(op_seed):
    """(seed, seed2) as TF's ``random_seed.get_seed`` derives them in eager mode; (None, None) when unseeded."""
    if op_seed is not None:
        op_seed = _as_int(op_seed, "seed")
    if _global_seed is not None:
        if op_seed is None:
            op_seed = _op_seeds.randint(0, _MAXINT32)
        return _pair(_global_seed, op_seed)
    if op_seed is not None:
        return _pair(DEFAULT_GRAPH_SEED, op_seed)
    return None, None


def entropy_generator():
    """A Philox generator with nondeterministic seeds (TF's kernels when both seeds are 0)."""
    return _philox.Philox.from_seeds(secrets.randbits(64), secrets.randbits(64))


def _generator(kind, dtype, seed, samples):
    """The generator of one call of a ``kind`` op; reserves ``samples`` counter steps (call with ``_lock``)."""
    seeds = _seeds(seed)
    if seeds[0] is None:
        return entropy_generator()
    key = (kind, dtype.name) + seeds
    gen = _kernels.get(key) or _philox.Philox.from_seeds(*seeds)
    _kernels[key] = gen.skipped(samples)
    return gen


def _draw(kind, dtype, seed, samples, sample, *inputs):
    """``Tensor(sample(generator, *input arrays))`` for one ``kind`` op call reserving ``samples`` steps.

    While a ``function`` is traced, the draw is an equation drawing new numbers
    on every call (tapegrad/graph/random.py).
    """
    if _state.graph is not None:
        from ..graph.random import traced_draw
        return traced_draw(seed, samples, sample, inputs)
    with _lock:
        gen = _generator(kind, dtype, seed, samples)
    return Tensor(sample(gen, *[t._value for t in inputs]))


def _reserve(shape):
    """The counter steps a kernel reserves for ``shape``: 256 per value (TF's ``ReserveRandomOutputs``)."""
    return _philox.RESERVED_PER_OUTPUT * int(np.prod(shape, dtype=np.int64))


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
    rnd = _draw("RandomStandardNormal", dtype, seed, _reserve(shape), lambda gen: _philox.normal(gen, shape, dtype))
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
    rnd = _draw("TruncatedNormal", dtype, seed, _reserve(shape), lambda gen: _philox.truncated_normal(gen, shape, dtype))
    return _scale_shift(rnd, stddev, mean)


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
        return _draw(kind, dtype, seed, _reserve(shape),
                     lambda gen, lo, hi: _philox.uniform_int(gen, shape, dtype, lo, hi), minval, maxval)
    result = _draw(kind, dtype, seed, _reserve(shape), lambda gen: _philox.uniform(gen, shape, dtype))
    if minval_is_zero:
        return result if maxval_is_one else _math.multiply(result, maxval)
    return _math.add(_math.multiply(result, _math.subtract(maxval, minval)), minval)


def shuffle(value, seed=None, name=None):
    """Randomly shuffles a tensor along its first dimension (a scalar is returned as is).

    The result carries no gradient, as in TF.
    """
    x = convert_to_tensor(value)
    n = x._value.shape[0] if x._value.ndim else 0
    moves = n > 1 and x._value.size > 1
    samples = (n - 1 + 3) // 4 if moves else 0  # TF's ReserveSamples32(n - 1)

    def sample(gen, v):
        return v[_philox.shuffle_permutation(gen, n)] if moves else v.copy()

    return _draw("RandomShuffle", x.dtype, seed, samples, sample, x)


__all__ = ["normal", "truncated_normal", "uniform", "shuffle", "set_seed"]
