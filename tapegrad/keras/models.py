"""``keras.Model`` and ``keras.Sequential``, with Keras 3's ``summary()`` table and weights files.

Three ways to make a model, as in Keras 3: subclass ``Model`` (layers in ``__init__``, ``call``), stack layers
in a ``Sequential``, or use the functional API, ``Model(inputs=keras.Input(...), outputs=...)`` (the
``Functional`` class in ``functional.py``). Each trains with ``compile``/``fit`` (``trainer.py``) or with a
GradientTape loop. ``save_weights``/``load_weights`` write and read the weights (``weights`` order) as one
NumPy ``.npz`` archive (no pickles), written atomically, under Keras' ``.weights.h5`` file names.
"""
import os

import numpy as np

from ..train import checkpoint as _checkpoint
from .layers.base import Layer, standardize_shape
from .layers.core import InputLayer
from .layers.symbolic import KerasTensor
from .trainer import Trainer
from .variables import name_scope


class Model(Trainer, Layer):
    """A layer that groups layers, with the training API (``compile``, ``fit``, ``evaluate``, ``predict``).

    ``Model(inputs, outputs)`` makes a functional model; otherwise subclass it, assign layers as attributes in
    ``__init__`` and write ``call``: ``weights`` are the model's own, then each sublayer's in attribute
    assignment order (lists too).
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise ValueError(f"Model subclass {type(self).__name__} was given `inputs`/`outputs`: use "
                             "`keras.Model(inputs=..., outputs=...)` for a functional model.")
        super().__init__(**kwargs)

    @property
    def layers(self):
        """The direct sublayers, in assignment order."""
        return self._sublayers

    def get_layer(self, name=None, index=None):
        """A sublayer by ``name`` or by ``index`` in ``layers``."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints Keras' table: each layer's name (type), output shape and parameter count, then the totals."""
        (print_fn or print)(_summary_text(self, line_length, positions))

    def _output_shapes(self):
        return {}

    def _summary_connections(self):
        return None

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        """Writes ``weights`` to ``filepath`` (which must end in ``.weights.h5``) as a NumPy ``.npz`` archive."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
        arrays, notes = {}, []
        for i, v in enumerate(self.weights):
            arrays[f"{i:06d}"], note = _checkpoint._storable(v.numpy())
            notes.append(f"{v.path}|{note or ''}")
        arrays["__paths__"] = np.array(notes, dtype=str)
        _checkpoint._atomic_write(filepath, lambda f: _checkpoint._write_npz(f, arrays))

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Reads weights written by ``save_weights`` into ``weights`` (same order; shapes must match)."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"File format not supported: filepath={filepath}. Keras 3 only supports V3 `.keras` and "
                             "`.weights.h5` files.")
        with np.load(filepath, allow_pickle=False) as archive:
            notes = [str(n) for n in archive["__paths__"]]
            stored = [archive[f"{i:06d}"] for i in range(len(notes))]
        variables = self.weights
        if len(stored) != len(variables):
            raise ValueError(f"A total of {len(stored)} objects could not be loaded. Expected {len(variables)} "
                             f"weights in model '{self.name}', found {len(stored)} in {filepath}.")
        for v, arr, note in zip(variables, stored, notes):
            if note.rsplit("|", 1)[1]:
                arr = arr.view(v._value.dtype)
            if tuple(v.shape) != arr.shape:
                if skip_mismatch:
                    continue
                raise ValueError(f"The shape of the target variable and the shape of the target value in "
                                 f"`variable.assign(value)` must match. variable.shape={tuple(v.shape)}, Received: "
                                 f"value.shape={arr.shape}. Target variable: {v}")
            v.assign(arr.astype(v._value.dtype))


class Sequential(Model):
    """A plain stack of layers, each called on the previous one's output (``keras.Sequential``).

    ``Sequential([keras.Input((8, 8, 1)), layers.Conv2D(...), ...])`` builds at once; without an input
    shape it builds on its first call (or ``build(input_shape)``).
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._layers = []
        self._input_shape = None
        for layer in layers or ():
            self.add(layer, rebuild=False)
        if self._input_shape is not None:
            self.build(self._input_shape)

    def add(self, layer, rebuild=True):
        """Appends a layer (a ``keras.Input`` or ``InputLayer`` first sets the input shape)."""
        if isinstance(layer, KerasTensor):
            layer = layer._keras_history.operation
        if not isinstance(layer, Layer):
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer} "
                             f"(of type {type(layer)})")
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError("Sequential model '{self.name}' already has layers: an InputLayer must come first.")
            self._input_shape = layer.batch_shape
        elif not self._layers and self._input_shape is None and layer._input_shape_arg is not None:
            self._input_shape = layer._input_shape_arg
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name '{layer.name}' "
                             "is already the name of a layer in this model. Update the `name` argument to pass a "
                             "unique name.")
        if not isinstance(layer, InputLayer):
            self._layers.append(layer)
        self.built = False
        if rebuild and self._input_shape is not None:
            self.build(self._input_shape)

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self.built = False
        if rebuild and self._input_shape is not None:
            self.build(self._input_shape)
        return layer

    @property
    def layers(self):
        return list(self._layers)

    def build(self, input_shape=None):
        """Builds every layer in turn from ``input_shape`` (batch dimension included)."""
        if input_shape is None:
            input_shape = self._input_shape
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        shape = standardize_shape(input_shape)
        self._input_shape = shape
        shapes = []
        with name_scope(self.name, caller=self):
            for layer in self._layers:
                if not layer.built:
                    with name_scope(layer.name, caller=layer):
                        layer._check_input_shapes([shape])
                        layer.build(shape)
                        layer.built = True
                shape = tuple(layer.compute_output_shape(shape))
                shapes.append(shape)
        self._shapes = shapes
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape):
        shape = standardize_shape(input_shape)
        for layer in self._layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    @property
    def input_shape(self):
        if self._input_shape is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")
        return self._input_shape

    @property
    def output_shape(self):
        return self.compute_output_shape(self.input_shape)

    def _output_shapes(self):
        if self._input_shape is None:
            return {}
        out, shape = {}, self._input_shape
        for layer in self._layers:
            shape = tuple(layer.compute_output_shape(shape))
            out[id(layer)] = shape
        return out

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy,
                "layers": [{"module": "keras.layers", "class_name": type(layer).__name__,
                            "config": layer.get_config()} for layer in self._layers]}


