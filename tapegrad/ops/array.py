"""Creation, shape and indexing ops: zeros/fill/eye/range, reshape, transpose, concat/stack/split,
pad, tile, gather, one_hot, boolean_mask and ``tensor[key]`` (getitem)."""
import builtins

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core import nest
from .._core.forwardprop import linear_jvp
from .._core.indexed_slices import IndexedSlices
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from .._core.tensor import Variable, convert_to_tensor
from ..graph.tracer import guard_shape, is_dynamic_shape, is_symbolic, static_value, value_check
from . import math as _math
from . import reduce as _reduce
from ._util import NO_PARAMS, Tensor, execute, same_dtype
from ._util import tensor as as_tensor


def _invalid(op, message):
    """An InvalidArgumentError for TF op ``op`` (TF's message, then ``[Op:op]``)."""
    return errors.InvalidArgumentError(None, op, f"{message} [Op:{op}]")


def _fmt(shape):
    """TF's shape format in kernel messages: [2,3]."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _static(value, what):
    """The NumPy value of ``value``, a tensor or a (nested) list that may hold tensors (``tf.zeros([n, 3])``):
    tensors are read for Python, and a graph traced with a symbolic one is guarded on its value."""
    if _is_tensor(value):
        return np.asarray(static_value(value, what))
    if isinstance(value, (list, tuple)) and not isinstance(value, TensorShape):
        return np.asarray([_static(v, what) for v in value])
    return np.asarray(value)


def _int(value, what):
    """A Python int from an int, NumPy integer or scalar integer tensor (TypeError otherwise)."""
    v = _static(value, what)
    if v.ndim != 0 or v.dtype.kind not in "iu":
        raise TypeError(f"{what} must be an int or a scalar integer tensor, got {value!r}.")
    return int(v)


def _attr_error(attr, kind):
    """TF's error for an index argument of the wrong type that goes straight to its op: ``attr`` is
    (op, attribute[, allowed dtypes]), e.g. ("Transpose", "Tperm"); ``kind`` the NumPy kind of the value given."""
    op, name, allowed = attr if len(attr) == 3 else attr + ("int32, int64",)
    given = {"f": "float", "c": "complex64", "b": "bool"}.get(kind, "a non-integer type")
    return _invalid(op, f"Value for attr '{name}' of {given} is not in the list of allowed values: {allowed}")


def _int_list(value, what, attr=None):
    """A list of Python ints from an int, a (nested) list or an integer tensor; otherwise TypeError, or
    InvalidArgumentError (``_attr_error``) with ``attr``."""
    v = _static(value, what)
    if v.size and v.dtype.kind not in "iu":
        if attr is not None:
            raise _attr_error(attr, v.dtype.kind)
        raise TypeError(f"{what} must be integers (a list or an integer tensor), got {value!r}.")
    return [int(d) for d in v.reshape(-1)]


def _shape_arg(shape, op, attr=None):
    """A tuple of ints from a list, tuple, TensorShape, int or 1-D integer tensor. Float dimensions raise
    TF's TypeError (its conversion to int32), or with ``attr`` its op's InvalidArgumentError."""
    if isinstance(shape, TensorShape):
        dims = shape.as_list()
    elif _is_tensor(shape):
        dims = _static(shape, f"The shape argument of {op}").reshape(-1).tolist()
    elif isinstance(shape, (int, np.integer)):
        dims = [shape]
    else:
        dims = [d if d is None else _static(d, f"The shape argument of {op}")[()] for d in shape]
    if any(isinstance(d, (float, np.floating)) for d in dims):
        if attr is not None:
            raise _attr_error(attr, "f")
        raise TypeError(f"Cannot convert {shape!r} to EagerTensor of dtype int32")
    try:
        dims = tuple(int(d) for d in dims)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape must be a list of integers, got {shape!r}") from None
    return dims


def _fill_shape(shape, op, attr=None):
    """``_shape_arg`` for the ops TF builds with Fill: every dimension non-negative."""
    dims = _shape_arg(shape, op, attr)
    for d in dims:
        if d < 0:
            raise _invalid("Fill", f"Dimension {d} must be >= 0")
    return dims


# --- creation -------------------------------------------------------------------
def zeros(shape, dtype=_dt.float32, name=None, layout=None):
    """A tensor of zeros with the given shape and dtype (default float32)."""
    return Tensor(np.zeros(_fill_shape(shape, "zeros"), dtype=_dt.as_dtype(dtype)._np))


def ones(shape, dtype=_dt.float32, name=None, layout=None):
    """A tensor of ones with the given shape and dtype (default float32)."""
    return Tensor(np.ones(_fill_shape(shape, "ones"), dtype=_dt.as_dtype(dtype)._np))


def zeros_like(input, dtype=None, name=None, layout=None):  # noqa: A002 - TF's argument name
    """Zeros with the shape (and, by default, dtype) of ``input``."""
    x = as_tensor(input)
    return Tensor(np.zeros(x._value.shape, dtype=x._value.dtype if dtype is None else _dt.as_dtype(dtype)._np))


def ones_like(input, dtype=None, name=None, layout=None):  # noqa: A002
    """Ones with the shape (and, by default, dtype) of ``input``."""
    x = as_tensor(input)
    return Tensor(np.ones(x._value.shape, dtype=x._value.dtype if dtype is None else _dt.as_dtype(dtype)._np))


def fill(dims, value, name=None, layout=None):
    """A tensor of shape ``dims`` filled with the scalar ``value`` (its dtype is value's)."""
    v = as_tensor(value)
    if v._value.ndim != 0:
        raise errors.InvalidArgumentError(None, "fill", f"value must be a scalar, got shape {v.shape} [Op:Fill]")
    return Tensor(np.full(_fill_shape(dims, "fill", ("Fill", "index_type")), v._value, dtype=v._value.dtype))


# --- identity and gradient blocking ------------------------------------------------
identity_p = Primitive("identity", lambda x: x, (lambda g, out, x: g,), linear=True, save_inputs=False)


def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same value (a new tensor for the tape)."""
    return execute(identity_p, (as_tensor(input),), NO_PARAMS)


stop_gradient_p = Primitive("stop_gradient", lambda x: x, None, differentiable=False, linear=True)


def stop_gradient(input, name=None):  # noqa: A002
    """The same value, with gradients blocked (the gradient through it is None)."""
    return execute(stop_gradient_p, (as_tensor(input),), NO_PARAMS)


# --- shape ops --------------------------------------------------------------------
def _reshape_impl(x, shape):
    return np.reshape(x, shape)


reshape_p = Primitive("reshape", _reshape_impl, (lambda g, out, x, shape: reshape(g, x.shape),),
                      linear=True, save_inputs=False)


def reshape(tensor, shape, name=None):
    """Reshapes; one dimension may be -1 and is inferred."""
    x = as_tensor(tensor)
    shape = _shape_arg(shape, "reshape", ("Reshape", "Tshape"))
    if x._value.shape == shape:
        return x
    size = x._value.size
    known = 1
    for d in shape:
        if d != -1:
            known *= d
    if shape.count(-1) > 1 or (-1 not in shape and known != size) or (-1 in shape and (known == 0 or size % known)):
        raise errors.InvalidArgumentError(None, "reshape", (
            f"Input to reshape is a tensor with {size} values, but the requested shape {list(shape)} "
            f"{'has ' + str(known) if -1 not in shape else 'cannot be inferred from'} {known} [Op:Reshape]"))
    return execute(reshape_p, (x,), {"shape": shape})


broadcast_to_p = Primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
                           (lambda g, out, x, shape: g,),  # the tape sums g back to x's shape
                           linear=True, save_inputs=False)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts ``input`` to ``shape`` with NumPy's rules."""
    x = as_tensor(input)
    shape = _shape_arg(shape, "broadcast_to", ("BroadcastTo", "Tidx"))
    try:
        np.broadcast_shapes(x._value.shape, shape)
    except ValueError:
        raise errors.InvalidArgumentError(None, "broadcast_to", (
            f"Unable to broadcast tensor of shape {list(x._value.shape)} to tensor of shape {list(shape)} "
            "[Op:BroadcastTo]")) from None
    if x._value.shape == shape:
        return x
    return execute(broadcast_to_p, (x,), {"shape": shape})


def shape_of(x):
    """Shape tuple of a Tensor or Spec (for rules)."""
    return x._value.shape if type(x) is Tensor else x.shape


def expand_dims(input, axis, name=None):  # noqa: A002
    """Inserts a dimension of size 1 at ``axis`` (in [-rank-1, rank])."""
    x = as_tensor(input)
    if axis is None:
        raise ValueError("Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) to a "
                         "Tensor: expand_dims needs an int axis.")
    axes = _int_list(axis, "expand_dims: axis")
    if len(axes) != 1:
        raise _invalid("ExpandDims", f"'dim' must be a tensor with a single value, got {axis!r}")
    n, a = x._value.ndim, axes[0]
    if not -n - 1 <= a <= n:
        raise _invalid("ExpandDims", f"Tried to expand dim index {a} for tensor with {n} dimensions.")
    shape = list(x._value.shape)
    shape.insert(a + n + 1 if a < 0 else a, 1)
    return reshape(x, shape)


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Removes dimensions of size 1 (all of them, or those in ``axis``)."""
    x = as_tensor(input)
    shape = x._value.shape
    n = len(shape)
    if axis is None:
        drop = {i for i, d in enumerate(shape) if d == 1}
    else:
        if _is_tensor(axis):
            raise TypeError(f"Expected list for 'axis' argument to 'squeeze' Op, not {axis!r}.")
        drop = set()
        for a in axis if isinstance(axis, (list, tuple)) else [axis]:
            a = _int(a, "squeeze: axis")
            if not -n <= a < n:
                raise _invalid("Squeeze", f"Tried to squeeze dim index {a} for tensor with {n} dimensions.")
            a %= n
            if shape[a] != 1:
                raise _invalid("Squeeze", f"Can not squeeze dim[{a}], expected a dimension of 1, got {shape[a]}")
            drop.add(a)
    return reshape(x, [d for i, d in enumerate(shape) if i not in drop])


transpose_p = Primitive("transpose", lambda x, perm: np.transpose(x, perm), (
    lambda g, out, x, perm: execute(transpose_p, (g,), {"perm": tuple(np.argsort(perm).tolist())}),  # inverse perm
), linear=True, save_inputs=False)


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permutes dimensions (reverses them when ``perm`` is None); ``conjugate`` also conjugates."""
    x = as_tensor(a)
    n = x._value.ndim
    perm = list(builtins.range(n))[::-1] if perm is None else _int_list(perm, "transpose: perm", ("Transpose", "Tperm"))
    if len(perm) != n:
        raise _invalid("Transpose", f"transpose expects a vector of size {n}. But input(1) is a vector of size "
                                    f"{len(perm)}")
    for p in perm:
        if not -n <= p < n:
            raise _invalid("Transpose", f"{p} is out of range [0 .. {n})")
    perm = tuple(p % n for p in perm)
    missing = sorted(set(builtins.range(n)) - set(perm))
    if missing:
        raise _invalid("Transpose", f"{missing[0]} is missing from {{{','.join(map(str, perm))}}}.")
    out = x if perm == tuple(builtins.range(n)) else execute(transpose_p, (x,), {"perm": perm})
    return _math.conj(out) if conjugate else out


# --- joining and splitting ----------------------------------------------------------
def _matching(op, values):
    """Converts ``values`` to one dtype with TF's rule: the first tensor's, else the first value's."""
    dtype = next((v.dtype for v in values if _is_tensor(v)), None)
    out = []
    for v in values:
        t = as_tensor(v) if _is_tensor(v) else convert_to_tensor(v, dtype=dtype)
        dtype = t.dtype if dtype is None else dtype
        out.append(t)
    same_dtype(op, out, "values")
    return out


concat_p = Primitive("concat", lambda *xs, axis: np.concatenate(xs, axis),
                     lambda g, out, *xs, axis: _split(g, [x.shape[axis] for x in xs], axis),  # g cut into the pieces
                     linear=True, save_inputs=False)


def concat(values, axis, name="concat"):
    """Joins tensors of equal rank along ``axis``; the other dimensions must match."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    if not values:
        raise _invalid("ConcatV2", "concat needs at least one value, got an empty list")
    xs = _matching("ConcatV2", values)
    axis = _int(axis, "concat: axis")
    if len(xs) == 1:
        return identity(xs[0])
    s0 = xs[0]._value.shape
    r = len(s0)
    if r == 0:
        raise _invalid("ConcatV2", "ConcatOp : Can't concatenate scalars (use tf.stack instead)")
    if not -r <= axis < r:
        raise _invalid("ConcatV2", f"ConcatOp : Expected concatenating dimensions in the range [{-r}, {r}), but "
                                   f"got {axis}")
    axis %= r
    for i, t in enumerate(xs[1:], 1):
        s = t._value.shape
        if len(s) != r:
            raise _invalid("ConcatV2", f"ConcatOp : Ranks of all input tensors should match: shape[0] = {_fmt(s0)} "
                                       f"vs. shape[{i}] = {_fmt(s)}")
        for d in builtins.range(r):
            if d != axis and s[d] != s0[d]:
                raise _invalid("ConcatV2", f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                                           f"{_fmt(s0)} vs. shape[{i}] = {_fmt(s)}")
    return execute(concat_p, tuple(xs), {"axis": axis})


def stack(values, axis=0, name="stack"):
    """Stacks tensors of one shape along a new dimension ``axis``."""
    if _is_tensor(values):
        values = unstack(values)
    elif axis == 0 and not any(_is_tensor(v) for v in nest.flatten(values)):
        return convert_to_tensor(values)  # constants convert in one go, as in TF
    if not values:
        raise ValueError("stack needs at least one value when axis != 0, got an empty list.")
    xs = _matching("Pack", list(values))
    s0 = xs[0]._value.shape
    n = len(s0) + 1
    axis = _int(axis, "stack: axis")
    if not -n <= axis < n:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-n}, {n})")
    for i, t in enumerate(xs[1:], 1):
        if t._value.shape != s0:
            raise _invalid("Pack", f"Shapes of all inputs must match: values[0].shape = {_fmt(s0)} != "
                                   f"values[{i}].shape = {_fmt(t._value.shape)}")
    return execute(stack_p, tuple(xs), {"axis": axis % n})


stack_p = Primitive("stack", lambda *xs, axis: np.stack(xs, axis),
                    lambda g, out, *xs, axis: execute(unstack_p, (g,), {"axis": axis}),  # g cut into slices
                    linear=True, save_inputs=False)
unstack_p = Primitive("unstack", lambda x, axis: tuple(np.moveaxis(x, axis, 0)),
                      lambda g, out, x, axis: [execute(stack_p, g, {"axis": axis})],  # slices' cotangents stacked
                      linear=True, save_inputs=False, multiple_results=True)


def _split_impl(x, sizes, axis):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis))


split_p = Primitive("split", _split_impl, lambda g, out, x, sizes, axis: [
    execute(concat_p, tuple(g), {"axis": axis})  # the pieces' cotangents joined (missing ones are zeros)
], linear=True, save_inputs=False, multiple_results=True)


def _split(x, sizes, axis):
    return list(execute(split_p, (x,), {"sizes": tuple(sizes), "axis": axis})) if sizes else []


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits into ``num_or_size_splits`` equal pieces, or pieces of the given sizes (one may be -1)."""
    x = as_tensor(value)
    shape = x._value.shape
    r = len(shape)
    axis = _int(axis, "split: axis")
    if not -r <= axis < r:
        raise _invalid("Split", f"-input rank(-{r}) <= split_dim < input rank ({r}), but got {axis}")
    axis %= r
    dim = shape[axis]
    s = num_or_size_splits
    if _is_tensor(s) and s.ndim == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
                         f"Argument provided: {s}")
    if np.ndim(s) == 0:
        k = _int(s, "split: num_or_size_splits")
        if k < 1:
            raise _invalid("Split", f"Value for attr 'num_split' of {k} must be at least minimum 1")
        if dim % k:
            raise _invalid("Split", "Number of ways to split should evenly divide the split dimension, but got "
                                    f"split_dim {axis} (size = {dim}) and num_split {k}")
        return _split(x, [dim // k] * k, axis)
    sizes = _int_list(s, "split: num_or_size_splits", ("SplitV", "Tlen", "int8, int32, int64"))
    if sizes.count(-1) > 1:
        raise _invalid("SplitV", "There can only be one -1 in the input.")
    known = sum(d for d in sizes if d != -1)
    if any(d < -1 for d in sizes) or known > dim or (-1 not in sizes and known != dim):
        raise _invalid("SplitV", "Determined shape must either match input shape along split_dim exactly if fully "
                                 "specified, or be less than the size of the input along split_dim if not fully "
                                 f"specified.  Got: {known} (sizes {sizes}, dimension {axis} of shape {_fmt(shape)})")
    return _split(x, [dim - known if d == -1 else d for d in sizes], axis)


def unstack(value, num=None, axis=0, name="unstack"):
    """The list of slices of ``value`` along ``axis`` (that dimension removed)."""
    x = as_tensor(value)
    shape = x._value.shape
    r = len(shape)
    axis = _int(axis, "unstack: axis")
    if not -r <= axis < r:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-r}, {r})")
    axis %= r
    if num is not None and num != shape[axis]:
        raise _invalid("Unpack", f"Input shape axis {axis} must equal {num}, got shape {_fmt(shape)}")
    return list(execute(unstack_p, (x,), {"axis": axis}))


