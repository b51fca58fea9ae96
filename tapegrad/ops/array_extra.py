"""More of TF's array ops: unravel_index, histograms, dynamic_partition/dynamic_stitch, space_to_batch and
batch_to_space, required_space_to_batch_paddings, approximate top-k, tuple and guarantee_const.

* ``dynamic_stitch`` and ``dynamic_partition`` are linear primitives; their rules are TF's (a stitch's
  gradient gathers the cotangent at each index list, duplicates included; a partition's puts the
  cotangents back in place) and gather along the cotangent's leading axes, so they also serve batches.
* ``space_to_batch_nd``/``batch_to_space_nd`` are pad/reshape/transpose composites: their gradients are
  each other, as TF's.
* integer results (unravel_index, the histograms) come from non-differentiable primitives.
* graphs (tapegrad/graph/tracer.py): value checks run when the graph runs; the lengths that depend on values
  (dynamic_stitch, dynamic_partition) are shape-guarded; arguments Python needs (nbins, block shapes, pads,
  crops) are read under a value guard, so another value traces again.
"""
import builtins
import collections

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.tensor import Variable, convert_to_tensor
from ..graph.tracer import guard_shape, value_check
from . import array as _array
from . import indexing as _indexing
from . import math as _math
from ._util import Tensor, execute, same_dtype, tensor
from .array import _fmt, _invalid
from .manip import _int_tensor, _np_primitive

ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])


def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _static_ints(value, op, what):
    """An integer argument (a list, an array or a Tensor) as a NumPy int64 array, for Python to use (a traced
    tensor is read under a guard: another value traces again)."""
    v = _array._static(value, f"{op}'s {what}")
    if v.size and v.dtype.kind not in "iu":
        raise TypeError(f"{op}: {what} must be integers, got {value!r}")
    return v.astype(np.int64)


# --- unravel_index -----------------------------------------------------------------------------
def _unravel_impl(indices, dims):
    strides = np.r_[np.cumprod(dims[::-1][:-1])[::-1], 1].astype(indices.dtype) if dims.size else dims
    idx = indices.reshape(-1)
    q = np.sign(idx)[None, :] * (np.abs(idx)[None, :] // strides[:, None])  # C++ division truncates
    out = np.fmod(q, dims[:, None]).astype(indices.dtype)
    return out[:, 0] if indices.ndim == 0 else out


unravel_index_p = _np_primitive("unravel_index", _unravel_impl)


def unravel_index(indices, dims, name=None):
    """The coordinates of flat ``indices`` in an array of shape ``dims``: ``[len(dims)]`` or ``[len(dims), N]``."""
    op = "UnravelIndex"
    i = _int_tensor(indices, op, "Tidx")
    d = _int_tensor(dims, op, "Tidx")
    if not _is_tensor(dims) and d.dtype != i.dtype:
        d = convert_to_tensor(dims, dtype=i.dtype)
    elif not _is_tensor(indices) and d.dtype != i.dtype:
        i = convert_to_tensor(indices, dtype=d.dtype)
    same_dtype(op, (i, d))
    if i._value.ndim > 1:
        raise _invalid(op, f"The indices can only be scalar or vector, got \"{_fmt(i._value.shape)}\"")
    if d._value.ndim != 1:
        raise _invalid(op, f"The indices can only be 1-D, got \"{_fmt(d._value.shape)}\"")

    def check(iv, dv):
        for k, v in enumerate(dv):
            if v < 0:
                raise _invalid(op, f"Input dims cannot be negative. Got dim = {v} at index {k}")
            if v == 0:
                raise _invalid(op, f"Input dims cannot contain a dim of zero, but dims contains zero at index {k}")
        if (iv >= np.prod(dv)).any():
            raise _invalid(op, "index is out of bound as with dims")

    value_check(check, i, d)
    return execute(unravel_index_p, (i, d), {})


# --- histograms -----------------------------------------------------------------------------
_HIST_T = ("int32", "int64", "float32", "float64", "float16", "bfloat16")


def _histogram_impl(values, value_range, nbins, dtype):
    lo, hi = value_range[0], value_range[1]
    step = np.float64(hi - lo) / np.float64(nbins)
    with np.errstate(all="ignore"):
        bins = np.minimum((np.maximum(values, lo) - lo).astype(np.float64) / step, nbins - 1).astype(np.int64)
    return np.bincount(bins.reshape(-1), minlength=nbins)[:nbins].astype(dtype)


histogram_p = _np_primitive("histogram_fixed_width", _histogram_impl)


def histogram_fixed_width(values, value_range, nbins=100, dtype=_dt.int32, name=None):
    """Counts of ``values`` in ``nbins`` equal bins over ``value_range = [lo, hi]`` (outliers go to the end bins)."""
    op = "HistogramFixedWidth"
    v = tensor(values)
    r = _hinted(value_range, v)
    same_dtype(op, (v, r))
    if v.dtype.name not in _HIST_T:
        raise _invalid(op, f"Value for attr 'T' of {v.dtype.name} is not in the list of allowed values: int32, "
                           "int64, float, double, half, bfloat16")
    out = _dt.as_dtype(dtype)
    if out not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"Value for attr 'dtype' of {out.name} is not in the list of allowed values: int32, int64")
    n = int(_array._static(nbins, "histogram_fixed_width's nbins"))  # the output's length
    if r._value.shape != (2,):
        raise _invalid(op, "value_range should be a vector of 2 elements.")
    if n <= 0:
        raise _invalid(op, f"nbins should be a positive number, but got '{n}'")

    def check(vv, rv):
        if not rv[0] < rv[1]:
            raise _invalid(op, f"value_range should satisfy value_range[0] < value_range[1], but got "
                               f"'[{rv[0]:g}, {rv[1]:g}]'")
        if v.dtype.is_floating and np.isnan(vv).any():
            raise _invalid(op, "Histogram values must not contain NaN")

    value_check(check, v, r)
    return execute(histogram_p, (v, r), {"nbins": n, "dtype": out._np})


