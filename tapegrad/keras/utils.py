"""``tapegrad.keras.utils``: ``set_random_seed``."""
import random

import numpy as np

from ..ops import random as _random


def set_random_seed(seed):
    """Seeds Python's ``random``, NumPy's global generator and ``tapegrad.random`` (so initializers) at once."""
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    random.seed(seed)
    np.random.seed(seed)
    _random.set_seed(seed)


__all__ = ["set_random_seed"]
