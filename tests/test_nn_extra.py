"""tapegrad/ops/nn_extra.py against direct NumPy references."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors

RNG = np.random.default_rng(3)


def _conv3d_ref(x, w, stride):
    b, d, h, wd, c = x.shape
    kd, kh, kw, _, o = w.shape
    out = np.zeros((b, (d - kd) // stride + 1, (h - kh) // stride + 1, (wd - kw) // stride + 1, o))
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            for k in range(out.shape[3]):
                patch = x[:, i * stride:i * stride + kd, j * stride:j * stride + kh, k * stride:k * stride + kw]
                out[:, i, j, k] = np.einsum("bdhwc,dhwco->bo", patch, w)
    return out


def test_conv3d_and_its_transpose():
    x = RNG.normal(size=(2, 5, 4, 6, 3))
    w = RNG.normal(size=(2, 3, 2, 3, 4))
    y = tg.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID")
    np.testing.assert_allclose(y.numpy(), _conv3d_ref(x, w, 1), rtol=1e-10)
    np.testing.assert_allclose(tg.nn.convolution(x, w, strides=2).numpy(), _conv3d_ref(x, w, 2), rtol=1e-10)
    # conv3d_transpose is the adjoint: <conv(x), g> == <x, conv_transpose(g)>
    g = RNG.normal(size=y.shape)
    xt = tg.nn.conv3d_transpose(g, w, x.shape, [1, 1, 1, 1, 1], "VALID").numpy()
    np.testing.assert_allclose(np.sum(y.numpy() * g), np.sum(x * xt), rtol=1e-10)
    with pytest.raises(errors.InvalidArgumentError, match="doesn't match computed"):
        tg.nn.conv3d_transpose(g, w, [2, 6, 4, 6, 3], [1, 1, 1, 1, 1], "VALID")


def test_depth_space_roundtrip_and_layout():
    x = RNG.normal(size=(2, 4, 6, 8))
    d2s = tg.nn.depth_to_space(x, 2).numpy()
    assert d2s.shape == (2, 8, 12, 2)
    np.testing.assert_array_equal(d2s[0, 1, 0], x[0, 0, 0, 4:6])   # depth index (i * bs + j) * c' + k
    np.testing.assert_array_equal(tg.nn.space_to_depth(d2s, 2).numpy(), x)
    nchw = np.transpose(x, (0, 3, 1, 2))
    np.testing.assert_array_equal(tg.nn.depth_to_space(nchw, 2, data_format="NCHW").numpy(),
                                  np.transpose(d2s, (0, 3, 1, 2)))
    with pytest.raises(errors.InvalidArgumentError, match="should be divisible by: 4"):
        tg.nn.depth_to_space(x[..., :3], 2)
    with pytest.raises(errors.InvalidArgumentError, match="must be at least minimum 2"):
        tg.nn.space_to_depth(x, 1)


def test_lrn_crelu_and_argmax():
    x = RNG.normal(size=(1, 2, 3, 7)).astype(np.float32)
    r, bias, alpha, beta = 2, 1.5, 0.3, 0.75
    sq = np.pad(x ** 2, [(0, 0)] * 3 + [(r, r)])
    ssum = sum(sq[..., k:k + 7] for k in range(2 * r + 1))
    np.testing.assert_allclose(tg.nn.lrn(x, r, bias, alpha, beta).numpy(), x / (bias + alpha * ssum) ** beta,
                               rtol=1e-5)
    np.testing.assert_array_equal(tg.nn.crelu(x).numpy(), np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1))
    out, arg = tg.nn.max_pool_with_argmax(x, 2, 2, "VALID", include_batch_in_index=True)
    assert arg.dtype == tg.int64
    flat = x.reshape(-1)
    np.testing.assert_array_equal(flat[arg.numpy()], out.numpy())


def test_losses_and_moments():
    assert float(tg.nn.compute_average_loss([1.0, 2.0, 3.0, 4.0], sample_weight=[1.0, 0.0, 1.0, 1.0],
                                            global_batch_size=8)) == 1.0
    t, logx = np.array([0.5, 2.0, 3.0]), np.array([0.1, -0.3, 1.2])
    full = np.exp(logx) - logx * t + np.where(t > 1, t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t), 0)
    np.testing.assert_allclose(tg.nn.log_poisson_loss(t, logx, compute_full_loss=True).numpy(), full, rtol=1e-12)
    x = RNG.normal(size=(4, 3))
    w = RNG.uniform(0.5, 2, size=(4, 1))
    mean, var = tg.nn.weighted_moments(x, [0], w)
    m = (w * x).sum(0) / w.sum()
    np.testing.assert_allclose(mean.numpy(), m, rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), (w * (x - m) ** 2).sum(0) / w.sum(), rtol=1e-12)
    mean, var = tg.nn.normalize_moments(*tg.nn.sufficient_statistics(x, [0], shift=0.3))
    np.testing.assert_allclose(mean.numpy(), x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), x.var(0), rtol=1e-10)
