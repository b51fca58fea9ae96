"""``tapegrad.debugging``: NaN/Inf provenance and assertions, as ``tf.debugging``."""
from .ops.debugging import *  # noqa: F401,F403
from .ops.asserts import *  # noqa: F401,F403
