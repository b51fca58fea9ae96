"""Batched VJP rules: how ``tape.jacobian`` pushes a stack of cotangents through the tape in one pass.

Every cotangent of a batched backward pass has one extra *leading* axis, the
batch (one basis vector per target element). ``TABLE`` maps each primitive to
its batched rule(s), in the VJP calling convention (``rule(g, out, *inputs,
**params)``, ``g`` with the batch axis), per input (a tuple, None where the
input has no gradient) or for all inputs (one callable):

* ``BROADCAST``: the ordinary rule already works, because it only broadcasts
  ``g`` against primal values (``g * cos(x)``) or acts on the last axes
  (matmul, the linalg rules). A result without the batch axis (a rule giving
  zeros) is broadcast to it.
* ``_batched(rule, lift=..., **params)``: the ordinary rule with its axis
  parameters moved by one; with ``lift``, its primal inputs and outputs get
  the batch axis too (a broadcast view, or a Spec), for rules that reshape
  ``g`` to an input's shape or reduce over an input's axes.
* a rule written for the batch (the batch folded into a conv's N or channel
  axis, into a matmul's rows; scatters that index leading axes, ...).

A primitive missing here (custom gradients, rules registered by users, a rule
replaced with RegisterGradient) runs its ordinary rule once per batch element,
with one warning per primitive.

Rules are written with tapegrad ops, so an enclosing tape records the batched
backward pass (Hessians as the jacobian of a gradient are vectorized too).
"""
import os
import sys
import warnings

import numpy as np

from ..ops import array as _array, conv as _conv, indexing as _indexing, math as _math, reduce as _reduce
from .dispatch import execute as _execute
from .indexed_slices import IndexedSlices
from .primitive import REGISTRY, Spec
from .tape import _unbroadcast
from .tensor import Tensor

BROADCAST = "broadcast"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # tapegrad/

_warned = set()


def _shape(x):
    return x._value.shape if type(x) is Tensor else tuple(x.shape)


def _lift(x, b):
    """``x`` with a leading batch axis of size ``b``: a broadcast view of a Tensor, a Spec for a Spec."""
    if x is None:
        return None
    if type(x) is tuple:
        return tuple(_lift(t, b) for t in x)
    if type(x) is Tensor:
        return _exec(_array.broadcast_to_p, x, shape=(b,) + x._value.shape)
    return Spec((b,) + tuple(x.shape), x._np_dtype)


def _exec(prim, *inputs, **params):
    return _execute(prim, inputs, params)


def _size(g):
    return (g[0] if type(g) is tuple else g)._value.shape[0]


def _shift(value, ndim):
    """An axis parameter moved past the batch axis (None, all axes, becomes the explicit list)."""
    if value is None:
        return tuple(range(1, ndim + 1))
    if isinstance(value, (tuple, list)):
        return tuple(int(a) + 1 for a in value)
    return int(value) + 1


def _batched(rule, lift=False, **params):
    """``rule`` run on the batched cotangent, with ``params[name] = fn(value, ndim)`` for each given name
    (``ndim``: the rank of the first input) and, if ``lift``, batched primal inputs and outputs."""
    if rule is None:
        return None

    def batched(g, out, *inputs, **p):
        nd = len(_shape(inputs[0]))
        for name, fn in params.items():
            p[name] = fn(p[name], nd)
        if lift:
            b = _size(g)
            out, inputs = _lift(out, b), [_lift(x, b) for x in inputs]
        return rule(g, out, *inputs, **p)

    return batched


def _per_input(rules, **kw):
    return tuple(_batched(r, **kw) for r in rules) if type(rules) is tuple else _batched(rules, **kw)


# --- explicit batched rules ----------------------------------------------------------------
def _reshape(x, shape):
    return x if x._value.shape == tuple(shape) else _exec(_array.reshape_p, x, shape=tuple(shape))


def _perm(x, perm):
    return _exec(_array.transpose_p, x, perm=tuple(perm))


def _l2_loss(g, out, t):
    """grad * t, with the batch's scalars broadcast over t."""
    nd = len(_shape(t))
    return _math.multiply(_reshape(g, g._value.shape + (1,) * nd), t)