def _tile_rule(g, out, x, multiples):
    # the copies summed: g viewed as [m0, d0, m1, d1, ...], reduced over the m axes
    pairs = [v for m, d in zip(multiples, x.shape) for v in (m, d)]
    return _reduce.reduce_sum(reshape(g, pairs), axis=list(builtins.range(0, len(pairs), 2)))


tile_p = Primitive("tile", lambda x, multiples: np.tile(x, multiples), (_tile_rule,), linear=True,
                   save_inputs=False)


def tile(input, multiples, name=None):  # noqa: A002
    """Repeats ``input`` ``multiples[i]`` times along dimension i."""
    x = as_tensor(input)
    m = _int_list(multiples, "tile: multiples", ("Tile", "Tmultiples"))
    if len(m) != x._value.ndim:
        raise _invalid("Tile", f"Expected multiples argument to be a vector of length {x._value.ndim} but got "
                               f"length {len(m)}")
    for i, k in enumerate(m):
        if k < 0:
            raise _invalid("Tile", f"Expected multiples[{i}] >= 0, but got {k}")
    return execute(tile_p, (x,), {"multiples": tuple(m)})


# --- padding and reversing ---------------------------------------------------------
pad_p = Primitive("pad", lambda x, paddings, value: np.pad(x, paddings or 0, constant_values=value), (
    lambda g, out, x, paddings, value: _slice(g, tuple(slice(lo, lo + d) for (lo, _), d in zip(paddings, x.shape))),
), save_inputs=False)  # the gradient is the interior of g
pad_p.jvp = linear_jvp(pad_p, value=0)  # the tangent padded with zeros


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pads with a constant, or by mirroring ('REFLECT' excludes the edge, 'SYMMETRIC' repeats it)."""
    x = as_tensor(tensor)
    shape = x._value.shape
    p = _static(paddings, "pad's paddings")
    if p.size and p.dtype.kind not in "iu":
        raise TypeError(f"pad: paddings must be integers, got {paddings!r}")
    if p.shape != (len(shape), 2):
        raise _invalid("Pad", f"The first dimension of paddings must be the rank of inputs{_fmt(p.shape)} "
                              f"{_fmt(shape)}: pass one [before, after] pair per dimension")
    pads = tuple((int(lo), int(hi)) for lo, hi in p)
    if not isinstance(mode, str) or mode.upper() not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or "SYMMETRIC". '
                         f"Received `mode` = {mode}")
    mode = mode.upper()
    for lo, hi in pads:
        if lo < 0 or hi < 0:
            raise _invalid("Pad", f"Paddings must be non-negative: {lo} {hi}")
    if mode == "CONSTANT":
        cv = constant_values
        if not _is_tensor(cv) and np.ndim(cv) == 0 and cv == 0:  # TF's Pad, with no value to convert
            return execute(pad_p, (x,), {"paddings": pads, "value": np.zeros((), x._value.dtype)[()]})
        if _is_tensor(cv) and cv.dtype != x.dtype:
            raise _dt.mismatch_error("PadV2", 2, x.dtype, cv.dtype, ("input", "constant_values"))
        cv = as_tensor(cv, dtype=x.dtype)
        if cv._value.ndim != 0:
            raise _invalid("PadV2", f"constant_values must be a scalar. Got shape {_fmt(cv._value.shape)}")
        return execute(pad_p, (x,), {"paddings": pads, "value": _static(cv, "pad's constant_values")[()]})
    shift = 1 if mode == "REFLECT" else 0  # mirror modes: a gather of mirrored indices along each axis
    for axis, ((lo, hi), n) in enumerate(zip(pads, shape)):
        if mode == "REFLECT" and max(lo, hi) >= n:
            raise _invalid("MirrorPad", f"paddings must be less than the dimension size: {lo}, {hi} not less "
                                        f"than {n}")
        if mode == "SYMMETRIC" and max(lo, hi) > n:
            raise _invalid("MirrorPad", f"paddings must be no greater than the dimension size: {lo}, {hi} "
                                        f"greater than {n}")
        if lo or hi:
            idx = np.concatenate([np.arange(lo, 0, -1) - 1 + shift, np.arange(n), n - 1 - shift - np.arange(hi)])
            x = gather_dense(x, idx, axis)
    return x


reverse_p = Primitive("reverse", lambda x, axes: np.flip(x, axes), (
    lambda g, out, x, axes: execute(reverse_p, (g,), {"axes": axes}),  # reversed back
), linear=True, save_inputs=False)


def reverse(tensor, axis, name=None):
    """Reverses the dimensions listed in ``axis`` (a 1-D list, negative ok)."""
    x = as_tensor(tensor)
    r = x._value.ndim
    a = _static(axis, "reverse's axis")
    if a.ndim != 1:
        raise _invalid("ReverseV2", f"'dims' must be 1-dimension, not {a.ndim}: pass a list such as [{axis}]")
    axes = []
    for i, v in enumerate(_int_list(a, "reverse: axis", ("ReverseV2", "Tidx"))):
        if not -r <= v < r:
            raise _invalid("ReverseV2", f"'axis'[{i}] = {v} is out of valid range [{-r}, {r})")
        if v % r in axes:
            raise _invalid("ReverseV2", f"axis {v % r} specified more than once.")
        axes.append(v % r)
    return execute(reverse_p, (x,), {"axes": tuple(axes)})


# --- gathering -----------------------------------------------------------------------
def _gather_key(shape, idx, axis, batch_dims):
    """A NumPy index: ``params[key]`` is the gather, ``np.add.at(z, key, g)`` its scatter-add."""
    if batch_dims == 0:
        return (slice(None),) * axis + (idx,)
    nd = axis + idx.ndim - batch_dims  # every dim up to ``axis`` indexed, so the result keeps TF's layout
    key = [np.arange(shape[d]).reshape((-1,) + (1,) * (nd - d - 1)) for d in builtins.range(axis)]
    key.append(idx.reshape(idx.shape[:batch_dims] + (1,) * (axis - batch_dims) + idx.shape[batch_dims:]))
    return tuple(key)


def _scatter_impl(g, idx, shape, axis, batch_dims):
    z = np.zeros(shape, g.dtype)
    np.add.at(z, _gather_key(shape, idx, axis, batch_dims), g)
    return z


def _gather_vjp(g, out, p, idx, axis, batch_dims):
    """Scatter-add of g into params' shape; along axis 0 as IndexedSlices (rows g at idx), as TF does."""
    shape = p._value.shape
    if axis == 0 and batch_dims == 0:
        return IndexedSlices(reshape(g, (-1,) + shape[1:]), reshape(idx, (-1,)), shape)
    return execute(gather_grad_p, (g, idx), {"shape": shape, "axis": axis, "batch_dims": batch_dims})


