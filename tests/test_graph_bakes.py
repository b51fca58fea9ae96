"""Graph mode never bakes a traced argument's value: ops that read a tensor argument in Python.

Each test traces ``tapegrad.function`` on one value of a tensor argument and calls it with another of
the same shape and dtype: the result (and gradient) must be eager's, whether the op reads the value
under a guard (another value traces again), computes with it by equations, or checks it when the graph
runs. tests/test_graph_specs.py does the same for the primitives' own inputs.
"""
import numpy as np
import pytest

import tapegrad as tf
from tapegrad._core import nest

InvalidArgumentError = tf.errors.InvalidArgumentError

pytestmark = pytest.mark.filterwarnings("ignore:.*triggered tf.function retracing")


def _outputs_and_grads(fn, args, wrt):
    with tf.GradientTape() as tape:
        for i in wrt:
            tape.watch(args[i])
        out = fn(*args)
    flat = [tf.convert_to_tensor(o) for o in nest.flatten(out)]
    if not wrt:
        return flat, []
    diff = [o for o in flat if o.dtype.is_floating or o.dtype.is_complex]
    grads = tape.gradient(diff, [args[i] for i in wrt])
    return flat, [g if g is None else tf.convert_to_tensor(g) for g in grads]  # IndexedSlices made dense


def _matches_eager(fn, *calls, wrt=(), rtol=1e-6, atol=1e-7):
    """Traces ``fn`` on the first call's arguments, then checks every call (values and the gradients with respect
    to the arguments at positions ``wrt``) against eager execution. Arguments become tensors."""
    traced = tf.function(lambda *xs: _outputs_and_grads(fn, list(xs), wrt))
    for args in calls:
        xs = [a if isinstance(a, tf.Tensor) else tf.constant(a) for a in args]
        got_out, got_grads = traced(*xs)
        want_out, want_grads = _outputs_and_grads(fn, xs, wrt)
        assert len(got_out) == len(want_out)
        for g, w in zip(list(got_out) + list(got_grads), list(want_out) + list(want_grads)):
            assert (g is None) == (w is None)
            if w is not None:
                np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=rtol, atol=atol)
    return traced


def _f32(*values):
    return [np.asarray(v, np.float32) for v in values]


# --- array_extra.py ------------------------------------------------------------------------------
def test_unravel_index_checks_each_calls_values():
    traced = _matches_eager(tf.unravel_index, ([1, 5], [2, 3]), ([0, 4], [3, 2]))
    with pytest.raises(InvalidArgumentError, match="index is out of bound"):
        traced(tf.constant([1, 6]), tf.constant([2, 3]))
    with pytest.raises(InvalidArgumentError, match="dims cannot contain a dim of zero"):
        traced(tf.constant([0, 0]), tf.constant([0, 3]))


def test_histogram_fixed_width_nbins_range_and_nan_check():
    values = np.array([0.5, 1.5, 2.5, 4.9, -1.0, 7.0], np.float32)
    traced = _matches_eager(lambda v, r, n: tf.histogram_fixed_width(v, r, n),
                            (values, _f32([0.0, 5.0])[0], 3), (values[::-1].copy(), _f32([0.0, 5.0])[0], 5),
                            (values, _f32([-1.0, 2.0])[0], 3))
    with pytest.raises(InvalidArgumentError, match="value_range\\[0\\] < value_range\\[1\\]"):
        traced(tf.constant(values), tf.constant([2.0, 1.0]), tf.constant(3))
    with pytest.raises(InvalidArgumentError, match="must not contain NaN"):
        traced(tf.constant(np.where(values >= 7, np.nan, values).astype(np.float32)), tf.constant([0.0, 5.0]),
               tf.constant(3))


def test_histogram_fixed_width_bins_checks_nbins_when_the_graph_runs():
    values = np.array([0.5, 1.5, 2.5, 4.9], np.float32)
    traced = _matches_eager(lambda v, r, n: tf.histogram_fixed_width_bins(v, r, n),
                            (values, _f32([0.0, 5.0])[0], 3), (values, _f32([0.0, 5.0])[0], 7))
    with pytest.raises(InvalidArgumentError, match="nbins .* must > 0"):
        traced(tf.constant(values), tf.constant([0.0, 5.0]), tf.constant(0))


