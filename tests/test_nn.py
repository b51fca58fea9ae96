"""tapegrad.nn: values against NumPy references and TF 2.21, TF's gradient conventions, stability, errors.

Values marked "TF 2.21" were computed with TensorFlow 2.21 (the peers venv) on the same inputs.
"""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.random  # noqa: F401 - tapegrad.random for the dropout seed tests
from tapegrad import errors
from tapegrad.ops.nn import log_sigmoid
from tapegrad.testing import check_grads

F32 = dict(rtol=1e-6, atol=1e-7)


def _grads(f, *arrays):
    """Gradients of sum(f(*xs)) with respect to each float array, as NumPy."""
    xs = [tg.constant(a) for a in arrays]
    with tg.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return [None if g is None else tg.convert_to_tensor(g).numpy() for g in tape.gradient(y, xs)]


def _np_log_softmax(x, axis):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


@pytest.fixture
def rng():
    return np.random.default_rng(7)


# --- activations -------------------------------------------------------------------------
SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


@pytest.mark.parametrize("fn, ref", [
    (tg.nn.relu, lambda x: np.maximum(x, 0)),
    (tg.nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6)),
    (tg.nn.leaky_relu, lambda x: np.where(x > 0, x, np.float32(0.2).astype(np.float64) * x)),
    (tg.nn.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    (tg.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))),
    (tg.nn.softsign, lambda x: x / (1 + np.abs(x))),
    (tg.nn.silu, lambda x: x / (1 + np.exp(-x))),
    (tg.nn.swish, lambda x: x / (1 + np.exp(-x))),
    (log_sigmoid, lambda x: -np.log1p(np.exp(-x))),
])
def test_activation_values(fn, ref, rng):
    x = rng.uniform(-8, 8, size=(3, 5))
    np.testing.assert_allclose(fn(x).numpy(), ref(x), rtol=1e-12, atol=1e-15)


def test_activation_gradient_conventions_at_kinks():
    x = np.array([-1.0, 0.0, 1.0, 6.0, 7.0], np.float32)
    # TF 2.21: relu, relu6, leaky_relu, elu, selu gradients at these points
    assert _grads(tg.nn.relu, x)[0].tolist() == [0, 0, 1, 1, 1]
    assert _grads(tg.nn.relu6, x)[0].tolist() == [0, 0, 1, 0, 0]
    np.testing.assert_allclose(_grads(tg.nn.leaky_relu, x)[0], [0.2, 0.2, 1, 1, 1], **F32)
    np.testing.assert_allclose(_grads(tg.nn.elu, x)[0], [0.36787945, 1, 1, 1, 1], rtol=1e-6)
    np.testing.assert_allclose(_grads(tg.nn.selu, x)[0], [0.64676857] + [1.050701] * 4, rtol=1e-6)
    np.testing.assert_allclose(_grads(tg.nn.softsign, x)[0], [0.25, 1, 0.25, 0.02040816, 0.015625], **F32)
    assert _grads(lambda v: tg.nn.leaky_relu(v, alpha=2.0), x)[0].tolist()[:2] == [2, 2]


def test_activation_dtypes_and_signed_zero():
    assert tg.nn.relu([1, -2]).dtype == tg.int32
    np.testing.assert_array_equal(tg.nn.relu6(tg.constant([7, 3], tg.uint8)).numpy(), [6, 3])
    out = tg.nn.leaky_relu([1, -2])  # TF 2.21: integers become float32
    assert out.dtype == tg.float32 and out.numpy().tolist() == pytest.approx([1.0, -0.4])
    for fn in (tg.nn.relu, tg.nn.relu6, tg.nn.leaky_relu, tg.nn.elu, tg.nn.selu):
        assert np.signbit(fn(tg.constant([-0.0])).numpy()[0]), fn.__name__  # TF keeps -0.0
        assert np.isnan(fn(tg.constant([np.nan])).numpy()[0])
    # alpha is TF's float attr (float32): in float64 it is 0.2f, not 0.2
    assert tg.nn.leaky_relu(tg.constant([-1.0], tg.float64)).numpy()[0] == -float(np.float32(0.2))


