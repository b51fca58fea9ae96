"""``tapegrad.random``: random tensors and seeds, as ``tf.random``."""
from .ops.random import *  # noqa: F401,F403
from .ops.random_extra import *  # noqa: F401,F403
from .ops.random_more import *  # noqa: F401,F403


def _experimental():
    """``tf.random.experimental``: the seed helpers under their experimental names."""
    import types
    from .ops import random_extra as _extra, random_more as _more
    ns = types.ModuleType("tapegrad.random.experimental", "tf.random.experimental")
    for name, fn in (("Algorithm", _more.Algorithm), ("Generator", _extra.Generator),
                     ("create_rng_state", _more.create_rng_state),
                     ("get_global_generator", _extra.get_global_generator),
                     ("set_global_generator", _extra.set_global_generator), ("stateless_fold_in", _more.fold_in),
                     ("stateless_split", _more.split), ("stateless_shuffle", _more.stateless_shuffle)):
        setattr(ns, name, fn)
    return ns


experimental = _experimental()
