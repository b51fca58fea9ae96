"""The remaining ``tf.debugging`` assertions, with TF's exception types and messages: sign checks
(assert_positive, ...), dtype checks (assert_integer, assert_same_float_dtype), rank checks and ``Assert``.

Value checks on a traced (symbolic) tensor run when the graph runs (``deferred_check``).
"""
import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.indexed_slices import IndexedSlices
from .._core.tensor import Tensor, Variable, convert_to_tensor
from ..graph.tracer import deferred_check


def _t(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _tf_str(t):
    """A tensor as TF prints it in assertion messages: ``tf.Tensor(False, shape=(), dtype=bool)``."""
    return f"tf.Tensor({np.asarray(t._value)}, shape={tuple(t._value.shape)}, dtype={t.dtype.name})"


def _assert_sign(x, holds, symbol, message, summarize):
    t = _t(x)
    if deferred_check(lambda a: _assert_sign(a, holds, symbol, message, summarize), t):
        return None
    v = np.asarray(t._value)
    if v.dtype.kind not in "fiuc":
        raise TypeError(f"Expected numeric tensor, got dtype {t.dtype}")
    if np.all(holds(v)):
        return None
    n = v.size if summarize is None or summarize < 0 else int(summarize)
    items = [str(e) for e in v.reshape(-1)[:n]] + (["..."] if v.size > n else [])
    head = f"{message}.  " if message else ""
    raise errors.InvalidArgumentError(None, "assert", (
        f"{head}\nCondition x {symbol} 0 did not hold element-wise:\nx (shape={tuple(v.shape)} dtype={t.dtype.name}) "
        f"= \n{items}"))


def assert_positive(x, message=None, summarize=None, name=None):
    """InvalidArgumentError unless every element of x is > 0."""
    return _assert_sign(x, lambda v: v > 0, ">", message, summarize)


def assert_negative(x, message=None, summarize=None, name=None):
    """InvalidArgumentError unless every element of x is < 0."""
    return _assert_sign(x, lambda v: v < 0, "<", message, summarize)


def assert_non_negative(x, message=None, summarize=None, name=None):
    """InvalidArgumentError unless every element of x is >= 0."""
    return _assert_sign(x, lambda v: v >= 0, ">=", message, summarize)


def assert_non_positive(x, message=None, summarize=None, name=None):
    """InvalidArgumentError unless every element of x is <= 0."""
    return _assert_sign(x, lambda v: v <= 0, "<=", message, summarize)


def assert_integer(x, message=None, name=None):
    """TypeError unless x has an integer dtype."""
    t = _t(x)
    if not t.dtype.is_integer:
        raise TypeError(f'{message + " " if message else ""}Expected "x" to be integer type.  Found: tensor of dtype '
                        f"{t.dtype}")
    return None


def assert_scalar(tensor, message=None, name=None):
    """ValueError unless ``tensor`` is 0-d."""
    t = _t(tensor)
    if t._value.ndim != 0:
        raise ValueError(f"{message + ' ' if message else ''}Expected scalar shape, saw shape: "
                         f"{tuple(t._value.shape)}.")
    return None


def assert_rank_at_least(x, rank, message=None, name=None):
    """ValueError unless x has rank >= ``rank``."""
    t = _t(x)
    if t._value.ndim < int(rank):
        raise ValueError(f"{message or ''}Tensor  must have rank at least {int(rank)}.  Received rank "
                         f"{t._value.ndim}, shape {tuple(t._value.shape)}")
    return None


def assert_rank_in(x, ranks, message=None, name=None):
    """ValueError unless the rank of x is one of ``ranks``."""
    t = _t(x)
    ranks = tuple(int(r) for r in ranks)
    if t._value.ndim not in ranks:
        raise ValueError(f"{message or ''}Tensor  must have rank in {ranks}.  Received rank {t._value.ndim}, shape "
                         f"{tuple(t._value.shape)}")
    return None


def assert_same_float_dtype(tensors=None, dtype=None):
    """The common floating dtype of ``tensors`` (and ``dtype``); float32 when neither says. ValueError otherwise."""
    if dtype is not None:
        dtype = _dt.as_dtype(dtype)
    first = None
    for x in tensors or ():
        t = _t(x)
        if dtype is None:
            dtype, first = t.dtype, t
        elif t.dtype != dtype:
            raise ValueError(f"{_tf_str(t)}, type={t.dtype}, must be of the same type ({dtype})"
                             + (f" as {_tf_str(first)}." if first is not None else "."))
    if dtype is None:
        return _dt.float32
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def assert_proper_iterable(values):
    """TypeError unless ``values`` is an iterable that is not a tensor, array or string."""
    unintentional = (Tensor, Variable, IndexedSlices, np.ndarray, np.generic, str, bytes)
    if isinstance(values, unintentional) or not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}')
    return None


def is_numeric_tensor(tensor):
    """True for a tapegrad tensor of a numeric (not bool or string) dtype."""
    return isinstance(tensor, (Tensor, Variable)) and (tensor.dtype.is_floating or tensor.dtype.is_integer
                                                       or tensor.dtype.is_complex)


def _summary(value, summarize):
    if isinstance(value, (str, bytes)):
        return repr(value.encode() if isinstance(value, str) else value)
    v = np.asarray(value._value if isinstance(value, (Tensor, Variable)) else value).reshape(-1)
    items = [str(e) for e in v[:summarize]] + (["..."] if v.size > summarize else [])
    return ", ".join(items)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's public name
    """InvalidArgumentError listing ``data`` (the first ``summarize`` entries of each) unless ``condition`` holds."""
    if isinstance(condition, (Tensor, Variable)) and deferred_check(
            lambda c: Assert(c, data, summarize), condition):
        return None
    if not bool(condition if not isinstance(condition, (Tensor, Variable)) else np.asarray(condition._value)):
        shown = _tf_str(condition) if isinstance(condition, (Tensor, Variable)) else str(condition)
        summarize = 3 if summarize is None else int(summarize)
        raise errors.InvalidArgumentError(None, "Assert", (
            f"Expected '{shown}' to be true. Summarized data: " + "\n".join(_summary(d, summarize) for d in data)))
    return None


__all__ = ["assert_positive", "assert_negative", "assert_non_negative", "assert_non_positive", "assert_integer",
           "assert_scalar", "assert_rank_at_least", "assert_rank_in", "assert_same_float_dtype",
           "assert_proper_iterable", "is_numeric_tensor", "Assert"]
