"""tapegrad.linalg (tf.linalg), tf.norm and clipping by norm: values against NumPy; gradients, errors against TF 2.21.

Values marked "TF 2.21" were computed with TensorFlow 2.21 (the peers venv,
/work/peers-venv/bin/python) on the same inputs. Finite-difference gradient
checks of every primitive (first and second order, real and complex) are in
tests/specs/linalg.py, run by test_gradcheck.py.
"""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors
from tapegrad.testing import check_grads

TIGHT = dict(rtol=1e-12, atol=1e-12)


def _grad(f, *arrays):
    xs = [tg.constant(a) for a in arrays]
    with tg.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    grads = tape.gradient(y, xs)
    return [None if g is None else g.numpy() for g in grads]


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def _wc(rng, shape):
    n = shape[-1]
    return rng.uniform(-1, 1, shape) + n * np.eye(n)


# --- namespace ------------------------------------------------------------------------------------
def test_namespace_matches_tf_linalg():
    for name in ("matvec", "inv", "det", "slogdet", "logdet", "cholesky", "cholesky_solve", "solve",
                 "triangular_solve", "qr", "svd", "eigh", "eigvalsh", "norm", "trace", "diag", "diag_part",
                 "set_diag", "band_part", "matrix_transpose", "adjoint", "lstsq", "global_norm", "eye",
                 "l2_normalize"):
        assert callable(getattr(tg.linalg, name)), name
    assert tg.linalg.matmul is tg.matmul and tg.linalg.einsum is tg.einsum and tg.linalg.tensordot is tg.tensordot
    assert tg.norm is tg.linalg.norm
    assert tg.clip_by_norm and tg.clip_by_global_norm and tg.global_norm is tg.linalg.global_norm
    assert not hasattr(tg.linalg, "clip_by_norm")  # top level only, as in TF


# --- values against NumPy ---------------------------------------------------------------------------
def test_inverse_determinants_and_solves_match_numpy(rng):
    a = _wc(rng, (2, 3, 3))
    b = rng.uniform(-1, 1, (2, 3, 2))
    np.testing.assert_allclose(tg.linalg.inv(a).numpy(), np.linalg.inv(a), **TIGHT)
    np.testing.assert_allclose(tg.linalg.inv(a, adjoint=True).numpy(), np.linalg.inv(np.swapaxes(a, -1, -2)), **TIGHT)
    np.testing.assert_allclose(tg.linalg.det(a).numpy(), np.linalg.det(a), **TIGHT)
    sign, logabs = tg.linalg.slogdet(-a)
    np.testing.assert_allclose(sign.numpy(), np.linalg.slogdet(-a)[0], **TIGHT)
    np.testing.assert_allclose(logabs.numpy(), np.linalg.slogdet(-a)[1], **TIGHT)
    np.testing.assert_allclose(tg.linalg.solve(a, b).numpy(), np.linalg.solve(a, b), **TIGHT)
    np.testing.assert_allclose(tg.linalg.solve(a, b, adjoint=True).numpy(),
                               np.linalg.solve(np.swapaxes(a, -1, -2), b), **TIGHT)
    spd = a @ np.swapaxes(a, -1, -2)
    np.testing.assert_allclose(tg.linalg.cholesky(spd).numpy(), np.linalg.cholesky(spd), **TIGHT)
    np.testing.assert_allclose(tg.linalg.logdet(spd).numpy(), np.linalg.slogdet(spd)[1], **TIGHT)
    np.testing.assert_allclose(tg.linalg.cholesky_solve(tg.linalg.cholesky(spd), b).numpy(),
                               np.linalg.solve(spd, b), **TIGHT)
    assert tg.linalg.det(tg.constant([[1.0, 2.0], [2.0, 4.0]])).numpy() == 0  # singular: 0, no error (TF)
    assert tg.linalg.det(np.zeros((0, 0))).numpy() == 1.0  # TF 2.21
    assert tg.linalg.inv(np.zeros((3, 0, 0))).shape == (3, 0, 0)


