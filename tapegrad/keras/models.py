"""``keras.Model`` (subclassing) and ``keras.Sequential``, with Keras 3's ``summary()`` table.

tapegrad has no functional API (``Model(inputs, outputs)``) and no ``compile``/``fit``: train with a
GradientTape loop, as TF's custom-training guides do.
"""
import numpy as np

from .layers.base import Layer, standardize_shape
from .layers.core import InputLayer, KerasTensor
from .variables import name_scope


class Model(Layer):
    """A layer that groups layers: subclass it, assign layers as attributes in ``__init__`` and write ``call``.

    ``weights`` are the model's own, then each sublayer's in attribute assignment order (lists too).
    """

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise NotImplementedError("tapegrad.keras has no functional API: subclass `Model` (assign layers in "
                                      "`__init__`, write `call`) or use `Sequential`.")
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
        (print_fn or print)(_summary_text(self, line_length))

    def _output_shapes(self):
        return {}


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
            layer = layer._keras_history
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


def _summary_text(model, line_length=None):
    widths = [31, 22, 13]
    if line_length:
        scale = max(line_length - 10, 30) / sum(widths)
        widths = [max(8, int(w * scale)) for w in widths]
    shapes = model._output_shapes()
    rows = []
    for layer in model.layers:
        shape = shapes.get(id(layer))
        rows.append((f"{layer.name} ({type(layer).__name__})", "?" if shape is None else str(shape).replace(
            ",)", ")"), _param_text(layer)))

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
    text += cells(("Layer (type)", "Output Shape", "Param #"), heavy=True)
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

    text.append(f" Total params: {total(model.weights)}")
    text.append(f" Trainable params: {total(model.trainable_weights)}")
    text.append(f" Non-trainable params: {total(model.non_trainable_weights)}")
    return "\n".join(text)
