"""Tensor manipulation with TF 2's names: repeat, roll, meshgrid, slice/strided_slice, sequence_mask, unique,
searchsorted, reverse_sequence, shape helpers, truncated division, saturate_cast and bitcast.

Differentiable ops are composites of existing primitives (gather, concat, strided slices, broadcast_to),
so their gradients, higher-order ones included, come from those rules. Ops on integer or boolean results
run their NumPy kernel through a non-differentiable primitive.
"""
import builtins
import collections

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from .._core.tensor import convert_to_tensor
from ..graph.tracer import guard_shape, value_check
from . import array as _array
from .array import _fmt, _invalid, _is_tensor, _static
from . import math as _math
from . import reduce as _reduce
from ._util import NO_PARAMS, Tensor, execute, pair, same_dtype
from ._util import tensor as as_tensor

Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _int_tensor(value, op, what, allowed=("int32", "int64")):
    """``value`` as an integer tensor (int32 for Python ints), checked against the allowed dtypes."""
    t = as_tensor(value) if _is_tensor(value) else convert_to_tensor(value, dtype_hint=_dt.int32)
    if t.dtype.name not in allowed:
        raise _invalid(op, f"Value for attr '{what}' of {t.dtype.name} is not in the list of allowed values: "
                           f"{', '.join(allowed)}")
    return t


def _np_primitive(name, impl, **flags):
    """A non-differentiable primitive around a NumPy kernel (integer/boolean results, no gradient)."""
    return Primitive(name, impl, None, differentiable=False, **flags)


# --- repeat, roll, meshgrid ------------------------------------------------------------
def repeat(input, repeats, axis=None, name=None):  # noqa: A002 - TF's argument name
    """Repeats elements of ``input`` along ``axis`` (flattened first when axis is None).

    ``repeats`` is a scalar or a 1-D list with one count per slice along ``axis``.

    >>> tapegrad.repeat([[1, 2], [3, 4]], repeats=[1, 2], axis=0).numpy().tolist()
    [[1, 2], [3, 4], [3, 4]]
    """
    x = as_tensor(input)
    if axis is None:
        x = _array.reshape(x, [-1])
        axis = 0
    r = x._value.ndim
    if r == 0:
        raise ValueError("input.shape.ndims must be at least 1 for tf.repeat with an axis; got a scalar.")
    axis = int(_static(axis, "repeat's axis"))
    if not -r <= axis < r:
        raise ValueError(f"axis = {axis} not in [{-r}, {r})")
    axis %= r
    reps = _static(repeats, "repeat's repeats")
    if reps.dtype.kind not in "iu":
        raise TypeError(f"repeats must be integers, got {repeats!r}")
    n = x._value.shape[axis]
    if reps.ndim == 0:
        k = int(reps)
        if k < 0:
            raise _invalid("Tile", f"Expected multiples[{axis + 1}] >= 0, but got {k}")
        shape = list(x._value.shape)
        tiled = _array.broadcast_to(_array.expand_dims(x, axis + 1), shape[:axis + 1] + [k] + shape[axis + 1:])
        return _array.reshape(tiled, shape[:axis] + [n * k] + shape[axis + 1:])
    if reps.ndim != 1:
        raise ValueError(f"`repeats` must be a scalar or a 1-D tensor, got shape {reps.shape}")
    if reps.shape[0] not in (1, n):
        raise ValueError(f"Dimensions {n} and {reps.shape[0]} are not compatible")
    if (reps < 0).any():
        raise _invalid("SequenceMask", "repeats must be non-negative")
    idx = np.repeat(np.arange(n, dtype=np.int64), np.broadcast_to(reps, (n,)))
    return _array.gather_dense(x, idx, axis)