def test_dynamic_stitch_length_follows_the_indices():
    def stitch(i, d):
        out = tf.dynamic_stitch([i, [1]], [d, [9.0]])
        return out, tf.shape(out)

    traced = _matches_eager(stitch, ([0, 2, 1], _f32([1, 2, 3])[0]), ([4, 0, 2], _f32([5, 6, 7])[0]), wrt=(1,))
    with pytest.raises(InvalidArgumentError, match="indices\\[0\\] is out of range"):
        traced(tf.constant([0, -1, 2]), tf.constant([1.0, 2.0, 3.0]))


def test_dynamic_partition_outputs_follow_the_partitions():
    def partition(x, p):
        parts = tf.dynamic_partition(x, p, 2)
        return [q * q for q in parts] + [tf.shape(q) for q in parts]

    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    traced = _matches_eager(partition, (x, [0, 1, 1, 0]), (x + 1, [1, 1, 1, 0]), (x, [0, 0, 0, 0]), wrt=(0,))
    with pytest.raises(InvalidArgumentError, match="partitions\\[2\\] = 2 is not in \\[0, 2\\)"):
        traced(tf.constant(x), tf.constant([0, 1, 2, 0]))


def test_space_to_batch_block_and_paddings():
    x = np.arange(12, dtype=np.float32).reshape(1, 12, 1)
    _matches_eager(tf.space_to_batch_nd, (x, [2], [[0, 0]]), (x, [3], [[0, 0]]), (x, [2], [[1, 1]]), wrt=(0,))


def test_batch_to_space_block_and_crops():
    y = np.arange(24, dtype=np.float32).reshape(4, 6, 1)
    _matches_eager(tf.batch_to_space, (y, [2], [[0, 0]]), (y, [4], [[1, 2]]), (y, [2], [[3, 0]]), wrt=(0,))


def test_required_space_to_batch_paddings():
    _matches_eager(tf.required_space_to_batch_paddings, ([5, 7], [2, 3]), ([6, 4], [4, 4]))


# --- linalg.py -------------------------------------------------------------------------------------
def test_band_part_counts():
    x = np.arange(1, 17, dtype=np.float32).reshape(4, 4)
    _matches_eager(tf.linalg.band_part, (x, 1, 0), (x, 0, 2), (x, -1, 0), wrt=(0,))


def test_diag_part_index_and_padding():
    x = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    _matches_eager(lambda x, k, p: tf.linalg.diag_part(x, k=k, padding_value=p),
                   (x, [-1, 1], np.float32(0)), (x, [0, 2], np.float32(7)), (x, [1, 1], np.float32(0)), wrt=(0,))


def test_diag_index_rows_columns_and_padding():
    d = np.array([1.0, 2.0, 3.0], np.float32)
    _matches_eager(lambda d, k, r, c, p: tf.linalg.diag(d, k=k, num_rows=r, num_cols=c, padding_value=p),
                   (d, 0, 3, 4, np.float32(0)), (d, 0, 4, 3, np.float32(5)), (d, 1, -1, -1, np.float32(0)),
                   wrt=(0,))


def test_set_diag_index():
    m = np.arange(9, dtype=np.float32).reshape(3, 3)
    _matches_eager(lambda m, d, k: tf.linalg.set_diag(m, d, k=k), (m, _f32([7, 8])[0], 1), (m, _f32([5, 6])[0], -1),
                   wrt=(0, 1))


def test_lstsq_minimum_norm_is_computed_for_each_call():
    rng = np.random.default_rng(0)
    a1, a2 = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3))
    b1, b2 = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 4, 2))
    _matches_eager(lambda a, b: tf.linalg.lstsq(a, b, fast=False), (a1, b1), (a2, b2), rtol=1e-10)
    a, b = tf.constant(a1), tf.constant(b1)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.function(lambda a, b: tf.linalg.lstsq(a, b, fast=False))(a, b)
    with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
        tape.gradient(y, a)


# --- linalg_extra.py ---------------------------------------------------------------------------------
def test_banded_triangular_solve_checks_the_diagonal_when_the_graph_runs():
    bands, rhs = _f32([[2, 3, 4], [0, 1, 1]], [[1], [2], [3]])
    traced = _matches_eager(tf.linalg.banded_triangular_solve, (bands, rhs), (bands * 2, rhs + 1), wrt=(0, 1),
                            rtol=1e-5)
    with pytest.raises(InvalidArgumentError, match="Input matrix is not invertible"):
        traced(tf.constant([[2.0, 0.0, 4.0], [0.0, 1.0, 1.0]]), tf.constant(rhs))