def test_activation_errors():
    for fn in (tg.nn.elu, tg.nn.selu, tg.nn.softsign):
        with pytest.raises(errors.InvalidArgumentError, match="int32 is not in the list of allowed values"):
            fn([1, 2])
    with pytest.raises(errors.InvalidArgumentError):
        tg.nn.relu([True])
    with pytest.raises(TypeError, match="Expected float for argument 'alpha'"):
        tg.nn.leaky_relu([1.0], alpha=tg.constant(0.5))
    with pytest.raises(ValueError, match="floating point"):
        tg.nn.gelu([1, 2])


def test_gelu_matches_tf():
    x = [-3.0, -1.0, 0.0, 1.0, 3.0]
    # TF 2.21 (its docstring values)
    np.testing.assert_allclose(tg.nn.gelu(x).numpy(), [-0.00404951, -0.15865529, 0.0, 0.8413447, 2.9959507],
                               rtol=1e-4)
    np.testing.assert_allclose(tg.nn.gelu(x, approximate=True).numpy(),
                               [-0.00363752, -0.15880796, 0.0, 0.841192, 2.9963627], rtol=1e-4)
    z = np.array([-1.0, 0.0, 1.0, 6.0, 7.0], np.float32)
    # TF 2.21 gradients
    np.testing.assert_allclose(_grads(tg.nn.gelu, z)[0], [-0.08331549, 0.5, 1.0833155, 1, 1], rtol=1e-5)
    np.testing.assert_allclose(_grads(lambda v: tg.nn.gelu(v, approximate=True), z)[0],
                               [-0.08296409, 0.5, 1.0829641, 1, 1], rtol=1e-5)


def test_gelu_exact_against_reference(rng):
    from math import erf
    x = rng.uniform(-4, 4, size=7)
    ref = [0.5 * v * (1 + erf(v / np.sqrt(2))) for v in x]
    np.testing.assert_allclose(tg.nn.gelu(x).numpy(), ref, rtol=1e-12)


def test_silu_beta_is_differentiable():
    # TF 2.21: silu([1, -2], beta=2) and its gradients at x=[1, 2], beta=1.5
    np.testing.assert_allclose(tg.nn.silu([1.0, -2.0], beta=2).numpy(), [0.8807971, -0.03597242], **F32)
    gx, gb = _grads(tg.nn.silu, np.array([1.0, 2.0], np.float32), np.float32(1.5))
    np.testing.assert_allclose(gx, [1.0412941, 1.0881041], rtol=1e-6)
    np.testing.assert_allclose(gb, 0.32985306, rtol=1e-6)


def test_composite_activations_second_order(rng):
    for fn in (tg.nn.gelu, lambda v: tg.nn.gelu(v, approximate=True), log_sigmoid):
        check_grads(fn, [rng.uniform(-3, 3, size=4)], order=2, rng=rng)
    check_grads(tg.nn.silu, [rng.uniform(-3, 3, size=4), np.array(1.3)], order=2, rng=rng)


def test_reexports_from_math():
    assert tg.nn.sigmoid is tg.math.sigmoid and tg.nn.tanh is tg.math.tanh and tg.nn.softplus is tg.math.softplus


# --- softmax --------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, -1, -3])
def test_softmax_and_log_softmax_any_axis(axis, rng):
    x = rng.normal(size=(3, 4, 5)) * 5
    ax = -1 if axis is None else axis
    np.testing.assert_allclose(tg.nn.log_softmax(x, axis=axis).numpy(), _np_log_softmax(x, ax), rtol=1e-12)
    np.testing.assert_allclose(tg.nn.softmax(x, axis=axis).numpy(), np.exp(_np_log_softmax(x, ax)), rtol=1e-12)


def test_softmax_values_and_extreme_logits():
    # TF 2.21 (docstring)
    np.testing.assert_allclose(tg.nn.softmax([-1.0, 0.0, 1.0]).numpy(), [0.09003057, 0.24472848, 0.66524094],
                               rtol=2e-7)
    big = np.array([[1e4, -1e4, 0.0]], np.float32)
    assert tg.nn.softmax(big).numpy().tolist() == [[1, 0, 0]]  # TF 2.21
    assert tg.nn.log_softmax(big).numpy().tolist() == [[0, -20000, -10000]]  # TF 2.21
    w = np.array([[0.3, -1.0, 2.0]], np.float32)
    for fn in (tg.nn.softmax, tg.nn.log_softmax):
        assert np.isfinite(_grads(lambda v: fn(v) * w, big)[0]).all()
    assert tg.nn.softmax(tg.zeros([2, 0])).shape == (2, 0)