gather_p = Primitive("gather", lambda p, idx, axis, batch_dims: p[_gather_key(p.shape, idx, axis, batch_dims)],
                     (_gather_vjp, None))
gather_p.jvp = linear_jvp(gather_p)  # the tangent gathered
gather_grad_p = Primitive("gather_grad", _scatter_impl, (
    lambda h, out, g, idx, shape, axis, batch_dims: execute(gather_p, (h, idx), {  # adjoint: gather again
        "axis": axis, "batch_dims": batch_dims}),
    None), linear=True)


def gather_dense(x, idx, axis):
    """``x`` gathered at constant indices ``idx`` (an array) along ``axis``, with a dense gradient, as TF's
    ops built from slices (repeat, roll, mirror padding) give."""
    if axis != 0:
        return execute(gather_p, (x, Tensor(idx)), {"axis": axis, "batch_dims": 0})
    perm = list(builtins.range(1, x._value.ndim)) + [0]
    inv = [x._value.ndim - 1] + list(builtins.range(x._value.ndim - 1))
    moved = transpose(x, perm) if x._value.ndim > 1 else expand_dims(x, 0)
    out = execute(gather_p, (moved, Tensor(idx)), {"axis": moved._value.ndim - 1, "batch_dims": 0})
    return transpose(out, inv) if x._value.ndim > 1 else reshape(out, [-1])


