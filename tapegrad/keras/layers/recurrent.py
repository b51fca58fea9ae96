"""Recurrent layers: the cells ``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``, the ``RNN`` wrapper that runs a
cell over time, ``SimpleRNN``, ``LSTM``, ``GRU`` and ``Bidirectional`` (Keras 3's, on tapegrad).

The loop over time steps is a Python loop of tapegrad ops, so the tape differentiates it and
``tapegrad.function`` traces it (unrolled: the number of time steps must be known when tracing). Weight
layouts and gate orders are Keras': LSTM kernels are ``(input_dim, 4 * units)`` in i, f, c, o order, GRU
kernels ``(input_dim, 3 * units)`` in z, r, h order with a ``(2, 3 * units)`` bias (input and recurrent rows)
when ``reset_after``; ``set_weights`` with TF's arrays gives TF's outputs.

A ``mask`` (bool, ``(batch, timesteps)``, True: use the step) may be passed to a recurrent layer's call: a
masked step keeps the previous states and repeats the previous output (zeros with ``zero_output_for_mask``).
tapegrad's layers do not propagate masks from one layer to the next (``Embedding(mask_zero=True)``'s mask must
be passed by hand: ``lstm(x, mask=embedding.compute_mask(ids))``).

>>> lstm = tapegrad.keras.layers.LSTM(8, return_sequences=True)
>>> lstm(tapegrad.ones((2, 5, 3))).shape
TensorShape([2, 5, 8])
"""
import importlib

from ..._core import nest
from ..._core.tensor import convert_to_tensor
from ...ops import array as _array
from ...ops import math as _math
from ...ops import nn as _nn
from .. import activations, initializers, regularizers
from ..variables import KerasVariable, SeedGenerator
from .base import InputSpec, Layer
from .core import _KernelBias, _serialize_initializer


def _check_units(units):
    if units <= 0:
        raise ValueError(f"Received an invalid value for argument `units`, expected a positive integer, got {units}.")
    return units