def test_softmax_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"`dim` must be in the range \[-2, 2\)"):
        tg.nn.softmax(tg.zeros([2, 3]), axis=2)
    with pytest.raises(errors.InvalidArgumentError, match=r"`dim` must be in the range"):
        tg.nn.log_softmax(tg.zeros([2, 3]), axis=-3)
    with pytest.raises(errors.InvalidArgumentError, match="at least|>= 1 dimension"):
        tg.nn.softmax(1.0)
    with pytest.raises(errors.InvalidArgumentError, match="int32 is not in the list"):
        tg.nn.softmax([1, 2])


# --- cross-entropy losses ----------------------------------------------------------------------
def test_softmax_cross_entropy_values(rng):
    x, z = rng.normal(size=(4, 5)), rng.dirichlet(np.ones(5), size=4)
    np.testing.assert_allclose(tg.nn.softmax_cross_entropy_with_logits(labels=z, logits=x).numpy(),
                               -(z * _np_log_softmax(x, -1)).sum(-1), rtol=1e-12)
    # TF 2.21 (docstring); axis=0; labels broadcast against the logits
    np.testing.assert_allclose(tg.nn.softmax_cross_entropy_with_logits(
        labels=[[1.0, 0.0, 0.0], [0.0, 0.8, 0.2]], logits=[[4.0, 2.0, 1.0], [0.0, 5.0, 1.0]]).numpy(),
        [0.16984604, 0.82474494], **F32)
    np.testing.assert_allclose(tg.nn.softmax_cross_entropy_with_logits(
        labels=[[1.0, 0], [0, 1], [0.5, 0.5]], logits=[[1.0, 2.0], [3, 4], [5, 6]], axis=0).numpy(),
        [4.2143974, 2.2143974], **F32)
    np.testing.assert_allclose(tg.nn.softmax_cross_entropy_with_logits(labels=[1.0, 0, 0], logits=tg.zeros([2, 3]))
                               .numpy(), [1.0986123] * 2, **F32)
    half = tg.nn.softmax_cross_entropy_with_logits(labels=[[0, 1]], logits=tg.constant([[1, 2]], tg.float16))
    assert half.dtype == tg.float16 and half.numpy()[0] == np.float16(0.3132)  # TF 2.21


def test_softmax_cross_entropy_gradients_follow_tf():
    # TF 2.21, labels that do not sum to 1: logits get softmax - labels, labels get -log_softmax
    gz, gx = _grads(lambda z, x: tg.nn.softmax_cross_entropy_with_logits(labels=z, logits=x),
                    np.array([[2.0, 0.0, 1.0]], np.float32), np.array([[1.0, 2.0, 3.0]], np.float32))
    np.testing.assert_allclose(gz, [[2.407606, 1.4076059, 0.40760595]], rtol=1e-6)
    np.testing.assert_allclose(gx, [[-1.9099694, 0.24472848, -0.33475906]], rtol=1e-6)


def test_sparse_softmax_cross_entropy_values_and_second_order(rng):
    logits = [[2.0, -5.0, 0.5, -0.1], [0.0, 0.0, 1.9, 1.4], [-100.0, 100.0, -100.0, -100.0]]
    np.testing.assert_allclose(tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3, 1], logits=logits)
                               .numpy(), [0.29750752, 1.1448325, 0.0], **F32)  # TF 2.21 (docstring)
    x, z = rng.normal(size=(2, 3, 4)), np.array([[0, 3, 1], [2, 2, 0]])
    np.testing.assert_allclose(tg.nn.sparse_softmax_cross_entropy_with_logits(labels=z, logits=x).numpy(),
                               -np.take_along_axis(_np_log_softmax(x, -1), z[..., None], -1)[..., 0], rtol=1e-12)
    assert tg.nn.sparse_softmax_cross_entropy_with_logits(labels=tg.constant([0, 1], tg.int64),
                                                          logits=tg.zeros([2, 3], tg.float64)).dtype == tg.float64
    # Second order equals the dense loss's with one-hot labels (the same function of the logits).
    w = rng.normal(size=(2, 3, 4))

    def grad_dot_w(loss):
        xs = tg.constant(x)
        with tg.GradientTape() as outer:
            outer.watch(xs)
            with tg.GradientTape() as inner:
                inner.watch(xs)
                y = loss(xs)
            g = inner.gradient(y, xs)
            s = tg.reduce_sum(g * w)
        return outer.gradient(s, xs).numpy()

    onehot = np.eye(4)[z]
    np.testing.assert_allclose(
        grad_dot_w(lambda v: tg.nn.sparse_softmax_cross_entropy_with_logits(labels=z, logits=v)),
        grad_dot_w(lambda v: tg.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=v)), rtol=1e-10)