def _index_tensor(op, indices, allowed=("int16", "int32", "int64")):
    i = as_tensor(indices)
    if i.dtype.name not in allowed:
        raise _invalid(op, f"Value for attr 'Tindices' of {i.dtype.name} is not in the list of allowed values: "
                           f"{', '.join(allowed)}. Cast the indices with tapegrad.cast(indices, tapegrad.int32).")
    return i


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of ``params`` along ``axis`` at ``indices`` (each in [0, params.shape[axis]))."""
    p, i = as_tensor(params), _index_tensor("GatherV2", indices)
    ps, ishape = p._value.shape, i._value.shape
    bd = _int(batch_dims, "gather: batch_dims")
    if not -len(ishape) <= bd <= len(ishape):
        raise _invalid("GatherV2", f"Expected batch_dims in the range [{-len(ishape)}, {len(ishape)}], but got {bd}")
    bd = bd + len(ishape) if bd < 0 else bd
    axis = bd if axis is None else _int(axis, "gather: axis")
    if not ps:
        raise _invalid("GatherV2", "params must be at least 1 dimensional")
    if not -len(ps) <= axis < len(ps):
        raise _invalid("GatherV2", f"Expected axis in the range [{-len(ps)}, {len(ps)}), but got {axis} "
                                   f"(params shape {_fmt(ps)})")
    axis %= len(ps)
    if bd > axis:
        raise _invalid("GatherV2", f"batch_dims ({bd}) must be less than or equal to axis ({axis}).")
    for d in builtins.range(bd):
        if ps[d] != ishape[d]:
            raise _invalid("GatherV2", f"params.shape[{d}]: {ps[d]} should be equal to indices.shape[{d}]: "
                                       f"{ishape[d]}")

    def check(v, params):  # params' shape when the graph runs (a while loop's history grows with its iterations)
        n = params.shape[axis]
        bad = np.argwhere((v < 0) | (v >= n))
        if bad.size or (v.ndim == 0 and not 0 <= v < n):
            pos = tuple(bad[0]) if bad.size else ()
            raise _invalid("GatherV2", f"indices[{','.join(map(str, pos))}] = {v[pos]} is not in [0, {n})")

    value_check(check, i, p)
    return execute(gather_p, (p, i), {"axis": axis, "batch_dims": bd})


def _gather_nd_key(idx, batch_dims):
    """Index for ``params[None][key]``: the leading zeros let an empty index row pick everything."""
    lead = idx.ndim - 1
    key = [np.zeros(idx.shape[:-1], np.intp)]
    key += [np.arange(idx.shape[d]).reshape((-1,) + (1,) * (lead - d - 1)) for d in builtins.range(batch_dims)]
    return tuple(key + [idx[..., k] for k in builtins.range(idx.shape[-1])])


def _scatter_nd_impl(g, idx, shape, batch_dims):
    z = np.zeros(shape, g.dtype)
    np.add.at(z[None], _gather_nd_key(idx, batch_dims), g)
    return z


gather_nd_p = Primitive("gather_nd", lambda p, idx, batch_dims: p[None][_gather_nd_key(idx, batch_dims)], (
    lambda g, out, p, idx, batch_dims: execute(gather_nd_grad_p, (g, idx), {  # scatter-add of g
        "shape": p._value.shape, "batch_dims": batch_dims}),
    None))
gather_nd_p.jvp = linear_jvp(gather_nd_p)
gather_nd_grad_p = Primitive("gather_nd_grad", _scatter_nd_impl, (
    lambda h, out, g, idx, shape, batch_dims: execute(gather_nd_p, (h, idx), {"batch_dims": batch_dims}),
    None), linear=True)  # adjoint: gather again


def gather_nd(params, indices, batch_dims=0, name=None, bad_indices_policy=""):
    """Gathers slices of ``params`` at the coordinates in the last dimension of ``indices``."""
    p, i = as_tensor(params), _index_tensor("GatherNd", indices)
    ps, v = p._value.shape, i._value
    bd = _int(batch_dims, "gather_nd: batch_dims")
    if v.ndim == 0:
        raise _invalid("GatherNd", "indices must be at least a vector")
    if not 0 <= bd < v.ndim or bd > len(ps) or ps[:bd] != v.shape[:bd]:
        raise _invalid("GatherNd", f"batch_dims ({bd}) must be in [0, {v.ndim}) and the first batch_dims "
                                   f"dimensions of params {_fmt(ps)} and indices {_fmt(v.shape)} must be equal")
    m = v.shape[-1]
    if m > len(ps) - bd:
        raise _invalid("GatherNd", f"index innermost dimension length must be <= params rank; saw: {m} vs. "
                                   f"{len(ps) - bd}")

    def check(v, params):
        ps = params.shape
        bad = np.argwhere(((v < 0) | (v >= np.array(ps[bd:bd + m], dtype=np.int64))).any(axis=-1))
        if bad.size:
            pos = tuple(bad[0])
            raise _invalid("GatherNd", f"indices[{','.join(map(str, pos))}] = [{', '.join(map(str, v[pos]))}] "
                                       f"does not index into param shape {_fmt(ps)}, node name: GatherNd")

    value_check(check, i, p)
    return execute(gather_nd_p, (p, i), {"batch_dims": bd})


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The entries of ``tensor`` where ``mask`` (covering dims axis..axis+mask.ndim) is true, flattened."""
    x, m = as_tensor(tensor), as_tensor(mask)
    k = m._value.ndim
    if k == 0:
        raise ValueError("mask cannot be scalar.")
    axis = 0 if axis is None else _int(axis, "boolean_mask: axis")
    shape = x._value.shape
    axis = axis + len(shape) if axis < 0 else axis
    covered = shape[axis:axis + k]
    if covered != m._value.shape:
        raise ValueError(f"Shapes {TensorShape(covered)} and {TensorShape(m._value.shape)} are incompatible")
    flat = reshape(x, shape[:axis] + (int(np.prod(covered)),) + shape[axis + k:])
    idx = reshape(where_indices(reshape(m, [-1])), [-1])
    return execute(gather_p, (flat, idx), {"axis": axis, "batch_dims": 0})


