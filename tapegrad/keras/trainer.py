"""``compile``/``fit``/``evaluate``/``predict`` for ``keras.Model``, with Keras 3's semantics (TF 2.21).

What Keras users rely on, kept as Keras 3 does it:

- ``compile`` takes names ('adam', 'mse', 'sparse_categorical_crossentropy', 'accuracy', ...) or objects;
  'accuracy' becomes binary, sparse categorical or categorical accuracy from the shapes of the first batch,
  named as given ('accuracy'); a metric object keeps its own name; repeated names get ``_1``, ``_2``.
- The reported loss is a ``Mean`` over the batches weighted by batch size (so an epoch's loss is the mean over
  the samples of each batch's mean loss); metrics are streaming means over the epoch; ``model.losses``
  (regularization, ``add_loss``) are added to the compiled loss.
- Logs, ``History.history`` keys and ``evaluate(return_dict=True)`` are sorted by name; ``evaluate`` returns
  the loss first, then the compiled metrics in order (a float when there is only the loss).
- ``validation_split`` takes the last fraction of the arrays, before any shuffling.
- The train, test and predict steps each run as one ``tapegrad.function`` (a traced graph: forward, backward
  and optimizer update together) unless ``run_eagerly=True``; both give the same numbers.
"""
import math

import numpy as np

from .. import data as _data
from .._core import nest
from .._core.tape import GradientTape
from .._core.tensor import Tensor, Variable, convert_to_tensor
from ..graph.function import function as _function
from ..ops import array as _array
from ..ops import math as _math
from ..ops import reduce as _reduce
from . import callbacks as callbacks_module
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module


# --- the compiled loss and metrics --------------------------------------------------------------------------------
def _is_binary_or_sparse_categorical(y_true, y_pred):
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    is_binary = p_shape[-1] == 1
    is_sparse = len(t_shape) < len(p_shape) or (t_shape[-1] == 1 and p_shape[-1] > 1)
    return is_binary, is_sparse


def _object_name(obj):
    return getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__


def _get_loss(identifier, y_true, y_pred):
    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = _is_binary_or_sparse_categorical(y_true, y_pred)
        loss = (losses_module.binary_crossentropy if is_binary else losses_module.sparse_categorical_crossentropy
                if is_sparse else losses_module.categorical_crossentropy)
    else:
        loss = losses_module.get(identifier)
    if not isinstance(loss, losses_module.Loss):
        loss = losses_module.LossFunctionWrapper(loss, name=identifier if isinstance(identifier, str)
                                                 else _object_name(loss))
    return loss


def _get_metric(identifier, y_true, y_pred):
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = _is_binary_or_sparse_categorical(y_true, y_pred)
        metric = (metrics_module.BinaryAccuracy() if is_binary else metrics_module.SparseCategoricalAccuracy()
                  if is_sparse else metrics_module.CategoricalAccuracy())
    else:
        metric = metrics_module.get(identifier)
    name = identifier if isinstance(identifier, str) else _object_name(metric)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric)
    metric._name = name
    return metric


