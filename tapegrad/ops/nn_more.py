"""Still more of ``tf.nn``: CTC loss and its label helpers, morphological dilation/erosion, isotonic regression,
``pool`` and ``with_space_to_batch``, atrous transposed convolution, depthwise convolution backprops and
batch_norm_with_global_normalization.

* ``ctc_loss`` is TF's dense CTC (ctc_loss_dense: the batched forward-backward of Sim et al. over TF's
  start/label/blank state machine, with TF's ``log(1e-307)`` for impossible states), ported to NumPy: a
  primitive whose outputs are the loss and its gradient, whose rule scales that gradient, as TF's
  custom gradient does (so, as in TF, there is no second derivative).
* ``dilation2d``/``erosion2d`` gather the window maximum (the first in scan order, as TF's backprop):
  their gradients, to any order, are those of gathers.
* ``isotonic_regression`` is a primitive (pool adjacent violators) whose gradient averages the cotangent
  over each segment, as TF's.
* the rest are composites of existing ops.
"""
import numpy as np

from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.tape import GradientTape
from .._core.tensor import Variable, convert_to_tensor
from ..graph.tracer import guard_shape, value_check
from . import array as _array
from . import array_extra as _array_extra
from . import conv as _conv
from . import math as _math
from . import nn as _nn
from . import reduce as _reduce
from ._util import Tensor, execute, tensor
from .array import _invalid
from .manip import _np_primitive


