"""Symbolic tensors and the graph of layer calls behind Keras' functional API.

Calling a layer on a ``KerasTensor`` (what ``keras.Input`` returns) runs no computation on data: it builds the
layer for the input shapes, adds a ``Node`` (the layer, its call arguments, its output ``KerasTensor`` s) to the
layer's ``_inbound_nodes``, and returns the output ``KerasTensor`` s, each of which knows the node that made it
(``_keras_history``: layer, node index, tensor index). ``keras.Model(inputs, outputs)`` walks these back.

Output shapes and dtypes come from the layer's ``compute_output_shape`` where the layer defines one, else from
running the layer once on zeros with each unknown dimension set to 1 (``training=False``, so no state changes).
"""
import collections

import numpy as np

from ..._core import dtypes as _dt
from ..._core import nest
from ..._core.tensor import Tensor
from ..optimizers.base import _auto_name
from ..variables import name_scope

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


class KerasTensor:
    """A symbolic tensor: a shape (batch dimension first, None where unknown), a dtype, and the layer call
    that produced it (``_keras_history``)."""

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = _dt.as_dtype(dtype).name
        self.name = name or _auto_name("KerasTensor")
        self._keras_history = history

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, ragged=False, "
                f"name={self.name}>")


class Node:
    """One call of ``operation`` (a layer) on ``args``/``kwargs`` holding KerasTensors, giving ``outputs``."""

    def __init__(self, operation, args=(), kwargs=None, outputs=()):
        self.operation = operation
        self.arguments = (tuple(args), dict(kwargs or {}))
        self.input_tensors = [t for t in nest.flatten(self.arguments) if isinstance(t, KerasTensor)]
        self.outputs = nest.flatten(outputs)
        self.is_input = not self.input_tensors
        node_index = len(operation._inbound_nodes)
        for i, t in enumerate(self.outputs):
            t._keras_history = KerasHistory(operation, node_index, i)
        operation._inbound_nodes.append(self)

    @property
    def parent_nodes(self):
        return [t._keras_history.operation._inbound_nodes[t._keras_history.node_index] for t in self.input_tensors]

    def fill_in(self, values):
        """The call's ``(args, kwargs)`` with each KerasTensor replaced by ``values[id(tensor)]``."""
        return nest.map_structure(lambda v: values[id(v)] if isinstance(v, KerasTensor) else v, self.arguments)


def has_keras_tensor(structure):
    return any(isinstance(v, KerasTensor) for v in nest.flatten(structure))


def _dummy(t):
    return Tensor(np.zeros(tuple(1 if d is None else d for d in t.shape), dtype=_dt.as_dtype(t.dtype).as_numpy_dtype))


def symbolic_call(layer, args, kwargs, own_shape_rule):
    """``layer(*args, **kwargs)`` on KerasTensors: builds the layer, records a Node, returns output KerasTensors.

    ``own_shape_rule``: whether the layer defines ``compute_output_shape`` (else the output shapes come from a run
    on zeros)."""
    inputs = args[0] if args else kwargs.get("inputs")
    if not layer.built:
        shapes = nest.map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else np.shape(t), inputs)
        with name_scope(layer.name, caller=layer):
            layer._check_input_shapes([t.shape for t in nest.flatten(inputs) if isinstance(t, KerasTensor)])
            layer.build(shapes)
            layer.built = True
    dummy_args, dummy_kwargs = nest.map_structure(lambda v: _dummy(v) if isinstance(v, KerasTensor) else v,
                                                  (tuple(args), dict(kwargs)))
    if layer._call_has_training_arg:
        dummy_kwargs["training"] = False
    out = layer(*dummy_args, **dummy_kwargs)
    for sub in layer._flatten_layers():
        sub._losses.clear()
    flat_in = [t for t in nest.flatten((args, kwargs)) if isinstance(t, KerasTensor)]
    unknown_batch = any(t.shape and t.shape[0] is None for t in flat_in)
    flat_out = nest.flatten(out)
    if own_shape_rule and len(flat_out) == 1 and not nest.is_nested(inputs) and isinstance(inputs, KerasTensor):
        shapes = [tuple(layer.compute_output_shape(inputs.shape))]
    else:
        shapes = [tuple(None if i == 0 and unknown_batch else d for i, d in enumerate(o.shape.as_list()))
                  for o in flat_out]
    outputs = [KerasTensor(shape, o.dtype) for shape, o in zip(shapes, flat_out)]
    Node(layer, args, kwargs, outputs)
    return nest.pack_sequence_as(out, outputs)
