"""Convolution and pooling (``tf.nn.conv1d/conv2d/conv2d_transpose/depthwise_conv2d`` and max/avg pooling).

Kernels are N-d and channels-last: an input is ``[batch, *spatial, channels]``, a filter
``[*kernel, in_channels / groups, out_channels]``. The public functions check arguments as
TF 2.21 does (ValueError where TF's Python layer raises, TypeError for a wrongly typed attr,
InvalidArgumentError/UnimplementedError where TF's kernel raises), turn 'SAME'/'VALID'/explicit
padding into explicit ``(before, after)`` pairs with TF's rules, and transpose channels-first
('NCHW', 'NCW') data around the kernels.

Convolution is im2col: a strided view of the padded input (``as_strided``, no copy) reshaped
to ``[positions, kernel * channels]`` (one copy) and one GEMM. The three convolution
primitives form a closed family, so every derivative order is again a convolution:

  conv(x, w)                    -> y     d/dx: conv_input_grad(g, w)   d/dw: conv_filter_grad(x, g)
  conv_input_grad(g, w)  (dx)   -> x-shaped   d/dg: conv(c, w)         d/dw: conv_filter_grad(c, g)
  conv_filter_grad(x, g) (dw)   -> w-shaped   d/dx: conv_input_grad(g, c)   d/dg: conv(x, c)

(``conv2d_transpose`` is ``conv_input_grad``; ``depthwise_conv2d`` is a grouped ``conv``.)
Pooling: ``max_pool`` -> ``max_pool_grad(x, g)`` (scatters g to each window's argmax) ->
``max_pool_grad_grad(x, h)`` (gathers h at the argmaxes), whose gradient is ``max_pool_grad``
again; ``avg_pool`` and ``avg_pool_grad`` are each other's transposes.
"""
import math as _pymath
import numbers

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import errors
from .._core import dtypes as _dt
from .._core.forwardprop import linear_jvp, multilinear_jvp
from .._core.primitive import Primitive
from .._core.tensor import Tensor
from . import array as _array
from ._util import execute, tensor

# ============================================================================== kernels
_HALF = {np.dtype(np.float16)} | ({_dt.bfloat16._np} if _dt.bfloat16 is not None else set())


def _ctype(dtype):
    """The dtype to compute in: float32 for half and bfloat16 (as TF accumulates), else the dtype."""
    return np.dtype(np.float32) if dtype in _HALF else dtype


def _shape(x):
    """The shape tuple of a saved input (a Tensor or a Spec)."""
    return x._value.shape if type(x) is Tensor else tuple(x.shape)


def _out_size(size, eff, stride, lo, hi):
    """TF's windowed output size (C++ division, so a slightly negative numerator gives 0)."""
    n = size + lo + hi - eff + stride
    return n // stride if n >= 0 else -((-n) // stride)


def _pad(x, pads, value=0):
    """``x`` ([N, *spatial, C]) padded by ``pads`` ((lo, hi) per spatial dim) with ``value``."""
    if not any(lo or hi for lo, hi in pads):
        return x
    return np.pad(x, ((0, 0),) + tuple(pads) + ((0, 0),), constant_values=value)


def _windows(xp, out, ksize, strides, dilations):
    """A read-only view ``[N, *out, *ksize, C]`` of the windows of ``xp`` (no copy)."""
    st = xp.strides
    sp = st[1:-1]
    shape = (xp.shape[0],) + tuple(out) + tuple(ksize) + (xp.shape[-1],)
    strides = ((st[0],) + tuple(a * s for a, s in zip(sp, strides)) + tuple(a * d for a, d in zip(sp, dilations))
               + (st[-1],))
    return as_strided(xp, shape, strides, writeable=False)


def _group_windows(xp, out, ksize, strides, dilations, groups):
    """A view ``[G, N, *out, *ksize, C / G]``: the windows of each channel group."""
    st = xp.strides
    sp = st[1:-1]
    cg = xp.shape[-1] // groups
    shape = (groups, xp.shape[0]) + tuple(out) + tuple(ksize) + (cg,)
    strides = ((cg * st[-1], st[0]) + tuple(a * s for a, s in zip(sp, strides))
               + tuple(a * d for a, d in zip(sp, dilations)) + (st[-1],))
    return as_strided(xp, shape, strides, writeable=False)


def _kernel_slices(ksize, out, strides, dilations):
    """For each kernel offset (row-major): its flat index and the slice of the padded input it reads."""
    for j, kidx in enumerate(np.ndindex(*ksize)):
        yield j, kidx, (slice(None),) + tuple(
            slice(k * d, k * d + (o - 1) * s + 1, s) for k, o, s, d in zip(kidx, out, strides, dilations)
        ) + (slice(None),)


def _im2col(xp, out, ksize, strides, dilations):
    """The ``[N * prod(out), prod(ksize) * C]`` matrix of windows of ``xp`` (one copy).

    With one channel the copy is made kernel-offset-major (one contiguous block per offset, much
    faster than the element-wise strided copy) and returned as a transposed view, which BLAS takes as is.
    """
    n_, c = xp.shape[0], xp.shape[-1]
    kp = _pymath.prod(ksize)
    if c == 1:
        cols = np.empty((kp, n_) + tuple(out) + (1,), xp.dtype)
        for j, _, key in _kernel_slices(ksize, out, strides, dilations):
            cols[j] = xp[key]
        return cols.reshape(kp, -1).T
    return _windows(xp, out, ksize, strides, dilations).reshape(-1, kp * c)


def _crop(xp, pads, sizes):
    if not any(lo or hi for lo, hi in pads):
        return xp
    key = (slice(None),) + tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, sizes)) + (slice(None),)
    return np.ascontiguousarray(xp[key])


def _conv_dims(x_shape, w_shape):
    """(groups, channels per group, outputs per group) of a convolution."""
    c, cg, cout = x_shape[-1], w_shape[-2], w_shape[-1]
    groups = c // cg if cg else 1
    return groups, cg, cout // groups if groups else cout


