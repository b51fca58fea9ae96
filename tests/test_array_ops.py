"""Shape, creation and indexing ops: values against NumPy, TF's shapes/dtypes, gradients and error types.

Values quoted as TF's were computed with TensorFlow 2.21 (/work/peers-venv).
"""
import numpy as np
import pytest

import tapegrad as tf

A = np.arange(6.0).reshape(2, 3)
B = np.arange(24.0).reshape(2, 3, 4)


def grad(f, *xs, order=1):
    """Gradients of sum(f(*xs)) (float64); with order=2, of the sum of squared first gradients."""
    xs = [tf.constant(np.asarray(x, dtype=np.float64)) for x in xs]
    with tf.GradientTape() as outer:
        outer.watch(xs)
        with tf.GradientTape() as inner:
            inner.watch(xs)
            y = f(*xs)
        gs = [tf.convert_to_tensor(g) for g in inner.gradient(y, xs)]  # gather gives IndexedSlices, as in TF
        s = tf.add_n([tf.reduce_sum(g * g) for g in gs]) if order == 2 else None
    gs = outer.gradient(s, xs) if order == 2 else gs
    return [tf.convert_to_tensor(g).numpy() for g in gs]


# --- transpose, expand_dims, squeeze, reverse ---------------------------------------------
def test_transpose():
    np.testing.assert_array_equal(tf.transpose(tf.constant(B)).numpy(), B.T)
    np.testing.assert_array_equal(tf.transpose(tf.constant(B), [1, -1, 0]).numpy(), B.transpose(1, 2, 0))
    z = tf.transpose(tf.constant([[1 + 2j, 3j]]), conjugate=True)
    np.testing.assert_array_equal(z.numpy(), [[1 - 2j], [-3j]])
    for perm, match in (([0], "vector of size 2"), ([0, 0], "1 is missing"), ([0, 2], "out of range")):
        with pytest.raises(tf.errors.InvalidArgumentError, match=match):
            tf.transpose(tf.constant(A), perm)
    (g,) = grad(lambda x: tf.transpose(x, [2, 0, 1]) * np.arange(24.0).reshape(4, 2, 3), B)
    np.testing.assert_array_equal(g, np.arange(24.0).reshape(4, 2, 3).transpose(1, 2, 0))


def test_expand_dims_and_squeeze():
    x = tf.zeros([2, 3])
    assert tf.expand_dims(x, -1).shape == (2, 3, 1) and tf.expand_dims(x, -3).shape == (1, 2, 3)
    assert tf.expand_dims(x, [0]).shape == (1, 2, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="expand dim index 3"):
        tf.expand_dims(x, 3)
    with pytest.raises(TypeError):
        tf.expand_dims(x, 1.0)
    y = tf.zeros([1, 2, 1])
    assert tf.squeeze(y).shape == (2,) and tf.squeeze(y, axis=-1).shape == (1, 2)
    assert tf.squeeze(y, axis=[0, 2]).shape == (2,)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"squeeze dim\[1\], expected a dimension of 1, got 2"):
        tf.squeeze(y, axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="squeeze dim index 3"):
        tf.squeeze(y, axis=3)


