"""keras.metrics: streaming values against NumPy, sample weights, reset, variables, checkpoints."""
import numpy as np
import pytest

import tapegrad as tf

metrics = tf.keras.metrics


def test_mean_and_sum_stream_with_weights():
    m = metrics.Mean()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state([4.0], sample_weight=[3.0])
    assert float(m.result()) == pytest.approx((1 + 2 + 3 + 12) / 6)
    assert [v.name for v in m.variables] == ["total", "count"]
    assert [v.path for v in m.variables] == ["mean/total", "mean/count"]
    assert all(not v.trainable for v in m.variables)
    m.reset_state()
    assert float(m.result()) == 0.0  # divide_no_nan
    s = metrics.Sum()
    s.update_state(np.ones((2, 3)), sample_weight=[1.0, 2.0])
    assert float(s.result()) == 9.0
    assert float(metrics.Mean()(np.array([[1.0, 3.0], [5.0, 7.0]]))) == 4.0


def test_mean_with_per_element_weights_reduces_per_sample():
    values = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    w = np.array([[1.0, 0.0], [1.0, 1.0]], np.float32)
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    # Keras: per-sample means of values * weights, weights averaged per sample.
    total = ((values * w).mean(1)).sum()
    count = w.mean(1).sum()
    assert float(m.result()) == pytest.approx(total / count)


def test_sparse_categorical_accuracy():
    y = np.array([1, 2, 0, 0])
    p = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.5, 0.2, 0.3], [0.2, 0.7, 0.1]], np.float32)
    acc = metrics.SparseCategoricalAccuracy()
    acc.update_state(y, p)
    assert float(acc.result()) == 0.5
    acc.update_state(y[:, None], p, sample_weight=[0.0, 0.0, 1.0, 0.0])
    assert float(acc.result()) == pytest.approx(3 / 5)
    assert acc.name == "sparse_categorical_accuracy"
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(y, p).numpy(), [1, 0, 1, 0])


def test_categorical_binary_and_exact_accuracy():
    p = np.array([[0.1, 0.9], [0.6, 0.4], [0.3, 0.7]], np.float32)
    onehot = np.array([[0, 1], [0, 1], [0, 1]], np.float32)
    cat = metrics.CategoricalAccuracy()
    assert float(cat(onehot, p)) == pytest.approx(2 / 3)
    b = metrics.BinaryAccuracy()
    assert float(b([[1], [0], [1]], [[0.7], [0.6], [0.2]])) == pytest.approx(1 / 3)
    b2 = metrics.BinaryAccuracy(threshold=0.1)
    assert float(b2([[1], [0], [1]], [[0.7], [0.6], [0.2]])) == pytest.approx(2 / 3)
    assert b2.get_config()["threshold"] == 0.1
    a = metrics.Accuracy()
    assert float(a([1, 2, 3, 4], [1, 2, 0, 4])) == 0.75


def test_mean_squared_error_metric():
    y = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    p = np.array([[1.5, 2.0], [2.0, 6.0]], np.float32)
    m = metrics.MeanSquaredError()
    m.update_state(y, p)
    assert float(m.result()) == pytest.approx(((y - p) ** 2).mean())


def test_metric_from_a_training_step_and_checkpoint(tmp_path):
    m = metrics.Mean(name="loss")
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        loss = x * x
    m.update_state(loss)
    assert tape.gradient(loss, x).numpy() == 4.0
    ckpt = tf.train.Checkpoint(metric=m)
    path = ckpt.write(str(tmp_path / "m"))
    m.reset_state()
    ckpt.read(path)
    assert float(m.result()) == 4.0


def test_custom_metric_subclass():
    class Count(metrics.Metric):
        def __init__(self, name="count"):
            super().__init__(name=name)
            self.n = self.add_variable((), "zeros", name="n")

        def update_state(self, values):
            self.n.assign_add(tf.cast(tf.size(values), "float32"))

        def result(self):
            return self.n

    c = Count()
    c.update_state(np.zeros((2, 3)))
    assert float(c.result()) == 6.0
    c.reset_state()
    assert float(c.result()) == 0.0
    assert isinstance(metrics.get("SparseCategoricalAccuracy"), metrics.SparseCategoricalAccuracy)


def test_precision_recall_top_k_and_rmse_match_keras():
    # Values from TF 2.21 / Keras 3.15.1.
    p = metrics.Precision()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    np.testing.assert_allclose(float(p.result()), 2 / 3, rtol=1e-6)
    p.update_state([1, 1], [0.7, 0.2], sample_weight=[2.0, 1.0])
    np.testing.assert_allclose(float(p.result()), 0.8, rtol=1e-6)
    p = metrics.Precision(thresholds=[0.3, 0.6])
    p.update_state([[0, 1], [1, 1]], [[0.4, 0.7], [0.2, 0.9]])
    np.testing.assert_allclose(p.result().numpy(), [2 / 3, 1.0], rtol=1e-6)
    assert [v.name for v in p.variables] == ["true_positives", "false_positives"]
    p = metrics.Precision(top_k=1)
    p.update_state([[0, 1, 1], [1, 0, 0]], [[0.4, 0.7, 0.1], [0.2, 0.9, 0.3]])
    assert float(p.result()) == 0.5
    r = metrics.Recall()
    r.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    np.testing.assert_allclose(float(r.result()), 2 / 3, rtol=1e-6)
    r.reset_state()
    assert float(r.result()) == 0.0
    r = metrics.Recall(class_id=1)
    r.update_state([[0, 1, 1], [1, 1, 0]], [[0.4, 0.7, 0.1], [0.2, 0.3, 0.3]])
    assert float(r.result()) == 0.5
    t = metrics.TopKCategoricalAccuracy(k=2)
    t.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.5, 0.4], [0.6, 0.1, 0.3]])
    assert float(t.result()) == 0.5
    s = metrics.SparseTopKCategoricalAccuracy(k=1)
    s.update_state([2, 0], [[0.1, 0.5, 0.4], [0.6, 0.1, 0.3]])
    assert float(s.result()) == 0.5
    m = metrics.RootMeanSquaredError()
    m.update_state([1.0, 2.0, 3.0], [2.0, 2.0, 5.0], sample_weight=[1.0, 0.0, 2.0])
    np.testing.assert_allclose(float(m.result()), 3 ** 0.5, rtol=1e-6)