where_indices_p = Primitive("where_indices", lambda c: np.argwhere(c).astype(np.int64), differentiable=False)


def where_indices(condition):
    """Coordinates (int64, [n, rank]) of the true (non-zero) entries: ``where(condition)``."""
    c = as_tensor(condition)
    if c._value.ndim == 0:
        raise _invalid("Where", "WhereOp : Unhandled input dimensions: 0 (where(condition) needs a tensor of rank "
                                ">= 1)")
    return guard_shape(execute(where_indices_p, (c,), NO_PARAMS), "The output of where(condition)")


# --- one_hot, shape queries and ranges -----------------------------------------------
def _one_hot_impl(idx, on, off, depth, axis):
    out = np.where(idx[..., None] == np.arange(depth), on, off)
    return out if axis == -1 else np.moveaxis(out, -1, axis)


one_hot_p = Primitive("one_hot", _one_hot_impl, differentiable=False)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors of length ``depth`` (inserted at ``axis``); indices outside [0, depth) give all off."""
    i = as_tensor(indices)
    if i.dtype.name not in ("uint8", "int8", "int32", "int64"):
        raise _invalid("OneHot", f"Value for attr 'TI' of {i.dtype.name} is not in the list of allowed values: "
                                 "uint8, int8, int32, int64. Cast the indices with tapegrad.cast first.")
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    on = None if on_value is None else convert_to_tensor(on_value, dtype_hint=dtype)
    off = None if off_value is None else convert_to_tensor(off_value, dtype_hint=dtype)
    for t, what in ((on, "on_value"), (off, "off_value")):
        if t is not None and dtype is not None and t.dtype != dtype:
            raise TypeError(f"dtype {t.dtype.name} of {what} does not match dtype parameter {dtype.name}")
    if on is not None and off is not None and on.dtype != off.dtype:
        raise TypeError(f"dtype {on.dtype.name} of on_value does not match dtype {off.dtype.name} of off_value")
    dtype = dtype or (on.dtype if on is not None else off.dtype if off is not None else _dt.float32)
    on = convert_to_tensor(1, dtype=dtype) if on is None else on
    off = convert_to_tensor(0, dtype=dtype) if off is None else off
    depth = _int(depth, "one_hot: depth")
    if depth < 0:
        raise _invalid("OneHot", f"depth must be non-negative, got: {depth}")
    axis = -1 if axis is None else _int(axis, "one_hot: axis")
    r = i._value.ndim + 1
    if not (axis == -1 or 0 <= axis < r):
        raise _invalid("OneHot", f"Expected axis to be -1 or between [0, {r}).  But received: {axis}")
    return execute(one_hot_p, (i, on, off), {"depth": depth, "axis": axis})


def shape(input, out_type=None, name=None):  # noqa: A002
    """The shape of ``input`` as a 1-D int32 (or ``out_type`` int64) tensor."""
    x = as_tensor(input)
    out_type = _dt.int32 if out_type is None else _dt.as_dtype(out_type)
    if out_type not in (_dt.int32, _dt.int64):
        raise _invalid("Shape", f"Value for attr 'out_type' of {out_type.name} is not in the list of allowed "
                                "values: int32, int64")
    if is_dynamic_shape(x):  # a while loop's growing variable: its shape when the graph runs
        return execute(_shape_p, (x,), {"dtype": out_type._np})
    return Tensor(np.array(x._value.shape, dtype=out_type._np))


def size(input, out_type=None, name=None):  # noqa: A002
    """The number of elements of ``input`` as a scalar int32 (or ``out_type``) tensor."""
    x = as_tensor(input)
    dtype = _dt.int32._np if out_type is None else _dt.as_dtype(out_type)._np
    if is_dynamic_shape(x):
        return execute(_size_p, (x,), {"dtype": dtype})
    return Tensor(np.array(x._value.size, dtype=dtype))


_shape_p = Primitive("dynamic_shape", lambda x, dtype: np.array(x.shape, dtype), differentiable=False, register=False)
_size_p = Primitive("dynamic_size", lambda x, dtype: np.array(x.size, dtype), differentiable=False, register=False)


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of ``input`` as a scalar int32 tensor."""
    return Tensor(np.array(as_tensor(input)._value.ndim, dtype=np.int32))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dt.float32, name=None):
    """Identity matrix (ones on the diagonal), optionally batched: ``batch_shape + [rows, cols]``."""
    n = _int(num_rows, "eye: num_rows")
    m = n if num_columns is None else _int(num_columns, "eye: num_columns")
    batch = () if batch_shape is None else tuple(_int_list(batch_shape, "eye: batch_shape"))
    for d in batch + (n, m):
        if d < 0:
            raise _invalid("Fill", f"Dimension {d} must be >= 0")
    return Tensor(np.broadcast_to(np.eye(n, m, dtype=_dt.as_dtype(dtype)._np), batch + (n, m)).copy())


