"""More of ``tf.linalg``: cross, normalize, pinv, matrix_rank, LU, matrix functions (expm, sqrtm, logm),
general eigendecomposition, tridiagonal and banded solvers, tensor diagonals.

Primitives (a NumPy kernel and rules written with tapegrad ops, so every order is differentiable):

* ``cross``: the rules are cross products again (TF's CrossGrad).
* ``matrix_exponential``: TF's kernel (Higham's scaling and squaring with Padé 3..13, ported from
  linalg_impl.py). TF differentiates its Python composite; tapegrad uses the exact Fréchet derivative
  instead, the upper-right block of ``expm([[A^H, G], [0, A^H]])`` (the same numbers up to the Padé
  error, and cheaper).
* ``matrix_square_root``: eigh for Hermitian matrices, the scaled product Denman-Beavers iteration
  otherwise (eig where an eigenvalue lies on the closed negative real axis); a real matrix with a
  negative real eigenvalue gives NaN, as TF. The rule solves TF's Sylvester equation
  ``R^H X + X R^H = G`` through a Kronecker system (TF omits the conjugates for complex inputs).
* ``matrix_logarithm``: inverse scaling and squaring (complex only, no gradient: LookupError, as TF).
* ``eig``: LAPACK's geev; TF's gradient (Boeddeker et al., eq. 4.77) and the matching JVP with
  eigenvectors kept at unit norm. Eigenvector phases come from LAPACK and may differ from TF's (Eigen).
* ``lu``: partial pivoting as Eigen's PartialPivLU (largest modulus, first on ties); TF registers no
  gradient (LookupError).
* ``tridiagonal_solve``: TF's CPU kernels (LAPACK gtsv-style pivoting, Thomas, xLAGTS perturbation),
  TF's gradient (with the conjugates TF omits for complex inputs).

Composites (their gradients are those of TF's own Python composites): normalize, pinv, matrix_rank,
lu_solve, lu_matrix_inverse, lu_reconstruct, tridiagonal_matmul, banded_triangular_solve, tensor_diag,
tensor_diag_part, eigh_tridiagonal (a dense eigh: TF's bisection gives Gershgorin-bound gradients, tapegrad
the true ones).
"""
import collections

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.forwardprop import multilinear_jvp
from .._core.primitive import Primitive
from .._core.tensor import Variable, convert_to_tensor
from ..graph.tracer import value_check
from . import array as _array
from . import indexing as _indexing
from . import linalg as _la
from . import math as _math
from . import reduce as _reduce
from ._util import Tensor, execute, pair, same_dtype, tensor
from .linalg import _F, _adj, _const, _dims, _invalid, _matrix, _mm, _up

Lu = collections.namedtuple("Lu", ["lu", "p"])


def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _hinted(x, like):
    """``x`` as a Tensor, Python values converted to ``like``'s dtype where they can be."""
    return tensor(x) if _is_tensor(x) else convert_to_tensor(x, dtype_hint=like.dtype)


def _block(a, b, c, d):
    """The block matrix [[a, b], [c, d]] over the last two axes."""
    return _array.concat([_array.concat([a, b], -1), _array.concat([c, d], -1)], -2)


def _broadcast_like(x, g):
    """``x`` broadcast to the batch shape of ``g`` (a batched cotangent may have extra leading axes)."""
    gs = g._value.shape
    return x if x._value.shape == gs else _array.broadcast_to(x, gs[:-2] + x._value.shape[-2:])


def _eye(n, dtype):
    return Tensor(np.eye(n, dtype=dtype))


def _kron_sum(a, b):
    """``kron(a, I) + kron(I, b)`` for batches of n x n matrices: the row-major matrix of X -> a X + X b^T."""
    n = a._value.shape[-1]
    eye = _eye(n, a._value.dtype)
    batch = a._value.shape[:-2]

    def kron(x, y):
        xs = _array.reshape(x, x._value.shape[:-2] + (n, 1, n, 1))
        ys = _array.reshape(y, y._value.shape[:-2] + (1, n, 1, n))
        return _array.reshape(xs * ys, batch + (n * n, n * n))

    return kron(a, eye) + kron(eye, b)


def _vec_solve(k, g):
    """X with ``k @ vec(X) = vec(g)`` (row-major vec of the innermost matrices of g)."""
    gs = g._value.shape
    v = _array.reshape(g, gs[:-2] + (gs[-1] * gs[-2], 1))
    return _array.reshape(execute(_la.solve_p, (k, v), {"adjoint": False}), gs)


# --- cross --------------------------------------------------------------------------------------
_REAL_NUMBER = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                "uint16", "uint32", "uint64")

cross_p = Primitive("cross", lambda a, b: np.cross(a, b), (
    lambda g, out, a, b: execute(cross_p, (b, g), {}),  # u x v: grad_u = v x g
    lambda g, out, a, b: execute(cross_p, (g, a), {}),  # grad_v = g x u
), kinds="fiu")
cross_p.jvp = multilinear_jvp(cross_p)


def cross(a, b, name=None):
    """Pairwise cross product of the 3-element vectors in the last dimension of ``a`` and ``b`` (same shapes)."""
    op = "Cross"
    a, b = pair(op, a, b)
    if a.dtype.name not in _REAL_NUMBER:
        raise _invalid(op, f"Value for attr 'T' of {a.dtype.name} is not in the list of allowed values: float, "
                           "double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64")
    sa, sb = a._value.shape, b._value.shape
    if sa != sb:
        raise _invalid(op, f"Both inputs must be of same shape: {_dims(sa)} vs. {_dims(sb)}")
    if len(sa) < 1:
        raise _invalid(op, "Input must be at least 1D" + _dims(sa))
    if sa[-1] != 3:
        raise errors.FailedPreconditionError(None, op, "Cross-products are only defined for 3-element vectors. "
                                                       f"[Op:{op}]")
    return execute(cross_p, (a, b), {})


# --- normalize, pinv, matrix_rank ---------------------------------------------------------------
def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002 - TF's argument names
    """``(tensor / norm, norm)`` with ``norm = tf.norm(tensor, ord, axis, keepdims=True)`` (cast to the input dtype)."""
    x = convert_to_tensor(tensor)
    norm = _math.cast(_la.norm(x, ord, axis, keepdims=True), x.dtype)
    return x / norm, norm


def _float_matrix(a):
    """TF's _maybe_validate_matrix: a floating dtype (TypeError) and rank >= 2 (ValueError)."""
    if not a.dtype.is_floating:
        raise TypeError(f"Input `a` must have `float`-like `dtype` (saw {a.dtype.name}).")
    if a._value.ndim < 2:
        raise ValueError(f"Input `a` must have at least 2 dimensions (saw: {a._value.ndim}).")
    return a


