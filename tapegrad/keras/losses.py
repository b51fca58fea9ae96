"""``tapegrad.keras.losses``: Keras 3's losses, as classes and as functions, with Keras' numerics.

A loss object is called as ``loss(y_true, y_pred, sample_weight=None)``: both are cast to the loss's
dtype (float32), the per-example losses (the function form) are weighted by ``sample_weight`` and
reduced by ``reduction``: 'sum_over_batch_size' (the default, also 'mean': the weighted sum divided
by the number of per-example values), 'sum', 'mean_with_sample_weight' (divided by the weights' sum),
or None/'none' (no reduction). Probabilities are clipped to ``[1e-7, 1 - 1e-7]`` when
``from_logits=False``; the output of ``keras.activations.softmax``/``sigmoid`` (and of layers using
them) is traced back to its logits and the fused stable form is used, as Keras does on TensorFlow.
Everything is differentiable (tapegrad ops, the fused ``tf.nn`` cross entropies where Keras uses them).
"""
import warnings

from .._core import nest
from .._core.tensor import Tensor, Variable, convert_to_tensor
from ..ops import array as _array
from ..ops import math as _math
from ..ops import nn as _nn
from ..ops import reduce as _reduce
from .activations import attach, attached, keras_logits
from .optimizers.base import _auto_name

EPSILON = 1e-7


def _tensor(x, dtype=None):
    """``x`` as a tensor; with ``dtype``, cast to it (Keras' ``convert_to_tensor(x, dtype)``)."""
    if not isinstance(x, (Tensor, Variable)):
        x = convert_to_tensor(x) if dtype is None or hasattr(x, "dtype") else convert_to_tensor(x, dtype=dtype)
    elif isinstance(x, Variable):
        x = convert_to_tensor(x)
    if dtype is not None and x.dtype.name != str(getattr(dtype, "name", dtype)):
        x = _math.cast(x, dtype)
    return x


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeezes (or expands) a trailing size-1 dimension when the ranks differ by exactly one."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _array.expand_dims(x2, -1)
        else:
            x1 = _array.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _array.expand_dims(x1, -1)
        else:
            x2 = _array.squeeze(x2, -1)
    return x1, x2


_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def _standardize_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {set(_REDUCTIONS)}. Received: "
                         f"reduction={reduction}")
    return reduction


def _apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a boolean ``mask`` into the sample weights (with mean reductions, rescaled to count valid entries)."""
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = _math.cast(int(mask._value.size), dtype)
        valid = _reduce.reduce_sum(_math.cast(mask, dtype))
        float_mask = _math.where(mask, _math.divide_no_nan(total, valid), _math.cast(0, dtype))
    else:
        float_mask = _math.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, _tensor(sample_weight, dtype))
    return _math.multiply(sample_weight, float_mask)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size", dtype="float32", mask=None):
    """Keras' weighting and reduction of per-example loss ``values`` (``mask``: True where valid)."""
    reduction = _standardize_reduction(reduction)
    values = _tensor(values, dtype)
    sample_weight = _apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = _tensor(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = _math.multiply(values, sample_weight)
    if reduction in (None, "none") or values.ndim == 0 or tuple(values.shape) == (0,):
        return values
    loss = _reduce.reduce_sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = _math.cast(_reduce.reduce_sum(sample_weight), loss.dtype)
    else:
        divisor = _math.cast(int(values._value.size), loss.dtype)
    return _math.divide_no_nan(loss, divisor)


def _logits(output, from_logits, fn_name, kind):
    """(output or the logits it came from, from_logits) as Keras' ``_get_logits``."""
    logits = keras_logits(output)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument was produced by a '
                      f"{kind} activation and thus does not represent logits. Was this intended?", stacklevel=3)
    return logits, True


def _check_same_shape(target, output):
    if target.ndim != output.ndim:
        raise ValueError("Arguments `target` and `output` must have the same rank (ndim). Received: "
                         f"target.shape={target.shape}, output.shape={output.shape}")
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError("Arguments `target` and `output` must have the same shape. Received: "
                         f"target.shape={target.shape}, output.shape={output.shape}")