def test_complex_inputs(rng):
    z = rng.uniform(-1, 1, (3, 3)) + 1j * rng.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)
    np.testing.assert_allclose(tg.linalg.inv(z).numpy(), np.linalg.inv(z), **TIGHT)
    np.testing.assert_allclose(tg.linalg.det(z).numpy(), np.linalg.det(z), **TIGHT)
    sign, logabs = tg.linalg.slogdet(z)
    assert sign.dtype == tg.complex128 and logabs.dtype == tg.complex128  # TF: both complex
    s = tg.linalg.svd(z, compute_uv=False)
    assert s.dtype == tg.float64  # TF: singular values are real
    h = z + np.conj(z.T)
    e, v = tg.linalg.eigh(h)
    assert e.dtype == tg.complex128  # TF: eigenvalues of a complex matrix have its dtype
    np.testing.assert_allclose(e.numpy().real, np.linalg.eigvalsh(h), **TIGHT)
    np.testing.assert_allclose((v.numpy() * e.numpy()) @ np.conj(v.numpy().T), h, **TIGHT)


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_triangular_solve_reads_one_triangle_and_broadcasts(rng, lower, adjoint):
    a = _wc(rng, (3, 3))
    b = rng.uniform(-1, 1, (2, 3, 4))
    t = np.tril(a) if lower else np.triu(a)
    t = t.T if adjoint else t
    out = tg.linalg.triangular_solve(a, b, lower=lower, adjoint=adjoint)
    assert out.shape == (2, 3, 4)
    np.testing.assert_allclose(out.numpy(), np.linalg.solve(t, b), **TIGHT)


def test_triangular_solve_tf_values():
    m = np.array([[2.0, 100.0], [1.0, 4.0]])
    rhs = np.ones((2, 1))
    # TF 2.21
    assert tg.linalg.triangular_solve(m, rhs).numpy().ravel().tolist() == [0.5, 0.125]
    assert tg.linalg.triangular_solve(m, rhs, lower=False).numpy().ravel().tolist() == [-12.0, 0.25]
    assert tg.linalg.triangular_solve(m, rhs, adjoint=True).numpy().ravel().tolist() == [0.375, 0.25]
    out = tg.linalg.triangular_solve(np.array([[1.0, 0.0], [1.0, 0.0]]), rhs).numpy().ravel()  # zero pivot
    assert out[0] == 1.0 and np.isnan(out[1])  # TF 2.21: [1, nan], no error


def test_cholesky_reads_the_lower_triangle_and_gives_nan_when_not_positive_definite():
    # TF 2.21 values
    np.testing.assert_array_equal(tg.linalg.cholesky(np.array([[4.0, 100.0], [2.0, 5.0]])).numpy(),
                                  [[2.0, 0.0], [1.0, 2.0]])
    out = tg.linalg.cholesky(np.stack([4 * np.eye(2), np.array([[1.0, 2.0], [2.0, 1.0]])])).numpy()
    np.testing.assert_array_equal(out[0], 2 * np.eye(2))
    assert np.isnan(out[1][np.tril_indices(2)]).all() and out[1][0, 1] == 0  # only the failing matrix
    assert np.isnan(tg.linalg.logdet(np.array([[1.0, 2.0], [2.0, 1.0]])).numpy())  # TF 2.21: nan


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 5, 3)])
@pytest.mark.parametrize("full_matrices", [False, True])
def test_qr_matches_numpy_householder(rng, shape, full_matrices):
    a = rng.uniform(-1, 1, shape)
    q, r = tg.linalg.qr(a, full_matrices=full_matrices)
    qn, rn = np.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    np.testing.assert_allclose(q.numpy(), qn, **TIGHT)
    np.testing.assert_allclose(r.numpy(), rn, **TIGHT)
    np.testing.assert_allclose(q.numpy() @ r.numpy(), a, **TIGHT)


def test_qr_values_tf():
    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
    q, r = tg.linalg.qr(a)
    # TF 2.21 (same Householder signs as LAPACK)
    np.testing.assert_allclose(r.numpy(), [[-5.916079783099616, -8.282511696339464], [0.0, 0.632455532033676]],
                               rtol=1e-12, atol=1e-12)
    assert tg.linalg.qr(a, full_matrices=True)[0].shape == (3, 3)
    assert [t.shape for t in tg.linalg.qr(np.zeros((0, 3)))] == [(0, 0), (0, 3)]  # TF 2.21


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 5, 3)])
def test_svd_returns_s_u_v_with_v_not_transposed(rng, shape):
    a = rng.uniform(-1, 1, shape)
    s, u, v = tg.linalg.svd(a)
    k = min(shape[-2:])
    assert s.shape == shape[:-2] + (k,) and u.shape == shape[:-1] + (k,) and v.shape == shape[:-2] + (shape[-1], k)
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(a, compute_uv=False), **TIGHT)
    np.testing.assert_allclose((u.numpy() * s.numpy()[..., None, :]) @ np.swapaxes(v.numpy(), -1, -2), a, **TIGHT)
    np.testing.assert_allclose(tg.linalg.svd(a, compute_uv=False).numpy(), s.numpy(), **TIGHT)
    s2, u2, v2 = tg.linalg.svd(a, full_matrices=True)
    assert u2.shape == shape[:-1] + (shape[-2],) and v2.shape == shape[:-2] + (shape[-1], shape[-1])