def test_sparse_softmax_cross_entropy_errors():
    with pytest.raises(errors.InvalidArgumentError) as e:
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 5], logits=tg.zeros([2, 3]))
    # TF 2.21's message
    assert "Received a label value of 5 which is outside the valid range of [0, 3).  Label values: 0 5" in str(e.value)
    with pytest.raises(errors.InvalidArgumentError, match="label value of -1 .*Label values: -1 0"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[-1, 0], logits=tg.zeros([2, 3]))
    with pytest.raises(errors.InvalidArgumentError, match="Label values: 0 5 1 1"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[[0, 5], [1, 1]], logits=tg.zeros([2, 2, 3]))
    with pytest.raises(ValueError, match=r"`labels.shape.rank` must equal `logits.shape.rank - 1`"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[[0, 1]], logits=tg.zeros([2, 3]))
    with pytest.raises(ValueError, match="except for the last dimension"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 2], logits=tg.zeros([2, 3]))
    with pytest.raises(ValueError, match="cannot be a scalar"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=0, logits=0.0)
    with pytest.raises(errors.InvalidArgumentError, match="'Tlabels' of float32"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[0.0, 1.0], logits=tg.zeros([2, 3]))
    with pytest.raises(errors.InvalidArgumentError, match="at least one class"):
        tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1], logits=tg.zeros([2, 0]))


def test_softmax_cross_entropy_errors():
    with pytest.raises(errors.InvalidArgumentError, match="must be broadcastable"):
        tg.nn.softmax_cross_entropy_with_logits(labels=[[1.0, 0]], logits=tg.zeros([2, 3]))
    with pytest.raises(errors.InvalidArgumentError, match="int32 is not in the list"):
        tg.nn.softmax_cross_entropy_with_logits(labels=[[0, 1]], logits=[[1, 2]])
    with pytest.raises(errors.InvalidArgumentError, match="`dim` must be in the range"):
        tg.nn.softmax_cross_entropy_with_logits(labels=tg.ones([2, 3]) / 3, logits=tg.ones([2, 3]), axis=2)


def test_sigmoid_and_weighted_cross_entropy_values(rng):
    x, z, q = rng.normal(size=6) * 4, rng.uniform(size=6), 1.7
    sp = np.log1p(np.exp(-x))
    np.testing.assert_allclose(tg.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x).numpy(),
                               x - x * z + sp, rtol=1e-12)
    np.testing.assert_allclose(tg.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=q).numpy(),
                               (1 - z) * x + (1 + (q - 1) * z) * sp, rtol=1e-12)
    # TF 2.21 (docstrings)
    np.testing.assert_allclose(tg.nn.sigmoid_cross_entropy_with_logits(
        labels=[0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5], logits=[1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 0.0]).numpy(),
        [1.3132617, 0.3132617, 0.6931472, 0.3132617, 1.3132617, 0.6931472, 0.6931472], **F32)
    labels, logits = [1.0, 0.5, 0.0], [1.5, -0.1, -10.0]
    np.testing.assert_allclose(tg.nn.weighted_cross_entropy_with_logits(labels, logits, tg.constant(1.5)).numpy(),
                               [3.0211994e-01, 8.8049585e-01, 4.5776367e-05], **F32)
    np.testing.assert_allclose(tg.nn.weighted_cross_entropy_with_logits(labels, logits, 0.5).numpy(),
                               [1.00706644e-01, 5.08297503e-01, 4.57763672e-05], **F32)


