"""tapegrad.nn convolution and pooling: shapes and values against direct NumPy loops and TF 2.21,
gradients (first and second order) against loop references, TF's errors, dtypes, and a small CNN
that trains.

Values and shapes marked "TF 2.21" were computed with TensorFlow 2.21 (the peers venv) on the same
inputs. The loop references below are written independently of tapegrad's kernels: one Python
iteration per output (or input) pixel, TF's padding rule spelled out from its definition.
"""
import inspect
import math

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors

ATOL = 1e-10


# ============================================================================== loop references
def tf_pads(in_sizes, ksize, strides, dilations, padding):
    """(before, after) per spatial dim. SAME: total = max((ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, 0),
    before = total // 2. VALID: none. A list: TF's explicit pairs, spatial entries given here."""
    if padding == "VALID":
        return [(0, 0)] * len(in_sizes)
    if padding == "SAME":
        out = []
        for n, k, s, d in zip(in_sizes, ksize, strides, dilations):
            total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            out.append((total // 2, total - total // 2))
        return out
    return [tuple(p) for p in padding]


def pad_nhwc(x, pads, value=0.0):
    n, h, w, c = x.shape
    (t, b), (l, r) = pads
    xp = np.full((n, h + t + b, w + l + r, c), value, dtype=np.float64)
    xp[:, t:t + h, l:l + w] = x
    return xp


def out_size(n, k, s, d, lo, hi):
    return (n + lo + hi - ((k - 1) * d + 1)) // s + 1


def ref_conv2d(x, w, strides, dilations, pads):
    """NHWC cross-correlation with explicit pads and groups (input depth a multiple of w.shape[2])."""
    n_, h, wd, c = x.shape
    kh, kw, cg, o = w.shape
    og = o // (c // cg)
    (sh, sw), (dh, dw) = strides, dilations
    xp = pad_nhwc(x, pads)
    oh, ow = out_size(h, kh, sh, dh, *pads[0]), out_size(wd, kw, sw, dw, *pads[1])
    y = np.zeros((n_, oh, ow, o))
    for b in range(n_):
        for i in range(oh):
            for j in range(ow):
                for q in range(o):
                    g = q // og
                    win = xp[b, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw,
                             g * cg:(g + 1) * cg]
                    y[b, i, j, q] = np.sum(win * w[:, :, :, q])
    return y


def ref_conv2d_input_grad(g, w, x_shape, strides, dilations, pads):
    """The transpose of ref_conv2d in x: each output pixel scatters g * w back into its window."""
    n_, h, wd, c = x_shape
    kh, kw, cg, o = w.shape
    og = o // (c // cg)
    (sh, sw), (dh, dw) = strides, dilations
    (t, _), (l, _) = pads
    dxp = pad_nhwc(np.zeros(x_shape), pads)
    for b in range(n_):
        for i in range(g.shape[1]):
            for j in range(g.shape[2]):
                for q in range(o):
                    grp = q // og
                    dxp[b, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw,
                        grp * cg:(grp + 1) * cg] += g[b, i, j, q] * w[:, :, :, q]
    return dxp[:, t:t + h, l:l + wd]


def ref_conv2d_filter_grad(x, g, w_shape, strides, dilations, pads):
    kh, kw, cg, o = w_shape
    og = o // (x.shape[-1] // cg)
    (sh, sw), (dh, dw) = strides, dilations
    xp = pad_nhwc(x, pads)
    dw_ = np.zeros(w_shape)
    for b in range(x.shape[0]):
        for i in range(g.shape[1]):
            for j in range(g.shape[2]):
                for q in range(o):
                    grp = q // og
                    dw_[:, :, :, q] += g[b, i, j, q] * xp[b, i * sh:i * sh + (kh - 1) * dh + 1:dh,
                                                          j * sw:j * sw + (kw - 1) * dw + 1:dw, grp * cg:(grp + 1) * cg]
    return dw_


def ref_depthwise(x, w, stride, rate, pads):
    """output[b, i, j, k * M + q] = sum_{a, c} w[a, c, k, q] * xpad[b, s * i + r0 * a, s * j + r1 * c, k]."""
    kh, kw, c, m = w.shape
    xp = pad_nhwc(x, pads)
    oh, ow = out_size(x.shape[1], kh, stride, rate[0], *pads[0]), out_size(x.shape[2], kw, stride, rate[1], *pads[1])
    y = np.zeros((x.shape[0], oh, ow, c * m))
    for b in range(x.shape[0]):
        for i in range(oh):
            for j in range(ow):
                for k in range(c):
                    for q in range(m):
                        for a in range(kh):
                            for e in range(kw):
                                y[b, i, j, k * m + q] += w[a, e, k, q] * xp[b, stride * i + rate[0] * a,
                                                                            stride * j + rate[1] * e, k]
    return y


def ref_max_pool(x, ksize, strides, pads):
    """TF's CPU max pool: the max over the window's real elements; the gradient goes to the first
    real element and moves only to a strictly greater one (first max in row-major window order)."""
    (kh, kw), (sh, sw) = ksize, strides
    (t, _), (l, _) = pads
    n_, h, wd, c = x.shape
    oh, ow = out_size(h, kh, sh, 1, *pads[0]), out_size(wd, kw, sw, 1, *pads[1])
    y = np.zeros((n_, oh, ow, c))
    where = np.zeros((n_, oh, ow, c, 2), int)
    for b in range(n_):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    best = None
                    for a in range(kh):
                        for e in range(kw):
                            r, s = i * sh + a - t, j * sw + e - l
                            if 0 <= r < h and 0 <= s < wd and (best is None or x[b, r, s, ch] > best):
                                best, where[b, i, j, ch] = x[b, r, s, ch], (r, s)
                    y[b, i, j, ch] = best
    return y, where


def ref_max_pool_grad(x, g, ksize, strides, pads):
    _, where = ref_max_pool(x, ksize, strides, pads)
    dx = np.zeros_like(x)
    for idx in np.ndindex(*g.shape):
        r, s = where[idx]
        dx[idx[0], r, s, idx[3]] += g[idx]
    return dx


def ref_avg_pool(x, ksize, strides, pads):
    """Mean over each window's real (unpadded) elements, as TF's SAME avg pool."""
    (kh, kw), (sh, sw) = ksize, strides
    (t, _), (l, _) = pads
    n_, h, wd, c = x.shape
    oh, ow = out_size(h, kh, sh, 1, *pads[0]), out_size(wd, kw, sw, 1, *pads[1])
    y = np.zeros((n_, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, s0 = max(i * sh - t, 0), max(j * sw - l, 0)
            r1, s1 = min(i * sh - t + kh, h), min(j * sw - l + kw, wd)
            y[:, i, j, :] = x[:, r0:r1, s0:s1, :].mean(axis=(1, 2))
    return y


def ref_avg_pool_grad(g, x_shape, ksize, strides, pads):
    (kh, kw), (sh, sw) = ksize, strides
    (t, _), (l, _) = pads
    _, h, wd, _ = x_shape
    dx = np.zeros(x_shape)
    for i in range(g.shape[1]):
        for j in range(g.shape[2]):
            r0, s0 = max(i * sh - t, 0), max(j * sw - l, 0)
            r1, s1 = min(i * sh - t + kh, h), min(j * sw - l + kw, wd)
            dx[:, r0:r1, s0:s1, :] += g[:, i:i + 1, j:j + 1, :] / ((r1 - r0) * (s1 - s0))
    return dx


# ============================================================================== helpers
def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def to_nchw(a):
    return np.transpose(a, (0, 3, 1, 2))


def to_nhwc(a):
    return np.transpose(a, (0, 2, 3, 1))


def value_and_grads(f, arrays, u=None, seed=0):
    """f(*tensors), and the gradients of sum(f * u) (u random by default) for each array, as NumPy."""
    xs = [tg.constant(a) for a in arrays]
    with tg.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    if u is None:
        u = np.random.default_rng(seed).standard_normal(y.shape.as_list())
    grads = tape.gradient(y, xs, output_gradients=tg.constant(np.asarray(u, y.numpy().dtype)))
    return y.numpy(), u, [g.numpy() for g in grads]


def explicit_for(fmt, spatial):
    """TF's explicit padding list for ``data_format`` from spatial (before, after) pairs."""
    spatial = [list(p) for p in spatial]
    return [[0, 0], [0, 0]] + spatial if fmt.startswith("NC") else [[0, 0]] + spatial + [[0, 0]]


@pytest.fixture
def rng():
    return np.random.default_rng(11)


# ============================================================================== conv2d
PADDINGS = ["SAME", "VALID", ((1, 2), (0, 1))]


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("dilations", [1, 2, [1, 2]])
@pytest.mark.parametrize("strides", [1, 2, [2, 1]])
@pytest.mark.parametrize("padding", PADDINGS, ids=["SAME", "VALID", "explicit"])
def test_conv2d_values_and_gradients_match_loops(padding, strides, dilations, data_format, rng):
    x = rng.standard_normal((2, 7, 6, 3))
    w = rng.standard_normal((3, 2, 3, 4))
    s, d = pair(strides), pair(dilations)
    pads = tf_pads(x.shape[1:3], w.shape[:2], s, d, padding)
    arg = padding if isinstance(padding, str) else explicit_for(data_format, padding)
    if data_format == "NCHW":
        y, u, (gx, gw) = value_and_grads(
            lambda a, b: tg.nn.conv2d(a, b, strides, arg, data_format="NCHW", dilations=dilations), [to_nchw(x), w])
        y, u, gx = to_nhwc(y), to_nhwc(u), to_nhwc(gx)
    else:
        y, u, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, strides, arg, dilations=dilations), [x, w])
    ref = ref_conv2d(x, w, s, d, pads)
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, atol=ATOL)
    np.testing.assert_allclose(gx, ref_conv2d_input_grad(u, w, x.shape, s, d, pads), atol=ATOL)
    np.testing.assert_allclose(gw, ref_conv2d_filter_grad(x, u, w.shape, s, d, pads), atol=ATOL)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_grouped_conv2d_matches_loops(padding, rng):
    x, w = rng.standard_normal((2, 6, 5, 6)), rng.standard_normal((3, 3, 2, 9))  # 3 groups of 2 -> 3 channels
    y, u, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, [1, 2], padding), [x, w])
    pads = tf_pads((6, 5), (3, 3), (1, 2), (1, 1), padding)
    np.testing.assert_allclose(y, ref_conv2d(x, w, (1, 2), (1, 1), pads), atol=ATOL)
    np.testing.assert_allclose(gx, ref_conv2d_input_grad(u, w, x.shape, (1, 2), (1, 1), pads), atol=ATOL)
    np.testing.assert_allclose(gw, ref_conv2d_filter_grad(x, u, w.shape, (1, 2), (1, 1), pads), atol=ATOL)


