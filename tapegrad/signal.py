"""``tapegrad.signal``: Fourier transforms and windows, as ``tf.signal``."""
from .ops.fft import *  # noqa: F401,F403