def test_svd_of_nan_is_nan_and_empty_shapes():
    s, u, v = tg.linalg.svd(np.array([[np.nan, 1.0], [1.0, 3.0]]))  # TF 2.21: all NaN, no error
    assert np.isnan(s.numpy()).all() and np.isnan(u.numpy()).all() and np.isnan(v.numpy()).all()
    assert [t.shape for t in tg.linalg.svd(np.zeros((0, 3)))] == [(0,), (0, 0), (3, 0)]  # TF 2.21


def test_eigh_reads_the_lower_triangle(rng):
    a = rng.uniform(-1, 1, (2, 4, 4))
    sym = np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)
    e, v = tg.linalg.eigh(a)
    np.testing.assert_allclose(e.numpy(), np.linalg.eigvalsh(sym), **TIGHT)
    np.testing.assert_allclose((v.numpy() * e.numpy()[..., None, :]) @ np.swapaxes(v.numpy(), -1, -2), sym,
                               **TIGHT)
    np.testing.assert_allclose(tg.linalg.eigvalsh(a).numpy(), e.numpy(), **TIGHT)
    # TF 2.21: eigh([[1, 100], [2, 3]]) has eigenvalues -0.236068, 4.236068
    np.testing.assert_allclose(tg.linalg.eigvalsh(np.array([[1.0, 100.0], [2.0, 3.0]])).numpy(),
                               [2 - np.sqrt(5), 2 + np.sqrt(5)], **TIGHT)


NORM_X = np.arange(24.0).reshape(2, 3, 4) - 10


@pytest.mark.parametrize("ord, axis, expected", [
    # TF 2.21 values (rounded to 6 digits)
    ("euclidean", None, 34.698703), (2, None, 34.698703), (1, None, 146.0), (np.inf, None, 13.0), (3, None, 22.444141),
    (0.5, None, 3060.615968), (True, None, 146.0),
    ("euclidean", (1, 2), [19.646883, 28.600699]), ("fro", [1, 2], [19.646883, 28.600699]),
    (2, (1, 2), [19.518199, 28.559517]), (2, (2, 1), [19.518199, 28.559517]),
    (1, (1, 2), [18.0, 27.0]), (1, (2, 1), [34.0, 46.0]),
    (np.inf, (1, 2), [34.0, 46.0]), (np.inf, (2, 1), [18.0, 27.0]),
    (1, (0, 1), [12.0, 12.0, 12.0, 14.0]), (np.inf, (0, 1), [18.0, 21.0, 24.0, 27.0]),
    (2, (0, 1), [14.696938, 14.97979, 15.758577, 16.899584]),
    (3, -1, [[13.722424, 7.559526, 2.154435], [6.073178, 12.164404, 18.42605]]),
    (np.inf, -1, [[10.0, 6.0, 2.0], [5.0, 9.0, 13.0]]),
])
def test_norm_values_tf(ord, axis, expected):
    out = tg.norm(NORM_X, ord=ord, axis=axis)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    if not isinstance(axis, (tuple, list)) and ord != True:  # noqa: E712 - TF's ord=True is the 1-norm
        np.testing.assert_allclose(out.numpy(), np.linalg.norm(NORM_X.reshape(-1) if axis is None else NORM_X,
                                                                ord=2 if ord == "euclidean" else ord, axis=axis),
                                   rtol=1e-12)


def test_norm_keepdims_dtypes_and_complex():
    assert tg.norm(NORM_X, axis=(1, 2), keepdims=True).shape == (2, 1, 1)
    assert tg.norm(NORM_X, keepdims=True).shape == (1, 1, 1)
    assert tg.norm(NORM_X, ord=2, axis=(0, 2), keepdims=True).shape == (1, 3, 1)
    assert tg.norm([3.0, 4.0]).dtype == tg.float32  # TF 2.21
    z = tg.norm(np.array([3 + 4j, 1j]))  # TF 2.21: the euclidean norm of a complex tensor is complex
    assert z.dtype == tg.complex128 and abs(z.numpy() - np.sqrt(26)) < 1e-12
    assert tg.norm(np.array([3 + 4j, 1j]), ord=1).dtype == tg.float64
    assert tg.norm(np.array([[1j, 2], [3, 4]]), ord=2, axis=[0, 1]).dtype == tg.float64
    assert tg.norm(np.array([3, 4]), ord=1).numpy() == 7  # TF 2.21: int64


