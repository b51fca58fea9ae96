"""``tapegrad.linalg``: linear algebra, as ``tf.linalg`` (with matmul, einsum, tensordot, eye and l2_normalize)."""
from .ops.array import eye  # noqa: F401
from .ops.linalg import *  # noqa: F401,F403
from .ops.math import einsum, matmul, tensordot  # noqa: F401
from .ops.nn import l2_normalize  # noqa: F401
from .ops.linalg_extra import *  # noqa: F401,F403
