"""``tapegrad.keras.optimizers``: Keras 3's optimizers (``tf.keras.optimizers`` in TF 2.21) on tapegrad.

``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad``, ``Adadelta``,
``Adamax``, ``Nadam``, ``Lion`` and ``Ftrl`` with Keras 3's names, defaults and update formulas,
the ``Optimizer`` base class, learning rate ``schedules``, and ``get`` /
``serialize`` / ``deserialize``.
"""
from . import schedules
from .adam import Adam, Adamax, AdamW
from .base import Optimizer
from .ftrl import Ftrl, Lion
from .nadam import Nadam
from .rmsprop import Adadelta, Adagrad, RMSprop
from .sgd import SGD

_BY_NAME = {c.__name__.lower(): c for c in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl)}


def serialize(optimizer):
    """Keras' serialized form of an optimizer: ``{'module', 'class_name', 'config', 'registered_name'}``."""
    builtin = _BY_NAME.get(type(optimizer).__name__.lower()) is type(optimizer)
    return {"module": "keras.optimizers" if builtin else type(optimizer).__module__,
            "class_name": type(optimizer).__name__, "config": optimizer.get_config(),
            "registered_name": None if builtin else type(optimizer).__name__}


def deserialize(config, custom_objects=None):
    """Rebuilds an optimizer from ``serialize``'s output (or a ``{'class_name', 'config'}`` dict)."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {name!r}")
    return cls.from_config(dict(config.get("config", {})), custom_objects=custom_objects)


def get(identifier):
    """An optimizer from an instance (returned as is), a name ('adam', 'SGD', ...) or a config dict."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is not None:
            return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Ftrl", "schedules",
           "get", "serialize", "deserialize"]