_RANGE_ORDER = [d for d in (_dt.int32, _dt.int64, _dt.float16, _dt.bfloat16, _dt.float32, _dt.float64) if d]
_RANGE_NO_KERNEL = ("int8", "int16", "uint16", "uint32", "uint64")  # allowed by TF's op def, but no CPU kernel


def _range_impl(start, limit, delta, dtype):
    s, lim, d = start[()], limit[()], delta[()]
    if d == 0:
        raise _invalid("Range", f"Requires delta != 0: {d}")
    if (d > 0 and s > lim) or (d < 0 and s < lim):
        raise _invalid("Range", f"Requires start {'<=' if d > 0 else '>='} limit when delta "
                                f"{'>' if d > 0 else '<'} 0: {s}/{lim}")
    if np.dtype(dtype).kind == "i":
        n = (abs(int(lim) - int(s)) + abs(int(d)) - 1) // abs(int(d))
    else:
        n = int(np.ceil(np.abs((lim - s) / d)))
    return np.asarray(s + np.arange(n).astype(dtype) * d, dtype=dtype)


range_p = Primitive("range", _range_impl, differentiable=False)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's public name
    """``start, start + delta, ...`` up to (excluding) ``limit``; ints give int32, any float float32.

    With a traced (symbolic) argument the range is an equation whose length
    is computed when the graph runs; the graph holds for the traced length only
    (a guard traces again for another). AutoGraph's ``for i in range(n)`` does
    not build the range.
    """
    args = range_arguments(start, limit, delta, dtype)
    return guard_shape(execute(range_p, args, {"dtype": args[0]._value.dtype}), "The output of range")


