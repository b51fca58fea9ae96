"""``tapegrad.math``: elementwise math and reductions, as ``tf.math``."""
from .ops.indexing import (segment_max, segment_mean, segment_min, segment_prod, segment_sum,  # noqa: F401
                           top_k, unsorted_segment_max, unsorted_segment_mean, unsorted_segment_min,
                           unsorted_segment_prod, unsorted_segment_sqrt_n, unsorted_segment_sum)
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.math_extra import *  # noqa: F401,F403
from .ops.special import (bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, digamma, erfc, erfcinv, erfinv,  # noqa: F401
                          lgamma, ndtri, polygamma, zeta)
from .ops import special  # noqa: F401 - tf.math.special (bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, ...)
from .ops.manip import scalar_mul  # noqa: F401
from .ops.nn import l2_normalize, log_softmax, softmax, softsign  # noqa: F401 - TF exports these under tf.math too
from .ops.array_extra import approx_max_k, approx_min_k  # noqa: F401
from .ops.special_extra import *  # noqa: F401,F403
