"""Scatters, segment reductions, sort/argsort and top_k, with TF 2's semantics, errors and gradients.

* ``scatter_nd`` is the scatter-add primitive of ``gather_nd``'s gradient (duplicates are summed);
  ``tensor_scatter_nd_update/add/sub/max/min`` copy ``tensor`` and write, add, subtract or take the
  max/min of ``updates`` at ``indices`` (the last dimension of ``indices`` indexes into ``tensor``).
* ``segment_*`` (sorted ids, as ``tf.math.segment_*``) and ``unsorted_segment_*`` (ids in any order,
  negative ids dropped) reduce the rows of ``data`` that share a segment id; the sums are the
  scatter-add primitive of ``gather``'s gradient, max/min/prod have primitives of their own.
* ``top_k`` (``tf.math.top_k``) returns the k largest entries of the last axis and their int32
  indices, lower index first among ties; ``sort``/``argsort`` are top_k over the whole axis, as in TF.

The gradient rules are TF's (array_grad.py, math_grad.py, nn_grad.py): top_k, sort and the
max/min reductions send the cotangent back to the selected entries (split evenly among tied
maxima); ``tensor_scatter_nd_update`` gives zero to the overwritten entries of ``tensor`` and the
gathered cotangent to every update (also to an update that a duplicate index overwrote, as TF).
"""
import collections

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.forwardprop import linear_jvp
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from .._core.tensor import convert_to_tensor
from ..graph.tracer import is_symbolic, value_check
from . import math as _math
from ._util import NO_PARAMS, Tensor, execute
from ._util import tensor as as_tensor
from .array import (_fmt, _gather_nd_key, _index_tensor, _invalid, _is_tensor, _matching, _slice, _static,
                    gather_grad_p, gather_nd_grad_p, gather_nd_p, gather_p, reshape, transpose)


# --- helpers ------------------------------------------------------------------------------------
def _check_kinds(op, x, kinds):
    """TF's error for a dtype that ``op`` has no kernel for (``kinds``: allowed dtype kinds)."""
    dt = _dt.from_numpy(x._value.dtype)
    if dt._kind not in kinds:
        allowed = ", ".join(d.name for d in _dt._NP.values() if d._kind in kinds)
        raise _invalid(op, f"Value for attr 'T' of {dt.name} is not in the list of allowed values: {allowed}")


def _scalar_int(op, value, what):
    """A Python int from an int or a scalar integer tensor; TF's error for a non-scalar tensor."""
    v = _static(value, f"{op}'s {what}")
    if v.ndim != 0:
        raise _invalid(op, f"{what} should be a scalar, not shape {_fmt(v.shape)}")
    if v.dtype.kind not in "iu":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int32")
    return int(v)


def _gather0(params, ids):
    """``gather(params, ids)`` along axis 0, without the checks (rules and validated ids)."""
    return execute(gather_p, (params, ids), {"axis": 0, "batch_dims": 0})


def _scatter0(values, ids, shape):
    """The rows of ``values`` added into zeros of ``shape`` at ``ids`` (gather's adjoint)."""
    return execute(gather_grad_p, (values, ids), {"shape": tuple(shape), "axis": 0, "batch_dims": 0})


def _gather_nd(params, idx):
    return execute(gather_nd_p, (params, idx), {"batch_dims": 0})


def _scatter_nd(values, idx, shape):
    return execute(gather_nd_grad_p, (values, idx), {"shape": tuple(shape), "batch_dims": 0})


def _shape_of(x):
    return x._value.shape if type(x) is Tensor else x.shape


# --- scatter_nd ---------------------------------------------------------------------------------
def _check_nd_indices(op, idx, shape):
    """TF's error for the first index row that does not index into ``shape``."""
    m = idx.shape[-1]
    bad = np.argwhere(((idx < 0) | (idx >= np.array(shape[:m], dtype=np.int64))).any(axis=-1))
    if bad.size:
        pos = tuple(bad[0])
        raise _invalid(op, f"indices[{','.join(map(str, pos))}] = [{', '.join(map(str, idx[pos]))}] does not "
                           f"index into shape {_fmt(shape)}")


