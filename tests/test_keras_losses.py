"""keras.losses against NumPy references: values, reductions, sample weights, clipping, gradients."""
import numpy as np
import pytest

import tapegrad as tf

losses = tf.keras.losses
EPS = np.float32(1e-7)
rng = np.random.default_rng(0)
Y_TRUE = rng.normal(size=(4, 3)).astype(np.float32)
Y_PRED = rng.normal(size=(4, 3)).astype(np.float32)
LOGITS = rng.normal(size=(4, 5)).astype(np.float32) * 3
LABELS = np.array([0, 4, 2, 2], np.int32)
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def test_mse_mae_huber_functions_and_classes():
    per_mse = ((Y_TRUE - Y_PRED) ** 2).mean(-1)
    _close(losses.mean_squared_error(Y_TRUE, Y_PRED), per_mse)
    _close(losses.MeanSquaredError()(Y_TRUE, Y_PRED), per_mse.mean())
    _close(losses.mse(Y_TRUE, Y_PRED), per_mse)
    per_mae = np.abs(Y_TRUE - Y_PRED).mean(-1)
    _close(losses.MeanAbsoluteError()(Y_TRUE, Y_PRED), per_mae.mean())
    e = np.abs(Y_PRED - Y_TRUE)
    for delta in (1.0, 0.5):
        ref = np.where(e <= delta, 0.5 * e ** 2, delta * e - 0.5 * delta ** 2).mean(-1)
        _close(losses.huber(Y_TRUE, Y_PRED, delta=delta), ref)
        _close(losses.Huber(delta=delta)(Y_TRUE, Y_PRED), ref.mean())


def test_reductions_and_sample_weight():
    per = ((Y_TRUE - Y_PRED) ** 2).mean(-1)
    w = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    _close(losses.MeanSquaredError(reduction="sum")(Y_TRUE, Y_PRED), per.sum())
    _close(losses.MeanSquaredError(reduction=None)(Y_TRUE, Y_PRED), per)
    _close(losses.MeanSquaredError(reduction="none")(Y_TRUE, Y_PRED), per)
    # sum_over_batch_size divides the weighted sum by the number of examples (not by the weights' sum).
    _close(losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=w), (per * w).sum() / 4)
    _close(losses.MeanSquaredError(reduction="mean_with_sample_weight")(Y_TRUE, Y_PRED, sample_weight=w),
           (per * w).sum() / w.sum())
    _close(losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=w[:, None]), (per * w).sum() / 4)
    _close(losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=2.0), 2 * per.mean())
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")


def test_sparse_categorical_crossentropy_logits_and_probabilities():
    ref = -_log_softmax(LOGITS)[np.arange(4), LABELS]
    _close(losses.sparse_categorical_crossentropy(LABELS, LOGITS, from_logits=True), ref)
    _close(losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, LOGITS), ref.mean())
    _close(losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS[:, None], LOGITS), ref.mean())
    probs = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], np.float32)
    y = np.array([0, 2])
    clipped = np.clip(probs, EPS, np.float32(1) - EPS)
    ref = -np.log(clipped[np.arange(2), y] / clipped.sum(-1))  # clip, log, then a softmax over the log-probs
    got = losses.SparseCategoricalCrossentropy()(y, probs)
    assert np.isfinite(got.numpy())
    _close(got, ref.mean(), rtol=1e-5)
    _close(got, (-np.log(1e-7) - np.log(0.5)) / 2, rtol=1e-4)  # the 0 is clipped to 1e-7


def test_categorical_crossentropy_smoothing_and_normalization():
    ref = -(ONE_HOT * _log_softmax(LOGITS)).sum(-1)
    _close(losses.CategoricalCrossentropy(from_logits=True)(ONE_HOT, LOGITS), ref.mean())
    smooth = ONE_HOT * 0.9 + 0.1 / 5
    ref = -(smooth * _log_softmax(LOGITS)).sum(-1)
    _close(losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(ONE_HOT, LOGITS), ref.mean())
    unnormalized = np.abs(Y_PRED) + 0.1
    p = np.clip(unnormalized / unnormalized.sum(-1, keepdims=True), EPS, 1 - EPS)
    t = np.eye(3, dtype=np.float32)[[0, 1, 2, 1]]
    _close(losses.categorical_crossentropy(t, unnormalized), -(t * np.log(p)).sum(-1))
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(t[:, :2], unnormalized)


