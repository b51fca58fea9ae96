"""tf.signal's framing and spectral ops (frame, overlap_and_add, stft, inverse_stft, dct/idct, windows, mel
features) against values recorded from TensorFlow 2.21; their gradients through the checker (they are built
from other primitives, so they have no spec entries of their own)."""
import numpy as np
import pytest

import tapegrad as tf
from tapegrad.testing import check_grads

X = np.array([0.5, -1.0, 2.0, 0.25, 3.0, -0.5, 1.5], np.float32)


def test_frame_and_overlap_and_add():
    assert tf.signal.frame(tf.range(7), 3, 2, pad_end=True, pad_value=-1).numpy().tolist() == [
        [0, 1, 2], [2, 3, 4], [4, 5, 6], [6, -1, -1]]
    assert tf.signal.frame(tf.range(3), 5, 1).shape == (0, 5)
    assert tf.signal.frame(tf.reshape(tf.range(12), [6, 2]), 3, 2, axis=0).shape == (2, 3, 2)
    assert tf.signal.overlap_and_add(tf.reshape(tf.range(6.0), [3, 2]), 1).numpy().tolist() == [0, 3, 7, 5]


def test_frame_gradient_is_dense():
    v = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.signal.frame(v, 3, 2))
    g = tape.gradient(y, v)
    assert type(g) is tf.Tensor
    assert g.numpy().tolist() == [1, 1, 2, 1, 2, 1, 1]


@pytest.mark.parametrize("kind, norm, expected", [
    (1, None, [9.5, -2.8660254, -5.0, 1.0, -1.0, -1.1339746, 14.5]),
    (2, "ortho", [2.173296, -0.9619949, -1.0152147, 0.21917476, 0.9278393, -0.3892667, 3.012099]),
    (3, None, [6.519553, -6.6918764, -2.763241, -0.5000006, 1.5108842, -5.0805216, 10.5052]),
    (4, "ortho", [1.615381, -1.8783064, -0.12678197, 0.6614379, 0.25631267, 0.7892568, 3.0875256]),
])
def test_dct_types_match_tf(kind, norm, expected):
    y = tf.signal.dct(X, type=kind, norm=norm)
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", [1, 2, 3, 4])
def test_idct_inverts_dct(kind):
    x = X.astype(np.float64)
    norm = None if kind == 1 else "ortho"
    scale = 2 * (len(x) - 1) if kind == 1 else 1
    np.testing.assert_allclose(tf.signal.idct(tf.signal.dct(x, type=kind, norm=norm), type=kind, norm=norm) / scale,
                               x, rtol=1e-12, atol=1e-12)


def test_dct_argument_errors():
    with pytest.raises(ValueError):
        tf.signal.dct(X, type=1, norm="ortho")
    with pytest.raises(ValueError):
        tf.signal.dct(X, type=5)
    with pytest.raises(NotImplementedError):
        tf.signal.dct(X.reshape(7, 1), axis=0)


def test_windows_mel_and_mfccs_match_tf():
    np.testing.assert_allclose(tf.signal.kaiser_window(5, beta=2.0), [0.43867627, 0.8347614, 1.0, 0.8347614,
                                                                      0.43867627], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.vorbis_window(4), [0.22801436, 0.9736578, 0.9736578, 0.22801416], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.linear_to_mel_weight_matrix(2, 5, 1000, 50.0, 400.0),
                               [[0, 0], [0.7465705, 0], [0.1483527, 0.8516473], [0, 0.18007812], [0, 0]],
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError):
        tf.signal.linear_to_mel_weight_matrix(3, 5, 1000, 0.0, 600.0)
    np.testing.assert_allclose(tf.signal.mfccs_from_log_mel_spectrograms(X[:4]),
                               [1.2374369, -0.6484737, -0.12499996, 2.027494], rtol=1e-5, atol=1e-6)


def test_stft_and_inverse_stft_match_tf():
    s = tf.signal.stft(X, 4, 2, pad_end=True)
    assert s.shape == (4, 3) and s.dtype == tf.complex64
    np.testing.assert_allclose(s[:3], [[1.625, -2 + 0.625j, 2.375], [2.875, -3 - 0.375j, 3.125],
                                       [1.25, -1.5 + 0.25j, 1.75]], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.inverse_stft(s, 4, 2),
                               [0, -0.25, 2, 0.125, 3, -0.25, 1.5, 0, 0, 0], atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda x: tf.signal.frame(x, 3, 2, pad_end=True),
    lambda x: tf.signal.overlap_and_add(tf.reshape(x[:6], [3, 2]), 1),
    lambda x: tf.abs(tf.signal.stft(x, 4, 2)),
    lambda x: tf.signal.inverse_stft(tf.complex(tf.reshape(x[:6], [2, 3]), 0.5 * tf.reshape(x[1:], [2, 3])), 4, 2),
    lambda x: tf.signal.dct(x, type=2, norm="ortho"),
    lambda x: tf.signal.idct(x, type=3),
    lambda x: tf.signal.mfccs_from_log_mel_spectrograms(x),
], ids=["frame", "overlap_and_add", "stft", "inverse_stft", "dct", "idct", "mfccs"])
def test_gradients(fn):
    check_grads(fn, (X.astype(np.float64),), order=2)
