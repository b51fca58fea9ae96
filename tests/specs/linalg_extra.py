"""Specs for tapegrad/ops/linalg_extra.py (float64, inputs where the functions are smooth).

Eigenvectors of ``eig`` are defined up to a phase: their specs look at ``|v|²`` and ``v diag(c) v^H``.
``lu`` and ``logm`` have no gradient in TF (LookupError); their specs run them on stopped inputs.
"""
import numpy as np

import tapegrad as tg

from . import OpSpec
from .linalg import _args, _c, _cplx, _split, _spd, _sym_distinct, _weights, _well_conditioned

_PERM = [2, 0, 1]


def _eig_fn(x):
    e, v = tg.linalg.eig(x)
    c = tg.cast(_weights(v.shape[-1]), v.dtype)
    outs = [e, tg.cast(tg.math.real(v * tg.math.conj(v)), v.dtype), tg.matmul(v * c, v, adjoint_b=True)]
    return [part for o in outs for part in (tg.math.real(o), tg.math.imag(o))]


def _diagonalizable(rng, eigen_block, batch=()):
    """P B P^-1 for a block B with distinct eigenvalues and a well-conditioned P."""
    n = eigen_block.shape[-1]
    p = np.eye(n) + 0.3 * rng.uniform(-1, 1, size=batch + (n, n))
    return p @ eigen_block @ np.linalg.inv(p)


def _tridiagonal(rng, batch=(), n=4):
    """Compact diagonals of a diagonally dominant tridiagonal matrix (pivoting-free and well conditioned)."""
    d = rng.uniform(-1, 1, size=batch + (3, n))
    d[..., 1, :] += 4.0
    return d


def _eigh_tridiagonal_fn(a, b):
    e, v = tg.linalg.eigh_tridiagonal(a, b, eigvals_only=False)
    return [e, v * v]


def _stopped(fn):
    return lambda *xs: fn(*[tg.stop_gradient(x) for x in xs])