def pinv(a, rcond=None, validate_args=False, name=None):
    """Moore-Penrose pseudo-inverse ``[..., N, M]`` of matrices ``[..., M, N]``, from the SVD (TF's algorithm).

    Singular values at most ``rcond * max(s)`` are dropped; ``rcond`` defaults to
    ``10 * max(M, N) * eps`` of the dtype.
    """
    a = _float_matrix(convert_to_tensor(a))
    dtype = a._value.dtype
    if rcond is None:
        rcond = 10.0 * max(a._value.shape[-2:]) * np.finfo(dtype).eps
    rcond = convert_to_tensor(rcond, dtype=a.dtype)
    s, u, v = _la.svd(a, full_matrices=False, compute_uv=True)
    cutoff = rcond * _reduce.reduce_max(s, axis=-1)
    s = _math.where(s > _array.expand_dims(cutoff, -1), s, _const(np.inf, dtype))
    return _mm(v / _array.expand_dims(s, -2), u, False, True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """Number of singular values above ``tol`` (default ``eps * max(M, N) * max(s)``), as int32."""
    a = _float_matrix(a if _is_tensor(a) else convert_to_tensor(a, dtype_hint=_dt.float32))
    a = tensor(a)
    s = _la.svd(a, compute_uv=False)
    if tol is None:
        eps = np.finfo(a._value.dtype).eps
        tol = _const(eps * max(a._value.shape[-2:]), a._value.dtype) * _reduce.reduce_max(s, axis=-1,
                                                                                           keepdims=True)
    return _reduce.reduce_sum(_math.cast(s > tol, _dt.int32), axis=-1)


# --- tensor_diag, tensor_diag_part ----------------------------------------------------------------
def tensor_diag(diagonal, name=None):
    """The tensor of shape ``D + D`` (D = diagonal.shape) with ``diagonal`` on its diagonal and zeros elsewhere."""
    d = tensor(diagonal)
    shape = d._value.shape
    if len(shape) < 1:
        raise _invalid("Diag", f"Input must be at least rank 1, got {len(shape)}")
    flat = _array.reshape(d, (-1,))
    return _array.reshape(_la._diag(flat), shape + shape)


def tensor_diag_part(input, name=None):  # noqa: A002 - TF's argument name
    """The diagonal of a tensor of shape ``D + D``: ``out[i, j, ...] = input[i, j, ..., i, j, ...]``."""
    x = tensor(input)
    shape = x._value.shape
    r = len(shape)
    if r == 0:
        return x
    if r % 2:
        raise _invalid("DiagPart", f"The rank of the tensor should be even and positive, got shape {_dims(shape)}")
    half = shape[:r // 2]
    for i, (p, q) in enumerate(zip(half, shape[r // 2:])):
        if p != q:
            raise _invalid("DiagPart", f"Invalid shape {_dims(shape)}: dimensions {i} and {i + r // 2} do not "
                                       "match.")
    n = int(np.prod(half))
    return _array.reshape(_la._diag_part(_array.reshape(x, (n, n))), half)


# --- LU -----------------------------------------------------------------------------------------
def _lu_impl(a, output_idx_type):
    x = _up(a)
    n = x.shape[-1]
    flat = x.reshape((-1, n, n)).copy()
    batch = flat.shape[0]
    perm = np.tile(np.arange(n), (batch, 1))
    rows = np.arange(batch)
    with np.errstate(all="ignore"):
        for k in range(n):
            piv = k + np.argmax(np.abs(flat[:, k:, k]), axis=1)  # the largest modulus, the first on ties
            flat[rows, k], flat[rows, piv] = flat[rows, piv], flat[rows, k].copy()
            perm[rows, k], perm[rows, piv] = perm[rows, piv], perm[rows, k].copy()
            flat[:, k + 1:, k] /= flat[:, k, k, None]
            flat[:, k + 1:, k + 1:] -= flat[:, k + 1:, k, None] * flat[:, k, None, k + 1:]
    if (np.diagonal(flat, axis1=-2, axis2=-1) == 0).any() or np.isnan(flat).any():
        raise _invalid("Lu", "Input is not invertible.")
    return flat.reshape(a.shape).astype(a.dtype, copy=False), perm.reshape(a.shape[:-1]).astype(output_idx_type)


lu_p = Primitive("lu", _lu_impl, None, multiple_results=True, kinds="fc")  # TF registers no gradient: LookupError


def lu(input, output_idx_type=_dt.int32, name=None):  # noqa: A002 - TF's argument name
    """LU decomposition with partial pivoting: ``Lu(lu, p)`` with ``L @ U = input[..., p, :]``.

    ``lu`` holds U in its upper triangle and L (unit diagonal, not stored) below it; ``p`` is the row
    permutation (``output_idx_type``: int32 or int64). TF registers no gradient for it (LookupError).

    Raises:
      InvalidArgumentError: a matrix that is not square, or singular ("Input is not invertible.").
    """
    op = "Lu"
    idx = _dt.as_dtype(output_idx_type)
    if idx not in (_dt.int32, _dt.int64):
        raise _invalid(op, f"Value for attr 'output_idx_type' of {idx.name} is not in the list of allowed values: "
                           "int32, int64")
    x = _matrix(op, input, square=False)
    if x._value.shape[-1] != x._value.shape[-2]:
        raise _invalid(op, "Input matrix must be square.")
    return Lu(*execute(lu_p, (x,), {"output_idx_type": idx._np}))


def _lu_args(lower_upper, perm):
    lu_t = tensor(lower_upper) if _is_tensor(lower_upper) else convert_to_tensor(lower_upper,
                                                                                 dtype_hint=_dt.float32)
    p = tensor(perm) if _is_tensor(perm) else convert_to_tensor(perm, dtype_hint=_dt.int32)
    ls = lu_t._value.shape
    if len(ls) < 2:
        raise ValueError("Input `lower_upper` must have at least 2 dimensions.")
    if len(ls) != p._value.ndim + 1:
        raise ValueError("`rank(lower_upper)` must equal `rank(perm) + 1`")
    if ls[-2] != ls[-1]:
        raise ValueError("`lower_upper` must be square.")
    return lu_t, p


def _unit_lower(lu_t):
    ones = _array.ones(lu_t._value.shape[:-1], dtype=lu_t.dtype)
    return _la.set_diag(_la._band(lu_t, -1, 0), ones)


def _rows(x, idx):
    """``x[..., idx[...], :]``: the rows of each innermost matrix picked by the index vectors (batches broadcast)."""
    batch = np.broadcast_shapes(x._value.shape[:-2], idx._value.shape[:-1])
    x = _array.broadcast_to(x, batch + x._value.shape[-2:])
    idx = _array.broadcast_to(idx, batch + idx._value.shape[-1:])
    cols = _array.gather(_la._mT(x), idx, axis=-1, batch_dims=len(batch))  # not axis 0: a dense gradient, as TF's
    return _la._mT(cols)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix ``P^-1 L U`` that ``tf.linalg.lu`` factored into ``(lower_upper, perm)``."""
    lu_t, p = _lu_args(lower_upper, perm)
    x = _mm(_unit_lower(lu_t), _la._band(lu_t, 0, -1), False, False)
    return _rows(x, _indexing.argsort(p, axis=-1))  # argsort of a permutation is its inverse


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """Solves ``A x = rhs`` from the LU factorization ``(lower_upper, perm)`` of A (batches broadcast)."""
    lu_t, p = _lu_args(lower_upper, perm)
    b = _hinted(rhs, lu_t)
    if b._value.ndim < 2:
        raise ValueError("Input `rhs` must have at least 2 dimensions.")
    if lu_t._value.shape[-1] != b._value.shape[-2]:
        raise ValueError("`lower_upper.shape[-1]` must equal `rhs.shape[-1]`.")
    y = _la.triangular_solve(_unit_lower(lu_t), _rows(b, p), lower=True)
    return _la.triangular_solve(lu_t, y, lower=False)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of the matrix factored by ``tf.linalg.lu`` into ``(lower_upper, perm)``."""
    lu_t, p = _lu_args(lower_upper, perm)
    shape = lu_t._value.shape
    eye = Tensor(np.broadcast_to(np.eye(shape[-1], dtype=lu_t._value.dtype), shape).copy())
    return lu_solve(lu_t, p, eye)


# --- matrix exponential ---------------------------------------------------------------------------
_PADE = {  # TF's (Eigen's) Padé coefficients b_0 .. b_m
    3: (120.0, 60.0, 12.0),
    5: (30240.0, 15120.0, 3360.0, 420.0, 30.0),
    7: (17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0),
    9: (17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0, 2162160.0, 110880.0, 3960.0, 90.0),
    13: (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
         10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0),
}
# (degrees, l1-norm bounds between them, the norm the last degree is scaled to) per precision
_EXPM_SINGLE = ((3, 5, 7), (4.258730016922831e-001, 1.880152677804762e+000), 3.925724783138660)
_EXPM_DOUBLE = ((3, 5, 7, 9, 13), (1.495585217958292e-002, 2.539398330063230e-001, 9.504178996162932e-001,
                                   2.097847961257068e+000), 5.371920351148152)


def _pade_uv(m, degree):
    """U and V of the Padé approximant of the given degree (TF's _matrix_exp_padeN)."""
    b = [m.dtype.type(c) for c in _PADE[degree]]
    eye = np.broadcast_to(np.eye(m.shape[-1], dtype=m.dtype), m.shape)
    m2 = m @ m
    if degree == 13:
        m4 = m2 @ m2
        m6 = m4 @ m2
        u = m @ (m6 @ (m6 + b[11] * m4 + b[9] * m2) + b[7] * m6 + b[5] * m4 + b[3] * m2 + b[1] * eye)
        v = m6 @ (b[12] * m6 + b[10] * m4 + b[8] * m2) + b[6] * m6 + b[4] * m4 + b[2] * m2 + b[0] * eye
        return u, v
    powers = [eye, m2]  # I, m^2, m^4, ... up to m^(degree - 1); b_degree is 1
    while len(powers) < (degree + 1) // 2:
        powers.append(powers[-1] @ m2)
    u_inner, v = powers[-1], b[degree - 1] * powers[-1]
    for j in range(len(powers) - 2, -1, -1):  # summed from the highest power down, as TF
        u_inner = u_inner + b[2 * j + 1] * powers[j]
        v = v + b[2 * j] * powers[j]
    return m @ u_inner, v


def _expm_impl(a):
    n = a.shape[-1]
    if n == 0:
        return a.copy()
    x = _up(a).reshape((-1, n, n))
    degrees, bounds, maxnorm = _EXPM_SINGLE if x.dtype in (np.float32, np.complex64) else _EXPM_DOUBLE
    l1 = np.abs(x).sum(axis=-2).max(axis=-1)
    if not np.isfinite(l1.max()):
        return np.full(a.shape, np.nan, dtype=a.dtype)
    with np.errstate(all="ignore"):
        squarings = np.maximum(np.floor(np.log(l1 / maxnorm) / np.log(2.0)), 0).astype(x.real.dtype)
    case = np.searchsorted(np.asarray(bounds), l1, side="right")  # the first bound l1 is below
    u = np.empty_like(x)
    v = np.empty_like(x)
    for c in np.unique(case):
        sel = case == c
        m = x[sel]
        if c == len(degrees) - 1:  # the highest degree works on the scaled matrix
            m = m / (2.0 ** squarings[sel]).astype(x.dtype)[:, None, None]
        u[sel], v[sel] = _pade_uv(m, degrees[c])
    r = np.linalg.solve(v - u, u + v)
    for i in range(int(squarings.max(initial=0))):
        more = i < squarings
        r[more] = r[more] @ r[more]
    return r.reshape(a.shape).astype(a.dtype, copy=False)


def _expm_block_corner(a, e):
    """The Fréchet derivative of expm at ``a`` along ``e``: the upper-right block of expm([[a, e], [0, a]])."""
    n = a._value.shape[-1]
    big = execute(expm_p, (_block(a, e, _array.zeros_like(a), a),), {})
    return big[..., :n, n:]


expm_p = Primitive("matrix_exponential", _expm_impl, (
    lambda g, out, a: _expm_block_corner(_broadcast_like(_adj(a), g), g),  # L(A^H, g): the adjoint derivative
), jvp=lambda ts, out, a: _expm_block_corner(_broadcast_like(a, ts[0]), ts[0]), kinds="fc")


def expm(input, name=None):  # noqa: A002 - TF's argument name
    """Matrix exponential of each innermost square matrix (scaling and squaring with Padé approximants, as TF).

    Raises:
      ValueError: an integer dtype (TF's message). InvalidArgumentError: non-square matrices.
    """
    x = tensor(input)
    if x.dtype.name not in _F:
        raise ValueError(f"tf.linalg.expm does not support matrices of type {x.dtype}")
    shape = x._value.shape
    if len(shape) < 2:
        raise _invalid("MatMul", f"Matrix size-incompatible: tf.linalg.expm needs square matrices, got shape "
                                 f"{_dims(shape)}")
    if shape[-2:] == (0, 0):
        return x
    if shape[-1] != shape[-2]:
        flat = _dims((int(np.prod(shape[:-2])),) + shape[-2:])
        raise _invalid("BatchMatMulV2", f"Matrix size-incompatible: In[0]: {flat}, In[1]: {flat} (tf.linalg.expm "
                                        "needs square matrices)")
    return execute(expm_p, (x,), {})


# --- matrix square root and logarithm --------------------------------------------------------------
def _hermitian(m):
    return np.array_equal(m, np.conj(m.T))


def _on_negative_axis(ev, scale):
    return (np.abs(ev.imag) <= 1e-12 * scale) & (ev.real <= 0)


def _eig_function(m, f):
    """V f(w) V^-1 from an eigendecomposition (for matrices the iterations below cannot take)."""
    w, v = np.linalg.eig(m.astype(np.complex128))
    if np.linalg.cond(v) > 1e12:  # defective (a singular Jordan block has no square root or logarithm)
        return np.full(m.shape, complex(np.nan, np.nan))
    with np.errstate(all="ignore"):
        return (v * f(w)) @ np.linalg.inv(v)


def _db_sqrt(m):
    """Principal square root by the scaled product Denman-Beavers iteration (no eigenvalue on (-inf, 0])."""
    n = m.shape[-1]
    eye = np.eye(n, dtype=m.dtype)
    y, mk = m.copy(), m.copy()
    tol = n * np.finfo(np.float64).eps
    for _ in range(100):
        minv = np.linalg.inv(mk)
        mu = np.exp(-np.linalg.slogdet(mk)[1] / (2 * n))
        y = 0.5 * mu * y @ (eye + minv / mu ** 2)
        mk = 0.5 * (eye + 0.5 * (mu ** 2 * mk + minv / mu ** 2))
        if np.abs(mk - eye).sum(axis=0).max() <= tol:
            break
    return y


def _sqrtm_one(m, real):
    n = m.shape[-1]
    nan = np.full(m.shape, np.nan, dtype=m.dtype)
    if not np.isfinite(m).all():
        return nan
    if _hermitian(m):
        e, v = np.linalg.eigh(m)
        if real and (e < 0).any():
            return nan
        return (v * np.sqrt(e.astype(m.dtype))) @ np.conj(v.T)
    ev = np.linalg.eigvals(m)
    neg = _on_negative_axis(ev, np.abs(ev).max(initial=0))
    if real and (neg & (ev.real < 0)).any():
        return nan  # the real square root does not exist (TF's real Schur method gives NaN)
    if neg.any() or n == 0:
        r = _eig_function(m, np.sqrt)
    else:
        r = _db_sqrt(m)
    return r.real if real else r


def _log_series(x):
    """log(I + x) for ||x|| <= 1/4: 2 atanh(z) with z = x (2I + x)^-1, summed until the terms vanish."""
    n = x.shape[-1]
    z = np.linalg.solve((2 * np.eye(n) + x).T, x.T).T
    z2 = z @ z
    term, total = z, z.copy()
    for k in range(3, 200, 2):
        term = term @ z2
        total = total + term / k
        if np.abs(term).max() <= 1e-17 * max(np.abs(total).max(), 1e-300):
            break
    return 2 * total


def _logm_one(m):
    nan = np.full(m.shape, complex(np.nan, np.nan))
    if not np.isfinite(m).all():
        return nan
    if _hermitian(m):
        e, v = np.linalg.eigh(m)
        if (e == 0).any():
            return nan
        return (v * np.log(e.astype(np.complex128))) @ np.conj(v.T)
    ev = np.linalg.eigvals(m)
    if (ev == 0).any():
        return nan
    if _on_negative_axis(ev, np.abs(ev).max(initial=0)).any():
        return _eig_function(m, np.log)
    eye = np.eye(m.shape[-1])
    k = 0
    while np.abs(m - eye).sum(axis=0).max() > 0.25 and k < 64:
        m = _db_sqrt(m)
        k += 1
    return 2.0 ** k * _log_series(m - eye)


def _matrix_function(one, a, real):
    """``one`` applied to each innermost matrix of ``a``, computed in double precision."""
    work = np.complex128 if a.dtype.kind == "c" or not real else np.float64
    x = a.astype(work).reshape((int(np.prod(a.shape[:-2])),) + a.shape[-2:])
    out = np.stack([one(m) for m in x]) if len(x) else x
    return out.reshape(a.shape).astype(a.dtype, copy=False)


def _sqrtm_impl(a):
    real = a.dtype.kind != "c"
    return _matrix_function(lambda m: _sqrtm_one(m, real), a, real)


def _sylvester(m, g):
    """X with ``m X + X m = g``, through the Kronecker sum ``kron(m, I) + kron(I, m^T)``."""
    return _vec_solve(_kron_sum(m, _la._mT(m)), g)


def _sqrtm_vjp(g, r, a):
    """X with R^H X + X R^H = g (TF's Sylvester equation; TF omits the conjugates for complex inputs)."""
    return _sylvester(_broadcast_like(_adj(r), g), g)


def _sqrtm_jvp(tangents, r, a):
    """dR with R dR + dR R = dA."""
    return _sylvester(_broadcast_like(r, tangents[0]), tangents[0])


sqrtm_p = Primitive("matrix_square_root", _sqrtm_impl, (_sqrtm_vjp,), jvp=_sqrtm_jvp, save_inputs=False,
                    save_output=True, kinds="fc")
logm_p = Primitive("matrix_logarithm", lambda a: _matrix_function(_logm_one, a, False), None,
                   kinds="c")  # TF registers no gradient: LookupError


def sqrtm(input, name=None):  # noqa: A002 - TF's argument name
    """Principal square root of each innermost square matrix.

    A real matrix with a negative real eigenvalue has no real square root: NaN, as in TF.
    """
    x = _matrix("MatrixSquareRoot", input)
    return execute(sqrtm_p, (x,), {})


def logm(input, name=None):  # noqa: A002 - TF's argument name
    """Principal matrix logarithm of each innermost square complex matrix (no gradient, as in TF).

    A singular matrix gives NaN, as in TF.
    """
    x = _matrix("MatrixLogarithm", input, allowed=("complex64", "complex128"))
    return execute(logm_p, (x,), {})


# --- eig --------------------------------------------------------------------------------------
_EIG_OUT = {"float32": np.complex64, "complex64": np.complex64, "float64": np.complex128,
            "complex128": np.complex128}


def _eigen_order(w):
    """Eigen's ComplexEigenSolver::sortEigenvalues: a selection sort by modulus that swaps (per matrix)."""
    flat = np.abs(w).reshape((-1, w.shape[-1]))
    order = np.tile(np.arange(w.shape[-1]), (len(flat), 1))
    for b, mags in enumerate(flat):
        mags = mags.copy()
        for i in range(len(mags)):
            k = i + int(np.argmin(mags[i:]))
            mags[[i, k]] = mags[[k, i]]
            order[b, [i, k]] = order[b, [k, i]]
    return order.reshape(w.shape)


def _eig_impl(a, compute_v):
    out = _EIG_OUT[a.dtype.name]
    if np.isnan(a).any():
        raise _invalid("Eig", "Eigen decomposition was not successful. The input might not be valid.")
    w, v = np.linalg.eig(a) if compute_v else (np.linalg.eigvals(a), None)
    if a.dtype.kind == "c":  # TF (Eigen) sorts complex inputs' eigenvalues by modulus
        order = _eigen_order(w)
        w = np.take_along_axis(w, order, -1)
        if compute_v:
            v = np.take_along_axis(v, order[..., None, :], -1)
    return (w.astype(out), v.astype(out)) if compute_v else (w.astype(out),)


def _eig_f(e):
    """F_ij = 1 / (e_j - e_i) off the diagonal, 0 on it (TF's Lorentz-broadened reciprocal)."""
    n = e._value.shape[-1]
    return _la._safe_reciprocal(_array.expand_dims(e, -2) - _array.expand_dims(e, -1)) * _la._offdiag(
        n, e._value.dtype)


def _eig_rule(g, out, a, compute_v):
    """TF's EigGrad: V^-H (diag(g_e) + conj(F) o (V^H g_V - V^H V diag(re(V^H g_V)))) V^H."""
    e, grad_e = out[0], g[0]
    if compute_v:
        v, grad_v = out[1], g[1]
        vt = _adj(v)
        vgv = _mm(vt, grad_v, False, False)
        diag_grad_part = _la._diag(_math.cast(_math.real(_la._diag_part(vgv)), vgv.dtype))
        mid = _la._diag(grad_e) + _math.conj(_eig_f(e)) * (vgv - _mm(_mm(vt, v, False, False), diag_grad_part,
                                                                          False, False))
    else:
        v = execute(eig_p, (a,), {"compute_v": True})[1]
        vt = _adj(v)
        mid = _la._diag(grad_e)
    grad_a = execute(_la.solve_p, (_broadcast_like(vt, mid), _mm(mid, vt, False, False)), {"adjoint": False})
    return [_math.cast(grad_a, a.dtype)]


def _eig_jvp(tangents, out, a, compute_v):
    """de = diag(C), dV = V (F o C) - V diag(re(V^H V (F o C))) with C = V^-1 dA V (unit-norm eigenvectors)."""
    e = out[0]
    v = out[1] if compute_v else execute(eig_p, (a,), {"compute_v": True})[1]
    t = _math.cast(tangents[0], v.dtype)
    c = execute(_la.solve_p, (_broadcast_like(v, t), _mm(t, v, False, False)), {"adjoint": False})
    de = _la._diag_part(c)
    if not compute_v:
        return (de,)
    dv = _mm(v, _eig_f(e) * c, False, False)
    norm_part = _math.cast(_math.real(_reduce.reduce_sum(_math.conj(v) * dv, axis=-2)), v.dtype)
    return de, dv - v * _array.expand_dims(norm_part, -2)


eig_p = Primitive("eig", _eig_impl, _eig_rule, jvp=_eig_jvp, save_output=True, multiple_results=True,
                  kinds="fc")


def _eig_input(tensor_):
    x = _matrix("Eig", tensor_, allowed=("float32", "float64", "complex64", "complex128"))
    return x


def eig(tensor, name=None):
    """Eigendecomposition of general square matrices: ``(e, v)``, complex, with unit-norm eigenvectors in v's columns.

    float32/complex64 give complex64, float64/complex128 complex128. The order (and the eigenvectors'
    phases) are LAPACK's. Gradients assume distinct eigenvalues, as TF's.
    """
    return execute(eig_p, (_eig_input(tensor),), {"compute_v": True})


def eigvals(tensor, name=None):
    """Eigenvalues of general square matrices (complex; see ``eig``)."""
    return execute(eig_p, (_eig_input(tensor),), {"compute_v": False})[0]


# --- tridiagonal matrices ---------------------------------------------------------------------
def _shift_up(x):
    """Rows moved up by one along axis -2 (x[i + 1]), a zero row last."""
    zeros = _array.zeros_like(x[..., :1, :])
    return _array.concat([x[..., 1:, :], zeros], -2)


def _shift_down(x):
    """Rows moved down by one along axis -2 (x[i - 1]), a zero row first."""
    zeros = _array.zeros_like(x[..., :1, :])
    return _array.concat([zeros, x[..., :-1, :]], -2)


def _tridiag_mm(diags, x):
    """A @ x for the tridiagonal A given by compact ``diags`` [..., 3, M] (superdiagonal, diagonal, subdiagonal)."""
    sup, main, sub = (_array.expand_dims(diags[..., i, :], -1) for i in range(3))
    return sup * _shift_up(x) + main * x + sub * _shift_down(x)


def _tridiag_transpose(diags):
    """The compact diagonals of A^H."""
    d = _math._c(diags)
    zeros = _array.zeros_like(d[..., 0, :1])
    sup = _array.concat([d[..., 2, 1:], zeros], -1)
    sub = _array.concat([zeros, d[..., 0, :-1]], -1)
    return _array.stack([sup, d[..., 1, :], sub], -2)


def _three_diagonals(x, y):
    """The compact diagonals of x @ y^T (only those three are computed)."""
    diag = _reduce.reduce_sum(x * y, -1)
    sup = _reduce.reduce_sum(x * _shift_up(y), -1)
    sub = _reduce.reduce_sum(x * _shift_down(y), -1)
    return _array.stack([sup, diag, sub], -2)


def _perturb_pivot(perturb, pivot, row):
    """TF's MaybePerturbPivot (from LAPACK's xLAGTS): keep ``row / pivot`` from overflowing."""
    finfo = np.finfo(np.abs(pivot).dtype)
    safemin = finfo.tiny if 1 / finfo.max < finfo.tiny else (1 + finfo.eps) / finfo.max
    bignum = 1 / safemin
    abs_pivot = abs(pivot)
    if abs_pivot >= 1:
        return pivot, row
    perturb = np.copysign(max(abs(perturb), safemin), np.real(pivot))
    max_factor = np.abs(row).max(initial=0)
    while abs_pivot < 1:
        if abs_pivot < safemin:
            if abs_pivot == 0 or max_factor * safemin > abs_pivot:
                pivot, perturb = pivot + perturb, perturb * 2
            else:
                return pivot * bignum, row * bignum
        elif max_factor > abs_pivot * bignum:
            pivot, perturb = pivot + perturb, perturb * 2
        else:
            break
        abs_pivot = abs(pivot)
    return pivot, row


def _gtsv_perturbed(sup, diag, sub, rhs):
    """TF's SolveWithGaussianEliminationWithPivotingAndPerturbSingular for one system."""
    n = diag.shape[0]
    eps = np.finfo(np.abs(diag).dtype).eps
    x = rhs.copy()
    if n == 1:
        denom, row = _perturb_pivot(eps * abs(diag[0]), diag[0], rhs[0].copy())
        return (row * (1 / denom))[None]
    u = np.zeros((n, 3), dtype=diag.dtype)
    u[0, 0], u[0, 1] = diag[0], sup[0]
    max_abs_u = max(abs(u[0, 0]), abs(u[0, 1]))
    scale1 = abs(u[0, 0]) + abs(u[0, 1])
    for k in range(n - 1):
        u[k + 1, 0] = diag[k + 1]
        scale2 = abs(sub[k + 1]) + abs(u[k + 1, 0]) + (abs(sup[k + 1]) if k < n - 2 else 0)
        if sub[k + 1] == 0:
            scale1 = scale2
            u[k + 1, 1], u[k, 2] = sup[k + 1], 0
            x[k + 1] = rhs[k + 1]
        else:
            piv1 = 0 if u[k, 0] == 0 else abs(u[k, 0]) / scale1
            piv2 = abs(sub[k + 1]) / scale2
            if piv2 <= piv1:
                scale1 = scale2
                factor = sub[k + 1] / u[k, 0]
                u[k + 1, 0] = diag[k + 1] - factor * u[k, 1]
                u[k + 1, 1], u[k, 2] = sup[k + 1], 0
                x[k + 1] = rhs[k + 1] - factor * x[k]
            else:
                factor = u[k, 0] / sub[k + 1]
                u[k, 0] = sub[k + 1]
                u[k + 1, 0] = u[k, 1] - factor * diag[k + 1]
                u[k, 1] = diag[k + 1]
                if k < n - 2:
                    u[k, 2] = sup[k + 1]
                    u[k + 1, 1] = -factor * sup[k + 1]
                x[k + 1] = x[k] - factor * rhs[k + 1]
                x[k] = rhs[k + 1]
        if k < n - 2:
            max_abs_u = max(max_abs_u, *np.abs(u[k]))
    max_abs_u = max(max_abs_u, abs(u[n - 1, 0]))
    tol = eps * max_abs_u
    denom, row = _perturb_pivot(tol, u[n - 1, 0], x[n - 1].copy())
    x[n - 1] = row * (1 / denom)
    for k in range(n - 2, -1, -1):
        row = x[k] - u[k, 1] * x[k + 1] - (u[k, 2] * x[k + 2] if k < n - 2 else 0)
        denom, row = _perturb_pivot(np.copysign(tol, np.real(u[k, 0])), u[k, 0], row)
        x[k] = row * (1 / denom)
    return x


def _gtsv(sup, diag, sub, rhs):
    """TF's SolveWithGaussianEliminationWithPivoting (LAPACK gtsv), vectorized over a batch: [B, n], [B, n, K]."""
    batch, n = diag.shape
    u0, u1, u2 = diag.copy(), np.zeros_like(diag), np.zeros_like(diag)
    u1[:, 0] = sup[:, 0]
    x = rhs.copy()
    bad = np.zeros(batch, dtype=bool)
    for i in range(n - 1):
        keep = np.abs(u0[:, i]) >= np.abs(sub[:, i + 1])
        bad |= keep & (u0[:, i] == 0)
        with np.errstate(all="ignore"):
            f_keep = sub[:, i + 1] / u0[:, i]
            f_swap = u0[:, i] / sub[:, i + 1]
        last = i == n - 2
        xi, rhs1 = x[:, i].copy(), rhs[:, i + 1]
        k = keep[:, None]
        x[:, i + 1] = np.where(k, rhs1 - f_keep[:, None] * xi, xi - f_swap[:, None] * rhs1)
        x[:, i] = np.where(k, xi, rhs1)
        new_u0_next = np.where(keep, diag[:, i + 1] - f_keep * u1[:, i], u1[:, i] - f_swap * diag[:, i + 1])
        u0[:, i] = np.where(keep, u0[:, i], sub[:, i + 1])
        u1_i = np.where(keep, u1[:, i], diag[:, i + 1])
        if not last:
            u1[:, i + 1] = np.where(keep, sup[:, i + 1], -f_swap * sup[:, i + 1])
            u2[:, i] = np.where(keep, 0, sup[:, i + 1])
        u1[:, i] = u1_i
        u0[:, i + 1] = new_u0_next
    bad |= u0[:, n - 1] == 0
    with np.errstate(all="ignore"):
        x[:, n - 1] /= u0[:, n - 1, None]
        if n > 1:
            x[:, n - 2] = (x[:, n - 2] - u1[:, n - 2, None] * x[:, n - 1]) / u0[:, n - 2, None]
        for i in range(n - 3, -1, -1):
            x[:, i] = (x[:, i] - u1[:, i, None] * x[:, i + 1] - u2[:, i, None] * x[:, i + 2]) / u0[:, i, None]
    x[bad] = np.nan
    return x


def _thomas(sup, diag, sub, rhs):
    """TF's SolveWithThomasAlgorithm, vectorized over a batch (NaN where a pivot is zero)."""
    n = diag.shape[1]
    u = np.zeros_like(diag)
    x = rhs.copy()
    bad = diag[:, 0] == 0
    with np.errstate(all="ignore"):
        u[:, 0] = sup[:, 0] / diag[:, 0]
        x[:, 0] = rhs[:, 0] / diag[:, 0, None]
        for i in range(1, n):
            denom = diag[:, i] - sub[:, i] * u[:, i - 1]
            bad |= denom == 0
            u[:, i] = sup[:, i] / denom
            x[:, i] = (rhs[:, i] - sub[:, i, None] * x[:, i - 1]) / denom[:, None]
        for i in range(n - 2, -1, -1):
            x[:, i] -= u[:, i, None] * x[:, i + 1]
    x[bad] = np.nan
    return x


def _tridiagonal_solve_impl(diags, rhs, partial_pivoting, perturb_singular):
    batch = np.broadcast_shapes(diags.shape[:-2], rhs.shape[:-2])
    n, k = rhs.shape[-2:]
    d = np.broadcast_to(diags, batch + diags.shape[-2:]).reshape((-1, 3, n))
    b = np.broadcast_to(rhs, batch + (n, k)).reshape((-1, n, k))
    if n == 0 or b.shape[0] == 0:
        return np.zeros(batch + (n, k), dtype=rhs.dtype)
    sup, diag, sub = d[:, 0], d[:, 1], d[:, 2]
    if perturb_singular:
        x = np.stack([_gtsv_perturbed(*args) for args in zip(sup, diag, sub, b)])
    elif n == 1:
        with np.errstate(all="ignore"):
            x = np.where(diag[:, :, None] == 0, np.nan, b / diag[:, :, None])
    elif partial_pivoting:
        x = _gtsv(sup, diag, sub, b)
    else:
        x = _thomas(sup, diag, sub, b)
    return x.reshape(batch + (n, k)).astype(rhs.dtype, copy=False)


def _tridiagonal_solve(diags, rhs, partial_pivoting=True, perturb_singular=False):
    return execute(tridiagonal_solve_p, (diags, rhs), {"partial_pivoting": partial_pivoting,
                                                       "perturb_singular": perturb_singular})


def _tridiagonal_solve_rule(g, x, diags, rhs, partial_pivoting, perturb_singular):
    """TF's: grad_rhs = solve(A^H, g); grad_diags = -three_diagonals(grad_rhs x^H) (TF omits the conjugates)."""
    grad_rhs = _tridiagonal_solve(_tridiag_transpose(diags), g, partial_pivoting, perturb_singular)
    return [_math.negative(_three_diagonals(grad_rhs, _math._c(x))), grad_rhs]


def _tridiagonal_solve_jvp(tangents, x, diags, rhs, partial_pivoting, perturb_singular):
    """solve(A, dB - dA x)."""
    td, tb = tangents
    if td is not None:
        dax = _tridiag_mm(td, x)
        tb = _math.negative(dax) if tb is None else tb - dax
    return _tridiagonal_solve(diags, tb, partial_pivoting, perturb_singular)


tridiagonal_solve_p = Primitive("tridiagonal_solve", _tridiagonal_solve_impl, _tridiagonal_solve_rule,
                                jvp=_tridiagonal_solve_jvp, save_output=True, kinds="fc")

_TRIDIAG_T = ("float64", "float32", "complex64", "complex128")


def _check_tridiag_dtype(op, t):
    if t.dtype.name not in _TRIDIAG_T:
        raise _invalid(op, f"Value for attr 'T' of {t.dtype.name} is not in the list of allowed values: double, "
                           "float, complex64, complex128")


def _sequence_diagonals(diagonals):
    """Compact diagonals from the 'sequence' format (superdiagonal, diagonal, subdiagonal)."""
    if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
        raise ValueError("Expected diagonals to be a sequence of length 3.")
    sup, main, sub = (tensor(d) for d in diagonals)
    if sub._value.shape[:-1] != main._value.shape[:-1] or sup._value.shape[:-1] != main._value.shape[:-1]:
        raise ValueError("Tensors representing the three diagonals must have the same shape,except for the last "
                         f"dimension, got {sub.shape}, {main.shape}, {sup.shape}")
    m = main._value.shape[-1]

    def padded(t, what, before):
        n = t._value.shape[-1]
        if n == m:
            return t
        if n == m - 1:
            return _array.pad(t, [[0, 0]] * (t._value.ndim - 1) + [[1, 0] if before else [0, 1]])
        raise ValueError(f"Expected {what} to be have length {m} or {m - 1}, got {n}.")

    return _array.stack([padded(sup, "superdiagonal", False), main, padded(sub, "subdiagonal", True)], -2)


def _matrix_diagonals(diagonals):
    """Compact diagonals from the 'matrix' format."""
    d = tensor(diagonals)
    shape = d._value.shape
    if len(shape) >= 2 and shape[-1] != shape[-2]:
        raise ValueError(f"Expected last two dimensions of diagonals to be same, got {shape[-1]} and {shape[-2]}")
    return _la.diag_part(d, k=(-1, 1), padding_value=0.0, align="LEFT_RIGHT")


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False, conjugate_rhs=False,
                      name=None, partial_pivoting=True, perturb_singular=False):
    """Solves tridiagonal systems ``A x = rhs`` (TF's kernels: partial pivoting by default, else Thomas).

    ``diagonals``: 'compact' ``[..., 3, M]`` (superdiagonal with its last entry ignored, diagonal,
    subdiagonal with its first entry ignored), 'sequence' (a list of the three) or 'matrix'
    ``[..., M, M]``. ``rhs`` is ``[..., M, K]`` or ``[..., M]``. A singular system gives NaN, as in TF.
    """
    if perturb_singular and not partial_pivoting:
        raise ValueError("partial_pivoting must be True if perturb_singular is.")
    if diagonals_format == "sequence":
        diagonals = _sequence_diagonals(diagonals)
    elif diagonals_format == "matrix":
        diagonals = _matrix_diagonals(diagonals)
    elif diagonals_format != "compact":
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    d = tensor(diagonals)
    b = _hinted(rhs, d)
    dr, rr = d._value.ndim, b._value.ndim
    if dr < 2:
        raise ValueError(f"Expected diagonals to have rank at least 2, got {dr}")
    if rr != dr and rr != dr - 1:
        raise ValueError(f"Expected the rank of rhs to be {dr - 1} or {dr}, got {rr}")
    if d._value.shape[:-2] != b._value.shape[:dr - 2]:
        raise ValueError(f"Batch shapes {d.shape[:-2]} and {b.shape[:dr - 2]} are incompatible")
    if d._value.shape[-2] != 3:
        raise ValueError(f"Expected 3 diagonals got {d._value.shape[-2]}")
    vector = rr == dr - 1
    if vector:
        b = _array.expand_dims(_math.conj(b) if conjugate_rhs else b, -1)
    elif transpose_rhs:
        b = _la.matrix_transpose(b, conjugate=conjugate_rhs)
    elif conjugate_rhs:
        b = _math.conj(b)
    if d._value.shape[-1] != b._value.shape[-2]:
        raise ValueError("Expected number of left-hand sided and right-hand sides to be equal, got "
                         f"{d._value.shape[-1]} and {b._value.shape[-2]}")
    same_dtype("TridiagonalSolve", (d, b))
    _check_tridiag_dtype("TridiagonalSolve", d)
    x = _tridiagonal_solve(d, b, bool(partial_pivoting), bool(perturb_singular))
    return _array.squeeze(x, -1) if vector else x


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """``A @ rhs`` for tridiagonal A (formats as ``tridiagonal_solve``); rhs is ``[..., M, N]``."""
    op = "TridiagonalMatMul"
    if diagonals_format == "compact":
        d = tensor(diagonals)
        if d._value.ndim < 2 or d._value.shape[-2] != 3:
            raise _invalid(op, f"diagonals must have shape [..., 3, M], got {_dims(d._value.shape)}")
    elif diagonals_format == "sequence":
        if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        d = _array.stack([tensor(t) for t in diagonals], -2)
    elif diagonals_format == "matrix":
        d = _matrix_diagonals(diagonals)
    else:
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    b = _hinted(rhs, d)
    same_dtype(op, (d, b))
    _check_tridiag_dtype(op, d)
    ds, bs = d._value.shape, b._value.shape
    if len(bs) < 2:
        raise _invalid(op, f"Input must have rank >= 2, but got {_dims(bs)}")
    if ds[:-2] + (1, ds[-1]) != bs[:-2] + (1, bs[-2]):
        raise _invalid(op, "Invalid superdiagonal shape.")
    return _tridiag_mm(d, b)


def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """Solves ``A x = rhs`` for triangular A given by its bands ``[..., K, M]`` (batches broadcast).

    lower: ``bands[..., i, :]`` is subdiagonal i, right-aligned (the diagonal first); upper: the K-1-th
    superdiagonal first, left-aligned, the diagonal last (TF's LEFT_RIGHT layout).

    Raises:
      InvalidArgumentError: a zero on the diagonal ("Input matrix is not invertible."), shapes that do not match.
    """
    op = "BandedTriangularSolve"
    a = tensor(bands)
    _la._check_dtype(op, a)
    sa = a._value.shape
    if len(sa) < 2:
        raise _invalid(op, f"In[0] ndims must be >= 2: {len(sa)}")
    m = sa[-1]
    nb = min(sa[-2], m)  # bands beyond the matrix are not read
    if nb == 0:
        return _la.triangular_solve(_array.zeros(sa[:-2] + (0, 0), dtype=a.dtype), _hinted(rhs, a), lower, adjoint)
    used = a[..., :nb, :] if lower else a[..., sa[-2] - nb:, :]

    def check(u):
        if ((u[..., 0, :] if lower else u[..., -1, :]) == 0).any():
            raise _invalid(op, "Input matrix is not invertible.")

    value_check(check, used)
    k = (-(nb - 1), 0) if lower else (0, nb - 1)
    dense = _la._diag(used[..., 0, :] if nb == 1 else used, k, "LEFT_RIGHT", 0, m, m)
    return _la.triangular_solve(dense, _hinted(rhs, a), lower, adjoint)  # its checks are TF's for the bands too


def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None, name=None):
    """Eigenvalues (and, with ``eigvals_only=False``, eigenvectors) of the Hermitian tridiagonal matrix with
    diagonal ``alpha`` [n] (its real part) and superdiagonal ``beta`` [n-1].

    ``select``: 'a' all, 'v' those in ``(select_range[0], select_range[1]]``, 'i' those with indices in
    ``[select_range[0], select_range[1]]``. Values agree with TF's bisection to rounding (``tol`` only
    loosens TF's bisection and is accepted for compatibility); the gradients are the true ones (TF's
    bisection differentiates its Gershgorin bounds instead).
    """
    a = tensor(alpha)
    b = _hinted(beta, a)
    if select not in ("a", "v", "i"):
        raise ValueError("'select must have a value in {'a', 'i', 'v'}.")
    if a._value.ndim != 1 or b._value.ndim != 1 or b._value.shape[0] != max(a._value.shape[0] - 1, 0):
        raise ValueError(f"eigh_tridiagonal: expected alpha of shape [n] and beta of shape [n - 1], got "
                         f"{a.shape} and {b.shape} (TF does not support batches)")
    if a.dtype.is_complex:
        a = _math.real(a)
    if b.dtype.is_complex:
        a = _math.cast(a, b.dtype)
    elif a.dtype != b.dtype:
        same_dtype("eigh_tridiagonal", (a, b))
    n = a._value.shape[0]
    matrix = _la._diag(a)
    if n > 1:
        matrix = matrix + _la._diag(b, (1, 1), "RIGHT_LEFT", 0, n, n) + _la._diag(_math.conj(b), (-1, -1),
                                                                                  "RIGHT_LEFT", 0, n, n)
    e, v = _la.eigh(matrix)
    e = _math.real(e)
    bounds = None if select == "a" else (select_range[0], select_range[1])  # a list, an array or a tensor
    if select == "i":  # the indices set the output's length: read for Python (a traced range is guarded)
        lo, hi = (float(_array._static(r, "eigh_tridiagonal's select_range")) for r in bounds)
        if lo > hi:
            raise errors.InvalidArgumentError(None, "eigh_tridiagonal", "Got empty index range in select_range.")
        keep = np.arange(int(lo), int(hi) + 1)
        e = _array.gather(e, keep)
        v = _array.gather(v, keep, axis=1)
    elif select == "v":  # the eigenvalues in (lo, hi]: how many depends on the values (boolean_mask guards it)
        lo, hi = (tensor(r) if _is_tensor(r) else convert_to_tensor(r, dtype_hint=e.dtype) for r in bounds)

        def check(lv, hv):
            if not float(lv) < float(hv):
                raise errors.InvalidArgumentError(None, "eigh_tridiagonal", "Got empty interval in select_range.")

        value_check(check, lo, hi)
        lo, hi = _math.cast(lo, e.dtype), _math.cast(hi, e.dtype)
        keep = _math.logical_and(_math.greater(e, lo), _math.less_equal(e, hi))
        e = _array.boolean_mask(e, keep)
        v = _array.boolean_mask(v, keep, axis=1)
    return e if eigvals_only else (e, v)


__all__ = ["banded_triangular_solve", "cross", "eig", "eigh_tridiagonal", "eigvals", "expm", "logm", "lu",
           "lu_matrix_inverse", "lu_reconstruct", "lu_solve", "matrix_rank", "normalize", "pinv", "sqrtm",
           "tensor_diag", "tensor_diag_part", "tridiagonal_matmul", "tridiagonal_solve"]