def test_conv2d_single_channel_and_1x1_paths_match_loops(rng):
    # one input channel takes the kernel-offset-major im2col path; a 1x1 filter needs no copy
    x, w = rng.standard_normal((3, 6, 5, 1)), rng.standard_normal((3, 3, 1, 4))
    y, u, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, 1, "SAME"), [x, w])
    pads = tf_pads((6, 5), (3, 3), (1, 1), (1, 1), "SAME")
    np.testing.assert_allclose(y, ref_conv2d(x, w, (1, 1), (1, 1), pads), atol=ATOL)
    np.testing.assert_allclose(gx, ref_conv2d_input_grad(u, w, x.shape, (1, 1), (1, 1), pads), atol=ATOL)
    np.testing.assert_allclose(gw, ref_conv2d_filter_grad(x, u, w.shape, (1, 1), (1, 1), pads), atol=ATOL)
    x, w = rng.standard_normal((2, 4, 4, 3)), rng.standard_normal((1, 1, 3, 2))
    np.testing.assert_allclose(tg.nn.conv2d(x, w, 1, "VALID").numpy(), x @ w[0, 0], atol=ATOL)


def test_conv2d_values_from_tf():
    x = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2) - 10
    w = ((np.arange(36) % 5) - 2).astype(np.float32).reshape(3, 3, 2, 2)
    y, _, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, 2, "SAME"), [x, w], u=np.ones((1, 2, 2, 2)))
    # TF 2.21: y, and the gradients of sum(y)
    assert y.tolist() == [[[[27, -4], [9, 6]], [[-22, 13], [30, -1]]]]
    assert gx.tolist() == [[[[-3, 1], [0, -1], [0, -2], [0, -1]], [[1, 0], [-1, 3], [-2, 1], [-1, 3]],
                            [[-3, 0], [3, -4], [1, -3], [3, -4]], [[1, 0], [-1, 3], [-2, 1], [-1, 3]]]]
    assert gw.tolist() == [[[[0, 0], [4, 4]], [[8, 8], [12, 12]], [[4, 4], [6, 6]]],
                           [[[32, 32], [36, 36]], [[40, 40], [44, 44]], [[20, 20], [22, 22]]],
                           [[[16, 16], [18, 18]], [[20, 20], [22, 22]], [[10, 10], [11, 11]]]]
    y2 = tg.nn.conv2d(x, w, 1, [[0, 0], [2, 0], [0, 1], [0, 0]], dilations=[2, 1])
    assert y2.numpy().tolist() == [[[[12, -22], [16, -24], [-14, -11]], [[28, -30], [32, -32], [2, -11]]]]  # TF 2.21
    assert y.dtype == tg.float32


