"""``tapegrad.math``: elementwise math and reductions, as ``tf.math``."""
from .ops.indexing import (segment_max, segment_mean, segment_min, segment_prod, segment_sum,  # noqa: F401
                           top_k, unsorted_segment_max, unsorted_segment_mean, unsorted_segment_min,
                           unsorted_segment_prod, unsorted_segment_sqrt_n, unsorted_segment_sum)
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
