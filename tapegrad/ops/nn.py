"""Neural-network ops (``tf.nn``): activations, softmax, fused cross-entropy losses, normalization, dropout.

What TF runs as one kernel is a primitive here (its kernel, then its VJP rule
written with tapegrad ops, so nested tapes give higher derivatives); what TF
composes in Python (gelu, silu, l2_normalize, moments, batch_normalization,
dropout, embedding_lookup) is composed of tapegrad ops the same way, so its
gradient, conventions at kinks included, follows from those ops.
"""
import numbers

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.forwardprop import linear_jvp, multilinear_jvp, symmetric_jvp
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from . import array as _array
from . import math as _math
from . import random as _random
from . import reduce as _reduce
from ._util import NO_PARAMS, Tensor, dtype_of, execute, normalize_axis, pair, same_dtype, tensor

_ALLOWED = {"f": "half, bfloat16, float, double",
            "fiu": "float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64"}


def _input(op, x, kinds="f"):
    """``x`` as a Tensor of a dtype the TF op ``op`` accepts (InvalidArgumentError, as TF's, otherwise)."""
    x = tensor(x)
    dt = dtype_of(x)
    if dt._kind not in kinds:
        raise errors.InvalidArgumentError(None, op, (
            f"Value for attr 'T' of {dt.name} is not in the list of allowed values: {_ALLOWED[kinds]} [Op:{op}]"))
    return x


def _mask(cond, g):
    """``g`` where ``cond``, else 0."""
    return _math.where(cond, g, _array.zeros_like(g))


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _expand(g, x, axis):
    """A cotangent of a reduction over ``axis`` (>= 0) reshaped to broadcast against ``x``."""
    shape = x._value.shape
    return _array.reshape(g, shape[:axis] + (1,) + shape[axis + 1:])


# --- activations ------------------------------------------------------------------
def _relu_impl(x):
    r = np.maximum(x, np.zeros((), x.dtype))  # SIMD; np.where is ~7x slower on mixed signs
    np.copyto(r, x, where=(x == 0))  # TF keeps -0.0 (and NaN, which maximum propagates)
    return r


relu_p = Primitive("relu", _relu_impl, (
    lambda g, out, x: execute(relu_grad_p, (g, out), NO_PARAMS),  # grad where y > 0: 0 at x == 0, as TF
), save_inputs=False, save_output=True)
relu_p.jvp = symmetric_jvp(relu_p.vjp)  # elementwise activations: their JVPs are their VJPs

# TF's ReluGrad as one kernel (one multiply instead of compare + zeros + where); linear in g.
relu_grad_p = Primitive("relu_grad", lambda g, y: g * (y > 0), (
    lambda h, out, g, y: execute(relu_grad_p, (h, y), NO_PARAMS),
    None,  # piecewise constant in y
), linear=True)
relu_grad_p.jvp = multilinear_jvp(relu_grad_p, (0,))  # relu_grad(t, y): linear in g only

relu6_p = Primitive("relu6", lambda x: np.clip(x, 0, 6), (
    lambda g, out, x: _mask(_math.greater(out, 0), _mask(_math.greater(6, out), g)),  # grad where 0 < y < 6
), save_inputs=False, save_output=True)
relu6_p.jvp = symmetric_jvp(relu6_p.vjp)


def _alpha(alpha, like):
    """TF's float attr ``alpha`` (stored as float32) in ``like``'s dtype."""
    return np.asarray(np.float32(alpha), dtype=like.dtype)


leaky_relu_p = Primitive("leaky_relu", lambda x, alpha: np.where(x > 0, x, x * _alpha(alpha, x)), (
    lambda g, out, x, alpha: _math.where(_math.greater(x, 0), g,  # grad if x > 0 else alpha * grad (alpha at 0)
                                         _math.multiply(g, Tensor(_alpha(alpha, g._value)))),
))
leaky_relu_p.jvp = symmetric_jvp(leaky_relu_p.vjp)


def _elu_impl(x):
    return np.where(x < 0, np.exp(np.minimum(x, 0)) - 1, x)


elu_p = Primitive("elu", _elu_impl, (
    lambda g, out, x: _math.where(_math.greater(0, out), g * (out + 1), g),  # grad * (y + 1) where y < 0
), save_inputs=False, save_output=True)
elu_p.jvp = symmetric_jvp(elu_p.vjp)

_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123