# Output shapes from TF 2.21 (x is [2, 7, 7, 3] unless given).
@pytest.mark.parametrize("fn, shape", [
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 4)), 1, "SAME"), (2, 7, 7, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 4)), 2, "SAME"), (2, 4, 4, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 4)), [2, 1], "VALID"), (2, 3, 5, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 4)), [1, 2, 1, 1], "VALID"), (2, 3, 5, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 4)), 2, "SAME", dilations=2), (2, 4, 4, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 4)), 1, [[0, 0], [1, 2], [0, 1], [0, 0]]), (2, 8, 6, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((9, 9, 3, 4)), 1, "SAME"), (2, 7, 7, 4)),
    (lambda x: tg.nn.conv2d(x[None], np.zeros((3, 3, 3, 4)), 1, "SAME"), (1, 2, 7, 7, 4)),
    (lambda x: tg.nn.conv2d(x[..., :1], np.zeros((10, 10, 1, 1)), 3, "VALID"), (2, 0, 0, 1)),
    (lambda x: tg.nn.conv2d(x[..., :1], np.zeros((7, 7, 1, 1)), 3, "VALID"), (2, 1, 1, 1)),
    (lambda x: tg.nn.conv2d(np.zeros((0, 7, 7, 3)), np.zeros((3, 3, 3, 4)), 1, "SAME"), (0, 7, 7, 4)),
    (lambda x: tg.nn.conv2d(x, np.zeros((3, 3, 3, 0)), 1, "SAME"), (2, 7, 7, 0)),
    (lambda x: tg.nn.conv1d(np.zeros((2, 7, 3)), np.zeros((3, 3, 4)), 2, "VALID", dilations=2), (2, 2, 4)),
    (lambda x: tg.nn.conv1d(np.zeros((2, 7, 3)), np.zeros((3, 3, 4)), [1, 2, 1], "VALID"), (2, 3, 4)),
    (lambda x: tg.nn.conv1d(np.zeros((5, 2, 7, 3)), np.zeros((3, 3, 4)), 1, "SAME"), (5, 2, 7, 4)),
    (lambda x: tg.nn.depthwise_conv2d(x, np.zeros((3, 3, 3, 2)), [1, 2, 2, 1], "SAME"), (2, 4, 4, 6)),
    (lambda x: tg.nn.depthwise_conv2d(x, np.zeros((3, 3, 3, 2)), [1, 1, 1, 1], "VALID", dilations=[2, 2]),
     (2, 3, 3, 6)),
    (lambda x: tg.nn.depthwise_conv2d(x, np.zeros((3, 3, 3, 2)), [1, 1, 1, 1], [[0, 0], [1, 0], [1, 0], [0, 0]],
                                      dilations=[2, 2]), (2, 4, 4, 6)),
    (lambda x: tg.nn.conv2d_transpose(np.zeros((2, 4, 4, 4)), np.zeros((3, 3, 3, 4)), [2, 8, 8, 3], 2),
     (2, 8, 8, 3)),
    (lambda x: tg.nn.conv2d_transpose(np.zeros((2, 4, 4, 4)), np.zeros((3, 3, 3, 4)), [7, 7], 2), (2, 7, 7, 3)),
    (lambda x: tg.nn.max_pool2d(x, 8, 1, "VALID"), (2, 0, 0, 3)),
    (lambda x: tg.nn.max_pool2d(x[:1, ..., :1], 11, 3, "VALID"), (1, 0, 0, 1)),
    (lambda x: tg.nn.max_pool2d(x, 8, 1, "SAME"), (2, 7, 7, 3)),
    (lambda x: tg.nn.max_pool2d(x, [2, 3], [1, 2], "VALID"), (2, 6, 3, 3)),
    (lambda x: tg.nn.avg_pool2d(x, 2, 2, "SAME"), (2, 4, 4, 3)),
    (lambda x: tg.nn.max_pool(np.zeros((1, 5, 5, 5, 1)), 2, 2, "SAME", data_format="NDHWC"), (1, 3, 3, 3, 1)),
    (lambda x: tg.nn.max_pool(np.zeros((1, 5, 1)), 2, 2, [[0, 0], [0, 1], [0, 0]]), (1, 3, 1)),
    (lambda x: tg.nn.max_pool1d(np.zeros((1, 5, 1)), [1, 2, 1], [1, 2, 1], "SAME"), (1, 3, 1)),
])
def test_output_shapes_match_tf(fn, shape):
    assert tuple(fn(np.zeros((2, 7, 7, 3))).shape) == shape


def test_conv2d_folds_extra_batch_dims(rng):
    x, w = rng.standard_normal((2, 3, 5, 5, 2)), rng.standard_normal((3, 3, 2, 4))
    y = tg.nn.conv2d(x, w, 1, "VALID").numpy()
    ref = ref_conv2d(x.reshape(6, 5, 5, 2), w, (1, 1), (1, 1), [(0, 0), (0, 0)]).reshape(2, 3, 3, 3, 4)
    np.testing.assert_allclose(y, ref, atol=ATOL)


def test_empty_inputs_give_zero_gradients():
    y, _, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, 1, "SAME"),
                                     [np.zeros((0, 5, 5, 2)), np.ones((3, 3, 2, 4))], u=np.zeros((0, 5, 5, 4)))
    assert y.shape == (0, 5, 5, 4) and gx.shape == (0, 5, 5, 2) and gw.tolist() == np.zeros((3, 3, 2, 4)).tolist()
    y, _, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, 3, "VALID"),
                                     [np.ones((1, 7, 7, 1)), np.ones((10, 10, 1, 1))], u=np.zeros((1, 0, 0, 1)))
    assert y.shape == (1, 0, 0, 1) and not gx.any() and not gw.any()
    for shape, k, s, pad in [((0, 4, 4, 2), 2, 2, "SAME"), ((1, 4, 4, 2), 9, 5, "VALID"), ((1, 4, 4, 0), 2, 2, "SAME")]:
        for pool in (tg.nn.max_pool2d, tg.nn.avg_pool2d):
            y, _, (gx,) = value_and_grads(lambda a: pool(a, k, s, pad), [np.ones(shape)])
            assert gx.shape == shape and not gx.any(), pool


# ============================================================================== conv1d
@pytest.mark.parametrize("data_format", ["NWC", "NCW"])
@pytest.mark.parametrize("stride, dilations", [(1, 1), (2, 1), (1, 2), ([1, 2, 1], [1, 3, 1])])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_conv1d_matches_loops(padding, stride, dilations, data_format, rng):
    x, w = rng.standard_normal((2, 11, 3)), rng.standard_normal((3, 3, 4))
    s = stride if isinstance(stride, int) else stride[1]
    d = dilations if isinstance(dilations, int) else dilations[1]
    if data_format == "NCW":  # full (length 3) lists are in data_format order
        stride = stride if isinstance(stride, int) else [1, 1, s]
        dilations = dilations if isinstance(dilations, int) else [1, 1, d]
        y, u, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv1d(a, b, stride, padding, "NCW", dilations),
                                         [x.transpose(0, 2, 1), w])
        y, u, gx = y.transpose(0, 2, 1), u.transpose(0, 2, 1), gx.transpose(0, 2, 1)
    else:
        y, u, (gx, gw) = value_and_grads(lambda a, b: tg.nn.conv1d(a, b, stride, padding, dilations=dilations), [x, w])
    pads = [(0, 0)] + tf_pads((11,), (3,), (s,), (d,), padding)
    ref = ref_conv2d(x[:, None], w[None], (1, s), (1, d), pads)[:, 0]
    np.testing.assert_allclose(y, ref, atol=ATOL)
    np.testing.assert_allclose(gx, ref_conv2d_input_grad(u[:, None], w[None], (2, 1, 11, 3), (1, s), (1, d),
                                                         pads)[:, 0], atol=ATOL)
    np.testing.assert_allclose(gw, ref_conv2d_filter_grad(x[:, None], u[:, None], (1, 3, 3, 4), (1, s), (1, d),
                                                          pads)[0], atol=ATOL)


def test_conv1d_values_from_tf():
    x = np.arange(10, dtype=np.float32).reshape(1, 5, 2) - 4
    w = ((np.arange(12) % 3) - 1).astype(np.float32).reshape(3, 2, 2)
    assert tg.nn.conv1d(x, w, 2, "SAME").numpy().tolist() == [[[1, -3], [2, 2], [-4, 1]]]  # TF 2.21
    assert tg.nn.conv1d(x, w, 1, "VALID", dilations=2).numpy().tolist() == [[[4, 4]]]  # TF 2.21