def _per_output(spec, names, what):
    """``spec`` (one value, a list per output, or a dict by output name) as a list with one entry per output."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(f"Expected keys {names} in {what} dict, but found {what}.keys()={list(spec)}")
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and len(spec) == len(names) and (
            what != "metrics" or all(isinstance(s, (list, tuple)) or s is None for s in spec)):
        return list(spec)
    if isinstance(spec, (list, tuple)) and what != "metrics":
        raise ValueError(f"`{what}` must have one entry per model output: the model has {len(names)} outputs "
                         f"({names}), received {what}={spec}")
    return [spec] * len(names)


class _Outputs:
    """Flattens ``y_pred``/``y_true``/``sample_weight`` structures to one entry per model output."""

    def __init__(self, output_names):
        self.output_names = output_names
        self.names = None

    def flatten(self, y):
        if isinstance(y, dict):
            names = self.names if self.names is not None and set(self.names) == set(y) else sorted(y)
            return [y[name] for name in names]
        return nest.flatten(y)

    def flatten_all(self, y_true, y_pred, sample_weight):
        """One list per argument; a single ``sample_weight`` serves every output."""
        flat_pred = self.flatten(y_pred)
        weights = self.flatten(sample_weight) if nest.is_nested(sample_weight) else [sample_weight] * len(flat_pred)
        return self.flatten(y_true), flat_pred, weights

    def resolve(self, y_pred):
        n = len(nest.flatten(y_pred))
        if isinstance(y_pred, dict):
            keys = list(y_pred)
            self.names = (self.output_names if self.output_names and set(self.output_names) == set(keys)
                          else sorted(keys))
        elif self.output_names and len(self.output_names) == n:
            self.names = list(self.output_names)
        else:
            self.names = [f"output_{i + 1}" if n > 1 else "output" for i in range(n)]
        return self.names


class CompileLoss:
    """The loss ``compile`` was given, on one model output or several (``loss_weights`` scale each).

    With several outputs, each output's unweighted loss is tracked as ``'<output>_loss'``. As in TF's Keras 3,
    that tracker weighs batches by their size only when ``run_eagerly``: in the traced step it sees no static
    batch size and takes the plain mean over batches.
    """

    def __init__(self, loss, loss_weights=None, output_names=None, run_eagerly=False):
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict, float, int)):
            raise ValueError("Expected `loss_weights` argument to be a float (single output case) or a list, tuple, "
                             f"or dict (multiple output case). Received instead: loss_weights={loss_weights} of "
                             f"type {type(loss_weights)}")
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self._outputs = _Outputs(output_names)
        self._run_eagerly = run_eagerly
        self.built = False
        self.metrics = []

    def build(self, y_true, y_pred):
        names = self._outputs.resolve(y_pred)
        flat_true, flat_pred = self._outputs.flatten(y_true), self._outputs.flatten(y_pred)
        if len(flat_true) != len(flat_pred):
            raise ValueError(f"y_true and y_pred have different structures: {len(flat_true)} target(s) for "
                             f"{len(flat_pred)} model output(s).")
        losses = _per_output(self._user_loss, names, "loss")
        weights = (_per_output(self._user_loss_weights, names, "loss_weights")
                   if self._user_loss_weights is not None else [None] * len(names))
        self._flat = [(i, _get_loss(loss, flat_true[i], flat_pred[i]), weight, name)
                      for i, (loss, weight, name) in enumerate(zip(losses, weights, names)) if loss is not None]
        if len(self._flat) > 1:
            self.metrics = [metrics_module.Mean(name=f"{name}_loss") for _, _, _, name in self._flat]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        flat_true, flat_pred, weights = self._outputs.flatten_all(y_true, y_pred, sample_weight)
        total = None
        for k, (i, loss_fn, loss_weight, _) in enumerate(self._flat):
            value = _math.cast(loss_fn(flat_true[i], flat_pred[i], weights[i]), "float32")
            if self.metrics:
                self.metrics[k].update_state(value, sample_weight=_batch_size(flat_pred[i]) if self._run_eagerly
                                             else None)
            if loss_weight is not None:
                value = _math.multiply(value, float(loss_weight))
            total = value if total is None else _math.add(total, value)
        return total


class CompileMetrics:
    """The metrics ``compile`` was given: one list for a single output, else per output (list or dict)."""

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names=None):
        for arg, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value and not isinstance(value, (list, tuple, dict)):
                raise ValueError(f"Expected `{arg}` argument to be a list, tuple, or dict. Received instead: "
                                 f"{arg}={value} of type {type(value)}")
        self._user = (metrics, weighted_metrics)
        self._outputs = _Outputs(output_names)
        self.built = False

    def _build_set(self, spec, names, flat_true, flat_pred):
        if not spec:
            return [None] * len(names)
        if len(names) == 1:
            return [(None, [_get_metric(m, flat_true[0], flat_pred[0]) for m in nest.flatten(spec)])]
        per = _per_output(spec, names, "metrics")
        return [(name, [_get_metric(m, t, p) for m in nest.flatten(s)]) if s else None
                for s, name, t, p in zip(per, names, flat_true, flat_pred)]

    def build(self, y_true, y_pred):
        names = self._outputs.resolve(y_pred)
        flat_true, flat_pred = self._outputs.flatten(y_true), self._outputs.flatten(y_pred)
        self._metrics = self._build_set(self._user[0], names, flat_true, flat_pred)
        self._weighted = self._build_set(self._user[1], names, flat_true, flat_pred)
        self.built = True

    @property
    def metrics(self):
        if not self.built:
            return []
        return [m for entry in self._metrics + self._weighted if entry for m in entry[1]]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        flat_true, flat_pred, weights = self._outputs.flatten_all(y_true, y_pred, sample_weight)
        for entries, use_weights in ((self._metrics, False), (self._weighted, True)):
            for entry, t, p, w in zip(entries, flat_true, flat_pred, weights):
                for m in (entry[1] if entry else ()):
                    m.update_state(t, p, sample_weight=w if use_weights else None)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self):
        results, counts = {}, {}
        for entries, weighted in ((self._metrics, False), (self._weighted, True)):
            for entry in entries:
                for m in (entry[1] if entry else ()):
                    prefix = f"{entry[0]}_" if entry[0] else ""
                    name = prefix + m.name
                    if name in counts and weighted:
                        name = f"{prefix}weighted_{m.name}"
                    if name in counts:
                        counts[name] += 1
                        name = f"{name}_{counts[name] - 1}"
                    counts.setdefault(name, 1)
                    results[name] = m.result()
        return results


def _batch_size(x):
    return _math.cast(_array.shape(next(t for t in nest.flatten(x) if t is not None))[0], "float32")


def _pythonify(logs):
    return {k: float(np.asarray(v)) for k, v in sorted(logs.items())}


# --- data -----------------------------------------------------------------------------------------------------------
def _to_numpy(x):
    if isinstance(x, (Tensor, Variable)):
        return x.numpy()
    return np.asarray(x)


def _unpack(data):
    if isinstance(data, tuple) and 1 <= len(data) <= 3:
        return tuple(data) + (None,) * (3 - len(data))
    return data, None, None


class _Batches:
    """Batches of ``(x, y, sample_weight)`` from arrays/tensors (nested) or a ``tapegrad.data.Dataset``."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None):
        self.steps = steps
        self._iterator = None
        if isinstance(x, _data.Dataset):
            if y is not None:
                raise ValueError("When providing `x` as a tf.data.Dataset, `y` should not be passed. Instead, the "
                                 "targets should be included as part of the tf.data.Dataset.")
            if sample_weight is not None:
                raise ValueError("When providing `x` as a tf.data.Dataset, `sample_weight` should not be passed. "
                                 "Instead, the sample weights should be included as part of the tf.data.Dataset.")
            self._dataset = x
            n = x._cardinality()
            self.num_batches = steps or (n if n >= 0 else None)
            return
        self._dataset = None
        self._arrays = nest.map_structure(lambda a: None if a is None else _to_numpy(a), (x, y, sample_weight))
        sizes = {name: [a.shape[0] for a in nest.flatten(arrays) if a is not None]
                 for name, arrays in zip(("x", "y", "sample_weight"), self._arrays)}
        if len({n for ns in sizes.values() for n in ns}) > 1:
            text = "".join(f"'{name}' sizes: {', '.join(map(str, ns))}\n" for name, ns in sizes.items() if ns)
            raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples."
                             + text)
        self._size = sizes["x"][0]
        self._batch_size = 32 if batch_size is None else int(batch_size)
        self._shuffle = shuffle
        self.num_batches = steps or math.ceil(self._size / self._batch_size)

    def _array_batches(self):
        order = np.random.permutation(self._size) if self._shuffle else None
        for start in range(0, self._size, self._batch_size):
            index = (slice(start, start + self._batch_size) if order is None
                     else order[start:start + self._batch_size])
            yield nest.map_structure(lambda a: None if a is None else Tensor(a[index]), self._arrays)

    def _epoch_batches(self):
        if self._dataset is not None:
            return (_unpack(element) for element in self._dataset)
        return self._array_batches()

    def __iter__(self):
        """One epoch's batches (``steps`` of them when given, continuing where the last epoch stopped)."""
        if self.steps is None:
            yield from self._epoch_batches()
            return
        for _ in range(self.steps):
            batch = next(self._iterator, None) if self._iterator is not None else None
            if batch is None:
                self._iterator = self._epoch_batches()
                batch = next(self._iterator, None)
                if batch is None:
                    return
            yield batch