def _selu_impl(x):
    return np.where(x < 0, _SELU_SCALE_ALPHA * (np.exp(np.minimum(x, 0)) - 1), _SELU_SCALE * x)


selu_p = Primitive("selu", _selu_impl, (
    lambda g, out, x: _math.where(_math.greater(0, out), g * (out + _SELU_SCALE_ALPHA),  # grad * (y + scale*alpha)
                                  g * _SELU_SCALE),                                       # where y < 0, else * scale
), save_inputs=False, save_output=True)
selu_p.jvp = symmetric_jvp(selu_p.vjp)

softsign_p = Primitive("softsign", lambda x: x / (1 + np.abs(x)), (
    lambda g, out, x: g / _math.square(1 + _math.abs(x)),  # grad / (1 + |x|)^2
))
softsign_p.jvp = symmetric_jvp(softsign_p.vjp)


def relu(features, name=None):
    """``max(features, 0)``; the gradient at 0 is 0, as TF's."""
    return execute(relu_p, (_input("Relu", features, "fiu"),), NO_PARAMS)


def relu6(features, name=None):
    """``min(max(features, 0), 6)``; the gradient is 0 at 0 and at 6."""
    return execute(relu6_p, (_input("Relu6", features, "fiu"),), NO_PARAMS)


def leaky_relu(features, alpha=0.2, name=None):
    """``features`` where positive, else ``alpha * features`` (integers are cast to float32 first).

    Args:
      alpha: a Python float (TF's float attr; a tensor is a TypeError); the gradient at 0 is alpha.
    """
    x = tensor(features)
    if x.dtype.is_integer:
        x = _math.cast(x, _dt.float32)
    if isinstance(alpha, np.ndarray):
        alpha = alpha.item()
    if not isinstance(alpha, numbers.Real):
        raise TypeError(f"Expected float for argument 'alpha' not {alpha!r}.")
    return execute(leaky_relu_p, (_input("LeakyRelu", x),), {"alpha": float(alpha)})


def elu(features, name=None):
    """``exp(features) - 1`` where negative, else ``features``."""
    return execute(elu_p, (_input("Elu", features),), NO_PARAMS)


def selu(features, name=None):
    """``scale * elu(features, alpha)`` with the self-normalizing constants."""
    return execute(selu_p, (_input("Selu", features),), NO_PARAMS)


def softsign(features, name=None):
    """``features / (abs(features) + 1)``."""
    return execute(softsign_p, (_input("Softsign", features),), NO_PARAMS)


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: ``x * P(X <= x)``, exactly (erf) or with TF's tanh approximation."""
    x = tensor(features)
    if not x.dtype.is_floating:
        raise ValueError(f"`features.dtype` must be a floating point tensor.Received:features.dtype={x.dtype!r}")
    if approximate:
        return 0.5 * x * (1.0 + _math.tanh(0.7978845608028654 * (x + 0.044715 * _math.pow(x, 3))))
    return 0.5 * x * (1.0 + _math.erf(x * 0.7071067811865476))


def silu(features, beta=1.0):
    """``features * sigmoid(beta * features)``; ``beta`` (cast to the features' dtype) is differentiable."""
    x = tensor(features)
    beta = _math.cast(tensor(beta), x.dtype)
    return x * _math.sigmoid(beta * x)


swish = silu


def log_sigmoid(x, name=None):
    """``log(sigmoid(x))`` computed stably as ``-softplus(-x)`` (TF's ``tf.math.log_sigmoid``)."""
    return -_math.softplus(-tensor(x))