def _conv_impl(x, w, strides, dilations, pads):
    nsp = x.ndim - 2
    ksize = w.shape[:nsp]
    eff = [(k - 1) * d + 1 for k, d in zip(ksize, dilations)]
    out = [_out_size(n, e, s, lo, hi) for n, e, s, (lo, hi) in zip(x.shape[1:-1], eff, strides, pads)]
    n_, cout = x.shape[0], w.shape[-1]
    dt = np.result_type(x.dtype, w.dtype)
    if min(out + [n_, cout, x.shape[-1]]) <= 0:
        return np.zeros((n_,) + tuple(out) + (cout,), dt)
    ct = _ctype(dt)
    groups, cg, og = _conv_dims(x.shape, w.shape)
    xp = _pad(x.astype(ct, copy=False), pads)
    w = w.astype(ct, copy=False)
    m, kp = n_ * _pymath.prod(out), _pymath.prod(ksize)
    if groups == 1:
        y = _im2col(xp, out, ksize, strides, dilations) @ w.reshape(kp * cg, cout)
    else:
        cols = _group_windows(xp, out, ksize, strides, dilations, groups).reshape(groups, m, kp * cg)
        wg = w.reshape(kp, cg, groups, og).transpose(2, 0, 1, 3).reshape(groups, kp * cg, og)
        y = np.matmul(cols, wg).transpose(1, 0, 2)
    return y.reshape((n_,) + tuple(out) + (cout,)).astype(dt, copy=False)


def _conv_filter_grad_impl(x, g, filter_shape, strides, dilations, pads):
    nsp = x.ndim - 2
    ksize, out = tuple(filter_shape[:nsp]), g.shape[1:-1]
    dt = np.result_type(x.dtype, g.dtype)
    if min(out + (x.shape[0], x.shape[-1], g.shape[-1])) <= 0:
        return np.zeros(filter_shape, dt)
    ct = _ctype(dt)
    groups, cg, og = _conv_dims(x.shape, filter_shape)
    xp = _pad(x.astype(ct, copy=False), pads)
    g = g.astype(ct, copy=False)
    m, kp, cout = x.shape[0] * _pymath.prod(out), _pymath.prod(ksize), g.shape[-1]
    if groups == 1:
        dw = _im2col(xp, out, ksize, strides, dilations).T @ g.reshape(m, cout)
    else:
        cols = _group_windows(xp, out, ksize, strides, dilations, groups).reshape(groups, m, kp * cg)
        gg = g.reshape(m, groups, og).transpose(1, 0, 2)
        dw = np.matmul(cols.transpose(0, 2, 1), gg).reshape(groups, kp, cg, og).transpose(1, 2, 0, 3)
    return np.ascontiguousarray(dw.reshape(filter_shape), dtype=dt)