def roll(input, shift, axis, name=None):  # noqa: A002
    """Rolls elements along ``axis`` by ``shift`` (scalars or 1-D lists of equal length; shifts add up per axis)."""
    x = as_tensor(input)
    s = np.array(_array._int_list(shift, "roll's shift", ("Roll", "Tshift")))
    a = np.array(_array._int_list(axis, "roll's axis", ("Roll", "Taxis")))
    if s.size != a.size:
        raise _invalid("Roll", "shift and axis must have the same size")
    r = x._value.ndim
    total = {}
    for sh, ax in zip(s.tolist(), a.tolist()):
        if not -r <= ax < r:
            raise _invalid("Roll", f"axis {ax} is out of range")
        total[ax % r] = total.get(ax % r, 0) + int(sh)
    out = x
    for ax, sh in sorted(total.items()):
        n = x._value.shape[ax]
        k = sh % n if n else 0
        if k:
            head = (builtins.slice(None),) * ax
            out = _array.concat([_array._slice(out, head + (builtins.slice(n - k, None),)),
                                 _array._slice(out, head + (builtins.slice(0, n - k),))], ax)
    return out if out is not x else _array.identity(x)


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D coordinate vectors; ``indexing='xy'`` (default, Cartesian) or ``'ij'``."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        key = next(iter(kwargs))
        raise TypeError(f"'{key}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'")
    xs = [as_tensor(a) if _is_tensor(a) else convert_to_tensor(a) for a in args]
    if not xs:
        return []
    same_dtype("Mul", xs)
    n = len(xs)
    vectors = [_array.reshape(x, [-1]) for x in xs]
    sizes = [v._value.shape[0] for v in vectors]
    if indexing == "xy" and n > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, v in enumerate(vectors):
        shape = [1] * n
        pos = {0: 1, 1: 0}.get(i, i) if indexing == "xy" and n > 1 else i
        shape[pos] = -1
        out.append(_array.broadcast_to(_array.reshape(v, shape), sizes))
    return out


# --- slicing ----------------------------------------------------------------------------
def slice(input_, begin, size, name=None):  # noqa: A001 - TF's public name
    """The slice of ``input_`` starting at ``begin`` with ``size`` elements per dimension (-1: all remaining)."""
    x = as_tensor(input_)
    b = _static(begin, "slice's begin")
    b = b.reshape(-1) if b.ndim <= 1 else None
    z = _static(size, "slice's size")
    shape = x._value.shape
    r = len(shape)
    if b is None or z.ndim > 1 or b.size != r or z.size != r:
        raise _invalid("Slice", f"Expected begin and size arguments to be 1-D tensors of size {r}, but got shapes "
                                f"{_fmt(np.shape(b) if b is not None else ())} and {_fmt(z.shape)} instead.")
    z = z.reshape(-1)
    key = []
    for i, (lo, n, d) in enumerate(zip(b.tolist(), z.tolist(), shape)):
        if n == -1:
            n = d - lo
        if not 0 <= lo <= d:
            raise _invalid("Slice", f"Expected begin[{i}] in [0, {d}], but got {lo}")
        if not 0 <= n <= d - lo:
            raise _invalid("Slice", f"Expected size[{i}] in [0, {d - lo}], but got {n}")
        key.append(builtins.slice(lo, lo + n))
    return _array._slice(x, tuple(key))


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0, var=None, name=None):
    """``input_[begin:end:strides]`` with TF's masks: bit i of ``begin_mask``/``end_mask`` ignores begin[i]/end[i],
    ``ellipsis_mask`` makes spec i an ``...``, ``new_axis_mask`` a new axis, ``shrink_axis_mask`` an index."""
    x = as_tensor(input_)
    specs = [_static(v, f"strided_slice's {what}") for v, what in ((begin, "begin"), (end, "end"))]
    specs.append(np.ones_like(specs[0]) if strides is None else _static(strides, "strided_slice's strides"))
    if any(s.ndim != 1 for s in specs) or len({s.shape[0] for s in specs}) != 1:
        raise _invalid("StridedSlice", "Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
                                       + ", ".join(_fmt(s.shape) for s in specs[:2]) + f", and {_fmt(specs[2].shape)}"
                                       " instead.")
    key = []
    for i, (lo, hi, st) in enumerate(zip(*(s.tolist() for s in specs))):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(int(lo))
        else:
            key.append(builtins.slice(None if begin_mask & bit else int(lo), None if end_mask & bit else int(hi),
                                      int(st)))
    return _array.getitem(x, tuple(key))


def _sequence_mask_impl(lengths, maxlen):
    return np.arange(maxlen) < lengths[..., None]


sequence_mask_p = _np_primitive("sequence_mask", _sequence_mask_impl)


def sequence_mask(lengths, maxlen=None, dtype=_dt.bool, name=None):
    """A mask ``out[i..., j] = j < lengths[i...]`` of shape ``lengths.shape + [maxlen]`` (maxlen: max(lengths))."""
    lengths = as_tensor(lengths)
    if lengths._value.dtype.kind == "f":
        lengths = _math.cast(lengths, _dt.int32)
    if maxlen is None:
        maxlen = int(_static(_reduce.reduce_max(lengths), "The largest length of sequence_mask")) if \
            lengths._value.size else 0
    else:
        m = _static(maxlen, "sequence_mask's maxlen")
        if m.ndim != 0:
            raise ValueError(f"Argument `maxlen` must be scalar for sequence_mask, received `maxlen` = {maxlen}.")
        maxlen = int(m)
    mask = execute(sequence_mask_p, (lengths,), {"maxlen": builtins.max(maxlen, 0)})
    dtype = _dt.as_dtype(dtype)
    return mask if dtype == _dt.bool else _math.cast(mask, dtype)