def _bias_add_bias(g, out, value, bias, axis):
    """grad summed over all axes but the batch and the channel."""
    nd = len(_shape(value))
    return _reduce.reduce_sum(g, [i + 1 for i in range(nd) if i != axis])


def _gather_nd_rows(g, idx):
    """Per batch element, gather_nd(g[b], idx)."""
    return _exec(_array.gather_nd_p, g, _lift(idx, _size(g)), batch_dims=1)


def _gather_rows(g, ids):
    """Per batch element, gather(g[b], ids) along the first axis."""
    return _exec(_array.gather_p, g, ids, axis=1, batch_dims=0)


def _scatter_update_x(g, out, x, idx, upd):
    """g with zeros written where the updates were, per batch element."""
    b = _size(g)
    v = idx._value
    lead = np.broadcast_to(np.arange(b, dtype=v.dtype).reshape((b,) + (1,) * v.ndim), (b,) + v.shape[:-1] + (1,))
    idx_b = Tensor(np.concatenate([lead, np.broadcast_to(v, (b,) + v.shape)], -1))
    zeros = Tensor(np.zeros((b,) + _shape(upd), g._value.dtype))
    return _exec(_indexing.tensor_scatter_nd_update_p, g, idx_b, zeros)


def _scatter_extreme(g, out, x, idx, upd):
    """As indexing._scatter_extreme_rule, with the batched cotangent gathered per batch element."""
    x_hit = _math.cast(_math.equal(x, out), g.dtype)
    upd_hit = _math.cast(_math.equal(upd, _indexing._gather_nd(out, idx)), g.dtype)
    hits = _math.add(x_hit, _indexing._scatter_nd(upd_hit, idx, _shape(x)))
    share = _math.realdiv(g, hits)
    return [_math.multiply(share, x_hit), None, _math.multiply(_gather_nd_rows(share, idx), upd_hit)]


def _segment_extreme(g, out, data, ids, num_segments, sorted):  # noqa: A002
    """As indexing._segment_extreme_rule, gathering the batched share per batch element."""
    hit = _math.equal(data, _indexing._gather0(out, ids))
    count = _indexing._scatter0(_math.cast(hit, g.dtype), ids, _shape(out))
    count = _math.maximum(count, _math._scalar(1, count))
    share = _gather_rows(_math.realdiv(g, count), ids)
    return [_math.where(hit, share, _math.zeros_like(share)), None]


def _segment_prod(g, out, data, ids, num_segments, sorted):  # noqa: A002
    """As indexing._segment_prod_rule, gathering the batched cotangent per batch element."""
    zero = _math.equal(data, _math._scalar(0, data))
    zeros = _indexing._scatter0(_math.cast(zero, np.int32), ids, _shape(out))
    g = _math.where(_math.greater(zeros, _math._scalar(1, zeros)), _math.zeros_like(g), g)
    nonzero = _math.where(zero, _math.ones_like(data), data)
    nonzero_prod = _exec(_indexing.segment_prod_p, nonzero, ids, num_segments=num_segments, sorted=sorted)
    partial = _math.where(zero, _indexing._gather0(nonzero_prod, ids),
                          _math.realdiv(_indexing._gather0(out, ids), nonzero))
    return [_math.multiply(_gather_rows(g, ids), partial), None]


def _matmul_a(g, out, a, b, adjoint_a, adjoint_b):
    """g b^H with a 2-D b: one GEMM on the batch folded into g's rows (numpy's broadcast matmul loops)."""
    if adjoint_a or b._value.ndim != 2:
        return _math._matmul_grad_a(g, out, a, b, adjoint_a, adjoint_b)
    gs = g._value.shape
    r = _math._mm(_reshape(g, (-1, gs[-1])), b, False, not adjoint_b)
    return _reshape(r, gs[:-1] + r._value.shape[-1:])