@pytest.mark.parametrize("kwargs, message", [
    (dict(ord="fro"), "'ord' must be a supported vector norm, got fro"),
    (dict(ord="fro", axis=1), "'ord' must be a supported vector norm, got fro"),
    (dict(ord=0), "'ord' must be a supported vector norm, got 0"),
    (dict(ord=-np.inf), "'ord' must be a supported vector norm, got -inf"),
    (dict(ord="nuc", axis=(0, 1)),
     r"'ord' must be a supported matrix norm in \['euclidean', 'fro', 1, 2, inf\], got nuc"),
    (dict(ord=3, axis=(0, 1)), "'ord' must be a supported matrix norm"),
    (dict(axis=(1, 1)), r"'axis' must be None, an integer, or a tuple of 2 unique integers, got \(1, 1\)"),
    (dict(axis=(0, 1, 2)), "'axis' must be None, an integer, or a tuple of 2 unique integers"),
    (dict(axis=np.int64(1)), "'axis' must be None, an integer"),
])
def test_norm_argument_errors_tf(kwargs, message):
    with pytest.raises(ValueError, match=message):  # TF 2.21's messages
        tg.norm(NORM_X, **kwargs)


def test_norm_runtime_errors():
    with pytest.raises(errors.InvalidArgumentError):
        tg.norm(NORM_X, axis=5)
    with pytest.raises(errors.InvalidArgumentError):
        tg.norm(np.array([3, 4]))  # TF 2.21: no Sqrt kernel for int


def test_diagonals_and_bands_tf():
    x = np.arange(12.0).reshape(3, 4) + 1
    # TF 2.21 values
    assert tg.linalg.diag_part(x).numpy().tolist() == [1, 6, 11]
    assert tg.linalg.diag_part(x, k=1).numpy().tolist() == [2, 7, 12]
    assert tg.linalg.diag_part(x, k=-1).numpy().tolist() == [5, 10]
    assert tg.linalg.diag_part(x, k=(-1, 1)).numpy().tolist() == [[2, 7, 12], [1, 6, 11], [5, 10, 0]]
    assert tg.linalg.diag_part(x, k=(-1, 1), align="RIGHT_RIGHT", padding_value=9).numpy().tolist() == [
        [2, 7, 12], [1, 6, 11], [9, 5, 10]]
    assert tg.linalg.diag([1.0, 2.0, 3.0], k=1).shape == (4, 4)
    assert tg.linalg.diag([1.0, 2.0, 3.0], k=-2).numpy()[4].tolist() == [0, 0, 3, 0, 0]
    assert tg.linalg.diag([1.0, 2.0, 3.0], num_rows=5).shape == (5, 3)
    assert tg.linalg.diag([1.0, 2.0, 3.0], k=1, num_rows=3, num_cols=5).numpy().tolist() == [
        [0, 1, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 3, 0]]
    assert tg.linalg.diag(np.array([[1.0, 2.0], [3.0, 4.0]]), k=(0, 1)).numpy().tolist() == [[3, 2], [0, 4]]
    assert tg.linalg.diag(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), k=(-1, 0)).numpy().tolist() == [
        [1, 0, 0], [4, 2, 0], [0, 5, 3]]
    assert tg.linalg.set_diag(x, [9.0, 9.0, 9.0], k=1).numpy().tolist() == [[1, 9, 3, 4], [5, 6, 9, 8], [9, 10, 11, 9]]
    assert tg.linalg.set_diag(x, [[7.0, 7, 7], [9.0, 9, 9]], k=(0, 1)).numpy().tolist() == [
        [9, 7, 3, 4], [5, 9, 7, 8], [9, 10, 9, 7]]
    assert tg.linalg.band_part(x, 1, 0).numpy().tolist() == [[1, 0, 0, 0], [5, 6, 0, 0], [0, 10, 11, 0]]
    assert tg.linalg.band_part(x, 0, -1).numpy().tolist() == [[1, 2, 3, 4], [0, 6, 7, 8], [0, 0, 11, 12]]
    assert tg.linalg.band_part(np.ones((2, 2), np.int32), 0, 0).numpy().tolist() == [[1, 0], [0, 1]]
    assert tg.linalg.trace(x).numpy() == 18.0
    assert tg.linalg.trace(np.ones((2, 2), np.int32)).dtype == tg.int32
    assert tg.linalg.matrix_transpose(np.ones((2, 3, 4))).shape == (2, 4, 3)
    np.testing.assert_array_equal(tg.linalg.adjoint(np.array([[1j, 2], [3, 4]])).numpy(), [[-1j, 3], [2, 4]])
    np.testing.assert_array_equal(tg.linalg.matvec(x, np.ones(4)).numpy(), [10, 26, 42])
    assert tg.linalg.matvec(np.ones((3, 4)), np.ones((2, 4))).shape == (2, 3)
    np.testing.assert_array_equal(tg.linalg.matvec(x, np.ones(3), transpose_a=True).numpy(), [15, 18, 21, 24])


