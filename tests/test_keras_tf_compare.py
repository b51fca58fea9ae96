"""Optional: tapegrad.keras against TF 2.21's Keras 3 on the same script (skipped when TF is not installed).

The script below runs once under ``/work/peers-venv/bin/python`` with TensorFlow and once here with
``import tapegrad as tf``; every value it records must agree.
"""
import json
import os
import subprocess

import numpy as np
import pytest

PEERS_PYTHON = "/work/peers-venv/bin/python"

SCRIPT = r'''
import numpy as np
keras.backend.clear_session()  # layer names restart at 'dense', 'conv2d'...
out = {}
rng = np.random.default_rng(0)
f32 = lambda *s: rng.normal(size=s).astype(np.float32)
L = keras.losses
y_true, y_pred, w = f32(6, 3), f32(6, 3), np.abs(f32(6))
logits, labels = f32(6, 5) * 3, np.array([0, 4, 2, 2, 1, 3])
onehot = np.eye(5, dtype=np.float32)[labels]
probs = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], np.float32)
bin_t = (f32(6, 3) > 0).astype(np.float32)
for name, loss, args in [
        ("mse", L.MeanSquaredError(), (y_true, y_pred)),
        ("mse_w", L.MeanSquaredError(), (y_true, y_pred, w)),
        ("mse_w2", L.MeanSquaredError(), (y_true, y_pred, w[:, None])),
        ("mse_sum", L.MeanSquaredError(reduction="sum"), (y_true, y_pred, w)),
        ("mse_mws", L.MeanSquaredError(reduction="mean_with_sample_weight"), (y_true, y_pred, w)),
        ("mse_none", L.MeanSquaredError(reduction=None), (y_true, y_pred)),
        ("mae", L.MeanAbsoluteError(), (y_true, y_pred)),
        ("huber", L.Huber(delta=0.7), (y_true, y_pred, w)),
        ("scce_logits", L.SparseCategoricalCrossentropy(from_logits=True), (labels, logits)),
        ("scce_logits_w", L.SparseCategoricalCrossentropy(from_logits=True), (labels[:, None], logits, w)),
        ("scce_probs", L.SparseCategoricalCrossentropy(), (np.array([0, 2, 1]), probs)),
        ("scce_ignore", L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2), (labels, logits)),
        ("scce_softmax", L.SparseCategoricalCrossentropy(), (labels, keras.activations.softmax(tf.constant(logits)))),
        ("cce_logits", L.CategoricalCrossentropy(from_logits=True), (onehot, logits)),
        ("cce_smooth", L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), (onehot, logits)),
        ("cce_probs", L.CategoricalCrossentropy(), (np.eye(3, dtype=np.float32)[[1, 2, 0]], probs)),
        ("bce_logits", L.BinaryCrossentropy(from_logits=True), (bin_t, y_pred)),
        ("bce_probs", L.BinaryCrossentropy(), (np.array([[1.0, 0.0, 1.0]] * 3, np.float32), probs)),
        ("bce_smooth", L.BinaryCrossentropy(label_smoothing=0.1), (np.array([[1.0, 0.0, 1.0]] * 3, np.float32), probs)),
        ]:
    out["loss/" + name] = np.asarray(loss(*args)).tolist()

M = keras.metrics
m = M.Mean(); m.update_state(f32(4, 3), sample_weight=np.abs(f32(4, 3))); m.update_state([1.0, 2.0])
out["metric/mean"] = float(m.result())
m = M.Sum(); m.update_state(f32(4, 3), sample_weight=np.abs(f32(4))); out["metric/sum"] = float(m.result())
m = M.SparseCategoricalAccuracy(); m.update_state(labels, logits); m.update_state(labels[:, None], logits, w)
out["metric/sca"] = float(m.result())
m = M.CategoricalAccuracy(); m.update_state(onehot, logits, w); out["metric/ca"] = float(m.result())
m = M.BinaryAccuracy(threshold=0.3); m.update_state(bin_t, probs.repeat(2, 0)); out["metric/ba"] = float(m.result())
m = M.MeanSquaredError(); m.update_state(y_true, y_pred, w); out["metric/mse"] = float(m.result())
m = M.Accuracy(); m.update_state([1, 2, 3], [1, 2, 4]); out["metric/acc"] = float(m.result())

def with_weights(layer, shape):
    layer.build(shape)
    layer.set_weights([np.linspace(-1, 1, int(np.prod(v.shape)), dtype=np.float32).reshape(tuple(v.shape))
                       for v in layer.weights])
    return layer

x4 = f32(2, 7, 6, 3)
Ly = keras.layers
for name, layer, x in [
        ("dense", Ly.Dense(4, activation="tanh"), f32(3, 5)),
        ("dense3", Ly.Dense(2), f32(2, 3, 5)),
        ("conv_valid", Ly.Conv2D(4, 3), x4),
        ("conv_same_s2", Ly.Conv2D(4, (3, 2), strides=2, padding="same", activation="relu"), x4),
        ("conv_dil", Ly.Conv2D(2, 2, dilation_rate=2), x4),
        ("maxpool", Ly.MaxPooling2D(), x4),
        ("maxpool_same", Ly.MaxPooling2D(3, strides=2, padding="same"), x4),
        ("avgpool_same", Ly.AveragePooling2D(3, strides=2, padding="same"), x4),
        ("flatten", Ly.Flatten(), x4),
        ("bn_inference", Ly.BatchNormalization(), x4),
        ("relu", Ly.ReLU(max_value=1.0, negative_slope=0.2, threshold=0.1), x4),
        ]:
    out["layer/" + name] = np.asarray(with_weights(layer, x.shape)(x)).tolist()
bn = Ly.BatchNormalization(momentum=0.9)
y1 = bn(x4, training=True); bn(x4 * 2 + 1, training=True)
out["layer/bn_train"] = np.asarray(y1).tolist()
out["layer/bn_moving"] = [np.asarray(v).tolist() for v in bn.weights[2:]]
tf.random.set_seed(0)
model = keras.Sequential([keras.Input(shape=(8, 8, 1)), Ly.Conv2D(8, 3, padding="same", activation="relu"),
                          Ly.MaxPool2D(), Ly.Flatten(), Ly.Dense(10), Ly.BatchNormalization()], name="cnn")
lines = []
model.summary(print_fn=lambda s, **kw: lines.append(s))
out["summary"] = "\n".join(lines)
out["weights"] = [(v.name, v.path.split("/", 1)[1], list(v.shape), bool(v.trainable)) for v in model.weights]
'''

