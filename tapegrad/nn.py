"""``tapegrad.nn``: neural-network ops, as ``tf.nn``."""
from .ops.math import sigmoid, softplus, tanh  # noqa: F401 - TF exports these under tf.nn too
from .ops.nn import *  # noqa: F401,F403
from .ops.conv import *  # noqa: F401,F403
from .ops.indexing import top_k  # noqa: F401 - tf.nn.top_k is tf.math.top_k
from .ops.math_extra import in_top_k, zero_fraction  # noqa: F401 - tf.nn.in_top_k, tf.nn.zero_fraction
from .ops.nn_extra import *  # noqa: F401,F403
from .ops.array_extra import approx_max_k, approx_min_k, space_to_batch  # noqa: F401
from .ops.nn_more import *  # noqa: F401,F403
from .ops.random_more import (all_candidate_sampler, compute_accidental_hits,  # noqa: F401
                              fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler)
from types import SimpleNamespace as _Namespace

from .ops.nn import stateless_dropout as _stateless_dropout

experimental = _Namespace(stateless_dropout=_stateless_dropout)  # tf.nn.experimental