def test_diagonal_and_band_errors_tf():
    x = np.ones((3, 4))
    with pytest.raises(errors.InvalidArgumentError, match="lower_diag_index is out of bound: -3. It must be between -3 "
                                                          "and 4"):
        tg.linalg.diag_part(x, k=-3)
    with pytest.raises(errors.InvalidArgumentError, match="must not be larger than upper_diag_index: 1 > -1"):
        tg.linalg.diag_part(x, k=(1, -1))
    with pytest.raises(errors.InvalidArgumentError, match="input must be at least 2-dim"):
        tg.linalg.diag_part(np.ones(3))
    with pytest.raises(errors.InvalidArgumentError, match="Value for attr 'align'"):
        tg.linalg.diag_part(x, align="FOO")
    with pytest.raises(errors.InvalidArgumentError, match="The number of rows is too small."):
        tg.linalg.diag([1.0, 2.0, 3.0], num_rows=2)
    with pytest.raises(errors.InvalidArgumentError, match="not consistent"):
        tg.linalg.diag([1.0, 2.0, 3.0], num_rows=4, num_cols=5)
    with pytest.raises(errors.InvalidArgumentError, match="The number of diagonals provided"):
        tg.linalg.diag([1.0, 2.0, 3.0], k=(-1, 0))
    with pytest.raises(errors.InvalidArgumentError, match="diagonal must be at least 1-dim"):
        tg.linalg.diag(3.0)
    with pytest.raises(errors.InvalidArgumentError, match="Expected diagonal shape"):
        tg.linalg.set_diag(x, [9.0, 9.0])
    with pytest.raises(errors.InvalidArgumentError, match=r"num_lower must be negative or less or equal to number of "
                                                          r"rows \(3\) got: 9"):
        tg.linalg.band_part(x, 9, 9)
    with pytest.raises(TypeError):
        tg.linalg.band_part(x, 1.0, 0)
    with pytest.raises(errors.InvalidArgumentError, match="input must be at least 2-dim"):
        tg.linalg.trace(np.ones(3))
    with pytest.raises(ValueError, match="should be a \\(batch\\) matrix with rank >= 2"):
        tg.linalg.matrix_transpose(np.ones(3))