_RUNNER = r'''
import json, sys
import tensorflow as tf
import keras
exec(sys.stdin.read())
print("RESULT" + json.dumps(out))
'''


def _tf_results():
    if not os.path.exists(PEERS_PYTHON):
        pytest.skip(f"no TensorFlow peer environment at {PEERS_PYTHON}")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([PEERS_PYTHON, "-c", _RUNNER], input=SCRIPT, capture_output=True, text=True, env=env,
                          timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT")]
    if proc.returncode != 0 or not lines:
        if "No module named" in proc.stderr:
            pytest.skip("TensorFlow/Keras is not installed in the peer environment")
        raise AssertionError(proc.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT"):])


def _tapegrad_results():
    import tapegrad as tf
    scope = {"tf": tf, "keras": tf.keras}
    exec(SCRIPT, scope)
    return json.loads(json.dumps(scope["out"]))


@pytest.fixture(scope="module")
def results():
    return _tf_results(), _tapegrad_results()


def test_losses_metrics_and_layers_match_tf(results):
    theirs, ours = results
    for key in theirs:
        if key in ("summary", "weights"):
            continue
        np.testing.assert_allclose(np.asarray(ours[key], np.float64), np.asarray(theirs[key], np.float64),
                                   rtol=2e-5, atol=2e-6, err_msg=key)


def test_weights_and_summary_match_keras(results):
    theirs, ours = results
    assert [tuple(w) for w in ours["weights"]] == [tuple(w) for w in theirs["weights"]]
    assert [line.rstrip() for line in ours["summary"].splitlines()] == \
           [line.rstrip() for line in theirs["summary"].splitlines()]
