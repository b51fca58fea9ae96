"""Specs for tapegrad/ops/fft.py: complex transforms through real and imaginary parts (``_cplx``)."""
import tapegrad as tg

from . import OpSpec
from .linalg import _cplx


def _parts(z):
    return [tg.math.real(z), tg.math.imag(z)]


SPECS = [
    OpSpec("fft", _cplx(tg.signal.fft), [((2, 5), (2, 5))]),
    OpSpec("fft", _cplx(tg.signal.ifft2d), [((3, 4), (3, 4))], id="ifft2d"),
    OpSpec("fft", _cplx(tg.signal.fft3d), [((2, 2, 3), (2, 2, 3))], id="fft3d"),
    OpSpec("rfft", lambda x: _parts(tg.signal.rfft(x)), [((2, 6),), ((5,),)]),
    OpSpec("rfft", lambda x: _parts(tg.signal.rfft2d(x, [3, 5])), [((2, 4, 4),)], id="rfft2d_fft_length"),
    OpSpec("irfft", _cplx(tg.signal.irfft), [((2, 4), (2, 4))]),
    OpSpec("irfft", _cplx(lambda z: tg.signal.irfft(z, [7])), [((4,), (4,))], id="irfft_odd"),
    OpSpec("irfft", _cplx(tg.signal.irfft2d), [((3, 3), (3, 3))], id="irfft2d"),
    OpSpec("concat", lambda x: tg.signal.fftshift(x) + tg.signal.ifftshift(x, axes=[1]), [((3, 4),)],
           id="fftshift"),
]