def _matmul_b(g, out, a, b, adjoint_a, adjoint_b):
    """op(a)^H g for a matrix-vector product (2-D a, one column): g's columns as rows, times conj(op(a))."""
    gs = g._value.shape
    if adjoint_b or a._value.ndim != 2 or gs[-1] != 1:
        return _math._matmul_grad_b(g, out, a, b, adjoint_a, adjoint_b)
    r = _math._mm(_reshape(g, (-1, gs[-2])), _math._c(a), False, adjoint_a)
    return _reshape(r, gs[:-2] + r._value.shape[-1:] + (1,))


def _einsum(i):
    def rule(g, out, *xs, equation):
        """Operand i's rule for the equation with a batch label on the output and on operand i."""
        lhs, out_labels = equation.split("->")
        ins = lhs.split(",")
        z = next(c for c in _math._LETTERS if c not in equation)
        ins[i] = z + ins[i]
        xi = xs[i]._value  # the rule reads only its shape and dtype
        like = Tensor(np.broadcast_to(np.zeros((), xi.dtype), (_size(g),) + xi.shape))
        return _math._einsum_grad(i, g, out, *xs[:i], like, *xs[i + 1:],
                                  equation=",".join(ins) + "->" + z + out_labels)
    return rule


# --- conv and pool: the batch folded into N, or into a channel axis ----------------------------
def _fold(t, axis=0, groups=1):
    """[B] + s -> s with axis ``axis`` of size groups*B*c (the batch inside each group); axis 0 is N."""
    s = t._value.shape[1:]
    b, axis = t._value.shape[0], axis % len(s)
    if axis == 0 and groups == 1:
        return _reshape(t, (b * s[0],) + s[1:])
    c = s[axis] // groups
    t = _reshape(t, (b,) + s[:axis] + (groups, c) + s[axis + 1:])
    nd = len(s) + 2
    t = _perm(t, tuple(range(1, axis + 2)) + (0,) + tuple(range(axis + 2, nd)))
    return _reshape(t, s[:axis] + (groups * b * c,) + s[axis + 1:])


def _unfold(t, b, axis=0, groups=1):
    """The inverse of ``_fold``: axis ``axis`` of size groups*b*c back to [b] + (shape with groups*c there)."""
    s = t._value.shape
    axis %= len(s)
    c = s[axis] // (groups * b)
    if axis == 0 and groups == 1:
        return _reshape(t, (b, c) + s[1:])
    t = _reshape(t, s[:axis] + (groups, b, c) + s[axis + 1:])
    nd = len(s) + 2
    t = _perm(t, (axis + 1,) + tuple(i for i in range(nd) if i != axis + 1))
    return _reshape(t, (b,) + s[:axis] + (groups * c,) + s[axis + 1:])


def _tile_n(x, b):
    s = _shape(x)
    return _reshape(_lift(x, b), (b * s[0],) + s[1:])


def _groups(x_shape, w_shape):
    return x_shape[-1] // w_shape[-2] if w_shape[-2] else 1


def _pool_fold(prim):
    """Rule ``c -> prim(x, c)`` of a max-pool op: the batch folded into N, x tiled to match."""
    def rule(c, out, x, *rest, **p):
        b = _size(c)
        return _unfold(_exec(prim, _tile_n(x, b), _fold(c), **p), b)
    return rule


def _avg_pool(g, out, x, **p):
    """avg_pool_grad(g[b]), the batch folded into N."""
    b, xs = _size(g), _shape(x)
    return _unfold(_exec(_conv.avg_pool_grad_p, _fold(g), input_shape=(b * xs[0],) + xs[1:], **p), b)


def _avg_pool_grad(c, out, g, input_shape, **p):
    """avg_pool(c[b]), the batch folded into N."""
    return _unfold(_exec(_conv.avg_pool_p, _fold(c), **p), _size(c))


def _conv_dx(g, out, x, w, **p):
    """conv's input rule: input_grad(g[b], w), the batch folded into N."""
    xs = _shape(x)
    b = _size(g)
    return _unfold(_exec(_conv.conv_input_grad_p, _fold(g), w, input_shape=(b * xs[0],) + xs[1:], **p), b)


