"""``tapegrad.keras.metrics``: Keras 3's streaming metrics.

A metric accumulates in non-trainable variables: ``update_state(...)``, ``result()``, ``reset_state()``;
calling it updates and returns the result. Metrics are ``tapegrad.Module`` s, so a Checkpoint saves them.

>>> acc = tapegrad.keras.metrics.SparseCategoricalAccuracy()
>>> acc.update_state([1, 2], [[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]])
>>> float(acc.result())
0.5
"""
import numpy as np

from ..module import Module
from ..ops import array as _array
from ..ops import math as _math
from ..ops import reduce as _reduce
from . import initializers
from . import losses as _losses
from .losses import _tensor, squeeze_or_expand_to_same_rank
from .optimizers.base import _auto_name
from .variables import KerasVariable, name_scope


class Metric(Module):
    """Base class: implement ``update_state`` and ``result``; create state with ``add_variable``."""

    def __init__(self, dtype=None, name=None):
        self._name = name or _auto_name(type(self).__name__)
        self._scope_name = self._name + "/"
        self._dtype = str(getattr(dtype, "name", dtype or "float32"))
        self._variables = []

    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A non-trainable state variable (``initializer``: an initializer or its name)."""
        init = initializers.get(initializer)
        with name_scope(self.name.replace("/", ">")):
            var = KerasVariable(init(tuple(shape), dtype=dtype or self._dtype), trainable=False,
                                name=name or "variable")
        self._variables.append(var)
        return var

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        return self.add_variable(shape, initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables (this metric's, then those of metrics it holds)."""
        out = list(self._variables)
        for value in vars(self).values():
            if isinstance(value, Metric):
                out.extend(value.variables)
        return out

    trainable_variables = property(lambda self: [])
    non_trainable_variables = variables

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        """Sets every state variable to zeros."""
        for v in self.variables:
            v.assign(np.zeros(v._value.shape, v._value.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def _reduce_to_samplewise(values, sample_weight, reduce_fn, dtype):
    """Keras' ``reduce_to_samplewise_values``: per-example values (weighted) and the weights."""
    values = _math.cast(_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = _tensor(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = _array.broadcast_to(sample_weight, values.shape.as_list())
        values = _math.multiply(values, sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = _reduce_to_samplewise(values, sample_weight, _reduce.reduce_sum, self.dtype)
        self.total.assign_add(_reduce.reduce_sum(values))

    def result(self):
        return _math.cast(self.total, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the values: ``total / count`` (0 before any update)."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = _reduce_to_samplewise(values, sample_weight, _reduce.reduce_mean, self.dtype)
        self.total.assign_add(_reduce.reduce_sum(values))
        if sample_weight is not None:
            num = _reduce.reduce_sum(sample_weight)
        elif values.ndim >= 1:
            num = values.shape[0]
        else:
            num = 1
        self.count.assign_add(_math.cast(num, self.dtype))

    def result(self):
        return _math.divide_no_nan(self.total, _math.cast(self.count, self.dtype))


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all updates."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


# --- accuracy functions ------------------------------------------------------------------------------------------------
def _matches(a, b):
    return _math.cast(_math.equal(a, b), "float32")


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``(y_pred > threshold) == y_true``."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = _math.cast(_math.greater(y_pred, _math.cast(threshold, y_pred.dtype)), y_true.dtype)
    return _matches(y_true, y_pred)


def _argmax_matches(y_true, y_pred, squeeze_if):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    shape = y_true.shape.as_list()
    reshape = False
    if y_true.ndim == y_pred.ndim and squeeze_if(y_true):
        y_true = _array.squeeze(y_true, -1)
        reshape = True
    y_pred = _math.cast(_reduce.argmax(y_pred, axis=-1), y_true.dtype)
    matches = _matches(y_true, y_pred)
    if reshape:
        matches = _array.reshape(matches, shape)
    return matches


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred) == argmax(y_true)`` (one-hot labels)."""
    y_true = _reduce.argmax(_tensor(y_true), axis=-1)
    return _argmax_matches(y_true, y_pred, lambda t: True)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred) == y_true`` (integer labels, optionally with a trailing 1)."""
    matches = _argmax_matches(y_true, y_pred, lambda t: t.shape[-1] == 1)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = _array.squeeze(matches, -1)
    return matches


def _wrapper(class_name, fn, default_name, doc, direction, **fixed):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **{**fixed, **kwargs})

    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc, "__module__": __name__,
                                                  "_direction": direction})


Accuracy = _wrapper("Accuracy", accuracy, "accuracy", "How often predictions equal labels exactly.", "up")
CategoricalAccuracy = _wrapper("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                               "How often the argmax of the predictions matches the one-hot labels'.", "up")
SparseCategoricalAccuracy = _wrapper("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                     "sparse_categorical_accuracy",
                                     "How often the argmax of the predictions equals the integer labels.", "up")
MeanSquaredError = _wrapper("MeanSquaredError", _losses.mean_squared_error, "mean_squared_error",
                            "The mean of the per-example mean squared errors.", "down")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", _losses.mean_absolute_error, "mean_absolute_error",
                             "The mean of the per-example mean absolute errors.", "down")


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` (0.5) matches the binary labels."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` largest predictions."""
    y_pred = _tensor(y_pred)
    y_true = _reduce.argmax(_tensor(y_true, y_pred.dtype), axis=-1)
    return _in_top_k(y_true, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label is among the ``k`` largest predictions."""
    return _in_top_k(_tensor(y_true, "int32"), _tensor(y_pred), k)


def _in_top_k(labels, y_pred, k):
    shape = labels.shape.as_list()
    if y_pred.ndim > 2:
        y_pred = _array.reshape(y_pred, [-1, y_pred.shape[-1]])
    if labels.ndim > 1:
        labels = _array.reshape(labels, [-1])
    from ..ops.math_extra import in_top_k
    matches = _math.cast(in_top_k(_math.cast(labels, "int32"), _math.cast(y_pred, "float32"), k), "float32")
    return _array.reshape(matches, shape) if len(shape) > 1 else matches


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the top ``k`` (5) predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top ``k`` (5) predictions."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class RootMeanSquaredError(Mean):
    """``sqrt`` of the (weighted) mean squared error."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = squeeze_or_expand_to_same_rank(_tensor(y_true, self.dtype), _tensor(y_pred, self.dtype))
        return super().update_state(_math.square(_math.subtract(y_pred, y_true)), sample_weight=sample_weight)

    def result(self):
        return _math.sqrt(super().result())


class _Confusion(Metric):
    """Keras' thresholded confusion counts (``update_confusion_matrix_variables``): per threshold, the
    (weighted) count of examples whose prediction is above it, by label."""

    _direction = "up"

    _counts = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else -1e-7  # Keras: with top_k, every kept prediction counts
        t = default if thresholds is None else thresholds
        self.thresholds = [float(v) for v in (t if isinstance(t, (list, tuple)) else [t])]
        self._single = not isinstance(t, (list, tuple))
        for count in self._counts:
            setattr(self, count, self.add_variable((len(self.thresholds),), "zeros", name=count))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensor(y_pred, "float32")
        y_true = _math.cast(_tensor(y_true), "bool")
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if self.top_k is not None:
            from ..ops import indexing as _indexing
            kth = _array.gather(_indexing.top_k(y_pred, self.top_k).values, [self.top_k - 1], axis=-1)
            y_pred = _math.where(_math.greater_equal(y_pred, kth), y_pred, float("-inf"))
        if self.class_id is not None:
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
        pred = _array.reshape(y_pred, [1, -1])
        label = _array.reshape(y_true, [1, -1])
        above = _math.greater(pred, _array.reshape(_tensor(self.thresholds, "float32"), [-1, 1]))
        weights = 1.0
        if sample_weight is not None:
            w = _array.broadcast_to(_tensor(sample_weight, "float32"), y_pred.shape.as_list())
            weights = _array.reshape(w, [1, -1])
        cases = {"true_positives": _math.logical_and(above, label),
                 "false_positives": _math.logical_and(above, _math.logical_not(label)),
                 "false_negatives": _math.logical_and(_math.logical_not(above), label)}
        for count in self._counts:
            getattr(self, count).assign_add(_reduce.reduce_sum(_math.multiply(_math.cast(cases[count], "float32"),
                                                                              weights), axis=1))

    def _ratio(self, other):
        tp = self.true_positives
        r = _math.divide_no_nan(tp, _math.add(tp, getattr(self, other)))
        return r[0] if self._single else r

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_Confusion):
    """``true_positives / (true_positives + false_positives)`` for predictions above ``thresholds`` (0.5)."""

    _counts = ("true_positives", "false_positives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="precision", dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name, dtype=dtype)

    def result(self):
        return self._ratio("false_positives")


class Recall(_Confusion):
    """``true_positives / (true_positives + false_negatives)`` for predictions above ``thresholds`` (0.5)."""

    _counts = ("true_positives", "false_negatives")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name="recall", dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name, dtype=dtype)

    def result(self):
        return self._ratio("false_negatives")


_CLASSES = (Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, MeanSquaredError,
            MeanAbsoluteError, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, RootMeanSquaredError, Precision,
            Recall)


def get(identifier):
    """A metric from an instance or callable (as is), a class name (an instance), or a function name."""
    if identifier is None or callable(identifier) or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        for cls in _CLASSES:
            if cls.__name__ == identifier:
                return cls()
        fn = {"accuracy": accuracy, "binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
              "sparse_categorical_accuracy": sparse_categorical_accuracy,
              "top_k_categorical_accuracy": top_k_categorical_accuracy,
              "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
              "mean_squared_error": _losses.mean_squared_error, "mse": _losses.mean_squared_error,
              "MSE": _losses.mean_squared_error, "mean_absolute_error": _losses.mean_absolute_error,
              "mae": _losses.mean_absolute_error, "MAE": _losses.mean_absolute_error}.get(identifier)
        if fn is not None:
            return fn
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
           "SparseCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError", "accuracy", "binary_accuracy",
           "categorical_accuracy", "sparse_categorical_accuracy", "get", "TopKCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy", "RootMeanSquaredError", "Precision", "Recall", "top_k_categorical_accuracy",
           "sparse_top_k_categorical_accuracy"]