def test_lstsq_matches_numpy(rng):
    a, b = rng.uniform(-1, 1, (5, 3)), rng.uniform(-1, 1, (5, 2))
    ref = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(tg.linalg.lstsq(a, b).numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(tg.linalg.lstsq(a, b, fast=False).numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(tg.linalg.lstsq(a.T, b[:3]).numpy(), np.linalg.lstsq(a.T, b[:3], rcond=None)[0],
                               rtol=1e-10)
    lam = 0.5
    np.testing.assert_allclose(tg.linalg.lstsq(a, b, l2_regularizer=lam).numpy(),
                               np.linalg.solve(a.T @ a + lam * np.eye(3), a.T @ b), rtol=1e-10)
    x = tg.constant(a)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.linalg.lstsq(x, b, fast=False)
    with pytest.raises(ValueError, match="Gradient not defined for fast=False"):  # TF 2.21
        tape.gradient(y, x)


# --- errors -----------------------------------------------------------------------------------------
def test_singular_and_malformed_inputs_raise_as_tf():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(errors.InvalidArgumentError, match=r"Input is not invertible. \[Op:MatrixInverse\]"):
        tg.linalg.inv(singular)
    with pytest.raises(errors.InvalidArgumentError, match="Input is not invertible."):
        tg.linalg.inv(np.stack([np.eye(2), singular]))
    with pytest.raises(errors.InvalidArgumentError, match="Input is not invertible."):
        tg.linalg.inv(np.array([[np.nan, 0.0], [0.0, 1.0]]))
    with pytest.raises(errors.InvalidArgumentError, match=r"Input matrix is not invertible. \[Op:MatrixSolve\]"):
        tg.linalg.solve(singular, np.ones((2, 1)))
    for fn, op in ((tg.linalg.inv, "MatrixInverse"), (tg.linalg.det, "MatrixDeterminant"),
                   (tg.linalg.cholesky, "Cholesky"), (tg.linalg.eigh, "SelfAdjointEigV2")):
        with pytest.raises(errors.InvalidArgumentError, match=rf"Input matrix must be square. \[Op:{op}\]"):
            fn(np.ones((2, 3)))
        with pytest.raises(errors.InvalidArgumentError, match="Input tensor 0 must have rank >= 2, got 1"):
            fn(np.ones(2))
        with pytest.raises(errors.InvalidArgumentError, match="Value for attr 'T' of int32 is not in the list"):
            fn(np.eye(2, dtype=np.int32))
    for fn in (tg.linalg.svd, tg.linalg.qr):
        with pytest.raises(errors.InvalidArgumentError, match="must have rank >= 2"):
            fn(np.ones(2))
    with pytest.raises(errors.InvalidArgumentError, match="Self-adjoint eigen decomposition was not successful"):
        tg.linalg.eigh(np.array([[np.nan, 1.0], [1.0, 3.0]]))


def test_solver_shape_errors_tf():
    eye = np.eye(2)
    with pytest.raises(errors.InvalidArgumentError, match="All input tensors must have the same rank."):
        tg.linalg.solve(np.stack([eye] * 3), np.ones((2, 1)))
    with pytest.raises(errors.InvalidArgumentError, match="All input tensors must have the same outer dimensions."):
        tg.linalg.solve(np.stack([eye] * 3), np.ones((2, 2, 1)))
    with pytest.raises(errors.InvalidArgumentError, match="Input matrix and rhs are incompatible."):
        tg.linalg.solve(eye, np.ones((3, 1)))
    with pytest.raises(errors.InvalidArgumentError, match=r"First input \(lhs\) must be a square matrix."):
        tg.linalg.solve(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(errors.InvalidArgumentError, match=r"In\[0\] mismatch In\[1\] shape: 2 vs. 3"):
        tg.linalg.triangular_solve(eye, np.ones((3, 1)))
    with pytest.raises(errors.InvalidArgumentError, match=r"In\[1\] ndims must be >= 2: 1"):
        tg.linalg.triangular_solve(eye, np.ones(2))
    with pytest.raises(errors.InvalidArgumentError, match="must be square"):
        tg.linalg.triangular_solve(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(errors.InvalidArgumentError, match="must have compatible batch dimensions"):
        tg.linalg.triangular_solve(np.stack([eye] * 3), np.ones((2, 2, 1)))


def test_decomposition_gradients_not_implemented_where_tf_has_none(rng):
    x = tg.constant(rng.uniform(-1, 1, (5, 2)))
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        s, u, v = tg.linalg.svd(x, full_matrices=True)
        q, r = tg.linalg.qr(x, full_matrices=True)
    with pytest.raises(NotImplementedError, match="abs\\(m - n\\) > 1"):  # TF 2.21
        tape.gradient(u, x)
    with pytest.raises(NotImplementedError, match="nrows > ncols and full_matrices is true"):  # TF 2.21
        tape.gradient(q, x)


# --- gradients: TF 2.21 values ------------------------------------------------------------------------
A32 = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
W32 = np.array([[1.0, -1.0], [0.5, 2.0], [-0.3, 0.7]])


def test_svd_gradient_tf():
    def f(a):
        s, u, v = tg.linalg.svd(a)
        w = tg.constant(W32)
        return (tg.reduce_sum(s * tg.constant([1.0, 2.0], tg.float64))
                + tg.reduce_sum(tg.matmul(u * tg.constant([0.5, 1.5], tg.float64), v, adjoint_b=True) * w)
                + tg.reduce_sum(u * u * w))
    # TF 2.21 (a sign-invariant function of s, u, v)
    expected = [[-0.374719467133712, 0.587006649302321],
                [3.936737580696382, -2.066084898667003],
                [-1.660671393045742, 2.126270516474524]]
    np.testing.assert_allclose(_grad(f, A32)[0], expected, rtol=1e-11, atol=1e-12)
    # TF 2.21: s = [10.191428257097225, 0.3671376859439]
    np.testing.assert_allclose(tg.linalg.svd(A32, compute_uv=False).numpy(), [10.191428257097225, 0.3671376859439],
                               rtol=1e-12)


def test_eigh_gradient_tf():
    s = np.array([[2.0, 9.0, 9.0], [1.0, 3.0, 9.0], [0.5, 0.2, 5.0]])  # the upper triangle is not read
    m = np.array([[2.0, 1.0, 0.5], [0.3, 1.5, -0.2], [0.1, 0.4, 1.2]])

    def f(a):
        e, v = tg.linalg.eigh(a)
        return tg.reduce_sum(e * tg.constant([1.0, 2.0, 3.0], tg.float64)) + tg.reduce_sum(v * v * tg.constant(m))
    # TF 2.21: lower triangular, the diagonal halved
    expected = [[0.875808582100078, 0.0, 0.0],
                [0.366553270921886, 2.054875964588664, 0.0],
                [0.40507919628012, -0.177479259172856, 3.069315453311258]]
    np.testing.assert_allclose(_grad(f, s)[0], expected, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(tg.linalg.eigvalsh(s).numpy(), [1.353202198583335, 3.497176261083517,
                                                               5.149621540333148], rtol=1e-12)


def test_qr_gradient_tf():
    def f(a):
        q, r = tg.linalg.qr(a)
        w_r = tg.constant([[1.0, 2.0], [3.0, 4.0]], tg.float64)
        return tg.reduce_sum(q * tg.constant(W32)) + tg.reduce_sum(r * w_r)
    expected = [[-6.648300233296111, 3.863250046618011],  # TF 2.21
                [-0.369463554328889, -1.059360500819474],
                [0.368122222636634, -2.503465622071765]]
    np.testing.assert_allclose(_grad(f, A32)[0], expected, rtol=1e-11, atol=1e-12)


def test_det_gradient_tf_and_complex_chain_rule():
    m = np.array([[2.0, 1.0, 0.5], [0.3, 1.5, -0.2], [0.1, 0.4, 1.2]])
    expected = [[1.88, -0.38, -0.03], [-1.0, 2.35, -0.7], [-0.95, 0.55, 2.7]]  # TF 2.21
    np.testing.assert_allclose(_grad(tg.linalg.det, m)[0], expected, rtol=1e-12, atol=1e-14)
    # Complex: tapegrad uses conj(det) (TF uses det, which disagrees with finite differences for complex inputs).
    rng = np.random.default_rng(0)
    z = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    check_grads(lambda re, im: tg.math.real(tg.linalg.det(tg.complex(re, im))), [z.real, z.imag])
    g = _grad(lambda a: tg.math.real(tg.linalg.det(a)), z)[0]
    np.testing.assert_allclose(g, np.conj(np.linalg.det(z)) * np.linalg.inv(z).conj().T, rtol=1e-12)


def test_cholesky_gradient_is_symmetric_as_tf():
    spd = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    w = np.arange(9.0).reshape(3, 3)
    g = _grad(lambda a: tg.reduce_sum(tg.linalg.cholesky(a) * tg.constant(w)), spd + np.triu(w, 1))[0]
    np.testing.assert_allclose(g, g.T, rtol=1e-14)


def test_singular_value_gradient_second_order_through_svd(rng):
    a = rng.uniform(-1, 1, (4, 3))
    check_grads(lambda x: tg.linalg.svd(x, compute_uv=False), [a], order=2)
    check_grads(lambda x: tg.norm(x, ord=2, axis=(0, 1)), [a], order=2)


# --- clipping ---------------------------------------------------------------------------------------
def test_clip_by_norm_tf():
    t = tg.constant([[1.0, 2.0, 3.0, 4.0, 5.0]])
    # TF 2.21 (its docstring example)
    np.testing.assert_allclose(tg.clip_by_norm(t, 2.0).numpy(),
                               [[0.26967996, 0.5393599, 0.80903983, 1.0787199, 1.3483998]], rtol=1e-7)
    assert tg.clip_by_norm(t, 2.0).dtype == tg.float32
    assert tg.clip_by_norm(t, -2.0).numpy().tolist() == [[0.0] * 5]  # a negative clip_norm counts as 0
    assert tg.clip_by_norm(t, np.float64(-2.0)).numpy().tolist() == [[0.0] * 5]
    np.testing.assert_allclose(tg.clip_by_norm(t, tg.constant(2.0, tg.float64)).numpy(),
                               tg.clip_by_norm(t, 2.0).numpy())
    np.testing.assert_allclose(tg.clip_by_norm(tg.constant([[3.0, 4.0], [0.3, 0.4]]), 1.0, axes=[1]).numpy(),
                               [[0.6, 0.8], [0.3, 0.4]], rtol=1e-7)
    np.testing.assert_allclose(tg.clip_by_norm(tg.constant([[3.0, 4.0], [0.3, 0.4]]), 1.0, axes=0).numpy(),
                               [[0.99503702, 0.99503702], [0.0995040, 0.0995040]], rtol=1e-5)  # TF: 3e-6 off
    assert tg.clip_by_norm(tg.zeros(3), 1.0).numpy().tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(errors.InvalidArgumentError):
        tg.clip_by_norm(tg.constant([3, 4]), 1)  # TF 2.21: no Sqrt kernel for int32


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 1/0 and inf - inf, as in TF
def test_clip_by_norm_gradients_tf():
    x = np.array([3.0, 4.0], np.float32)
    w = tg.constant([1.0, 2.0])
    # TF 2.21: [-0.064, 0.048]; at zero the gradient is finite: [1, 1]
    np.testing.assert_allclose(_grad(lambda v: tg.clip_by_norm(v, 1.0) * w, x)[0], [-0.064, 0.04800001], rtol=1e-6)
    np.testing.assert_array_equal(_grad(lambda v: tg.clip_by_norm(v, 1.0), np.zeros(2, np.float32))[0], [1.0, 1.0])
    np.testing.assert_allclose(_grad(lambda v: tg.clip_by_global_norm([v], 1.0)[0][0] * w, x)[0],
                               [-0.064, 0.04800001], rtol=1e-6)
    assert np.isnan(_grad(lambda v: tg.linalg.global_norm([v]), np.zeros(2, np.float32))[0]).all()  # TF 2.21
    assert np.isnan(_grad(lambda v: tg.norm(v), np.zeros(2, np.float32))[0]).all()  # TF 2.21


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 1/0 and inf - inf, as in TF
def test_clip_by_global_norm_semantics_tf():
    a, c = tg.constant([3.0, 4.0]), tg.constant([[12.0]])
    out = tg.clip_by_global_norm([a, None, c], 6.5)
    assert isinstance(out, tuple) and isinstance(out[0], list)
    clipped, norm = out
    assert clipped[1] is None  # None entries stay None
    # TF 2.21: [1.5, 2.0], None, [[6.0]]; global norm 13
    np.testing.assert_allclose(clipped[0].numpy(), [1.5, 2.0])
    np.testing.assert_allclose(clipped[2].numpy(), [[6.0]])
    assert norm.numpy() == 13.0 and norm.dtype == tg.float32
    unclipped, n = tg.clip_by_global_norm((a,), 10.0)  # a tuple is a sequence too
    assert unclipped[0].numpy().tolist() == [3.0, 4.0] and n.numpy() == 5.0
    clipped, n = tg.clip_by_global_norm([a], 1.0, use_norm=tg.constant(10.0))
    np.testing.assert_allclose(clipped[0].numpy(), [0.3, 0.4], rtol=1e-7)
    assert n.numpy() == 10.0
    clipped, n = tg.clip_by_global_norm([tg.constant([np.inf, 4.0])], 1.0)
    assert np.isnan(clipped[0].numpy()).all() and n.numpy() == np.inf  # TF: NaN signals an infinite norm
    clipped, n = tg.clip_by_global_norm([tg.zeros(2)], 1.0)
    assert clipped[0].numpy().tolist() == [0.0, 0.0] and n.numpy() == 0.0
    clipped, _ = tg.clip_by_global_norm([tg.constant([3.0, 4.0], tg.float64)], 1.0)
    assert clipped[0].dtype == tg.float64
    for bad in ("ab", tg.constant([3.0, 4.0])):
        with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
            tg.clip_by_global_norm(bad, 1.0)


def test_global_norm_tf():
    assert tg.linalg.global_norm([tg.constant([3.0, 4.0]), None, tg.constant([[12.0]])]).numpy() == 13.0
    for empty in ([], [None]):  # TF 2.21: float32 0.0
        n = tg.linalg.global_norm(empty)
        assert n.numpy() == 0.0 and n.dtype == tg.float32
    assert tg.linalg.global_norm([[3.0, 4.0]]).numpy() == 5.0
    with pytest.raises(errors.InvalidArgumentError):  # TF 2.21: Pack of float32 and float64
        tg.linalg.global_norm([tg.constant([3.0, 4.0]), tg.constant([1.0], tg.float64)])
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tg.linalg.global_norm(tg.constant([3.0, 4.0]))