def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(all="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis)


# --- CTC ---------------------------------------------------------------------------------------
_LOG_0 = float(np.float32(np.log(1e-307)))  # TF's stand-in for log(0) in the initial and final states


def _ctc_impl(logits, labels, label_length, logit_length):
    """TF's ctc_loss_and_grad on time-major logits [T, B, K] (computed in float64): (loss [B], grad [T, B, K])."""
    x = logits.astype(np.float64)
    t_max, batch, k = x.shape
    n_lab = labels.shape[1]
    n_states = 2 * (n_lab + 1)
    ilp = x - _logsumexp(x, 2, keepdims=True)
    valid = (labels >= 0) & (labels < k)
    lab_lp = np.where(valid[None], np.take_along_axis(ilp, np.where(valid, labels, 0)[None], 2), 0.0)
    obs = np.concatenate([np.full((t_max, batch, 1), -np.inf), lab_lp,
                          np.repeat(ilp[:, :, :1], n_lab + 1, axis=2)], 2)            # [T, B, S]
    trans = np.eye(n_states)
    trans[1, 0] = 1                                                                   # start -> first label
    label_states = np.arange(n_lab + 1)
    trans[label_states[1:], label_states[:-1] + n_lab + 1] = 1                        # blank -> next label
    trans[label_states + n_lab + 1, label_states] = 1                                 # label -> blank
    trans = np.repeat(trans[None], batch, 0)
    if n_lab > 1:
        skip = (labels[:, :-1] != labels[:, 1:]).astype(np.float64)                   # label -> next distinct label
        trans[:, label_states[2:], label_states[1:-1]] += skip
    with np.errstate(divide="ignore"):
        log_trans = np.log(trans)                                                     # [B, to, from]
    initial = np.full((batch, n_states), _LOG_0)
    initial[:, 0] = 0.0
    final_mask = np.zeros((batch, n_states), dtype=bool)
    final_mask[np.arange(batch), label_length] = True
    final_mask[np.arange(batch), label_length + n_lab + 1] = True
    final = np.where(final_mask, 0.0, _LOG_0)
    mask = np.arange(t_max)[:, None] < logit_length[None, :]                          # [T, B]
    fwd = np.empty((t_max + 1, batch, n_states))
    fwd[0] = initial
    for t in range(t_max):
        s = _logsumexp(fwd[t][:, None, :] + log_trans, -1) + obs[t]
        fwd[t + 1] = s - _logsumexp(s, -1, keepdims=True)
    bwd = np.empty((t_max + 1, batch, n_states))
    bwd[t_max] = final
    cum = np.zeros(batch)
    for t in range(t_max - 1, -1, -1):
        s = bwd[t + 1] + obs[t]
        s = _logsumexp(s[:, None, :] + np.swapaxes(log_trans, 1, 2), -1)
        total = _logsumexp(s, -1, keepdims=True)
        s = s - total
        cum = cum + np.where(mask[t], total[:, 0], 0.0)
        bwd[t] = np.where(mask[t][:, None], s, final)
    log_likelihood = bwd[0, :, 0] + cum
    fb = fwd[1:] + bwd[1:]
    fb = fb - _logsumexp(fb, 2, keepdims=True)
    with np.errstate(divide="ignore"):
        fb = fb + np.log(mask.astype(np.float64))[:, :, None]
    one_hot = np.full((batch, n_lab, k - 1), -np.inf)
    b_idx, l_idx = np.nonzero((labels >= 1) & (labels <= k - 1))
    one_hot[b_idx, l_idx, labels[b_idx, l_idx] - 1] = 0.0
    label_olabels = _logsumexp(fb[:, :, 1:n_lab + 1, None] + one_hot[None], 2)       # [T, B, K - 1]
    blank_olabels = _logsumexp(fb[:, :, n_lab + 1:], 2, keepdims=True)
    olabel = np.concatenate([blank_olabels, label_olabels], -1)
    grad = (np.exp(ilp) - np.exp(olabel)) * mask[:, :, None]
    return (-log_likelihood).astype(logits.dtype), grad.astype(logits.dtype)


def _ctc_rule(g, out, logits, labels, label_length, logit_length):
    """TF's custom gradient: the loss's cotangent times the gradient computed with the loss."""
    scale = _array.expand_dims(_array.expand_dims(g[0], -2), -1)  # [..., 1, B, 1]
    return [scale * out[1], None, None, None]


ctc_loss_p = Primitive("ctc_loss", _ctc_impl, _ctc_rule, save_output=True, multiple_results=True, kinds="f",
                       jvp=lambda ts, out, logits, *_: (_reduce.reduce_sum(out[1] * ts[0], [0, 2]), None))


def _int_arg(value, what):
    t = tensor(value) if _is_tensor(value) else convert_to_tensor(value, dtype_hint=_dt.int32)
    if t.dtype.name not in ("int32", "int64"):
        raise TypeError(f"ctc_loss: {what} must be an int32 or int64 tensor, got {t.dtype.name}")
    return t


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None, blank_index=None,
             name=None):
    """Connectionist temporal classification loss, per batch entry: ``-log p(labels | logits)``.

    Args:
      labels: dense int labels ``[batch, max_label_length]`` (SparseTensor labels are not supported).
      logits: ``[frames, batch, num_labels]`` (``[batch, frames, num_labels]`` when not time major).
      label_length, logit_length: ``[batch]`` lengths.
      unique: accepted for compatibility (TF's TPU fast path; the values do not depend on it).
      blank_index: the blank class (default 0; negative counts from num_labels).

    Returns:
      The ``[batch]`` losses, in the logits' dtype (half precision is computed in float32, as TF).
    """
    if not _is_tensor(labels) and hasattr(labels, "indices") and hasattr(labels, "dense_shape"):
        raise TypeError("ctc_loss: SparseTensor labels are not supported by tapegrad; pass dense labels "
                        "[batch, max_label_length] with label_length")
    lab = _int_arg(labels, "labels")
    x = tensor(logits)
    if not x.dtype.is_floating:
        raise TypeError(f"ctc_loss: logits must be floating, got {x.dtype.name}")
    orig = x.dtype
    if orig in (_dt.float16, _dt.bfloat16):
        x = _math.cast(x, _dt.float32)
    if x._value.ndim != 3:
        raise ValueError(f"ctc_loss: logits must have rank 3, got shape {x.shape}")
    if not logits_time_major:
        x = _array.transpose(x, [1, 0, 2])
    k = x._value.shape[2]
    blank = 0 if blank_index is None else int(blank_index)
    if blank < 0:
        blank += k
    lab = _math.cast(lab, _dt.int32)
    if blank != 0:
        x = _array.concat([x[:, :, blank:blank + 1], x[:, :, :blank], x[:, :, blank + 1:]], 2)
        lab = _math.where(lab < blank, lab + 1, lab)
    ll = _math.cast(_int_arg(label_length, "label_length"), _dt.int32)
    tl = _math.cast(_int_arg(logit_length, "logit_length"), _dt.int32)
    b = x._value.shape[1]
    if lab._value.ndim != 2 or lab._value.shape[0] != b or ll._value.shape != (b,) or tl._value.shape != (b,):
        raise ValueError(f"ctc_loss: expected labels [batch, max_label_length], label_length and logit_length "
                         f"[batch] with batch {b}; got {lab.shape}, {ll.shape}, {tl.shape}")
    n_lab = lab._value.shape[1]

    def check(lv):
        if (lv > n_lab).any() or (lv < 0).any():
            raise _invalid("CTCLoss", f"label_length must be in [0, {n_lab}], got {lv}")

    value_check(check, ll)
    loss = execute(ctc_loss_p, (x, lab, ll, tl), {})[0]
    return _math.cast(loss, orig) if orig != loss.dtype else loss