# ============================================================================== conv2d_transpose
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("in_hw, out_hw, strides, padding, dilations", [
    ((4, 4), (7, 7), 2, "SAME", 1),
    ((4, 4), (8, 8), 2, "SAME", 1),
    ((3, 2), (5, 6), [2, 3], "SAME", 1),
    ((3, 3), (8, 7), 2, "VALID", 1),
    ((3, 3), (9, 7), [3, 2], "VALID", 1),
    ((4, 4), (7, 8), 2, ((1, 1), (0, 1)), 1),
    ((5, 5), (5, 5), 1, "SAME", 2),
    ((2, 3), (6, 5), 1, "VALID", [2, 1]),
])
def test_conv2d_transpose_matches_loops(in_hw, out_hw, strides, padding, dilations, data_format, rng):
    g, w = rng.standard_normal((2,) + in_hw + (4,)), rng.standard_normal((3, 3, 2, 4))
    s, d = pair(strides), pair(dilations)
    pads = tf_pads(out_hw, (3, 3), s, d, padding)
    arg = padding if isinstance(padding, str) else explicit_for(data_format, padding)
    x_shape = (2,) + out_hw + (2,)
    if data_format == "NCHW":
        y, u, (gg, gw) = value_and_grads(lambda a, b: tg.nn.conv2d_transpose(
            a, b, [2, 2] + list(out_hw), strides, arg, "NCHW", dilations), [to_nchw(g), w])
        y, u, gg = to_nhwc(y), to_nhwc(u), to_nhwc(gg)
    else:
        y, u, (gg, gw) = value_and_grads(lambda a, b: tg.nn.conv2d_transpose(
            a, b, x_shape, strides, arg, dilations=dilations), [g, w])
    np.testing.assert_allclose(y, ref_conv2d_input_grad(g, w, x_shape, s, d, pads), atol=ATOL)
    # its gradients are a convolution (input) and the filter gradient with the roles of g and u swapped
    np.testing.assert_allclose(gg, ref_conv2d(u, w, s, d, pads), atol=ATOL)
    np.testing.assert_allclose(gw, ref_conv2d_filter_grad(u, g, w.shape, s, d, pads), atol=ATOL)


def test_conv2d_transpose_values_from_tf():
    g = np.arange(18, dtype=np.float32).reshape(1, 3, 3, 2) - 8
    w = ((np.arange(18) % 4) - 1).astype(np.float32).reshape(3, 3, 1, 2)
    # TF 2.21
    assert tg.nn.conv2d_transpose(g, w, [1, 5, 5, 1], 2).numpy()[0, :, :, 0].tolist() == [
        [8, -38, 6, -26, 4], [-26, 16, -14, 8, -2], [2, -2, 0, 10, -2], [10, -8, 22, -16, 34], [-4, 34, -6, 46, -8]]
    assert tg.nn.conv2d_transpose(g, w, tg.constant([1, 8, 8, 1]), 2, "VALID").numpy()[0, :, :, 0].tolist() == [
        [8, -22, 14, -16, 10, -10, 4, 0], [-22, 8, -38, 6, -26, 4, -10, 0], [10, -26, 16, -14, 8, -2, 2, 0],
        [-4, 2, -2, 0, 10, -2, 8, 0], [-2, 10, -8, 22, -16, 34, -10, 0], [14, -4, 34, -6, 46, -8, 26, 0],
        [-4, 14, -10, 20, -14, 26, -8, 0], [0, 0, 0, 0, 0, 0, 0, 0]]


def test_conv2d_transpose_is_the_gradient_of_conv2d(rng):
    x, w = rng.standard_normal((2, 7, 7, 3)), rng.standard_normal((3, 3, 3, 4))
    _, u, (gx, _) = value_and_grads(lambda a, b: tg.nn.conv2d(a, b, 2, "SAME"), [x, w])
    np.testing.assert_allclose(tg.nn.conv2d_transpose(u, w, x.shape, 2, "SAME").numpy(), gx, atol=ATOL)


# ============================================================================== depthwise_conv2d
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("stride, rate, padding", [
    (1, [1, 1], "SAME"), (2, [1, 1], "SAME"), (2, [1, 1], "VALID"), (1, [2, 3], "SAME"), (1, [2, 1], "VALID"),
    (1, [2, 2], ((1, 0), (2, 1))), (3, [1, 1], ((0, 1), (1, 1))),
])
def test_depthwise_conv2d_matches_loops(stride, rate, padding, data_format, rng):
    x, w = rng.standard_normal((2, 8, 7, 3)), rng.standard_normal((3, 2, 3, 2))
    pads = tf_pads((8, 7), (3, 2), (stride, stride), rate, padding)
    arg = padding if isinstance(padding, str) else explicit_for(data_format, padding)
    strides = [1, 1, stride, stride] if data_format == "NCHW" else [1, stride, stride, 1]
    if data_format == "NCHW":
        y = to_nhwc(tg.nn.depthwise_conv2d(to_nchw(x), w, strides, arg, "NCHW", rate).numpy())
    else:
        y = tg.nn.depthwise_conv2d(x, w, strides, arg, dilations=rate).numpy()
    np.testing.assert_allclose(y, ref_depthwise(x, w, stride, rate, pads), atol=ATOL)


def test_depthwise_conv2d_values_from_tf():
    x = np.array([[1., 2.], [3., 4.], [5., 6.]], np.float32).reshape((1, 3, 2, 1))
    k = np.array([[1., 2.], [3., 4.]], np.float32).reshape((2, 1, 1, 2))
    # TF 2.21 (its docstring example)
    assert tg.nn.depthwise_conv2d(x, k, [1, 1, 1, 1], "VALID").numpy().tolist() == [
        [[[10., 14.], [14., 20.]], [[18., 26.], [22., 32.]]]]
    assert tg.nn.depthwise_conv2d(x, k, [1, 1, 1, 1], [[0, 0], [1, 0], [1, 0], [0, 0]]).numpy().tolist() == [
        [[[0., 0.], [3., 4.], [6., 8.]], [[0., 0.], [10., 14.], [14., 20.]], [[0., 0.], [18., 26.], [22., 32.]]]]


def test_depthwise_conv2d_rejects_rate_with_stride():
    # TF 2.21 only warns here and returns values that are not a strided dilated convolution
    with pytest.raises(ValueError, match="all values of strides must be 1"):
        tg.nn.depthwise_conv2d(np.zeros((1, 9, 9, 3)), np.zeros((3, 3, 3, 2)), [1, 2, 2, 1], "SAME",
                               dilations=[2, 2])


# ============================================================================== pooling
POOLS = [((2, 2), (2, 2), "SAME"), ((3, 3), (1, 1), "VALID"), ((3, 2), (2, 1), "SAME"), ((3, 3), (2, 2), "SAME"),
         ((2, 3), (3, 2), "VALID"), ((4, 4), (1, 1), "SAME"), ((3, 3), (2, 2), ((1, 2), (2, 0)))]


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("ksize, strides, padding", POOLS)
def test_max_pool2d_matches_loops(ksize, strides, padding, data_format, rng):
    x = rng.standard_normal((2, 7, 6, 3))
    pads = tf_pads((7, 6), ksize, strides, (1, 1), padding)
    arg = padding if isinstance(padding, str) else explicit_for(data_format, padding)
    if data_format == "NCHW":
        y, u, (gx,) = value_and_grads(lambda a: tg.nn.max_pool2d(a, ksize, strides, arg, "NCHW"), [to_nchw(x)])
        y, u, gx = to_nhwc(y), to_nhwc(u), to_nhwc(gx)
    else:
        y, u, (gx,) = value_and_grads(lambda a: tg.nn.max_pool2d(a, ksize, strides, arg), [x])
    np.testing.assert_allclose(y, ref_max_pool(x, ksize, strides, pads)[0], atol=0)
    np.testing.assert_allclose(gx, ref_max_pool_grad(x, u, ksize, strides, pads), atol=ATOL)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("ksize, strides, padding", [p for p in POOLS if isinstance(p[2], str)])