def test_sigmoid_and_weighted_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"must have the same shape, received \(\(3,\) vs \(2,\)\)"):
        tg.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0], logits=[1.0, 2, 3])
    with pytest.raises(ValueError, match="Both `labels` and `logits` must be provided"):
        tg.nn.sigmoid_cross_entropy_with_logits(logits=[1.0, 2, 3])
    with pytest.raises(errors.InvalidArgumentError, match="Mul"):  # TF 2.21: int labels with float logits
        tg.nn.sigmoid_cross_entropy_with_logits(labels=[1, 0, 1], logits=[1.0, 2, 3])
    with pytest.raises(ValueError, match="same shape"):
        tg.nn.weighted_cross_entropy_with_logits(labels=[1.0, 0, 1], logits=[[1.0, 2, 3]], pos_weight=2.0)


def test_losses_stable_at_extreme_logits():
    big = np.array([[1e4, -1e4, 0.0]], np.float32)
    for dt in (np.float32, np.float64):
        x = big.astype(dt)
        cases = [
            lambda z, v: tg.nn.softmax_cross_entropy_with_logits(labels=z, logits=v),
            lambda z, v: tg.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=v),
            lambda z, v: tg.nn.weighted_cross_entropy_with_logits(labels=z, logits=v, pos_weight=3.0),
        ]
        z = np.array([[0.0, 1.0, 0.0]], dt)
        for loss in cases:
            assert np.isfinite(loss(tg.constant(z), tg.constant(x)).numpy()).all()
            assert all(np.isfinite(g).all() for g in _grads(loss, z, x))
        sparse = lambda v: tg.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=v)  # noqa: E731
        assert sparse(x).numpy().tolist() == [20000]  # TF 2.21
        assert _grads(sparse, x)[0].tolist() == [[1, -1, 0]]  # TF 2.21
        assert np.isfinite(_grads(log_sigmoid, x)[0]).all()
    # TF 2.21 values and gradients at extreme logits
    x, z = np.array([1e4, -1e4, 0.0], np.float32), np.array([0.0, 1.0, 0.5], np.float32)
    gz, gx = _grads(lambda a, b: tg.nn.softmax_cross_entropy_with_logits(labels=a, logits=b),
                    np.array([[0.0, 1.0, 0.0]], np.float32), big)
    assert gz.tolist() == [[0, 20000, 10000]] and gx.tolist() == [[1, -1, 0]]
    np.testing.assert_allclose(tg.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x).numpy(),
                               [1e4, 1e4, 0.6931472], **F32)
    gz, gx = _grads(lambda a, b: tg.nn.sigmoid_cross_entropy_with_logits(labels=a, logits=b), z, x)
    assert gz.tolist() == [-1e4, 1e4, 0] and gx.tolist() == [1, -1, 0]
    gz, gx, gq = _grads(lambda a, b, c: tg.nn.weighted_cross_entropy_with_logits(a, b, c), z, x, np.float32(2))
    np.testing.assert_allclose(gz, [-1e4, 2e4, 0.6931472], **F32)
    np.testing.assert_allclose(gx, [1, -2, 0.5], **F32)  # 0.5 at x == 0: TF's |x| and relu have gradient 0 there
    np.testing.assert_allclose(gq, 10000.347, rtol=1e-7)
    np.testing.assert_allclose(log_sigmoid(x).numpy(), [0, -1e4, -0.6931472], **F32)
    np.testing.assert_allclose(_grads(log_sigmoid, x)[0], [0, 1, 0.5], **F32)


def test_l2_loss():
    assert tg.nn.l2_loss([1.0, -2.0]).numpy() == 2.5  # TF 2.21
    assert tg.nn.l2_loss(tg.constant([1, 2], tg.float16)).dtype == tg.float16
    t = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert _grads(tg.nn.l2_loss, t)[0].tolist() == t.tolist()
    with pytest.raises(errors.InvalidArgumentError, match="int32 is not in the list"):
        tg.nn.l2_loss([1, 2])