# --- summary ------------------------------------------------------------------------------------------------------
def _readable_size(nbytes):
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if nbytes / 1024 < 1:
            return f"{nbytes:.2f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.2f} PB"


def _wrap(text, width):
    """Lines of at most ``width`` characters, broken at spaces where possible."""
    lines, line = [], ""
    for word in text.split(" "):
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _param_text(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def _ratio_reduce(total, values):
    """Rich's ``ratio_reduce`` with equal ratios: takes ``total`` off ``values`` as evenly as rounding allows."""
    out, remaining = [], total
    for k, value in enumerate(values):
        cut = min(value, round(remaining / (len(values) - k)))
        out.append(value - cut)
        remaining -= cut
    return out


def _column_widths(line_length, positions):
    """Keras' column widths for ``line_length``, shrunk as rich fits them (2 padding per cell, 1 per border)."""
    widths, current = [], 0
    for pos in positions:
        widths.append(int(pos * line_length) - current)
        current += widths[-1]
    padded = [w + 2 for w in widths]
    excess = sum(padded) - (line_length - len(widths) - 1)
    if excess > 0:
        padded = _ratio_reduce(excess, padded)
    return [w - 2 for w in padded]


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_text(s) for s in shape) + "]"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _summary_text(model, line_length=None, positions=None):
    """Keras 3's summary table as printed to a non-terminal (80 columns, so 76 wide by default)."""
    connections = model._summary_connections()
    if connections is None:
        default, positions = 88, positions or [0.45, 0.80, 1.0]
        header = ("Layer (type)", "Output Shape", "Param #")
    else:
        default, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ("Layer (type)", "Output Shape", "Param #", "Connected to")
    widths = _column_widths(line_length or min(default, 76), positions)
    shapes = model._output_shapes()
    rows = []
    for layer in model.layers:
        row = (f"{layer.name} ({type(layer).__name__})", _shape_text(shapes.get(id(layer))), _param_text(layer))
        rows.append(row if connections is None else row + (connections[id(layer)],))

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def cells(values, heavy=False):
        bar = "┃" if heavy else "│"
        wrapped = [_wrap(v, w) for v, w in zip(values, widths)]
        out = []
        for i in range(max(len(c) for c in wrapped)):
            parts = []
            for j, (c, w) in enumerate(zip(wrapped, widths)):
                text = c[i] if i < len(c) else ""
                parts.append(" " + (text.rjust(w) if j == 2 else text.ljust(w)) + " ")
            out.append(bar + bar.join(parts) + bar)
        return out

    text = [f'Model: "{model.name}"', line("┏", "┳", "┓", "━")]
    text += cells(header, heavy=True)
    text.append(line("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        text += cells(row)
        text.append(line("├", "┼", "┤", "─") if i < len(rows) - 1 else line("└", "┴", "┘", "─"))
    if not rows:
        text.append(line("└", "┴", "┘", "─"))

    def total(variables):
        n = sum(int(np.prod(v.shape.as_list())) for v in variables)
        nbytes = sum(int(np.prod(v.shape.as_list())) * v._value.dtype.itemsize for v in variables)
        return f"{n:,} ({_readable_size(nbytes)})"

    optimizer = model.optimizer if model.compiled else None
    opt_vars = optimizer.variables if optimizer is not None and optimizer.built else []
    text.append(f" Total params: {total(model.weights + opt_vars)}")
    text.append(f" Trainable params: {total(model.trainable_weights)}")
    text.append(f" Non-trainable params: {total(model.non_trainable_weights)}")
    if opt_vars:
        text.append(f" Optimizer params: {total(opt_vars)}")
    return "\n".join(text)
