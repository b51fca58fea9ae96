"""``Layer``: Keras 3's layer base class on tapegrad (a ``tapegrad.Module``, so checkpoints find its variables).

A layer creates its weights in ``build(input_shape)``, called with the first
input's shape on the first ``__call__``; ``call(inputs, training=None)`` is the
forward pass. ``weights`` lists the layer's own variables (trainable first, in
creation order), then those of its sublayers, found in its attributes in
assignment order (lists and dicts included), as Keras 3 tracks them. Variables
are ``KerasVariable`` s named ``'kernel'`` with paths such as
``'sequential/dense/kernel'`` (the layers whose ``__call__`` or ``build`` was
running when they were created).

``training`` propagates as in Keras: an explicit argument, else the value the
enclosing layer call was given, else the default of ``call``'s signature.
"""
import functools
import inspect
import threading

import numpy as np

from ..._core import dtypes as _dt
from ..._core import nest
from ..._core.tensor import Tensor, Variable, convert_to_tensor
from ...module import Module
from ...ops import math as _math
from .. import initializers, regularizers
from ..optimizers.base import _auto_name
from ..variables import KerasVariable, name_scope
from .symbolic import has_keras_tensor, symbolic_call

_context = threading.local()


def _policy_name(dtype):
    """'float32' for None, a name, a DType, or Keras' ``{'class_name': 'DTypePolicy', 'config': {'name'}}``."""
    if dtype is None:
        return "float32"
    if isinstance(dtype, dict):
        return dtype.get("config", {}).get("name", "float32")
    return _dt.as_dtype(dtype).name


def _shape_of(x):
    if isinstance(x, (Tensor, Variable)):
        return tuple(x._value.shape)
    return tuple(np.shape(x))


def standardize_shape(shape):
    """A shape as a tuple of ints and Nones (from a list, tuple, TensorShape or int)."""
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if d is None else int(d) for d in shape)