def _unique_impl(x, out_idx):
    y, first, idx, count = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    order = np.argsort(first, kind="stable")      # TF keeps the order of first occurrence
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return y[order], rank[idx.reshape(-1)].astype(out_idx), count[order].astype(out_idx)


unique_p = Primitive("unique", _unique_impl, None, multiple_results=True)  # TF registers no gradient: LookupError


def _unique(x, out_idx):
    x = as_tensor(x)
    if x._value.ndim != 1:
        raise _invalid("Unique", "unique expects a 1D vector.")
    out_idx = _dt.as_dtype(out_idx)
    if out_idx not in (_dt.int32, _dt.int64):
        raise _invalid("Unique", f"Value for attr 'out_idx' of {out_idx.name} is not in the list of allowed values: "
                                 "int32, int64")
    y, idx, count = execute(unique_p, (x,), {"out_idx": out_idx._np})
    return guard_shape(y, "The output of unique"), idx, count


def unique(x, out_idx=_dt.int32, name=None):
    """The distinct values of the 1-D ``x`` in order of first occurrence, and each element's index into them."""
    y, idx, _ = _unique(x, out_idx)
    return Unique(y, idx)


def unique_with_counts(x, out_idx=_dt.int32, name=None):
    """As ``unique``, plus how often each distinct value occurs."""
    return UniqueWithCounts(*_unique(x, out_idx))


def _searchsorted_impl(seq, values, side, out_type):
    s2 = seq.reshape(-1, seq.shape[-1])
    v2 = values.reshape(-1, values.shape[-1])
    out = np.empty(v2.shape, out_type)
    for i in builtins.range(s2.shape[0]):
        out[i] = np.searchsorted(s2[i], v2[i], side=side)
    return out.reshape(values.shape)


searchsorted_p = _np_primitive("searchsorted", _searchsorted_impl)


def searchsorted(sorted_sequence, values, side="left", out_type=_dt.int32, name=None):
    """Indices where ``values`` would be inserted into the innermost rows of ``sorted_sequence`` to keep them sorted."""
    if side not in ("left", "right"):
        raise ValueError(f"Argument `side` must be either 'right' or 'left'. Received: `side` = '{side}'.")
    seq = as_tensor(sorted_sequence)
    vals = as_tensor(values) if _is_tensor(values) else convert_to_tensor(values, dtype=seq.dtype)
    same_dtype("LowerBound" if side == "left" else "UpperBound", (seq, vals))
    op = "LowerBound" if side == "left" else "UpperBound"
    ss, vs = seq._value.shape, vals._value.shape
    if len(ss) == 0 or len(vs) == 0:
        raise _invalid("StridedSlice", "slice index -1 of dimension 0 out of bounds.")
    if ss[:-1] != vs[:-1]:
        raise _invalid(op, f"Leading dim_size of both tensors must match: sorted_sequence {_fmt(ss)} and values "
                           f"{_fmt(vs)}")
    out_type = _dt.as_dtype(out_type)
    if out_type not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"Value for attr 'out_type' of {out_type.name} is not in the list of allowed values: "
                           "int32, int64")
    return execute(searchsorted_p, (seq, vals), {"side": side, "out_type": out_type._np})


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):  # noqa: A002
    """Reverses the first ``seq_lengths[b]`` elements along ``seq_axis`` of each slice b along ``batch_axis``."""
    x = as_tensor(input)
    lengths = _int_tensor(seq_lengths, "ReverseSequence", "Tlen")
    r = x._value.ndim
    seq_axis = 0 if seq_axis is None else int(seq_axis)
    batch_axis = 0 if batch_axis is None else int(batch_axis)
    if lengths._value.ndim != 1:
        raise _invalid("ReverseSequence", f"seq_lens input must be 1-dim, not {lengths._value.ndim}")
    if not 0 <= seq_axis < r or not 0 <= batch_axis < r or seq_axis == batch_axis:
        raise _invalid("ReverseSequence", f"Invalid seq_dim {seq_axis} and batch_dim {batch_axis} for input rank {r}"
                       if seq_axis != batch_axis else f"batch_dim == seq_dim == {seq_axis}")
    shape = x._value.shape
    if lengths._value.shape[0] != shape[batch_axis]:
        raise _invalid("ReverseSequence", f"Length of seq_lengths != input.dims({batch_axis}), "
                                          f"({lengths._value.shape[0]} vs. {shape[batch_axis]})")
    n = shape[seq_axis]

    def check(lens):
        for b, k in enumerate(lens.tolist()):
            if k > n:
                raise _invalid("ReverseSequence", f"seq_lens({b}) > input.dims({seq_axis})")
            if k < 0:
                raise _invalid("ReverseSequence", f"seq_lens({b}) < 0")

    value_check(check, lengths)
    j = Tensor(np.broadcast_to(np.arange(n, dtype=lengths._value.dtype), (lengths._value.shape[0], n)))
    lens = _array.expand_dims(lengths, 1)
    idx = _math.where(_math.less(j, lens), _math.subtract(_math.subtract(lens, _math._scalar(1, lens)), j), j)
    perm = [batch_axis, seq_axis] + [d for d in builtins.range(r) if d not in (batch_axis, seq_axis)]
    moved = _array.transpose(x, perm)
    out = execute(_array.gather_p, (moved, idx), {"axis": 1, "batch_dims": 1})
    return _array.transpose(out, np.argsort(perm).tolist())


