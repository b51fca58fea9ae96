"""``tapegrad.keras``: the parts of ``tf.keras`` (Keras 3, as TF 2.21 ships it) that tapegrad provides.

``layers``, ``Sequential``, ``Model``, ``Input``, ``optimizers``, ``losses``, ``metrics``,
``initializers``, ``activations``, ``regularizers``, ``backend.clear_session`` and
``utils.set_random_seed``, ``callbacks``; models train with ``compile``/``fit`` or a GradientTape loop.
"""
from . import (activations, backend, callbacks, initializers, layers, losses, metrics, optimizers, regularizers,
               utils)
from .layers import Input, InputSpec, Layer
from .losses import Loss
from .metrics import Metric
from .models import Model, Sequential
from .variables import KerasVariable as Variable

__all__ = ["activations", "backend", "callbacks", "initializers", "layers", "losses", "metrics", "optimizers", "regularizers", "utils",
           "Input", "InputSpec", "Layer", "Loss", "Metric", "Model", "Sequential", "Variable"]