def _unpadded_slices(ksize, out, strides, dilations, pads, sizes):
    """For each kernel offset (row-major) whose reads touch the unpadded input: its flat index, its
    index, the slice of the unpadded input it reads and the slice of the output positions that read it."""
    for j, kidx in enumerate(np.ndindex(*ksize)):
        dst, src = [slice(None)], [slice(None)]
        for k, o, s, d, (lo, _), n in zip(kidx, out, strides, dilations, pads, sizes):
            first = max(0, -((k * d - lo) // s))  # first output position reading at or after row lo
            last = min(o - 1, (n - 1 + lo - k * d) // s)  # last one reading before row lo + n
            if last < first:
                break
            start = k * d + first * s - lo
            dst.append(slice(start, start + (last - first) * s + 1, s))
            src.append(slice(first, last + 1))
        else:
            yield j, kidx, tuple(dst) + (slice(None),), tuple(src) + (slice(None),)


def _conv_input_grad_impl(g, w, input_shape, strides, dilations, pads):
    nsp = g.ndim - 2
    ksize, out = w.shape[:nsp], g.shape[1:-1]
    n_, c = input_shape[0], input_shape[-1]
    dt = np.result_type(g.dtype, w.dtype)
    if min(out + (n_, c, g.shape[-1])) <= 0:
        return np.zeros(input_shape, dt)
    ct = _ctype(dt)
    groups, cg, og = _conv_dims(input_shape, w.shape)
    g, w = g.astype(ct, copy=False), w.astype(ct, copy=False)
    m, kp, cout = n_ * _pymath.prod(out), _pymath.prod(ksize), g.shape[-1]
    if groups == 1:  # kernel-offset-major columns [K, M, C]: each col2im add reads a contiguous block
        if c == 1:
            dcols = w.reshape(kp, cout) @ g.reshape(m, cout).T
        else:
            dcols = np.matmul(g.reshape(1, m, cout), w.reshape(kp, c, cout).transpose(0, 2, 1))
        dcols = dcols.reshape((kp, n_) + tuple(out) + (c,))
    else:
        gg = g.reshape(m, groups, og).transpose(1, 0, 2)
        wg = w.reshape(kp, cg, groups, og).transpose(2, 0, 1, 3).reshape(groups, kp * cg, og)
        dcols = np.matmul(gg, wg.transpose(0, 2, 1)).reshape(groups, m, kp, cg).transpose(1, 2, 0, 3)
        dcols = dcols.reshape((n_,) + tuple(out) + tuple(ksize) + (c,))
    lead = (slice(None),) * (1 + nsp)
    parts = [(dst, (dcols[j] if groups == 1 else dcols[lead + kidx])[src])
             for j, kidx, dst, src in _unpadded_slices(ksize, out, strides, dilations, pads, input_shape[1:-1])]
    full = [i for i, (_, part) in enumerate(parts) if part.shape == tuple(input_shape)]
    # col2im, one add per kernel offset, starting from an offset that reads every input element if one does
    dx = parts.pop(full[0])[1].copy() if full else np.zeros(input_shape, ct)
    for dst, part in parts:
        dx[dst] += part
    return dx.astype(dt, copy=False)


def _conv_dx(g, out, x, w, **p):
    return execute(conv_input_grad_p, (g, w), dict(input_shape=_shape(x), **p))


def _conv_dw(g, out, x, w, **p):
    return execute(conv_filter_grad_p, (x, g), dict(filter_shape=_shape(w), **p))


conv_p = Primitive("conv", _conv_impl, (_conv_dx, _conv_dw))
conv_p.jvp = multilinear_jvp(conv_p)  # conv(tx, w) + conv(x, tw): the three conv primitives are bilinear

conv_input_grad_p = Primitive("conv_input_grad", _conv_input_grad_impl, (
    lambda c, out, g, w, input_shape, **p: execute(conv_p, (c, w), p),                     # conv(c, w)
    lambda c, out, g, w, input_shape, **p: execute(conv_filter_grad_p, (c, g),             # filter_grad(c, g)
                                                   dict(filter_shape=_shape(w), **p)),
))
conv_input_grad_p.jvp = multilinear_jvp(conv_input_grad_p)

conv_filter_grad_p = Primitive("conv_filter_grad", _conv_filter_grad_impl, (
    lambda c, out, x, g, filter_shape, **p: execute(conv_input_grad_p, (g, c),             # input_grad(g, c)
                                                    dict(input_shape=_shape(x), **p)),
    lambda c, out, x, g, filter_shape, **p: execute(conv_p, (x, c), p),                    # conv(x, c)
))
conv_filter_grad_p.jvp = multilinear_jvp(conv_filter_grad_p)


# --- pooling kernels ----------------------------------------------------------------
def _pool_out(in_sizes, ksize, strides, pads):
    return [_out_size(n, k, s, lo, hi) for n, k, s, (lo, hi) in zip(in_sizes, ksize, strides, pads)]


def _lowest(dtype):
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _pad_value(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool_impl(x, ksize, strides, pads):
    out = _pool_out(x.shape[1:-1], ksize, strides, pads)
    dt = x.dtype
    if min(out + [x.shape[0], x.shape[-1]]) <= 0:
        return np.zeros((x.shape[0],) + tuple(out) + (x.shape[-1],), dt)
    ct = _ctype(dt)
    xp = _pad(x.astype(ct, copy=False), pads, _pad_value(ct))
    if ct.kind == "f":  # TF starts from the lowest finite value and ignores NaN
        y = _window_max(xp, ksize, strides, out, np.fmax)
        np.fmax(y, _lowest(ct), out=y)
    else:
        y = _window_max(xp, ksize, strides, out, np.maximum)
    return y.astype(dt, copy=False)


def _window_max(xp, ksize, strides, out, ufunc):
    """The max over each window, one elementwise ``ufunc`` per kernel offset (much faster than a
    reduction over the strided window view)."""
    y = None
    for _, _, key in _kernel_slices(ksize, out, strides, (1,) * len(ksize)):
        y = xp[key].copy() if y is None else ufunc(y, xp[key], out=y)
    return y


def _argmax(x, ksize, strides, pads):
    """Flat (row-major) window index of each window's max, as TF's CPU MaxPoolGrad picks it.

    TF starts at the window's first real (unpadded) element and moves only to a strictly greater
    one: the first max wins ties, NaN is skipped unless it is the first real element, and a window
    of -inf (or NaN) keeps its first real element.
    """
    nsp = x.ndim - 2
    out = _pool_out(x.shape[1:-1], ksize, strides, pads)
    if min(out + [x.shape[0], x.shape[-1]]) <= 0:
        return np.zeros((x.shape[0],) + tuple(out) + (x.shape[-1],), np.intp), out
    ct = _ctype(x.dtype)
    pad_value = _pad_value(ct)
    xp = _pad(x.astype(ct, copy=False), pads, pad_value)
    v = _windows(xp, out, ksize, strides, (1,) * nsp)
    perm = (0,) + tuple(range(1, 1 + nsp)) + (1 + 2 * nsp,) + tuple(range(1 + nsp, 1 + 2 * nsp))
    w = v.transpose(perm).reshape(v.shape[:1 + nsp] + (x.shape[-1], _pymath.prod(ksize)))  # [N, *out, C, K], a copy
    nan = np.isnan(w) if ct.kind == "f" else None
    has_nan = nan is not None and nan.any()
    if has_nan:
        w = np.where(nan, ct.type(-np.inf), w)
    am = w.argmax(-1)
    fix = np.take_along_axis(w, am[..., None], -1)[..., 0] == pad_value
    if has_nan or fix.any():
        first = np.zeros((1,) + tuple(out) + (1,), np.intp)  # flat index of each window's first real element
        for i, (k, s, (lo, _)) in enumerate(zip(ksize, strides, pads)):
            f = np.maximum(lo - np.arange(out[i]) * s, 0) * _pymath.prod(ksize[i + 1:])
            first = first + f.reshape((1,) + (1,) * i + (-1,) + (1,) * (nsp - i - 1) + (1,))
        first = np.broadcast_to(first, am.shape)
        if has_nan:
            fix |= np.take_along_axis(nan, first[..., None], -1)[..., 0]
        am = np.where(fix, first, am)
    return am, out


def _argmax_masks(x, ksize, strides, pads):
    """For each kernel offset (row-major): the slice of the padded input it reads and the boolean mask
    of the windows whose max TF takes there (``_argmax == j``), and the output size.

    Without NaN, a window's max is its first element equal to the window maximum: K comparisons
    instead of an argmax over a transposed copy. NaN, windows of a padded input whose maximum is the
    padding value, and windows whose maximum is missing, take the exact ``_argmax`` path.
    """
    out = _pool_out(x.shape[1:-1], ksize, strides, pads)
    slices = [key for _, _, key in _kernel_slices(ksize, out, strides, (1,) * len(ksize))]
    ct = _ctype(x.dtype)
    if min(out + [x.shape[0], x.shape[-1]]) > 0 and not (ct.kind == "f" and np.isnan(x).any()):
        pad_value = _pad_value(ct)
        xp = _pad(x.astype(ct, copy=False), pads, pad_value)
        y = _window_max(xp, ksize, strides, out, np.maximum)
        masks, found = [], None
        for key in slices:
            hit = xp[key] == y
            if found is None:
                found = hit.copy()
            else:
                hit &= ~found
                found |= hit
            masks.append(hit)
        padded = any(lo or hi for lo, hi in pads)
        if found.all() and not (padded and (y == pad_value).any()):  # unpadded: the first element is real
            return slices, masks, out
    am, out = _argmax(x, ksize, strides, pads)
    return slices, [am == j for j in range(len(slices))], out


def _max_pool_grad_impl(x, g, ksize, strides, pads):
    slices, masks, out = _argmax_masks(x, ksize, strides, pads)
    ct = _ctype(np.result_type(x.dtype, g.dtype))
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[1:-1], pads))
    disjoint = all(s >= k for s, k in zip(strides, ksize))  # each input element in one window at most
    tiled = all(s == k and o * s == n for s, k, o, n in zip(strides, ksize, out, padded))  # ... and in one exactly
    dxp = (np.empty if g.size and tiled else np.zeros)((x.shape[0],) + padded + (x.shape[-1],), ct)
    if g.size:
        g = g.astype(ct, copy=False)
        for key, mask in zip(slices, masks):
            if disjoint:
                np.multiply(g, mask, out=dxp[key])
            else:
                dxp[key] += g * mask
    return _crop(dxp, pads, x.shape[1:-1]).astype(x.dtype, copy=False)


def _max_pool_grad_grad_impl(x, h, ksize, strides, pads):
    slices, masks, out = _argmax_masks(x, ksize, strides, pads)
    y = np.zeros((x.shape[0],) + tuple(out) + (x.shape[-1],), h.dtype)
    if y.size:
        hp = _pad(h, pads)
        for key, mask in zip(slices, masks):
            np.copyto(y, hp[key], where=mask)
    return y


max_pool_p = Primitive("max_pool", _max_pool_impl, (
    lambda g, out, x, **p: execute(max_pool_grad_p, (x, g), p),  # g scattered to each window's argmax
), jvp=lambda ts, out, x, **p: execute(max_pool_grad_grad_p, (x, ts[0]), p))  # t gathered at the argmaxes

max_pool_grad_p = Primitive("max_pool_grad", _max_pool_grad_impl, (
    lambda c, out, x, g, **p: _array.zeros_like(x),                # piecewise constant in x (TF: zeros)
    lambda c, out, x, g, **p: execute(max_pool_grad_grad_p, (x, c), p),  # c gathered at the argmaxes
))
max_pool_grad_p.jvp = multilinear_jvp(max_pool_grad_p, (1,))  # linear in g, piecewise constant in x

max_pool_grad_grad_p = Primitive("max_pool_grad_grad", _max_pool_grad_grad_impl, (
    lambda c, out, x, h, **p: _array.zeros_like(x),
    lambda c, out, x, h, **p: execute(max_pool_grad_p, (x, c), p),
))
max_pool_grad_grad_p.jvp = multilinear_jvp(max_pool_grad_grad_p, (1,))


def _avg_counts(in_sizes, out, ksize, strides, pads):
    """Number of real (unpadded) elements in each window, shaped to broadcast against [N, *out, C]."""
    nsp = len(in_sizes)
    counts = np.ones((1,) + tuple(out) + (1,), np.int64)
    for i, (n, o, k, s, (lo, _)) in enumerate(zip(in_sizes, out, ksize, strides, pads)):
        start = np.arange(o) * s - lo
        c = np.minimum(start + k, n) - np.maximum(start, 0)
        counts = counts * c.reshape((1,) + (1,) * i + (-1,) + (1,) * (nsp - i - 1) + (1,))
    return counts


def _avg_pool_impl(x, ksize, strides, pads):
    nsp = x.ndim - 2
    out = _pool_out(x.shape[1:-1], ksize, strides, pads)
    if min(out + [x.shape[0], x.shape[-1]]) <= 0:
        return np.zeros((x.shape[0],) + tuple(out) + (x.shape[-1],), x.dtype)
    ct = _ctype(x.dtype)
    xp = _pad(x.astype(ct, copy=False), pads)
    s = _windows(xp, out, ksize, strides, (1,) * nsp).sum(axis=tuple(range(1 + nsp, 1 + 2 * nsp)))
    return (s / _avg_counts(x.shape[1:-1], out, ksize, strides, pads).astype(ct)).astype(x.dtype, copy=False)


def _avg_pool_grad_impl(g, input_shape, ksize, strides, pads):
    out = g.shape[1:-1]
    ct = _ctype(g.dtype)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(input_shape[1:-1], pads))
    dxp = np.zeros((input_shape[0],) + padded + (input_shape[-1],), ct)
    if g.size:
        gc = g.astype(ct) / _avg_counts(input_shape[1:-1], out, ksize, strides, pads).astype(ct)
        for _, _, key in _kernel_slices(ksize, out, strides, (1,) * len(ksize)):
            dxp[key] += gc
    return _crop(dxp, pads, input_shape[1:-1]).astype(g.dtype, copy=False)


avg_pool_p = Primitive("avg_pool", _avg_pool_impl, (
    lambda g, out, x, **p: execute(avg_pool_grad_p, (g,), dict(input_shape=_shape(x), **p)),
), save_inputs=False)
avg_pool_p.jvp = linear_jvp(avg_pool_p)  # both pools of averages are linear

avg_pool_grad_p = Primitive("avg_pool_grad", _avg_pool_grad_impl, (
    lambda c, out, g, input_shape, **p: execute(avg_pool_p, (c,), p),  # its transpose is avg_pool
), save_inputs=False)
avg_pool_grad_p.jvp = linear_jvp(avg_pool_grad_p)


# ============================================================================== TF's argument handling
def _invalid(op, message):
    return errors.InvalidArgumentError(None, op, f"{message} [Op:{op}]")


def _unimplemented(op, message):
    return errors.UnimplementedError(None, op, f"{message} [Op:{op}]")


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _get_sequence(value, n, channel_index, name):
    """TF's ``_get_sequence``: an int or a list of 1, n or n + 2 ints, as n + 2 ints."""
    if value is None:
        return [1] * (n + 2)
    if isinstance(value, (list, tuple)):
        value = list(value)
    elif isinstance(value, (Tensor, np.ndarray)):
        arr = _array._static(value, name)
        if arr.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        value = arr.tolist()
    else:
        value = [value]
    for v in value:
        if not isinstance(v, numbers.Real):
            raise TypeError(f"Expected int for argument '{name}' not {v!r}.")
    value = [int(v) for v in value]  # TF truncates floats (2.5 -> 2)
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of length "
                         f"{len(value)}")
    return [1, 1] + value if channel_index == 1 else [1] + value + [1]


