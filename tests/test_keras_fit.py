"""compile/fit/evaluate/predict: against a hand-written GradientTape loop, graph vs eager, callbacks, errors."""
import os

import numpy as np
import pytest

import tapegrad as tf

keras = tf.keras
layers = keras.layers

X = (np.linspace(-1.5, 2.0, 40).reshape(10, 4) ** 2 - 1).astype(np.float32)
Y = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 1], np.int32)


def _model():
    i = keras.Input((4,))
    model = keras.Model(i, layers.Dense(3)(layers.Dense(5, activation="relu")(i)))
    model.set_weights([np.linspace(-1, 1, int(np.prod(w.shape))).reshape(tuple(w.shape)).astype(np.float32)
                       for w in model.weights])
    return model


def _compiled(run_eagerly=False, **kwargs):
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.05), run_eagerly=run_eagerly,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"], **kwargs)
    return model


def test_fit_matches_a_gradient_tape_loop_step_for_step():
    model = _compiled()
    history = model.fit(X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    ref = _model()
    opt = keras.optimizers.Adam(0.05)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    epoch_losses = []
    for _ in range(3):
        total = 0.0
        for start in range(0, 10, 4):
            x, y = X[start:start + 4], Y[start:start + 4]
            with tf.GradientTape() as tape:
                loss = loss_fn(y, ref(x, training=True))
            opt.apply_gradients(zip(tape.gradient(loss, ref.trainable_variables), ref.trainable_variables))
            total += float(loss) * len(x)
        epoch_losses.append(total / 10)
    np.testing.assert_allclose(history.history["loss"], epoch_losses, rtol=1e-5)
    for got, want in zip(model.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert sorted(history.history) == ["accuracy", "loss"] and history.epoch == [0, 1, 2]


def test_graph_and_eager_steps_agree():
    graph, eager = _compiled(), _compiled(run_eagerly=True)
    h1 = graph.fit(X, Y, batch_size=3, epochs=2, shuffle=False, verbose=0, validation_split=0.2)
    h2 = eager.fit(X, Y, batch_size=3, epochs=2, shuffle=False, verbose=0, validation_split=0.2)
    assert sorted(h1.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in h1.history:
        np.testing.assert_allclose(h1.history[key], h2.history[key], rtol=1e-6)
    assert graph.train_function.experimental_get_tracing_count() == 2  # full batches, then the last partial one


def test_evaluate_predict_and_on_batch_shapes():
    model = _compiled()
    loss, acc = model.evaluate(X, Y, verbose=0)
    assert model.evaluate(X, Y, verbose=0, return_dict=True) == pytest.approx({"accuracy": acc, "loss": loss})
    pred = model.predict(X, batch_size=3, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (10, 3) and pred.dtype == np.float32
    np.testing.assert_allclose(pred, model(X).numpy(), rtol=1e-6)
    assert len(model.train_on_batch(X, Y)) == 2 and set(model.test_on_batch(X, Y, return_dict=True)) == {
        "accuracy", "loss"}
    assert model.predict_on_batch(X[:2]).shape == (2, 3)
    only_loss = _model()
    only_loss.compile("sgd", "mse")
    assert isinstance(only_loss.evaluate(X, np.zeros((10, 3), np.float32), verbose=0), float)


def test_dataset_input_and_metric_names():
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(4)
    model = _model()
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["sparse_categorical_accuracy", keras.metrics.SparseCategoricalAccuracy(name="acc"), "acc"])
    history = model.fit(ds, epochs=2, verbose=0)
    assert sorted(history.history) == ["acc", "acc_1", "loss", "sparse_categorical_accuracy"]
    assert model.metrics_names == ["loss", "compile_metrics"]


def test_callbacks(tmp_path):
    calls = []

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(("epoch", epoch, sorted(logs)))

        def on_train_batch_end(self, batch, logs=None):
            calls.append(("batch", batch))

    model = _compiled()
    model.fit(X, Y, batch_size=5, epochs=2, verbose=0, callbacks=[Recorder()])
    assert calls == ["train_begin", ("batch", 0), ("batch", 1), ("epoch", 0, ["accuracy", "loss"]), ("batch", 0),
                     ("batch", 1), ("epoch", 1, ["accuracy", "loss"])]

    model = _compiled()
    model.compile(keras.optimizers.SGD(2.0), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    history = model.fit(X, Y, epochs=50, verbose=0, validation_data=(X[::-1], (Y[::-1] + 1) % 3), callbacks=[stop])
    assert len(history.epoch) < 50 and stop.stopped_epoch == history.epoch[-1]
    best = min(history.history["val_loss"])
    assert model.evaluate(X[::-1], (Y[::-1] + 1) % 3, verbose=0) == pytest.approx(best, rel=1e-5)

    lrs = keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    seen = []
    record = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(
        float(model.optimizer.learning_rate)))
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[lrs, record])
    assert seen == pytest.approx([0.1, 0.05, 0.1 / 3]) and history.history["learning_rate"] == pytest.approx(seen)

    path = str(tmp_path / "m-{epoch}.weights.h5")
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(path, save_weights_only=True,
                                                                                    monitor="loss")])
    assert sorted(os.listdir(tmp_path)) == ["m-1.weights.h5", "m-2.weights.h5"]
    fresh = _model()
    fresh.load_weights(str(tmp_path / "m-2.weights.h5"))
    for got, want in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_verbose_output(capsys):
    model = _compiled()
    model.fit(X, Y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(X, Y, epochs=2, verbose=2)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/2" and out[1].startswith("1/1 - ") and " - accuracy: " in out[1] and "loss: " in out[1]


def test_errors():
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before using the model."):
        _model().fit(X, Y, verbose=0)
    model = _compiled()
    with pytest.raises(ValueError, match="Data cardinality is ambiguous.*'x' sizes: 10\n'y' sizes: 7"):
        model.fit(X, Y[:7], verbose=0)
    with pytest.raises(ValueError, match="not sufficient to split"):
        model.fit(X, Y, validation_split=0.95, verbose=0)
    with pytest.raises(ValueError, match="no targets were given"):
        model.fit(X, verbose=0)
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights("weights.npz")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        model.compile("sgd", "mse", metrics=["no_such_metric"])
        model.fit(X, Y, verbose=0)