def _hinted(x, like):
    return tensor(x) if _is_tensor(x) else convert_to_tensor(x, dtype_hint=like.dtype)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=_dt.int32, name=None):
    """The bin index (int32, as TF) of each of ``values`` among ``nbins`` equal bins over ``value_range``."""
    v = convert_to_tensor(values)
    shape = v._value.shape
    v = _array.reshape(v, [-1])
    r = convert_to_tensor(value_range)
    n = convert_to_tensor(nbins, dtype=_dt.int32)

    def check(nv):
        if not int(nv) > 0:
            raise errors.InvalidArgumentError(None, "Assert", "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be "
                                                              f"true. Summarized data: b'nbins {Tensor(nv)} must > 0'")

    value_check(check, n)
    nbins_float = _math.cast(n, v.dtype)
    scaled = _math.truediv(v - r[0], r[1] - r[0])
    indices = _math.floor(nbins_float * scaled)
    indices = _math.cast(_math.clip_by_value(indices, 0, nbins_float - 1), _dt.int32)
    return _array.reshape(indices, shape)


# --- dynamic_stitch, dynamic_partition -------------------------------------------------------------
def _stitch_impl(*xs, n):
    indices, data = xs[:n], xs[n:]
    size = max((int(i.max()) + 1 for i in indices if i.size), default=0)
    rest = data[0].shape[indices[0].ndim:]
    out = np.zeros((size,) + rest, dtype=data[0].dtype)
    for i, d in zip(indices, data):
        out[i.reshape(-1)] = d.reshape((-1,) + rest)
    return out


def _stitch_rule(g, out, *xs, n):
    """TF's: each data input gets the cotangent gathered at its indices (overwritten entries too)."""
    lead = g._value.ndim - (1 + xs[n].ndim - xs[0].ndim)  # leading (batch) axes of the cotangent
    return [None] * n + [execute(_array.gather_p, (g, _math.cast(i, _dt.int32) if i.dtype != _dt.int32 else i),
                                 {"axis": lead, "batch_dims": 0}) for i in xs[:n]]


dynamic_stitch_p = Primitive("dynamic_stitch", _stitch_impl, _stitch_rule, linear=True)


def _int32(x):
    """An int32 tensor, as TF's conversion for an int32-only input (ValueError for a tensor of another dtype)."""
    if _is_tensor(x):
        if x.dtype != _dt.int32:
            raise ValueError(f"Tensor conversion requested dtype int32 for Tensor with dtype {x.dtype.name}: {x!r}")
        return tensor(x)
    return convert_to_tensor(x, dtype=_dt.int32)


def _common_dtype(values):
    """Tensors of one dtype for a list input: that of the first Tensor, else the one inferred from all values."""
    first = next((v for v in values if _is_tensor(v)), None)
    if first is None:
        converted = [convert_to_tensor(v) for v in values]
        kinds = [c for c in converted if c.dtype.is_floating or c.dtype.is_complex]
        first = kinds[0] if kinds else converted[0]
    return [tensor(v) if _is_tensor(v) else convert_to_tensor(v, dtype=first.dtype) for v in values]