def _convert_padding(padding, expected_length):
    """TF's ``convert_padding``: ('EXPLICIT', pairs) for a list of pairs, else (padding, None)."""
    if isinstance(padding, str) and padding == "EXPLICIT":
        raise ValueError("'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` must "
                         "be a list.")
    if isinstance(padding, (list, tuple)):
        for i, dim in enumerate(padding):
            if not isinstance(dim, (list, tuple)):
                raise ValueError("When `padding` is a list, each element of `padding` must be a list/tuple of size "
                                 f"2. Received: padding={padding} with element at index {i} of type {type(dim)}")
            if len(dim) != 2:
                raise ValueError("When `padding` is a list, each element of `padding` must be a list/tuple of size "
                                 f"2. Received: padding={padding} with element at index {i} of size {len(dim)}")
        if len(padding) != expected_length:
            raise ValueError(f"When padding is a list, it must be of size {expected_length}. Received: "
                             f"padding={padding} of size {len(padding)}")
        return "EXPLICIT", [[int(a), int(b)] for a, b in padding]
    return padding, None


def _check_padding_attr(op, padding, allowed=("SAME", "VALID", "EXPLICIT")):
    if not isinstance(padding, str):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    if padding not in allowed:
        values = ", ".join(f'"{a}"' for a in allowed)
        hint = f": use '{padding.upper()}'" if padding.upper() in allowed else ""
        raise _invalid(op, f"Value for attr 'padding' of \"{padding}\" is not in the list of allowed values: "
                           f"{values}{hint}")


