"""Reductions: values against NumPy, TF's dtypes, edge cases, gradient conventions and error types.

Values quoted as TF's were computed with TensorFlow 2.21 (/work/peers-venv).
"""
import numpy as np
import pytest

import tapegrad as tf

RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 3, 4))


def grad(f, x, order=1):
    """First (or, with order=2, the Jacobian of the first) derivative of f at x (float64)."""
    x = tf.constant(np.asarray(x, dtype=np.float64))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return g.numpy() if order == 1 else outer.jacobian(g, x).numpy()


# --- values ------------------------------------------------------------------------------
NUMPY = {
    tf.reduce_sum: np.sum, tf.reduce_mean: np.mean, tf.reduce_max: np.max, tf.reduce_min: np.min,
    tf.reduce_prod: np.prod, tf.math.reduce_variance: np.var, tf.math.reduce_std: np.std,
    tf.reduce_logsumexp: lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
}


@pytest.mark.parametrize("op", list(NUMPY), ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis", [None, 0, -1, [0, 2], (1,), []])
@pytest.mark.parametrize("keepdims", [False, True])
def test_values_match_numpy(op, axis, keepdims):
    out = op(tf.constant(X), axis=axis, keepdims=keepdims)
    ref = NUMPY[op](X, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)
    assert out.dtype == tf.float64
    assert out.shape == np.shape(ref)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)


def test_axis_as_tensor_nested_list_and_negative():
    x = tf.constant(X)
    np.testing.assert_allclose(tf.reduce_sum(x, axis=tf.constant([0, -1])).numpy(), X.sum(axis=(0, 2)))
    np.testing.assert_allclose(tf.reduce_sum(x, axis=[[0], [1]]).numpy(), X.sum(axis=(0, 1)))
    np.testing.assert_allclose(tf.reduce_max(x, axis=tf.constant(1, tf.int64)).numpy(), X.max(axis=1))


@pytest.mark.parametrize("axis, error, match", [
    ([1, -2], tf.errors.InvalidArgumentError, "duplicate dimension: 1"),
    (3, tf.errors.InvalidArgumentError, r"Invalid reduction dimension \(3 for input with 3"),
    (-4, tf.errors.InvalidArgumentError, "Invalid reduction dimension"),
    (1.0, TypeError, None),
])
def test_axis_errors(axis, error, match):
    with pytest.raises(error, match=match):
        tf.reduce_sum(tf.constant(X), axis=axis)


def test_scalar_input_reduces_over_no_axes():
    assert float(tf.reduce_sum(tf.constant(3.0), axis=[])) == 3.0
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reduce_sum(tf.constant(3.0), axis=0)


def test_integer_mean_is_truncating_integer_division_of_a_wide_sum():
    # TF: -1, 66 (int8: 199 // 3 with no int8 overflow), 2147483647 (no int32 overflow),
    # -4611686018427387904 (int64 sums wrap), 170 (uint8), 0 for an empty int tensor
    assert tf.reduce_mean([-1, -2]).numpy() == -1
    out = tf.reduce_mean(tf.constant([100, 100, -1], tf.int8))
    assert out.dtype == tf.int8 and out.numpy() == 66
    assert tf.reduce_mean(tf.constant([2**31 - 1] * 2, tf.int32)).numpy() == 2**31 - 1
    assert tf.reduce_mean(tf.constant([2**62, 2**62], tf.int64)).numpy() == -2**62
    assert tf.reduce_mean(tf.constant([255, 255, 1], tf.uint8)).numpy() == 170
    assert tf.reduce_mean(tf.zeros([0], tf.int32)).numpy() == 0
    np.testing.assert_array_equal(tf.reduce_mean(tf.constant([[1, 2], [3, 5]]), axis=1, keepdims=True).numpy(),
                                  [[1], [4]])


def test_float16_mean_accumulates_in_float16():
    # TF: inf (60000 + 60000 overflows float16 before the division)
    assert np.isinf(tf.reduce_mean(tf.constant([60000.0, 60000.0], tf.float16)).numpy())


def test_empty_reductions_give_the_identity():
    # TF: -inf, inf, -2147483648, 1.0, nan, -inf, False, True
    e = tf.zeros([0])
    assert tf.reduce_max(e).numpy() == -np.inf and tf.reduce_min(e).numpy() == np.inf
    assert tf.reduce_max(tf.zeros([0], tf.int32)).numpy() == -2**31
    assert tf.reduce_prod(e).numpy() == 1.0
    assert np.isnan(tf.reduce_mean(e).numpy())
    assert tf.reduce_logsumexp(e).numpy() == -np.inf
    assert not tf.reduce_any(tf.zeros([0], tf.bool)).numpy() and tf.reduce_all(tf.zeros([0], tf.bool)).numpy()
    assert tf.reduce_sum(tf.zeros([2, 0]), axis=1).shape == (2,)


