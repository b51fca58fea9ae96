"""``tapegrad.math``: elementwise math and reductions, as ``tf.math``."""
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