def test_eigh_tridiagonal_selects_values_in_each_calls_range():
    beta = _f32([0.1, 0.2])[0]
    _matches_eager(lambda a, b, lo, hi: tf.linalg.eigh_tridiagonal(a, b, select="v", select_range=[lo, hi]),
                   (_f32([1, 2, 3])[0], beta, np.float32(0.5), np.float32(2.5)),
                   (_f32([1, 5, 3])[0], beta, np.float32(0.5), np.float32(2.5)),
                   (_f32([1, 2, 3])[0], beta, np.float32(0.0), np.float32(9.0)), wrt=(0, 1), rtol=1e-5, atol=1e-6)
    traced = tf.function(lambda a, b, lo, hi: tf.linalg.eigh_tridiagonal(a, b, select="v", select_range=[lo, hi]))
    traced(tf.constant([1.0, 2.0, 3.0]), tf.constant(beta), tf.constant(0.5), tf.constant(2.5))
    with pytest.raises(InvalidArgumentError, match="Got empty interval"):
        traced(tf.constant([1.0, 2.0, 3.0]), tf.constant(beta), tf.constant(2.5), tf.constant(0.5))


def test_eigh_tridiagonal_selects_each_calls_index_range():
    beta = _f32([0.1, 0.2])[0]
    _matches_eager(lambda a, b, lo, hi: tf.linalg.eigh_tridiagonal(a, b, eigvals_only=False, select="i",
                                                                   select_range=[lo, hi]),
                   (_f32([1, 2, 3])[0], beta, 0, 1), (_f32([1, 2, 3])[0], beta, 1, 2), (_f32([1, 2, 3])[0], beta, 2, 2),
                   wrt=(0,), rtol=1e-5, atol=1e-6)
    _matches_eager(lambda a, b, r: tf.linalg.eigh_tridiagonal(a, b, select="i", select_range=r),  # one tensor
                   (_f32([1, 2, 3])[0], beta, [0, 1]), (_f32([3, 2, 1])[0], beta, [2, 2]), wrt=(0,), rtol=1e-5,
                   atol=1e-6)


# --- nn_more.py -----------------------------------------------------------------------------------------
def test_ctc_loss_checks_label_length_when_the_graph_runs():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 2, 4)).astype(np.float32)
    labels = np.array([[1, 2, 1], [3, 3, 0]], np.int32)
    fn = lambda lab, x, ll, tl: tf.nn.ctc_loss(lab, x, ll, tl)  # noqa: E731
    traced = _matches_eager(fn, (labels, logits, [3, 2], [6, 5]), (labels, logits * 2, [2, 1], [6, 6]), wrt=(1,),
                            rtol=1e-5, atol=1e-5)
    with pytest.raises(InvalidArgumentError, match="label_length must be in \\[0, 3\\]"):
        traced(tf.constant(labels), tf.constant(logits), tf.constant([4, 2]), tf.constant([6, 6]))


def test_collapse_repeated_width_follows_the_labels():
    def collapse(labels, lengths):
        out, new_len = tf.nn.collapse_repeated(labels, lengths)
        return out, new_len, tf.shape(out)

    _matches_eager(collapse, ([[1, 1, 2, 0], [3, 3, 3, 3]], [4, 4]), ([[1, 2, 3, 4], [1, 1, 1, 1]], [4, 4]),
                   ([[1, 2, 3, 4], [1, 1, 1, 1]], [2, 1]))


def test_with_space_to_batch_dilation_rate_and_filter_shape():
    x = np.arange(12, dtype=np.float32).reshape(1, 12, 1)

    def dilated_diff(x, rate, filter_shape):
        return tf.nn.with_space_to_batch(x, rate, "SAME", lambda y, n, pad: y[:, 1:] - y[:, :-1] if
                                         y.shape[1] > 1 else y, filter_shape=filter_shape)

    _matches_eager(dilated_diff, (x, [2], [2]), (x, [3], [2]), (x, [2], [3]), wrt=(0,))


def test_depthwise_conv2d_backprop_input_sizes():
    rng = np.random.default_rng(2)
    w, g = rng.normal(size=(3, 3, 1, 1)).astype(np.float32), rng.normal(size=(1, 3, 3, 1)).astype(np.float32)
    _matches_eager(lambda sizes, w, g: tf.nn.depthwise_conv2d_backprop_input(sizes, w, g, [1, 2, 2, 1], "SAME"),
                   ([1, 5, 5, 1], w, g), ([1, 6, 6, 1], w, g), wrt=(1, 2), rtol=1e-5, atol=1e-6)