# --- bias_add, normalization ---------------------------------------------------------------------
def test_bias_add_values_and_gradients(rng):
    v, b = rng.normal(size=(2, 3, 4)), rng.normal(size=4)
    np.testing.assert_array_equal(tg.nn.bias_add(v, b).numpy(), v + b)
    np.testing.assert_array_equal(tg.nn.bias_add(v, b, data_format="NWC").numpy(), v + b)
    c = rng.normal(size=3)
    np.testing.assert_array_equal(tg.nn.bias_add(v, c, data_format="NCHW").numpy(), v + c[:, None])
    np.testing.assert_array_equal(tg.nn.bias_add(v[0], b, data_format="NCHW").numpy(), v[0] + b)  # rank 2: last
    assert _grads(lambda x, y: tg.nn.bias_add(x, y, data_format="NCHW"), np.ones((2, 3, 4)), c)[1].tolist() == [8] * 3
    assert tg.nn.bias_add(tg.zeros([2, 3], tg.int32), [1, 2, 3]).dtype == tg.int32


def test_bias_add_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"at least 2D: \[3\]"):
        tg.nn.bias_add(tg.zeros([3]), [1.0, 2, 3])
    with pytest.raises(errors.InvalidArgumentError, match=r"Biases must be 1D: \[1,3\]"):
        tg.nn.bias_add(tg.zeros([2, 3]), [[1.0, 2, 3]])
    with pytest.raises(errors.InvalidArgumentError, match=r"as many biases .*: \[2\] vs. \[2,3,4\]"):
        tg.nn.bias_add(tg.zeros([2, 3, 4]), [1.0, 2], data_format="NCHW")
    with pytest.raises(ValueError, match="`data_format` must be of the form"):
        tg.nn.bias_add(tg.zeros([2, 3, 4]), [1.0, 2, 3], data_format="CHWN")
    with pytest.raises(errors.InvalidArgumentError, match="BiasAdd"):
        tg.nn.bias_add(tg.zeros([2, 3]), tg.constant([1.0, 2, 3], tg.float64))


def test_l2_normalize(rng):
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(tg.nn.l2_normalize(x, axis=1).numpy(),
                               x / np.linalg.norm(x, axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(tg.nn.l2_normalize(x).numpy(), x / np.linalg.norm(x), rtol=1e-12)
    np.testing.assert_allclose(tg.nn.l2_normalize([[3.0], [4.0]], dim=0).numpy(), [[0.6], [0.8]], **F32)
    assert _grads(tg.nn.l2_normalize, np.zeros(3, np.float32))[0].tolist() == [1e6] * 3  # TF 2.21: 1/sqrt(eps)
    check_grads(lambda v: tg.nn.l2_normalize(v, axis=0), [x], order=2, rng=rng)


def test_moments(rng):
    x = rng.normal(size=(3, 4, 5))
    mean, var = tg.nn.moments(x, axes=[0, 2])
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), x.var(axis=(0, 2)), rtol=1e-12)
    mean, var = tg.nn.moments(x, axes=-1, keepdims=True)
    assert mean.shape == (3, 4, 1) and var.shape == (3, 4, 1)
    # TF 2.21: values, the variance's gradient, and float16 (reduced in float32)
    data = np.array([[1.0, 2.0], [3.0, 5.0]], np.float32)
    assert [t.numpy().tolist() for t in tg.nn.moments(data, axes=[0])] == [[2, 3.5], [1, 2.25]]
    assert _grads(lambda v: tg.nn.moments(v, axes=[0])[1], data)[0].tolist() == [[-1, -1.5], [1, 1.5]]
    m16, v16 = tg.nn.moments(tg.constant([1, 2, 4], tg.float16), axes=[0])
    assert m16.dtype == tg.float16
    assert m16.numpy() == np.float16(2.333984375) and v16.numpy() == np.float16(1.5556640625)
    check_grads(lambda v: tg.nn.moments(v, axes=[0, 2]), [x], order=1, rng=rng)
    # TF 2.21's second order: its stop_gradient(mean) makes the variance's Hessian 2/n * I (not 2/n * (I - 1/n))
    v = tg.constant([1.0, 2.0, 4.0], tg.float64)
    with tg.GradientTape() as outer:
        outer.watch(v)
        with tg.GradientTape() as inner:
            inner.watch(v)
            variance = tg.nn.moments(v, axes=[0])[1]
        g = inner.gradient(variance, v)
    np.testing.assert_allclose(outer.jacobian(g, v).numpy(), np.eye(3) * 2 / 3, rtol=1e-12)