def test_avg_pool2d_matches_loops(ksize, strides, padding, data_format, rng):
    x = rng.standard_normal((2, 7, 6, 3))
    pads = tf_pads((7, 6), ksize, strides, (1, 1), padding)
    if data_format == "NCHW":
        y, u, (gx,) = value_and_grads(lambda a: tg.nn.avg_pool2d(a, ksize, strides, padding, "NCHW"), [to_nchw(x)])
        y, u, gx = to_nhwc(y), to_nhwc(u), to_nhwc(gx)
    else:
        y, u, (gx,) = value_and_grads(lambda a: tg.nn.avg_pool2d(a, ksize, strides, padding), [x])
    np.testing.assert_allclose(y, ref_avg_pool(x, ksize, strides, pads), atol=ATOL)
    np.testing.assert_allclose(gx, ref_avg_pool_grad(u, x.shape, ksize, strides, pads), atol=ATOL)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("data_format", ["NWC", "NCW"])
@pytest.mark.parametrize("ksize, strides, padding", [(2, 2, "SAME"), (3, 1, "VALID"), (4, 3, "SAME")])
def test_pool1d_matches_loops(kind, ksize, strides, padding, data_format, rng):
    x = rng.standard_normal((2, 10, 3))
    fn = tg.nn.max_pool1d if kind == "max" else tg.nn.avg_pool1d
    if data_format == "NCW":
        y = fn(x.transpose(0, 2, 1), ksize, strides, padding, "NCW").numpy().transpose(0, 2, 1)
    else:
        y = fn(x, ksize, strides, padding).numpy()
    pads = [(0, 0)] + tf_pads((10,), (ksize,), (strides,), (1,), padding)
    ref = (ref_max_pool(x[:, None], (1, ksize), (1, strides), pads)[0] if kind == "max"
           else ref_avg_pool(x[:, None], (1, ksize), (1, strides), pads))
    np.testing.assert_allclose(y, ref[:, 0], atol=ATOL)
    generic = tg.nn.max_pool if kind == "max" else tg.nn.avg_pool
    np.testing.assert_allclose(generic(x, ksize, strides, padding).numpy(), ref[:, 0], atol=ATOL)


def test_generic_pools_dispatch_on_rank(rng):
    x = rng.standard_normal((2, 6, 5, 3))
    np.testing.assert_array_equal(tg.nn.max_pool(x, 2, 2, "SAME").numpy(), tg.nn.max_pool2d(x, 2, 2, "SAME").numpy())
    np.testing.assert_array_equal(tg.nn.avg_pool(x, 3, 1, "VALID").numpy(),
                                  tg.nn.avg_pool2d(x, 3, 1, "VALID").numpy())
    x3 = rng.standard_normal((1, 4, 5, 6, 2))  # 3-D windows: the max over each 2x2x2 block
    y = tg.nn.max_pool(x3, 2, 2, "VALID", data_format="NDHWC").numpy()
    np.testing.assert_array_equal(y, x3[:, :4, :4, :6].reshape(1, 2, 2, 2, 2, 3, 2, 2).max(axis=(2, 4, 6)))


def test_pool_values_and_conventions_from_tf():
    x = np.arange(1., 10., dtype=np.float32).reshape(1, 3, 3, 1)
    y, _, (gx,) = value_and_grads(lambda a: tg.nn.avg_pool2d(a, 3, 1, "SAME"), [x], u=np.ones((1, 3, 3, 1), np.float32))
    # TF 2.21: SAME averages divide by the number of real elements
    assert y[0, :, :, 0].tolist() == [[3.0, 3.5, 4.0], [4.5, 5.0, 5.5], [6.0, 6.5, 7.0]]
    np.testing.assert_allclose(gx[0, :, :, 0], [[0.694444477558136, 1.1111111640930176, 0.694444477558136],
                                                [1.1111111640930176, 1.7777777910232544, 1.1111111640930176],
                                                [0.694444477558136, 1.1111111640930176, 0.694444477558136]], rtol=1e-6)
    assert tg.nn.avg_pool2d(x, 2, 2, "SAME").numpy()[0, :, :, 0].tolist() == [[3, 4.5], [7.5, 9]]  # TF 2.21
    # TF 2.21: ties go to the first max in row-major window order
    xm = np.array([[3, 1, 3, 0], [2, 3, 1, 3], [0, 2, 2, 1], [1, 1, 0, 2]], np.float32).reshape(1, 4, 4, 1)
    y, _, (gx,) = value_and_grads(lambda a: tg.nn.max_pool2d(a, 3, 1, "SAME"), [xm], u=np.ones((1, 4, 4, 1)))
    assert y[0, :, :, 0].tolist() == [[3, 3, 3, 3], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2]]
    assert gx[0, :, :, 0].tolist() == [[4, 0, 4, 0], [0, 3, 0, 1], [0, 3, 1, 0], [0, 0, 0, 0]]
    _, _, (gx,) = value_and_grads(lambda a: tg.nn.max_pool2d(a, 2, 1, "VALID"), [np.ones((1, 3, 3, 1), np.float32)],
                                  u=np.ones((1, 2, 2, 1), np.float32))
    assert gx[0, :, :, 0].tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]  # TF 2.21
    # TF 2.21: padding never wins, even over negative values
    assert tg.nn.max_pool2d(-np.ones((1, 3, 3, 1)), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]).numpy().ravel().tolist() \
        == [-1] * 4


@pytest.mark.parametrize("values, out, grad", [  # TF 2.21, one 2x2 window
    ([1., np.nan, 3., 2.], 3.0, [0, 0, 1, 0]),            # NaN is skipped...
    ([np.nan, 5., 3., 2.], 5.0, [1, 0, 0, 0]),            # ...but a leading NaN keeps the gradient
    ([1., 2., np.nan, 0.], 2.0, [0, 1, 0, 0]),
    ([-np.inf] * 4, float(np.finfo(np.float32).min), [1, 0, 0, 0]),  # starts from the lowest float
    ([np.nan] * 4, float(np.finfo(np.float32).min), [1, 0, 0, 0]),
])
def test_max_pool_nan_and_inf_conventions(values, out, grad):
    x = np.array(values, np.float32).reshape(1, 2, 2, 1)
    y, _, (gx,) = value_and_grads(lambda a: tg.nn.max_pool2d(a, 2, 2, "VALID"), [x], u=np.ones((1, 1, 1, 1)))
    assert y.ravel().tolist() == [out]
    assert gx.ravel().tolist() == grad


def test_max_pool_of_all_inf_with_same_padding():
    x = np.full((1, 2, 2, 1), -np.inf, np.float32)
    y, _, (gx,) = value_and_grads(lambda a: tg.nn.max_pool2d(a, 2, 1, "SAME"), [x], u=np.ones((1, 2, 2, 1), np.float32))
    assert y.ravel().tolist() == [float(np.finfo(np.float32).min)] * 4  # TF 2.21
    assert gx.ravel().tolist() == [1, 1, 1, 1]  # TF 2.21: each window's first real element