def test_depthwise_conv2d_backprop_filter_sizes():
    rng = np.random.default_rng(2)
    x, g = rng.normal(size=(1, 5, 5, 1)).astype(np.float32), rng.normal(size=(1, 3, 3, 1)).astype(np.float32)
    _matches_eager(lambda x, sizes, g: tf.nn.depthwise_conv2d_backprop_filter(x, sizes, g, [1, 2, 2, 1], "SAME"),
                   (x, [3, 3, 1, 1], g), (x, [1, 1, 1, 1], g), (x, [2, 3, 1, 1], g), wrt=(0, 2), rtol=1e-5,
                   atol=1e-6)


def test_atrous_conv2d_transpose_output_shape():
    rng = np.random.default_rng(2)
    v, f = rng.normal(size=(1, 4, 4, 2)).astype(np.float32), rng.normal(size=(3, 3, 1, 2)).astype(np.float32)
    traced = _matches_eager(lambda v, f, s: tf.nn.atrous_conv2d_transpose(v, f, s, 2, "SAME"), (v, f, [1, 4, 4, 1]),
                            (v * 2, f, [1, 4, 4, 1]), wrt=(0, 1), rtol=1e-5, atol=1e-5)
    with pytest.raises((ValueError, InvalidArgumentError)):
        traced(tf.constant(v), tf.constant(f), tf.constant([1, 4, 4, 3]))  # eager's error, not the traced shape


@pytest.mark.parametrize("loss", ["sampled_softmax_loss", "nce_loss"])
def test_sampled_losses_mask_each_calls_accidental_hits(loss):
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(6, 3)).astype(np.float32)
    biases = rng.normal(size=6).astype(np.float32)
    inputs = rng.normal(size=(2, 3)).astype(np.float32)
    counts = (np.full((2, 1), 0.5, np.float32), np.full(3, 0.5, np.float32))

    def losses(w, b, labels, x, sampled, true_count, sampled_count):
        values = (sampled, true_count, sampled_count)
        return getattr(tf.nn, loss)(w, b, labels, x, 3, 6, sampled_values=values, remove_accidental_hits=True)

    _matches_eager(losses, (weights, biases, np.array([[1], [4]], np.int64), inputs, np.array([0, 2, 3], np.int64),
                            *counts),
                   (weights, biases, np.array([[2], [0]], np.int64), inputs, np.array([2, 0, 5], np.int64), *counts),
                   (weights, biases, np.array([[1], [4]], np.int64), inputs, np.array([4, 1, 4], np.int64), *counts),
                   wrt=(0, 1, 3), rtol=1e-5, atol=1e-6)


# --- random_more.py ----------------------------------------------------------------------------------
def test_candidate_sampler_expected_counts_follow_each_calls_classes_and_draws():
    range_max, k = 10, 4
    p = (np.log(np.arange(range_max) + 2.0) - np.log(np.arange(range_max) + 1.0)) / np.log(range_max + 1.0)
    for unique in (False, True):
        traced = tf.function(lambda t: tf.random.log_uniform_candidate_sampler(t, 2, k, unique, range_max, seed=5))
        for classes in ([[0, 1], [2, 3]], [[9, 5], [7, 4]], [[0, 1], [2, 3]]):
            sampled, true_count, sampled_count = (np.asarray(v) for v in traced(tf.constant(classes, tf.int64)))
            p_true, p_sampled = p[np.array(classes)], p[sampled]
            if np.allclose(sampled_count, p_sampled * k):  # no rejected draw
                want_true = p_true * k
            else:  # TF's -expm1(tries * log1p(-p)) with the number of draws this call took
                tries = np.round(np.log1p(-sampled_count.astype(np.float64)) / np.log1p(-p_sampled))
                assert unique and np.all(tries == tries[0]) and tries[0] > k
                want_true = -np.expm1(tries[0] * np.log1p(-p_true))
            np.testing.assert_allclose(true_count, want_true.astype(np.float32), rtol=1e-5)


