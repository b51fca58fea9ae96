"""``tapegrad.keras.backend``: ``clear_session``, ``floatx``, ``epsilon``."""
from .optimizers import base as _optimizer_base


def clear_session(free_memory=True):
    """Restarts automatic naming: the next Dense is 'dense' again (layers, optimizers, losses, metrics)."""
    _optimizer_base._name_uids.clear()


def floatx():
    """The default float type: 'float32'."""
    return "float32"


def epsilon():
    """The fuzz factor that losses clip probabilities with: 1e-7."""
    return 1e-7


__all__ = ["clear_session", "floatx", "epsilon"]