# ============================================================================== second order
def test_second_order_through_conv_is_a_convolution(rng):
    """H v for f(w) = sum(conv2d(x, w)^2) / 2 is filter_grad(x, conv2d(x, v)); d/dx of <grad_w f, v> too."""
    x, w, v = rng.standard_normal((2, 6, 5, 3)), rng.standard_normal((3, 3, 3, 2)), rng.standard_normal((3, 3, 3, 2))
    s, d = (2, 1), (1, 2)
    pads = tf_pads((6, 5), (3, 3), s, d, "SAME")
    xt, wt = tg.constant(x), tg.constant(w)
    with tg.GradientTape(persistent=True) as outer:
        outer.watch([xt, wt])
        with tg.GradientTape() as inner:
            inner.watch(wt)
            y = tg.nn.conv2d(xt, wt, s, "SAME", dilations=d)
            f = 0.5 * tg.reduce_sum(y * y)
        gw = inner.gradient(f, wt)
        gv = tg.reduce_sum(gw * v)
    hv, dx = outer.gradient(gv, [wt, xt])
    conv_v = ref_conv2d(x, v, s, d, pads)
    np.testing.assert_allclose(hv.numpy(), ref_conv2d_filter_grad(x, conv_v, w.shape, s, d, pads), atol=1e-9)
    # <grad_w, v> = <conv(x, w), conv(x, v)>: its x-gradient is input_grad(conv(x, v), w) + input_grad(conv(x, w), v)
    y_ref = ref_conv2d(x, w, s, d, pads)
    ref_dx = (ref_conv2d_input_grad(conv_v, w, x.shape, s, d, pads)
              + ref_conv2d_input_grad(y_ref, v, x.shape, s, d, pads))
    np.testing.assert_allclose(dx.numpy(), ref_dx, atol=1e-9)


def test_max_pool_second_derivative_is_zero_not_none(rng):
    x = tg.constant(rng.standard_normal((1, 4, 4, 2)))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tg.reduce_sum(tg.nn.max_pool2d(x, 2, 2, "VALID") ** 2)
        g = tg.reduce_sum(inner.gradient(y, x))
    h = outer.gradient(g, x)
    mask = ref_max_pool_grad(x.numpy(), np.ones((1, 2, 2, 2)), (2, 2), (2, 2), [(0, 0), (0, 0)])
    np.testing.assert_allclose(h.numpy(), 2 * mask)  # d/dx of 2 * y at the argmaxes


# ============================================================================== dtypes
def test_dtypes(rng):
    x, w = rng.standard_normal((1, 5, 5, 2)), rng.standard_normal((3, 3, 2, 3))
    ref = ref_conv2d(x, w, (1, 1), (1, 1), tf_pads((5, 5), (3, 3), (1, 1), (1, 1), "SAME"))
    cases = [(tg.float16, 2e-2), (tg.float32, 1e-5), (tg.float64, 1e-12)]
    if tg.bfloat16 is not None:  # needs ml_dtypes
        cases.append((tg.bfloat16, 1e-1))
    for dt, tol in cases:
        xd, wd = tg.cast(x, dt), tg.cast(w, dt)
        with tg.GradientTape() as tape:
            tape.watch([xd, wd])
            y = tg.nn.conv2d(xd, wd, 1, "SAME")
            pooled = tg.nn.max_pool2d(y, 2, 2, "SAME") + tg.nn.avg_pool2d(y, 2, 2, "SAME")
        assert y.dtype == dt and pooled.dtype == dt
        np.testing.assert_allclose(tg.cast(y, tg.float64).numpy(), ref, atol=tol * 10, rtol=tol)
        gx, gw = tape.gradient(pooled, [xd, wd])
        assert gx.dtype == dt and gw.dtype == dt and gx.shape == xd.shape and gw.shape == wd.shape
    xi, wi = np.arange(50).reshape(1, 5, 5, 2) - 20, (np.arange(18).reshape(3, 3, 2, 1) % 3) - 1
    yi = tg.nn.conv2d(tg.constant(xi, tg.int32), tg.constant(wi, tg.int32), 1, "VALID")
    assert yi.dtype == tg.int32
    assert yi.numpy().tolist() == ref_conv2d(xi, wi, (1, 1), (1, 1), [(0, 0), (0, 0)]).astype(int).tolist()
    mi = tg.nn.max_pool2d(tg.constant(xi, tg.int64), 2, 2, "SAME")
    assert mi.dtype == tg.int64 and mi.numpy().tolist() == ref_max_pool(xi, (2, 2), (2, 2),
                                                                        [(0, 1), (0, 1)])[0].astype(int).tolist()


# ============================================================================== errors (types as TF 2.21 raises them)
X, W = np.zeros((2, 7, 7, 3), np.float32), np.zeros((3, 3, 3, 4), np.float32)
Y, F = np.zeros((2, 4, 4, 4), np.float32), np.zeros((3, 3, 3, 2), np.float32)
Z = lambda *s: np.zeros(s, np.float32)  # noqa: E731