# --- shapes ---------------------------------------------------------------------------------
def shape_n(input, out_type=_dt.int32, name=None):  # noqa: A002
    """The shapes of a list of tensors, as a list of 1-D int32 (or ``out_type``) tensors."""
    return [_array.shape(t, out_type=out_type) for t in input]


def _broadcast_dims(a, b):
    """The broadcast of two dimension lists (None: unknown), or None when they are incompatible."""
    n = builtins.max(len(a), len(b))
    a, b = [1] * (n - len(a)) + list(a), [1] * (n - len(b)) + list(b)
    out = []
    for x, y in zip(a, b):
        if x == 1 or x == y:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        else:
            return None
    return out


def broadcast_static_shape(shape_x, shape_y):
    """The broadcast of two TensorShapes (ValueError when they are incompatible)."""
    sx, sy = TensorShape(shape_x), TensorShape(shape_y)
    if sx.rank is None or sy.rank is None:
        return TensorShape(None)
    dims = _broadcast_dims(sx.as_list(), sy.as_list())
    if dims is None:
        raise ValueError("Incompatible shapes for broadcasting. Two shapes are compatible if for each dimension pair "
                         "they are either equal or one of them is 1. Received: "
                         f"{tuple(sx.as_list())} and {tuple(sy.as_list())}.")
    return TensorShape(dims)


def broadcast_dynamic_shape(shape_x, shape_y):
    """The broadcast of two shapes given as 1-D integer tensors, as a 1-D tensor of their dtype."""
    x = _int_tensor(shape_x, "BroadcastArgs", "T")
    y = as_tensor(shape_y) if _is_tensor(shape_y) else convert_to_tensor(shape_y, dtype=x.dtype)
    same_dtype("BroadcastArgs", (x, y))
    dims = _broadcast_dims(_static(x, "broadcast_dynamic_shape's shape_x").tolist(),
                           _static(y, "broadcast_dynamic_shape's shape_y").tolist())
    if dims is None:
        raise _invalid("BroadcastArgs", f"Incompatible shapes: {_fmt(x._value.tolist())} vs. "
                                        f"{_fmt(y._value.tolist())}")
    return Tensor(np.array(dims, dtype=x._value.dtype))


def ensure_shape(x, shape, name=None):
    """``x`` unchanged when its shape is compatible with ``shape`` (None dims match anything)."""
    t = as_tensor(x)
    expected = TensorShape(shape)
    if not TensorShape(t._value.shape).is_compatible_with(expected):
        exp = "<unknown>" if expected.rank is None else _fmt(-1 if d is None else d for d in expected.as_list())
        raise _invalid("EnsureShape", f"Shape of tensor input {_fmt(t._value.shape)} is not compatible with expected "
                                      f"shape {exp}.")
    return _array.identity(t)


def identity_n(input, name=None):  # noqa: A002
    """A list of identities of the tensors in ``input``."""
    return [_array.identity(as_tensor(t)) for t in input]