def test_max_and_min_propagate_nan():
    assert np.isnan(tf.reduce_max([1.0, np.nan, 3.0]).numpy())
    assert np.isnan(tf.reduce_min([np.nan, 1.0]).numpy())


def test_logsumexp_is_stable_and_handles_infinities():
    assert tf.reduce_logsumexp([1000.0, 1000.0]).numpy() == pytest.approx(1000 + np.log(2))  # TF: 1000.6932
    assert tf.reduce_logsumexp([-np.inf, -np.inf]).numpy() == -np.inf
    assert tf.reduce_logsumexp([np.inf, 1.0]).numpy() == np.inf


def test_any_all_values_and_input_types():
    b = tf.constant([[True, False], [False, False]])
    np.testing.assert_array_equal(tf.reduce_any(b, axis=1).numpy(), [True, False])
    np.testing.assert_array_equal(tf.reduce_all(b, axis=0, keepdims=True).numpy(), [[False, False]])
    with pytest.raises(TypeError):
        tf.reduce_any([1.0, 0.0])  # TF: Cannot convert [1.0, 0.0] to EagerTensor of dtype bool
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a bool tensor"):
        tf.reduce_all(tf.constant([1, 0]))


def test_variance_and_std():
    x = tf.constant([[1.0, 2.0], [3.0, 7.0]])
    np.testing.assert_allclose(tf.math.reduce_variance(x, axis=0).numpy(), [1.0, 6.25])
    np.testing.assert_allclose(tf.math.reduce_std(x, axis=[0, 1], keepdims=True).numpy(), [[np.sqrt(5.1875)]],
                               rtol=1e-6)
    v = tf.math.reduce_variance(tf.constant([1 + 1j, 2 - 1j]))  # TF: 1.25, float64
    assert v.dtype == tf.float64 and v.numpy() == pytest.approx(1.25)
    with pytest.raises(TypeError, match="Input must be either real or complex"):
        tf.math.reduce_variance([1, 2])


def test_argmax_argmin_defaults_and_dtypes():
    x = tf.constant([[1.0, 5.0, 5.0], [2.0, 0.0, 2.0]])
    out = tf.argmax(x)  # TF: axis defaults to 0 -> [1, 0, 0], int64
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy(), [1, 0, 0])
    out = tf.argmax(x, axis=1, output_type=tf.int32)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), [1, 0])  # ties: the first index
    np.testing.assert_array_equal(tf.argmin(x, axis=-1).numpy(), [0, 1])
    assert tf.argmax(x, axis=tf.constant(1)).shape == (2,)


def test_argmax_skips_nan_like_tf():
    # TF 2.21: NaN never wins; if no value beats the dtype's lowest, the answer is 0
    assert tf.argmax([1.0, np.nan, 3.0]).numpy() == 2
    assert tf.argmax([np.nan, 1.0]).numpy() == 1
    assert tf.argmax([np.nan, np.nan]).numpy() == 0
    assert tf.argmin([np.nan, np.inf, 1.0]).numpy() == 2
    assert tf.argmax(tf.constant([-np.inf, np.finfo(np.float32).min])).numpy() == 0


@pytest.mark.parametrize("x, axis, error", [
    (np.float32(3.0), None, tf.errors.InvalidArgumentError),   # TF: Expected dimension in the range [0, 0)
    (np.zeros((0, 3), np.float32), 0, tf.errors.InvalidArgumentError),  # Reduction axis 0 is empty
    (np.zeros((2, 3), np.float32), 2, tf.errors.InvalidArgumentError),
    (np.zeros((2, 3), np.float32), [1], TypeError),
    (np.zeros((2, 3), np.float32), 1.0, TypeError),
])
def test_argmax_errors(x, axis, error):
    with pytest.raises(error):
        tf.argmax(tf.constant(x), axis=axis)


def test_count_nonzero():
    x = tf.constant([[1.0, 0.0], [np.nan, 2.0]])
    out = tf.math.count_nonzero(x)
    assert out.dtype == tf.int64 and out.numpy() == 3  # NaN is non-zero
    out = tf.math.count_nonzero(x, axis=1, keepdims=True, dtype=tf.int32)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), [[1], [2]])
    assert tf.math.count_nonzero([True, False, True]).numpy() == 2


@pytest.mark.parametrize("call", [
    lambda: tf.reduce_sum([True, False]), lambda: tf.reduce_max(tf.constant([1j])),
    lambda: tf.reduce_logsumexp([1, 2]), lambda: tf.argmax(tf.constant([1j])),
])
def test_unsupported_dtype_is_invalid_argument(call):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of"):  # as TF 2.21
        call()