def dynamic_stitch(indices, data, name=None):
    """Interleaves the ``data`` tensors into one: ``merged[indices[m][i, ...], ...] = data[m][i, ...]``.

    Later entries win where an index repeats; indices never given leave zero rows.
    """
    op = "DynamicStitch"
    if not isinstance(indices, (list, tuple)) or not isinstance(data, (list, tuple)):
        raise TypeError(f"Expected list for 'indices' and 'data' arguments to 'dynamic_stitch' Op, got {indices!r} "
                        f"and {data!r}.")
    if len(indices) != len(data):
        raise ValueError(f"List argument 'data' to 'dynamic_stitch' Op with length {len(data)} must match length "
                         f"{len(indices)} of argument 'indices'.")
    if not indices:
        raise ValueError("List argument 'indices' to 'dynamic_stitch' Op with length 0 shorter than minimum "
                         "length 1.")
    idx = [_int32(i) for i in indices]
    vals = _common_dtype(data)
    same_dtype(op, vals)
    rest = None
    for k, (i, d) in enumerate(zip(idx, vals)):
        ishape, dshape = i._value.shape, d._value.shape
        if dshape[:len(ishape)] != ishape:
            raise _invalid(op, f"data[{k}].shape = {_fmt(dshape)} does not start with indices[{k}].shape = "
                               f"{_fmt(ishape)}")
        if rest is None:
            rest = dshape[len(ishape):]
        elif dshape[len(ishape):] != rest:
            raise _invalid(op, f"Need data[0].shape[{len(idx[0]._value.shape)}:] = {_fmt(rest)} to match "
                               f"data[{k}].shape[{len(ishape)}:] = {_fmt(dshape[len(ishape):])}")

    def check(*ivs):
        for k, iv in enumerate(ivs):
            if iv.size and iv.min() < 0:
                raise _invalid(op, f"indices[{k}] is out of range")

    value_check(check, *idx)
    out = execute(dynamic_stitch_p, builtins.tuple(idx) + builtins.tuple(vals), {"n": len(idx)})
    return guard_shape(out, "The output of dynamic_stitch")  # its length is the largest index + 1


def _partition_impl(data, partitions, num_partitions):
    flat = data.reshape((-1,) + data.shape[partitions.ndim:])
    p = partitions.reshape(-1)
    return builtins.tuple(flat[p == i] for i in range(num_partitions))


def _partition_rule(g, out, data, partitions, num_partitions):
    """TF's: the cotangents put back where their rows came from (a gather by the inverse of the partition order)."""
    order = _indexing.argsort(_array.reshape(partitions, [-1]))  # stable: partition 0's rows first, in order
    inverse = _indexing.argsort(order)
    lead = g[0]._value.ndim - (1 + data.ndim - partitions.ndim)
    merged = _array.concat(list(g), lead) if len(g) > 1 else g[0]
    back = execute(_array.gather_p, (merged, inverse), {"axis": lead, "batch_dims": 0})
    return [_array.reshape(back, back._value.shape[:lead] + builtins.tuple(data.shape)), None]


dynamic_partition_p = Primitive("dynamic_partition", _partition_impl, _partition_rule, linear=True,
                                multiple_results=True)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """Splits ``data`` into ``num_partitions`` tensors: output i holds the slices where ``partitions == i``."""
    op = "DynamicPartition"
    x = tensor(data)
    if _is_tensor(partitions):
        p = tensor(partitions)
        if p.dtype != _dt.int32:
            raise ValueError(f"Tensor conversion requested dtype int32 for Tensor with dtype {p.dtype.name}: {p!r}")
    else:
        p = convert_to_tensor(partitions, dtype=_dt.int32)
    n = _array._int(num_partitions, "dynamic_partition's num_partitions")
    if n < 1:
        raise _invalid(op, f"Value for attr 'num_partitions' of {n} must be at least minimum 1")
    ps, xs = p._value.shape, x._value.shape
    if xs[:len(ps)] != ps:
        raise _invalid(op, f"data.shape must start with partitions.shape, got data.shape = {_fmt(xs)}, "
                           f"partitions.shape = {_fmt(ps)}")

    def check(pv):
        bad = np.argwhere((pv < 0) | (pv >= n))
        if bad.size:
            pos = builtins.tuple(bad[0])
            raise _invalid(op, f"partitions[{','.join(map(str, pos))}] = {pv[pos]} is not in [0, {n})")

    value_check(check, p)
    outs = execute(dynamic_partition_p, (x, p), {"num_partitions": n})
    return [guard_shape(o, f"Output {k} of dynamic_partition") for k, o in enumerate(outs)]