def _conv_dw(g, out, x, w, **p):
    """conv's filter rule: filter_grad(x, g[b]), the batch folded into the output channels of each group."""
    b, ws = _size(g), _shape(w)
    groups = _groups(_shape(x), ws)
    r = _exec(_conv.conv_filter_grad_p, x, _fold(g, -1, groups), filter_shape=ws[:-1] + (b * ws[-1],), **p)
    return _unfold(r, b, -1, groups)


def _input_grad_dg(c, out, g, w, input_shape, **p):
    """conv_input_grad's rule for g: conv(c[b], w), the batch folded into N."""
    return _unfold(_exec(_conv.conv_p, _fold(c), w, **p), _size(c))


def _input_grad_dw(c, out, g, w, input_shape, **p):
    """conv_input_grad's rule for w: filter_grad(c[b], g), the batch folded into the input channels."""
    b, ws = _size(c), _shape(w)
    groups = _groups(input_shape, ws)
    r = _exec(_conv.conv_filter_grad_p, _fold(c, -1, groups), g,
              filter_shape=ws[:-2] + (b * ws[-2], ws[-1]), **p)
    return _unfold(r, b, -2)


def _filter_grad_dx(c, out, x, g, filter_shape, **p):
    """conv_filter_grad's rule for x: input_grad(g, c[b]), the batch folded into the input channels."""
    b, xs = _size(c), _shape(x)
    groups = _groups(xs, filter_shape)
    r = _exec(_conv.conv_input_grad_p, g, _fold(c, -2), input_shape=xs[:-1] + (b * xs[-1],), **p)
    return _unfold(r, b, -1, groups)


def _filter_grad_dg(c, out, x, g, filter_shape, **p):
    """conv_filter_grad's rule for g: conv(x, c[b]), the batch folded into the output channels."""
    b = _size(c)
    groups = _groups(_shape(x), filter_shape)
    return _unfold(_exec(_conv.conv_p, x, _fold(c, -1, groups), **p), b, -1, groups)


# --- the table -----------------------------------------------------------------------------
_BROADCAST_SAFE = (
    "abs", "acos", "acosh", "add", "add_n", "angle", "asin", "asinh", "atan", "atan2", "atanh", "broadcast_to",
    "cast", "cholesky", "complex", "complex_abs", "conj", "cos", "cosh", "div_no_nan", "elu", "erf", "exp",
    "expm1", "floormod", "identity", "imag", "leaky_relu", "log", "log1p", "log_matrix_determinant",
    "matrix_band_part", "matrix_determinant", "matrix_diag", "matrix_diag_part", "matrix_inverse", "matrix_solve",
    "matrix_triangular_solve", "maximum", "minimum", "multiply", "negative", "pow", "prod_others", "qr", "real",
    "realdiv", "reciprocal", "relu", "relu6", "relu_grad", "rsqrt", "selu", "self_adjoint_eig", "sigmoid",
    "sigmoid_cross_entropy_with_logits", "sign", "sin", "sinh", "softplus", "softsign", "sqrt", "square",
    "squared_difference", "subtract", "svd", "tan", "tanh", "weighted_cross_entropy_with_logits", "where",
    "xdivy", "xlogy",
    # tapegrad.math extras and special functions
    "mul_no_nan", "xlog1py", "zeta", "digamma", "lgamma", "erfc", "erfinv", "ndtri", "bessel_i0e", "bessel_i1e",
    # linalg_extra (rules that broadcast the primal matrices against the cotangent's batch)
    "cross", "eig", "matrix_exponential", "matrix_square_root", "tridiagonal_solve",
    # array_extra (rules that gather along the cotangent's leading axes)
    "dynamic_partition", "dynamic_stitch",
    # special_extra (elementwise)
    "betainc", "igamma", "igammac", "nextafter",
    # nn_more (rules that broadcast the saved gradient / averaging matrix against the cotangent)
    "ctc_loss", "isotonic_regression",
    # fft (rules are transforms over the innermost axes)
    "fft", "irfft", "rfft")


def _plus_one(v, nd):
    return v + 1