def test_reverse():
    np.testing.assert_array_equal(tf.reverse(tf.constant(A), [-1, 0]).numpy(), A[::-1, ::-1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="specified more than once"):
        tf.reverse(tf.constant(A), [1, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be 1-dimension"):
        tf.reverse(tf.constant(A), 1)
    (g,) = grad(lambda x: tf.reverse(x, [0]) * np.array([1.0, 2.0]), [3.0, 4.0])
    np.testing.assert_array_equal(g, [2, 1])


# --- concat, stack, unstack, split, tile -------------------------------------------------------
def test_concat():
    out = tf.concat([tf.constant(A), tf.constant(A[:, :1])], -1)
    np.testing.assert_array_equal(out.numpy(), np.concatenate([A, A[:, :1]], -1))
    assert tf.concat([[1, 2], [3]], 0).dtype == tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension 1 in both shapes must be equal"):
        tf.concat([tf.zeros([2, 3]), tf.zeros([2, 2])], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Can't concatenate scalars"):
        tf.concat([tf.constant(1.0), tf.constant(2.0)], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a .* tensor but is a"):
        tf.concat([tf.zeros([1]), tf.zeros([1], tf.float64)], 0)
    g1, g2 = grad(lambda x, y: tf.concat([x, y], 0) * np.arange(5.0), [1.0, 1.0], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(g1, [0, 1])
    np.testing.assert_array_equal(g2, [2, 3, 4])


def test_stack_and_unstack():
    out = tf.stack([tf.constant(A), tf.constant(-A)], axis=1)
    np.testing.assert_array_equal(out.numpy(), np.stack([A, -A], 1))
    assert tf.stack([1, 2.0]).dtype == tf.float32 and tf.stack([1, 2]).dtype == tf.int32  # as TF
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a int32 tensor"):
        tf.stack([tf.constant(1), tf.constant(2.0)])
    with pytest.raises(ValueError, match=r"Argument `axis` = 3 not in range \[-3, 3\)"):
        tf.stack([tf.constant(A)], 3)
    parts = tf.unstack(tf.constant(A), axis=-1)
    assert isinstance(parts, list) and len(parts) == 3
    np.testing.assert_array_equal(parts[2].numpy(), A[:, 2])
    assert tf.unstack(tf.zeros([0, 3])) == []
    with pytest.raises(tf.errors.InvalidArgumentError, match="must equal 3"):
        tf.unstack(tf.constant(A), num=3)
    with pytest.raises(ValueError):
        tf.unstack(tf.constant(1.0))


def test_split():
    x = tf.constant(np.arange(10.0).reshape(2, 5))
    parts = tf.split(x, [1, -1, 2], axis=1)
    assert [p.shape for p in parts] == [(2, 1), (2, 2), (2, 2)]
    np.testing.assert_array_equal(parts[1].numpy(), [[1, 2], [6, 7]])
    assert len(tf.split(x, 5, axis=-1)) == 5
    with pytest.raises(tf.errors.InvalidArgumentError, match="evenly divide"):
        tf.split(x, 2, axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="only be one -1"):
        tf.split(x, [-1, -1], axis=1)
    with pytest.raises(ValueError, match="Rank-0 tensors"):
        tf.split(x, tf.constant(5), axis=1)


def test_split_gradient_zero_fills_unused_pieces():
    (g,) = grad(lambda x: tf.split(x, 3)[1] * 2.0, np.ones(6))
    np.testing.assert_array_equal(g, [0, 0, 2, 2, 0, 0])


def test_tile():
    np.testing.assert_array_equal(tf.tile(tf.constant(A), [2, 1]).numpy(), np.tile(A, (2, 1)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="vector of length 2 but got length 1"):
        tf.tile(tf.constant(A), [2])
    (g,) = grad(lambda x: tf.tile(x, [2, 3]) * np.arange(24.0).reshape(4, 6), np.ones((2, 2)))
    np.testing.assert_array_equal(g, np.arange(24.0).reshape(2, 2, 3, 2).sum(axis=(0, 2)))


# --- pad -----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode, np_mode", [("CONSTANT", "constant"), ("reflect", "reflect"),
                                           ("SYMMETRIC", "symmetric")])
def test_pad_values(mode, np_mode):
    pads = [[1, 1], [2, 2]]
    np.testing.assert_array_equal(tf.pad(tf.constant(A), pads, mode=mode).numpy(), np.pad(A, pads, np_mode))


def test_pad_constant_value_and_gradients():
    out = tf.pad(tf.constant([1, 2]), [[1, 0]], constant_values=7)
    np.testing.assert_array_equal(out.numpy(), [7, 1, 2])
    (g,) = grad(lambda x: tf.pad(x, [[1, 1], [2, 2]], mode="REFLECT"), A)
    np.testing.assert_array_equal(g, [[4, 6, 4], [4, 6, 4]])  # TF
    (g,) = grad(lambda x: tf.pad(x, [[1, 0], [0, 2]]) * np.arange(15.0).reshape(3, 5), A)
    np.testing.assert_array_equal(g, [[5, 6, 7], [10, 11, 12]])


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(paddings=[[1, 0]]), tf.errors.InvalidArgumentError, "first dimension of paddings"),
    (dict(paddings=[[-1, 0], [0, 0]]), tf.errors.InvalidArgumentError, "non-negative"),
    (dict(paddings=[[2, 0], [0, 0]], mode="REFLECT"), tf.errors.InvalidArgumentError, "less than the dimension"),
    (dict(paddings=[[3, 0], [0, 0]], mode="SYMMETRIC"), tf.errors.InvalidArgumentError, "no greater than"),
    (dict(paddings=[[1, 0], [0, 0]], mode="WRAP"), ValueError, "CONSTANT"),
    (dict(paddings=[[1, 0], [0, 0]], constant_values=tf.constant(2)), tf.errors.InvalidArgumentError, "PadV2"),
])
def test_pad_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        tf.pad(tf.constant(A, tf.float32), **kwargs)


# --- gather, gather_nd, boolean_mask, where ---------------------------------------------------------
def test_gather_values():
    p = tf.constant(B)
    np.testing.assert_array_equal(tf.gather(p, [[1, 0]]).numpy(), B[[[1, 0]]])
    np.testing.assert_array_equal(tf.gather(p, [3, 0], axis=-1).numpy(), B[..., [3, 0]])
    assert tf.gather(p, 1).shape == (3, 4)
    idx = np.array([[2, 0], [1, 1]])
    out = tf.gather(tf.constant(B), idx, axis=1, batch_dims=1)
    np.testing.assert_array_equal(out.numpy(), np.stack([B[b][idx[b]] for b in range(2)]))


@pytest.mark.parametrize("indices, axis, match", [
    ([5], 0, r"indices\[0\] = 5 is not in \[0, 3\)"),          # TF's message
    ([-1], 0, r"indices\[0\] = -1 is not in \[0, 3\)"),
    ([[0, 1], [5, 0]], 0, r"indices\[1,0\] = 5 is not in \[0, 3\)"),
])
def test_gather_out_of_range_is_invalid_argument(indices, axis, match):
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        tf.gather(tf.constant([1.0, 2.0, 3.0]), indices, axis=axis)


def test_gather_argument_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tindices"):
        tf.gather(tf.constant([1.0]), [0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch_dims"):
        tf.gather(tf.zeros([2, 3]), tf.zeros([2], tf.int32), axis=1, batch_dims=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 1 dimensional"):
        tf.gather(tf.constant(1.0), [0])


def test_gather_gradient_accumulates_duplicates():
    (g,) = grad(lambda x: tf.gather(x, [0, 0, 2]), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g, [2, 0, 1])  # TF's IndexedSlices, densified
    (g,) = grad(lambda x: tf.gather(x, [0, 0, 2]) ** 3, [1.0, 2.0, 3.0], order=2)
    np.testing.assert_allclose(g, [144, 0, 972])  # d/dx sum((3x^2 * count)^2)


def test_gather_nd():
    p = tf.constant(A)
    np.testing.assert_array_equal(tf.gather_nd(p, [[1, 2], [0, 0]]).numpy(), [5, 0])
    np.testing.assert_array_equal(tf.gather_nd(p, [[1]]).numpy(), [A[1]])
    np.testing.assert_array_equal(tf.gather_nd(p, [[1], [2]], batch_dims=1).numpy(), [1, 5])
    assert tf.gather_nd(p, tf.zeros([2, 0], tf.int32)).shape == (2, 2, 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = \[1, 5\] does not index into param "
                                                             r"shape \[2,3\]"):
        tf.gather_nd(p, [[0, 0], [1, 5]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="innermost dimension"):
        tf.gather_nd(p, [[0, 0, 0]])
    (g,) = grad(lambda x: tf.gather_nd(x, [[1, 2], [1, 2]]), A)
    np.testing.assert_array_equal(g, [[0, 0, 0], [0, 0, 2]])  # TF


def test_boolean_mask():
    x = tf.constant(A)
    np.testing.assert_array_equal(tf.boolean_mask(x, [True, False]).numpy(), A[:1])
    m = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(tf.boolean_mask(x, m).numpy(), A[m])
    np.testing.assert_array_equal(tf.boolean_mask(x, [True, False, True], axis=1).numpy(), A[:, [0, 2]])
    with pytest.raises(ValueError, match="incompatible"):
        tf.boolean_mask(x, [True, False, True])
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask(x, True)
    (g,) = grad(lambda t: tf.boolean_mask(t, [True, False]) * 2, A)
    np.testing.assert_array_equal(g, [[2, 2, 2], [0, 0, 0]])


def test_where_with_one_argument_gives_int64_coordinates():
    out = tf.where([[True, False], [False, True]])
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy(), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(tf.where(tf.constant([0, 3])).numpy(), [[1]])
    assert tf.where(tf.zeros([2, 0], tf.bool)).shape == (0, 2)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.where(True)


# --- one_hot, shape, size, rank, eye, range, linspace -------------------------------------------
def test_one_hot():
    np.testing.assert_array_equal(tf.one_hot([0, 2, -1, 5], 3).numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(tf.one_hot([0, 2], 3, axis=0).numpy(), [[1, 0], [0, 0], [0, 1]])
    out = tf.one_hot([0, 2], 3, on_value=5, off_value=-1)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), [[5, -1, -1], [-1, -1, 5]])
    assert tf.one_hot([0], 2, dtype=tf.int64).dtype == tf.int64
    assert tf.one_hot([[0, 1]], 3, axis=1).shape == (1, 3, 2)
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0], 3, on_value=5.0, off_value=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth must be non-negative"):
        tf.one_hot([0], -1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="TI"):
        tf.one_hot([0.0], 3)


def test_shape_size_rank():
    x = tf.zeros([2, 3])
    s = tf.shape(x)
    assert s.dtype == tf.int32 and s.numpy().tolist() == [2, 3]
    assert tf.shape(x, out_type=tf.int64).dtype == tf.int64
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.shape(x, out_type=tf.float32)
    assert tf.size(x).dtype == tf.int32 and tf.size(x).numpy() == 6
    assert tf.rank(x).dtype == tf.int32 and tf.rank(x).numpy() == 2 and tf.rank(3.0).numpy() == 0


def test_eye():
    np.testing.assert_array_equal(tf.eye(2, 3).numpy(), np.eye(2, 3))
    out = tf.eye(2, batch_shape=[3], dtype=tf.int32)
    assert out.shape == (3, 2, 2) and out.dtype == tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.eye(-1)


def test_range_dtypes_and_values():
    assert tf.range(5).dtype == tf.int32
    assert tf.range(1, 2.5, 0.5).dtype == tf.float32
    assert tf.range(2**33, 2**33 + 2).dtype == tf.int64
    assert tf.range(tf.constant(3, tf.int64), 5.0).dtype == tf.float32  # the widest of the arguments
    np.testing.assert_array_equal(tf.range(5, 1, -2).numpy(), [5, 3])
    # TF: start + i * delta in float32
    np.testing.assert_array_equal(tf.range(0, 1, 0.1).numpy(), np.float32(0.1) * np.arange(10, dtype=np.float32))
    assert tf.range(0.0, 1.0, 0.3).numpy()[-1] == np.float32(0.90000004)
    with pytest.raises(TypeError):
        tf.range(0.5, 3, dtype=tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Requires start <= limit when delta > 0: 5/1"):
        tf.range(5, 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="delta != 0"):
        tf.range(0, 5, 0)


def test_linspace():
    np.testing.assert_allclose(tf.linspace(0.0, 1.0, 4).numpy(), [0, 1 / 3, 2 / 3, 1], rtol=1e-7)
    assert tf.linspace(0, 1, 5).dtype == tf.float64  # TF: integer endpoints give float64
    assert tf.linspace(0.0, 1.0, 0).shape == (0,)
    np.testing.assert_array_equal(tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-1).numpy(), [[0, 0.5, 1], [1, 2, 3]])
    ga, gb = grad(lambda a, b: tf.linspace(a, b, 4) * np.array([1.0, 2.0, 3.0, 4.0]), 0.0, 1.0)
    assert ga == pytest.approx(10 / 3) and gb == pytest.approx(20 / 3)  # TF: 3.3333333, 6.6666667


# --- getitem -------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [
    1, -1, (1, 2), slice(None, None, -1), (slice(None), slice(None, None, -2), slice(1, 3)), Ellipsis,
    (Ellipsis, 0), (0, Ellipsis, 1), (slice(None), None, 0), (None, Ellipsis, None, 0),
    (slice(5, None), slice(None, None, -1)), (slice(-5, 10, 2), slice(3, 0, -1), slice(-1, -10, -3)), (),
])
def test_getitem_matches_numpy(key):
    out = tf.constant(B)[key]
    np.testing.assert_array_equal(out.numpy(), B[key])
    assert out.shape == B[key].shape


def test_getitem_tensor_indices_and_variables():
    x = tf.constant([1.0, 2.0, 3.0])
    assert x[tf.constant(-1)].numpy() == 3.0
    np.testing.assert_array_equal(x[tf.constant(1):tf.constant(3)].numpy(), [2, 3])
    np.testing.assert_array_equal(x[::tf.constant(-1)].numpy(), [3, 2, 1])
    np.testing.assert_array_equal(x[tf.constant([True, False, True])].numpy(), [1, 3])  # a boolean mask
    v = tf.Variable([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        y = v[0, ::-1] * tf.constant([3.0, 4.0])
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [[4, 3]])


@pytest.mark.parametrize("key, error, match", [
    (3, tf.errors.InvalidArgumentError, "slice index 3 of dimension 0 out of bounds"),
    (-4, tf.errors.InvalidArgumentError, "slice index -1 of dimension 0 out of bounds"),  # TF reports -4 + 3
    ([0, 1], tf.errors.InvalidArgumentError, "Index out of range using input dim 1"),  # a list is a tuple key in TF
    ((0, 0), tf.errors.InvalidArgumentError, "input has only 1 dims"),
    ((Ellipsis, Ellipsis), tf.errors.InvalidArgumentError, "Multiple ellipses"),
    (slice(None, None, 0), tf.errors.InvalidArgumentError, r"strides\[0\] must be non-zero"),
    (1.0, TypeError, "valid indices"),
    (slice(0.5, None), TypeError, "valid indices"),
    (np.array([0, 1]), TypeError, "valid indices"),
    ("a", TypeError, "valid indices"),
])
def test_getitem_errors(key, error, match):
    with pytest.raises(error, match=match):
        tf.constant([1.0, 2.0, 3.0])[key]


def test_getitem_errors_on_tensors():
    with pytest.raises(TypeError, match="valid indices"):
        tf.constant([1.0, 2.0])[tf.constant([0, 1])]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Attempting to slice scalar input"):
        tf.constant(1.0)[0]


def test_getitem_gradients():
    (g,) = grad(lambda x: x[::-2] * np.array([1.0, 2.0]), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g, [2, 0, 1])  # TF
    (g,) = grad(lambda x: x[None, 1:] * np.array([[3.0, 4.0]]), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g, [0, 3, 4])  # TF
    (g,) = grad(lambda x: x[..., ::-1, None][1] * np.arange(3.0)[:, None], A)
    np.testing.assert_array_equal(g, [[0, 0, 0], [2, 1, 0]])


def test_getitem_second_order():
    # sum((d/dx sum(x[::-2]^3))^2) = sum over picked i of 9 x_i^4, so its gradient is 36 x_i^3 there
    (g,) = grad(lambda x: x[::-2] ** 3, [1.0, 2.0, 3.0], order=2)
    np.testing.assert_allclose(g, [36, 0, 36 * 27])


def test_pad_default_constant_takes_any_dtype_and_mirror_gradients_are_dense():
    assert tf.pad(tf.constant([True]), [[1, 1]]).numpy().tolist() == [False, True, False]  # TF's Pad: no value
    v = tf.Variable(tf.reshape(tf.range(1.0, 7.0), [2, 3]))
    for mode in ("REFLECT", "SYMMETRIC"):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.pad(v, [[1, 1], [2, 1]], mode=mode) * 2.0)
        g = tape.gradient(y, v)
        assert type(g) is tf.Tensor  # TF's MirrorPadGrad, not the IndexedSlices of a gather along axis 0
        assert float(tf.reduce_sum(g)) == 2.0 * 4 * 6


def test_filled_shapes_are_checked_as_tf_fill():
    for make in (lambda: tf.zeros([2, -1]), lambda: tf.ones([-3]), lambda: tf.fill([-1], 1)):
        with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -. must be >= 0"):
            make()
    with pytest.raises(TypeError):
        tf.zeros([2.5])


@pytest.mark.parametrize("call, attr", [
    (lambda x: tf.transpose(x, [1.0, 0.0]), "Tperm"), (lambda x: tf.reverse(x, [0.0]), "Tidx"),
    (lambda x: tf.split(x, [1.0, 1.0]), "Tlen"), (lambda x: tf.roll(x, 1.0, 0), "Tshift"),
    (lambda x: tf.tile(x, [2.0, 1.0]), "Tmultiples"), (lambda x: tf.reshape(x, [4.0]), "Tshape"),
    (lambda x: tf.broadcast_to(x, [2.0, 2.0]), "Tidx"), (lambda x: tf.fill([2.0], 1), "index_type"),
])
def test_float_index_arguments_raise_the_ops_attr_error(call, attr):
    with pytest.raises(tf.errors.InvalidArgumentError, match=f"attr '{attr}' of float"):
        call(tf.ones([2, 2]))