def range_arguments(start, limit=None, delta=1, dtype=None):
    """``range``'s (start, limit, delta) as scalar tensors of the range's dtype, checked as TF checks them."""
    if limit is None:
        start, limit = 0, start
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    args = [as_tensor(v) if _is_tensor(v) else convert_to_tensor(v, dtype=dtype) for v in (start, limit, delta)]
    for a, what in zip(args, ("start", "limit", "delta")):
        if a._value.ndim != 0:
            raise _invalid("Range", f"{what} must be a scalar, not shape {_fmt(a._value.shape)}")
    if dtype is None:
        for a in args:
            if a.dtype not in _RANGE_ORDER:
                raise TypeError(f"range: start, limit and delta must be int32, int64 or floating, got "
                                f"{a.dtype.name}; pass dtype=... or cast them.")
        dtype = max((a.dtype for a in args), key=_RANGE_ORDER.index)
    if dtype not in _RANGE_ORDER:
        error = errors.NotFoundError if dtype.name in _RANGE_NO_KERNEL else errors.InvalidArgumentError
        raise error(None, "Range", f"range has no kernel for dtype {dtype.name}: use one of "
                                   f"{', '.join(d.name for d in _RANGE_ORDER)} [Op:Range]")
    return tuple(a if a.dtype == dtype else _math.cast(a, dtype) for a in args)


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (inclusive), stacked along ``axis``."""
    start = as_tensor(start)
    stop = convert_to_tensor(stop, dtype=start.dtype)
    num = _int(num, "linspace: num")
    bshape = np.broadcast_shapes(start._value.shape, stop._value.shape)
    start = expand_dims(broadcast_to(start, bshape), axis)
    stop = expand_dims(broadcast_to(stop, bshape), axis)
    axis %= start._value.ndim
    steps = max(num - 1, 1)  # TF's arithmetic, so that values and gradients match
    delta = _math.truediv(_math.subtract(stop, start), Tensor(np.asarray(steps, start._value.dtype)))
    start, stop = _math.cast(start, delta.dtype), _math.cast(stop, delta.dtype)
    k = range(1, steps if num >= 0 else -1, dtype=_dt.int64)
    kshape = [1] * start._value.ndim
    kshape[axis] = max(num - 2, 0)
    inner = _math.add(start, _math.multiply(delta, _math.cast(reshape(k, kshape), delta.dtype)))
    out = concat([start, inner, stop], axis)
    return _slice(out, (slice(None),) * axis + (slice(0, num),))


# --- indexing: tensor[key] -------------------------------------------------------------
def _slice_grad_impl(g, shape, key):
    z = np.zeros(shape, g.dtype)
    z[key] = g
    return z


strided_slice_p = Primitive("strided_slice", lambda x, key: np.asarray(x[key]), (
    lambda g, out, x, key: execute(strided_slice_grad_p, (g,), {"shape": x.shape, "key": key}),  # g into zeros
), linear=True, save_inputs=False)
strided_slice_grad_p = Primitive("strided_slice_grad", _slice_grad_impl, (
    lambda h, out, g, shape, key: _slice(h, key),  # adjoint of the scatter: the slice again
), linear=True, save_inputs=False)


def _slice(x, key):
    """``x[key]`` for a normalized NumPy basic index (ints, slices, None, Ellipsis)."""
    return execute(strided_slice_p, (x,), {"key": key})


_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 "
                "tensors are valid indices, got {!r}")


def _index(k):
    """A Python int from an int, NumPy integer or scalar int16/32/64 tensor or array (TypeError otherwise); a
    traced (symbolic) tensor stays a Tensor."""
    if isinstance(k, (int, np.integer)):  # a bool counts as an int here, as in TF
        return int(k)
    t = as_tensor(k) if _is_tensor(k) else None
    v = k if t is None else t._value
    if isinstance(v, (np.ndarray, np.generic)) and v.ndim == 0 and v.dtype in (np.int16, np.int32, np.int64):
        return t if is_symbolic(t) else int(v)
    raise TypeError(_INDEX_ERROR.format(k))


def _symbolic_item(k):
    return type(k) is Tensor or (isinstance(k, slice) and any(type(v) is Tensor for v in (k.start, k.stop)))


def _slice_indices(k, n):
    """``range(n)[k]`` for a slice ``k`` with Tensor bounds, as an int64 tensor (its length depends on them)."""
    step = 1 if k.step is None else k.step
    lo, hi = (0, n) if step > 0 else (-1, n - 1)

    def bound(v, default):
        if v is None:
            return Tensor(np.int64(default))
        v = _math.cast(v, _dt.int64) if _is_tensor(v) else Tensor(np.int64(v))
        v = _math.where(_math.less(v, 0), _math.add(v, n), v)
        return _math.minimum(_math.maximum(v, lo), hi)

    start, stop = bound(k.start, hi if step < 0 else lo), bound(k.stop, lo if step < 0 else hi)
    stop = _math.maximum(stop, start) if step > 0 else _math.minimum(stop, start)
    return range(start, stop, step)


def _dynamic_getitem(x, items):
    """``x[items]`` where some items are traced tensors: the other items as a strided slice, then a gather per
    traced item (from the last axis back, so that the axes before it keep their positions)."""
    n_real = sum(k is not None and k is not Ellipsis for k in items)
    static, gathers, axis, dim = [], [], 0, 0
    for k in items:
        if k is Ellipsis:
            fill = max(x._value.ndim - n_real, 0)
            static += [slice(None)] * fill
            axis, dim = axis + fill, dim + fill
            continue
        if _symbolic_item(k):
            gathers.append((axis, k, dim))
            k = slice(None)
        static.append(k)
        axis += not isinstance(k, int)
        dim += k is not None
    y = getitem(x, tuple(static))
    for axis, k, dim in reversed(gathers):
        idx = k if type(k) is Tensor else _slice_indices(k, x._value.shape[dim])
        y = execute(gather_p, (y, idx), {"axis": axis, "batch_dims": 0})
    return y


def getitem(tensor, key):
    """``tensor[key]`` as in TF: ints, slices, ``...``, None, scalar int tensors; a list is a tuple; bool is a mask."""
    x = as_tensor(tensor)
    kv = key._value if _is_tensor(key) else key
    if isinstance(key, (bool, np.bool_)) or (isinstance(kv, np.ndarray) and kv.dtype == np.bool_):
        return boolean_mask(x, key)
    items = []
    for k in key if isinstance(key, (list, tuple)) else (key,):
        if k is None or k is Ellipsis:
            items.append(k)
        elif isinstance(k, slice):
            step = None if k.step is None else _index(k.step)
            if type(step) is Tensor:
                step = int(static_value(step, "A slice's step"))
            items.append(slice(None if k.start is None else _index(k.start), None if k.stop is None else _index(k.stop),
                               step))
        else:
            items.append(_index(k))
    if sum(k is Ellipsis for k in items) > 1:
        raise _invalid("StridedSlice", "Multiple ellipses in slice spec not allowed")
    if any(_symbolic_item(k) for k in items):
        return _dynamic_getitem(x, items)
    shape = x._value.shape
    nd = len(shape)
    used = sum(k is not None and k is not Ellipsis for k in items)
    dim = 0
    for i, k in enumerate(items):
        if k is Ellipsis:
            dim += max(nd - used, 0)
        elif k is not None:
            if dim >= nd:
                raise _invalid("StridedSlice", "Attempting to slice scalar input." if nd == 0 else
                               f"Index out of range using input dim {dim}; input has only {nd} dims")
            if isinstance(k, slice) and k.step == 0:
                raise _invalid("StridedSlice", f"strides[{i}] must be non-zero")
            if not isinstance(k, slice) and not -shape[dim] <= k < shape[dim]:
                raise _invalid("StridedSlice", f"slice index {k + shape[dim] if k < 0 else k} of dimension {dim} "
                                               f"out of bounds.")
            dim += 1
    return _slice(x, tuple(items))


__all__ = ["zeros", "ones", "zeros_like", "ones_like", "fill", "identity", "stop_gradient", "reshape",
           "broadcast_to", "expand_dims", "squeeze", "transpose", "concat", "stack", "split", "unstack", "tile",
           "pad", "reverse", "gather", "gather_nd", "boolean_mask", "one_hot", "shape", "size", "rank", "eye",
           "range", "linspace"]
