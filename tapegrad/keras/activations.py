"""``tapegrad.keras.activations``: Keras 3's activation functions, by function and by name.

As in Keras on TensorFlow, ``softmax`` and ``sigmoid`` remember their input: a
cross-entropy loss given their output with ``from_logits=False`` computes from
those logits instead (the numerically stable fused form), exactly as Keras does.
"""
import weakref

from .._core.tensor import convert_to_tensor
from ..ops import math as _math
from ..ops import nn as _nn

_attached = {}  # id(tensor) -> (weakref to it, {key: value}): what Keras sets as attributes on TF tensors


def attach(tensor, **values):
    """Remembers ``values`` with ``tensor`` (Keras' ``_keras_logits``/``_keras_mask`` attributes) while it lives."""
    key = id(tensor)
    entry = _attached.get(key)
    if entry is None or entry[0]() is not tensor:
        entry = _attached[key] = (weakref.ref(tensor, lambda _: _attached.pop(key, None)), {})
    entry[1].update(values)
    return tensor


def attached(tensor, name):
    """A value ``attach`` remembered with ``tensor``, or None."""
    entry = _attached.get(id(tensor))
    if entry is not None and entry[0]() is tensor:
        return entry[1].get(name)
    return None


def keras_logits(output):
    """The logits that ``softmax``/``sigmoid`` computed ``output`` from, or None."""
    return attached(output, "logits")


def linear(x):
    """The identity."""
    return convert_to_tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``; with ``negative_slope`` below ``threshold``, capped at ``max_value``."""
    x = convert_to_tensor(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _nn.relu(x)
    if threshold != 0.0:
        out = _math.where(_math.greater(x, threshold), x, _math.multiply(_math.subtract(x, threshold),
                                                                          negative_slope))
    elif negative_slope != 0.0:
        out = _math.where(_math.greater(x, 0), x, _math.multiply(x, negative_slope))
    else:
        out = _nn.relu(x)
    if max_value is not None:
        out = _math.minimum(out, _math.cast(max_value, x.dtype))
    return out


def relu6(x):
    return _nn.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    return _nn.leaky_relu(x, alpha=negative_slope)


def elu(x, alpha=1.0):
    out = _nn.elu(x)
    return out if alpha == 1.0 else _math.where(_math.greater(x, 0), out, _math.multiply(out, alpha))


def selu(x):
    return _nn.selu(x)


def gelu(x, approximate=False):
    return _nn.gelu(x, approximate=approximate)


def silu(x):
    return _nn.silu(x)


swish = silu


def tanh(x):
    return _math.tanh(x)


def sigmoid(x):
    x = convert_to_tensor(x)
    return attach(_math.sigmoid(x), logits=x)


def softplus(x):
    return _math.softplus(x)


def softsign(x):
    return _nn.softsign(x)


def exponential(x):
    return _math.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    x = convert_to_tensor(x)
    return _math.divide(_nn.relu6(_math.add(x, 3.0)), 6.0)


def softmax(x, axis=-1):
    """Softmax along ``axis`` (a tuple of axes is allowed)."""
    x = convert_to_tensor(x)
    if isinstance(axis, (tuple, list)):
        from ..ops import reduce as _reduce
        e = _math.exp(_math.subtract(x, _reduce.reduce_max(x, axis=axis, keepdims=True)))
        out = _math.divide(e, _reduce.reduce_sum(e, axis=axis, keepdims=True))
    else:
        out = _nn.softmax(x, axis=axis)
    return attach(out, logits=x)


def log_softmax(x, axis=-1):
    return _nn.log_softmax(x, axis=axis)


_ALL = (linear, relu, relu6, leaky_relu, elu, selu, gelu, silu, tanh, sigmoid, softplus, softsign, exponential,
        hard_sigmoid, softmax, log_softmax)
_BY_NAME = {f.__name__: f for f in _ALL}
_BY_NAME["swish"] = silu


def get(identifier):
    """An activation function from a name ('relu', 'softmax'...), a callable (as is) or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        f = _BY_NAME.get(identifier)
        if f is None:
            raise ValueError(f"Could not interpret activation function identifier: {identifier}")
        return f
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")


def serialize(activation):
    """The name of a built-in activation (Keras' config form), or the callable's ``__name__``."""
    for name, f in _BY_NAME.items():
        if f is activation:
            return name
    return getattr(activation, "__name__", activation)


__all__ = [f.__name__ for f in _ALL] + ["swish", "get", "serialize"]