def _check_format_attr(op, data_format, allowed):
    if data_format not in allowed:
        values = ", ".join(f'"{a}"' for a in allowed)
        raise _invalid(op, f"Value for attr 'data_format' of \"{data_format}\" is not in the list of allowed "
                           f"values: {values}")


_TF_NAMES = {"float16": "half", "float32": "float", "float64": "double"}
_CONV_T = ("float16", "bfloat16", "float32", "float64", "int32")
_FLOAT_T = ("float16", "bfloat16", "float32", "float64")
_MAX_POOL_T = _FLOAT_T + ("int32", "int64", "uint8", "int16", "int8", "uint16")


def _inputs(op, tensors, allowed):
    """Converts the op's tensor arguments; checks they share a dtype TF's kernel accepts."""
    ts = [tensor(t) for t in tensors]
    d0 = ts[0].dtype
    for i, t in enumerate(ts[1:], 1):
        if t.dtype != d0:
            raise _invalid(op, f"cannot compute {op} as input #{i}(zero-based) was expected to be a {d0.name} tensor "
                               f"but is a {t.dtype.name} tensor. Cast one with tapegrad.cast")
    if d0.name not in allowed:
        names = ", ".join(_TF_NAMES.get(a, a) for a in allowed)
        raise _invalid(op, f"Value for attr 'T' of {d0.name} is not in the list of allowed values: {names}")
    return ts


def _channels_last_perm(rank):
    return (0,) + tuple(range(2, rank)) + (1,)


def _channels_first_perm(rank):
    return (0, rank - 1) + tuple(range(1, rank - 1))


def _to_last(x, channels_first):
    return _array.transpose(x, _channels_last_perm(x.ndim)) if channels_first else x


def _to_first(y, channels_first):
    return _array.transpose(y, _channels_first_perm(y.ndim)) if channels_first else y


def _spatial(seq, channels_first):
    """The spatial entries of a full (n + 2) attr list in data_format order."""
    return tuple(seq[2:]) if channels_first else tuple(seq[1:-1])


def _check_window_attrs(op, strides, dilations, channels_first, *, unimplemented=True, kind="convolution"):
    c = 1 if channels_first else len(strides) - 1
    err = _unimplemented if unimplemented else _invalid
    if strides[0] != 1 or strides[c] != 1:
        raise err(op, "Current implementation does not yet support strides in the batch and depth dimensions. "
                      f"Got strides={strides}: stride only the spatial dimensions")
    if dilations is not None and (dilations[0] != 1 or dilations[c] != 1):
        raise err(op, "Current implementation does not yet support dilations in the batch and depth dimensions. "
                      f"Got dilations={dilations}: dilate only the spatial dimensions")
    if min(_spatial(strides, channels_first)) < 1:
        raise _invalid(op, f"Row and column strides should be larger than 0. Got strides={strides}")
    if dilations is not None and min(_spatial(dilations, channels_first)) < 1:
        raise _invalid(op, f"Dilated rates should be larger than 0. Got dilations={dilations}")


def _explicit_pairs(op, explicit, channels_first):
    """The spatial (before, after) pairs of a checked explicit padding list."""
    c = 1 if channels_first else len(explicit) - 1
    if any(v < 0 for pair in explicit for v in pair):
        raise _invalid(op, f"All elements of explicit_paddings must be nonnegative. Got padding={explicit}")
    if any(explicit[0]) or any(explicit[c]):
        raise _invalid(op, "Nonzero explicit padding in the batch or depth dimensions is not supported. Got "
                           f"padding={explicit}: pad only the spatial dimensions")
    return tuple(tuple(p) for p in _spatial(explicit, channels_first))


def _window_pads(op, in_sizes, eff, strides, padding, explicit):
    """(before, after) per spatial dim by TF's rules; InvalidArgumentError for a negative output size."""
    pads = []
    for i, (n, e, s) in enumerate(zip(in_sizes, eff, strides)):
        if padding == "SAME":
            out = (n + s - 1) // s
            need = max((out - 1) * s + e - n, 0)
            lo, hi = need // 2, need - need // 2
        elif padding == "VALID":
            lo = hi = 0
        else:
            lo, hi = explicit[i]
        out = _out_size(n, e, s, lo, hi)
        if out < 0:
            raise _invalid(op, f"Computed output size would be negative: {out} [input_size: {n}, "
                               f"effective_filter_size: {e}, stride: {s}]. The (dilated) window is larger than the "
                               "padded input: use padding='SAME', a smaller filter or dilation, or a larger input")
        pads.append((lo, hi))
    return tuple(pads)


# ============================================================================== convolution
def _conv(op, x, w, strides, dilations, padding, explicit, channels_first, fmt):
    """Checks a convolution (x of rank nsp + 2, w of rank nsp + 2, full strides) and runs conv_p."""
    nsp = len(strides) - 2
    _check_window_attrs(op, strides, dilations, channels_first)
    pads_explicit = _explicit_pairs(op, explicit, channels_first) if padding == "EXPLICIT" else None
    xs, ws = x._value.shape, w._value.shape
    if len(xs) != nsp + 2:
        raise _invalid(op, f"convolution input must be {nsp + 2}-dimensional: {_dims(xs)} (expected "
                           f"[batch, {'channels, ' if channels_first else ''}{', '.join(['spatial'] * nsp)}"
                           f"{'' if channels_first else ', channels'}] for data_format {fmt})")
    if len(ws) != nsp + 2:
        raise _invalid(op, f"convolution filter must be {nsp + 2}-dimensional: {_dims(ws)} (expected "
                           f"[{', '.join(['filter_size'] * nsp)}, in_channels, out_channels])")
    c_in = xs[1] if channels_first else xs[-1]
    if ws[-2] == 0 or c_in % ws[-2]:
        raise _invalid(op, f"input depth must be evenly divisible by filter depth: {c_in} vs {ws[-2]} (input shape "
                           f"{_dims(xs)} with data_format {fmt}, filter shape {_dims(ws)}: the filter's in_channels "
                           "dimension (-2) must match the input's channel dimension)")
    groups = c_in // ws[-2]
    if ws[-1] % groups:
        raise _invalid(op, f"output depth must be evenly divisible by number of groups: {ws[-1]} vs {groups} "
                           f"(input shape {_dims(xs)}, filter shape {_dims(ws)})")
    sp_strides, sp_dil = _spatial(strides, channels_first), _spatial(dilations, channels_first)
    in_sizes = xs[2:] if channels_first else xs[1:-1]
    eff = [(k - 1) * d + 1 for k, d in zip(ws[:nsp], sp_dil)]
    pads = _window_pads(op, in_sizes, eff, sp_strides, padding, pads_explicit)
    y = execute(conv_p, (_to_last(x, channels_first), w), {"strides": sp_strides, "dilations": sp_dil, "pads": pads})
    return _to_first(y, channels_first)