# --- arithmetic helpers ------------------------------------------------------------------------
def scalar_mul(scalar, x, name=None):
    """``scalar * x`` for a 0-d ``scalar`` (converted to x's dtype)."""
    x = as_tensor(x)
    s = as_tensor(scalar) if _is_tensor(scalar) else convert_to_tensor(scalar, dtype=x.dtype)
    if s._value.ndim != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {tuple(s._value.shape)}.")
    if s.dtype != x.dtype:
        raise ValueError(f"scalar: Tensor conversion requested dtype {x.dtype.name} for Tensor with dtype "
                         f"{s.dtype.name}: {s!r}")
    return _math.multiply(s, x)


def _check_div(op, x, y):
    if x.dtype.kind in "iu" and not np.all(y):
        raise errors.InternalError(None, op, "Unexpected error in binary operator (only integer div and mod should "
                                             f"have errors) [Op:{op}]")


def _truncatediv_impl(x, y):
    _check_div("TruncateDiv", x, y)
    if x.dtype.kind in "iu":
        q = np.abs(x) // np.abs(y)
        return np.where((x < 0) != (y < 0), -q, q).astype(x.dtype)
    return np.trunc(np.true_divide(x, y))


def _truncatemod_impl(x, y):
    _check_div("TruncateMod", x, y)
    return np.fmod(x, y)


truncatediv_p = _np_primitive("truncatediv", _truncatediv_impl)
truncatemod_p = Primitive("truncatemod", _truncatemod_impl, None)  # TF registers no gradient: LookupError


def truncatediv(x, y, name=None):
    """x / y rounded toward zero (C semantics: -7 / 5 = -1). No gradient."""
    return execute(truncatediv_p, pair("TruncateDiv", x, y), NO_PARAMS)


def truncatemod(x, y, name=None):
    """The remainder of truncated division (C's fmod: the result has x's sign)."""
    return execute(truncatemod_p, pair("TruncateMod", x, y), NO_PARAMS)


def saturate_cast(value, dtype, name=None):
    """Casts ``value`` to ``dtype``, clamping to the target's range first (no wrap-around)."""
    x = as_tensor(value)
    dtype = _dt.as_dtype(dtype)
    src, dst = x._value.dtype, dtype._np
    if src.kind == "c" and dst.kind != "c":
        x = _math.real(x)
        src = x._value.dtype
    if src.kind in "fiu" and dst.kind in "fiu":
        si, di = (np.finfo(d) if d.kind == "f" else np.iinfo(d) for d in (src, dst))
        lo, hi = None, None
        if si.min < di.min:
            lo = np.asarray(di.min).astype(src)
            if float(lo) < di.min:
                lo = np.nextafter(lo, np.asarray(np.inf, src))
        if si.max > di.max:
            hi = np.asarray(di.max).astype(src)
            if float(hi) > di.max:
                hi = np.nextafter(hi, np.asarray(-np.inf, src))
        if lo is not None:
            x = _math.maximum(x, Tensor(np.asarray(lo, src)))
        if hi is not None:
            x = _math.minimum(x, Tensor(np.asarray(hi, src)))
    return _math.cast(x, dtype)


def _bitcast_impl(x, dtype):
    a = np.ascontiguousarray(x)
    src, dst = a.dtype.itemsize, np.dtype(dtype).itemsize
    if src > dst:
        return a.view(dtype).reshape(a.shape + (src // dst,))
    if src < dst:
        return a.view(dtype).reshape(a.shape[:-1])
    return a.view(dtype)


bitcast_p = _np_primitive("bitcast", _bitcast_impl)


def bitcast(input, type, name=None):  # noqa: A002 - TF's argument names
    """Reinterprets the bytes of ``input`` as ``type``: a smaller type adds a last dimension, a larger one consumes it."""
    x = as_tensor(input)
    dtype = _dt.as_dtype(type)
    src, dst = x._value.dtype.itemsize, dtype._np.itemsize
    if src < dst and (x._value.ndim == 0 or x._value.shape[-1] != dst // src):
        raise _invalid("Bitcast", f"Cannot bitcast from {dst // src} to "
                                  f"{x._value.shape[-1] if x._value.ndim else dst // src - 1}")
    return execute(bitcast_p, (x,), {"dtype": dtype._np})


__all__ = ["repeat", "roll", "meshgrid", "slice", "strided_slice", "sequence_mask", "unique", "unique_with_counts",
           "searchsorted", "reverse_sequence", "shape_n", "broadcast_static_shape", "broadcast_dynamic_shape",
           "ensure_shape", "identity_n", "scalar_mul", "truncatediv", "truncatemod", "saturate_cast", "bitcast"]
