"""Framing and spectral ops of ``tf.signal`` built from other ops (so their gradients are those ops'):
frame, overlap_and_add, stft, inverse_stft, dct/idct, the Kaiser and Vorbis windows, the mel filterbank
and MFCCs, with TF's definitions (scipy.fft's for the DCTs) and argument checks.
"""
import math

import numpy as np

from .._core import dtypes as _dt
from . import array as _array
from . import fft as _fft
from . import math as _math
from . import reduce as _reduce
from .array import _int, _static
from .indexing import unsorted_segment_sum
from ._util import Tensor, tensor


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Windows of ``frame_length`` samples every ``frame_step`` along ``axis``: that axis becomes
    [num_frames, frame_length]. With ``pad_end``, the end is padded with ``pad_value`` so every sample is in a frame.

    >>> tapegrad.signal.frame(tapegrad.range(5), 3, 2)  # [[0, 1, 2], [2, 3, 4]]
    """
    x = tensor(signal)
    if x._value.ndim == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    length, step = _int(frame_length, "frame_length"), _int(frame_step, "frame_step")
    axis = _int(axis, "frame's axis")
    axis = axis + x._value.ndim if axis < 0 else axis
    n = x._value.shape[axis]
    if pad_end:
        frames = -(-n // step)
        extra = max(0, (frames - 1) * step + length - n)
        pads = [[0, 0]] * x._value.ndim
        pads[axis] = [0, extra]
        x = _array.pad(x, pads, constant_values=tensor(pad_value, dtype=x.dtype))
    else:
        frames = max(0, 1 + (n - length) // step)
    idx = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).reshape(-1)
    out = _array.gather_dense(x, idx, axis)
    shape = list(x._value.shape)
    return _array.reshape(out, shape[:axis] + [frames, length] + shape[axis + 1:])


def overlap_and_add(signal, frame_step, name=None):
    """Adds frames ``signal[..., frames, frame_length]`` placed ``frame_step`` apart: the inverse of ``frame``
    up to the overlap sums. The result has shape [..., (frames - 1) * frame_step + frame_length]."""
    x = tensor(signal)
    if x._value.ndim < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {x._value.ndim}")
    step = _int(frame_step, "frame_step")
    frames, length = x._value.shape[-2:]
    outer = x._value.ndim - 2
    moved = _array.transpose(x, [outer, outer + 1] + list(range(outer)))
    ids = np.arange(frames)[:, None] * step + np.arange(length)[None, :]
    out = unsorted_segment_sum(moved, Tensor(ids.astype(np.int32)), max(0, (frames - 1) * step + length))
    return _array.transpose(out, list(range(1, outer + 1)) + [0])


def _default_fft_length(frame_length):
    return 1 << max(0, (frame_length - 1).bit_length())


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=_fft.hann_window, pad_end=False,
         name=None):
    """The short-time Fourier transform: ``rfft`` of windowed frames of the last axis
    ([..., frames, fft_length // 2 + 1]; fft_length defaults to the next power of 2 >= frame_length)."""
    x = tensor(signals)
    if not x.dtype.is_floating:
        raise ValueError(f"signals must be a real (floating) tensor, got {x.dtype.name}")
    length = _int(frame_length, "frame_length")
    n = _default_fft_length(length) if fft_length is None else _int(fft_length, "fft_length")
    framed = frame(x, length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(length, dtype=framed.dtype)
    return _fft.rfft(framed, [n])


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=_fft.hann_window, name=None):
    """The inverse of ``stft`` up to the window's overlap sum (see ``inverse_stft_window_fn``): ``irfft`` of
    each frame cut or zero-padded to ``frame_length``, windowed, then overlapped and added."""
    y = tensor(stfts)
    if not y.dtype.is_complex:
        raise ValueError(f"stfts must be a complex tensor, got {y.dtype.name}")
    length = _int(frame_length, "frame_length")
    n = _default_fft_length(length) if fft_length is None else _int(fft_length, "fft_length")
    frames = _fft.irfft(y, [n])
    have = frames._value.shape[-1]
    if have > length:
        frames = frames[..., :length]
    elif have < length:
        frames = _array.pad(frames, [[0, 0]] * (frames._value.ndim - 1) + [[0, length - have]])
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step)


def inverse_stft_window_fn(frame_step, forward_window_fn=_fft.hann_window, name=None):
    """A window function for ``inverse_stft`` that undoes ``forward_window_fn``'s overlap sum (TF's)."""
    def window_fn(frame_length, dtype):
        w = forward_window_fn(frame_length, dtype=dtype)
        step = _int(frame_step, "frame_step")
        sq = _math.square(w)
        denom = _array.reshape(_array.pad(sq, [[0, -frame_length % step]]), [-1, step])
        denom = _array.tile(_reduce.reduce_sum(denom, 0, keepdims=True), [-(-frame_length // step), 1])
        return w / _array.reshape(denom, [-1])[:frame_length]
    return window_fn


def _dct_matrix(kind, n, ortho):
    """M (n x n, float64) with ``dct(x) = x @ M``, scipy.fft.dct's definitions (TF's)."""
    k, j = np.arange(n)[None, :], np.arange(n)[:, None]  # output index k, input index j
    if kind == 1:
        m = 2 * np.cos(np.pi * k * j / (n - 1))
        m[0], m[-1] = m[0] / 2, m[-1] / 2
    elif kind == 2:
        m = 2 * np.cos(np.pi * k * (2 * j + 1) / (2 * n))
        if ortho:
            m = m * np.where(k == 0, np.sqrt(1 / (4 * n)), np.sqrt(1 / (2 * n)))
    elif kind == 3:
        m = 2 * np.cos(np.pi * (2 * k + 1) * j / (2 * n))
        m[0] = 1
        if ortho:
            m = m * np.where(j == 0, 1 / np.sqrt(n), np.sqrt(1 / (2 * n)))
    else:
        m = 2 * np.cos(np.pi * (2 * k + 1) * (2 * j + 1) / (4 * n))
        if ortho:
            m = m * np.sqrt(1 / (2 * n))
    return m


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's argument names
    """The discrete cosine transform of type 1, 2, 3 or 4 along the last axis (scipy.fft.dct's definition),
    the input cut or zero-padded to ``n``; ``norm='ortho'`` makes it orthonormal (not for type 1)."""
    x = tensor(input)
    if type not in (1, 2, 3, 4):
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported, got type {type}.")
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if n is not None and n < 1:
        raise ValueError(f"n should be a positive integer or None, got {n}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if type == 1 and norm == "ortho":
        raise ValueError("Normalization not supported for Type-I DCT.")
    if not x.dtype.is_floating:
        raise ValueError(f"dct: input must be a float32 or float64 tensor, got {x.dtype.name}")
    if n is not None:
        have = x._value.shape[-1]
        x = x[..., :n] if have >= n else _array.pad(x, [[0, 0]] * (x._value.ndim - 1) + [[0, n - have]])
    size = x._value.shape[-1]
    if type == 1 and size < 2:
        raise ValueError("Type-I DCT requires at least two samples along the axis.")
    m = Tensor(_dct_matrix(type, size, norm == "ortho").astype(x._value.dtype))
    return _math.tensordot(x, m, 1)


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT: the DCT of the inverse type (2 <-> 3; 1 and 4 are their own), unscaled as TF's
    (with ``norm='ortho'`` an exact inverse)."""
    return dct(input, type={1: 1, 2: 3, 3: 2, 4: 4}.get(type, type), n=n, axis=axis, norm=norm)


def _window_length(window_length, dtype):
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    return _int(window_length, "window_length"), dtype


def kaiser_window(window_length, beta=12.0, dtype=_dt.float32, name=None):
    """The Kaiser window ``I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta)`` (TF's, through i0e)."""
    from .special import bessel_i0e
    n, dtype = _window_length(window_length, dtype)
    if n == 1:
        return _array.ones([1], dtype)
    half = (n - 1) / 2.0
    arg = _math.cast(_array.range(-half, half + 0.1, dtype=_dt.float32), dtype)
    beta = _math.cast(beta, dtype)
    num = beta * _math.sqrt(_math.maximum(_math.cast(0.0, dtype), 1.0 - _math.square(arg / half)))
    return _math.exp(num - beta) * (bessel_i0e(num) / bessel_i0e(beta))


def vorbis_window(window_length, dtype=_dt.float32, name=None):
    """The Vorbis power-complementary window ``sin(pi / 2 sin^2(pi (n + 1/2) / N))``."""
    n, dtype = _window_length(window_length, dtype)
    arg = _math.cast(_array.range(n), dtype)
    return _math.sin(np.pi / 2.0 * _math.square(_math.sin(np.pi / n * (arg + 0.5))))


def _hertz_to_mel(hz):
    return 1127.0 * _math.log(1.0 + hz / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype=_dt.float32, name=None):
    """The [num_spectrogram_bins, num_mel_bins] matrix mapping a linear spectrogram to the HTK mel scale:
    triangular filters, linear in mel, between ``lower_edge_hertz`` and ``upper_edge_hertz`` (the DC bin 0)."""
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    mels = _int(num_mel_bins, "num_mel_bins")
    bins = _int(num_spectrogram_bins, "num_spectrogram_bins")
    rate = float(_static(sample_rate, "sample_rate"))
    lo, hi = float(_static(lower_edge_hertz, "lower_edge_hertz")), float(_static(upper_edge_hertz, "upper_edge_hertz"))
    if mels <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {mels}")
    if lo < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lo}")
    if lo >= hi:
        raise ValueError(f"lower_edge_hertz {lo} >= upper_edge_hertz {hi}")
    if rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Got: {rate}")
    if hi > rate / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency (sample_rate / 2). "
                         f"Got {hi} for sample_rate: {rate}")
    zero = _math.cast(0.0, dtype)
    freqs = _array.linspace(zero, _math.cast(rate / 2.0, dtype), bins)[1:]
    spec_mel = _array.expand_dims(_hertz_to_mel(freqs), 1)
    edges = frame(_array.linspace(_hertz_to_mel(_math.cast(lo, dtype)), _hertz_to_mel(_math.cast(hi, dtype)),
                                  mels + 2), 3, 1)
    lower, center, upper = (_array.reshape(t, [1, mels]) for t in _array.split(edges, 3, axis=1))
    lower_slopes = (spec_mel - lower) / (center - lower)
    upper_slopes = (upper - spec_mel) / (upper - center)
    weights = _math.maximum(zero, _math.minimum(lower_slopes, upper_slopes))
    return _array.pad(weights, [[1, 0], [0, 0]])


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """MFCCs: the orthonormal-scaled type-2 DCT of log-mel spectrograms over their last axis (TF's, HTK's)."""
    x = tensor(log_mel_spectrograms)
    bins = x._value.shape[-1]
    return dct(x, type=2) * _math.cast(1.0 / math.sqrt(bins * 2.0), x.dtype)


__all__ = ["dct", "frame", "idct", "inverse_stft", "inverse_stft_window_fn", "kaiser_window",
           "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms", "overlap_and_add", "stft",
           "vorbis_window"]