@pytest.mark.parametrize("call, exc, match", [
    (lambda: tg.nn.conv2d(X, W, [1, 2, 2], "VALID"), ValueError, r"strides should be of length 1, 2 or 4"),
    (lambda: tg.nn.conv2d(X, W, 1, "SAME", dilations=[1, 2, 1]), ValueError, r"dilations should be of length"),
    (lambda: tg.nn.conv2d(X, W, "2", "VALID"), TypeError, r"Expected int for argument 'strides'"),
    (lambda: tg.nn.conv2d(X, W, [2, 1, 1, 1], "VALID"), errors.UnimplementedError, r"batch and depth"),
    (lambda: tg.nn.conv2d(X, W, 1, "SAME", dilations=[1, 1, 1, 2]), errors.UnimplementedError, r"dilations in"),
    (lambda: tg.nn.conv2d(X, W, 0, "SAME"), errors.InvalidArgumentError, r"strides should be larger than 0"),
    (lambda: tg.nn.conv2d(X, W, 1, "SAME", dilations=0), errors.InvalidArgumentError, r"larger than 0"),
    (lambda: tg.nn.conv2d(X, W, 1, [[1, 2], [0, 1]]), ValueError, r"must be of size 4"),
    (lambda: tg.nn.conv2d(X, W, 1, [0, 0, 1, 1, 1, 1, 0, 0]), ValueError, r"list/tuple of size 2"),
    (lambda: tg.nn.conv2d(X, W, 1, "EXPLICIT"), ValueError, r"must be a list"),
    (lambda: tg.nn.conv2d(X, W, 1, 5), TypeError, r"Expected string for argument 'padding'"),
    (lambda: tg.nn.conv2d(X, W, 1, "same"), errors.InvalidArgumentError, r"use 'SAME'"),
    (lambda: tg.nn.conv2d(X, W, 1, [[0, 0], [1, 2], [0, 1], [1, 0]]), errors.InvalidArgumentError,
     r"batch or depth dimensions"),
    (lambda: tg.nn.conv2d(X, W, 1, [[0, 0], [-1, 2], [0, 1], [0, 0]]), errors.InvalidArgumentError, r"nonnegative"),
    (lambda: tg.nn.conv2d(X, W, 1, "SAME", data_format="NCWH"), errors.InvalidArgumentError, r"'data_format'"),
    (lambda: tg.nn.conv2d(X, Z(3, 3, 2, 4), 1, "SAME"), errors.InvalidArgumentError,
     r"evenly divisible by filter depth: 3 vs 2 \(input shape \[2,7,7,3\]"),
    (lambda: tg.nn.conv2d(X, W, 1, "SAME", data_format="NCHW"), errors.InvalidArgumentError, r"7 vs 3"),
    (lambda: tg.nn.conv2d(X, Z(3, 3, 1, 4), 1, "SAME"), errors.InvalidArgumentError, r"number of groups: 4 vs 3"),
    (lambda: tg.nn.conv2d(X[0], W, 1, "SAME"), errors.InvalidArgumentError, r"input must be 4-dimensional: \[7,7,3\]"),
    (lambda: tg.nn.conv2d(X, W[0], 1, "SAME"), errors.InvalidArgumentError, r"filter must be 4-dimensional"),
    (lambda: tg.nn.conv2d(X, Z(9, 9, 3, 4), 1, "VALID"), errors.InvalidArgumentError,
     r"output size would be negative: -1 \[input_size: 7, effective_filter_size: 9, stride: 1\]"),
    (lambda: tg.nn.conv2d(X, tg.constant(W, tg.float64), 1, "SAME"), errors.InvalidArgumentError, r"input #1"),
    (lambda: tg.nn.conv2d(tg.constant(X, tg.int64), tg.constant(W, tg.int64), 1, "SAME"),
     errors.InvalidArgumentError, r"attr 'T' of int64"),
    (lambda: tg.nn.conv1d(Z(2, 7, 3), Z(3, 3, 4), 1, "SAME", data_format="NHW"), ValueError, r"'NWC' or 'NCW'"),
    (lambda: tg.nn.conv1d(Z(2, 7, 3), Z(3, 3, 4), 1, [[0, 0], [1, 1], [0, 0]]), TypeError, r"Expected string"),
    (lambda: tg.nn.conv1d(Z(7, 3), Z(3, 3, 4), 1, "SAME"), errors.InvalidArgumentError, r"3-dimensional"),
    (lambda: tg.nn.conv1d(Z(2, 7, 3), Z(3, 2, 4), 1, "SAME"), errors.InvalidArgumentError, r"3 vs 2"),
    (lambda: tg.nn.conv1d(Z(2, 7, 3), Z(3, 3, 4), [1, 2], "SAME"), ValueError, r"stride should be of length"),
    (lambda: tg.nn.conv2d_transpose(Y, W, [2, 9, 9, 3], 2), errors.InvalidArgumentError,
     r"actual = 4, computed = 5 .*fix output_shape"),
    (lambda: tg.nn.conv2d_transpose(Y, W, [7, 7, 3], 2), errors.InvalidArgumentError, r"4 values or 2 values"),
    (lambda: tg.nn.conv2d_transpose(Y, W, [2, 7, 7, 4], 2), errors.InvalidArgumentError, r"filter depth"),
    (lambda: tg.nn.conv2d_transpose(Y, W, [3, 7, 7, 3], 2), errors.InvalidArgumentError, r"same batch size"),
    (lambda: tg.nn.conv2d_transpose(Y, Z(3, 3, 3, 5), [2, 7, 7, 3], 2), errors.InvalidArgumentError,
     r"same out_depth"),
    (lambda: tg.nn.conv2d_transpose(Y, W[0], [2, 7, 7, 3], 2), errors.InvalidArgumentError, r"4-dimensional"),
    (lambda: tg.nn.conv2d_transpose(Y, W, [2, 7.0, 7, 3], 2), TypeError, r"Cannot convert"),
    (lambda: tg.nn.conv2d_transpose(Y, W, [2, 7, 7, 3], [1, 2, 2, 2]), errors.UnimplementedError, r"batch and depth"),
    (lambda: tg.nn.depthwise_conv2d(X, F, 1, "SAME"), TypeError, r"Expected list for 'strides'"),
    (lambda: tg.nn.depthwise_conv2d(X, F, [2, 2], "SAME"), errors.InvalidArgumentError, r"specify 4 dimensions"),
    (lambda: tg.nn.depthwise_conv2d(X, F, [1, 2, 1, 1], "SAME"), errors.InvalidArgumentError, r"equal length strides"),
    (lambda: tg.nn.depthwise_conv2d(X, F, [2, 1, 1, 1], "SAME"), errors.InvalidArgumentError, r"batch and depth"),
    (lambda: tg.nn.depthwise_conv2d(X, Z(3, 3, 2, 2), [1, 1, 1, 1], "SAME"), errors.InvalidArgumentError,
     r"same depth: 3 vs 2"),
    (lambda: tg.nn.depthwise_conv2d(X, Z(3, 3, 3), [1, 1, 1, 1], "SAME"), errors.InvalidArgumentError,
     r"filter must be 4-dimensional"),
    (lambda: tg.nn.depthwise_conv2d(X[0], F, [1, 1, 1, 1], "SAME"), errors.InvalidArgumentError,
     r"input must be 4-dimensional"),
    (lambda: tg.nn.depthwise_conv2d(X, F, [1, 1, 1, 1], "SAME", dilations=[0, 1]), ValueError, r"must be positive"),
    (lambda: tg.nn.depthwise_conv2d(X, F, [1, 1, 1, 1], "SAME", dilations=2), TypeError, r"not iterable"),
    (lambda: tg.nn.depthwise_conv2d(tg.constant(X, tg.int32), tg.constant(F, tg.int32), [1, 1, 1, 1], "SAME"),
     errors.InvalidArgumentError, r"attr 'T' of int32"),
    (lambda: tg.nn.max_pool2d(X, [1, 2, 2, 3], [1, 2, 2, 3], "VALID"), errors.UnimplementedError, r"depth"),
    (lambda: tg.nn.max_pool2d(X, [2, 2, 2, 1], [1, 2, 2, 1], "VALID"), errors.UnimplementedError, r"batch dimension"),
    (lambda: tg.nn.max_pool2d(X, 2, 2, [[0, 0], [2, 1], [0, 1], [0, 0]]), errors.InvalidArgumentError,
     r"Top padding 2 needs to be smaller than the window size 2"),
    (lambda: tg.nn.max_pool2d(X, 2, 2, [[0, 0], [0, 1], [0, 2], [0, 0]]), errors.InvalidArgumentError,
     r"Right padding 2"),
    (lambda: tg.nn.max_pool2d(X, 9, 1, "VALID"), errors.InvalidArgumentError, r"would be negative"),
    (lambda: tg.nn.max_pool2d(X, 0, 1, "SAME"), errors.InvalidArgumentError, r"ksize must be positive"),
    (lambda: tg.nn.max_pool2d(X, 2, 0, "SAME"), errors.InvalidArgumentError, r"Stride must be > 0"),
    (lambda: tg.nn.max_pool2d(X[0], 2, 2, "SAME"), errors.InvalidArgumentError, r"4-dimensional"),
    (lambda: tg.nn.max_pool2d(X, 2, 2, "SAME", data_format="NHCW"), errors.InvalidArgumentError, r"'data_format'"),
    (lambda: tg.nn.max_pool2d(tg.constant(X, tg.bool), 2, 2, "SAME"), errors.InvalidArgumentError, r"of bool"),
    (lambda: tg.nn.max_pool2d(X, [2, 2, 2], 2, "SAME"), ValueError, r"ksize should be of length 1, 2 or 4"),
    (lambda: tg.nn.avg_pool2d(X, 2, 2, [[0, 0], [1, 1], [0, 1], [0, 0]]), TypeError, r"Expected string"),
    (lambda: tg.nn.avg_pool2d(X, 0, 1, "SAME"), errors.InvalidArgumentError, r"positive int32 value"),
    (lambda: tg.nn.avg_pool2d(tg.constant(X, tg.int32), 2, 2, "SAME"), errors.InvalidArgumentError,
     r"attr 'T' of int32"),
    (lambda: tg.nn.max_pool(Z(1, 5), 2, 2, "SAME"), ValueError, r"rank` must be 3, 4 or 5"),
    (lambda: tg.nn.max_pool(Z(1, 5, 5, 5, 1), 2, 2, [[0, 0], [0, 1], [0, 1], [0, 1], [0, 0]]), ValueError,
     r"Explicit padding is not supported with an input tensor of rank 5"),
    (lambda: tg.nn.max_pool1d(Z(1, 5, 1), 2, 2, [[0, 0], [0, 1], [0, 0], [0, 0]]), ValueError, r"must be of size 3"),
    (lambda: tg.nn.avg_pool1d(Z(1, 5, 1), 2, 2, [[0, 0], [0, 1], [0, 0]]), TypeError, r"Expected string"),
])
def test_errors_match_tf(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_public_signatures_match_tf():
    # TF 2.21's signatures (inspect.signature of tf.nn.*)
    expected = {
        "conv1d": "(input, filters, stride, padding, data_format='NWC', dilations=None, name=None)",
        "conv2d": "(input, filters, strides, padding, data_format='NHWC', dilations=None, name=None)",
        "conv2d_transpose": "(input, filters, output_shape, strides, padding='SAME', data_format='NHWC', "
                            "dilations=None, name=None)",
        "depthwise_conv2d": "(input, filter, strides, padding, data_format=None, dilations=None, name=None)",
        "max_pool": "(input, ksize, strides, padding, data_format=None, name=None)",
        "max_pool1d": "(input, ksize, strides, padding, data_format='NWC', name=None)",
        "max_pool2d": "(input, ksize, strides, padding, data_format='NHWC', name=None)",
        "avg_pool": "(input, ksize, strides, padding, data_format=None, name=None)",
        "avg_pool1d": "(input, ksize, strides, padding, data_format='NWC', name=None)",
        "avg_pool2d": "(input, ksize, strides, padding, data_format='NHWC', name=None)",
    }
    for name, sig in expected.items():
        assert str(inspect.signature(getattr(tg.nn, name))) == sig, name


def test_float_strides_are_truncated_like_tf():
    # TF 2.21 accepts integral-valued (and truncates fractional) Python floats in int list attrs
    assert tuple(tg.nn.conv2d(X, W, 2.5, "VALID").shape) == (2, 3, 3, 4)


# ============================================================================== training
def test_small_cnn_trains():
    """conv2d + relu + max_pool2d + dense on synthetic bars (horizontal vs vertical): the loss falls."""
    rng = np.random.default_rng(0)
    n = 64
    labels = rng.integers(0, 2, n)
    images = rng.normal(0, 0.3, (n, 8, 8, 1)).astype(np.float32)
    pos = rng.integers(1, 7, n)
    for i in range(n):
        if labels[i]:
            images[i, pos[i], :, 0] += 1.5
        else:
            images[i, :, pos[i], 0] += 1.5
    kernel = tg.Variable(rng.normal(0, 0.3, (3, 3, 1, 6)).astype(np.float32))
    bias = tg.Variable(np.zeros(6, np.float32))
    dense = tg.Variable(rng.normal(0, 0.1, (4 * 4 * 6, 2)).astype(np.float32))
    dense_b = tg.Variable(np.zeros(2, np.float32))
    variables = [kernel, bias, dense, dense_b]
    opt = tg.keras.optimizers.SGD(learning_rate=0.1)
    x, y = tg.constant(images), tg.constant(labels.astype(np.int32))

    def loss_fn():
        h = tg.nn.relu(tg.nn.bias_add(tg.nn.conv2d(x, kernel, 1, "SAME"), bias))
        h = tg.nn.max_pool2d(h, 2, 2, "VALID")
        logits = tg.matmul(tg.reshape(h, (n, -1)), dense) + dense_b
        return tg.reduce_mean(tg.nn.sparse_softmax_cross_entropy_with_logits(y, logits)), logits

    losses = []
    for _ in range(40):
        with tg.GradientTape() as tape:
            loss, _ = loss_fn()
        grads = tape.gradient(loss, variables)
        assert all(g is not None and g.shape == v.shape for g, v in zip(grads, variables))
        opt.apply_gradients(zip(grads, variables))
        losses.append(float(loss.numpy()))
    final, logits = loss_fn()
    accuracy = float(np.mean(np.argmax(logits.numpy(), -1) == labels))
    assert losses[-1] < 0.5 * losses[0], losses
    assert float(final.numpy()) < losses[0] and accuracy > 0.9, (losses, accuracy)



@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32])
def test_max_pool_grad_masks_match_tf_argmax_rule(dtype):
    """The equality-with-max fast path picks the same window element as the exact TF argmax rule
    (first real maximum; ties, -inf windows, integer minimum, padding and overlapping windows)."""
    from tapegrad.ops import conv as C
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(120):
        h, w = rng.integers(1, 7, 2)
        k, s = tuple(rng.integers(1, 4, 2)), tuple(rng.integers(1, 4, 2))
        x = rng.integers(-2, 3, (2, h, w, 3)).astype(dtype)
        low = np.iinfo(dtype).min if dtype == np.int32 else -np.inf
        x[rng.random(x.shape) < rng.choice([0.0, 0.4])] = low
        pads = tuple((int(rng.integers(0, k[i])), int(rng.integers(0, k[i]))) for i in range(2))
        if min(C._pool_out((h, w), k, s, pads)) <= 0:
            continue
        am, _ = C._argmax(x, k, s, pads)
        _, masks, _ = C._argmax_masks(x, k, s, pads)
        for j, mask in enumerate(masks):
            np.testing.assert_array_equal(mask, am == j)
        checked += 1
    assert checked > 50


