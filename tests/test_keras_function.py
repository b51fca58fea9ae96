"""Keras layers and every optimizer inside tapegrad.function: one compiled training step equals eager."""
import numpy as np
import pytest

import tapegrad as tf

keras = tf.keras
OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.05}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True, "clipnorm": 0.5}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.1, "global_clipnorm": 1.0}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.01, "clipvalue": 0.1}),
    ("Nadam", {"learning_rate": 0.01}),
    ("SGD", {"learning_rate": 0.05, "gradient_accumulation_steps": 2}),
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_overwrite_frequency": 2}),
]


def _model(seed):
    tf.keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.layers.Input((8, 8, 1)),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPool2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3),
    ])


def _run(opt_name, kwargs, compiled, steps=4):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 8, 8, 1)).astype(np.float32)
    y = rng.integers(0, 3, size=6).astype(np.int32)
    model = _model(7)
    opt = getattr(keras.optimizers, opt_name)(**kwargs)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    acc = keras.metrics.SparseCategoricalAccuracy()

    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        acc.update_state(y, logits)
        return loss

    fn = tf.function(step) if compiled else step
    losses = [float(fn(tf.constant(x), tf.constant(y))) for _ in range(steps)]
    if compiled:
        assert fn.experimental_get_tracing_count() == 1
    return losses, [v.numpy() for v in model.variables], [v.numpy() for v in opt.variables], float(acc.result())


@pytest.mark.parametrize("opt_name,kwargs", OPTIMIZERS, ids=[f"{n}-{'-'.join(k)}" for n, k in OPTIMIZERS])
def test_compiled_training_step_equals_eager(opt_name, kwargs):
    eager, graph = _run(opt_name, kwargs, False), _run(opt_name, kwargs, True)
    np.testing.assert_allclose(graph[0], eager[0], rtol=1e-5)
    assert graph[0][-1] != graph[0][0]  # it trains
    for a, b in zip(graph[1] + graph[2], eager[1] + eager[2]):  # weights, BN moving stats, optimizer slots
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert graph[3] == eager[3]


def test_inference_in_a_function_uses_moving_statistics_and_no_dropout():
    model = keras.Sequential([keras.layers.Input((5,)), keras.layers.Dense(4), keras.layers.Dropout(0.5),
                              keras.layers.BatchNormalization()])
    x = tf.constant(np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32))
    predict = tf.function(lambda x: model(x, training=False))
    np.testing.assert_allclose(predict(x).numpy(), model(x, training=False).numpy(), rtol=1e-6)
    train = tf.function(lambda x: model(x, training=True))
    before = [v.numpy() for v in model.non_trainable_variables]
    train(x)
    after = [v.numpy() for v in model.non_trainable_variables]
    assert any(not np.allclose(a, b) for a, b in zip(after, before))  # moving stats updated inside the graph