def test_compute_accidental_hits_follows_each_calls_values():
    _matches_eager(lambda t, s: tf.nn.compute_accidental_hits(t, s, num_true=2),
                   (np.array([[0, 1], [2, 3]], np.int64), np.array([1, 5, 6], np.int64)),
                   (np.array([[0, 1], [2, 3]], np.int64), np.array([1, 2, 3], np.int64)),
                   (np.array([[7, 1], [1, 3]], np.int64), np.array([1, 1, 8], np.int64)))


# --- fft.py ---------------------------------------------------------------------------------------------
_SIGNAL = np.random.default_rng(4).normal(size=(3, 8)).astype(np.float32)


@pytest.mark.parametrize("transform, lengths", [("rfft", ([8], [6], [11])), ("rfft2d", ([3, 8], [2, 5]))])
def test_rfft_lengths(transform, lengths):
    _matches_eager(getattr(tf.signal, transform), *[(_SIGNAL, n) for n in lengths], wrt=(0,), rtol=1e-5, atol=1e-5)


def test_irfft_lengths():
    y = tf.signal.rfft(tf.constant(_SIGNAL))
    _matches_eager(tf.signal.irfft, (y, [8]), (y, [7]), (y, [4]), wrt=(0,), rtol=1e-5, atol=1e-5)


def test_window_lengths_and_periodic_flag():
    _matches_eager(tf.signal.hann_window, (8,), (5,), (1,))
    _matches_eager(tf.signal.hamming_window, (8, True), (8, False), (3, True))


def test_fftshift_axes():
    _matches_eager(lambda x, axes: tf.signal.fftshift(x, axes), (_SIGNAL, [0]), (_SIGNAL, [1]), (_SIGNAL, [-1]),
                   wrt=(0,))


# --- nn_extra.py, framework.py, tensor_array.py ----------------------------------------------------------
def test_compute_average_loss_global_batch_size():
    loss = _f32([1.0, 2.0, 3.0, 4.0])[0]
    traced = _matches_eager(lambda l, n: tf.nn.compute_average_loss(l, global_batch_size=n), (loss, 4), (loss, 8),
                            (loss, 0), wrt=(0,))
    with pytest.raises(InvalidArgumentError, match="global_batch_size must be non-negative"):
        traced(tf.constant(loss), tf.constant(-1))


def test_case_on_traced_predicates():
    def with_default(x):
        return tf.case([(x > 1.0, lambda: x * 2.0), (x > 0.0, lambda: x + 1.0)], default=lambda: -x * x)

    def without_default(x):
        return tf.case([(x > 1.0, lambda: x * 3.0), (x > 0.0, lambda: x * x)])

    _matches_eager(with_default, (np.float32(2.0),), (np.float32(0.5),), (np.float32(-1.5),), wrt=(0,))
    traced = _matches_eager(without_default, (np.float32(2.0),), (np.float32(0.5),), wrt=(0,))
    with pytest.raises(InvalidArgumentError, match="None of conditions evaluated as True"):
        traced(tf.constant(-1.0))


def test_tensor_array_split_lengths():
    def split(value, lengths):
        ta = tf.TensorArray(tf.float32, size=2).split(value, lengths)
        return ta.read(0), ta.read(1)

    v = np.arange(4, dtype=np.float32) + 1
    _matches_eager(split, (v, [1, 3]), (v, [2, 2]), (v * 2, [4, 0]), wrt=(0,))


def test_tensor_array_variable_index_is_read_when_the_graph_runs():
    index = tf.Variable(1)

    @tf.function
    def read_and_write(x):
        ta = tf.TensorArray(tf.float32, size=3).unstack(x)
        return ta.read(index), tf.TensorArray(tf.float32, size=3).write(index, 5.0).stack()

    x = tf.constant([1.0, 2.0, 3.0])
    for i in (1, 2, 0):
        index.assign(i)
        value, written = read_and_write(x)
        assert float(value) == i + 1.0 and np.asarray(written).tolist() == [5.0 if j == i else 0.0 for j in range(3)]


def test_variable_values_are_not_baked_into_a_trace():
    v = tf.Variable(3.0)

    @tf.function(autograph=False)
    def f(x):
        return x * float(v)

    with pytest.raises(TypeError, match="symbolic"):
        f(tf.constant(2.0))

    @tf.function
    def g(x):
        return x * v.numpy()

    with pytest.raises(AttributeError, match="symbolic"):
        g(tf.constant(2.0))
    assert float(v) == 3.0 and int(v) == 3 and v.numpy() == 3.0
