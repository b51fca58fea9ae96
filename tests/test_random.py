"""tapegrad.random: TF's global/op seed semantics, distributions, argument checks, gradients.

Every semantic here was checked against TF 2.21 (values differ, TF uses Philox;
the reproducibility rules are the same).
"""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tapegrad as tf
import tapegrad.random  # noqa: F401 - binds tapegrad.random until __init__ imports it
from tapegrad import errors

rnd = tapegrad.random


@pytest.fixture(autouse=True)
def _unset_global_seed():
    rnd.set_seed(None)
    yield
    rnd.set_seed(None)


def _run_fresh(code):
    """Runs ``code`` in a fresh interpreter; returns its stdout."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         check=True)
    return out.stdout


def _draws():
    """One of each op, unseeded (so the global seed decides)."""
    return [rnd.uniform([3]).numpy(), rnd.normal([2, 2]).numpy(), rnd.truncated_normal([4]).numpy(),
            rnd.shuffle(tf.constant([0, 1, 2, 3, 4, 5, 6, 7])).numpy(),
            rnd.uniform([5], maxval=1000, dtype=tf.int64).numpy()]


# --- namespace -------------------------------------------------------------------------
def test_namespace_lists_the_ops():
    for name in ("normal", "uniform", "truncated_normal", "shuffle", "set_seed"):
        assert callable(getattr(tf.random, name))


def test_plain_import_exposes_random():
    out = _run_fresh("import tapegrad as tf; print(tf.random.normal([2]).shape)")
    assert out.strip() == "(2,)"


# --- global seed -------------------------------------------------------------------------
def test_global_seed_makes_the_sequence_reproducible():
    rnd.set_seed(1234)
    first = _draws()
    rnd.set_seed(1234)
    second = _draws()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_global_seed_sequence_is_reproducible_across_processes():
    code = """
        import tapegrad as tf, tapegrad.random
        tf.random.set_seed(42)
        print(tf.random.uniform([3]).numpy().tolist(), tf.random.normal([2]).numpy().tolist())
    """
    assert _run_fresh(code) == _run_fresh(code)


def test_unseeded_ops_under_a_global_seed_differ_from_each_other():
    # TF docstring: 'A1' then 'A2' -- each call gets its own op seed.
    rnd.set_seed(1234)
    a1, a2 = rnd.uniform([4]).numpy(), rnd.uniform([4]).numpy()
    assert not np.array_equal(a1, a2)


def test_different_global_seeds_give_different_values():
    rnd.set_seed(1)
    a = rnd.uniform([8]).numpy()
    rnd.set_seed(2)
    b = rnd.uniform([8]).numpy()
    assert not np.array_equal(a, b)


def test_every_unseeded_op_takes_the_next_op_seed():
    # TF: after set_seed, (uniform, normal, uniform) gives a third value different from the
    # second of (uniform, uniform): the normal call consumed an op seed.
    rnd.set_seed(1234)
    u1, u2 = rnd.uniform([1]).numpy(), rnd.uniform([1]).numpy()
    rnd.set_seed(1234)
    v1 = rnd.uniform([1]).numpy()
    rnd.normal([1])
    v3 = rnd.uniform([1]).numpy()
    np.testing.assert_array_equal(u1, v1)
    assert not np.array_equal(u2, v3)


# --- op seeds ----------------------------------------------------------------------------
def test_op_seed_repeated_calls_differ_and_set_seed_restarts_them():
    # TF docstring: uniform(seed=1) gives 'A1', 'A2'; set_seed resets the counters.
    rnd.set_seed(1234)
    a1, a2 = rnd.uniform([3], seed=1).numpy(), rnd.uniform([3], seed=1).numpy()
    assert not np.array_equal(a1, a2)
    rnd.set_seed(1234)
    np.testing.assert_array_equal(rnd.uniform([3], seed=1).numpy(), a1)
    np.testing.assert_array_equal(rnd.uniform([3], seed=1).numpy(), a2)


def test_op_seed_without_global_seed_uses_the_default_global_seed():
    # TF: an op seed alone uses DEFAULT_GRAPH_SEED (87654321) as the global seed.
    a = [rnd.uniform([3], seed=5).numpy(), rnd.uniform([3], seed=5).numpy()]
    rnd.set_seed(87654321)
    b = [rnd.uniform([3], seed=5).numpy(), rnd.uniform([3], seed=5).numpy()]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_op_seed_alone_is_reproducible_across_processes():
    code = """
        import tapegrad as tf, tapegrad.random
        print(tf.random.normal([3], seed=7).numpy().tolist(), tf.random.normal([3], seed=7).numpy().tolist())
    """
    assert _run_fresh(code) == _run_fresh(code)


def test_set_seed_none_restarts_op_seed_counters():
    first = rnd.uniform([2], seed=3).numpy()
    rnd.uniform([2], seed=3)
    rnd.set_seed(None)
    np.testing.assert_array_equal(rnd.uniform([2], seed=3).numpy(), first)


def test_both_seeds_matter():
    rnd.set_seed(1)
    a = rnd.uniform([4], seed=1).numpy()
    rnd.set_seed(1)
    b = rnd.uniform([4], seed=2).numpy()
    rnd.set_seed(2)
    c = rnd.uniform([4], seed=1).numpy()
    assert not np.array_equal(a, b) and not np.array_equal(a, c)


def test_counters_are_per_kind_and_dtype_not_per_shape_or_range():
    # TF keys the counter by kernel (op kind and dtype): a normal or a float64 uniform in between
    # does not advance the float32 uniform's counter; a different shape or range does.
    rnd.set_seed(1234)
    u1, u2, u3 = (rnd.uniform([2], seed=1).numpy() for _ in range(3))
    rnd.set_seed(1234)
    np.testing.assert_array_equal(rnd.uniform([2], seed=1).numpy(), u1)
    rnd.normal([2], seed=1)
    rnd.uniform([2], seed=1, dtype=tf.float64)
    np.testing.assert_array_equal(rnd.uniform([2], seed=1).numpy(), u2)
    shifted = rnd.uniform([2], minval=5.0, maxval=6.0, seed=1).numpy()
    np.testing.assert_allclose(shifted, u3 + np.float32(5.0), rtol=1e-6)
    assert not np.array_equal(rnd.uniform([5], seed=1).numpy()[:2], u3)


def test_same_seed_same_values_for_each_op():
    for op in (lambda: rnd.normal([3], seed=9), lambda: rnd.truncated_normal([3], seed=9),
               lambda: rnd.uniform([3], seed=9), lambda: rnd.uniform([3], maxval=50, dtype=tf.int32, seed=9),
               lambda: rnd.shuffle(tf.constant([1, 2, 3, 4, 5, 6]), seed=9)):
        rnd.set_seed(11)
        a = op().numpy()
        rnd.set_seed(11)
        np.testing.assert_array_equal(op().numpy(), a)


# --- no seed -----------------------------------------------------------------------------
def test_no_seed_is_not_reproducible():
    a, b = rnd.uniform([16]).numpy(), rnd.uniform([16]).numpy()
    assert not np.array_equal(a, b)
    code = "import tapegrad as tf, tapegrad.random; print(tf.random.uniform([16]).numpy().tolist())"
    assert _run_fresh(code) != _run_fresh(code)


# --- distributions -----------------------------------------------------------------------
def test_normal_statistics_dtype_and_shape():
    x = rnd.normal([200000], seed=1)
    assert x.dtype == tf.float32 and x.shape == (200000,)
    v = x.numpy()
    assert abs(v.mean()) < 0.01 and abs(v.std() - 1.0) < 0.01
    y = rnd.normal([100000], mean=3.0, stddev=0.5, dtype=tf.float64, seed=2).numpy()
    assert y.dtype == np.float64
    assert abs(y.mean() - 3.0) < 0.01 and abs(y.std() - 0.5) < 0.01


def test_normal_mean_and_stddev_broadcast_with_the_shape():
    # TF: normal([2], mean=[[0.], [10.]]) has shape (2, 2).
    x = rnd.normal([2], mean=[[0.0], [10.0]], seed=1)
    assert x.shape == (2, 2)
    np.testing.assert_allclose(x.numpy()[1] - x.numpy()[0], [10.0, 10.0], rtol=1e-5)
    np.testing.assert_array_equal(rnd.normal([3], stddev=0.0, seed=1).numpy(), np.zeros(3, np.float32))


def test_truncated_normal_stays_within_two_stddevs():
    x = rnd.truncated_normal([100000], mean=1.0, stddev=2.0, seed=3).numpy()
    assert x.dtype == np.float32
    assert np.all(np.abs(x - 1.0) <= 4.0)
    # The std of a standard normal truncated at +-2 is 0.8796.
    assert abs(x.std() / 2.0 - 0.8796) < 0.01 and abs(x.mean() - 1.0) < 0.02


def test_uniform_float_range():
    x = rnd.uniform([100000], seed=1).numpy()
    assert x.dtype == np.float32 and x.min() >= 0.0 and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.01
    y = rnd.uniform([1000], minval=-3.0, maxval=-1.0, seed=2).numpy()
    assert y.min() >= -3.0 and y.max() < -1.0
    # TF: maxval=2 (a Python int) with a float dtype scales to [0, 2).
    z = rnd.uniform([1000], maxval=2, seed=3).numpy()
    assert z.dtype == np.float32 and z.max() < 2.0 and z.max() > 1.0


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_uniform_low_precision_never_reaches_one(dtype):
    if dtype == "bfloat16" and tf.bfloat16 is None:
        pytest.skip("ml_dtypes is not installed")
    x = rnd.uniform([200000], dtype=dtype, seed=1)
    assert x.dtype == dtype
    v = x.numpy().astype(np.float64)
    assert v.min() >= 0.0 and v.max() < 1.0


def test_uniform_min_equal_max_and_reversed_range_for_floats():
    # TF allows these for floats: the values are minval + r * (maxval - minval).
    np.testing.assert_array_equal(rnd.uniform([2], minval=5.0, maxval=5.0, seed=1).numpy(), [5.0, 5.0])
    y = rnd.uniform([100], minval=5.0, maxval=1.0, seed=1).numpy()
    assert y.min() > 1.0 and y.max() <= 5.0


def test_uniform_integers():
    x = rnd.uniform([10000], minval=-3, maxval=4, dtype=tf.int32, seed=1)
    assert x.dtype == tf.int32
    assert set(np.unique(x.numpy()).tolist()) == set(range(-3, 4))
    y = rnd.uniform([10], maxval=2**40, dtype=tf.int64, seed=1)
    assert y.dtype == tf.int64 and y.numpy().max() < 2**40


def test_uniform_integer_needs_maxval():
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype tf.int32"):
        rnd.uniform([2], dtype=tf.int32)


@pytest.mark.parametrize("dtype", [tf.int8, tf.bool, tf.complex64, tf.uint8])
def test_uniform_rejects_other_dtypes(dtype):
    with pytest.raises(ValueError, match="Argument `dtype` got invalid value"):
        rnd.uniform([2], maxval=3, dtype=dtype)


def test_uniform_integer_range_errors():
    with pytest.raises(errors.InvalidArgumentError, match="Need minval < maxval, got 5 >= 5"):
        rnd.uniform([2], minval=5, maxval=5, dtype=tf.int32)
    with pytest.raises(errors.InvalidArgumentError, match="maxval must be 0-D, got shape \\[2\\]"):
        rnd.uniform([2], minval=0, maxval=[3, 4], dtype=tf.int32)
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        rnd.uniform([2], maxval=2.5, dtype=tf.int32)


def test_bounds_and_moments_must_have_the_dtype():
    # TF: convert_to_tensor(mean, dtype=dtype) -- ValueError for a tensor of another dtype,
    # TypeError for a Python float with an integer dtype.
    with pytest.raises(ValueError, match="float32"):
        rnd.normal([2], mean=tf.constant(1.0, dtype=tf.float64))
    with pytest.raises(ValueError):
        rnd.uniform([2], minval=tf.constant(1.0, dtype=tf.float64))
    with pytest.raises(TypeError):
        rnd.normal([2], dtype=tf.int32)
    with pytest.raises(TypeError):
        rnd.truncated_normal([2], dtype=tf.int32)
    with pytest.raises(errors.InvalidArgumentError, match="complex64"):
        rnd.normal([2], dtype=tf.complex64)


@pytest.mark.parametrize("shape", [[2, 3], (2, 3), tf.TensorShape([2, 3]), np.array([2, 3]),
                                   tf.constant([2, 3]), tf.constant([2, 3], dtype=tf.int64)])
def test_shape_argument_forms(shape):
    for op in (rnd.normal, rnd.uniform, rnd.truncated_normal):
        assert op(shape).shape == (2, 3)


def test_scalar_and_empty_shapes():
    assert rnd.normal([]).shape == ()
    assert rnd.uniform([0, 3]).shape == (0, 3)


def test_bad_shapes():
    # TF: a scalar shape, a negative dimension and a float shape are InvalidArgumentErrors.
    with pytest.raises(errors.InvalidArgumentError, match="shape must be a vector"):
        rnd.uniform(3)
    with pytest.raises(errors.InvalidArgumentError, match="Dimension -1 must be >= 0"):
        rnd.uniform([-1])
    with pytest.raises(errors.InvalidArgumentError):
        rnd.normal([2.0])


def test_shuffle_permutes_the_first_dimension():
    x = tf.constant([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]])
    y = rnd.shuffle(x, seed=1)
    assert y.dtype == tf.int32 and y.shape == (5, 2)
    rows = sorted(map(tuple, y.numpy().tolist()))
    assert rows == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    # Over a few draws, the order changes.
    orders = {tuple(rnd.shuffle(tf.constant(list(range(10))), seed=2).numpy().tolist()) for _ in range(5)}
    assert len(orders) > 1


def test_shuffle_scalar_list_and_empty():
    np.testing.assert_array_equal(rnd.shuffle(tf.constant(3.0)).numpy(), 3.0)
    assert sorted(rnd.shuffle([1, 2, 3]).numpy().tolist()) == [1, 2, 3]
    assert rnd.shuffle(tf.zeros([0])).shape == (0,)


def test_shuffle_does_not_change_its_input():
    x = tf.constant([1, 2, 3, 4, 5, 6, 7, 8])
    rnd.shuffle(x, seed=4)
    np.testing.assert_array_equal(x.numpy(), [1, 2, 3, 4, 5, 6, 7, 8])


# --- gradients ---------------------------------------------------------------------------
def test_gradient_flows_to_mean_and_stddev():
    # TF computes rnd * stddev + mean with ordinary ops: d/dmean = n, d/dstddev = sum(rnd).
    m, s = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([m, s])
        y = rnd.normal([3], mean=m, stddev=s, seed=3)
        loss = tf.reduce_sum(y)
    gm, gs = tape.gradient(loss, [m, s])
    assert float(gm) == 3.0
    np.testing.assert_allclose(float(gs), np.sum((y.numpy() - 1.0) / 2.0), rtol=1e-5)


def test_gradient_flows_to_truncated_normal_mean():
    m = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = rnd.truncated_normal([5], mean=m, seed=3)
    assert float(tape.gradient(y, m)) == 5.0


def test_gradient_flows_to_uniform_bounds():
    a, b = tf.constant(1.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = rnd.uniform([4], minval=a, maxval=b, seed=3)
    ga, gb = tape.gradient(y, [a, b])
    r = (y.numpy() - 1.0) / 2.0
    np.testing.assert_allclose(float(ga), np.sum(1.0 - r), rtol=1e-5)
    np.testing.assert_allclose(float(gb), np.sum(r), rtol=1e-5)
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = rnd.uniform([4], maxval=v, seed=3)
    np.testing.assert_allclose(float(tape.gradient(y, v)), np.sum(y.numpy() / 2.0), rtol=1e-5)


def test_shuffle_has_no_gradient():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = rnd.shuffle(x, seed=1)
    assert tape.gradient(y, x) is None


def test_set_seed_accepts_numpy_integers():
    rnd.set_seed(np.int64(5))
    a = rnd.uniform([2]).numpy()
    rnd.set_seed(5)
    np.testing.assert_array_equal(rnd.uniform([2]).numpy(), a)
