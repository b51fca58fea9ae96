"""Specs for tapegrad/ops/linalg.py (float64, well-conditioned inputs from ``args``).

Inputs are built so that the functions are smooth where checked: matrices
near ``n * I`` for inverses and solves, symmetric positive definite ones for
Cholesky, well-separated eigenvalues and singular values for eigh and svd.
Eigenvectors and singular vectors are defined up to sign (real) or phase
(complex), so their specs look at invariant functions of them: ``|v|²``
elementwise and ``v diag(c) v^H`` (``u diag(c) v^H`` for svd) with a fixed
``c``. Complex rules are checked through real functions: ``_cplx(fn)`` builds
complex inputs from pairs of real arguments and returns real and imaginary
parts of the outputs. Every decomposition is checked to second order: the
rules (F-matrix included) are made of differentiable tapegrad ops.
"""
import numpy as np

import tapegrad as tg

from . import OpSpec



def _mT(a):
    return np.swapaxes(a, -1, -2)


def _well_conditioned(rng, n, batch=()):
    return rng.uniform(-1, 1, size=batch + (n, n)) + n * np.eye(n)


def _spd(rng, n, batch=()):
    a = rng.uniform(-1, 1, size=batch + (n, n))
    return a @ _mT(a) + n * np.eye(n)


def _orthogonal(rng, n, batch=()):
    return np.linalg.qr(rng.standard_normal(batch + (n, n)))[0]


def _sym_distinct(rng, n, batch=()):
    """Symmetric with eigenvalues about 1, 2, ..., n (well separated)."""
    q = _orthogonal(rng, n, batch)
    e = np.arange(1.0, n + 1) + rng.uniform(-0.2, 0.2, size=batch + (n,))
    return q @ (e[..., :, None] * _mT(q))


def _distinct_sv(rng, m, n, batch=()):
    """An m x n matrix with singular values about 1, 2, ..., min(m, n)."""
    k = min(m, n)
    u, v = _orthogonal(rng, m, batch)[..., :, :k], _orthogonal(rng, n, batch)[..., :, :k]
    s = np.arange(k, 0.0, -1) + rng.uniform(-0.2, 0.2, size=batch + (k,))
    return u @ (s[..., :, None] * _mT(v))


def _cplx(fn):
    """fn on complex tensors made from consecutive pairs of real arguments; real and imaginary parts out."""
    def f(*args):
        out = fn(*[tg.complex(a, b) for a, b in zip(args[::2], args[1::2])])
        outs = out if isinstance(out, (tuple, list)) else [out]
        return [part for o in outs for part in ((tg.math.real(o), tg.math.imag(o)) if o.dtype.is_complex else (o,))]
    return f


def _split(*arrays):
    """Complex arrays as the real argument pairs _cplx expects."""
    return [part for a in arrays for part in (np.real(a).copy(), np.imag(a).copy())]


def _herm(z):
    return (z + tg.linalg.adjoint(z)) / 2


def _sym(x):
    return (x + tg.linalg.matrix_transpose(x)) / 2


def _weights(k):
    return tg.constant(np.linspace(0.5, 1.5, k))


def _vectors_invariant(u, v):
    """Functions of singular/eigen vectors invariant to their signs (phases): |u|², |v|², u diag(c) v^H."""
    k = min(u.shape[-1], v.shape[-1])
    c = tg.cast(_weights(k), u.dtype)
    uk, vk = u[..., :, :k], v[..., :, :k]
    return [tg.math.real(u * tg.math.conj(u)), tg.math.real(v * tg.math.conj(v)),
            tg.matmul(uk * c, vk, adjoint_b=True)]


def _svd_fn(full_matrices=False):
    def f(x):
        s, u, v = tg.linalg.svd(x, full_matrices=full_matrices)
        return [s] + _vectors_invariant(u, v)
    return f


def _eigh_fn(x):
    e, v = tg.linalg.eigh(x)
    return [e] + _vectors_invariant(v, v)[1:]


