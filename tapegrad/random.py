"""``tapegrad.random``: random tensors and seeds, as ``tf.random``."""
from .ops.random import *  # noqa: F401,F403
from .ops.random_extra import *  # noqa: F401,F403