def _split(arrays, validation_split):
    flat = [a for a in nest.flatten(arrays) if a is not None]
    if any(isinstance(a, _data.Dataset) for a in flat):
        raise ValueError("Argument `validation_split` is only supported for tensors or NumPy arrays.Found incompatible "
                         f"type in the input: {[type(a) for a in flat if isinstance(a, _data.Dataset)]}")
    n = int(_to_numpy(flat[0]).shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at in (0, n):
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it into a validation "
                         f"and training set as specified by `validation_split={validation_split}`. Either provide more "
                         "data, or a different value for the `validation_split` argument.")

    def part(start, end):
        return nest.map_structure(lambda a: None if a is None else _to_numpy(a)[start:end], arrays)
    return part(0, split_at), part(split_at, n)


def _concat(batches):
    return nest.map_structure(lambda *parts: np.concatenate(parts, axis=0), *batches)


# --- the trainer --------------------------------------------------------------------------------------------------
class Trainer:
    """The training API of ``keras.Model``: ``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch``
    methods, ``metrics`` and ``metrics_names``."""

    compiled = False
    optimizer = None
    _loss_tracker = None
    _compile_loss = None
    _compile_metrics = None
    run_eagerly = False
    stop_training = False
    history = None

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Configures training.

        Args:
          optimizer: an optimizer or its name ('adam', 'sgd', 'rmsprop', ...).
          loss: a loss (name, function or ``Loss``); a list or dict (by output name) for several outputs.
          loss_weights: a float, or one per output (list or dict), scaling each output's loss.
          metrics: a list of metrics (names, functions or ``Metric`` s); per output as a list or dict.
          weighted_metrics: metrics that also receive ``sample_weight``.
          run_eagerly: run the steps eagerly instead of as traced ``tapegrad.function`` s.
          jit_compile: passed to ``tapegrad.function`` (True/False); 'auto' means False, as on CPU.
        """
        self.optimizer = optimizers_module.get(optimizer)
        output_names = getattr(self, "output_names", None)
        self._compile_loss = (CompileLoss(loss, loss_weights, output_names, bool(run_eagerly)) if loss is not None
                              else None)
        self._compile_metrics = (CompileMetrics(metrics, weighted_metrics, output_names)
                                 if metrics or weighted_metrics else None)
        self._loss_tracker = metrics_module.Mean(name="loss")
        if jit_compile == "auto" or run_eagerly:
            jit_compile = False
        self.jit_compile = bool(jit_compile)
        self.run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.stop_training = False
        self.compiled = True
        self.train_function = self.test_function = self.predict_function = None

    @property
    def metrics(self):
        """The loss tracker, the compiled metrics, then the per-output loss trackers (once built)."""
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._compile_metrics is not None:
                out.append(self._compile_metrics)
            if self._compile_loss is not None:
                out.extend(self._compile_loss.metrics)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _assert_compile_called(self):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")

    # --- the steps ------------------------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus ``self.losses`` (regularization and ``add_loss``)."""
        losses = []
        if self._compile_loss is not None:
            if y is None:
                raise ValueError("The model has a compiled loss but no targets were given: pass `y` (or a dataset of "
                                 "(x, y) pairs).")
            losses.append(self._compile_loss(y, y_pred, sample_weight))
        for extra in self.losses:
            extra = convert_to_tensor(extra)
            losses.append(_reduce.reduce_sum(extra if extra.dtype.is_floating else _math.cast(extra, "float32")))
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = losses[0]
        for extra in losses[1:]:
            total = _math.add(total, extra)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns every metric's result."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        out = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[m.name] = result
        return out

    def train_step(self, data):
        """One optimizer step on a batch ``(x, y, sample_weight)``; returns the metrics' results."""
        x, y, sample_weight = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
            self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
            scaled = self.optimizer.scale_loss(loss)
        variables = self.trainable_weights
        if variables:
            grads = tape.gradient(scaled, variables)
            self.optimizer.apply_gradients(zip(grads, variables))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        return self(data[0], training=False)

    def _step_function(self, step):
        if self.run_eagerly:
            return step
        return _function(step, jit_compile=self.jit_compile or None)

    def make_train_function(self):
        if self.train_function is None:
            self.train_function = self._step_function(self.train_step)
        return self.train_function

    def make_test_function(self):
        if self.test_function is None:
            self.test_function = self._step_function(self.test_step)
        return self.test_function

    def make_predict_function(self):
        if self.predict_function is None:
            self.predict_function = self._step_function(self.predict_step)
        return self.predict_function

    def _build_for(self, batch):
        """Builds the model, the compiled loss/metrics and the optimizer on a first batch, eagerly (not inside a
        traced step, where new variables could not be created)."""
        x, y, _ = batch
        needs = (not self.built or (self._compile_loss is not None and not self._compile_loss.built) or
                 (self._compile_metrics is not None and not self._compile_metrics.built))
        if needs:
            y_pred = self(x, training=False)
            if y is not None:
                if self._compile_loss is not None and not self._compile_loss.built:
                    self._compile_loss.build(y, y_pred)
                if self._compile_metrics is not None and not self._compile_metrics.built:
                    self._compile_metrics.build(y, y_pred)
        if not self.optimizer.built and self.trainable_weights:
            self.optimizer.build(self.trainable_weights)

    def _run_epoch(self, batches, function, callbacks, hook, stop_attr):
        logs = {}
        for step, batch in enumerate(batches):
            self._build_for(batch)
            getattr(callbacks, f"on_{hook}_batch_begin")(step)
            logs = _pythonify(function(batch))
            getattr(callbacks, f"on_{hook}_batch_end")(step, logs)
            if getattr(self, stop_attr):
                break
        return logs

    # --- the loops ------------------------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Trains for ``epochs`` epochs; returns the ``History`` callback (``history.history``: per-epoch logs).

        ``x``: arrays/tensors (nested for several inputs) with ``y``, or a ``tapegrad.data.Dataset`` of
        ``(x, y)`` / ``(x, y, sample_weight)`` batches.
        """
        self._assert_compile_called()
        if class_weight is not None:
            raise NotImplementedError("tapegrad's `fit` does not support `class_weight`: pass `sample_weight`.")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = _split((x, y, sample_weight), validation_split)
        batches = _Batches(x, y, sample_weight, batch_size, shuffle=shuffle, steps=steps_per_epoch)
        verbose = 1 if verbose == "auto" else verbose
        callbacks = callbacks_module.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                                  verbose=verbose, epochs=epochs, steps=batches.num_batches,
                                                  model=self)
        self.stop_training = False
        train_function = self.make_train_function()
        callbacks.on_train_begin()
        training_logs = None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs = self._run_epoch(batches, train_function, callbacks, "train", "stop_training")
            epoch_logs = dict(_pythonify(self.get_metrics_result()) if logs else logs)
            if validation_data is not None and self._should_eval(epoch, validation_freq):
                val_x, val_y, val_w = _unpack(validation_data)
                val_logs = self.evaluate(val_x, val_y, sample_weight=val_w,
                                         batch_size=validation_batch_size or batch_size, steps=validation_steps,
                                         callbacks=callbacks, return_dict=True)
                epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        if epochs > 0:
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callbacks.on_train_end(logs=training_logs)
        return self.history

    @staticmethod
    def _should_eval(epoch, validation_freq):
        if isinstance(validation_freq, int):
            return (epoch + 1) % validation_freq == 0
        if isinstance(validation_freq, list):
            return epoch + 1 in validation_freq
        raise ValueError(f"Expected `validation_freq` to be a list or int. Received: validation_freq={validation_freq} "
                         f"of the type {type(validation_freq)}.")

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """The loss and metrics over the data: a dict (``return_dict``), else the loss then the metrics in order
        (just the loss when there are no metrics)."""
        self._assert_compile_called()
        batches = _Batches(x, y, sample_weight, batch_size, steps=steps)
        verbose = 1 if verbose == "auto" else verbose
        if not isinstance(callbacks, callbacks_module.CallbackList):
            callbacks = callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1,
                                                      steps=batches.num_batches, model=self)
        test_function = self.make_test_function()
        self.stop_evaluating = False
        callbacks.on_test_begin()
        self.reset_metrics()
        logs = self._run_epoch(batches, test_function, callbacks, "test", "stop_evaluating")
        logs = _pythonify(self.get_metrics_result()) if logs else logs
        callbacks.on_test_end(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def _flatten_metrics_in_order(self, logs):
        names = []
        for m in self.metrics:
            names.extend(sub.name for sub in m.metrics) if isinstance(m, CompileMetrics) else names.append(m.name)
        results = [logs[name] for name in names if name in logs]
        results += [logs[key] for key in sorted(logs) if key not in names]
        return results[0] if len(results) == 1 else results

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on ``x`` (in batches, ``training=False``) as NumPy arrays."""
        batches = _Batches(x, batch_size=batch_size, steps=steps)
        verbose = 1 if verbose == "auto" else verbose
        callbacks = callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1,
                                                  steps=batches.num_batches, model=self)
        predict_function = self.make_predict_function()
        self.stop_predicting = False
        callbacks.on_predict_begin()
        outputs = []
        for step, batch in enumerate(batches):
            callbacks.on_predict_batch_begin(step)
            out = nest.map_structure(lambda t: t.numpy(), predict_function(batch))
            outputs.append(out)
            callbacks.on_predict_batch_end(step, {"outputs": out})
            if self.stop_predicting:
                break
        callbacks.on_predict_end()
        return _concat(outputs)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the metrics like ``evaluate``."""
        self._assert_compile_called()
        batch = next(iter(_Batches(x, y, sample_weight, batch_size=len(_to_numpy(nest.flatten(x)[0])))))
        self._build_for(batch)
        self.reset_metrics()
        logs = _pythonify(self.make_train_function()(batch))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss and metrics on one batch."""
        self._assert_compile_called()
        batch = next(iter(_Batches(x, y, sample_weight, batch_size=len(_to_numpy(nest.flatten(x)[0])))))
        self._build_for(batch)
        self.reset_metrics()
        logs = _pythonify(self.make_test_function()(batch))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def predict_on_batch(self, x):
        """The model's outputs on one batch, as NumPy arrays."""
        return nest.map_structure(lambda t: t.numpy(), self.make_predict_function()((x, None, None)))