def _squeeze_batch(x, inner_rank, fn):
    """TF's ``squeeze_batch_dims``: folds the leading dims of a rank > inner_rank + 1 input into one."""
    shape = x._value.shape
    if len(shape) <= inner_rank + 1:
        return fn(x)
    lead = shape[:len(shape) - inner_rank]
    y = fn(_array.reshape(x, (-1,) + shape[len(lead):]))
    return _array.reshape(y, lead + y._value.shape[1:])


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    """2-D convolution (cross-correlation, as TF) of ``input`` with ``filters``.

    Args:
      input: ``[batch, height, width, channels]`` ('NHWC') or ``[batch, channels, height, width]``
        ('NCHW'); leading dims beyond one batch dim are folded, as TF's.
      filters: ``[filter_height, filter_width, in_channels / groups, out_channels]``; an input
        depth that is a multiple of ``in_channels`` is a grouped convolution.
      strides, dilations: an int, or a list of 1, 2 or 4 ints (batch and depth entries 1).
      padding: 'SAME', 'VALID', or explicit ``[[0, 0], [top, bottom], [left, right], [0, 0]]``
        (in ``data_format`` order).

    Raises:
      ValueError: malformed ``strides``/``dilations``/``padding`` lists (TF's Python layer).
      InvalidArgumentError: bad ranks, channel mismatch, negative output size, bad padding/format names.
      UnimplementedError: strides or dilations in the batch or depth dimensions.
    """
    op = "Conv2D"
    padding, explicit = _convert_padding(padding, 4)
    fmt = "NHWC" if data_format is None else data_format
    channels_first = isinstance(fmt, str) and fmt.startswith("NC")
    strides = _get_sequence(strides, 2, 1 if channels_first else 3, "strides")
    dilations = _get_sequence(dilations, 2, 1 if channels_first else 3, "dilations")
    x, w = _inputs(op, (input, filters), _CONV_T)
    _check_padding_attr(op, padding)
    _check_format_attr(op, fmt, ("NHWC", "NCHW"))
    return _squeeze_batch(x, 3, lambda x4: _conv(op, x4, w, strides, dilations, padding, explicit,
                                                 channels_first, fmt))


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):  # noqa: A002
    """1-D convolution of ``input`` (``batch_shape + [width, channels]``, or ``[channels, width]`` for 'NCW')
    with ``filters`` ``[filter_width, in_channels, out_channels]``.

    Args:
      stride, dilations: an int or a list of 1 or 3 ints.
      padding: 'SAME' or 'VALID' (TF's conv1d takes no explicit padding).
      data_format: 'NWC' (or its deprecated alias 'NHWC') or 'NCW' (alias 'NCHW').

    Raises:
      ValueError: another ``data_format``, malformed ``stride``/``dilations``.
      InvalidArgumentError: bad ranks, channel mismatch, negative output size.
    """
    op = "Conv2D"  # TF runs conv1d as Conv2D on an expanded input
    if data_format is None or data_format in ("NHWC", "NWC"):
        channels_first, fmt = False, "NWC"
    elif data_format in ("NCHW", "NCW"):
        channels_first, fmt = True, "NCW"
    else:
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    strides = _get_sequence(stride, 1, 1 if channels_first else 2, "stride")
    dilations = _get_sequence(dilations, 1, 1 if channels_first else 2, "dilations")
    x, w = _inputs(op, (input, filters), _CONV_T)
    _check_padding_attr(op, padding, ("SAME", "VALID"))
    return _squeeze_batch(x, 2, lambda x3: _conv(op, x3, w, strides, dilations, padding, None,
                                                 channels_first, fmt))