# --- gradients ---------------------------------------------------------------------------
def test_max_gradient_is_split_evenly_among_ties():
    # TF: [0, .5, .5, 0] and [[0, .5, .5], [1/3, 1/3, 1/3]]
    np.testing.assert_allclose(grad(tf.reduce_max, [1.0, 3.0, 3.0, 2.0]), [0, 0.5, 0.5, 0])
    np.testing.assert_allclose(grad(lambda x: tf.reduce_max(x, axis=1), [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),
                               [[0, 0.5, 0.5], [1 / 3] * 3])
    np.testing.assert_allclose(grad(lambda x: tf.reduce_min(x, axis=0, keepdims=True), [[1.0, 3.0], [1.0, 2.0]]),
                               [[0.5, 0], [0.5, 1]])


def test_max_gradient_through_nan_is_nan():
    assert np.isnan(grad(tf.reduce_max, [1.0, np.nan, 3.0])).all()  # TF: [nan, nan, nan]


def test_prod_gradient_with_zeros():
    # TF: [0, 6, 0]; all zeros with two zeros; [[3, 4], [2, 0]]
    np.testing.assert_array_equal(grad(tf.reduce_prod, [2.0, 0.0, 3.0]), [0, 6, 0])
    np.testing.assert_array_equal(grad(tf.reduce_prod, [2.0, 0.0, 3.0, 0.0]), [0, 0, 0, 0])
    np.testing.assert_array_equal(grad(lambda x: tf.reduce_prod(x, axis=0), [[2.0, 0.0], [3.0, 4.0]]),
                                  [[3, 4], [2, 0]])


def test_prod_hessian_is_exact_with_zeros():
    # d2 prod / dx_i dx_j = product of the entries other than i and j. (TF 2.21 returns the
    # asymmetric [[0, 0, 0], [3, 0, 2], [0, 0, 0]] here; its cumprod gradient divides by x.)
    np.testing.assert_array_equal(grad(tf.reduce_prod, [2.0, 0.0, 3.0], order=2),
                                  [[0, 3, 0], [3, 0, 2], [0, 2, 0]])
    h = grad(lambda x: tf.reduce_prod(x, axis=1), [[2.0, 0.0, 3.0, 0.0]], order=2).reshape(4, 4)
    expected = np.zeros((4, 4))
    expected[1, 3] = expected[3, 1] = 6.0
    np.testing.assert_array_equal(h, expected)


def test_logsumexp_gradient_is_softmax():
    x = np.array([[1000.0, 1000.0], [1.0, 2.0]])
    g = grad(lambda t: tf.reduce_logsumexp(t, axis=1), x)
    np.testing.assert_allclose(g, np.exp(x - x.max(1, keepdims=True)) / np.exp(x - x.max(1, keepdims=True)).sum(
        1, keepdims=True))
    assert np.isnan(grad(tf.reduce_logsumexp, [-np.inf, -np.inf])).all()  # TF: [nan, nan]


def test_mean_and_variance_gradients():
    np.testing.assert_allclose(grad(lambda x: tf.reduce_mean(x, axis=0), np.ones((4, 2))), np.full((4, 2), 0.25))
    np.testing.assert_allclose(grad(tf.math.reduce_variance, [1.0, 2.0, 4.0]), [-8 / 9, -2 / 9, 10 / 9])
    assert grad(tf.reduce_mean, np.zeros(0)).shape == (0,)


def test_gradient_reaches_a_variable_through_a_reduction():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_prod(tf.reduce_max(v, axis=0))
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [[0, 0], [4, 3]])


@pytest.mark.parametrize("f", [
    lambda x: tf.argmax(x), lambda x: tf.argmin(x), lambda x: tf.reduce_any(x > 0.0),
    lambda x: tf.math.count_nonzero(x),
])
def test_non_differentiable_reductions_give_none(f):
    x = tf.constant([1.0, -2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(f(x), tf.float32)
    assert tape.gradient(y, x) is None


def test_float_axis_is_an_invalid_argument_error():
    # TF: the op's Tidx attr refuses a float axis list or tensor (a Python float is a TypeError).
    x = tf.zeros([2, 3])
    for fn in (tf.reduce_max, tf.reduce_sum, tf.reduce_mean):
        for axis in ([1.5], [1.0], tf.constant(1.0)):
            with pytest.raises(tf.errors.InvalidArgumentError):
                fn(x, axis=axis)
        with pytest.raises(TypeError):
            fn(x, axis=1.0)