# --- softmax --------------------------------------------------------------------------
def _log_softmax_impl(x, axis):
    s = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def _softmax_impl(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
    return e / np.sum(e, axis=axis, keepdims=True)


softmax_p = Primitive("softmax", _softmax_impl, (
    lambda g, out, x, axis: out * (g - _reduce.reduce_sum(g * out, axis, keepdims=True)),  # y * (g - sum(g * y))
), save_inputs=False, save_output=True)
softmax_p.jvp = symmetric_jvp(softmax_p.vjp)  # its Jacobian diag(y) - y y^T is symmetric

log_softmax_p = Primitive("log_softmax", _log_softmax_impl, (
    lambda g, out, x, axis: g - _math.exp(out) * _reduce.reduce_sum(g, axis, keepdims=True),  # g - exp(y) * sum(g)
), save_inputs=False, save_output=True,
    jvp=lambda ts, out, x, axis: ts[0] - _reduce.reduce_sum(_math.exp(out) * ts[0], axis, keepdims=True))


def _class_axis(op, x, axis):
    """``axis`` (None: -1) as a non-negative int, with TF's InvalidArgumentError when out of range."""
    nd = x._value.ndim
    if nd == 0:
        raise errors.InvalidArgumentError(None, op, f"logits must have >= 1 dimension, got [] [Op:{op}]")
    axis = -1 if axis is None else int(axis)
    if not -nd <= axis < nd:
        raise errors.InvalidArgumentError(None, op, (
            f"`dim` must be in the range [{-nd}, {nd}) where {nd} is the number of dimensions in the input. "
            f"Received: dim={axis}"))
    return axis % nd


def softmax(logits, axis=None, name=None):
    """``exp(logits) / reduce_sum(exp(logits), axis, keepdims=True)``, computed stably (axis None: -1)."""
    x = _input("Softmax", logits)
    return execute(softmax_p, (x,), {"axis": _class_axis("Softmax", x, axis)})


def log_softmax(logits, axis=None, name=None):
    """``logits - log(reduce_sum(exp(logits), axis, keepdims=True))``, computed stably (axis None: -1)."""
    x = _input("LogSoftmax", logits)
    return execute(log_softmax_p, (x,), {"axis": _class_axis("LogSoftmax", x, axis)})


# --- fused losses -----------------------------------------------------------------------
def _xent_impl(logits, labels, axis):
    return -np.sum(labels * _log_softmax_impl(logits, axis), axis=axis)


softmax_xent_p = Primitive("softmax_cross_entropy_with_logits", _xent_impl, (
    # As TF's kernel: grad * (softmax(logits) - labels), exact when each labels slice sums to 1.
    lambda g, out, logits, labels, axis: _expand(g, logits, axis) * (
        execute(softmax_p, (logits,), {"axis": axis}) - labels),
    lambda g, out, logits, labels, axis: -_expand(g, logits, axis) * execute(  # -grad * log_softmax(logits)
        log_softmax_p, (logits,), {"axis": axis}),
))


def _xent_jvp(tangents, out, logits, labels, axis):
    """sum(t_logits * (softmax(logits) - labels) - t_labels * log_softmax(logits)) over axis (TF's rule)."""
    tx, tz = tangents
    dx = None if tx is None else tx * (execute(softmax_p, (logits,), {"axis": axis}) - labels)
    dz = None if tz is None else -tz * execute(log_softmax_p, (logits,), {"axis": axis})
    return _reduce.reduce_sum(dz if dx is None else dx if dz is None else dx + dz, axis)


softmax_xent_p.jvp = _xent_jvp


def _precise(x, dtypes):
    """``x`` cast to float32 when its dtype is one of ``dtypes`` (TF computes these losses in float32)."""
    return _math.cast(x, _dt.float32) if x.dtype.name in dtypes else x


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Softmax cross entropy between ``logits`` and ``labels`` (a probability distribution along ``axis``).

    Gradients flow into both: ``softmax(logits) - labels`` for logits and ``-log_softmax(logits)``
    for labels, as TF's. ``labels`` is cast to the logits' dtype and must broadcast to their shape.
    """
    op = "SoftmaxCrossEntropyWithLogits"
    x = _input(op, logits)
    precise = _precise(x, ("float16", "bfloat16"))
    z = _math.cast(tensor(labels), precise.dtype)
    axis = _class_axis(op, precise, axis)
    xs, zs = precise._value.shape, z._value.shape
    if len(zs) > len(xs) or any(b not in (1, a) for a, b in zip(xs[len(xs) - len(zs):], zs)):
        raise errors.InvalidArgumentError(None, op, (
            f"logits and labels must be broadcastable: logits_size={_dims(xs)} labels_size={_dims(zs)} [Op:{op}]"))
    cost = execute(softmax_xent_p, (precise, z), {"axis": axis})
    return _math.cast(cost, x.dtype)


def _sparse_xent_impl(logits, labels):
    op, n = "SparseSoftmaxCrossEntropyWithLogits", logits.shape[-1]
    if n == 0:
        raise errors.InvalidArgumentError(None, op, (
            f"Must have at least one class, but got logits shape {_dims(logits.shape)} [Op:{op}]"))
    bad = (labels < 0) | (labels >= n)
    if bad.any():
        values = " ".join(str(v) for v in labels.reshape(-1).tolist())
        raise errors.InvalidArgumentError(None, op, (
            f"Received a label value of {labels[bad].reshape(-1)[0]} which is outside the valid range of "
            f"[0, {n}).  Label values: {values} [Op:{op}]"))
    logp = _log_softmax_impl(logits, -1)
    return -np.take_along_axis(logp, labels[..., None].astype(np.intp), -1)[..., 0]


sparse_softmax_xent_p = Primitive("sparse_softmax_cross_entropy_with_logits", _sparse_xent_impl, (
    lambda g, out, logits, labels: _expand(g, logits, logits.ndim - 1) * (  # grad * (softmax - one_hot(labels))
        execute(softmax_p, (logits,), {"axis": logits.ndim - 1})
        - _array.one_hot(labels, logits._value.shape[-1], dtype=logits.dtype)),
    None,
), jvp=lambda ts, out, logits, labels: _reduce.reduce_sum(ts[0] * (  # sum(t * (softmax - one_hot(labels)))
    execute(softmax_p, (logits,), {"axis": logits.ndim - 1})
    - _array.one_hot(labels, logits._value.shape[-1], dtype=logits.dtype)), -1))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Softmax cross entropy with integer class ``labels`` (shape ``logits.shape[:-1]``).

    Raises:
      ValueError: scalar logits, or labels whose rank or shape do not match ``logits.shape[:-1]``.
      InvalidArgumentError: a label outside ``[0, num_classes)``, or labels not int32/int64.
    """
    op = "SparseSoftmaxCrossEntropyWithLogits"
    z, x = tensor(labels), tensor(logits)
    if x.ndim == 0:
        raise ValueError(f"`logits` cannot be a scalar. Received logits={x}`")
    if z.ndim != x.ndim - 1:
        raise ValueError(f"`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: labels.shape={z.shape} "
                         f"of rank {z.ndim} and logits.shape={x.shape} of rank {x.ndim}")
    if z._value.shape != x._value.shape[:-1]:
        raise ValueError(f"`labels.shape` must equal `logits.shape` except for the last dimension. Received: "
                         f"labels.shape={z.shape} and logits.shape={x.shape}")
    if z.dtype.name not in ("int32", "int64"):
        raise errors.InvalidArgumentError(None, op, (
            f"Value for attr 'Tlabels' of {z.dtype.name} is not in the list of allowed values: int32, int64 "
            f"[Op:{op}]"))
    precise = _precise(_input(op, x), ("float16",))
    return _math.cast(execute(sparse_softmax_xent_p, (precise, z), NO_PARAMS), x.dtype)


def _softplus_neg_impl(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)  # log(1 + exp(-x)) without overflow


def _sigmoid_xent_impl(x, z):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


sigmoid_xent_p = Primitive("sigmoid_cross_entropy_with_logits", _sigmoid_xent_impl, (
    lambda g, out, x, z: g * (_math.sigmoid(x) - z),  # grad * (sigmoid(x) - z)
    lambda g, out, x, z: -(g * x),                     # -grad * x
))
sigmoid_xent_p.jvp = symmetric_jvp(sigmoid_xent_p.vjp)


def _weighted_xent_impl(x, z, q):
    return (1 - z) * x + (1 + (q - 1) * z) * _softplus_neg_impl(x)


def _weighted_xent_dx(g, out, x, z, q):
    """grad * ((1 - z) - (1 + (q - 1) z) sigmoid(-x)); TF's |x| and relu(-x) give the sigmoid term 0 at x == 0."""
    s = _math.where(_math.not_equal(x, 0), _math.sigmoid(-x), _array.zeros_like(x))
    return g * ((1 - z) - (1 + (q - 1) * z) * s)


weighted_xent_p = Primitive("weighted_cross_entropy_with_logits", _weighted_xent_impl, (
    _weighted_xent_dx,
    lambda g, out, x, z, q: g * ((q - 1) * _math.softplus(-x) - x),  # grad * ((q - 1) softplus(-x) - x)
    lambda g, out, x, z, q: g * z * _math.softplus(-x),              # grad * z * softplus(-x)
))
weighted_xent_p.jvp = symmetric_jvp(weighted_xent_p.vjp)


def _same_shape(logits, labels):
    if logits._value.shape != labels._value.shape:
        raise ValueError(f"`logits` and `labels` must have the same shape, received ({logits.shape} vs "
                         f"{labels.shape}).")


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise logistic loss ``max(x, 0) - x * z + log(1 + exp(-|x|))`` for logits x and labels z.

    Raises:
      ValueError: a missing argument, or labels and logits of different shapes.
    """
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for sigmoid_cross_entropy_with_logits"
                         f"Received: labels={labels} and logits={logits}")
    x, z = _input("LogisticLoss", logits), tensor(labels)
    _same_shape(x, z)
    same_dtype("Mul", [x, z])
    return execute(sigmoid_xent_p, (x, z), NO_PARAMS)


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """``(1 - z) * x + (1 + (pos_weight - 1) * z) * log(1 + exp(-x))``, computed stably.

    Args:
      pos_weight: weight of the positive term; a number or a tensor broadcastable with the logits.
    """
    x, z = _input("LogisticLoss", logits), tensor(labels)
    _same_shape(x, z)
    same_dtype("Mul", [z, x])
    _, q = pair("Mul", z, pos_weight)
    return execute(weighted_xent_p, (x, z, q), NO_PARAMS)


l2_loss_p = Primitive("l2_loss", lambda t: np.asarray(np.sum(np.square(t) * t.dtype.type(0.5)), dtype=t.dtype), (
    lambda g, out, t: g * t,  # grad * t
), jvp=lambda ts, out, t: _reduce.reduce_sum(ts[0] * t))  # sum(dt * t)


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2`` over all elements, a scalar."""
    return execute(l2_loss_p, (_input("L2Loss", t),), NO_PARAMS)


# --- bias, normalization ------------------------------------------------------------------
def _bias_add_impl(value, bias, axis):
    shape = [1] * value.ndim
    shape[axis] = -1
    return value + bias.reshape(shape)


bias_add_p = Primitive("bias_add", _bias_add_impl, (
    lambda g, out, value, bias, axis: g,                    # grad
    lambda g, out, value, bias, axis: _reduce.reduce_sum(  # grad summed over all but the channel axis
        g, [i for i in range(len(value.shape)) if i != axis]),
), save_inputs=False)
bias_add_p.jvp = linear_jvp(bias_add_p)  # bias_add(t_value, t_bias)


def bias_add(value, bias, data_format=None, name=None):
    """Adds the 1-D ``bias`` along the channel axis of ``value``: the last one, or axis 1 for 'NC...'.

    Raises:
      ValueError: ``data_format`` neither 'N...C' nor 'NC...'.
      InvalidArgumentError: ``value`` of rank < 2, ``bias`` not 1-D or of the wrong size.
    """
    op = "BiasAdd"
    if data_format is not None and not data_format.startswith("NC") and not (
            data_format.startswith("N") and data_format.endswith("C")):
        raise ValueError(f"`data_format` must be of the form `N...C` or `NC...`. Received: data_format={data_format}")
    v, b = pair(op, value, bias)
    vs, bs = v._value.shape, b._value.shape
    if len(vs) < 2:
        raise errors.InvalidArgumentError(None, op, f"Input tensor must be at least 2D: {_dims(vs)} [Op:{op}]")
    if len(bs) != 1:
        raise errors.InvalidArgumentError(None, op, f"Biases must be 1D: {_dims(bs)} [Op:{op}]")
    axis = 1 if data_format is not None and data_format.startswith("NC") else len(vs) - 1
    if bs[0] != vs[axis]:
        raise errors.InvalidArgumentError(None, op, (
            f"Must provide as many biases as the last dimension of the input tensor: {_dims(bs)} vs. {_dims(vs)} "
            f"[Op:{op}]"))
    return execute(bias_add_p, (v, b), {"axis": axis})


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))`` (``dim`` is TF's deprecated alias of ``axis``)."""
    x = tensor(x)
    square_sum = _reduce.reduce_sum(_math.square(x), dim if axis is None else axis, keepdims=True)
    return x * _math.rsqrt(_math.maximum(square_sum, epsilon))


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and (biased) variance of ``x`` over ``axes``; ``shift`` is unused, as in TF.

    Returns:
      ``(mean, variance)``; float16 inputs are reduced in float32.
    """
    x = tensor(x)
    y = _math.cast(x, _dt.float32) if x.dtype == _dt.float16 else x
    mean = _reduce.reduce_mean(y, axes, keepdims=True)
    variance = _reduce.reduce_mean(_math.square(y - _array.stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        reduced = {normalize_axis("moments", a, y.ndim) for a in np.atleast_1d(np.asarray(axes)).tolist()}
        shape = [d for i, d in enumerate(y._value.shape) if i not in reduced]
        mean, variance = _array.reshape(mean, shape), _array.reshape(variance, shape)
    return _math.cast(mean, x.dtype), _math.cast(variance, x.dtype)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset`` (offset, scale may be None)."""
    inv = _math.rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv *= scale
    return x * _math.cast(inv, dtype_of(tensor(x))) + _math.cast(
        offset - mean * inv if offset is not None else -mean * inv, dtype_of(tensor(x)))


# --- dropout, embeddings --------------------------------------------------------------------
def _noise_shape(x, noise_shape):
    """The shape of the keep mask: ``x``'s, or ``noise_shape`` with None entries taken from ``x``."""
    if noise_shape is None:
        return x._value.shape
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = noise_shape.as_list() if isinstance(noise_shape, TensorShape) else list(noise_shape)
    if len(dims) == x.ndim:
        dims = [x._value.shape[i] if d is None else d for i, d in enumerate(dims)]
    return dims


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element with probability ``rate`` and scales the others by ``1 / (1 - rate)``.

    Args:
      rate: a float in [0, 1) or a scalar tensor of ``x``'s dtype.
      noise_shape: shape of the keep mask, broadcast against ``x`` (None entries: ``x``'s dims).
      seed: op seed, with ``tapegrad.random``'s global/op seed semantics.

    Raises:
      ValueError: ``rate`` out of range or not a scalar, ``x`` not floating.
    """
    def skipped():
        with _random._lock:
            _random._seeds(seed)  # TF still draws this op's seed from the global sequence

    return _dropout(x, rate, noise_shape, lambda shape, dtype: _random.uniform(shape, dtype=dtype, seed=seed), skipped)


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None):
    """``dropout`` whose mask depends only on ``seed`` (a shape [2] integer tensor), as ``stateless_uniform``."""
    from . import random_extra
    return _dropout(x, rate, noise_shape,
                    lambda shape, dtype: random_extra.stateless_uniform(shape, seed, dtype=dtype, alg=rng_alg or "auto_select"))


def _dropout(x, rate, noise_shape, sample, skipped=None):
    """TF's dropout: ``where(sample(mask shape, dtype) >= rate, x * (1 / (1 - rate)), 0)``."""
    is_number = isinstance(rate, numbers.Real)
    if is_number and not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate={rate}")
    x = tensor(x)
    if not x.dtype.is_floating:
        raise ValueError(f"`x.dtype` must be a floating point tensor as `x` will be scaled. Received: "
                         f"x_dtype={x.dtype!r}")
    if is_number and rate == 0:
        if skipped is not None:
            skipped()
        return x
    if is_number:
        kept = x * (1 / (1 - rate))
    elif hasattr(rate, "_value"):
        rate = tensor(rate)
        if rate.ndim != 0:
            raise ValueError(f"Shape {rate.shape} must have rank 0")
        if rate.dtype != x.dtype:
            raise ValueError(f"`x.dtype` must be compatible with `rate.dtype`. Received: x.dtype={x.dtype!r} and "
                             f"rate.dtype={rate.dtype!r}")
        kept = x / (1 - rate)
    else:
        raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
    noise = sample(_noise_shape(x, noise_shape), x.dtype)
    return _math.where(_math.greater(rate, noise), 0, kept)  # keep where noise >= rate


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` at ``ids`` (``gather``); a list of params is TF's 'div' sharding, in order.

    Args:
      max_norm: if given, each looked-up embedding with a larger L2 norm is scaled down to it.
    """
    if isinstance(params, (list, tuple)):
        params = params[0] if len(params) == 1 else _array.concat(params, 0)
    ids = tensor(ids)
    result = _array.gather(params, ids)
    if max_norm is None:
        return result
    l2sum = _reduce.reduce_sum(result * result, list(range(ids.ndim, result.ndim)), keepdims=True)
    pred = _math.greater(l2sum, 0)  # TF's clip_by_norm: sqrt only where positive (finite gradients)
    l2norm = _math.where(pred, _math.sqrt(_math.where(pred, l2sum, _array.ones_like(l2sum))), l2sum)
    return result * max_norm / _math.maximum(l2norm, max_norm)


__all__ = ["relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "softsign", "softmax",
           "log_softmax", "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits", "l2_loss", "bias_add",
           "l2_normalize", "moments", "batch_normalization", "dropout", "embedding_lookup"]