def _output_shape(op, output_shape, x, w, channels_first):
    if isinstance(output_shape, Tensor):
        dims = _array._static(output_shape, f"{op}'s output_shape").reshape(-1).tolist()
    elif hasattr(output_shape, "as_list"):  # a TensorShape
        dims = output_shape.as_list()
    else:
        arr = np.asarray(output_shape)
        if arr.size and arr.dtype.kind not in "iu":
            raise TypeError(f"Cannot convert {output_shape!r} to EagerTensor of dtype int32")
        dims = arr.reshape(-1).tolist()
    dims = [int(d) for d in dims]
    if len(dims) == 2:  # spatial sizes only: batch from the input, depth from the filter
        n, c = x._value.shape[0], w._value.shape[2]
        dims = [n, c] + dims if channels_first else [n] + dims + [c]
    elif len(dims) != 4:
        raise _invalid(op, f"Conv2DBackpropInput requires input_sizes to contain 4 values or 2 values, but got: "
                           f"{len(dims)} (output_shape={output_shape!r}; give [batch, height, width, channels] in "
                           "data_format order)")
    return dims


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC",  # noqa: A002
                     dilations=None, name=None):
    """The transpose (gradient with respect to the input) of ``conv2d``.

    Args:
      input: ``[batch, height, width, in_channels]`` ('NHWC') or channels-first ('NCHW').
      filters: ``[height, width, output_channels, in_channels]``.
      output_shape: the 4 (or 2 spatial) output sizes in ``data_format`` order: the shape of the
        ``conv2d`` input whose output has ``input``'s shape.
      strides, dilations: an int or a list of 1, 2 or 4 ints.
      padding: 'SAME', 'VALID' or an explicit list, as ``conv2d``'s.

    Raises:
      InvalidArgumentError: ``output_shape`` inconsistent with ``input``, ``filters`` and the window.
    """
    op = "Conv2DBackpropInput"
    fmt = "NHWC" if data_format is None else data_format
    channels_first = isinstance(fmt, str) and fmt.startswith("NC")
    strides = _get_sequence(strides, 2, 1 if channels_first else 3, "strides")
    dilations = _get_sequence(dilations, 2, 1 if channels_first else 3, "dilations")
    padding, explicit = _convert_padding(padding, 4)
    g, w = _inputs(op, (input, filters), _CONV_T)
    _check_padding_attr(op, padding)
    _check_format_attr(op, fmt, ("NHWC", "NCHW"))
    _check_window_attrs(op, strides, dilations, channels_first)
    pads_explicit = _explicit_pairs(op, explicit, channels_first) if padding == "EXPLICIT" else None
    gs, ws = g._value.shape, w._value.shape
    pre = "Conv2DCustomBackpropInput: "
    if len(ws) != 4:
        raise _invalid(op, f"{pre}filter must be 4-dimensional: {_dims(ws)} (expected [height, width, "
                           "output_channels, in_channels])")
    if len(gs) != 4:
        raise _invalid(op, f"{pre}out_backprop must be 4-dimensional: {_dims(gs)} (the input of conv2d_transpose, "
                           f"[batch, height, width, channels] for data_format {fmt})")
    dims = _output_shape(op, output_shape, g, w, channels_first)
    c_axis = 1 if channels_first else 3
    out_depth, g_depth = dims[c_axis], gs[c_axis]
    if ws[2] == 0 or out_depth % ws[2]:
        raise _invalid(op, f"{pre}input depth must be evenly divisible by filter depth: output_shape depth "
                           f"{out_depth} vs filters.shape[2] {ws[2]} (filters {_dims(ws)} are [height, width, "
                           "output_channels, in_channels])")
    if ws[3] != g_depth:
        raise _invalid(op, f"{pre}filter and out_backprop must have the same out_depth: filters.shape[3] {ws[3]} vs "
                           f"input depth {g_depth} (input {_dims(gs)}, filters {_dims(ws)})")
    groups = out_depth // ws[2]
    if ws[3] % groups:
        raise _invalid(op, f"{pre}output depth must be evenly divisible by number of groups: {ws[3]} vs {groups}")
    if dims[0] != gs[0]:
        raise _invalid(op, f"{pre}input and out_backprop must have the same batch size. Input batch: {dims[0]}, "
                           f"outbackprop batch: {gs[0]}, batch_dim: 0")
    sp_strides, sp_dil = _spatial(strides, channels_first), _spatial(dilations, channels_first)
    out_sizes = _spatial(dims, channels_first)
    eff = [(k - 1) * d + 1 for k, d in zip(ws[:2], sp_dil)]
    pads = _window_pads(op, out_sizes, eff, sp_strides, padding, pads_explicit)
    g_sizes = _spatial(gs, channels_first)
    for i, (n, e, s, (lo, hi)) in enumerate(zip(out_sizes, eff, sp_strides, pads)):
        computed = _out_size(n, e, s, lo, hi)
        if computed != g_sizes[i]:
            raise _invalid(op, f"{pre}Size of out_backprop doesn't match computed: actual = {g_sizes[i]}, computed = "
                               f"{computed} spatial_dim: {i + 1} input: {n} filter: {ws[i]} output: {g_sizes[i]} "
                               f"stride: {s} dilation: {sp_dil[i]}. A conv2d of an input of output_shape "
                               f"{dims} gives spatial size {computed}, not the input's {g_sizes[i]}: fix output_shape")
    input_shape = (dims[0],) + tuple(out_sizes) + (out_depth,)
    y = execute(conv_input_grad_p, (_to_last(g, channels_first), w),
                {"input_shape": input_shape, "strides": sp_strides, "dilations": sp_dil, "pads": pads})
    return _to_first(y, channels_first)


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """Depthwise 2-D convolution: channel ``k`` of ``input`` convolved with ``filter[:, :, k, :]``.

    Output channel ``k * channel_multiplier + q`` is
    ``sum_{di, dj} filter[di, dj, k, q] * input[b, strides[1] * i + rate[0] * di, strides[2] * j + rate[1] * dj, k]``.

    Args:
      filter: ``[filter_height, filter_width, in_channels, channel_multiplier]``.
      strides: a list of 4 ints ``[1, stride, stride, 1]`` (equal row and column strides, as TF's kernel).
      padding: 'SAME', 'VALID' or an explicit list of 4 pairs.
      dilations: None or 2 ints (the rate); with a rate above 1 all strides must be 1.

    Raises:
      ValueError: a rate above 1 with a stride above 1 (TF documents this as unsupported and
        returns values that are not a strided dilated convolution), or a non-positive rate.
    """
    op = "DepthwiseConv2dNative"
    if not isinstance(strides, (list, tuple)):
        raise TypeError(f"Expected list for 'strides' argument to 'depthwise_conv2d_native' Op, not {strides!r}.")
    rate = [1, 1] if dilations is None else dilations
    if not isinstance(rate, (list, tuple, np.ndarray)):
        raise TypeError(f"'{type(rate).__name__}' object is not iterable: depthwise_conv2d's dilations are a list of "
                        "2 ints (the rate in height and width)")
    rate = [int(r) for r in rate]
    if len(rate) != 2:
        raise ValueError(f"depthwise_conv2d's dilations must be a list of 2 ints (the rate in height and width). "
                         f"Received: dilations={rate}")
    if min(rate) < 1:
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={np.array(rate)}")
    strides = [int(s) for s in strides]
    if max(rate) > 1 and any(s != 1 for s in strides):
        raise ValueError(f"When dilation rate is greater than 1, then all values of strides must be 1. Received: "
                         f"`dilation rate` {rate} and `strides` {strides}. Use strides=[1, 1, 1, 1] and subsample the "
                         "output, or conv2d with groups")
    padding, explicit = _convert_padding(padding, 4)
    fmt = "NHWC" if data_format is None else data_format
    x, w = _inputs(op, (input, filter), _FLOAT_T)
    _check_padding_attr(op, padding)
    _check_format_attr(op, fmt, ("NHWC", "NCHW"))
    channels_first = fmt == "NCHW"
    if len(strides) != 4:
        raise _invalid(op, f"Sliding window strides field must specify 4 dimensions. Got strides={strides}: use "
                           "[1, stride, stride, 1]")
    _check_window_attrs(op, strides, None, channels_first, unimplemented=False)
    sp = _spatial(strides, channels_first)
    if sp[0] != sp[1]:
        raise _invalid(op, "Current implementation only supports equal length strides in the row and column "
                           f"dimensions. Got strides={strides}")
    xs, ws = x._value.shape, w._value.shape
    if len(xs) != 4:
        raise _invalid(op, f"input must be 4-dimensional{_dims(xs)} (expected [batch, height, width, channels] "
                           f"for data_format {fmt})")
    if len(ws) != 4:
        raise _invalid(op, f"filter must be 4-dimensional: {_dims(ws)} (expected [height, width, in_channels, "
                           "channel_multiplier])")
    c_in = xs[1] if channels_first else xs[3]
    if c_in != ws[2]:
        raise _invalid(op, f"input and filter must have the same depth: {c_in} vs {ws[2]} (input {_dims(xs)} with "
                           f"data_format {fmt}, filter {_dims(ws)} = [height, width, in_channels, multiplier])")
    full_rate = [1, 1] + rate if channels_first else [1] + rate + [1]
    grouped = _array.reshape(w, (ws[0], ws[1], 1, ws[2] * ws[3]))  # a grouped conv with one group per channel
    return _conv(op, x, grouped, strides, full_rate, padding, explicit, channels_first, fmt)


