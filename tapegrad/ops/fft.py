"""Fast Fourier transforms (``tf.signal``): fft/ifft over the last 1, 2 or 3 axes, rfft/irfft with fft_length,
fftshift/ifftshift and the Hann and Hamming windows.

The transforms are linear primitives over the innermost ``rank`` axes (NumPy's pocketfft, in the input's
precision). Their rules are TF's and are transforms again (so every order is differentiable):
fft's is ``n * ifft(g)``, ifft's ``fft(g) / n``, rfft's the real part of ``n * ifft`` of the cotangent
zero-padded to the full spectrum (the exact adjoint, which TF writes with twiddle masks), irfft's
``rfft(g) * mask / n`` with the Hermitian-duplicated bins doubled.
"""
import numpy as np

from .._core import dtypes as _dt
from .._core.tensor import Variable, convert_to_tensor
from .._core.primitive import Primitive
from . import array as _array
from . import math as _math
from . import manip as _manip
from ._util import Tensor, execute, tensor
from .array import _invalid

_COMPLEX_OF = {"float32": np.complex64, "float64": np.complex128}
_REAL_OF = {"complex64": np.float32, "complex128": np.float64}


def _axes(rank):
    return tuple(range(-rank, 0))


def _size(shape, rank):
    return int(np.prod(shape[-rank:])) if rank else 1


def _fft_impl(x, rank, inverse):
    fn = np.fft.ifftn if inverse else np.fft.fftn
    return fn(x, axes=_axes(rank)).astype(x.dtype, copy=False)


def _rfft_impl(x, rank):
    return np.fft.rfftn(x, axes=_axes(rank)).astype(_COMPLEX_OF[x.dtype.name], copy=False)


def _irfft_impl(y, rank, fft_length):
    return np.fft.irfftn(y, s=fft_length, axes=_axes(rank)).astype(_REAL_OF[y.dtype.name], copy=False)


def _fft(x, rank, inverse):
    return execute(fft_p, (x,), {"rank": rank, "inverse": inverse})


def _scale(x, factor):
    return x * Tensor(np.asarray(factor, dtype=x._value.dtype))


fft_p = Primitive("fft", _fft_impl, (
    # fft: n * ifft(g); ifft: fft(g) / n (the adjoints of the unitary-up-to-n transforms)
    lambda g, out, x, rank, inverse: _scale(_fft(g, rank, not inverse), (1 / _size(g._value.shape, rank)) if inverse
                                            else _size(g._value.shape, rank)),
), linear=True, save_inputs=False, kinds="c")


def _no_3d_gradient(op, rank):
    if rank == 3:  # TF registers gradients for the 1-D and 2-D real transforms only
        raise LookupError(f"gradient registry has no entry for: {op}3D")


def _rfft_rule(g, out, x, rank):
    """Re(n * ifft(g zero-padded to the full last axis)): the adjoint of keeping the first n // 2 + 1 bins."""
    _no_3d_gradient("RFFT", rank)
    n_last = x.shape[-1]
    gs = g._value.shape
    pad = [[0, 0]] * (len(gs) - 1) + [[0, n_last - gs[-1]]]
    full = _array.pad(g, pad) if n_last != gs[-1] else g
    return _math.real(_scale(_fft(full, rank, True), _size(x.shape, rank)))


rfft_p = Primitive("rfft", _rfft_impl, (_rfft_rule,), linear=True, save_inputs=False, kinds="f")


def _irfft_rule(g, out, y, rank, fft_length):
    """TF's: rfft(g) * mask / n, the bins that stand for two (conjugate) bins of the full spectrum doubled."""
    _no_3d_gradient("IRFFT", rank)
    m = y.shape[-1]
    odd = fft_length[-1] % 2
    mask = np.concatenate([[1.0], np.full(m - 2 + odd, 2.0), np.ones(1 - odd)])[:m]
    spectrum = execute(rfft_p, (g,), {"rank": rank})
    return spectrum * Tensor((mask / int(np.prod(fft_length))).astype(spectrum._value.dtype))


irfft_p = Primitive("irfft", _irfft_impl, (_irfft_rule,), linear=True, save_inputs=False, kinds="c")


def _complex_input(op, x):
    if not isinstance(x, (Tensor, Variable)):  # as TF: complex values keep their precision, others are complex64
        arr = np.asarray(x)
        x = arr if arr.dtype.kind == "c" else arr.astype(np.complex64)
    x = tensor(x)
    if x.dtype.name not in ("complex64", "complex128"):
        raise _invalid(op, f"Value for attr 'Tcomplex' of {x.dtype.name} is not in the list of allowed values: "
                           "complex64, complex128")
    return x


def _transform(op, rank, inverse):
    def fn(input, name=None):  # noqa: A002 - TF's argument name
        x = _complex_input(op, input)
        if x._value.ndim < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank {x._value.ndim} for '{op}'")
        return _fft(x, rank, inverse)

    fn.__doc__ = (f"The {'inverse ' if inverse else ''}discrete Fourier transform over the innermost {rank} "
                  f"dimension{'s' if rank > 1 else ''} of a complex tensor.")
    return fn


fft = _transform("FFT", 1, False)
ifft = _transform("IFFT", 1, True)
fft2d = _transform("FFT2D", 2, False)
ifft2d = _transform("IFFT2D", 2, True)
fft3d = _transform("FFT3D", 3, False)
ifft3d = _transform("IFFT3D", 3, True)
for _f, _n in ((fft, "fft"), (ifft, "ifft"), (fft2d, "fft2d"), (ifft2d, "ifft2d"), (fft3d, "fft3d"),
               (ifft3d, "ifft3d")):
    _f.__name__ = _f.__qualname__ = _n