def _check_ranks(op, idx, upd):
    if idx.ndim < 1:
        raise _invalid(op, f"Indices shape must have rank at least one. Found:{_fmt(idx.shape)}")
    if upd.ndim < 1:
        raise _invalid(op, f"Updates shape must have rank at least one. Found:{_fmt(upd.shape)}")


def _valid_empty(n_out, n_idx, n_upd):
    """TF's ValidEmptyOutputShape: empty indices and updates, or all three non-empty."""
    return (n_idx == 0 and n_upd == 0) or (n_out != 0 and n_idx != 0 and n_upd != 0)


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (duplicates are summed).

    ``indices[..., :]`` are coordinates into the first ``indices.shape[-1]`` dimensions of the
    output; ``updates`` has shape ``indices.shape[:-1] + shape[indices.shape[-1]:]``.
    """
    if _is_tensor(shape) and not _is_tensor(indices):  # TF: indices take the dtype of a shape tensor
        indices = convert_to_tensor(indices, dtype=shape.dtype)
    i = _index_tensor("ScatterNd", indices)
    u = as_tensor(updates)
    if _is_tensor(shape):
        s = as_tensor(shape)
        if s.dtype != i.dtype:
            raise _dt.mismatch_error("ScatterNd", 2, i.dtype, s.dtype, ("indices", "shape"))
        sv = _static(s, "scatter_nd's shape")
    else:
        sv = _static(shape.as_list() if isinstance(shape, TensorShape) else shape, "scatter_nd's shape")
        if sv.size and sv.dtype.kind not in "iu":
            raise TypeError(f"Cannot convert {shape!r} to EagerTensor of dtype {i.dtype.name}")
    if sv.ndim != 1:
        raise _invalid("ScatterNd", "Shape must be a vector")
    idx, upd = i._value, u._value
    _check_ranks("ScatterNd", idx, upd)
    out_shape = tuple(int(d) for d in sv)
    for d in out_shape:
        if d < 0:
            raise _invalid("ScatterNd", f"Dimension {d} must be >= 0")
    if not _valid_empty(len(out_shape), idx.size, upd.size):
        raise _invalid("ScatterNd", "Indices and updates specified for empty output shape")
    _check_update_shape(idx.shape, upd.shape, out_shape)
    if int(np.prod(out_shape)) == 0 and idx.size:
        raise _invalid("ScatterNd", f"Indices and updates specified for empty output.  indices shape: "
                                    f"{_fmt(idx.shape)}")
    value_check(lambda v: _check_nd_indices("ScatterNd", v, out_shape), i)
    return _scatter_nd(u, i, out_shape)


def _check_update_shape(ishape, ushape, pshape):
    """TF's ValidateUpdateShape for scatter_nd."""
    slice_dim, batch_dim = ishape[-1], len(ishape) - 1

    def prefix():
        return _invalid("ScatterNd", f"Dimensions [0,{batch_dim}) of indices[shape={_fmt(ishape)}] must match "
                                     f"dimensions [0,{batch_dim}) of updates[shape={_fmt(ushape)}]")

    def suffix():
        return _invalid("ScatterNd", f"Dimensions [{slice_dim},{len(pshape)}) of input[shape={_fmt(pshape)}] must "
                                     f"match dimensions [{batch_dim},{len(ushape)}) of updates[shape={_fmt(ushape)}]")

    if len(ushape) < batch_dim or ushape[:batch_dim] != ishape[:batch_dim]:
        raise prefix()
    if len(ushape) - batch_dim != len(pshape) - slice_dim or ushape[batch_dim:] != pshape[slice_dim:]:
        raise suffix()


