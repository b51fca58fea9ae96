"""``tapegrad.signal``: Fourier transforms, windows, framing, STFTs, DCTs and mel features, as ``tf.signal``."""
from .ops.fft import *  # noqa: F401,F403
from .ops.spectral import *  # noqa: F401,F403
