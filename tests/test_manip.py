"""tapegrad/ops/manip.py and math_extra.py: values against NumPy references, TF's errors and dtypes."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors


def test_repeat_and_roll_match_numpy():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(tg.repeat(x, [1, 0, 2], axis=1).numpy(), np.repeat(x, [1, 0, 2], axis=1))
    np.testing.assert_array_equal(tg.repeat(x, 2).numpy(), np.repeat(x, 2))
    np.testing.assert_array_equal(tg.roll(x, [1, 2], [0, 1]).numpy(), np.roll(x, (1, 2), (0, 1)))
    np.testing.assert_array_equal(tg.roll(x, [1, 5], [0, 0]).numpy(), x)  # shifts on one axis add up
    with pytest.raises(ValueError, match="not compatible"):
        tg.repeat(x, [1, 2, 3], axis=0)
    with pytest.raises(errors.InvalidArgumentError, match="shift and axis must have the same size"):
        tg.roll(x, [1, 2], [0])


def test_repeat_and_roll_gradients_are_dense():
    x = tg.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape(persistent=True) as tape:
        r = tg.repeat(x, [1, 2], axis=0)
        s = tg.roll(x, 1, 0)
    g = tape.gradient(r, x)
    assert type(g) is tg.Tensor
    np.testing.assert_array_equal(g.numpy(), [[1, 1], [2, 2]])
    assert type(tape.gradient(s, x)) is tg.Tensor


def test_meshgrid_matches_numpy():
    for indexing in ("xy", "ij"):
        got = tg.meshgrid([1, 2, 3], [4, 5], [6], indexing=indexing)
        for a, b in zip(got, np.meshgrid([1, 2, 3], [4, 5], [6], indexing=indexing)):
            np.testing.assert_array_equal(a.numpy(), b)
            assert a.dtype == tg.int32
    with pytest.raises(TypeError, match="invalid keyword"):
        tg.meshgrid([1], foo=1)


def test_slice_and_strided_slice_masks():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(tg.slice(x, [0, 1, 1], [-1, 2, 2]).numpy(), x[:, 1:3, 1:3])
    ss = tg.strided_slice
    np.testing.assert_array_equal(ss(x, [0, 2], [2, 0], [1, -1]).numpy(), x[0:2, 2:0:-1])
    np.testing.assert_array_equal(ss(x, [1, 0], [0, 3], begin_mask=1, end_mask=0).numpy(), x[:0, 0:3])
    np.testing.assert_array_equal(ss(x, [0, 1], [0, 3], ellipsis_mask=1).numpy(), x[..., 1:3])
    np.testing.assert_array_equal(ss(x, [0, 0], [0, 0], new_axis_mask=2, begin_mask=1, end_mask=1).numpy(),
                                  x[:, None])
    np.testing.assert_array_equal(ss(x, [1, 2], [2, 3], shrink_axis_mask=3).numpy(), x[1, 2])
    with pytest.raises(errors.InvalidArgumentError, match="Expected size\\[1\\] in \\[0, 2\\], but got 3"):
        tg.slice(x, [0, 1, 0], [-1, 3, 1])
    with pytest.raises(errors.InvalidArgumentError, match="1D equal size"):
        ss(x, [0, 0], [1, 1], [1])
    with pytest.raises(errors.InvalidArgumentError, match="slice index 5 of dimension 0 out of bounds"):
        ss(x, [5], [6], shrink_axis_mask=1)


def test_sequence_mask_unique_searchsorted():
    np.testing.assert_array_equal(tg.sequence_mask([1, 3, 0], 4).numpy(), np.arange(4) < np.array([[1], [3], [0]]))
    m = tg.sequence_mask(tg.constant([[1, 2]]), dtype=tg.float32)
    assert m.dtype == tg.float32 and m.shape == (1, 2, 2)
    y, idx = tg.unique([4, 1, 1, 2, 4, 7])
    np.testing.assert_array_equal(y.numpy(), [4, 1, 2, 7])
    np.testing.assert_array_equal(idx.numpy(), [0, 1, 1, 2, 0, 3])
    y, idx, count = tg.unique_with_counts(tg.constant([2.0, 2.0, 1.0]), out_idx=tg.int64)
    assert idx.dtype == tg.int64 and count.numpy().tolist() == [2, 1]
    with pytest.raises(errors.InvalidArgumentError, match="unique expects a 1D vector"):
        tg.unique([[1]])
    seq = np.array([[0.0, 3, 9, 10], [1, 2, 3, 4]])
    vals = np.array([[2.0, 4, 9], [0, 2.5, 5]])
    for side in ("left", "right"):
        want = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(seq, vals)])
        got = tg.searchsorted(seq, vals, side=side)
        np.testing.assert_array_equal(got.numpy(), want)
        assert got.dtype == tg.int32
    with pytest.raises(ValueError, match="side"):
        tg.searchsorted(seq, vals, side="middle")


def test_unique_and_truncatemod_have_no_gradient_registered():
    x = tg.Variable([1.0, 2.0, 2.0])
    with tg.GradientTape(persistent=True) as tape:
        y = tg.unique(x).y
        z = tg.truncatemod(x, 1.5)
        d = tg.truncatediv(x, 1.5)
    for out in (y, z):
        with pytest.raises(LookupError):
            tape.gradient(out, x)
    assert tape.gradient(d, x) is None


def test_reverse_sequence_and_shapes():
    x = np.arange(12).reshape(3, 4)
    got = tg.reverse_sequence(x, [2, 4, 0], seq_axis=1, batch_axis=0).numpy()
    want = np.stack([np.concatenate([r[:k][::-1], r[k:]]) for r, k in zip(x, [2, 4, 0])])
    np.testing.assert_array_equal(got, want)
    with pytest.raises(errors.InvalidArgumentError, match="seq_lens\\(1\\) > input.dims\\(1\\)"):
        tg.reverse_sequence(x, [1, 5, 1], seq_axis=1, batch_axis=0)
    assert [s.numpy().tolist() for s in tg.shape_n([x, [1, 2]])] == [[3, 4], [2]]
    assert tg.broadcast_static_shape(tg.TensorShape([2, 1]), tg.TensorShape([None, 4])).as_list() == [2, 4]
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        tg.broadcast_static_shape(tg.TensorShape([2, 3]), tg.TensorShape([4]))
    r = tg.broadcast_dynamic_shape(tg.constant([2, 1], tg.int64), [3, 1, 4])
    assert r.dtype == tg.int64 and r.numpy().tolist() == [3, 2, 4]
    assert tg.ensure_shape(x, [None, 4]).shape == (3, 4)
    with pytest.raises(errors.InvalidArgumentError, match="not compatible with expected shape \\[2,-1\\]"):
        tg.ensure_shape(x, [2, None])


def test_scalar_ops_and_casts():
    np.testing.assert_array_equal(tg.scalar_mul(2, tg.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    with pytest.raises(ValueError, match="must be a 0-D value"):
        tg.scalar_mul([2, 3], tg.constant([1.0]))
    np.testing.assert_array_equal(tg.truncatediv([-7, 7], [2, -2]).numpy(), [-3, -3])
    np.testing.assert_array_equal(tg.truncatediv([-7.0, 7.0], [2.0, -2.0]).numpy(), [-3.0, -3.0])
    np.testing.assert_array_equal(tg.truncatemod([-7, 7], [2, -2]).numpy(), [-1, 1])
    with pytest.raises(errors.InternalError):
        tg.truncatediv([1], [0])
    assert tg.saturate_cast([-1000.0, 3.7, 1e10], tg.int32).numpy().tolist() == [-1000, 3, 2147483520]
    assert tg.saturate_cast([-5.0, 300.0], tg.uint8).numpy().tolist() == [0, 255]
    np.testing.assert_array_equal(tg.bitcast(tg.constant([1.0]), tg.uint8).numpy(),
                                  np.array([1.0], np.float32).view(np.uint8)[None])
    assert tg.bitcast(tg.constant([[1, 2, 3, 4]], tg.uint8), tg.int32).numpy().tolist() == [67305985]
    with pytest.raises(errors.InvalidArgumentError, match="Cannot bitcast"):
        tg.bitcast(tg.constant([1, 2, 3], tg.uint8), tg.int32)
    a, b = tg.identity_n([tg.constant(1.0), 2])
    assert float(a) == 1.0 and int(b) == 2


def test_math_extra_values():
    m = tg.math
    np.testing.assert_array_equal(m.multiply_no_nan([np.inf, np.nan, 2.0], [0.0, 0.0, 3.0]).numpy(), [0, 0, 6])
    np.testing.assert_array_equal(m.reciprocal_no_nan([0.0, 2.0]).numpy(), [0.0, 0.5])
    with pytest.raises(errors.InvalidArgumentError):
        m.reciprocal_no_nan([0, 2])
    np.testing.assert_allclose(m.xlog1py([0.0, 2.0], [-1.0, 1e-10]).numpy(), [0.0, 2e-10], rtol=1e-6)
    x = np.array([[-1000.0, 0.0, 3.0], [1.0, 2.0, -np.inf]])
    want = np.logaddexp.accumulate(x, axis=1)
    np.testing.assert_allclose(m.cumulative_logsumexp(tg.constant(x), axis=1).numpy(), want)
    ex = m.cumulative_logsumexp(tg.constant([1.0, 2.0, 3.0], tg.float64), exclusive=True, reverse=True).numpy()
    np.testing.assert_allclose(ex, [np.logaddexp(2, 3), 3.0, -np.inf])
    assert float(m.polyval([2.0, 1.0, 3.0], 2.0)) == 13.0
    assert float(m.polyval([], tg.constant(2.0))) == 0.0
    assert m.reduce_euclidean_norm([[3, 4], [5, 12]], axis=1).numpy().tolist() == [5, 13]
    np.testing.assert_allclose(m.log_sigmoid([-100.0, 0.0, 5.0]).numpy(), -np.logaddexp(0, -np.array([-100, 0, 5.0])),
                               rtol=1e-6)
    assert m.rint([0.5, 1.5, -2.5]).numpy().tolist() == [0.0, 2.0, -2.0]
    assert m.invert_permutation([3, 4, 0, 2, 1]).numpy().tolist() == [2, 4, 3, 0, 1]
    with pytest.raises(errors.InvalidArgumentError, match="3 is duplicated in the input."):
        m.invert_permutation([3, 3, 0, 2, 1])
    assert m.bincount([1, 1, 3, 5]).numpy().tolist() == [0, 2, 0, 1, 0, 1]
    w = m.bincount([1, 1, 3], weights=[1.0, 2.0, 3.0], minlength=5)
    assert w.dtype == tg.float32 and w.numpy().tolist() == [0, 3, 0, 3, 0]
    assert m.bincount([1, 1, 3, 5], maxlength=3, binary_output=True).numpy().tolist() == [0, 1, 0]
    assert m.bincount([[1, 1], [3, 0]], axis=-1).numpy().tolist() == [[0, 2, 0, 0], [1, 0, 0, 1]]
    with pytest.raises(errors.InvalidArgumentError, match="non-negative"):
        m.bincount([-1, 1])
    cm = m.confusion_matrix([1, 2, 4], [2, 2, 4], num_classes=5, weights=[1.0, 2.0, 3.0], dtype=tg.float32)
    want = np.zeros((5, 5))
    want[1, 2], want[2, 2], want[4, 4] = 1, 2, 3
    np.testing.assert_array_equal(cm.numpy(), want)
    got = m.in_top_k([0, 1, 2], [[0.1, 0.3, 0.3], [0.5, 0.5, 0.1], [0.2, 0.1, np.nan]], 1)
    assert got.numpy().tolist() == [False, True, False]
    # TF's CPU kernel: an out-of-range target is not in the top k (no error)
    assert m.in_top_k(tg.constant([5, -1, 0]), [[0.1, 0.3, 0.3]] * 3, 3).numpy().tolist() == [False, False, True]
    assert float(m.zero_fraction([0, 1, 0, 2])) == 0.5
    assert bool(m.is_non_decreasing([1, 1, 2])) and not bool(m.is_strictly_increasing([1, 1, 2]))
    assert bool(m.is_strictly_increasing([[1, 3]])) and bool(m.is_non_decreasing([]))


def test_xlog1py_and_mul_no_nan_gradients_follow_tf():
    x, y = tg.Variable([0.0, 2.0]), tg.Variable([0.5, 1.0])
    with tg.GradientTape(persistent=True) as tape:
        z = tg.math.xlog1py(x, y)
        w = tg.math.multiply_no_nan(x, y)
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_allclose(gx.numpy(), [0.0, np.log1p(1.0)], rtol=1e-6)  # 0 where x == 0, as TF
    np.testing.assert_allclose(gy.numpy(), [0.0, 1.0], rtol=1e-6)
    inf = tg.Variable([np.inf, 1.0])
    with tg.GradientTape() as tape:
        v = tg.math.multiply_no_nan(inf, tg.constant([0.0, 2.0]))
    np.testing.assert_array_equal(tape.gradient(v, inf).numpy(), [0.0, 2.0])
    del w
