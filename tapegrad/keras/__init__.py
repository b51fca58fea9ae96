"""``tapegrad.keras``: the parts of ``tf.keras`` that tapegrad provides (``optimizers``)."""
from . import optimizers

__all__ = ["optimizers"]
