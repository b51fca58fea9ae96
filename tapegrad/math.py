"""``tapegrad.math``: the elementwise and reduction ops, as ``tf.math``."""
from .ops.math import (add, conj, cos, divide, exp, greater, log, multiply, negative, not_equal, pow,  # noqa: F401,A004
                       realdiv, sin, sqrt, square, subtract, truediv)
from .ops.reduce import reduce_sum  # noqa: F401