def test_batch_normalization(rng):
    x, m, v, o, s = rng.normal(size=(4, 3)), rng.normal(size=3), rng.uniform(0.5, 2, 3), rng.normal(size=3), \
        rng.normal(size=3)
    np.testing.assert_allclose(tg.nn.batch_normalization(x, m, v, o, s, 1e-3).numpy(),
                               s * (x - m) / np.sqrt(v + 1e-3) + o, rtol=1e-12)
    np.testing.assert_allclose(tg.nn.batch_normalization(x, m, v, None, None, 0.0).numpy(),
                               (x - m) / np.sqrt(v), rtol=1e-12)
    # TF 2.21
    out = tg.nn.batch_normalization(tg.constant([[1.0, 2.0], [3.0, 5.0]]), 2.0, 1.5, None, None, 1e-3)
    np.testing.assert_allclose(out.numpy(), [[-0.8162245, 0.0], [0.81622446, 2.4486732]], **F32)
    check_grads(lambda *a: tg.nn.batch_normalization(*a, 1e-3), [x, m, v, o, s], order=2, rng=rng)


# --- dropout, embeddings -------------------------------------------------------------------------
@pytest.fixture
def _no_global_seed():
    tapegrad.random.set_seed(None)
    yield
    tapegrad.random.set_seed(None)


def test_dropout_scales_kept_units(_no_global_seed):
    x = tg.constant(np.arange(1.0, 10001.0))
    y = tg.nn.dropout(x, 0.3, seed=5).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], x.numpy()[kept] / 0.7, rtol=1e-12)
    assert abs(kept.mean() - 0.7) < 0.03
    g = _grads(lambda v: tg.nn.dropout(v, tg.constant(0.3, tg.float64), seed=5), x.numpy())[0]
    assert set(np.round(g, 12).tolist()) == {0.0, round(1 / 0.7, 12)}
    rows = tg.nn.dropout(tg.ones([50, 3]), 0.5, noise_shape=[None, 1], seed=1).numpy()
    assert all(len(set(r)) == 1 for r in rows.tolist()) and {0.0, 2.0} == set(rows.ravel().tolist())


def test_dropout_seeding_follows_tapegrad_random(_no_global_seed):
    x = tg.ones([100])
    tapegrad.random.set_seed(3)
    a = tg.nn.dropout(x, 0.5).numpy()
    tapegrad.random.set_seed(3)
    assert (tg.nn.dropout(x, 0.5).numpy() == a).all()
    tapegrad.random.set_seed(3)
    assert tg.nn.dropout(x, 0.0) is x  # rate 0 returns x but, as in TF, still takes an op seed
    assert (tg.nn.dropout(x, 0.5).numpy() != a).any()


def test_dropout_errors():
    for rate in (1.0, -0.1, 1):
        with pytest.raises(ValueError, match=r"in the range \[0, 1\)"):
            tg.nn.dropout(tg.ones([3]), rate)
    with pytest.raises(ValueError, match="must be a floating point tensor"):
        tg.nn.dropout(tg.ones([3], tg.int32), 0.5)
    with pytest.raises(ValueError, match="must be a scalar or scalar tensor"):
        tg.nn.dropout(tg.ones([3]), [0.5, 0.5])
    with pytest.raises(ValueError, match="must have rank 0"):
        tg.nn.dropout(tg.ones([3]), tg.constant([0.5, 0.5]))
    with pytest.raises(ValueError, match="compatible with `rate.dtype`"):
        tg.nn.dropout(tg.ones([3]), tg.constant(0.5, tg.float64))


def test_embedding_lookup():
    params = tg.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    # TF 2.21
    assert tg.nn.embedding_lookup(params, [[2, 0]]).numpy().tolist() == [[[5, 6], [1, 2]]]
    np.testing.assert_allclose(tg.nn.embedding_lookup(tg.constant([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]]), [1, 2],
                                                      max_norm=1.0).numpy(), [[0.6, 0.8], [0, 0]], **F32)
    assert tg.nn.embedding_lookup([params[:2], params[2:]], [2, 0, 1]).numpy().tolist() == [[5, 6], [1, 2], [3, 4]]
    g = _grads(lambda p: tg.nn.embedding_lookup(p, [0, 0, 2]), params.numpy())[0]
    assert g.tolist() == [[2, 2], [0, 0], [1, 1]]
    with pytest.raises(errors.InvalidArgumentError):
        tg.nn.embedding_lookup(params, [3])