def test_conv_input_grad_col2im_slices_match_reference():
    """col2im adds straight into the unpadded input (offsets that read only padding skipped, an offset
    that reads every element as the starting value): random strides, dilations, large pads, groups."""
    from tapegrad.ops import conv as C
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(60):
        h, w = (int(v) for v in rng.integers(1, 8, 2))
        k, s, d = (tuple(int(v) for v in rng.integers(1, 4, 2)) for _ in range(3))
        pads = tuple((int(rng.integers(0, 5)), int(rng.integers(0, 5))) for _ in range(2))
        groups = int(rng.choice([1, 2]))
        if min(out_size(n, kk, ss, dd, *p) for n, kk, ss, dd, p in zip((h, w), k, s, d, pads)) <= 0:
            continue
        x_shape = (2, h, w, 2 * groups)
        wt = rng.standard_normal(k + (2, 3 * groups))
        oh, ow = (out_size(n, kk, ss, dd, *p) for n, kk, ss, dd, p in zip((h, w), k, s, d, pads))
        g = rng.standard_normal((2, oh, ow, 3 * groups))
        got = C._conv_input_grad_impl(g, wt, x_shape, s, d, pads)
        np.testing.assert_allclose(got, ref_conv2d_input_grad(g, wt, x_shape, s, d, pads), atol=1e-12)
        checked += 1
    assert checked > 30


@pytest.mark.parametrize("hw", [(4, 6), (5, 6), (4, 7), (3, 3)])
def test_max_pool_grad_tiled_windows_match_reference(hw):
    """Windows that tile the input exactly (even sizes, k == s) fill an uninitialised buffer; odd sizes leave
    rows or columns outside every window, which must get zeros. Ties and -inf windows route to the first."""
    from tapegrad.ops import conv as C
    rng = np.random.default_rng(5)
    for k in ((2, 2), (1, 2), (3, 3)):
        x = rng.integers(-1, 2, (3,) + hw + (4,)).astype(np.float32)
        x[rng.random(x.shape) < 0.2] = -np.inf
        out = [(n - kk) // kk + 1 for n, kk in zip(hw, k)]
        if min(out) <= 0:
            continue
        g = rng.standard_normal((3,) + tuple(out) + (4,)).astype(np.float32)
        pads = ((0, 0), (0, 0))
        got = C._max_pool_grad_impl(x, g, k, k, pads)
        np.testing.assert_array_equal(got, ref_max_pool_grad(x, g, k, k, pads).astype(np.float32))