# --- space_to_batch, batch_to_space ------------------------------------------------------------------
def _block_args(op, input, block_shape, pads, what):  # noqa: A002
    """(input tensor, block sizes, pad/crop pairs) checked as TF's SpaceToBatchND/BatchToSpaceND kernels do."""
    x = tensor(input)
    b = _static_ints(block_shape, op, "block_shape")
    p = _static_ints(pads, op, what)
    if b.ndim != 1:
        raise _invalid(op, f"block_shape rank should be 1 instead of {b.ndim}")
    m = b.shape[0]
    if p.shape != (m, 2):
        raise _invalid(op, f"{what} should have shape [{m}, 2] instead of {_fmt(p.shape)}")
    if x._value.ndim < 1 + m:
        raise _invalid(op, f"input rank should be >= {1 + m} instead of {x._value.ndim}")
    for i, v in enumerate(b):
        if v < 1:
            raise _invalid(op, f"All values in block_shape must be positive, got value, {v} at index {i}.")
    if (p < 0).any():
        raise _invalid(op, f"{what.capitalize()} must be non-negative")
    return x, [int(v) for v in b], [(int(lo), int(hi)) for lo, hi in p]


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002 - TF's argument name
    """Pads the spatial dims ``1..M`` of ``input`` and moves ``block_shape`` blocks of them into the batch dim.

    ``[B, S1, ..., SM, rest]`` becomes ``[B * prod(block_shape), (S1 + pads) / b1, ..., rest]``.
    """
    op = "SpaceToBatchND"
    x, blocks, pads = _block_args(op, input, block_shape, paddings, "paddings")
    m = len(blocks)
    shape = x._value.shape
    batch, rest = shape[0], shape[1 + m:]
    padded = [s + lo + hi for s, (lo, hi) in zip(shape[1:1 + m], pads)]
    for i, (p, b) in enumerate(zip(padded, blocks)):
        if p % b:
            raise _invalid(op, f"padded_shape[{i}]={p} is not divisible by block_shape[{i}]={b}")
    if any(lo or hi for lo, hi in pads):
        x = _array.pad(x, [[0, 0]] + [list(p) for p in pads] + [[0, 0]] * len(rest))
    split = [d for p, b in zip(padded, blocks) for d in (p // b, b)]
    x = _array.reshape(x, [batch] + split + list(rest))
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
           [1 + 2 * m + i for i in range(len(rest))]
    x = _array.transpose(x, perm)
    return _array.reshape(x, [batch * int(np.prod(blocks))] + [p // b for p, b in zip(padded, blocks)] + list(rest))


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse of ``space_to_batch_nd``: moves blocks of the batch dim back into the spatial dims, then crops."""
    op = "BatchToSpaceND"
    x, blocks, crop = _block_args(op, input, block_shape, crops, "crops")
    m = len(blocks)
    shape = x._value.shape
    prod = int(np.prod(blocks))
    if shape[0] % prod:
        raise _invalid(op, f"Input batch dimension ({shape[0]}) is not divisible by product of block sizes ({prod})")
    batch, spatial, rest = shape[0] // prod, shape[1:1 + m], shape[1 + m:]
    full = [s * b for s, b in zip(spatial, blocks)]
    for i, (f, (lo, hi)) in enumerate(zip(full, crop)):
        if f - lo - hi < 0:
            raise _invalid(op, f"cropped_shape[{i}]={f - lo - hi} must be non-negative")
    x = _array.reshape(x, blocks + [batch] + list(spatial) + list(rest))
    perm = [m] + [d for i in range(m) for d in (m + 1 + i, i)] + [2 * m + 1 + i for i in range(len(rest))]
    x = _array.reshape(_array.transpose(x, perm), [batch] + full + list(rest))
    if any(lo or hi for lo, hi in crop):
        begin = [0] + [lo for lo, _ in crop] + [0] * len(rest)
        size = [batch] + [f - lo - hi for f, (lo, hi) in zip(full, crop)] + list(rest)
        x = x[builtins.tuple(slice(b, b + s) for b, s in zip(begin, size))]
    return x


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    """``tf.space_to_batch`` (TF 2): ``space_to_batch_nd``."""
    return space_to_batch_nd(input, block_shape, paddings, name)


def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002
    """``tf.batch_to_space`` (TF 2): ``batch_to_space_nd``; an int ``block_shape`` means the same size for 2 dims."""
    if isinstance(block_shape, int):
        block_shape = [block_shape, block_shape]
    return batch_to_space_nd(input, block_shape, crops, name)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """``(paddings, crops)``, int32 ``[M, 2]``, making ``input_shape`` (plus base_paddings) divisible by block_shape."""
    shape = _static_ints(input_shape, "required_space_to_batch_paddings", "input_shape")
    block = _static_ints(block_shape, "required_space_to_batch_paddings", "block_shape")
    m = block.shape[0]
    base = np.zeros((m, 2), np.int64) if base_paddings is None else _static_ints(
        base_paddings, "required_space_to_batch_paddings", "base_paddings").reshape(m, 2)
    start, end = base[:, 0], base[:, 1]
    full = shape + start + end
    pad_end = end + (block - full % block) % block
    crop_end = pad_end - end
    paddings = np.stack([start, pad_end], 1).astype(np.int32)
    crops = np.stack([np.zeros(m, np.int64), crop_end], 1).astype(np.int32)
    return Tensor(paddings), Tensor(crops)


# --- approximate top-k (exact on the CPU, as TF's CPU kernel) ------------------------------------------
def _approx_k(op_values, k, reduction_dimension, is_max_k):
    op = "ApproxTopK"
    x = tensor(op_values)
    if x.dtype.name not in ("float16", "bfloat16", "float32"):
        raise _invalid(op, f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: half, "
                           "bfloat16, float")
    r = x._value.ndim
    d = int(reduction_dimension)
    if not -r <= d < r:
        raise _invalid(op, f"Invalid reduction_dimension {d} for an input of rank {r}")
    d %= r
    n = x._value.shape[d]
    k = int(k)
    if k > n:
        raise _invalid(op, f"input must have at least k columns. Had {n}, needed {k}")
    perm = None
    if d != r - 1:
        perm = list(range(r))
        perm[d], perm[-1] = r - 1, d
        x = _array.transpose(x, perm)
    values, indices = _indexing._top_k(x, k, ascending=not is_max_k)
    if perm is not None:
        values, indices = _array.transpose(values, perm), _array.transpose(indices, perm)
    return ApproxTopK(values, indices)


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The ``k`` largest values along ``reduction_dimension`` and their int32 indices (exactly, as TF's CPU kernel)."""
    return _approx_k(operand, k, reduction_dimension, True)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The ``k`` smallest values along ``reduction_dimension`` and their int32 indices (exact; TF has no CPU
    kernel for it)."""
    return _approx_k(operand, k, reduction_dimension, False)


def approx_top_k(input, k, reduction_dimension=-1, recall_target=0.95, is_max_k=True,  # noqa: A002
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """``tf.approx_top_k``: ``approx_max_k`` (``is_max_k=True``) or ``approx_min_k``."""
    return _approx_k(input, k, reduction_dimension, is_max_k)


def parallel_stack(values, name="parallel_stack"):
    """``stack(values)`` inside a traced ``function``; eagerly a RuntimeError, as in TF."""
    from .._core.context import state
    if state.graph is None:
        raise RuntimeError("tf.parallel_stack() is not compatible with eager execution.")
    return _array.stack(values)


# --- tuple, guarantee_const --------------------------------------------------------------------
def tuple(tensors, control_inputs=None, name=None):  # noqa: A001 - TF's public name
    """The tensors (None entries kept), after ``control_inputs`` (eager: already computed)."""
    if _is_tensor(tensors):
        return _array.identity(tensors)
    return [None if t is None else _array.identity(t) for t in tensors]


guarantee_const_p = Primitive("guarantee_const", lambda x: x, None)  # TF registers no gradient: LookupError


def guarantee_const(input, name=None):  # noqa: A002 - TF's argument name
    """The identity, promising the runtime that ``input`` is constant (TF registers no gradient: LookupError)."""
    return execute(guarantee_const_p, (tensor(input),), {})


__all__ = ["approx_top_k", "batch_to_space", "dynamic_partition", "dynamic_stitch", "guarantee_const",
           "histogram_fixed_width", "histogram_fixed_width_bins", "parallel_stack", "required_space_to_batch_paddings",
           "space_to_batch", "space_to_batch_nd", "tuple", "unravel_index"]
