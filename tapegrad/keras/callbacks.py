"""``tapegrad.keras.callbacks``: hooks into ``fit``/``evaluate``/``predict``, as Keras 3's.

``Callback`` (the base class: override ``on_epoch_end(epoch, logs)`` and the other hooks), ``CallbackList``,
``History`` (what ``fit`` returns), ``ProgbarLogger`` (the ``verbose`` output), ``EarlyStopping``,
``ModelCheckpoint``, ``LambdaCallback``, ``LearningRateScheduler`` and ``TerminateOnNaN``.

>>> stop = tapegrad.keras.callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
>>> history = model.fit(x, y, epochs=100, callbacks=[stop], verbose=0)  # doctest: +SKIP
"""
import math
import os
import sys
import time
import warnings

import numpy as np

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
          "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: ``self.model`` and ``self.params`` are set by ``fit``; every hook does nothing by default."""

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """A backwards-compatibility alias for ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """A backwards-compatibility alias for ``on_train_batch_end``."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)


def _noop(self, *args, **kwargs):
    """Called by the training loop; does nothing unless overridden."""


for _hook in _HOOKS:
    if not hasattr(Callback, _hook):
        setattr(Callback, _hook, _noop)


class CallbackList(Callback):
    """Calls each hook on every callback in turn (the user's, then ``History`` and ``ProgbarLogger``)."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.set_params(params)
        if model is not None:
            self.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for c in self.callbacks:
            c.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for c in self.callbacks:
            c.set_model(model)
            if isinstance(c, History):
                model.history = c



def _dispatcher(hook):
    if "batch" in hook or "epoch" in hook:
        def dispatch(self, index, logs=None):
            for c in self.callbacks:
                getattr(c, hook)(index, logs)
    else:
        def dispatch(self, logs=None):
            for c in self.callbacks:
                getattr(c, hook)(logs)
    dispatch.__name__ = hook
    return dispatch


for _hook in _HOOKS:
    setattr(CallbackList, _hook, _dispatcher(_hook))


class History(Callback):
    """Records each epoch's logs: ``history`` ({name: [value per epoch]}), ``epoch`` (the epoch indices)."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        self.model.history = self


def _format_logs(logs):
    return "".join(f" - {k}: {v:.4f}" if abs(v) >= 1e-3 or v == 0 else f" - {k}: {v:.4e}"
                   for k, v in logs.items() if isinstance(v, (int, float)))


