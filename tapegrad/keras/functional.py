"""The functional API's model: ``keras.Model(inputs, outputs)`` over a graph of layer calls.

``keras.Input`` gives ``KerasTensor`` s; calling layers on them records ``Node`` s (see ``layers/symbolic.py``);
``Functional`` walks the nodes back from ``outputs`` to ``inputs`` as Keras 3's ``map_graph`` does, so that
``layers`` (input layers first, then by depth), ``weights`` and ``summary()`` come in Keras' order, and calling
the model replays the layer calls on tensors.
"""
import collections

from .._core import nest
from .._core.tensor import convert_to_tensor
from ..ops import array as _array
from ..ops import math as _math
from .layers.symbolic import KerasTensor
from .models import Model


def _build_map(outputs):
    """(nodes from inputs to outputs, {layer: first traversal index}): Keras' depth-first ``_build_map``."""
    finished, in_progress, ordered, indices = set(), set(), [], {}

    def visit(tensor):
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor} from operation '{layer.name}' is part of a cycle.")
        indices.setdefault(layer, len(indices))
        in_progress.add(id(node))
        for t in node.input_tensors:
            visit(t)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered.append(node)

    for t in outputs:
        visit(t)
    return ordered, indices


def map_graph(inputs, outputs):
    """(nodes in execution order, {depth: nodes}, layers in Keras' order) of the graph from inputs to outputs."""
    nodes, indices = _build_map(outputs)
    in_graph = {id(n) for n in nodes}
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):
        depth = node_depth.setdefault(node, 0)
        depth = max(depth, layer_depth.get(node.operation, 0))
        layer_depth[node.operation] = depth
        node_depth[node] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    nodes_by_depth = collections.defaultdict(list)
    for node, depth in node_depth.items():
        nodes_by_depth[depth].append(node)
    layers_by_depth = collections.defaultdict(list)
    for layer, depth in layer_depth.items():
        layers_by_depth[depth].append(layer)
    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[depth], key=lambda layer: indices[layer]))
    computable = {id(t) for t in inputs}
    seen = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for t in node.input_tensors or node.outputs:
                if id(t) not in computable:
                    raise ValueError(f"Graph disconnected: cannot find parent for tensor {t} at operation "
                                     f"'{node.operation}'. The following previous operations were accessed without "
                                     f"issue: {seen}")
            seen.append(node.operation.name)
            computable.update(id(t) for t in node.outputs)
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the model. All operation names '
                             "should be unique.")
    return nodes, dict(nodes_by_depth), layers


def _check_keras_tensors(structure, what):
    for t in nest.flatten(structure):
        if not isinstance(t, KerasTensor):
            raise ValueError(f"All `{what}` values must be KerasTensors. Received: {what}={structure} including "
                             f"invalid value {t} of type {type(t)}")


class Functional(Model):
    """A model defined by its input and output ``KerasTensor`` s (``keras.Model(inputs=..., outputs=...)``).

    ``inputs``/``outputs`` may be one tensor, a list, or a dict; calling the model takes (and returns) the same
    structure. Inputs are converted to each ``Input``'s dtype; a trailing dimension of size 1 is added or
    removed where the ranks differ by one, as Keras does.
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        _check_keras_tensors(inputs, "inputs")
        _check_keras_tensors(outputs, "outputs")
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = nest.flatten(inputs)
        self._outputs = nest.flatten(outputs)
        self._nodes, self._nodes_by_depth, self._operations = map_graph(self._inputs, self._outputs)
        self.built = True

    @property
    def layers(self):
        return list(self._operations)

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self._outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_names(self):
        return [t._keras_history.operation.name for t in self._outputs]

    def _flatten_inputs(self, inputs):
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            by_name = {t.name: t for t in self._inputs}
            if set(inputs) == set(by_name):
                return [inputs[t.name] for t in self._inputs]
        if len(self._inputs) == 1 and not nest.is_nested(inputs):
            return [inputs]
        flat = nest.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(f"Layer '{self.name}' expected {len(self._inputs)} input(s). Received "
                             f"{len(flat)} instead.")
        return flat

    @staticmethod
    def _standardize(x, ref):
        x = convert_to_tensor(x)
        if x.dtype.name != ref.dtype:
            x = _math.cast(x, ref.dtype)
        rank, want = x.ndim, len(ref.shape)
        if rank == want + 1 and x.shape[-1] == 1:
            x = _array.squeeze(x, -1)
        elif rank == want - 1 and ref.shape[-1] == 1:
            x = _array.expand_dims(x, -1)
        elif rank != want:
            raise ValueError(f"Invalid input shape for input '{ref.name}'. Expected shape {ref.shape}, but input has "
                             f"incompatible shape {tuple(x.shape)}")
        return x

    def call(self, inputs, training=None, mask=None):
        values = {id(ref): self._standardize(x, ref) for ref, x in zip(self._inputs, self._flatten_inputs(inputs))}
        for node in self._nodes:
            if node.is_input:
                continue
            args, kwargs = node.fill_in(values)
            outputs = node.operation(*args, **kwargs)
            for ref, value in zip(node.outputs, nest.flatten(outputs)):
                values[id(ref)] = value
        return nest.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._outputs])

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self._outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _output_shapes(self):
        out = {}
        for layer in self._operations:
            shapes = [t.shape for t in layer._inbound_nodes[-1].outputs]
            out[id(layer)] = shapes[0] if len(shapes) == 1 else shapes
        return out

    def _summary_connections(self):
        """{id(layer): 'name[node][tensor], ...'}, or None where Keras prints no 'Connected to' column."""
        nodes = [n for depth in self._nodes_by_depth.values() for n in depth]
        sequential_like = all(len(v) == 1 and len(v[0].input_tensors) <= 1 for v in self._nodes_by_depth.values())
        if sequential_like:
            ids = {id(n) for n in nodes}
            sequential_like = all(sum(id(n) in ids for n in layer._inbound_nodes) <= 1 for layer in self._operations)
        if sequential_like:
            return None
        ids = {id(n) for n in nodes}
        out = {}
        for layer in self._operations:
            links = [f"{t._keras_history.operation.name}[{t._keras_history.node_index}][{t._keras_history.tensor_index}]"
                     for node in layer._inbound_nodes if id(node) in ids for t in node.input_tensors]
            out[id(layer)] = ", ".join(links) or "-"
        return out