class InputSpec:
    """Constraints on a layer's input, checked on every call: ``ndim``, ``min_ndim``, ``max_ndim``, and
    ``axes`` ({axis: size})."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = standardize_shape(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.name = name
        self.optional = optional

    def check(self, layer, shape, index=0):
        """Raises ValueError naming ``layer`` and ``shape`` unless ``shape`` meets the spec."""
        def fail(what):
            raise ValueError(f"Input {index} of layer '{layer.name}' ({type(layer).__name__}) is incompatible with "
                             f"the layer: {what}. Full shape received: {shape}")
        ndim = len(shape)
        if self.ndim is not None and ndim != self.ndim:
            fail(f"expected ndim={self.ndim}, found ndim={ndim}")
        if self.max_ndim is not None and ndim > self.max_ndim:
            fail(f"expected max_ndim={self.max_ndim}, found ndim={ndim}")
        if self.min_ndim is not None and ndim < self.min_ndim:
            fail(f"expected min_ndim={self.min_ndim}, found ndim={ndim}")
        for axis, size in self.axes.items():
            if size is not None and -ndim <= axis < ndim and shape[axis] not in (size, None):
                fail(f"expected axis {axis} of input shape to have value {size}, but received input with shape "
                     f"{shape}")
        if self.shape is not None:
            for want, have in zip(self.shape, shape):
                if want is not None and have is not None and want != have:
                    fail(f"expected shape={self.shape}, found shape={shape}")


class _CallContext:
    def __init__(self):
        self.training = None


def _wrap_build(build):
    @functools.wraps(build)
    def wrapped(self, *args, **kwargs):
        with name_scope(self.name, caller=self):
            result = build(self, *args, **kwargs)
        self.built = True
        return result
    wrapped._keras_wrapped = True
    return wrapped


def _flatten_attr(value, out):
    """Leaves of lists, tuples and dicts (insertion order), as Keras' tracked containers."""
    if isinstance(value, dict):
        for v in value.values():
            _flatten_attr(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _flatten_attr(v, out)
    else:
        out.append(value)
    return out


class _Weights:
    """A layer's ``add_weight`` variables, by trainability at creation (hidden from Module/Checkpoint walks:
    the attributes holding the variables name them there)."""

    def __init__(self):
        self.trainable = []
        self.non_trainable = []


class Layer(Module):
    """Base class of Keras layers (``keras.layers.Layer``).

    Args:
      trainable: whether the layer's weights are trained (``trainable_weights``) and watched by tapes.
      dtype: the variables' and computation's dtype (default 'float32'); floating inputs are cast to it.
      name: the layer's name (default: the snake-cased class name, numbered when taken).
      activity_regularizer: a regularizer applied to the outputs (added to ``losses``).
      input_shape: for the first layer of a ``Sequential``: the input shape without the batch dimension.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_keras_wrapped", False):
            cls.build = _wrap_build(build)

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True, name=None,
                 **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: "
                             f"name={name} (of type {type(name)})")
        self._name = name or _auto_name(type(self).__name__)
        self._scope_name = self._name + "/"
        self._w = _Weights()
        self._trainable = bool(trainable)
        self._dtype_name = _policy_name(dtype)
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self._losses = []
        self._inbound_nodes = []
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        self._input_shape_arg = (None if input_shape is None
                                 else (batch_size,) + standardize_shape(input_shape))
        call = inspect.signature(self.call).parameters
        self._call_has_training_arg = "training" in call
        self._call_has_mask_arg = "mask" in call

    # --- names and dtypes ---------------------------------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._name

    @property
    def dtype(self):
        """The variables' dtype name ('float32')."""
        return self._dtype_name

    variable_dtype = dtype
    compute_dtype = dtype

    @property
    def dtype_policy(self):
        return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self._dtype_name},
                "registered_name": None}

    # --- weights ------------------------------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True, regularizer=None,
                   constraint=None, aggregation="none", overwrite_with_gradient=False, name=None):
        """Creates a ``KerasVariable`` tracked by this layer and returns it.

        Args:
          shape: the shape (default ``()``).
          initializer: an initializer, its name, or None ('glorot_uniform' for floats, 'zeros' otherwise).
          dtype: default the layer's dtype.
          trainable: whether the optimizer trains it (``trainable_weights``) or not (``non_trainable_weights``).
          regularizer: a callable whose value on the variable is added to ``losses``.
          constraint: a callable applied to the variable after each optimizer update.
          name: the variable's name ('variable', numbered, by default).
        """
        shape = () if shape is None else standardize_shape(shape)
        dtype = _dt.as_dtype(dtype if dtype is not None else self._dtype_name)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        initializer = initializers.get(initializer)
        with name_scope(self.name, caller=self):
            value = initializer(shape, dtype=dtype)
            if not isinstance(value, (Tensor, Variable)):
                value = convert_to_tensor(value, dtype=dtype)
            elif value.dtype != dtype:
                value = _math.cast(value, dtype)
            var = KerasVariable(value, dtype=dtype, trainable=trainable, name=name or _auto_name("variable"),
                                constraint=constraint, regularizer=regularizers.get(regularizer))
        (self._w.trainable if trainable else self._w.non_trainable).append(var)
        return var

    def _attribute_leaves(self):
        if "_w" not in self.__dict__:
            raise RuntimeError("You forgot to call `super().__init__()` in the `__init__()` method. Go add it!")
        leaves = []
        for key, value in vars(self).items():
            if key in ("_w", "_input_shape_arg", "_losses", "_inbound_nodes"):
                continue
            _flatten_attr(value, leaves)
        return leaves

    def _own_variables(self):
        """(trainable-at-creation, non-trainable-at-creation) variables of this layer itself: ``add_weight``'s
        and ``keras.Variable`` attributes. A plain ``tf.Variable`` attribute is not a Keras weight: Keras 3
        neither lists nor trains it."""
        trainable, non_trainable = list(self._w.trainable), list(self._w.non_trainable)
        seen = {id(v) for v in trainable + non_trainable}
        for leaf in self._attribute_leaves():
            if isinstance(leaf, KerasVariable) and id(leaf) not in seen:
                seen.add(id(leaf))
                (trainable if leaf.trainable else non_trainable).append(leaf)
        return trainable, non_trainable

    @property
    def _sublayers(self):
        """Direct sublayers, in attribute assignment order."""
        out, seen = [], set()
        for leaf in self._attribute_leaves():
            if isinstance(leaf, Layer) and leaf is not self and id(leaf) not in seen:
                seen.add(id(leaf))
                out.append(leaf)
        return out

    def _flatten_layers(self, include_self=True, recursive=True):
        """This layer (optionally) and its sublayers, depth first, each once."""
        out, seen = [], set()

        def visit(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            if recursive or layer is self:
                for sub in layer._sublayers:
                    visit(sub)

        visit(self)
        return out if include_self else out[1:]

    @staticmethod
    def _unique(variables):
        out, seen = [], set()
        for v in variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    @property
    def weights(self):
        """All weights: this layer's (trainable first), then each sublayer's, each once."""
        trainable, non_trainable = self._own_variables()
        out = trainable + non_trainable
        for layer in self._sublayers:
            out.extend(layer.weights)
        return self._unique(out)

    @property
    def trainable_weights(self):
        """The weights the optimizer should update (none when ``trainable`` is False)."""
        if not self.trainable:
            return []
        trainable, non_trainable = self._own_variables()
        out = [v for v in trainable + non_trainable if v.trainable]
        for layer in self._sublayers:
            out.extend(layer.trainable_weights)
        return self._unique(out)

    @property
    def non_trainable_weights(self):
        """The other weights (all of them when ``trainable`` is False)."""
        if not self.trainable:
            return self.weights
        trainable, non_trainable = self._own_variables()
        out = [v for v in trainable + non_trainable if not v.trainable]
        for layer in self._sublayers:
            out.extend(layer.non_trainable_weights)
        return self._unique(out)

    def _seed_states(self):
        """The state variables of the SeedGenerators held by this layer and its sublayers."""
        from ..variables import SeedGenerator
        return [leaf.state for layer in self._flatten_layers() for leaf in layer._attribute_leaves()
                if isinstance(leaf, SeedGenerator)]

    @property
    def variables(self):
        """The weights, then the random layers' seed states (Keras 3 lists those here, not in ``weights``)."""
        return self._unique(self.weights + self._seed_states())

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self._unique(self.non_trainable_weights + self._seed_states())

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Sets the flag on this layer, its sublayers and their trainable variables (so tapes stop watching)."""
        value = bool(value)
        self._trainable = value
        trainable, _ = self._own_variables()
        for v in trainable:
            v._trainable = value
        for layer in self._sublayers:
            layer.trainable = value

    def get_weights(self):
        """The weights' values as NumPy arrays (``weights`` order)."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Assigns NumPy arrays to the weights (``weights`` order); shapes must match."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                             f"{len(weights)}, but the layer was expecting {len(variables)} weights.")
        for v, w in zip(variables, weights):
            w = np.asarray(w)
            if tuple(v.shape) != w.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(v.shape)} is not compatible with provided "
                                 f"weight shape {w.shape}.")
            v.assign(w.astype(v._value.dtype))

    def count_params(self):
        """The number of scalars in ``weights``."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                             "You can build it manually via: `layer.build(input_shape)`.")
        return int(sum(int(np.prod(v.shape.as_list())) for v in self.weights))

    # --- losses -------------------------------------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a loss tensor to ``losses`` (cleared when the outermost layer call starts)."""
        self._losses.append(loss)

    @property
    def losses(self):
        """``add_loss`` losses of this layer and its sublayers, then the weight regularization penalties."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
        for v in self.trainable_weights:
            if getattr(v, "regularizer", None) is not None:
                out.append(v.regularizer(v))
        return out

    # --- building and calling -------------------------------------------------------------------------------------
    def build(self, input_shape=None):
        """Creates the weights for inputs of ``input_shape`` (the default creates none)."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` method implemented.")

    def _convert_input(self, x):
        if isinstance(x, (Tensor, Variable, np.ndarray, np.generic)):
            x = convert_to_tensor(x)
            if self.autocast and x.dtype.is_floating and x.dtype.name != self._dtype_name:
                x = _math.cast(x, self._dtype_name)
        return x

    def _check_input_spec(self, inputs):
        self._check_input_shapes([_shape_of(x) for x in nest.flatten(inputs)])

    def _check_input_shapes(self, shapes):
        """Raises ValueError (naming the layer and the shape) if an input shape breaks ``input_spec``."""
        spec = self.input_spec
        if spec is None:
            return
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        for i, (s, shape) in enumerate(zip(specs, shapes)):
            if s is not None:
                s.check(self, tuple(shape), i)

    def __call__(self, *args, **kwargs):
        if "_w" not in self.__dict__:
            raise RuntimeError("You forgot to call `super().__init__()` in the `__init__()` method. Go add it!")
        if has_keras_tensor((args, kwargs)):
            return symbolic_call(self, args, kwargs,
                                 own_shape_rule=type(self).compute_output_shape is not Layer.compute_output_shape)
        if args:
            args = (nest.map_structure(self._convert_input, args[0]),) + args[1:]
        elif "inputs" in kwargs:
            kwargs["inputs"] = nest.map_structure(self._convert_input, kwargs["inputs"])
        inputs = args[0] if args else kwargs.get("inputs")
        outermost = getattr(_context, "call", None) is None
        if outermost:
            _context.call = _CallContext()
        ctx = _context.call
        try:
            if outermost:
                for layer in self._flatten_layers():
                    layer._losses.clear()
            training = kwargs.pop("training", None)
            if training is None:
                training = ctx.training
                if training is None and self._call_has_training_arg:
                    default = inspect.signature(self.call).parameters["training"].default
                    training = None if default is inspect.Parameter.empty else default
            ctx.training = training
            if self._call_has_training_arg and training is not None:
                kwargs["training"] = training
            with name_scope(self.name, caller=self):
                if not self.built:
                    self._check_input_spec(inputs)
                    shapes = nest.map_structure(_shape_of, inputs)
                    self.build(shapes)
                    self.built = True
                self._check_input_spec(inputs)
                outputs = self.call(*args, **kwargs)
            if self.activity_regularizer is not None:
                for out in nest.flatten(outputs):
                    self.add_loss(self.activity_regularizer(out))
            return outputs
        finally:
            if outermost:
                _context.call = None

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape`` (default: run the layer on zeros, batch dimensions of 1)."""
        shape = standardize_shape(input_shape)
        dummy = Tensor(np.zeros(tuple(1 if d is None else d for d in shape), dtype=self._dtype_name))
        out = self(dummy, training=False)
        return tuple(None if i == 0 and shape and shape[0] is None else d
                     for i, d in enumerate(_shape_of(out)))

    # --- config -------------------------------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments (Keras' config): ``name``, ``trainable``, ``dtype`` and the layer's own."""
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
