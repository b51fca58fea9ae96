"""``tapegrad.keras.regularizers``: weight penalties added to a layer's ``losses`` (Keras 3's L1, L2, L1L2)."""
from .._core.tensor import convert_to_tensor
from ..ops import math as _math
from ..ops import reduce as _reduce


class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x^2)``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x):
        x = convert_to_tensor(x)
        penalty = _math.cast(0.0, x.dtype)
        if self.l1:
            penalty = _math.add(penalty, _math.multiply(_math.cast(self.l1, x.dtype),
                                                        _reduce.reduce_sum(_math.abs(x))))
        if self.l2:
            penalty = _math.add(penalty, _math.multiply(_math.cast(self.l2, x.dtype),
                                                        _reduce.reduce_sum(_math.square(x))))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``l1 * sum(|x|)`` (l1 defaults to 0.01)."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(x^2)`` (l2 defaults to 0.01)."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2  # Keras' lowercase aliases
_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier):
    """A regularizer from an instance or callable (as is), a name ('l1', 'l2', 'l1_l2'), a config dict, or None."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _BY_NAME:
        return _BY_NAME[identifier["class_name"]].from_config(identifier.get("config", {}))
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


def serialize(regularizer):
    if regularizer is None:
        return None
    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(), "registered_name": None}


__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize"]