def test_binary_crossentropy():
    t = (rng.random((4, 3)) > 0.5).astype(np.float32)
    z = LOGITS[:, :3]
    ref = (np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))).mean(-1)
    _close(losses.BinaryCrossentropy(from_logits=True)(t, z), ref.mean())
    p = np.array([[0.0, 0.3, 1.0]], np.float32)
    tt = np.array([[1.0, 0.0, 0.0]], np.float32)
    pc = np.clip(p, EPS, 1 - EPS)
    ref = -(tt * np.log(pc) + (1 - tt) * np.log(1 - pc)).mean(-1)
    _close(losses.binary_crossentropy(tt, p), ref, rtol=1e-4)
    ts = tt * 0.8 + 0.1
    ref = -(ts * np.log(pc) + (1 - ts) * np.log(1 - pc)).mean(-1)
    _close(losses.BinaryCrossentropy(label_smoothing=0.2)(tt, p), ref.mean(), rtol=1e-4)


def test_keras_activation_outputs_are_traced_back_to_logits():
    """As Keras on TF: a softmax/sigmoid activation's output is turned back into logits (the fused form)."""
    z = np.array([[0.0, 40.0, -40.0]], np.float32)
    probs = tf.keras.activations.softmax(tf.constant(z))
    exact = -_log_softmax(z)[0, 2]  # 80: far beyond what clipping at 1e-7 would give
    _close(losses.SparseCategoricalCrossentropy()([2], probs), exact, rtol=1e-5)
    _close(losses.SparseCategoricalCrossentropy()([2], tf.nn.softmax(z)), -np.log(1e-7) + np.log(1), rtol=1e-3)
    sig = tf.keras.layers.Dense(1, activation="sigmoid", kernel_initializer="ones")(np.array([[-50.0]], np.float32))
    _close(losses.BinaryCrossentropy()([[1.0]], sig), 50.0, rtol=1e-5)


@pytest.mark.parametrize("loss, y, inputs", [
    (losses.SparseCategoricalCrossentropy(from_logits=True), LABELS, LOGITS),
    (losses.CategoricalCrossentropy(from_logits=True), ONE_HOT, LOGITS),
    (losses.MeanSquaredError(), ONE_HOT, LOGITS),
    (losses.Huber(), ONE_HOT, LOGITS),
])
def test_losses_are_differentiable(loss, y, inputs):
    x = tf.Variable(inputs)
    with tf.GradientTape() as tape:
        value = loss(y, x)
    g = tape.gradient(value, x).numpy()
    eps = 1e-2
    d = rng.normal(size=inputs.shape).astype(np.float32)
    plus = float(loss(y, inputs + eps * d))
    minus = float(loss(y, inputs - eps * d))
    np.testing.assert_allclose((g * d).sum(), (plus - minus) / (2 * eps), rtol=2e-2, atol=1e-4)


def test_get_and_config():
    assert isinstance(losses.get("SparseCategoricalCrossentropy"), losses.SparseCategoricalCrossentropy)
    assert losses.get("mse") is losses.mean_squared_error
    config = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1).get_config()
    assert config == {"name": "categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": True,
                      "label_smoothing": 0.1, "axis": -1}
    again = losses.CategoricalCrossentropy.from_config(config)
    _close(again(ONE_HOT, LOGITS), losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(
        ONE_HOT, LOGITS))
    assert losses.SparseCategoricalCrossentropy()(LABELS, _softmax(LOGITS)).dtype == tf.float32


def test_more_keras_losses_match_tf():
    # Values from TF 2.21 / Keras 3.15.1.
    y_true = tf.constant([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y_pred = tf.constant([[0.1, 0.8], [0.6, 0.3], [0.9, 0.2]])
    expected = {
        "KLDivergence": [0.22314216, 0.51082408, 1.71479845],
        "Poisson": [0.56157172, 0.70541275, 1.40739894],
        "LogCosh": [0.01242989, 0.06114709, 0.1478726],
        "Hinge": [0.65, 0.85, 0.45],
        "SquaredHinge": [0.625, 0.92499989, 0.325],
        "CategoricalHinge": [0.3, 0.7, 0.0],
        "MeanAbsolutePercentageError": [50000008.0, 150000032.0, 45.0],
        "MeanSquaredLogarithmicError": [0.01009243, 0.05931399, 0.13178688],
        "CosineSimilarity": [-0.99227792, -0.89442718, -0.84366143],
    }
    for name, per_example in expected.items():
        cls = getattr(losses, name)
        np.testing.assert_allclose(cls(reduction=None)(y_true, y_pred).numpy(), per_example, rtol=2e-6, err_msg=name)
        np.testing.assert_allclose(float(cls()(y_true, y_pred)), np.mean(np.float32(per_example)), rtol=2e-6)
        assert losses.get(name).__class__ is cls
    assert float(losses.Hinge()([[-1.0, 1.0]], [[0.3, -0.2]])) == 1.25  # labels already -1/1 are kept
    assert losses.kld is losses.kl_divergence and losses.get("msle") is losses.mean_squared_logarithmic_error
    p = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        loss = losses.LogCosh()(y_true, p)
    assert tape.gradient(loss, p).shape == (3, 2)