class DropoutRNNCell:
    """The dropout masks of a cell: drawn once (``dropout`` for the inputs, ``recurrent_dropout`` for the
    state), reused at every time step, cleared by ``RNN`` after each call. ``dropout_mask_count`` masks (one
    per gate) when the cell sets it, else one."""

    def _create_dropout_mask(self, step_input, rate):
        ones = _array.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return _nn.dropout(ones, rate, seed=self.seed)
        return [_nn.dropout(ones, rate, seed=self.seed) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


class _Cell(_KernelBias, DropoutRNNCell):
    """A cell's shared arguments (kernel, recurrent kernel, bias, dropouts, seed), weights and config."""

    _gates = 1

    def __init__(self, args):
        """``args``: the subclass constructor's ``locals()`` (Keras' cell arguments and ``kwargs``)."""
        args = {k: v for k, v in args.items() if k not in ("self", "__class__")}
        kwargs = args.pop("kwargs")
        implementation = kwargs.pop("implementation", 2) if "recurrent_activation" in args else None
        super().__init__(**kwargs)
        self.units = _check_units(args["units"])
        self._set_kernel_bias_args(*(args[k] for k in ("activation", "use_bias", "kernel_initializer",
                                                       "bias_initializer", "kernel_regularizer", "bias_regularizer",
                                                       "kernel_constraint", "bias_constraint")))
        self.recurrent_initializer = initializers.get(args["recurrent_initializer"])
        self.recurrent_regularizer = regularizers.get(args["recurrent_regularizer"])
        self.recurrent_constraint = args["recurrent_constraint"]
        self.dropout = min(1.0, max(0.0, args["dropout"]))
        self.recurrent_dropout = min(1.0, max(0.0, args["recurrent_dropout"]))
        self.seed = args["seed"]
        self.seed_generator = SeedGenerator(self.seed)
        self.state_size = self.units
        self.output_size = self.units
        if implementation is not None:
            self.recurrent_activation = activations.get(args["recurrent_activation"])
            self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
            if self.implementation == 1:
                self.dropout_mask_count = self._gates

    def _add_recurrent_weights(self, input_dim, bias_shape, bias_initializer=None):
        width = self._gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel", initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = (self.add_weight(shape=bias_shape, name="bias", initializer=bias_initializer or
                                     self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint)
                     if self.use_bias else None)

    def _masks(self, inputs, h_tm1, training):
        """(input mask, recurrent mask): None, one mask, or a list of one per gate."""
        if not training:
            return None, None
        dp = self.get_dropout_mask(inputs) if 0.0 < self.dropout < 1.0 else None
        rec = self.get_recurrent_dropout_mask(h_tm1) if 0.0 < self.recurrent_dropout < 1.0 else None
        return dp, rec

    @staticmethod
    def _project(x, kernel, mask, n):
        """``x @ kernel`` as ``n`` column blocks; with one mask per block, block k is ``(x * mask[k]) @ kernel_k``."""
        if isinstance(mask, list):
            return [_math.matmul(_math.multiply(x, m), k) for m, k in zip(mask, _array.split(kernel, n, axis=1))]
        if mask is not None:
            x = _math.multiply(x, mask)
        out = _math.matmul(x, kernel)
        return [out] if n == 1 else _array.split(out, n, axis=1)

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [_array.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]

    def get_config(self):
        config = {**super().get_config(), "units": self.units, **self._kernel_bias_config(),
                  "recurrent_initializer": _serialize_initializer(self.recurrent_initializer),
                  "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                  "recurrent_constraint": self.recurrent_constraint, "dropout": self.dropout,
                  "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}
        if hasattr(self, "recurrent_activation"):
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        return config


class SimpleRNNCell(_Cell):
    """One step of ``SimpleRNN``: ``h = activation(x @ kernel + bias + h_prev @ recurrent_kernel)``.

    Args:
      units: the state and output size.
      activation: 'tanh' by default.
      kernel_initializer, recurrent_initializer, bias_initializer: 'glorot_uniform', 'orthogonal', 'zeros'.
      dropout, recurrent_dropout: drop rates (in training) of the inputs and of the previous state.
      seed: the dropout op seed.

    ``call(inputs, states, training=False)`` returns ``(output, new_states)``.
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(locals())

    def build(self, input_shape):
        self._add_recurrent_weights(input_shape[-1], (self.units,))

    def call(self, sequence, states, training=False):
        prev_output = states[0] if isinstance(states, (list, tuple)) else states
        dp, rec = self._masks(sequence, prev_output, training)
        (h,) = self._project(sequence, self.kernel, dp, 1)
        if self.bias is not None:
            h = _math.add(h, self.bias)
        (r,) = self._project(prev_output, self.recurrent_kernel, rec, 1)
        output = self.activation(_math.add(h, r))
        return output, [output] if isinstance(states, (list, tuple)) else output


class LSTMCell(_Cell):
    """One step of ``LSTM`` (gates i, f, c, o in the kernels' column blocks, in that order).

    ``i, f, o = recurrent_activation(...)``, ``c = f * c_prev + i * activation(x_c + h_prev @ R_c + b_c)``,
    ``h = o * activation(c)``. ``unit_forget_bias`` (True) initializes the forget gate's bias to ones. The
    states are ``[h, c]``.
    """

    _gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(locals())
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        self._add_recurrent_weights(input_shape[-1], (self.units * 4,),
                                    self._forget_bias_initializer if self.unit_forget_bias else None)

    def _forget_bias_initializer(self, _, dtype=None):
        """The bias initializer's values, with ones for the forget gate."""
        return _array.concat([self.bias_initializer((self.units,), dtype=dtype),
                              initializers.Ones()((self.units,), dtype=dtype),
                              self.bias_initializer((self.units * 2,), dtype=dtype)], axis=0)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dp, rec = self._masks(inputs, h_tm1, training)
        xs = self._project(inputs, self.kernel, dp, 4)
        hs = self._project(h_tm1, self.recurrent_kernel, rec, 4)
        bs = _array.split(self.bias, 4, axis=0) if self.bias is not None else [None] * 4
        z = []
        for x, h, b in zip(xs, hs, bs):
            x = _math.add(x, h)
            z.append(x if b is None else _math.add(x, b))
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = _math.add(_math.multiply(f, c_tm1), _math.multiply(i, self.activation(z[2])))
        o = self.recurrent_activation(z[3])
        h = _math.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """One step of ``GRU`` (gates z, r, h in the kernels' column blocks, in that order).

    ``z, r = recurrent_activation(...)``, ``hh = activation(x_h + r * (h_prev @ R_h + b_rh))`` when
    ``reset_after`` (the default, TF's cuDNN form; the bias is ``(2, 3 * units)``: input row, recurrent row),
    else ``activation(x_h + (r * h_prev) @ R_h)``; ``h = z * h_prev + (1 - z) * hh``.
    """

    _gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):
        super().__init__(locals())
        self.reset_after = reset_after

    def build(self, input_shape):
        width = 3 * self.units
        self._add_recurrent_weights(input_shape[-1], (2, width) if self.reset_after else (width,))

    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if nested else states
        dp, rec = self._masks(inputs, h_tm1, training)
        per_gate = isinstance(rec, list)
        xs = self._project(inputs, self.kernel, dp, 3)
        if self.reset_after:
            hs = self._project(h_tm1, self.recurrent_kernel, rec, 3)
        else:
            hs = self._project(h_tm1, self.recurrent_kernel[:, :2 * self.units], rec[:2] if per_gate else rec, 2)
        if self.bias is not None:
            input_bias = self.bias
            if self.reset_after:
                input_bias, recurrent_bias = _array.unstack(self.bias)
                hs = [_math.add(a, b) for a, b in zip(hs, _array.split(recurrent_bias, 3))]
            xs = [_math.add(a, b) for a, b in zip(xs, _array.split(input_bias, 3))]
        z = self.recurrent_activation(_math.add(xs[0], hs[0]))
        r = self.recurrent_activation(_math.add(xs[1], hs[1]))
        if self.reset_after:
            recurrent_h = _math.multiply(r, hs[2])
        else:
            rec_h = rec[2] if per_gate else rec
            h_h = h_tm1 if rec_h is None else _math.multiply(h_tm1, rec_h)
            recurrent_h = _math.matmul(_math.multiply(r, h_h), self.recurrent_kernel[:, 2 * self.units:])
        hh = self.activation(_math.add(xs[2], recurrent_h))
        h = _math.add(_math.multiply(z, h_tm1), _math.multiply(_math.subtract(1.0, z), hh))
        return h, [h] if nested else h

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


def _serialize_layer(layer):
    """Keras' serialized form of a layer: ``{'module', 'class_name', 'config', 'registered_name'}``."""
    module = "keras.layers" if type(layer).__module__.startswith(__package__) else type(layer).__module__
    return {"module": module, "class_name": type(layer).__name__, "config": layer.get_config(),
            "registered_name": None}


def _deserialize_layer(config, custom_objects=None):
    """A layer from ``_serialize_layer``'s output (tapegrad's layers, ``custom_objects``, or the named module's)."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name)
    if cls is None:
        module = config.get("module")
        module = importlib.import_module(__package__ if module == "keras.layers" else module)
        cls = getattr(module, name, None)
    if cls is None:
        raise TypeError(f"Could not locate class '{name}'. Make sure custom classes are passed as custom_objects.")
    return cls.from_config(dict(config["config"]))


def _run_cell(step, sequences, states, mask, go_backwards, zero_output_for_mask, return_sequences):
    """Keras' ``backend.rnn`` as a Python loop: (last output, outputs (batch, time, ...) or None, states).

    A masked step (mask False) keeps the states and outputs the previous output (zeros if
    ``zero_output_for_mask`` or at the first step). With ``go_backwards`` the steps (and the outputs) run
    from the last time step to the first.
    """
    inputs = _array.unstack(sequences, axis=1)
    masks = None if mask is None else _array.unstack(_array.expand_dims(_math.cast(mask, "bool"), -1), axis=1)
    if go_backwards:
        inputs.reverse()
        masks = None if masks is None else masks[::-1]
    outputs, prev = [], None
    for t, x in enumerate(inputs):
        output, new_states = step(x, states)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if masks is not None:
            fallback = _array.zeros_like(output) if zero_output_for_mask or prev is None else prev
            output = _math.where(masks[t], output, fallback)
            new_states = [_math.where(masks[t], s, p) for s, p in zip(new_states, states)]
        prev, states = output, new_states
        if return_sequences:
            outputs.append(output)
    return prev, (_array.stack(outputs, axis=1) if return_sequences else None), states


class RNN(Layer):
    """Runs a cell over the time axis of ``(batch, timesteps, features)`` inputs (``keras.layers.RNN``).

    Args:
      cell: a layer with ``call(inputs, states)`` returning ``(output, new_states)`` and a ``state_size``
        (an int, or a list of ints, one per state), optionally ``output_size`` and ``get_initial_state``.
      return_sequences: return every step's output ``(batch, timesteps, output_size)``, not only the last.
      return_state: also return the final states (``(output, *states)``).
      go_backwards: run from the last step to the first (the output sequence is in that order too).
      stateful: keep the final states as the next call's initial states (``reset_state()`` zeroes them).
      unroll: accepted for Keras compatibility (tapegrad always unrolls the loop in Python).
      zero_output_for_mask: output zeros (not the previous output) at masked steps.

    ``call(sequences, initial_state=None, mask=None, training=False)``.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError("The RNN cell should have a `state_size` attribute (single integer or list of integers, "
                             f"one integer per RNN state). Received: cell={cell}")
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self._states = _StateHolder()
        state_size = cell.state_size
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError("state_size must be an integer, or a list/tuple of integers (one for each state tensor).")
        self.state_size = [state_size] if isinstance(state_size, int) else list(state_size)

    @property
    def states(self):
        """A stateful layer's state variables (None before it is built, and for a layer that is not stateful)."""
        return self._states.variables

    def build(self, sequences_shape, initial_state_shape=None):
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0],) + tuple(sequences_shape[2:]))
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError("When using `stateful=True` in a RNN, the batch size must be static. Found "
                                     f"dynamic batch size: sequence.shape={sequences_shape}")
                self._states.create(self.get_initial_state(sequences_shape[0]), self.variable_dtype)

    def get_initial_state(self, batch_size):
        """The zero states (or the cell's ``get_initial_state``) for ``batch_size`` sequences."""
        get = getattr(self.cell, "get_initial_state", None)
        if get is None:
            return [_array.zeros((batch_size, d), dtype=self.cell.compute_dtype) for d in self.state_size]
        state = get(batch_size=batch_size)
        return list(state) if isinstance(state, (list, tuple)) else [state]

    def reset_state(self):
        """Zeroes a stateful layer's states."""
        for v in self.states or ():
            v.assign(_array.zeros_like(v))

    reset_states = reset_state

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if self.stateful and self.states is not None and sequences.shape[0] != self.states[0].shape[0]:
            raise ValueError("If an RNN is stateful, the batch size of the input sequences must be the same as the "
                             f"batch size of the initial state. \n- Expected batch size: {self.states[0].shape[0]}"
                             f"\n- Received batch size: {sequences.shape[0]}")
        if initial_state is None:
            initial_state = (self.states if self.stateful else
                             self.get_initial_state(batch_size=sequences.shape[0]))
        initial_state = [convert_to_tensor(s, dtype=self.cell.compute_dtype)
                         for s in (initial_state if isinstance(initial_state, (list, tuple)) else [initial_state])]
        cell_kwargs = ({"training": training} if isinstance(self.cell, Layer) and self.cell._call_has_training_arg
                       else {})

        def step(x, states):
            return self.cell(x, tuple(states), **cell_kwargs)

        try:
            last, outputs, states = _run_cell(step, sequences, initial_state, mask, self.go_backwards,
                                              self.zero_output_for_mask, self.return_sequences)
        finally:
            if isinstance(self.cell, DropoutRNNCell):
                self.cell.reset_dropout_mask()
                self.cell.reset_recurrent_dropout_mask()
        if self.stateful:
            for variable, state in zip(self.states, states):
                variable.assign(state)
        output = outputs if self.return_sequences else last
        return (output, *states) if self.return_state else output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        output = (batch, length, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return (output, *((batch, s) for s in self.state_size))
        return output

    def compute_mask(self, inputs, mask):
        mask = nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * len(self.state_size) if self.return_state else output_mask

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask, "cell": _serialize_layer(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = _deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


class _StateHolder:
    """A stateful RNN's state variables, kept out of the layer's ``weights`` (as Keras keeps them)."""

    def __init__(self):
        self.variables = None

    def create(self, values, dtype):
        self.variables = [KerasVariable(v, dtype=dtype, trainable=False, name="rnn_state") for v in values]


_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "activity_regularizer")


class _CellRNN(RNN):
    """``SimpleRNN``, ``LSTM`` and ``GRU``: an ``RNN`` of their own cell, whose arguments they expose."""

    def _init_cell_rnn(self, cell_class, cell_name, args):
        """Splits a layer constructor's ``locals()`` into its cell's arguments and ``RNN``'s, as Keras does."""
        args = {k: v for k, v in args.items() if k not in ("self", "__class__")}
        kwargs = args.pop("kwargs")
        use_cudnn = args.pop("use_cudnn", None)
        rnn_args = {k: args.pop(k) for k in _RNN_ARGS}
        if "implementation" in kwargs:
            args["implementation"] = kwargs.pop("implementation")
        cell = cell_class(name=cell_name, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), **args)
        RNN.__init__(self, cell, **rnn_args, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        if use_cudnn is not None:
            if use_cudnn not in ("auto", True, False):
                raise ValueError("Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, "
                                 f"False}}. Received: use_cudnn={use_cudnn}")
            self.use_cudnn = use_cudnn

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            del cell[key]
        return {**config, **cell, "activity_regularizer": regularizers.serialize(self.activity_regularizer)}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _cell_property(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


for _name in ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
              "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout"):
    setattr(_CellRNN, _name, _cell_property(_name))
del _name


class SimpleRNN(_CellRNN):
    """A fully connected RNN whose output is fed back as its state (``keras.layers.SimpleRNN``).

    Takes ``SimpleRNNCell``'s arguments and ``RNN``'s; weights ``kernel (input_dim, units)``,
    ``recurrent_kernel (units, units)``, ``bias (units,)``.
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 seed=None, **kwargs):
        self._init_cell_rnn(SimpleRNNCell, "simple_rnn_cell", locals())

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return config


class LSTM(_CellRNN):
    """Long Short-Term Memory (``keras.layers.LSTM``): ``LSTMCell`` run over time.

    Takes ``LSTMCell``'s arguments and ``RNN``'s; ``use_cudnn`` is accepted and checked (tapegrad runs the
    same equations either way). With ``return_state`` the call returns ``(output, h, c)``.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        self._init_cell_rnn(LSTMCell, "lstm_cell", locals())

    recurrent_activation = _cell_property("recurrent_activation")
    unit_forget_bias = _cell_property("unit_forget_bias")


class GRU(_CellRNN):
    """Gated Recurrent Unit (``keras.layers.GRU``): ``GRUCell`` run over time (``reset_after=True``: TF's
    cuDNN-compatible form, bias ``(2, 3 * units)``)."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        self._init_cell_rnn(GRUCell, "gru_cell", locals())

    recurrent_activation = _cell_property("recurrent_activation")
    reset_after = _cell_property("reset_after")


_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards and merges their outputs
    (``keras.layers.Bidirectional``).

    Args:
      layer: an ``RNN`` (``LSTM``, ``GRU``...); copies named ``forward_<name>`` and ``backward_<name>`` (with
        ``go_backwards`` flipped) do the work.
      merge_mode: 'concat' (default), 'sum', 'mul', 'ave', or None (a pair of outputs).
      backward_layer: the backward layer to use instead of a copy.

    With ``return_sequences`` the backward outputs are reversed back to input order before merging. With
    ``return_state``: ``(output, *forward_states, *backward_states)``.
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                             f"Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}')
        super().__init__(**kwargs)
        self.forward_layer = _copy_layer(layer, name=f"forward_{_remove_prefix(layer.name, 'forward_')}")
        self.backward_layer = backward_layer if backward_layer is not None else _copy_layer(
            layer, go_backwards=not layer.go_backwards, name=f"backward_{_remove_prefix(layer.name, 'backward_')}")
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different `go_backwards` value. Received: "
                             f"forward_layer.go_backwards {forward.go_backwards}, backward_layer.go_backwards="
                             f"{backward.go_backwards}")
        for a in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, a) != getattr(backward, a):
                raise ValueError(f'Forward layer and backward layer are expected to have the same value for attribute '
                                 f'"{a}", got "{getattr(forward, a)}" for forward layer and "{getattr(backward, a)}" '
                                 'for backward layer')

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
                sub.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_has_training_arg:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask_arg:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = _array.reverse(y_rev, [1])
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if self.merge_mode is None else (output,)) + states
        return output

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return _array.concat([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return _math.add(y, y_rev)
        if self.merge_mode == "ave":
            return _math.divide(_math.add(y, y_rev), 2)
        if self.merge_mode == "mul":
            return _math.multiply(y, y_rev)
        return (y, y_rev)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shape = ()
        if self.return_state:
            output_shape, state_shape = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = tuple(output_shape[:-1]) + (output_shape[-1] * 2,)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if self.return_state:
            head = tuple(output_shape) if self.merge_mode is None else (output_shape,)
            return head + state_shape + state_shape
        return tuple(output_shape)

    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    def reset_state(self):
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    reset_states = reset_state

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": _serialize_layer(self.forward_layer), "backward_layer": _serialize_layer(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = _deserialize_layer(config["layer"], custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = _deserialize_layer(backward, custom_objects)
        return cls(**config)


def _remove_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


def _copy_layer(layer, **overrides):
    """A new, unbuilt layer with ``layer``'s config updated by ``overrides``."""
    return _deserialize_layer({**_serialize_layer(layer), "config": {**layer.get_config(), **overrides}})