def _build():
    r = REGISTRY  # a name not registered is skipped: the test that every primitive has a rule catches it
    vjp = {name: p.vjp for name, p in r.items()}
    table = dict.fromkeys(_BROADCAST_SAFE, BROADCAST)
    lifted = {  # name -> parameter updates; primal inputs and outputs get the batch axis
        "top_k": {}, "sparse_softmax_cross_entropy_with_logits": {},
        "concat": {"axis": _shift}, "softmax_cross_entropy_with_logits": {"axis": _shift},
        "tile": {"multiples": lambda m, nd: (1,) + tuple(m)},
        "pad": {"paddings": lambda p, nd: ((0, 0),) + tuple(p)},
        "strided_slice": {"key": lambda k, nd: (slice(None),) + tuple(k)},
        "gather": {"axis": _shift, "batch_dims": _plus_one}, "gather_grad": {"axis": _shift, "batch_dims": _plus_one},
        "gather_nd": {"batch_dims": _plus_one}, "gather_nd_grad": {"batch_dims": _plus_one},
        **{n: {"axes": _shift} for n in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
                                         "reduce_logsumexp")},
    }
    shifted = {  # name -> parameter updates; the rule broadcasts g against the primal values as they are
        "transpose": {"perm": lambda perm, nd: (0,) + tuple(int(a) + 1 for a in perm)},
        "strided_slice_grad": {"key": lambda k, nd: (slice(None),) + tuple(k)},
        **{n: {"axis": _shift} for n in ("stack", "unstack", "split", "cumsum", "cumprod", "softmax", "log_softmax",
                                         "cumulative_logsumexp")},
        "reverse": {"axes": _shift},
    }
    for name, params in lifted.items():
        if name in vjp:
            table[name] = _per_input(vjp[name], lift=True, **params)
    for name, params in shifted.items():
        if name in vjp:
            table[name] = _per_input(vjp[name], **params)
    table.update({
        "einsum": tuple(_einsum(i) for i in range(len(vjp["einsum"]))),
        "matmul": (_matmul_a, _matmul_b),
        "reshape": (lambda g, out, x, shape: _reshape(g, g._value.shape[:1] + _shape(x)),),
        "l2_loss": (_l2_loss,),
        "bias_add": (vjp["bias_add"][0], _bias_add_bias),
        "tensor_scatter_nd_add": (vjp["tensor_scatter_nd_add"][0], None,
                                  lambda g, out, x, idx, upd: _gather_nd_rows(g, idx)),
        "tensor_scatter_nd_sub": (vjp["tensor_scatter_nd_sub"][0], None,
                                  lambda g, out, x, idx, upd: _math.negative(_gather_nd_rows(g, idx))),
        "tensor_scatter_nd_update": (_scatter_update_x, None, lambda g, out, x, idx, upd: _gather_nd_rows(g, idx)),
        "tensor_scatter_nd_max": _scatter_extreme, "tensor_scatter_nd_min": _scatter_extreme,
        "segment_max": _segment_extreme, "segment_min": _segment_extreme, "segment_prod": _segment_prod,
        "conv": (_conv_dx, _conv_dw),
        "conv_input_grad": (_input_grad_dg, _input_grad_dw),
        "conv_filter_grad": (_filter_grad_dx, _filter_grad_dg),
        "max_pool": (_pool_fold(_conv.max_pool_grad_p),),
        "max_pool_grad": (vjp["max_pool_grad"][0], _pool_fold(_conv.max_pool_grad_grad_p)),
        "max_pool_grad_grad": (vjp["max_pool_grad_grad"][0], _pool_fold(_conv.max_pool_grad_p)),
        "avg_pool": (_avg_pool,),
        "avg_pool_grad": (_avg_pool_grad,),
    })
    return {r[name]: (vjp[name], rule) for name, rule in table.items() if name in r}


def register(prim, rule=BROADCAST):
    """Gives ``prim`` a batched VJP rule (or declares its rule ``BROADCAST``-safe) for ``tape.jacobian``."""
    TABLE[prim] = (prim.vjp, rule)


