"""The ops of linalg_extra, array_extra, special_extra, nn_more and random_more against values, dtypes and errors
recorded from TensorFlow 2.21 (gradients are checked against finite differences by the spec table)."""
import numpy as np
import pytest

import tapegrad as tf

A3 = np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 10]])
TRIDIAG = np.array([[1.0, 2, 3, 0], [4, 5, 6, 7], [0, 8, 9, 10]])


def _grad(fn, *xs):
    xs = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return tape.gradient(y, xs)


# --- tf.linalg ------------------------------------------------------------------------------------------
def test_lu_matches_tf_and_has_no_gradient():
    lu, p = tf.linalg.lu(A3)
    np.testing.assert_allclose(lu, [[7, 8, 10], [1 / 7, 6 / 7, 11 / 7], [4 / 7, 0.5, -0.5]], rtol=1e-12)
    assert p.dtype == tf.int32 and p.numpy().tolist() == [2, 0, 1]
    assert tf.linalg.lu(A3, output_idx_type=tf.int64).p.dtype == tf.int64
    np.testing.assert_allclose(tf.linalg.lu_reconstruct(lu, p), A3, rtol=1e-12)
    np.testing.assert_allclose(tf.linalg.lu_matrix_inverse(lu, p), np.linalg.inv(A3), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.lu_solve(lu, p, np.ones((3, 1))), np.linalg.solve(A3, np.ones((3, 1))),
                               rtol=1e-10, atol=1e-12)
    with pytest.raises(LookupError):
        _grad(lambda a: tf.linalg.lu(a).lu, A3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible"):
        tf.linalg.lu(np.zeros((2, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be square"):
        tf.linalg.lu(np.ones((2, 3)))
    with pytest.raises(ValueError, match="must be square"):
        tf.linalg.lu_reconstruct(np.ones((2, 3)), [0, 1])


def test_lu_solve_gradient_is_dense():
    g = _grad(lambda b: tf.linalg.lu_solve(tf.constant(A3), [2, 0, 1], b), np.ones((3, 2)))[0]
    assert isinstance(g, tf.Tensor) and g.shape == (3, 2)


def test_matrix_functions_match_tf():
    np.testing.assert_allclose(tf.linalg.expm(np.array([[1.0, 2], [3, 4]], np.float32)),
                               [[51.97074, 74.73917], [112.10874, 164.0795]], rtol=2e-6)
    np.testing.assert_allclose(tf.linalg.expm(np.array([[10.0, 3], [-2, 5]])),
                               [[6749.607644, 5652.974486], [-3768.649657, -2672.016499]], rtol=1e-9)
    assert tf.linalg.expm(np.ones((2, 0, 0))).shape == (2, 0, 0)
    assert np.isnan(tf.linalg.expm(np.array([[np.inf, 0], [0, 1]]))).all()
    with pytest.raises(ValueError, match="does not support"):
        tf.linalg.expm(np.array([[1, 2], [3, 4]]))
    np.testing.assert_allclose(tf.linalg.sqrtm(np.array([[4.0, 1], [0, 9]])), [[2, 0.2], [0, 3]], rtol=1e-12)
    assert np.isnan(tf.linalg.sqrtm(np.array([[-1.0, 0], [0, 1]]))).all()  # no real square root, as TF
    np.testing.assert_allclose(tf.linalg.sqrtm(np.array([[1.0, 1], [0, 1]])), [[1, 0.5], [0, 1]], atol=1e-12)
    np.testing.assert_allclose(tf.linalg.logm(np.array([[1.0, 2], [0, 3]], np.complex128)),
                               [[0, np.log(3)], [0, np.log(3)]], atol=1e-12)
    np.testing.assert_allclose(tf.linalg.logm(np.array([[-1.0, 0], [0, 2]], np.complex128)),
                               [[np.pi * 1j, 0], [0, np.log(2)]], atol=1e-12)
    with pytest.raises(tf.errors.InvalidArgumentError, match="complex64, complex128"):
        tf.linalg.logm(A3)
    with pytest.raises(LookupError):
        _grad(lambda a: tf.math.real(tf.linalg.logm(a)), A3.astype(np.complex128))
    assert tf.matrix_square_root is tf.linalg.sqrtm


def test_eig_dtypes_order_and_errors():
    e, v = tf.linalg.eig(np.array([[1.0, 2], [3, 4]]))
    assert e.dtype == tf.complex128 and v.dtype == tf.complex128
    np.testing.assert_allclose(e, [-0.37228132, 5.37228132], rtol=1e-7)
    assert tf.eigvals(np.array([[1.0, 2], [3, 4]], np.float32)).dtype == tf.complex64
    c = np.diag([3.0, -1, 2, -4j])
    np.testing.assert_allclose(tf.linalg.eigvals(c), [-1, 2, 3, -4j])  # sorted by modulus, as TF (Eigen)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not successful"):
        tf.linalg.eig(np.array([[np.nan, 3], [-2, 0]]))


def test_small_linalg_composites_match_tf():
    np.testing.assert_allclose(tf.linalg.cross([1.0, 2, 3], [4.0, 5, 6]), [-3, 6, -3])
    with pytest.raises(tf.errors.FailedPreconditionError):
        tf.linalg.cross([1.0, 2], [4.0, 5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        tf.linalg.cross([[1.0, 2, 3]], [[4.0, 5, 6], [1, 1, 1]])
    x, n = tf.linalg.normalize([[3.0, 4.0], [1, 0]], ord=1, axis=1)
    np.testing.assert_allclose(n, [[7], [1]])
    np.testing.assert_allclose(x, [[3 / 7, 4 / 7], [1, 0]], rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.pinv(np.array([[1.0, 2, 3], [4, 5, 6]])),
                               [[-17 / 18, 4 / 9], [-1 / 9, 1 / 9], [13 / 18, -2 / 9]], rtol=1e-10)
    with pytest.raises(TypeError, match="float"):
        tf.linalg.pinv(np.array([[1, 2], [3, 4]]))
    r = tf.linalg.matrix_rank(np.array([[1.0, 2, 3], [2, 4, 6]]))
    assert r.dtype == tf.int32 and int(r) == 1
    assert tf.linalg.tensor_diag([[1, 2], [3, 4]]).shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(tf.linalg.tensor_diag_part(np.arange(16).reshape(2, 2, 2, 2)), [[0, 5], [10, 15]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="dimensions 0 and 1 do not match"):
        tf.linalg.tensor_diag_part(np.arange(6).reshape(2, 3))


def test_tridiagonal_and_banded_solvers_match_tf():
    x = tf.linalg.tridiagonal_solve(TRIDIAG, np.ones((4, 2)))
    np.testing.assert_allclose(x[:, 0], [7 / 36, 2 / 9, -5 / 6, 4 / 3], rtol=1e-10)
    assert np.isnan(tf.linalg.tridiagonal_solve(TRIDIAG, np.ones((4, 1)), partial_pivoting=False)).all()
    np.testing.assert_allclose(tf.linalg.tridiagonal_solve(np.zeros((3, 3)), np.ones((3, 1)), perturb_singular=True),
                               np.full((3, 1), 4.49423283715579e+307))
    np.testing.assert_allclose(tf.linalg.tridiagonal_solve(TRIDIAG, np.ones(4)), x[:, 0])
    with pytest.raises(ValueError, match="Expected 3 diagonals"):
        tf.linalg.tridiagonal_solve(np.ones((4, 3)), np.ones((3, 1)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        tf.linalg.tridiagonal_solve(np.ones((3, 3), np.float16), np.ones((3, 1), np.float16))
    np.testing.assert_allclose(tf.linalg.tridiagonal_matmul(TRIDIAG, np.arange(8.0).reshape(4, 2)),
                               [[2, 7], [18, 33], [60, 78], [82, 99]])
    bands = np.array([[1.0, 2, 3], [4, 5, 6]])
    np.testing.assert_allclose(tf.linalg.banded_triangular_solve(bands, np.ones((3, 1)))[:, 0], [1, -2, 13 / 3])
    np.testing.assert_allclose(tf.linalg.banded_triangular_solve(bands, np.ones((3, 1)), lower=False)[:, 0],
                               [13 / 60, 2 / 15, 1 / 6])
    np.testing.assert_allclose(tf.linalg.banded_triangular_solve(bands, np.ones((3, 1)), adjoint=True)[:, 0],
                               [3.5, -0.5, 1 / 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.banded_triangular_solve(np.zeros((2, 3)), np.ones((3, 1)))


def test_eigh_tridiagonal_matches_tf():
    e = tf.linalg.eigh_tridiagonal([1.0, 2, 3], [0.5, 0.2])
    assert e.dtype == tf.float32
    np.testing.assert_allclose(e, [0.790213, 2.16636, 3.043427], rtol=1e-5)
    np.testing.assert_allclose(tf.linalg.eigh_tridiagonal([1.0, 2, 3], [0.5, 0.2], select="i", select_range=[1, 2]),
                               [2.16636, 3.043427], rtol=1e-5)
    e, v = tf.linalg.eigh_tridiagonal([1.0, 2, 3], [0.5, 0.2], eigvals_only=False, select="v",
                                      select_range=[1.5, 5.0])
    assert e.shape == (2,) and v.shape == (3, 2)


# --- tf.* array ops ------------------------------------------------------------------------------------
def test_array_extras_match_tf():
    np.testing.assert_array_equal(tf.unravel_index([1, 5, 7], [3, 3]), [[0, 1, 2], [1, 2, 1]])
    np.testing.assert_array_equal(tf.unravel_index([-1], [3, 3]), [[0], [-1]])  # C++ truncation, as TF
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bound"):
        tf.unravel_index([9], [3, 3])
    h = tf.histogram_fixed_width([-1.0, 0, 0.5, 1, 1.5, 5], [0.0, 1.0], nbins=4)
    assert h.dtype == tf.int32 and h.numpy().tolist() == [2, 0, 1, 3]
    assert tf.histogram_fixed_width_bins([-1.0, 0, 0.5, 1, 1.5, 5], [0.0, 1.0], nbins=4).numpy().tolist() == \
        [0, 0, 2, 3, 3, 3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="NaN"):
        tf.histogram_fixed_width([np.nan, 2.0], [0.0, 3.0], nbins=3)
    parts = tf.dynamic_partition([10.0, 20, 30, 40], [0, 1, 0, 2], 3)
    assert [p.numpy().tolist() for p in parts] == [[10, 30], [20], [40]]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"partitions\[1\] = 3 is not in \[0, 2\)"):
        tf.dynamic_partition([1, 2], [0, 3], 2)
    assert tf.dynamic_stitch([[0, 1], [1, 2]], [[1.0, 2], [3, 4]]).numpy().tolist() == [1, 3, 4]
    np.testing.assert_array_equal(tf.space_to_batch_nd(np.arange(8.0).reshape(2, 4), [2], [[1, 1]]),
                                  [[0, 1, 3], [0, 5, 7], [0, 2, 0], [4, 6, 0]])
    merged = tf.batch_to_space(np.arange(16.0).reshape(4, 2, 2, 1), [2, 2], [[0, 0], [0, 1]])
    np.testing.assert_array_equal(merged[0, ..., 0], [[0, 4, 1], [8, 12, 9], [2, 6, 3], [10, 14, 11]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not divisible"):
        tf.space_to_batch_nd(np.ones((1, 3, 2, 1)), [2, 2], [[0, 0], [0, 0]])
    paddings, crops = tf.required_space_to_batch_paddings([5, 7], [2, 3])
    assert paddings.numpy().tolist() == [[0, 1], [0, 2]] and crops.numpy().tolist() == [[0, 1], [0, 2]]
    values, idx = tf.math.approx_max_k(tf.constant([[1.0, 5, 3, 2], [4, 0, 9, 1]]), 2)
    assert values.numpy().tolist() == [[5, 3], [9, 4]] and idx.numpy().tolist() == [[1, 2], [2, 0]]
    with pytest.raises(LookupError):
        _grad(tf.guarantee_const, np.ones(2))


def test_dynamic_stitch_gradient_reaches_overwritten_entries_as_tf():
    gx, gy = _grad(lambda x, y: tf.dynamic_stitch([[0, 1], [1, 2]], [x, y]) * [1.0, 2.0, 3.0], np.ones(2), np.ones(2))
    np.testing.assert_allclose(gx, [1, 2])  # TF gathers the cotangent for every index, overwritten or not
    np.testing.assert_allclose(gy, [2, 3])


# --- tf.math special functions ----------------------------------------------------------------------
def test_incomplete_gamma_and_beta_match_tf():
    a = np.array([0.5, 2.0, 100.0, 0.0, 1.0, 1e-3])
    x = np.array([0.3, 3.0, 90.0, 1.0, 0.0, 1e-3])
    np.testing.assert_allclose(tf.math.igamma(a, x), [0.5614219739190001, 0.8008517265285442, 0.15822098918642064,
                                                      np.nan, 0.0, 0.9936876467088608], rtol=1e-10)
    np.testing.assert_allclose(tf.math.igammac(a[:3], x[:3]), [0.43857802608099994, 0.1991482734714558,
                                                               0.8417790108135794], rtol=1e-10)
    ga, gx = _grad(tf.math.igamma, a[:3], x[:3])
    np.testing.assert_allclose(ga, [-0.7705703513753518, -0.19742541957920223, -0.02461191684397851], rtol=1e-8)
    np.testing.assert_allclose(gx, np.exp(-x[:3] + (a[:3] - 1) * np.log(x[:3]) - [np.log(np.pi) / 2, 0.0,
                                                                                    359.13420536957540]), rtol=1e-8)
    np.testing.assert_allclose(tf.math.betainc(np.array([0.5, 2.0, 100.0]), np.array([0.5, 3.0, 200.0]),
                                               np.array([0.3, 0.2, 0.3])),
                               [0.36901011956554536, 0.1808, 0.10884306564490925], rtol=1e-10)
    assert _grad(tf.math.betainc, 2.0, 3.0, 0.5)[:2] == [None, None]  # TF: gradient in x only
    with pytest.raises(tf.errors.InvalidArgumentError, match="inconsistent"):
        tf.math.betainc(tf.constant([2.0, 1.0]), 3.0, tf.constant([0.2, 0.5, 0.6]))
    assert float(tf.math.nextafter(tf.constant(1.0), tf.constant(2.0))) == np.nextafter(np.float32(1), np.float32(2))
    with pytest.raises(ValueError, match="same dtype and shape"):
        tf.math.accumulate_n([tf.constant([1.0, 2]), tf.constant([3.0, 4], tf.float64)])


# --- tf.nn -------------------------------------------------------------------------------------------
def test_ctc_loss_matches_tf():
    logits = np.random.default_rng(0).standard_normal((5, 2, 4)).astype(np.float32)
    loss = tf.nn.ctc_loss([[1, 2], [3, 3]], logits, [2, 2], [5, 4])
    assert loss.dtype == tf.float32
    np.testing.assert_allclose(loss, [4.660435, 5.0731544], rtol=1e-5)
    np.testing.assert_allclose(tf.nn.ctc_loss([[1, 2], [0, 2]], logits, [2, 2], [5, 4], blank_index=-1),
                               [4.262936, 5.2759304], rtol=1e-5)
    np.testing.assert_allclose(tf.nn.ctc_loss([[1, 2, 1, 2, 1]], logits[:3, :1], [5], [3]), [709.5778], rtol=1e-5)
    g = _grad(lambda z: tf.nn.ctc_loss([[1, 2], [3, 3]], z, [2, 2], [5, 4]), logits)[0]
    np.testing.assert_allclose(g[:, 1], [[-0.04198086, 0.17331946, 0.444763, -0.57610154],
                                         [-0.3326147, 0.4811987, 0.17228687, -0.32087097],
                                         [-0.5791863, 0.5821446, 0.0763296, -0.07928796],
                                         [0.07994372, 0.40800717, 0.11927973, -0.60723066],
                                         [0, 0, 0, 0]], rtol=1e-5, atol=1e-6)  # no gradient past logit_length
    labels, lengths = tf.nn.collapse_repeated([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]], [5, 2])
    assert labels.numpy().tolist() == [[1, 2, 3], [4, 0, 0]] and lengths.numpy().tolist() == [3, 1]
    y, idx = tf.nn.ctc_unique_labels([[3, 4, 4, 3], [1, 1, 1, 1]])
    assert y.dtype == tf.int64 and y.numpy().tolist() == [[3, 4, 0, 0], [1, 0, 0, 0]]
    assert idx.numpy().tolist() == [[0, 1, 1, 0], [0, 0, 0, 0]]


def test_isotonic_regression_segments_match_tf():
    out, seg = tf.nn.isotonic_regression([[3.0, 1, 2, 5, 4]])
    np.testing.assert_allclose(out, [[3, 3, 3, 3, 3]])
    assert seg.dtype == tf.int32 and seg.numpy().tolist() == [[0, 1, 1, 1, 1]]  # equal blocks stay apart, as TF
    assert tf.nn.isotonic_regression(np.array([3, 1, 2], np.int8))[0].dtype == tf.float32


def test_pool_and_morphology_errors_as_tf():
    x = np.ones((1, 5, 5, 1), np.float32)
    with pytest.raises(ValueError, match="'SAME' padding is not implemented"):
        tf.nn.pool(x, [2, 2], "MAX", padding="SAME", dilations=[2, 2])
    with pytest.raises(ValueError, match="pooling_type"):
        tf.nn.pool(x, [2, 2], "MIN")
    assert tf.nn.pool(x, [2, 2], "MAX", padding="VALID", dilations=[2, 2]).shape == (1, 3, 3, 1)
    out = tf.nn.dilation2d(x, np.zeros((2, 2, 1), np.float32), [1, 1, 1, 1], "SAME", "NHWC", [1, 1, 1, 1])
    assert out.shape == (1, 5, 5, 1)


# --- tf.random -----------------------------------------------------------------------------------------
def test_random_seed_helpers():
    assert tf.random.create_rng_state(5, "philox").numpy().tolist() == [5, 0, 0]
    assert tf.random.create_rng_state([5, 6], tf.random.Algorithm.AUTO_SELECT).numpy().tolist() == [0, 5, 6]
    assert tf.random.create_rng_state(5, "threefry").numpy().tolist() == [5, 0]
    folded = tf.random.fold_in([1, 2], 3)
    assert folded.dtype == tf.int32 and int(folded[1]) == 3
    np.testing.assert_array_equal(folded, tf.random.fold_in([1, 2], 3))  # stateless
    assert tf.random.split(tf.constant([1, 2], tf.int64), num=3).shape == (3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"seed must have shape \[2\]"):
        tf.random.split([1, 2, 3])
    b = tf.random.stateless_binomial([2, 3], [1, 2], counts=[10.0, 20, 30], probs=[0.1, 0.5, 0.9],
                                     output_dtype=tf.float32)
    assert b.dtype == tf.float32 and b.shape == (2, 3) and (b.numpy() <= [10, 20, 30]).all()
    t = tf.random.stateless_parameterized_truncated_normal([100], [1, 2], 1.0, 2.0, -1.0, 0.5)
    assert (t.numpy() >= -1).all() and (t.numpy() <= 0.5).all()


def test_candidate_samplers_and_accidental_hits():
    tc = tf.constant([[1], [3]], tf.int64)
    s = tf.random.uniform_candidate_sampler(tc, 1, 4, True, 10, seed=1)
    ids = s.sampled_candidates.numpy()
    assert s.sampled_candidates.dtype == tf.int64 and len(set(ids.tolist())) == 4 and (ids < 10).all()
    assert s.true_expected_count.shape == (2, 1) and s.sampled_expected_count.dtype == tf.float32
    counts = tf.random.log_uniform_candidate_sampler(tc, 1, 4, False, 10, seed=1).true_expected_count
    np.testing.assert_allclose(counts[:, 0], 4 * np.log([3 / 2, 5 / 4]) / np.log(11), rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="range is too small"):
        tf.random.uniform_candidate_sampler(tc, 1, 14, True, 10)
    hits = tf.nn.compute_accidental_hits(tf.constant([[1, 1], [3, 2]], tf.int64),
                                         tf.constant([1, 2, 3, 1, 2], tf.int64), 2)
    assert hits.indices.numpy().tolist() == [0, 0, 1, 1] and hits.ids.numpy().tolist() == [3, 3, 2, 4]


# --- tf.signal and parallel_stack ----------------------------------------------------------------------
def test_fft_family_matches_tf():
    x = tf.constant([1.0, 2, 3, 4, 5])
    spectrum = tf.signal.rfft(x)
    assert spectrum.dtype == tf.complex64
    np.testing.assert_allclose(spectrum, [15, -2.5 + 3.440955j, -2.5 + 0.8122992j], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.rfft(x, [4]), [10, -2 + 2j, -2], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.irfft(tf.constant([1 + 1j, 2, 3 + 3j], tf.complex64)), [2, -0.5, 0, -0.5],
                               atol=1e-6)
    assert tf.signal.fft([1 + 1j, 2]).dtype == tf.complex128 and tf.signal.fft([1, 2]).dtype == tf.complex64
    with pytest.raises(tf.errors.InvalidArgumentError, match="Tcomplex"):
        tf.signal.fft(x)
    with pytest.raises(LookupError, match="RFFT3D"):  # TF registers no gradient for the 3-D real transforms
        _grad(lambda v: tf.math.real(tf.signal.rfft3d(v)), np.ones((2, 2, 2)))
    np.testing.assert_array_equal(tf.signal.fftshift(np.arange(5)), [3, 4, 0, 1, 2])
    np.testing.assert_allclose(tf.signal.hamming_window(5), [0.08, 0.54, 1, 0.54, 0.08], atol=1e-6)
    np.testing.assert_allclose(tf.signal.hann_window(4), [0, 0.5, 1, 0.5], atol=1e-6)


def test_parallel_stack_needs_a_graph_as_tf():
    with pytest.raises(RuntimeError, match="eager"):
        tf.parallel_stack([tf.constant(1.0), tf.constant(2.0)])
    stacked = tf.function(lambda a, b: tf.parallel_stack([a, b]))
    np.testing.assert_array_equal(stacked(tf.constant(3.0), tf.constant(2.0)), [3, 2])