def _fft_length(op, fft_length, default, rank):
    if fft_length is None:
        return default
    v = _array._static(fft_length, f"{op}'s fft_length").reshape(-1)  # the output's shape: a traced one is guarded
    if v.shape != (rank,):
        raise ValueError(f"Dimension must be {rank} but is {v.shape[0]} for '{op}' (fft_length={list(v)})")
    return tuple(int(d) for d in v)


def _fit(x, sizes):
    """x cropped or zero-padded on its innermost ``len(sizes)`` axes to ``sizes``."""
    shape = x._value.shape
    rank = len(sizes)
    inner = shape[-rank:]
    if tuple(inner) == tuple(sizes):
        return x
    crop = tuple(slice(None) for _ in shape[:-rank]) + tuple(slice(0, min(a, b)) for a, b in zip(inner, sizes))
    x = x[crop] if any(a > b for a, b in zip(inner, sizes)) else x
    pads = [[0, 0]] * (len(shape) - rank) + [[0, max(b - a, 0)] for a, b in zip(inner, sizes)]
    return _array.pad(x, pads) if any(b > a for a, b in zip(inner, sizes)) else x


def _real_transform(op, rank):
    def fn(input_tensor, fft_length=None, name=None):
        x = input_tensor
        if not isinstance(x, (Tensor, Variable)):  # as TF: floats keep their precision, others become float32
            arr = np.asarray(x)
            x = arr if arr.dtype.kind == "f" else np.real(arr).astype(np.float32)
        x = tensor(x)
        if x.dtype.name not in ("float32", "float64"):
            raise _invalid(op, f"Value for attr 'Treal' of {x.dtype.name} is not in the list of allowed values: "
                               "float, double")
        if x._value.ndim < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank {x._value.ndim} for '{op}'")
        sizes = _fft_length(op, fft_length, x._value.shape[-rank:], rank)
        return execute(rfft_p, (_fit(x, sizes),), {"rank": rank})

    fn.__doc__ = (f"The discrete Fourier transform of a real signal over its innermost {rank} dimension(s): the "
                  "non-negative frequencies of the last one (fft_length // 2 + 1); the signal is cropped or "
                  "zero-padded to ``fft_length``.")
    return fn


def _inverse_real_transform(op, rank):
    def fn(input_tensor, fft_length=None, name=None):
        y = _complex_input(op, input_tensor)
        if y._value.ndim < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank {y._value.ndim} for '{op}'")
        inner = y._value.shape[-rank:]
        sizes = _fft_length(op, fft_length, tuple(inner[:-1]) + (2 * (inner[-1] - 1),), rank)
        fitted = _fit(y, tuple(sizes[:-1]) + (sizes[-1] // 2 + 1,))
        return execute(irfft_p, (fitted,), {"rank": rank, "fft_length": tuple(sizes)})

    fn.__doc__ = (f"The inverse of ``rfft`` over the innermost {rank} dimension(s): a real signal of ``fft_length`` "
                  "(default 2 * (n - 1) on the last axis) from its non-negative frequencies.")
    return fn


rfft = _real_transform("RFFT", 1)
rfft2d = _real_transform("RFFT2D", 2)
rfft3d = _real_transform("RFFT3D", 3)
irfft = _inverse_real_transform("IRFFT", 1)
irfft2d = _inverse_real_transform("IRFFT2D", 2)
irfft3d = _inverse_real_transform("IRFFT3D", 3)
for _f, _n in ((rfft, "rfft"), (rfft2d, "rfft2d"), (rfft3d, "rfft3d"), (irfft, "irfft"), (irfft2d, "irfft2d"),
               (irfft3d, "irfft3d")):
    _f.__name__ = _f.__qualname__ = _n


def _shift(x, axes, sign):
    """x rolled by sign * (size // 2) along ``axes`` (all of them by default)."""
    x = convert_to_tensor(x)
    if axes is None:
        axes = list(range(x._value.ndim))
        shifts = [sign * (d // 2) for d in x._value.shape]
    else:
        axes = [int(a) for a in _array._static(axes, "fftshift's axes").reshape(-1)]
        shifts = [sign * (x._value.shape[a] // 2) for a in axes]
    return _manip.roll(x, shifts, axes) if axes else x


def fftshift(x, axes=None, name=None):
    """Moves the zero-frequency term to the center of the spectrum (along ``axes``, all by default)."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None, name=None):
    """The inverse of ``fftshift``."""
    return _shift(x, axes, -1)


def _window(window_length, periodic, dtype, a0):
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    n = int(_array._static(window_length, "The window_length of a window function"))  # a traced one is guarded
    if n == 1:
        return Tensor(np.ones(1, dtype._np))
    periodic = bool(_array._static(periodic, "The periodic flag of a window function"))
    denom = n + int(periodic) * (1 - n % 2) - 1  # TF's: periodic only changes even lengths
    k = np.arange(n, dtype=np.float64)
    return Tensor((a0 - (1 - a0) * np.cos(2 * np.pi * k / denom)).astype(dtype._np))


def hann_window(window_length, periodic=True, dtype=_dt.float32, name=None):
    """``0.5 - 0.5 cos(2 pi n / N)`` with N = window_length (periodic and even) or window_length - 1."""
    return _window(window_length, periodic, dtype, 0.5)


def hamming_window(window_length, periodic=True, dtype=_dt.float32, name=None):
    """``0.54 - 0.46 cos(2 pi n / N)`` with N = window_length (periodic and even) or window_length - 1."""
    return _window(window_length, periodic, dtype, 0.54)


__all__ = ["fft", "fft2d", "fft3d", "fftshift", "hamming_window", "hann_window", "ifft", "ifft2d", "ifft3d",
           "ifftshift", "irfft", "irfft2d", "irfft3d", "rfft", "rfft2d", "rfft3d"]