def _unique_labels_impl(labels):
    ys = np.zeros(labels.shape, np.int64)
    idx = np.zeros(labels.shape, np.int32)
    for r, row in enumerate(labels):
        uniq, first = {}, []
        for c, v in enumerate(row):
            if v not in uniq:
                uniq[v] = len(first)
                first.append(v)
            idx[r, c] = uniq[v]
        ys[r, :len(first)] = first
    return ys, idx


ctc_unique_labels_p = _np_primitive("ctc_unique_labels", _unique_labels_impl, multiple_results=True)


def ctc_unique_labels(labels, name=None):
    """Per row of ``labels``: its unique labels in order of appearance, zero padded (int64), and each entry's index
    into them (int32)."""
    lab = tensor(labels)
    if lab._value.ndim != 2:
        raise ValueError(f"ctc_unique_labels: labels must be [batch, max_label_length], got {lab.shape}")
    return list(execute(ctc_unique_labels_p, (lab,), {}))


def _collapse_impl(labels, seq_length):
    maxlen = labels.shape[1]
    keep = np.concatenate([np.ones_like(labels[:, :1], dtype=bool), labels[:, 1:] != labels[:, :-1]], 1)
    keep &= np.arange(maxlen)[None, :] < seq_length[:, None]
    new_len = keep.sum(1)
    out = np.zeros((labels.shape[0], int(new_len.max(initial=0))), labels.dtype)
    for r in range(labels.shape[0]):
        out[r, :new_len[r]] = labels[r][keep[r]]
    return out, new_len.astype(seq_length.dtype)


collapse_repeated_p = _np_primitive("collapse_repeated", _collapse_impl, multiple_results=True)


def collapse_repeated(labels, seq_length, name=None):
    """Merges runs of repeated labels: ``(collapsed labels [batch, new_max_length], new lengths)``."""
    lab, seq = tensor(labels), tensor(seq_length)
    if lab._value.ndim != 2 or seq._value.shape != lab._value.shape[:1]:
        raise ValueError(f"collapse_repeated: expected labels [batch, max_length] and seq_length [batch], got "
                         f"{lab.shape} and {seq.shape}")
    out, new_len = execute(collapse_repeated_p, (lab, seq), {})
    return guard_shape(out, "The output of collapse_repeated"), new_len  # its width is the longest new length


# --- morphology --------------------------------------------------------------------------------
def _morph_args(op, x, w, strides, padding, data_format, dilations):
    if data_format != "NHWC":
        raise ValueError(f"Argument `data_format` must be 'NHWC'. Received: data_format={data_format}")
    strides = [int(s) for s in strides]
    rates = [int(r) for r in dilations]
    if len(strides) != 4 or strides[0] != 1 or strides[3] != 1:
        raise _invalid(op, "Sliding window stride field must specify 4 dimensions")
    if len(rates) != 4 or rates[0] != 1 or rates[3] != 1:
        raise _invalid(op, "Input stride (atrous rate) field must specify 4 dimensions")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    xs, ws = x._value.shape, w._value.shape
    if len(xs) != 4:
        raise _invalid(op, f"input must be 4-dimensional{list(xs)}")
    if len(ws) != 3:
        raise _invalid(op, f"filter must be 3-dimensional: {list(ws)}")
    if xs[3] != ws[2]:
        raise _invalid(op, f"input and filter must have the same depth: {xs[3]} vs {ws[2]}")
    return strides[1:3], rates[1:3]