SPECS = [
    OpSpec("cross", tg.linalg.cross, [((3,), (3,)), ((2, 3), (2, 3))]),
    # --- matrix functions (norms that take each Padé branch, and squarings)
    OpSpec("matrix_exponential", tg.linalg.expm, [], args=_args(lambda rng: [0.01 * rng.uniform(-1, 1, (3, 3))]),
           id="expm_pade3"),
    OpSpec("matrix_exponential", tg.linalg.expm, [], args=_args(lambda rng: [0.5 * rng.uniform(-1, 1, (2, 3, 3))]),
           id="expm_pade9_batch"),
    OpSpec("matrix_exponential", tg.linalg.expm, [], args=_args(lambda rng: [3.0 * rng.uniform(-1, 1, (3, 3))]),
           rtol=1e-4, id="expm_squarings"),
    OpSpec("matrix_exponential", _cplx(tg.linalg.expm), [], args=lambda rng: _split(0.7 * _c(rng, (2, 2))),
           id="expm_complex"),
    OpSpec("matrix_square_root", tg.linalg.sqrtm, [], args=_args(lambda rng: [_well_conditioned(rng, 3)])),
    OpSpec("matrix_square_root", tg.linalg.sqrtm, [], args=_args(lambda rng: [_spd(rng, 3, (2,))]),
           id="sqrtm_spd_batch"),
    OpSpec("matrix_square_root", _cplx(tg.linalg.sqrtm), [], args=lambda rng: _split(_c(rng, (3, 3)) + 3 * np.eye(3)),
           id="sqrtm_complex"),
    OpSpec("matrix_logarithm", _stopped(lambda x: tg.linalg.logm(tg.cast(x, tg.complex128))), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3)]), grad=False),
    # --- eig (real input with real eigenvalues, with a complex pair, complex input; eigvals)
    OpSpec("eig", _eig_fn, [], args=_args(lambda rng: [_diagonalizable(rng, np.diag([1.0, 2.0, 3.5]))])),
    OpSpec("eig", _eig_fn, [], args=_args(lambda rng: [_diagonalizable(
        rng, np.array([[1.0, -2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 3.0]]), (2,))]), id="eig_complex_pair_batch"),
    OpSpec("eig", _cplx(_eig_fn), [], args=lambda rng: _split(_diagonalizable(rng, np.diag([1.0, 2.0j, -1.5]))),
           id="eig_complex"),
    OpSpec("eig", lambda x: [tg.math.real(tg.linalg.eigvals(x)), tg.math.imag(tg.linalg.eigvals(x))], [],
           args=_args(lambda rng: [_diagonalizable(rng, np.array([[0.5, -1.0], [1.0, 0.5]]))]), id="eigvals"),
    # --- LU (no gradient through lu itself; lu_solve and friends differentiate lower_upper and rhs)
    OpSpec("lu", _stopped(tg.linalg.lu), [], args=_args(lambda rng: [_well_conditioned(rng, 3, (2,))]), grad=False),
    OpSpec("matrix_triangular_solve", lambda lu, b: tg.linalg.lu_solve(lu, _PERM, b), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3), rng.uniform(-1, 1, (3, 2))]), id="lu_solve"),
    OpSpec("matrix_triangular_solve", lambda lu, b: tg.linalg.lu_solve(lu, [_PERM, [0, 1, 2]], b), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3, (2,)), rng.uniform(-1, 1, (3, 1))]),
           id="lu_solve_broadcast"),
    OpSpec("matrix_triangular_solve", lambda lu: tg.linalg.lu_matrix_inverse(lu, _PERM), [],
           args=_args(lambda rng: [_well_conditioned(rng, 3)]), id="lu_matrix_inverse"),
    OpSpec("gather", lambda lu: tg.linalg.lu_reconstruct(lu, [_PERM, [1, 2, 0]]), [((2, 3, 3),)],
           id="lu_reconstruct"),
    # --- tridiagonal and banded systems
    OpSpec("tridiagonal_solve", tg.linalg.tridiagonal_solve, [],
           args=_args(lambda rng: [_tridiagonal(rng), rng.uniform(-1, 1, (4, 2))])),
    OpSpec("tridiagonal_solve", lambda d, b: tg.linalg.tridiagonal_solve(d, b, partial_pivoting=False), [],
           args=_args(lambda rng: [_tridiagonal(rng, (2,)), rng.uniform(-1, 1, (2, 4))]), id="tridiagonal_thomas_vec"),
    OpSpec("tridiagonal_solve", lambda d, b: tg.linalg.tridiagonal_solve(d, b, transpose_rhs=True), [],
           args=_args(lambda rng: [np.array([[1.0, 2.0, 3.0, 0.0], [4.0, 5.0, 6.0, 7.0], [0.0, 8.0, 9.0, 10.0]])
                                   + 0.1 * rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (2, 4))]),
           id="tridiagonal_pivoting"),
    OpSpec("tridiagonal_solve", lambda d, b: tg.linalg.tridiagonal_solve(d, b, perturb_singular=True), [],
           args=_args(lambda rng: [_tridiagonal(rng), rng.uniform(-1, 1, (4, 1))]), id="tridiagonal_perturb"),
    OpSpec("tridiagonal_solve", _cplx(tg.linalg.tridiagonal_solve), [],
           args=lambda rng: _split(_c(rng, (3, 3)) + np.array([[0], [4], [0]]), _c(rng, (3, 2))),
           id="tridiagonal_complex"),
    OpSpec("multiply", tg.linalg.tridiagonal_matmul, [((3, 4), (4, 2)), ((2, 3, 3), (2, 3, 1))],
           id="tridiagonal_matmul"),
    OpSpec("matrix_triangular_solve", tg.linalg.banded_triangular_solve, [],
           args=_args(lambda rng: [rng.uniform(-1, 1, (2, 4)) + np.array([[3.0], [0.0]]), rng.uniform(-1, 1, (4, 2))]),
           id="banded_triangular_solve"),
    OpSpec("matrix_triangular_solve", lambda a, b: tg.linalg.banded_triangular_solve(a, b, lower=False, adjoint=True),
           [], args=_args(lambda rng: [rng.uniform(-1, 1, (2, 3, 4)) + np.array([[0.0], [0.0], [3.0]]),
                                       rng.uniform(-1, 1, (4, 1))]), id="banded_triangular_solve_upper"),
    # --- composites over svd, eigh and diagonals
    OpSpec("svd", tg.linalg.pinv, [], args=_args(lambda rng: [_well_conditioned(rng, 3)[:2]])),
    OpSpec("svd", tg.linalg.matrix_rank, [((3, 3),), ((2, 2, 3),)], grad=False, id="matrix_rank"),
    OpSpec("sqrt", tg.linalg.normalize, [((2, 3),)], domain=(0.5, 2.0), id="normalize"),
    OpSpec("pow", lambda x: tg.linalg.normalize(x, ord=3, axis=1), [((2, 3),)], domain=(0.5, 2.0),
           id="normalize_p"),
    OpSpec("matrix_diag", tg.linalg.tensor_diag, [((2, 2),)], id="tensor_diag"),
    OpSpec("matrix_diag_part", tg.linalg.tensor_diag_part, [((2, 3, 2, 3),)], id="tensor_diag_part"),
    OpSpec("self_adjoint_eig", _eigh_tridiagonal_fn, [],
           args=_args(lambda rng: [np.array([1.0, 2.0, 3.5]) + 0.1 * rng.uniform(-1, 1, 3),
                                   rng.uniform(0.2, 0.5, 2)]), id="eigh_tridiagonal"),
    OpSpec("matrix_square_root", lambda x: tg.linalg.sqrtm(x) - tg.linalg.expm(0.1 * x), [],
           args=_args(lambda rng: [_sym_distinct(rng, 3)]), id="sqrtm_expm_symmetric"),
]