class ProgbarLogger(Callback):
    """Prints ``'Epoch 1/3'`` and Keras' progress line: with ``verbose=1`` a bar (redrawn on a terminal, printed
    once per epoch otherwise), with ``verbose=2`` one line per epoch."""

    def __init__(self):
        super().__init__()
        self._start = 0.0
        self._seen = 0
        self._logs = {}
        self._mode = "train"
        self._called_in_fit = False

    @property
    def _verbose(self):
        return (self.params or {}).get("verbose", 1)

    def _target(self):
        return (self.params or {}).get("steps")

    def _line(self, final):
        seconds = time.perf_counter() - self._start
        per_step = seconds / max(self._seen, 1)
        rate = f"{per_step * 1000:.0f}ms/step" if per_step >= 1e-3 else f"{per_step * 1e6:.0f}us/step"
        target = self._target() or (self._seen if final else None)
        if self._verbose == 2:
            return f"{self._seen}/{target} - {seconds:.0f}s - {rate}{_format_logs(self._logs)}"
        done = int(20 * self._seen / target) if target else 0
        bar = "━" * done + " " * (20 - done)
        return f"{self._seen}/{target or '?'} {bar} {seconds:.0f}s {rate}{_format_logs(self._logs)}"

    def _begin(self, mode):
        self._mode, self._start, self._seen, self._logs = mode, time.perf_counter(), 0, {}

    def _batch_end(self, batch, logs):
        self._seen = batch + 1
        if self._mode != "predict":
            self._logs = dict(logs or {})
        if self._verbose == 1 and sys.stdout.isatty():
            sys.stdout.write("\r" + self._line(final=False))
            sys.stdout.flush()

    def _finish(self, logs=None):
        if logs:
            self._logs = dict(logs)
        redraw = "\r" if self._verbose == 1 and sys.stdout.isatty() else ""
        sys.stdout.write(redraw + self._line(final=True) + "\n")
        sys.stdout.flush()

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        if self._verbose:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}")
        self._begin("train")

    def on_train_batch_end(self, batch, logs=None):
        self._batch_end(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._begin("test")

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._batch_end(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._begin("predict")

    def on_predict_batch_end(self, batch, logs=None):
        self._batch_end(batch, logs)

    def on_predict_end(self, logs=None):
        self._finish()


class _MonitorCallback(Callback):
    """Shared by EarlyStopping and ModelCheckpoint: which way ``monitor`` improves ('min', 'max', or 'auto':
    up for accuracy-like metrics, down for losses)."""

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = np.less
            for m in getattr(self.model, "metrics", []):
                for sub in getattr(m, "metrics", []) if hasattr(m, "metrics") else []:
                    if sub.name == name and getattr(sub, "_direction", None):
                        self.monitor_op = np.greater if sub._direction == "up" else np.less
            if self.monitor_op is None:
                raise ValueError(f"{type(self).__name__} callback received monitor={self.monitor}, but Keras isn't "
                                 "able to automatically determine whether that metric should be maximized or "
                                 "minimized. Pass `mode='max'` in order to monitor based on the highest metric "
                                 "value, or pass `mode='min'` in order to use the lowest value.")
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, value, reference):
        return reference is None or bool(self.monitor_op(value - self.min_delta, reference))


class EarlyStopping(_MonitorCallback):
    """Stops training once ``monitor`` has not improved (by more than ``min_delta``) for ``patience`` epochs;
    ``restore_best_weights`` puts back the weights of the best epoch at the end."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not available. Available "
                          f"metrics are: {','.join(list((logs or {}).keys()))}", stacklevel=2)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(_MonitorCallback):
    """Saves the weights (``save_weights_only=True``; the path must end in ``.weights.h5``) after each epoch or
    every ``save_freq`` batches; ``filepath`` may hold ``{epoch}`` and log names (``'w-{epoch:02d}.weights.h5'``);
    ``save_best_only`` saves only when ``monitor`` improves.

    The file is tapegrad's weights format (see ``Model.save_weights``), not HDF5. Saving whole models
    (``save_weights_only=False``) is not supported.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen = 0
        self._current_epoch = 0
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or integer values")
        if not save_weights_only:
            raise NotImplementedError("tapegrad saves weights only: pass `save_weights_only=True` (and a filepath "
                                      "ending in `.weights.h5`).")
        if not self.filepath.endswith(".weights.h5"):
            raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must "
                             f"end in `.weights.h5` (Keras weights format). Received: filepath={self.filepath}")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, saving model to "
                      f"{filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        try:
            fields = dict(logs, epoch=epoch + 1) if batch is None else dict(logs, epoch=epoch + 1, batch=batch + 1)
            filepath = self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}') from None
        if self._should_save(epoch, logs, filepath):
            directory = os.path.dirname(filepath)
            if directory:
                os.makedirs(directory, exist_ok=True)
            self.model.save_weights(filepath, overwrite=True)


class LambdaCallback(Callback):
    """A callback from functions: ``on_epoch_end=lambda epoch, logs: ...`` and the other hooks by name."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, fn in hooks.items():
            if name not in _HOOKS + ("on_batch_begin", "on_batch_end"):
                raise ValueError(f"Unrecognized argument for LambdaCallback: {name}")
            if fn is not None:
                setattr(self, name, fn)


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate to ``schedule(epoch, lr)`` (or ``schedule(epoch)``) before each epoch,
    and logs it as ``'learning_rate'``."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, float(np.asarray(optimizer.learning_rate)))
        except TypeError:
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        optimizer.learning_rate = lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(np.asarray(self.model.optimizer.learning_rate))


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "EarlyStopping", "ModelCheckpoint",
           "LambdaCallback", "LearningRateScheduler", "TerminateOnNaN"]