def _dilation_indices(x, w, strides, rates, padding):
    """Flat indices into x and w of each output's window maximum (the first one in scan order, as TF)."""
    n, h, wd, c = x.shape
    fh, fw, _ = w.shape
    eff = [(fh - 1) * rates[0] + 1, (fw - 1) * rates[1] + 1]
    if padding == "VALID":
        out = [(h - eff[0]) // strides[0] + 1, (wd - eff[1]) // strides[1] + 1]
        pads = [0, 0]
    else:
        out = [-(-h // strides[0]), -(-wd // strides[1])]
        pads = [max((o - 1) * s + e - size, 0) // 2 for o, s, e, size in zip(out, strides, eff, (h, wd))]
    oy = np.arange(max(out[0], 0))[:, None, None, None] * strides[0] - pads[0] + \
        np.arange(fh)[None, None, :, None] * rates[0]
    ox = np.arange(max(out[1], 0))[None, :, None, None] * strides[1] - pads[1] + \
        np.arange(fw)[None, None, None, :] * rates[1]
    oy, ox = np.broadcast_arrays(oy, ox)                                          # [OH, OW, fh, fw]
    inside = (oy >= 0) & (oy < h) & (ox >= 0) & (ox < wd)
    vals = x[:, np.clip(oy, 0, h - 1), np.clip(ox, 0, wd - 1), :]                 # [N, OH, OW, fh, fw, C]
    vals = vals + w
    vals = np.where(inside[None, :, :, :, :, None], vals, -np.inf)
    flat = vals.reshape(vals.shape[:3] + (fh * fw, c))
    best = np.argmax(flat, axis=3)                                                # [N, OH, OW, C]
    dy, dx = best // fw, best % fw
    iy = np.take_along_axis(oy.reshape(oy.shape[:2] + (fh * fw,))[None, ..., None].repeat(c, -1), best[:, :, :, None],
                            3)[:, :, :, 0]
    ix = np.take_along_axis(ox.reshape(ox.shape[:2] + (fh * fw,))[None, ..., None].repeat(c, -1), best[:, :, :, None],
                            3)[:, :, :, 0]
    iy, ix = np.clip(iy, 0, h - 1), np.clip(ix, 0, wd - 1)
    ch = np.arange(c)
    b = np.arange(n)[:, None, None, None]
    x_idx = ((b * h + iy) * wd + ix) * c + ch
    w_idx = (dy * fw + dx) * c + ch
    return x_idx.astype(np.int64), w_idx.astype(np.int64)


dilation_argmax_p = _np_primitive("dilation2d_argmax", lambda x, w, strides, rates, padding: _dilation_indices(
    x, w, strides, rates, padding), multiple_results=True)


def _dilation(x, w, strides, rates, padding):
    """input[argmax] + filters[argmax]: two gathers at the window maxima found by a non-differentiable kernel."""
    x_idx, w_idx = execute(dilation_argmax_p, (x, w), {"strides": tuple(strides), "rates": tuple(rates),
                                                       "padding": padding})
    flat_x = _array.reshape(x, [-1])
    flat_w = _array.reshape(w, [-1])
    return (execute(_array.gather_p, (flat_x, x_idx), {"axis": 0, "batch_dims": 0})
            + execute(_array.gather_p, (flat_w, w_idx), {"axis": 0, "batch_dims": 0}))


def dilation2d(input, filters, strides, padding, data_format, dilations, name=None):  # noqa: A002
    """Grayscale morphological dilation: ``max_{dy, dx} input[y * s + dy * r, x * s + dx * r] + filters[dy, dx]``.

    input ``[batch, height, width, depth]`` ('NHWC' only), filters ``[fh, fw, depth]``, strides and
    dilations of 4 ints. The gradient goes to the window maximum (the first one on ties, as TF).
    """
    op = "Dilation2D"
    x, w = tensor(input), tensor(filters)
    if x.dtype != w.dtype:
        raise _invalid(op, f"cannot compute {op} as input #1(zero-based) was expected to be a {x.dtype.name} tensor "
                           f"but is a {w.dtype.name} tensor")
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise _invalid(op, f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values")
    s, r = _morph_args(op, x, w, strides, padding, data_format, dilations)
    return _dilation(x, w, s, r, padding)


def erosion2d(value, filters, strides, padding, data_format, dilations, name=None):
    """Grayscale morphological erosion: ``-dilation2d(-value, reverse(filters))`` (TF's definition)."""
    x, w = tensor(value), tensor(filters)
    flipped = _array.reverse(w, [0, 1])
    return _math.negative(dilation2d(_math.negative(x), flipped, strides, padding, data_format, dilations))


# --- isotonic regression -------------------------------------------------------------------------
def _pav(row):
    """Decreasing isotonic fit of one row by pooling adjacent violators: (fit, segment ids)."""
    sums, counts = [], []
    for v in row:
        sums.append(float(v))
        counts.append(1)
        while len(sums) > 1 and sums[-2] / counts[-2] < sums[-1] / counts[-1]:  # equal means stay apart
            s, c = sums.pop(), counts.pop()
            sums[-1] += s
            counts[-1] += c
    fit = np.repeat([s / c for s, c in zip(sums, counts)], counts)
    seg = np.repeat(np.arange(len(counts)), counts)
    return fit, seg


def _isotonic_impl(x, out_dtype):
    fits = np.empty(x.shape, np.float64)
    segs = np.empty(x.shape, np.int32)
    for i, row in enumerate(x.astype(np.float64)):
        fits[i], segs[i] = _pav(row)
    return fits.astype(out_dtype), segs


def _isotonic_rule(g, out, x, out_dtype):
    """TF's: the cotangent averaged over each segment (a per-row averaging matrix)."""
    segs = out[1]
    same = _math.cast(_math.equal(_array.expand_dims(segs, -1), _array.expand_dims(segs, -2)), g[0].dtype)
    avg = same / _reduce.reduce_sum(same, -1, keepdims=True)
    return [_array.squeeze(_math.matmul(_array.expand_dims(g[0], -2), avg), -2)]


isotonic_p = Primitive("isotonic_regression", _isotonic_impl, _isotonic_rule, save_output=True,
                       multiple_results=True, save_inputs=False)
isotonic_p.jvp = lambda ts, out, x, out_dtype: (_isotonic_rule((ts[0], None), out, x, out_dtype)[0], None)

_ISO_OUT = {"float16": _dt.float16, "bfloat16": _dt.bfloat16, "float32": _dt.float32, "int8": _dt.float32,
            "int16": _dt.float32}


def isotonic_regression(inputs, decreasing=True, axis=-1):
    """Best (least-squares) monotone fit along ``axis``: ``(output, segments)`` (decreasing by default, as TF).

    The output is float32 for float32 and small integer inputs, float64 otherwise; ``segments`` (int32)
    numbers the blocks of equal output values.
    """
    x = convert_to_tensor(inputs)
    out_dtype = _ISO_OUT.get(x.dtype.name, _dt.float64)
    r = x._value.ndim
    axis = int(axis) % r if r else 0
    perm = None
    if axis != r - 1:
        perm = list(range(r))
        perm[axis], perm[-1] = r - 1, axis
        x = _array.transpose(x, perm)
    shape = x._value.shape
    flat = _array.reshape(x, [-1, shape[-1]])
    if out_dtype != x.dtype:
        flat = _math.cast(flat, out_dtype)
    if not decreasing:
        flat = _math.negative(flat)
    out, seg = execute(isotonic_p, (flat,), {"out_dtype": out_dtype._np})
    if not decreasing:
        out = _math.negative(out)
    out, seg = _array.reshape(out, shape), _array.reshape(seg, shape)
    if perm is not None:
        out, seg = _array.transpose(out, perm), _array.transpose(seg, perm)
    return out, seg


# --- pool, with_space_to_batch -----------------------------------------------------------------------
def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None, spatial_dims=None,  # noqa: A002
                        data_format=None):
    """Runs ``op(converted_input, num_spatial_dims, padding)`` as an atrous (dilated) op by moving the dilation
    into the batch dimension with ``space_to_batch_nd``, then back with ``batch_to_space``."""
    x = tensor(input)
    rate = _array._static(dilation_rate, "with_space_to_batch's dilation_rate").astype(np.int64)
    if rate.ndim != 1:
        raise ValueError(f"`dilation_rate.shape.rank` must be 1. Received: dilation_rate={dilation_rate} of rank "
                         f"{rate.ndim}")
    m = rate.shape[0]
    first = 2 if data_format is not None and data_format.startswith("NC") else 1
    dims = list(range(first, first + m)) if spatial_dims is None else [int(d) for d in spatial_dims]
    if dims != sorted(set(dims)) or any(d < 1 for d in dims):
        raise ValueError(f"`spatial_dims` must be a monotonically increasing sequence of positive integers. "
                         f"Received: spatial_dims={list(dims)}")
    if (rate < 1).any():
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={rate}")
    if (rate == 1).all():
        return op(x, m, padding)
    shape = x._value.shape
    sizes = np.array([shape[d] for d in dims])
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`.")
        fs = _array._static(filter_shape, "with_space_to_batch's filter_shape").astype(np.int64)
        total = (fs - 1) * rate
        base = np.stack([total // 2, total - total // 2], 1)
    elif padding == "VALID":
        base = np.zeros((m, 2), np.int64)
    else:
        raise ValueError(f"`padding` must be one of 'SAME' or 'VALID'. Received: padding={padding}")
    paddings, crops = (t._value for t in _array_extra.required_space_to_batch_paddings(sizes, rate, base))
    block = np.ones(dims[-1], np.int64)  # input dims 1 .. dims[-1]; those not spatial keep block 1
    pads = np.zeros((dims[-1], 2), np.int64)
    crop = np.zeros_like(pads)
    for i, d in enumerate(dims):
        block[d - 1] = rate[i]
        pads[d - 1] = paddings[i]
        crop[d - 1] = crops[i]
    y = _array_extra.space_to_batch_nd(x, block, pads)
    y = op(y, m, "VALID")
    return _array_extra.batch_to_space_nd(y, block, crop)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None,  # noqa: A002
         dilations=None, name=None):
    """N-d max or average pooling ('MAX'/'AVG'), with optional dilation of the window (then strides must be 1)."""
    x = tensor(input)
    window = [int(w) for w in window_shape]
    n = len(window)
    if not 1 <= n <= 3:
        raise ValueError(f"`len(window_shape)` must be 1, 2, or 3. Received: window_shape={window_shape}")
    if x._value.ndim != n + 2:
        raise ValueError(f"`input.shape.rank` must be {n + 2}. Received: input.shape={x.shape} of rank "
                         f"{x._value.ndim}")
    strides = [1] * n if strides is None else [int(s) for s in strides]
    rates = [1] * n if dilations is None else [int(d) for d in dilations]
    if len(strides) != n or len(rates) != n:
        raise ValueError(f"`strides` and `dilations` must have length {n}. Received: strides={strides}, "
                         f"dilations={rates}")
    if any(s < 1 for s in strides) or any(r < 1 for r in rates):
        raise ValueError(f"`strides` and `dilations` must be positive. Received: strides={strides}, "
                         f"dilations={rates}")
    if padding == "SAME" and any(r > 1 for r in rates):
        raise ValueError(f"pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. Received: "
                         f"padding=SAME and dilation_rate={np.array(rates)}")
    if any(r > 1 for r in rates) and any(s > 1 for s in strides):
        raise ValueError(f"`strides > window_shape` not supported due to inconsistency between CPU and GPU "
                         f"implementations. Received: strides={strides} and dilations={rates}")
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"`pooling_type` must be either 'MAX' or 'AVG'. Received: pooling_type={pooling_type}")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"`padding` must be 'SAME' or 'VALID'. Received: padding={padding}")
    channels_first = data_format is not None and data_format.startswith("NC")
    fn = _conv.max_pool if pooling_type == "MAX" else _conv.avg_pool
    full_strides = ([1, 1] + strides) if channels_first else ([1] + strides + [1])
    full_window = ([1, 1] + window) if channels_first else ([1] + window + [1])

    def run(y, num_spatial_dims, pad):
        return fn(y, full_window, full_strides, pad, data_format)

    return with_space_to_batch(x, rates, padding, run, filter_shape=window, data_format=data_format)


# --- convolution helpers -----------------------------------------------------------------------------
def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of ``atrous_conv2d``: ``conv2d_transpose`` with the filters dilated by ``rate`` (TF's
    space_to_batch formulation, which gives the same values)."""
    x, w = tensor(value), tensor(filters)
    if x._value.ndim == 4 and w._value.ndim == 4 and x._value.shape[3] != w._value.shape[3]:
        raise ValueError(f"`value` channel count must be compatible with `filters` input channel count. Received: "
                         f"value.shape={x.shape} with channel count {x._value.shape[3]} and "
                         f"filters.shape={w.shape} with input channel count {w._value.shape[3]}.")
    if rate < 1:
        raise ValueError(f"`rate` cannot be less than one. Received: rate={rate}")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"`padding` must be either 'VALID' or 'SAME'. Received: padding={padding}")
    dims = _sizes(output_shape, "atrous_conv2d_transpose's output_shape")
    if len(dims) != 4:
        raise ValueError(f"`output_shape` must have shape (4,). Received: output_shape={output_shape}")
    if w._value.ndim == 4 and dims[3] != w._value.shape[2]:
        raise ValueError(f"`output_shape` channel count must be compatible with `filters` output channel count. "
                         f"Received: output_shape={dims} with channel count {dims[3]} and filters.shape={w.shape} "
                         f"with output channel count {w._value.shape[3]}.")
    return _conv.conv2d_transpose(x, w, dims, strides=[1, 1, 1, 1], padding=padding, data_format="NHWC",
                                  dilations=[1, rate, rate, 1])


def _depthwise_vjp(x_shape_or_x, w, out_backprop, strides, padding, data_format, dilations, wrt):
    """The gradient of depthwise_conv2d with respect to its input or filter (it is linear in each)."""
    fmt = "NHWC" if data_format is None else data_format
    rates = [int(d) for d in dilations]
    rate = rates[2:] if fmt == "NCHW" else rates[1:3]
    g = tensor(out_backprop)
    x = x_shape_or_x
    with GradientTape() as tape:
        tape.watch(x if wrt == "input" else w)
        y = _conv.depthwise_conv2d(x, w, strides, padding, data_format=fmt, dilations=rate)
    if y._value.shape != g._value.shape:
        raise _invalid("DepthwiseConv2dNativeBackpropInput" if wrt == "input" else
                       "DepthwiseConv2dNativeBackpropFilter",
                       f"out_backprop has shape {list(g._value.shape)}, expected {list(y._value.shape)}")
    return tape.gradient(y, x if wrt == "input" else w, output_gradients=g)


def _sizes(value, what):
    """A shape argument (a list, an array or a Tensor) as a list of ints (a traced tensor is guarded)."""
    return [int(d) for d in _array._static(value, what).reshape(-1)]


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                                    data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of ``depthwise_conv2d`` with respect to an input of shape ``input_sizes``."""
    w = tensor(filter)
    x = _array.zeros(_sizes(input_sizes, "depthwise_conv2d_backprop_input's input_sizes"), dtype=w.dtype)
    return _depthwise_vjp(x, w, out_backprop, strides, padding, data_format, dilations, "input")


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                                     data_format="NHWC", dilations=(1, 1, 1, 1), name=None):
    """The gradient of ``depthwise_conv2d`` with respect to a filter of shape ``filter_sizes``."""
    x = tensor(input)
    w = _array.zeros(_sizes(filter_sizes, "depthwise_conv2d_backprop_filter's filter_sizes"), dtype=x.dtype)
    return _depthwise_vjp(x, w, out_backprop, strides, padding, data_format, dilations, "filter")


# --- sampled losses ------------------------------------------------------------------------------
def _sum_rows(x):
    """TF's _sum_rows: the row sums, as a matmul with ones."""
    ones = _array.ones_like(x[0:1, :])
    return _array.reshape(_math.matmul(x, ones, transpose_b=True), [-1])


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
                            subtract_log_q, remove_accidental_hits, seed=None):
    """TF's _compute_sampled_logits: logits of the true and sampled classes and their target labels."""
    from . import random_more as _random_more
    weights = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    labels = tensor(labels)
    if labels.dtype != _dt.int64:
        labels = _math.cast(labels, _dt.int64)
    labels_flat = _array.reshape(labels, [-1])
    if sampled_values is None:
        sampled_values = _random_more.log_uniform_candidate_sampler(labels, num_true, num_sampled, True, num_classes,
                                                                    seed=seed)
    sampled, true_expected_count, sampled_expected_count = (_array.stop_gradient(v) for v in sampled_values)
    sampled = _math.cast(sampled, _dt.int64)
    all_ids = _array.concat([labels_flat, sampled], 0)
    x = tensor(inputs)
    all_w = _nn.embedding_lookup(weights if len(weights) > 1 else weights[0], all_ids)
    if all_w.dtype != x.dtype:
        all_w = _math.cast(all_w, x.dtype)
    n_true = labels_flat._value.shape[0]
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    sampled_logits = _math.matmul(x, sampled_w, transpose_b=True)
    all_b = _nn.embedding_lookup(biases, all_ids)
    if all_b.dtype != x.dtype:
        all_b = _math.cast(all_b, x.dtype)
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]
    dim = true_w._value.shape[1]
    row_wise_dots = _array.expand_dims(x, 1) * _array.reshape(true_w, [-1, int(num_true), dim])
    true_logits = _array.reshape(_sum_rows(_array.reshape(row_wise_dots, [-1, dim])), [-1, int(num_true)])
    true_logits = true_logits + _array.reshape(true_b, [-1, int(num_true)])
    sampled_logits = sampled_logits + sampled_b
    if remove_accidental_hits:
        _random_more._true_classes("ComputeAccidentalHits", labels, num_true)  # compute_accidental_hits' checks
        sampled_logits = sampled_logits + execute(_random_more.accidental_mask_p, (labels, sampled),
                                                  {"dtype": sampled_logits._value.dtype})
    if subtract_log_q:
        true_logits = true_logits - _math.log(_math.cast(true_expected_count, true_logits.dtype))
        sampled_logits = sampled_logits - _math.log(_math.cast(sampled_expected_count, sampled_logits.dtype))
    out_logits = _array.concat([true_logits, sampled_logits], 1)
    out_labels = _array.concat([_array.ones_like(true_logits) / float(num_true), _array.zeros_like(sampled_logits)], 1)
    return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
             remove_accidental_hits=False, name="nce_loss"):
    """Noise-contrastive estimation loss per example (TF's construction; the sampled ids are tapegrad's draws
    unless ``sampled_values`` is given)."""
    logits, targets = _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                              sampled_values, True, remove_accidental_hits)
    return _sum_rows(_nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits))


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
                         remove_accidental_hits=True, seed=None, name="sampled_softmax_loss"):
    """Sampled softmax cross entropy per example (TF's construction; the sampled ids are tapegrad's draws unless
    ``sampled_values`` is given)."""
    logits, targets = _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                              sampled_values, True, remove_accidental_hits, seed=seed)
    return _nn.softmax_cross_entropy_with_logits(labels=_array.stop_gradient(targets), logits=logits)


def batch_norm_with_global_normalization(input, mean, variance, beta, gamma, variance_epsilon,  # noqa: A002
                                         scale_after_normalization, name=None):
    """``batch_normalization(input, mean, variance, beta, gamma if scale_after_normalization else None, eps)``."""
    return _nn.batch_normalization(input, mean, variance, beta, gamma if scale_after_normalization else None,
                                   variance_epsilon)


__all__ = ["atrous_conv2d_transpose", "batch_norm_with_global_normalization", "collapse_repeated", "ctc_loss",
           "ctc_unique_labels", "depthwise_conv2d_backprop_filter", "depthwise_conv2d_backprop_input",
           "dilation2d", "erosion2d", "isotonic_regression", "nce_loss", "pool", "sampled_softmax_loss",
           "with_space_to_batch"]