# --- tensor_scatter_nd_* --------------------------------------------------------------------------
def _nd_key(idx):
    return _gather_nd_key(idx, 0)  # index for ``out[None][key]``


def _update_impl(x, idx, upd):
    out = x.copy()
    out[None][_nd_key(idx)] = upd  # duplicates: the last update wins, as TF's CPU kernel
    return out


def _ufunc_at_impl(ufunc):
    def impl(x, idx, upd):
        out = x.copy()
        ufunc.at(out[None], _nd_key(idx), upd)
        return out
    return impl


def _update_rule_tensor(g, out, x, idx, upd):
    # g with zeros written where the updates were
    return execute(tensor_scatter_nd_update_p, (g, idx, Tensor(np.zeros(_shape_of(upd), g._value.dtype))),
                   NO_PARAMS)


tensor_scatter_nd_update_p = Primitive("tensor_scatter_nd_update", _update_impl, (
    _update_rule_tensor,
    None,
    lambda g, out, x, idx, upd: _gather_nd(g, idx),          # every update gets the cotangent at its index
))
tensor_scatter_nd_update_p.jvp = linear_jvp(tensor_scatter_nd_update_p)  # the tangents scattered alike
tensor_scatter_nd_add_p = Primitive("tensor_scatter_nd_add", _ufunc_at_impl(np.add), (
    lambda g, out, x, idx, upd: g,
    None,
    lambda g, out, x, idx, upd: _gather_nd(g, idx),
), linear=True, kinds="fciu")
tensor_scatter_nd_sub_p = Primitive("tensor_scatter_nd_sub", _ufunc_at_impl(np.subtract), (
    lambda g, out, x, idx, upd: g,
    None,
    lambda g, out, x, idx, upd: _math.negative(_gather_nd(g, idx)),
), linear=True, kinds="fciu")


def _scatter_extreme_hits(out, x, idx, upd):
    """Where x, and each update, equals the result; and how many entries tie there (>= 1 everywhere)."""
    x_hit = _math.cast(_math.equal(x, out), out.dtype)
    upd_hit = _math.cast(_math.equal(upd, _gather_nd(out, idx)), out.dtype)
    return x_hit, upd_hit, _math.add(x_hit, _scatter_nd(upd_hit, idx, _shape_of(x)))


def _scatter_extreme_rule(g, out, x, idx, upd):
    """TF's rule: the cotangent split evenly among the entries (of x and updates) equal to the result."""
    x_hit, upd_hit, hits = _scatter_extreme_hits(out, x, idx, upd)
    share = _math.realdiv(g, hits)
    return [_math.multiply(share, x_hit), None, _math.multiply(_gather_nd(share, idx), upd_hit)]


def _scatter_extreme_jvp(tangents, out, x, idx, upd):
    """The mean tangent of the entries equal to the result (the transpose of the rule above)."""
    x_hit, upd_hit, hits = _scatter_extreme_hits(out, x, idx, upd)
    tx, _, tu = tangents
    total = _math.multiply(tx, x_hit) if tx is not None else None
    if tu is not None:
        scattered = _scatter_nd(_math.multiply(tu, upd_hit), idx, _shape_of(x))
        total = scattered if total is None else _math.add(total, scattered)
    return _math.realdiv(total, hits)


tensor_scatter_nd_max_p = Primitive("tensor_scatter_nd_max", _ufunc_at_impl(np.maximum), _scatter_extreme_rule,
                                    jvp=_scatter_extreme_jvp, kinds="fiu", save_output=True)
tensor_scatter_nd_min_p = Primitive("tensor_scatter_nd_min", _ufunc_at_impl(np.minimum), _scatter_extreme_rule,
                                    jvp=_scatter_extreme_jvp, kinds="fiu", save_output=True)