# --- functions (per-example losses) ----------------------------------------------------------------------------------
def _pair(y_true, y_pred):
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce.reduce_mean(_math.square(_math.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _reduce.reduce_mean(_math.abs(_math.subtract(y_true, y_pred)), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """``mean(0.5 e^2 if |e| <= delta else delta |e| - 0.5 delta^2, axis=-1)``, ``e = y_pred - y_true``."""
    y_true, y_pred = _pair(y_true, y_pred)
    delta = _math.cast(delta, y_pred.dtype)
    error = _math.subtract(y_pred, y_true)
    abs_error = _math.abs(error)
    half = _math.cast(0.5, y_pred.dtype)
    quadratic = _math.multiply(half, _math.square(error))
    linear = _math.subtract(_math.multiply(delta, abs_error), _math.multiply(half, _math.square(delta)))
    return _reduce.reduce_mean(_math.where(_math.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross entropy with one-hot (or soft) ``y_true`` along ``axis``.

    Probabilities (``from_logits=False``) are renormalized to sum to 1 and clipped to
    ``[1e-7, 1 - 1e-7]``; ``label_smoothing`` mixes ``y_true`` with the uniform distribution.
    """
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    if y_pred.shape[-1] == 1:
        warnings.warn("In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) with "
                      f"num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider using "
                      "'binary_crossentropy' if you only have 2 classes.", SyntaxWarning, stacklevel=2)
    if label_smoothing:
        num_classes = _math.cast(y_true.shape[-1], y_pred.dtype)
        y_true = _math.add(_math.multiply(y_true, 1.0 - label_smoothing), _math.divide(
            _math.cast(label_smoothing, y_pred.dtype), num_classes))
    if y_true.ndim < 1:
        raise ValueError("Arguments `target` and `output` must be at least rank 1. Received: "
                         f"target.shape={y_true.shape}, output.shape={y_pred.shape}")
    _check_same_shape(y_true, y_pred)
    output, from_logits = _logits(y_pred, from_logits, "categorical_crossentropy", "Softmax")
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(labels=y_true, logits=output, axis=axis)
    output = _math.divide(output, _reduce.reduce_sum(output, axis=axis, keepdims=True))
    output = _math.clip_by_value(output, EPSILON, 1.0 - EPSILON)
    return _math.negative(_reduce.reduce_sum(_math.multiply(y_true, _math.log(output)), axis=axis))


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross entropy with integer class labels ``y_true`` (shape ``y_pred.shape[:-1]``, or with a trailing 1).

    ``ignore_class``: examples with this label get loss 0.
    """
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = _array.squeeze(y_true, axis)
    if axis != -1 and axis != y_pred.ndim - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    valid = None
    if ignore_class is not None:
        valid = _math.not_equal(y_true, _math.cast(ignore_class, y_true.dtype))
        y_true = _math.where(valid, y_true, _array.zeros_like(y_true))
        y_pred = _math.where(_array.expand_dims(valid, -1), y_pred, _array.zeros_like(y_pred))
    output, from_logits = _logits(y_pred, from_logits, "sparse_categorical_crossentropy", "Softmax")
    target = _math.cast(y_true, "int64")
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = _array.squeeze(target, -1)
    if output.ndim < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: output.shape={output.shape}")
    if target.ndim != output.ndim - 1:
        raise ValueError("Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
                         f"target.shape={target.shape}, output.shape={output.shape}")
    if tuple(target.shape) != tuple(output.shape[:-1]):
        raise ValueError("Arguments `target` and `output` must have the same shape up until the last dimension: "
                         f"target.shape={target.shape}, output.shape={output.shape}")
    if not from_logits:
        output = _math.log(_math.clip_by_value(output, EPSILON, 1 - EPSILON))
    result = _nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
    if valid is not None:
        result = attach(_math.where(valid, result, _array.zeros_like(result)), mask=valid)
    return result


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """``mean(-(t log p + (1 - t) log(1 - p)), axis)`` (``p`` clipped to ``[1e-7, 1 - 1e-7]``), or the
    stable logistic loss of logits."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = _math.add(_math.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    _check_same_shape(y_true, y_pred)
    output, from_logits = _logits(y_pred, from_logits, "binary_crossentropy", "Sigmoid")
    if from_logits:
        bce = _nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=output)
    else:
        output = _math.clip_by_value(output, EPSILON, 1.0 - EPSILON)
        bce = _math.add(_math.multiply(y_true, _math.log(output)),
                        _math.multiply(_math.subtract(1.0, y_true), _math.log(_math.subtract(1.0, output))))
        bce = _math.negative(bce)
    return _reduce.reduce_mean(bce, axis=axis)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# --- classes -----------------------------------------------------------------------------------------------------------
def _mean(x):
    return _reduce.reduce_mean(x, axis=-1)


def _scalar_like(value, like):
    return _math.cast(value, like.dtype)


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[1e-7, 1]``."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    y_true = _math.clip_by_value(y_true, EPSILON, 1.0)
    y_pred = _math.clip_by_value(y_pred, EPSILON, 1.0)
    return _reduce.reduce_sum(_math.multiply(y_true, _math.log(_math.realdiv(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)``."""
    y_pred = _tensor(y_pred)
    y_true = _tensor(y_true, y_pred.dtype)
    eps = _scalar_like(EPSILON, y_pred)
    return _mean(_math.subtract(y_pred, _math.multiply(y_true, _math.log(_math.add(y_pred, eps)))))


def _l2_normalize(x, axis):
    """Keras' ``ops.normalize``: ``x * min(rsqrt(sum(x^2)), 1 / 1e-7)``."""
    inv = _math.rsqrt(_reduce.reduce_sum(_math.square(x), axis=axis, keepdims=True))
    return _math.multiply(x, _math.minimum(inv, _scalar_like(1.0 / EPSILON, x)))


def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _math.negative(_reduce.reduce_sum(_math.multiply(_l2_normalize(y_true, axis), _l2_normalize(y_pred, axis)),
                                             axis=axis))


def log_cosh(y_true, y_pred):
    """``mean(x + softplus(-2x) - log(2), axis=-1)``, ``x = y_pred - y_true``."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = _math.subtract(y_pred, y_true)
    log2 = _scalar_like(0.6931471805599453, y_pred)
    return _mean(_math.subtract(_math.add(x, _math.softplus(_math.multiply(x, _scalar_like(-2.0, x)))), log2))


def _hinge_labels(y_true):
    """0/1 labels become -1/1 (Keras' ``convert_binary_labels_to_hinge``); other labels are kept."""
    binary = _reduce.reduce_all(_math.logical_or(_math.equal(y_true, 0.0), _math.equal(y_true, 1.0)))
    return _math.subtract(_math.multiply(y_true, 2.0), 1.0) if bool(binary) else y_true


def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)`` with 0/1 labels read as -1/1."""
    y_pred = _tensor(y_pred)
    y_true = _hinge_labels(_math.cast(_tensor(y_true), y_pred.dtype))
    return _mean(_math.maximum(_math.subtract(1.0, _math.multiply(y_true, y_pred)), 0.0))


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0)^2, axis=-1)`` with 0/1 labels read as -1/1."""
    y_pred = _tensor(y_pred)
    y_true = _hinge_labels(_math.cast(_tensor(y_true), y_pred.dtype))
    return _mean(_math.square(_math.maximum(_math.subtract(1.0, _math.multiply(y_true, y_pred)), 0.0)))


def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis."""
    y_pred = _tensor(y_pred)
    y_true = _math.cast(_tensor(y_true), y_pred.dtype)
    pos = _reduce.reduce_sum(_math.multiply(y_true, y_pred), axis=-1)
    neg = _reduce.reduce_max(_math.multiply(_math.subtract(1.0, y_true), y_pred), axis=-1)
    return _math.maximum(_math.add(_math.subtract(neg, pos), 1.0), _scalar_like(0.0, y_pred))


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|(y_true - y_pred) / max(|y_true|, 1e-7)|, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = _scalar_like(EPSILON, y_pred)
    diff = _math.abs(_math.realdiv(_math.subtract(y_true, y_pred), _math.maximum(_math.abs(y_true), eps)))
    return _math.multiply(100.0, _mean(diff))


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1))^2, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = _scalar_like(EPSILON, y_pred)
    first = _math.log(_math.add(_math.maximum(y_pred, eps), 1.0))
    second = _math.log(_math.add(_math.maximum(y_true, eps), 1.0))
    return _mean(_math.square(_math.subtract(first, second)))


kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error


class Loss:
    """Base class: subclasses implement ``call(y_true, y_pred)`` returning per-example losses.

    Args:
      reduction: 'sum_over_batch_size' (default), 'sum', 'mean', 'mean_with_sample_weight', or None/'none'.
      name: the loss's name.
      dtype: the computation dtype (float32).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _auto_name(type(self).__name__)
        self.reduction = _standardize_reduction(reduction)
        self._dtype = str(getattr(dtype, "name", dtype or "float32"))

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = self._convert(y_pred)
        y_true = self._convert(y_true)
        losses = self.call(y_true, y_pred)
        return reduce_weighted_values(losses, sample_weight=sample_weight, reduction=self.reduction,
                                      dtype=self._dtype, mask=attached(losses, "mask"))

    def _convert(self, y):
        if isinstance(y, dict):  # a structure of tensors (lists are values: [1, 2] is a vector of labels)
            return nest.map_structure(lambda x: _tensor(x, self._dtype), y)
        return _tensor(y, self._dtype)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A ``Loss`` computing ``fn(y_true, y_pred, **kwargs)`` (ranks first matched as Keras does)."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class MeanSquaredError(LossFunctionWrapper):
    """Mean of the squared errors (``keras.losses.MeanSquaredError``)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of the absolute errors."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to ``delta`` (1.0), linear beyond."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross entropy with one-hot labels (``from_logits``, ``label_smoothing``, ``axis``)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross entropy with integer labels (``from_logits``, ``ignore_class``)."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits = from_logits
        self.ignore_class = ignore_class


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross entropy (``from_logits``, ``label_smoothing``, ``axis``)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


def _wrapper(fn, default_name, doc):
    class _Wrapped(LossFunctionWrapper):
        def __init__(self, reduction="sum_over_batch_size", name=default_name, dtype=None):
            super().__init__(fn, name=name, reduction=reduction, dtype=dtype)
    _Wrapped.__doc__ = doc
    return _Wrapped


KLDivergence = _wrapper(kl_divergence, "kl_divergence", "Kullback-Leibler divergence (``kl_divergence``).")
Poisson = _wrapper(poisson, "poisson", "Poisson loss (``poisson``).")
LogCosh = _wrapper(log_cosh, "log_cosh", "Log of the hyperbolic cosine of the error (``log_cosh``).")
Hinge = _wrapper(hinge, "hinge", "Hinge loss (``hinge``).")
SquaredHinge = _wrapper(squared_hinge, "squared_hinge", "Squared hinge loss (``squared_hinge``).")
CategoricalHinge = _wrapper(categorical_hinge, "categorical_hinge", "Categorical hinge loss (``categorical_hinge``).")
MeanAbsolutePercentageError = _wrapper(mean_absolute_percentage_error, "mean_absolute_percentage_error",
                                       "Mean absolute percentage error.")
MeanSquaredLogarithmicError = _wrapper(mean_squared_logarithmic_error, "mean_squared_logarithmic_error",
                                       "Mean squared logarithmic error.")
for _cls, _name in ((KLDivergence, "KLDivergence"), (Poisson, "Poisson"), (LogCosh, "LogCosh"), (Hinge, "Hinge"),
                    (SquaredHinge, "SquaredHinge"), (CategoricalHinge, "CategoricalHinge"),
                    (MeanAbsolutePercentageError, "MeanAbsolutePercentageError"),
                    (MeanSquaredLogarithmicError, "MeanSquaredLogarithmicError")):
    _cls.__name__ = _cls.__qualname__ = _name


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis`` (-1)."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)


_CLASSES = (MeanSquaredError, MeanAbsoluteError, Huber, CategoricalCrossentropy, SparseCategoricalCrossentropy,
            BinaryCrossentropy, KLDivergence, Poisson, LogCosh, Hinge, SquaredHinge, CategoricalHinge,
            MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity)
_FUNCTIONS = {f.__name__: f for f in (mean_squared_error, mean_absolute_error, huber, categorical_crossentropy,
                                      sparse_categorical_crossentropy, binary_crossentropy, kl_divergence, poisson,
                                      cosine_similarity, log_cosh, hinge, squared_hinge, categorical_hinge,
                                      mean_absolute_percentage_error, mean_squared_logarithmic_error)}
_FUNCTIONS.update({"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
                   "MAE": mean_absolute_error, "kld": kl_divergence, "KLD": kl_divergence,
                   "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh,
                   "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
                   "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error})


def get(identifier):
    """A loss from a class name ('MeanSquaredError': an instance), a function name ('mse': the function),
    a config dict, a callable (as is) or None."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        cls = {c.__name__: c for c in _CLASSES}.get(identifier.get("class_name"))
        if cls is not None:
            return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, str):
        for cls in _CLASSES:
            if cls.__name__ == identifier:
                return cls()
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
    raise ValueError(f"Could not interpret loss identifier: {identifier}")


__all__ = ["Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError", "Huber",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "BinaryCrossentropy", "mean_squared_error",
           "mean_absolute_error", "huber", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mse", "mae", "MSE", "MAE", "get", "reduce_weighted_values",
           "KLDivergence", "Poisson", "LogCosh", "Hinge", "SquaredHinge", "CategoricalHinge",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "CosineSimilarity", "kl_divergence", "kld",
           "KLD", "kullback_leibler_divergence", "poisson", "cosine_similarity", "log_cosh", "logcosh", "hinge",
           "squared_hinge", "categorical_hinge", "mean_absolute_percentage_error", "mape", "MAPE",
           "mean_squared_logarithmic_error", "msle", "MSLE"]