def _qr_fn(full_matrices=False):
    def f(x):
        q, r = tg.linalg.qr(x, full_matrices=full_matrices)
        k = min(r.shape[-2], r.shape[-1])
        d = tg.sign(tg.linalg.diag_part(r[..., :k, :k]))  # R's diagonal made positive: a sign-free QR
        qd = tg.concat([q[..., :, :k] * d[..., None, :], q[..., :, k:]], -1)
        rd = tg.concat([r[..., :k, :] * d[..., :, None], r[..., k:, :]], -2)
        return qd, rd
    return f


def _args(fn):
    """``args`` from a function of the rng (float64 arrays)."""
    return lambda rng: [np.asarray(a, dtype=np.float64) for a in fn(rng)]


def _c(rng, shape):
    return rng.uniform(-1, 1, size=shape) + 1j * rng.uniform(-1, 1, size=shape)


SPECS = [
    # --- bands and diagonals (linear)
    OpSpec("matrix_band_part", lambda x: tg.linalg.band_part(x, 1, 0), [((3, 4),), ((2, 3, 3),)]),
    OpSpec("matrix_band_part", lambda x: tg.linalg.band_part(x, -1, 0) + tg.linalg.band_part(x, 0, 2),
           [((4, 3),)], id="band_part_triangles"),
    OpSpec("matrix_diag_part", tg.linalg.diag_part, [((3, 4),), ((2, 3, 3),)]),
    OpSpec("matrix_diag_part", lambda x: tg.linalg.diag_part(x, k=(-1, 1), padding_value=7.0), [((3, 4),)],
           id="diag_part_band"),
    OpSpec("matrix_diag_part", tg.linalg.trace, [((3, 3),), ((2, 3, 4),)], id="trace"),
    OpSpec("matrix_diag", tg.linalg.diag, [((3,),), ((2, 3),)]),
    OpSpec("matrix_diag", lambda d: tg.linalg.diag(d, k=(-1, 0), num_rows=3, padding_value=2.0), [((2, 3),)],
           id="diag_band"),
    OpSpec("matrix_diag", lambda x, d: tg.linalg.set_diag(x, d, k=1), [((3, 4), (3,)), ((2, 3, 3), (2, 2))],
           id="set_diag"),
    # --- inverse and determinants
    OpSpec("matrix_inverse", tg.linalg.inv, [], args=_args(lambda rng: [_well_conditioned(rng, 3)])),
    OpSpec("matrix_inverse", lambda a: tg.linalg.inv(a, adjoint=True), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3, (2,))]), id="inv_adjoint_batch"),
    OpSpec("matrix_inverse", _cplx(tg.linalg.inv), [], args=lambda rng: _split(_c(rng, (3, 3)) + 3 * np.eye(3)),
           id="inv_complex"),
    OpSpec("matrix_determinant", tg.linalg.det, [], args=_args(lambda rng: [_well_conditioned(rng, 3, (2,))])),
    OpSpec("matrix_determinant", _cplx(tg.linalg.det), [], args=lambda rng: _split(_c(rng, (3, 3)) + 2 * np.eye(3)),
           id="det_complex"),
    OpSpec("log_matrix_determinant", tg.linalg.slogdet, [],
           args=_args(lambda rng: [_well_conditioned(rng, 3, (2,)) * np.array([1.0, -1.0])[:, None, None]])),
    OpSpec("log_matrix_determinant", _cplx(lambda z: tg.linalg.slogdet(z)[1]), [],
           args=lambda rng: _split(_c(rng, (3, 3)) + 2 * np.eye(3)), id="slogdet_complex"),
    # --- Cholesky (of symmetrized inputs: the op reads the lower triangle, its gradient is symmetric)
    OpSpec("cholesky", lambda x: tg.linalg.cholesky(_sym(x)), [], args=_args(lambda rng: [_spd(rng, 3)])),
    OpSpec("cholesky", lambda x: tg.linalg.cholesky(_sym(x)), [], args=_args(lambda rng: [_spd(rng, 4, (2,))]),
           id="cholesky_batch"),
    OpSpec("cholesky", _cplx(lambda z: tg.linalg.cholesky(_herm(z))), [],
           args=lambda rng: _split((lambda a: a @ np.conj(_mT(a)) + 3 * np.eye(3))(_c(rng, (3, 3)))),
           id="cholesky_complex"),
    OpSpec("cholesky", lambda x: tg.linalg.logdet(_sym(x)), [], args=_args(lambda rng: [_spd(rng, 3, (2,))]),
           id="logdet"),
    # --- solvers
    OpSpec("matrix_solve", tg.linalg.solve, [],
           args=_args(lambda rng: [_well_conditioned(rng, 3), rng.uniform(-1, 1, (3, 2))])),
    OpSpec("matrix_solve", lambda a, b: tg.linalg.solve(a, b, adjoint=True), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3, (2,)), rng.uniform(-1, 1, (2, 3, 1))]),
           id="solve_adjoint_batch"),
    OpSpec("matrix_solve", _cplx(tg.linalg.solve), [],
           args=lambda rng: _split(_c(rng, (3, 3)) + 3 * np.eye(3), _c(rng, (3, 2))), id="solve_complex"),
    OpSpec("matrix_triangular_solve", tg.linalg.triangular_solve, [],
           args=_args(lambda rng: [_well_conditioned(rng, 3), rng.uniform(-1, 1, (3, 2))])),
    OpSpec("matrix_triangular_solve", lambda a, b: tg.linalg.triangular_solve(a, b, lower=False, adjoint=True), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3), rng.uniform(-1, 1, (2, 3, 2))]),
           id="triangular_solve_upper_adjoint_broadcast"),
    OpSpec("matrix_triangular_solve", lambda a, b: tg.linalg.triangular_solve(a, b, lower=True, adjoint=True), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3, (2, 1)), rng.uniform(-1, 1, (3, 2))]),
           id="triangular_solve_lower_adjoint_batch"),
    OpSpec("matrix_triangular_solve", _cplx(lambda a, b: tg.linalg.triangular_solve(a, b, lower=False)), [],
           args=lambda rng: _split(_c(rng, (3, 3)) + 3 * np.eye(3), _c(rng, (3, 2))), id="triangular_solve_complex"),
    OpSpec("matrix_triangular_solve", lambda x, b: tg.linalg.cholesky_solve(tg.linalg.cholesky(_sym(x)), b), [],
           args=_args(lambda rng: [_spd(rng, 3), rng.uniform(-1, 1, (3, 2))]), id="cholesky_solve"),
    OpSpec("matrix_triangular_solve", tg.linalg.lstsq, [],
           args=_args(lambda rng: [_distinct_sv(rng, 5, 3), rng.uniform(-1, 1, (5, 2))]), id="lstsq_tall"),
    OpSpec("matrix_triangular_solve", lambda a, b: tg.linalg.lstsq(a, b, l2_regularizer=0.1), [],
           args=_args(lambda rng: [_distinct_sv(rng, 2, 4), rng.uniform(-1, 1, (2, 2))]), id="lstsq_wide_l2"),
    # --- QR (signs fixed by making R's diagonal positive)
    OpSpec("qr", _qr_fn(), [], args=_args(lambda rng: [_distinct_sv(rng, 4, 3)])),
    OpSpec("qr", _qr_fn(), [], args=_args(lambda rng: [_distinct_sv(rng, 3, 3, (2,))]), id="qr_square_batch"),
    OpSpec("qr", _qr_fn(), [], args=_args(lambda rng: [_distinct_sv(rng, 3, 5)]), id="qr_wide"),
    OpSpec("qr", _qr_fn(full_matrices=True), [], args=_args(lambda rng: [_distinct_sv(rng, 2, 4)]),
           id="qr_wide_full"),
    OpSpec("qr", _cplx(lambda z: tg.linalg.qr(z)), [], args=lambda rng: _split(_c(rng, (4, 3))), id="qr_complex"),
    OpSpec("qr", _cplx(lambda z: tg.linalg.qr(z)), [], args=lambda rng: _split(_c(rng, (2, 3))),
           id="qr_complex_wide"),
    # --- SVD (s, |u|², |v|², u diag(c) v^H)
    OpSpec("svd", _svd_fn(), [], args=_args(lambda rng: [_distinct_sv(rng, 4, 3)])),
    OpSpec("svd", _svd_fn(), [], args=_args(lambda rng: [_distinct_sv(rng, 3, 5, (2,))]), id="svd_wide_batch"),
    OpSpec("svd", _svd_fn(), [], args=_args(lambda rng: [_distinct_sv(rng, 3, 3)]), id="svd_square"),
    OpSpec("svd", _svd_fn(full_matrices=True), [], args=_args(lambda rng: [_distinct_sv(rng, 4, 3)]),
           id="svd_full_tall"),
    OpSpec("svd", _svd_fn(full_matrices=True), [], args=_args(lambda rng: [_distinct_sv(rng, 2, 3)]),
           id="svd_full_wide"),
    OpSpec("svd", lambda x: tg.linalg.svd(x, compute_uv=False), [],
           args=_args(lambda rng: [_distinct_sv(rng, 5, 3)]), id="svd_values"),
    OpSpec("svd", _cplx(_svd_fn()), [], args=lambda rng: _split(_c(rng, (4, 3))), id="svd_complex"),
    OpSpec("svd", _cplx(_svd_fn()), [], args=lambda rng: _split(_c(rng, (2, 3))), id="svd_complex_wide"),
    OpSpec("svd", lambda x: tg.linalg.norm(x, ord=2, axis=[0, 2]), [],
           args=_args(lambda rng: [np.moveaxis(_distinct_sv(rng, 3, 4, (2,)), 0, 1)]), id="norm_matrix_2"),
    # --- eigh (on the raw matrix: the op and its gradient use the lower triangle only)
    OpSpec("self_adjoint_eig", _eigh_fn, [], args=_args(lambda rng: [_sym_distinct(rng, 4)])),
    OpSpec("self_adjoint_eig", _eigh_fn, [], args=_args(lambda rng: [_sym_distinct(rng, 3, (2,))]),
           id="eigh_batch"),
    OpSpec("self_adjoint_eig", tg.linalg.eigvalsh, [], args=_args(lambda rng: [_sym_distinct(rng, 4)]),
           id="eigvalsh"),
    OpSpec("self_adjoint_eig", _cplx(_eigh_fn), [],
           args=lambda rng: _split((lambda q: q @ np.diag([1.0, 2.1, 3.3]) @ np.conj(_mT(q)))(
               np.linalg.qr(_c(rng, (3, 3)))[0])), id="eigh_complex"),
    # --- norms and clipping (composites)
    OpSpec("sqrt", tg.norm, [((2, 3),)], id="norm_euclidean"),
    OpSpec("reduce_max", lambda x: tg.norm(x, ord=1, axis=(-2, -1)) + tg.norm(x, ord=np.inf, axis=[1, 2]),
           [], args=_args(lambda rng: [rng.permutation(24).reshape(2, 3, 4) / 7.0 - 1.7]), id="norm_matrix_1_inf"),
    OpSpec("pow", lambda x: tg.norm(x, ord=3, axis=-1, keepdims=True), [((2, 3),)], domain=(0.5, 2.0),
           id="norm_p"),
    OpSpec("maximum", lambda x: tg.clip_by_norm(x, 1.0, axes=[1]), [],
           args=_args(lambda rng: [np.array([[3.0, 4.0, 1.0], [0.1, -0.2, 0.3]])]), id="clip_by_norm"),
    OpSpec("minimum", lambda x, y: tg.clip_by_global_norm([x, None, y], 2.0)[0][::2], [((2, 3), (4,))],
           id="clip_by_global_norm"),
]
