"""``tapegrad.nn``: neural-network ops, as ``tf.nn``."""
from .ops.math import sigmoid, softplus, tanh  # noqa: F401 - TF exports these under tf.nn too
from .ops.nn import *  # noqa: F401,F403
from .ops.conv import *  # noqa: F401,F403
from .ops.indexing import top_k  # noqa: F401 - tf.nn.top_k is tf.math.top_k