_TENSOR_SCATTER = {"TensorScatterUpdate": tensor_scatter_nd_update_p, "TensorScatterAdd": tensor_scatter_nd_add_p,
                   "TensorScatterSub": tensor_scatter_nd_sub_p, "TensorScatterMax": tensor_scatter_nd_max_p,
                   "TensorScatterMin": tensor_scatter_nd_min_p}


def _tensor_scatter(op, tensor, indices, updates):
    prim = _TENSOR_SCATTER[op]
    if _is_tensor(tensor) and _is_tensor(updates) and tensor.dtype != updates.dtype:  # updates are input #2
        raise _dt.mismatch_error(op, 2, tensor.dtype, updates.dtype, ("tensor", "updates"))
    x, u = _matching(op, [tensor, updates])
    i = _index_tensor(op, indices)
    if prim.kinds is not None and _dt.from_numpy(x._value.dtype)._kind not in prim.kinds:
        raise errors.NotFoundError(None, op, f"Could not find a {op} kernel for dtype {x.dtype.name} [Op:{op}]")
    idx, upd, shape = i._value, u._value, x._value.shape
    _check_ranks(op, idx, upd)
    if not _valid_empty(x._value.size, idx.size, upd.size):
        raise _invalid(op, "Indices and updates specified for empty output shape")
    outer = idx.ndim - 1
    if upd.ndim < outer or upd.shape[:outer] != idx.shape[:outer]:
        raise _invalid(op, f"Outer dimensions of indices and update must match. Indices shape: {_fmt(idx.shape)}, "
                           f"updates shape:{_fmt(upd.shape)}")
    ix = idx.shape[-1]
    if upd.ndim - outer != len(shape) - ix:
        raise _invalid(op, f"Inner dimensions of output shape must match inner dimensions of updates shape. "
                           f"Output: {_fmt(shape)} updates: {_fmt(upd.shape)}")
    if upd.shape[outer:] != shape[ix:]:
        raise _invalid(op, f"The inner {len(shape) - ix} dimensions of output.shape={_fmt(shape)} must match the "
                           f"inner {upd.ndim - outer} dimensions of updates.shape={_fmt(upd.shape)}")
    value_check(lambda v, t: _check_nd_indices(op, v, t.shape), i, x)  # the run-time shape (it may vary)
    return execute(prim, (x, i, u), NO_PARAMS)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` written at ``indices`` (for duplicates the last one wins)."""
    return _tensor_scatter("TensorScatterUpdate", tensor, indices, updates)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (duplicates are summed)."""
    return _tensor_scatter("TensorScatterAdd", tensor, indices, updates)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices`` (duplicates are summed)."""
    return _tensor_scatter("TensorScatterSub", tensor, indices, updates)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """A copy of ``tensor`` holding the maximum of each entry and the ``updates`` at its index."""
    return _tensor_scatter("TensorScatterMax", tensor, indices, updates)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """A copy of ``tensor`` holding the minimum of each entry and the ``updates`` at its index."""
    return _tensor_scatter("TensorScatterMin", tensor, indices, updates)


# --- segment reductions ---------------------------------------------------------------------------
def _segment_reduce_impl(ufunc, fill, sorted_empty_is_zero=True):
    """Reduces the rows of ``data`` into ``num_segments`` rows at ``ids`` (all in range).

    An empty segment holds ``fill(dtype)`` (the reduction's identity), but 0 for the sorted ops
    (``sorted`` set) of max and min, as in TF.
    """
    def impl(data, ids, num_segments, sorted):  # noqa: A002
        dt = _dt.from_numpy(data.dtype)
        out = np.full((num_segments,) + data.shape[ids.ndim:], fill(dt), data.dtype)
        ufunc.at(out, ids, data)
        if sorted and sorted_empty_is_zero:
            out[np.bincount(ids.reshape(-1), minlength=num_segments) == 0] = 0
        return out
    return impl


def _segment_extreme_hits(out, data, ids):
    """Where data equals its segment's extremum, and how many entries tie there (at least 1)."""
    hit = _math.equal(data, _gather0(out, ids))
    count = _scatter0(_math.cast(hit, out.dtype), ids, _shape_of(out))
    return hit, _math.maximum(count, _math._scalar(1, count))  # an empty segment's 0 is never gathered


def _segment_extreme_rule(g, out, data, ids, num_segments, sorted):  # noqa: A002
    """TF's _SegmentMinOrMaxGrad: the cotangent split evenly among the entries equal to the extremum."""
    hit, count = _segment_extreme_hits(out, data, ids)
    share = _gather0(_math.realdiv(g, count), ids)
    return [_math.where(hit, share, _math.zeros_like(share)), None]


def _segment_extreme_jvp(tangents, out, data, ids, num_segments, sorted):  # noqa: A002
    """The mean tangent of the entries equal to the extremum (the transpose of the rule above)."""
    hit, count = _segment_extreme_hits(out, data, ids)
    t = tangents[0]
    return _math.realdiv(_scatter0(_math.where(hit, t, _math.zeros_like(t)), ids, _shape_of(out)), count)


def _segment_prod_partials(out, data, ids, num_segments, sorted):  # noqa: A002
    """TF's _SegmentProdGrad: d out / d x is out / x, the product of the others at a single zero, and
    0 in a segment with two zeros (returned as a mask of those segments)."""
    zero = _math.equal(data, _math._scalar(0, data))
    zeros = _scatter0(_math.cast(zero, _dt.int32), ids, _shape_of(out))
    nonzero = _math.where(zero, _math.ones_like(data), data)
    nonzero_prod = execute(segment_prod_p, (nonzero, ids), {"num_segments": num_segments, "sorted": sorted})
    partial = _math.where(zero, _gather0(nonzero_prod, ids), _math.realdiv(_gather0(out, ids), nonzero))
    return partial, _math.greater(zeros, _math._scalar(1, zeros))


def _segment_prod_rule(g, out, data, ids, num_segments, sorted):  # noqa: A002
    partial, two_zeros = _segment_prod_partials(out, data, ids, num_segments, sorted)
    g = _math.where(two_zeros, _math.zeros_like(g), g)
    return [_math.multiply(_gather0(g, ids), partial), None]


def _segment_prod_jvp(tangents, out, data, ids, num_segments, sorted):  # noqa: A002
    partial, two_zeros = _segment_prod_partials(out, data, ids, num_segments, sorted)
    dout = _scatter0(_math.multiply(tangents[0], partial), ids, _shape_of(out))
    return _math.where(two_zeros, _math.zeros_like(dout), dout)


segment_max_p = Primitive("segment_max", _segment_reduce_impl(np.maximum, lambda dt: dt.min),
                          _segment_extreme_rule, jvp=_segment_extreme_jvp, kinds="fiu", save_output=True)
segment_min_p = Primitive("segment_min", _segment_reduce_impl(np.minimum, lambda dt: dt.max),
                          _segment_extreme_rule, jvp=_segment_extreme_jvp, kinds="fiu", save_output=True)
segment_prod_p = Primitive("segment_prod", _segment_reduce_impl(np.multiply, lambda dt: 1, False),
                           _segment_prod_rule, jvp=_segment_prod_jvp, kinds="fciu", save_output=True)


def _sorted_segments(op, data, segment_ids, kinds="fciu"):
    """(data, ids, number of segments) for a sorted segment op, checked as TF's kernels do."""
    x = as_tensor(data)
    i = _index_tensor(op, segment_ids, ("int32", "int64"))
    _check_kinds(op, x, kinds)
    if x._value.ndim < 1:
        raise _invalid(op, "input must be at least rank 1")
    ids = _static(i, f"{op}'s segment_ids")  # the number of segments is the last id + 1
    if ids.ndim != 1:
        raise _invalid(op, "segment_ids should be a vector.")
    if ids.shape[0] != x._value.shape[0]:
        raise _invalid(op, "segment_ids should be the same size as dimension 0 of input.")
    n = int(ids[-1]) + 1 if ids.size else 0
    if n < 0:
        raise _invalid(op, "segment ids must be >= 0")
    if ids.size:
        starts = ids[np.r_[0, np.flatnonzero(np.diff(ids)) + 1]]  # one id per run of equal ids
        decreasing = np.r_[starts[:-1] > starts[1:], False]
        out_of_range = (starts < 0) | (starts >= n)
        bad = np.flatnonzero(decreasing | out_of_range)
        if bad.size:  # TF checks the run's successor, then the run's id, run by run
            k = bad[0]
            if decreasing[k]:
                raise _invalid(op, "segment ids are not increasing")
            raise _invalid(op, f"Segment id {starts[k]} out of range [0, {n}), possibly because 'segment_ids' "
                               "input is not sorted.")
    return x, i, n


def _unsorted_segments(op, data, segment_ids, num_segments, kinds="fciu"):
    """(data, ids, segments to compute, segments to keep) for an unsorted segment op, checked as TF's
    kernels do. Negative ids (rows TF drops) go to an extra last segment that ``_keep`` cuts off, so
    their gradient is 0, as TF's ``_GatherDropNegatives``; ``keep`` is None without negative ids."""
    x = as_tensor(data)
    i = _index_tensor(op, segment_ids, ("int32", "int64"))
    _check_kinds(op, x, kinds)
    n = _scalar_int(op, num_segments, "num_segments")
    ids, shape = i._value, x._value.shape
    if shape[:ids.ndim] != ids.shape:
        raise _invalid(op, f"data.shape = {_fmt(shape)} does not start with segment_ids.shape = {_fmt(ids.shape)}")
    if n < 0:
        raise _invalid(op, f"Input num_segments == {n} must not be negative.")

    def check(ids):
        bad = np.argwhere(ids >= n)
        if bad.size:
            pos = tuple(bad[0])
            raise _invalid(op, f"segment_ids{_fmt(pos)} = {ids[pos]} is out of range [0, {n})")

    value_check(check, i)
    if is_symbolic(i) or (ids < 0).any():
        return x, _math.where(_math.less(i, _math._scalar(0, i)), _math._scalar(n, i), i), n + 1, n
    return x, i, n, None


def _keep(out, keep):
    """The first ``keep`` segments of ``out`` (all of them when ``keep`` is None)."""
    return out if keep is None else _slice(out, (slice(0, keep),))


def _counts(i, n, rest_ndim, dtype):
    """How many rows each segment has (at least 1), shaped to broadcast against the segment rows."""
    c = _scatter0(Tensor(np.ones(i._value.shape, np.int64)), i, (n,))
    return reshape(_math.cast(_math.maximum(c, _math._scalar(1, c)), dtype), (n,) + (1,) * rest_ndim)


def _sum(x, i, n):
    return _scatter0(x, i, (n,) + x._value.shape[i._value.ndim:])


def segment_sum(data, segment_ids, name=None):
    """Sums of the rows of ``data`` that share a (sorted) segment id; empty segments are 0."""
    x, i, n = _sorted_segments("SegmentSum", data, segment_ids)
    return _sum(x, i, n)


def segment_mean(data, segment_ids, name=None):
    """Means of the rows of ``data`` that share a (sorted) segment id; integer means truncate; empty is 0."""
    x, i, n = _sorted_segments("SegmentMean", data, segment_ids)
    s = _sum(x, i, n)
    counts = _counts(i, n, x._value.ndim - 1, x._value.dtype)
    if x.dtype.is_integer:  # integer division toward zero, as TF's kernel
        q = _math.floordiv(_math.abs(s), counts)
        return _math.where(_math.less(s, _math._scalar(0, s)), _math.negative(q), q)
    return _math.realdiv(s, counts)


def segment_max(data, segment_ids, name=None):
    """Maxima of the rows of ``data`` that share a (sorted) segment id; empty segments are 0."""
    x, i, n = _sorted_segments("SegmentMax", data, segment_ids, kinds="fiu")
    return execute(segment_max_p, (x, i), {"num_segments": n, "sorted": True})


def segment_min(data, segment_ids, name=None):
    """Minima of the rows of ``data`` that share a (sorted) segment id; empty segments are 0."""
    x, i, n = _sorted_segments("SegmentMin", data, segment_ids, kinds="fiu")
    return execute(segment_min_p, (x, i), {"num_segments": n, "sorted": True})


def segment_prod(data, segment_ids, name=None):
    """Products of the rows of ``data`` that share a (sorted) segment id; empty segments are 1."""
    x, i, n = _sorted_segments("SegmentProd", data, segment_ids)
    return execute(segment_prod_p, (x, i), {"num_segments": n, "sorted": True})


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums of the entries of ``data`` per segment id (``data.shape`` starts with ``segment_ids.shape``;
    entries with a negative id are dropped)."""
    x, i, n, keep = _unsorted_segments("UnsortedSegmentSum", data, segment_ids, num_segments)
    return _keep(_sum(x, i, n), keep)


def _sum_over_n(data, segment_ids, num_segments, sqrt):
    """TF's ``sum / N`` (mean) or ``sum / sqrt(N)`` with N the row counts (at least 1) in data's dtype."""
    x, i, n, keep = _unsorted_segments("UnsortedSegmentSum", data, segment_ids, num_segments)
    if x.dtype.is_complex:  # TF's N = maximum(count, 1) has no complex kernel
        raise _invalid("Maximum", f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
                                  "bfloat16, half, float, double, int8, uint8, int16, uint16, int32, uint32, int64, "
                                  "uint64")
    counts = _counts(i, n, x._value.ndim - i._value.ndim, x._value.dtype)
    s = _sum(x, i, n)
    return _keep(_math.realdiv(s, _math.sqrt(counts)) if sqrt else _math.truediv(s, counts), keep)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Means per segment id (empty segments are 0); integers give floats, as TF's ``sum / N``."""
    return _sum_over_n(data, segment_ids, num_segments, sqrt=False)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Sums per segment id divided by the square root of the segment's size (floating data)."""
    return _sum_over_n(data, segment_ids, num_segments, sqrt=True)


def _unsorted_reduce(prim, op, data, segment_ids, num_segments, kinds):
    x, i, n, keep = _unsorted_segments(op, data, segment_ids, num_segments, kinds)
    return _keep(execute(prim, (x, i), {"num_segments": n, "sorted": False}), keep)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Maxima per segment id; an empty segment holds the lowest value of the dtype, as TF."""
    return _unsorted_reduce(segment_max_p, "UnsortedSegmentMax", data, segment_ids, num_segments, "fiu")


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Minima per segment id; an empty segment holds the highest value of the dtype, as TF."""
    return _unsorted_reduce(segment_min_p, "UnsortedSegmentMin", data, segment_ids, num_segments, "fiu")


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """Products per segment id; empty segments are 1."""
    return _unsorted_reduce(segment_prod_p, "UnsortedSegmentProd", data, segment_ids, num_segments, "fciu")


# --- top_k, sort, argsort -----------------------------------------------------------------------
TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k_impl(x, k, ascending, index_dtype):
    if ascending:
        order = np.argsort(x, axis=-1, kind="stable")
    else:  # descending, lower index first among ties: a stable sort of the reversed axis, reversed
        n = x.shape[-1]
        order = (n - 1 - np.argsort(x[..., ::-1], axis=-1, kind="stable"))[..., ::-1]
    idx = order[..., :k]
    return np.take_along_axis(x, idx, axis=-1), idx.astype(index_dtype)


def _top_k_rule(g, out, x, k, ascending, index_dtype):
    # the values' cotangent scattered to the selected positions (TF's _TopKGrad)
    last = len(x.shape) - 1
    return [execute(gather_grad_p, (g[0], out[1]), {"shape": x.shape, "axis": last, "batch_dims": last})]


def _top_k_jvp(tangents, out, x, k, ascending, index_dtype):
    # the tangent gathered at the selected positions; the indices have none
    last = len(x.shape) - 1
    return execute(gather_p, (tangents[0], out[1]), {"axis": last, "batch_dims": last}), None


top_k_p = Primitive("top_k", _top_k_impl, _top_k_rule, jvp=_top_k_jvp, kinds="fiu", multiple_results=True,
                    save_output=True, save_inputs=False)


def _top_k(x, k, ascending=False, index_dtype=np.int32):
    return execute(top_k_p, (x,), {"k": k, "ascending": ascending, "index_dtype": index_dtype})


def top_k(input, k=1, sorted=True, index_type=_dt.int32, name=None):  # noqa: A002 - TF's argument names
    """The ``k`` largest entries of the last axis, largest first, and their indices (``TopKV2``).

    Among equal values the lower index comes first. ``sorted=False`` allows any order in TF; tapegrad
    returns them sorted. The gradient goes to the selected entries.
    """
    x = as_tensor(input)
    kv = _static(k, "top_k's k")
    if kv.ndim != 0:
        raise _invalid("TopKV2", f"k must be scalar, got shape {_fmt(kv.shape)}")
    if kv.dtype.kind not in "iu":
        raise TypeError(f"Cannot convert {k!r} to EagerTensor of dtype int32")
    k = int(kv)
    if k < 0:
        raise _invalid("TopKV2", f"Need k >= 0, got {k}")
    shape = x._value.shape
    if not shape:
        raise _invalid("TopKV2", f"input must be >= 1-D, got shape {_fmt(shape)}")
    if shape[-1] < k:
        raise _invalid("TopKV2", f"input must have at least k columns. Had {shape[-1]}, needed {k}")
    index_type = _dt.as_dtype(index_type)
    if index_type.name not in ("int16", "int32", "int64"):
        raise _invalid("TopKV2", f"Value for attr 'index_type' of {index_type.name} is not in the list of allowed "
                                 "values: int16, int32, int64")
    return TopKV2(*_top_k(x, k, index_dtype=index_type._np))


def _sort(values, axis, direction, return_indices):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError("Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
                         f"direction={direction}")
    a = _static(axis, "sort's axis")
    if a.ndim != 0:
        raise ValueError(f"Argument `axis` must be a constant scalar. Received: axis={axis}.")
    axis = int(a)
    x = as_tensor(values)
    r = x._value.ndim
    if not -r <= axis < r:
        raise _invalid("StridedSlice", f"slice index {axis + r if axis < 0 else axis} of dimension 0 out of bounds.")
    axis %= r
    perm = None
    if axis != r - 1:  # swap the axis with the last one (its own inverse)
        perm = list(range(r))
        perm[axis], perm[-1] = r - 1, axis
        x = transpose(x, perm)
    vals, idx = _top_k(x, x._value.shape[-1], ascending=direction == "ASCENDING")
    out = idx if return_indices else vals
    return transpose(out, perm) if perm is not None else out


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """``values`` sorted along ``axis`` ('ASCENDING' or 'DESCENDING'); the gradient follows the entries."""
    return _sort(values, axis, direction, False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort ``values`` along ``axis``; always stable (equal values keep their order)."""
    return _sort(values, axis, direction, True)


__all__ = ["scatter_nd", "tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
           "tensor_scatter_nd_max", "tensor_scatter_nd_min", "sort", "argsort"]
# The segment ops and top_k are exported by tapegrad.math (as tf.math), not at the top level.