# ============================================================================== pooling
_POOL_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}
_SIDES = {1: (("Left", "Right"),), 2: (("Top", "Bottom"), ("Left", "Right")),
          3: (("Front", "Back"), ("Top", "Bottom"), ("Left", "Right"))}


def _pool(kind, x, ksize, strides, padding, explicit, channels_first, nsp, fmt):
    """Checks a pooling window (full ksize/strides) and runs max_pool_p or avg_pool_p."""
    op = "MaxPool" if kind == "max" else "AvgPool"
    if nsp == 3:
        op += "3D"
    c = 1 if channels_first else nsp + 1
    if kind == "max" and min(ksize) < 1:
        raise _invalid(op, "Sliding window ksize must be positive. The specified or inferred ksize is: "
                           + ",".join(map(str, ksize)))
    if kind == "avg" and min(ksize) < 1:
        raise _invalid(op, f"ksize must be a positive int32 value, got:{min(ksize)} (ksize={ksize})")
    if min(strides) < 1:
        raise _invalid(op, f"Stride must be > 0, but got {min(strides)} (strides={strides})")
    if ksize[0] != 1 or strides[0] != 1:
        raise _unimplemented(op, f"Pooling is not yet supported on the batch dimension. Got ksize={ksize}, "
                                 f"strides={strides}: window only the spatial dimensions")
    if ksize[c] != 1 or strides[c] != 1:
        raise _unimplemented(op, "Pooling across the depth dimension is not supported by tapegrad. Got "
                                 f"ksize={ksize}, strides={strides}: window only the spatial dimensions")
    xs = x._value.shape
    if len(xs) != nsp + 2:
        raise _invalid(op, f"tensor_in must be {nsp + 2}-dimensional: got shape {_dims(xs)} (expected {fmt})")
    sp_k, sp_s = _spatial(ksize, channels_first), _spatial(strides, channels_first)
    pads_explicit = None
    if padding == "EXPLICIT":
        pads_explicit = _explicit_pairs(op, explicit, channels_first)
        for (lo, hi), k, names in zip(pads_explicit, sp_k, _SIDES[nsp]):
            for side, p in zip(names, (lo, hi)):
                if p >= k:
                    raise _invalid(op, f"{side} padding {p} needs to be smaller than the window size {k}")
    in_sizes = xs[2:] if channels_first else xs[1:-1]
    pads = _window_pads(op, in_sizes, sp_k, sp_s, padding, pads_explicit)
    prim = max_pool_p if kind == "max" else avg_pool_p
    y = execute(prim, (_to_last(x, channels_first),), {"ksize": sp_k, "strides": sp_s, "pads": pads})
    return _to_first(y, channels_first)


def _pool_nd(kind, nsp, input, ksize, strides, padding, data_format):  # noqa: A002
    fmts = _POOL_FORMATS[nsp]
    fmt = fmts[0] if data_format is None else data_format
    channels_first = isinstance(fmt, str) and fmt.startswith("NC")
    if nsp == 1 and fmt not in fmts:
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    c = 1 if channels_first else nsp + 1
    ksize = _get_sequence(ksize, nsp, c, "ksize")
    strides = _get_sequence(strides, nsp, c, "strides")
    op = ("MaxPool" if kind == "max" else "AvgPool") + ("3D" if nsp == 3 else "")
    if kind == "max" and nsp != 3:
        padding, explicit = _convert_padding(padding, nsp + 2)
        allowed = ("SAME", "VALID", "EXPLICIT")
    else:
        explicit, allowed = None, ("SAME", "VALID")
    (x,) = _inputs(op, (input,), _MAX_POOL_T if kind == "max" else _FLOAT_T)
    _check_padding_attr(op, padding, allowed)
    if nsp != 1:
        _check_format_attr(op, fmt, fmts)
    return _pool(kind, x, ksize, strides, padding, explicit, channels_first, nsp, fmt)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Max over ``ksize`` windows of a 4-D input.

    Args:
      ksize, strides: an int or a list of 1, 2 or 4 ints.
      padding: 'SAME', 'VALID' or explicit ``[[0, 0], [top, bottom], [left, right], [0, 0]]``
        (each side smaller than the window). Padded positions never win.

    The gradient goes to the first maximum of each window in row-major window order (TF's CPU
    kernel); NaN inputs are skipped as TF's are.
    """
    return _pool_nd("max", 2, input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Mean over ``ksize`` windows of a 4-D input; with 'SAME' padding each window is divided by
    its number of real (unpadded) elements, as TF's."""
    return _pool_nd("avg", 2, input, ksize, strides, padding, data_format)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Max pooling of a 3-D input ('NWC' or 'NCW'); padding may be explicit (3 pairs)."""
    return _pool_nd("max", 1, input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Average pooling of a 3-D input ('NWC' or 'NCW')."""
    return _pool_nd("avg", 1, input, ksize, strides, padding, data_format)


def _pool_generic(kind, input, ksize, strides, padding, data_format):  # noqa: A002
    x = tensor(input)
    n = x.ndim - 2
    if not 1 <= n <= 3:
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape={x.shape} of rank {n + 2}.")
    if kind == "max" and n == 3 and isinstance(padding, (list, tuple)):
        raise ValueError(f"Explicit padding is not supported with an input tensor of rank 5. Received: "
                         f"padding={padding}")
    if data_format is None:
        data_format = _POOL_FORMATS[n][0]
    elif n == 1 and data_format not in _POOL_FORMATS[1]:
        data_format = "NCW" if data_format.startswith("NC") else "NWC"
    return _pool_nd(kind, n, x, ksize, strides, padding, data_format)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Max pooling of a rank 3, 4 or 5 input (1-D, 2-D or 3-D windows; see ``max_pool2d``)."""
    return _pool_generic("max", input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Average pooling of a rank 3, 4 or 5 input (see ``avg_pool2d``)."""
    return _pool_generic("avg", input, ksize, strides, padding, data_format)


__all__ = ["conv1d", "conv2d", "conv2d_transpose", "depthwise_conv2d", "max_pool", "max_pool1d", "max_pool2d",
           "avg_pool", "avg_pool1d", "avg_pool2d"]
