"""Merge layers: combine a list of tensors into one (``Add``, ``Subtract``, ``Multiply``, ``Average``,
``Maximum``, ``Minimum``, ``Concatenate``), and their functional forms (``add``, ``concatenate``, ...)."""
import functools

from ...ops import array as _array
from ...ops import math as _math
from .base import Layer


def _broadcast_shapes(shapes):
    rank = max(len(s) for s in shapes)
    out = []
    for dims in zip(*[(1,) * (rank - len(s)) + tuple(s) for s in shapes]):
        known = {d for d in dims if d not in (None, 1)}
        if len(known) > 1:
            raise ValueError(f"Inputs have incompatible shapes. Received shapes {list(shapes)}")
        out.append(known.pop() if known else (None if None in dims else 1))
    return tuple(out)


class _Merge(Layer):
    """Base of the elementwise merge layers: ``_merge(a, b)`` folded over the inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_list(self, shapes):
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: input_shape={shapes} "
                             "(not a list of shapes)")

    def build(self, input_shape):
        self._check_list(input_shape)
        _broadcast_shapes(input_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: inputs={inputs} (not a "
                             "list of tensors)")
        return functools.reduce(self._merge, inputs)

    def compute_output_shape(self, input_shape):
        return _broadcast_shapes(input_shape)


class Add(_Merge):
    """The elementwise sum of the inputs."""
    _merge = staticmethod(_math.add)


class Multiply(_Merge):
    """The elementwise product of the inputs."""
    _merge = staticmethod(_math.multiply)


class Maximum(_Merge):
    """The elementwise maximum of the inputs."""
    _merge = staticmethod(_math.maximum)


class Minimum(_Merge):
    """The elementwise minimum of the inputs."""
    _merge = staticmethod(_math.minimum)


class Average(_Merge):
    """The elementwise mean of the inputs."""
    _merge = staticmethod(_math.add)

    def call(self, inputs):
        return _math.divide(super().call(inputs), float(len(inputs)))


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: "
                             f"input_shape={input_shape}")

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        return _math.subtract(inputs[0], inputs[1])


class Concatenate(_Merge):
    """Concatenates the inputs along ``axis`` (-1); the other dimensions must match."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        self._check_list(input_shape)
        shapes = [list(s) for s in input_shape]
        ranks = {len(s) for s in shapes}
        reduced = []
        for s in shapes:
            s = list(s)
            if len(ranks) == 1:
                del s[self.axis]
            reduced.append(s)
        if len(ranks) > 1 or any(any(a is not None and b is not None and a != b for a, b in zip(r, reduced[0]))
                                 for r in reduced):
            raise ValueError("A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                             f"axis. Received: input_shape={list(input_shape)}")

    def call(self, inputs):
        return _array.concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        out = list(input_shape[0])
        sizes = [s[self.axis] for s in input_shape]
        out[self.axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _functional(cls, doc):
    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)
    merge.__name__ = cls.__name__.lower()
    merge.__doc__ = doc
    return merge


add = _functional(Add, "``Add()(inputs)``.")
subtract = _functional(Subtract, "``Subtract()(inputs)``.")
multiply = _functional(Multiply, "``Multiply()(inputs)``.")
average = _functional(Average, "``Average()(inputs)``.")
maximum = _functional(Maximum, "``Maximum()(inputs)``.")
minimum = _functional(Minimum, "``Minimum()(inputs)``.")


def concatenate(inputs, axis=-1, **kwargs):
    """``Concatenate(axis)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