# --- the batched backward pass ---------------------------------------------------------------
class Batch:
    """What ``tape.backward`` needs for ``size`` stacked cotangents: rules, unbroadcasting and zeros."""

    __slots__ = ("size",)

    def __init__(self, size):
        self.size = size

    def rules(self, prim):
        """The batched rule(s) of ``prim``, in its VJP form; a loop of its rule where it has none."""
        entry = TABLE.get(prim)
        if entry is None or entry[0] is not prim.vjp:  # none, or the rule was replaced (RegisterGradient)
            return _looped(prim, prim.vjp)
        return prim.vjp if entry[1] is BROADCAST else entry[1]

    def unbroadcast(self, g, shape):
        """Sums a batched cotangent back to ``[size] + shape`` (a result without the batch axis is broadcast)."""
        full = (self.size,) + tuple(shape)
        gshape = g._value.shape
        if gshape == full:
            return g
        n = len(shape)
        if len(gshape) <= n:  # the rule's result does not depend on g (zeros)
            return _exec(_array.broadcast_to_p, _unbroadcast(g, shape) if gshape != shape else g, shape=full)
        lead = len(gshape) - 1 - n
        axes = tuple(range(1, 1 + lead)) + tuple(1 + lead + i for i, d in enumerate(shape)
                                                 if d == 1 and gshape[1 + lead + i] != 1)
        if axes:
            g = _exec(_reduce.reduce_sum_p, g, axes=axes, keepdims=False)
        if g._value.shape != full:
            prim = _array.reshape_p if g._value.size == int(np.prod(full)) else _array.broadcast_to_p
            g = _exec(prim, g, shape=full)
        return g

    def zeros(self, spec):
        """The zero cotangent of an output that got none (``spec``: a Tensor or a Spec)."""
        dtype = spec._value.dtype if type(spec) is Tensor else spec._np_dtype
        return Tensor(np.zeros((self.size,) + _shape(spec), dtype))


def _warn(prim):
    if prim.name not in _warned:
        _warned.add(prim.name)
        frame, level = sys._getframe(1), 2
        while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):  # point at the user's call
            frame, level = frame.f_back, level + 1
        warnings.warn(f"tape.jacobian: the VJP rule of '{prim.name}' has no batched form, so it runs once per "
                      "row of the jacobian (a loop: the result is the same, only slower). Give it one with "
                      "tapegrad.experimental.register_batch_rule(primitive, rule).", stacklevel=level)


def _unbatch(g):
    """The batch elements of a batched cotangent (a tuple of them for a multiple-results op)."""
    if type(g) is tuple:
        return list(zip(*[_exec(_array.unstack_p, gi, axis=0) for gi in g])) if _size(g) else []
    return list(_exec(_array.unstack_p, g, axis=0)) if _size(g) else []


def _stacked(rows, x):
    """Per-element cotangents of input ``x`` (None where unconnected) stacked on a batch axis."""
    if rows and all(r is None for r in rows):
        return None
    shape = _shape(x)
    dtype = x._value.dtype if type(x) is Tensor else x._np_dtype
    dense = []
    for r in rows:
        if r is None:
            r = Tensor(np.zeros(shape, dtype))
        elif type(r) is IndexedSlices:
            r = r._as_tensor()
        elif r._value.shape != shape:
            r = _unbroadcast(r, shape)
        dense.append(r)
    if not dense:
        return Tensor(np.zeros((0,) + shape, dtype))
    return _execute(_array.stack_p, tuple(dense), {"axis": 0})


def _loop_one(prim, rule, i):
    def looped(g, out, *inputs, **params):
        _warn(prim)
        return _stacked([rule(gb, out, *inputs, **params) for gb in _unbatch(g)], inputs[i])
    return looped


def _looped(prim, rules):
    """The ordinary rule(s) of ``prim`` run once per batch element, the results stacked."""
    if type(rules) is tuple:
        return tuple(None if r is None else _loop_one(prim, r, i) for i, r in enumerate(rules))

    def looped(g, out, *inputs, **params):
        _warn(prim)
        results = [rules(gb, out, *inputs, **params) for gb in _unbatch(g)]
        return [_stacked([r[k] for r in results], x) for k, x in enumerate(inputs)]
    return looped


TABLE = _build()
