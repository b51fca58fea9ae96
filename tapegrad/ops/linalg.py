"""Linear algebra (``tf.linalg``) and gradient clipping by norm, with TF 2.21's semantics.

Decompositions and solvers are primitives: a NumPy/LAPACK kernel, batched over
the leading dimensions, and a VJP rule following TF's linalg_grad.py, written
with tapegrad ops (matmul, triangular_solve, band_part, matrix_diag, ...) so
that the backward pass is itself differentiable. Diagonals and bands are
linear primitives that are each other's adjoints. Everything else (norm,
trace, logdet, lstsq, set_diag, clip_by_norm, ...) composes these.

Conventions kept from TF:
  * ``svd`` returns ``(s, u, v)`` with ``a = u @ diag(s) @ adjoint(v)`` (v is
    not transposed); ``eigh`` returns ``(e, v)`` with ascending ``e``; for
    complex inputs ``e`` has the input's complex dtype, ``s`` is real.
  * ``eigh``, ``eigvalsh`` and ``cholesky`` read only the lower triangle; the
    eigh gradient is the lower triangle of the symmetrized gradient (diagonal
    halved), the cholesky gradient is symmetric.
  * The gradients of eigenvectors and singular vectors use the F-matrix
    ``1 / (λj - λi)`` (with TF's ``x / (x² + 1e-20)`` broadening), so they are
    infinite or NaN for repeated eigen/singular values, as in TF.
  * A singular input to ``inv``/``solve`` raises InvalidArgumentError; a
    matrix that is not positive definite gives a NaN Cholesky factor, and
    ``det`` of a singular matrix is 0, as in TF 2.21.

Two deliberate differences, for complex inputs only (real ones are identical):
TF's determinant gradient multiplies by ``det`` where the chain rule needs
``conj(det)``, and its slogdet gradient passes on the imaginary part of the
cotangent of the (real-valued, complex-typed) log|det|; tapegrad uses
``conj(det)`` and the real part, so both agree with finite differences.
Signs (and complex phases) of singular vectors and eigenvectors come from
LAPACK and may differ from TF's (Eigen's) choice.
"""
import collections.abc
import functools

import numpy as np

from .. import errors
from .._core.forwardprop import linear_jvp, transposed_vjp
from .._core.indexed_slices import IndexedSlices
from .._core.primitive import Primitive
from .._core.tensor import Variable, convert_to_tensor
from . import array as _array
from . import math as _math
from . import reduce as _reduce
from .nn import l2_loss
from ._util import Tensor, execute, normalize_axis, same_dtype, tensor

_mm = _math._mm  # matmul(a, b, adjoint_a, adjoint_b) of two tensors, no checks


def _invalid(op, message):
    return errors.InvalidArgumentError(None, op, f"{message} [Op:{op}]")


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


_F = ("float16", "float32", "float64", "complex64", "complex128")
_TYPE_NAMES = {"float16": "half", "float32": "float", "float64": "double", "bfloat16": "bfloat16",
               "complex64": "complex64", "complex128": "complex128"}


def _check_dtype(op, x, allowed=_F):
    name = x.dtype.name
    if name not in allowed:
        names = ", ".join(_TYPE_NAMES[a] for a in ("float64", "float32") + tuple(
            a for a in allowed if a not in ("float64", "float32")))
        raise _invalid(op, f"Value for attr 'T' of {name} is not in the list of allowed values: {names}")


def _matrix(op, x, square=True, index=0, allowed=_F):
    """``x`` as a Tensor of a linalg dtype, rank >= 2 (and square), checked with TF's messages."""
    x = tensor(x)
    _check_dtype(op, x, allowed)
    shape = x._value.shape
    if len(shape) < 2:
        raise _invalid(op, f"Input tensor {index} must have rank >= 2, got {len(shape)}")
    if square and shape[-1] != shape[-2]:
        raise _invalid(op, "Input matrix must be square.")
    return x


def _up(a):
    """The array LAPACK works on: half precision is computed in float32."""
    return a.astype(np.float32) if a.dtype.itemsize < 4 or a.dtype.kind == "V" else a


def _real_dtype(dtype):
    return np.empty(0, dtype).real.dtype


def _adj_np(a):
    a = np.swapaxes(a, -1, -2)
    return np.conj(a) if a.dtype.kind == "c" else a


def _swap(nd):
    return tuple(range(nd - 2)) + (nd - 1, nd - 2)


def _mT(x):
    """Transpose of the last two dimensions (a tensor of rank >= 2)."""
    return execute(_array.transpose_p, (x,), {"perm": _swap(x._value.ndim)})


def _adj(x):
    """Conjugate transpose of the last two dimensions."""
    return _math._c(_mT(x))


def _const(value, dtype):
    return Tensor(np.asarray(value, dtype=dtype))


def _expand2(x):
    """x[..., None, None]."""
    return _array.reshape(x, x._value.shape + (1, 1))


def _offdiag(n, dtype):
    """A constant n x n matrix of ones with a zero diagonal (TF's set_diag(..., 0))."""
    return _const(1 - np.eye(n), dtype)


def _half_diag(n, dtype):
    """A constant n x n matrix of ones with 0.5 on the diagonal (TF's set_diag(m, 0.5 * diag_part(m)))."""
    return _const(1 - 0.5 * np.eye(n), dtype)


def _safe_reciprocal(x, epsilon=1e-20):
    """TF's Lorentz-broadened 1/x: ``x / (x² + epsilon)``."""
    return x * _math.reciprocal(x * x + epsilon)


# --- bands and diagonals ------------------------------------------------------------------------
def _band_impl(x, num_lower, num_upper):
    m, n = x.shape[-2:]
    i = np.arange(m)[:, None]
    j = np.arange(n)[None, :]
    mask = ((num_lower < 0) | (i - j <= num_lower)) & ((num_upper < 0) | (j - i <= num_upper))
    return np.where(mask, x, np.zeros((), x.dtype))


band_part_p = Primitive("matrix_band_part", _band_impl, (
    lambda g, out, x, num_lower, num_upper: _band(g, num_lower, num_upper),  # the same band of g
), linear=True, save_inputs=False)


def _band(x, num_lower, num_upper):
    return execute(band_part_p, (x,), {"num_lower": num_lower, "num_upper": num_upper})


def _band_arg(value, what):
    v = _array._static(value, f"band_part's {what}")
    if v.ndim != 0 or v.dtype.kind not in "iu":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int64 (band_part: {what} must be a "
                        "scalar integer)")
    return int(v)


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002 - TF's argument name
    """Keeps the band of each innermost matrix: ``num_lower`` subdiagonals and ``num_upper`` superdiagonals.

    A negative count keeps the whole lower (upper) triangle: ``band_part(x, -1, 0)`` is the lower triangle.
    """
    x = tensor(input)
    lo, hi = _band_arg(num_lower, "num_lower"), _band_arg(num_upper, "num_upper")
    shape = x._value.shape
    if len(shape) < 2:
        raise _invalid("MatrixBandPart", f"input must be at least 2-dim, received shape: {_dims(shape)}")
    if lo > shape[-2]:
        raise _invalid("MatrixBandPart", f"num_lower must be negative or less or equal to number of rows "
                                         f"({shape[-2]}) got: {lo}")
    if hi > shape[-1]:
        raise _invalid("MatrixBandPart", f"num_upper must be negative or less or equal to number of columns "
                                         f"({shape[-1]}) got: {hi}")
    return _band(x, lo, hi)


_ALIGNS = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")


@functools.lru_cache(maxsize=256)
def _diag_layout(m, n, lo, hi, align):
    """Where the diagonals lo..hi of an m x n matrix go when packed as TF packs them.

    Returns ``(max_len, slot, pos, row, col)``: entry ``(row, col)`` of the
    matrix is entry ``(slot, pos)`` of the packed ``[hi - lo + 1, max_len]``
    diagonals (slot 0 is diagonal ``hi``); superdiagonals are aligned by the
    first half of ``align``, subdiagonals by the second (RIGHT pads on the left).
    """
    max_len = max(min(m + min(hi, 0), n - max(lo, 0)), 0)
    sup, sub = align.split("_")
    parts = []
    for slot, k in enumerate(range(hi, lo - 1, -1)):
        length = min(m + min(k, 0), n - max(k, 0))
        if length <= 0:
            continue
        offset = max_len - length if (sup if k >= 0 else sub) == "RIGHT" else 0
        i = np.arange(length)
        parts.append((np.full(length, slot), i + offset, i - min(k, 0), i + max(k, 0)))
    if not parts:
        empty = np.zeros(0, dtype=np.intp)
        return max_len, empty, empty, empty, empty
    return (max_len,) + tuple(np.concatenate(p) for p in zip(*parts))


def _diag_part_impl(x, k, align, padding):
    lo, hi = k
    m, n = x.shape[-2:]
    max_len, slot, pos, row, col = _diag_layout(m, n, lo, hi, align)
    out = np.full(x.shape[:-2] + (hi - lo + 1, max_len), padding, dtype=x.dtype)
    out[..., slot, pos] = x[..., row, col]
    return out[..., 0, :] if lo == hi else out


def _diag_impl(d, k, align, padding, num_rows, num_cols):
    lo, hi = k
    _, slot, pos, row, col = _diag_layout(num_rows, num_cols, lo, hi, align)
    if lo == hi:
        d = d[..., None, :]
    out = np.full(d.shape[:-2] + (num_rows, num_cols), padding, dtype=d.dtype)
    out[..., row, col] = d[..., slot, pos]
    return out


diag_part_p = Primitive("matrix_diag_part", _diag_part_impl, (
    lambda g, out, x, k, align, padding: _diag(g, k, align, 0, x.shape[-2], x.shape[-1]),  # g put back in place
), linear=True, save_inputs=False)
diag_part_p.jvp = linear_jvp(diag_part_p, padding=0)  # the padding is a constant
diag_p = Primitive("matrix_diag", _diag_impl, (
    lambda g, out, d, k, align, padding, num_rows, num_cols: _diag_part(g, k, align, 0),  # g's diagonals
), linear=True, save_inputs=False)
diag_p.jvp = linear_jvp(diag_p, padding=0)


def _diag_part(x, k=(0, 0), align="RIGHT_LEFT", padding=0):
    return execute(diag_part_p, (x,), {"k": k, "align": align, "padding": padding})


def _diag(d, k=(0, 0), align="RIGHT_LEFT", padding=0, num_rows=None, num_cols=None):
    if num_rows is None:
        num_rows = num_cols = d._value.shape[-1]
    return execute(diag_p, (d,), {"k": k, "align": align, "padding": padding, "num_rows": num_rows,
                                  "num_cols": num_cols})


def _k_arg(op, k):
    v = _array._static(k, f"{op}'s k")
    if v.dtype.kind not in "iu" or v.ndim > 1 or v.size not in (1, 2):
        raise _invalid(op, f"diag_index must be a scalar or a vector of one or two integers, got {k!r}")
    v = v.reshape(-1).tolist()
    return int(v[0]), int(v[-1])


def _align_arg(op, align):
    if align not in _ALIGNS:
        raise _invalid(op, f"Value for attr 'align' of \"{align}\" is not in the list of allowed values: "
                           + ", ".join(f'"{a}"' for a in _ALIGNS))
    return align


def _padding_arg(padding_value, dtype):
    v = _array._static(padding_value, "The padding_value of a matrix diagonal op")
    if np.ndim(v) != 0:
        raise ValueError(f"padding_value must be a scalar, got {padding_value!r}")
    return np.asarray(v).astype(dtype._np).item()


def _band_args(op, shape, k, align):
    """Validated (lo, hi, align) for the diagonals ``k`` of matrices of ``shape`` (TF's errors)."""
    if len(shape) < 2:
        raise _invalid(op, f"input must be at least 2-dim, received shape: {_dims(shape)}")
    lo, hi = _k_arg(op, k)
    align = _align_arg(op, align)
    m, n = shape[-2:]
    for what, d in (("lower", lo), ("upper", hi)):
        if not (-m < d < n or d == 0):
            raise _invalid(op, f"{what}_diag_index is out of bound: {d}. It must be between {-m} and {n}")
    if lo > hi:
        raise _invalid(op, f"lower_diag_index must not be larger than upper_diag_index: {lo} > {hi}")
    return lo, hi, align


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The diagonal ``k`` of each innermost matrix, or the band ``k = (lo, hi)`` packed as ``[..., hi-lo+1, len]``.

    Diagonals shorter than the longest are padded with ``padding_value`` on the
    side given by ``align`` (superdiagonals first, subdiagonals second).
    """
    op = "MatrixDiagPartV3"
    x = tensor(input)
    lo, hi, align = _band_args(op, x._value.shape, k, align)
    return _diag_part(x, (lo, hi), align, _padding_arg(padding_value, x.dtype))


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """A batch of matrices with ``diagonal`` on diagonal ``k`` (or the diagonals of the band ``k = (lo, hi)``).

    The other entries are ``padding_value``; the matrix is square unless
    ``num_rows``/``num_cols`` say otherwise (the smallest that fits by default).
    """
    op = "MatrixDiagV3"
    d = tensor(diagonal)
    shape = d._value.shape
    if len(shape) < 1:
        raise _invalid(op, f"diagonal must be at least 1-dim, received shape: {_dims(shape)}")
    lo, hi = _k_arg(op, k)
    align = _align_arg(op, align)
    if lo > hi:
        raise _invalid(op, f"lower_diag_index must not be larger than upper_diag_index: {lo} > {hi}")
    if lo != hi and (len(shape) < 2 or shape[-2] != hi - lo + 1):
        raise _invalid(op, "The number of diagonals provided in the input does not match the lower_diag_index "
                           "and upper_diag_index range.")
    max_len = shape[-1]
    min_rows, min_cols = max_len - min(hi, 0), max_len + max(lo, 0)
    rows = int(_array._static(num_rows, f"{op}'s num_rows"))
    cols = int(_array._static(num_cols, f"{op}'s num_cols"))
    if rows == -1 and cols == -1:
        rows = cols = max(min_rows, min_cols)
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if rows < min_rows:
        raise _invalid(op, "The number of rows is too small.")
    if cols < min_cols:
        raise _invalid(op, "The number of columns is too small.")
    if rows != min_rows and cols != min_cols:
        raise _invalid(op, "The number of rows or columns is not consistent with the specified d_lower, d_upper, "
                           "and diagonal.")
    return _diag(d, (lo, hi), align, _padding_arg(padding_value, d.dtype), rows, cols)


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """``input`` with diagonal ``k`` (or the band ``k = (lo, hi)``) replaced by ``diagonal``."""
    op = "MatrixSetDiagV3"
    x = tensor(input)
    d = convert_to_tensor(diagonal, dtype=x.dtype) if not isinstance(diagonal, (Tensor, Variable)) else tensor(diagonal)
    same_dtype(op, (x, d))
    shape = x._value.shape
    lo, hi, align = _band_args(op, shape, k, align)
    m, n = shape[-2:]
    max_len = _diag_layout(m, n, lo, hi, align)[0]
    expected = shape[:-2] + ((max_len,) if lo == hi else (hi - lo + 1, max_len))
    if d._value.shape != expected:
        raise _invalid(op, (
            "Either first dimensions of diagonal don't match input.shape[:-2], or diagonal.shape[:-1] is not "
            "equal to the longests diagonal in range [lower_diag_index:upper_diag_index].\nInput shape: "
            f"{_dims(shape)}\nDiagonal shape: {_dims(d._value.shape)}\nExpected diagonal shape: {_dims(expected)}"))
    _, _, _, row, col = _diag_layout(m, n, lo, hi, align)
    mask = np.zeros((m, n), dtype=bool)
    mask[row, col] = True
    return _math.where(Tensor(mask), _diag(d, (lo, hi), align, 0, m, n), x)


def trace(x, name=None):
    """Sum of the main diagonal of each innermost matrix."""
    return _reduce.reduce_sum(diag_part(x), -1)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Transposes the last two dimensions (conjugating too when ``conjugate``)."""
    x = tensor(a)
    if x._value.ndim < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = {a} with shape: "
                         f"{x.shape}")
    out = _mT(x)
    return _math.conj(out) if conjugate else out


def adjoint(matrix, name=None):
    """Conjugate transpose of the last two dimensions."""
    return matrix_transpose(matrix, conjugate=True)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix-vector product ``a @ b[..., None]`` without the last dimension (batch dimensions broadcast)."""
    a = tensor(a)
    b = b if isinstance(b, (Tensor, Variable)) else convert_to_tensor(b, dtype_hint=a.dtype)
    out = _math.matmul(a, _array.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return _array.squeeze(out, -1)


# --- inverse, determinants --------------------------------------------------------------------
def _has_nan(x):
    return x.dtype.kind in "fc" and np.isnan(x).any()


def _inv_impl(a, adjoint):
    x = _up(a)
    if _has_nan(x):
        raise _invalid("MatrixInverse", "Input is not invertible.")
    try:
        out = np.linalg.inv(_adj_np(x) if adjoint else x)
    except np.linalg.LinAlgError:
        raise _invalid("MatrixInverse", "Input is not invertible.") from None
    return out.astype(a.dtype, copy=False)


def _inv_rule(g, ainv, a, adjoint):
    """-A^-H g A^-H (TF's MatrixInverse gradient; with adjoint, the same for A^H)."""
    return _math.negative(_mm(ainv, _mm(g, ainv, adjoint, not adjoint), not adjoint, False))


def _inv_jvp(tangents, ainv, a, adjoint):
    """-A^-1 dA A^-1 (with adjoint, dA^H in the middle)."""
    return _math.negative(_mm(ainv, _mm(tangents[0], ainv, adjoint, False), False, False))


inv_p = Primitive("matrix_inverse", _inv_impl, (_inv_rule,), jvp=_inv_jvp, save_inputs=False, save_output=True,
                  kinds="fc")


def _trace_solve(a, t):
    """tr(A^-1 dA) per matrix."""
    return _math.einsum("...ij,...ji->...", _inv(a), t)


def _inv(a, adjoint=False):
    return execute(inv_p, (a,), {"adjoint": bool(adjoint)})


def inv(input, adjoint=False, name=None):  # noqa: A002
    """Inverse of each innermost square matrix (of its adjoint when ``adjoint``).

    Raises:
      InvalidArgumentError: "Input is not invertible." for a singular matrix.
    """
    return _inv(_matrix("MatrixInverse", input), adjoint)


def _det_impl(a):
    return np.asarray(np.linalg.det(_up(a))).astype(a.dtype)


def _det_rule(g, c, a):
    """g conj(det A) A^-H (TF uses det A, which is wrong for complex A; the same for real A)."""
    return _expand2(g * _math._c(c)) * _inv(a, adjoint=True)


det_p = Primitive("matrix_determinant", _det_impl, (_det_rule,), save_output=True, kinds="fc",
                  jvp=lambda ts, c, a: c * _trace_solve(a, ts[0]))  # det A tr(A^-1 dA)


def det(input, name=None):  # noqa: A002
    """Determinant of each innermost square matrix (0 for a singular one)."""
    return execute(det_p, (_matrix("MatrixDeterminant", input),), {})


def _slogdet_impl(a):
    sign, logabs = np.linalg.slogdet(_up(a))
    return np.asarray(sign).astype(a.dtype), np.asarray(logabs).astype(a.dtype)


def _slogdet_rule(g, out, a):
    """Only log|det| carries gradient: g_log A^-H (TF's; for complex A, the real part of g_log, since
    log|det| is real: TF also passes on the imaginary part, as if it were the gradient of arg det)."""
    g_log = g[1]
    if g_log._value.dtype.kind == "c":
        g_log = _math.cast(_math.real(g_log), g_log.dtype)
    return [_expand2(g_log) * _inv(a, adjoint=True)]


def _slogdet_jvp(tangents, out, a):
    """re tr(A^-1 dA) for log|det|; the sign gets zeros (as in the rule above, it carries no derivative)."""
    d = _trace_solve(a, tangents[0])
    if d._value.dtype.kind == "c":
        d = _math.cast(_math.real(d), d.dtype)
    return _array.zeros_like(out[0]), d


slogdet_p = Primitive("log_matrix_determinant", _slogdet_impl, _slogdet_rule, jvp=_slogdet_jvp,
                      multiple_results=True, kinds="fc")


def slogdet(input, name=None):  # noqa: A002
    """``(sign, log_abs_determinant)`` of each innermost square matrix; complex inputs give complex outputs."""
    return execute(slogdet_p, (_matrix("LogMatrixDeterminant", input),), {})


def logdet(matrix, name=None):
    """log det of Hermitian positive definite matrices: ``2 * sum(log(real(diag(cholesky(matrix)))))``."""
    chol = cholesky(matrix)
    return 2.0 * _reduce.reduce_sum(_math.log(_math.real(diag_part(chol))), -1)


# --- Cholesky, solvers --------------------------------------------------------------------------
def _cholesky_impl(a):
    x = _up(a)
    try:
        out = np.linalg.cholesky(x)
    except np.linalg.LinAlgError:  # TF 2.21: a matrix that is not positive definite gives NaN (lower triangle)
        flat = x.reshape((-1,) + x.shape[-2:])
        out = np.empty_like(flat)
        for i, m in enumerate(flat):
            try:
                out[i] = np.linalg.cholesky(m)
            except np.linalg.LinAlgError:
                out[i] = np.tril(np.full_like(m, np.nan))
        out = out.reshape(x.shape)
    return out.astype(a.dtype, copy=False)


def _eye_like(x):
    shape = x._value.shape
    return Tensor(np.broadcast_to(np.eye(shape[-1], dtype=x._value.dtype), shape).copy())


def _cholesky_rule(g, l, a):
    """TF's: Phi(L^H g) with the diagonal halved, mapped back by L^-H (.) L^-1, then symmetrized."""
    n = l._value.shape[-1]
    dtype = l._value.dtype
    l_inverse = _trisolve(l, _eye_like(l), True, False)
    middle = _mm(l, g, True, False) * _half_diag(n, dtype)
    middle = _band(middle, -1, 0)
    grad_a = _mm(_mm(l_inverse, middle, True, False), l_inverse, False, False)
    grad_a = grad_a + _adj(grad_a)
    return grad_a * _const(0.5, dtype)


def _cholesky_jvp(tangents, l, a):
    """L Phi(L^-1 dA L^-H) with Phi the lower triangle, its diagonal halved; dA symmetrized (as the rule)."""
    t = tangents[0]
    dtype = l._value.dtype
    sym = (t + _adj(t)) * _const(0.5, dtype)
    middle = _adj(_trisolve(l, _adj(_trisolve(l, sym, True, False)), True, False))
    return _mm(l, _band(middle * _half_diag(l._value.shape[-1], dtype), -1, 0), False, False)


cholesky_p = Primitive("cholesky", _cholesky_impl, (_cholesky_rule,), jvp=_cholesky_jvp, save_inputs=False,
                       save_output=True, kinds="fc")


def cholesky(input, name=None):  # noqa: A002
    """Lower Cholesky factor ``L`` (``L @ adjoint(L) = input``) of each Hermitian positive definite matrix.

    Only the lower triangle of ``input`` is read. As in TF 2.21, a matrix that
    is not positive definite gives NaN (no error).
    """
    return execute(cholesky_p, (_matrix("Cholesky", input),), {})


def _solve_impl(a, b, adjoint):
    x = _up(a)
    if _has_nan(x):
        raise _invalid("MatrixSolve", "Input matrix is not invertible.")
    try:
        out = np.linalg.solve(_adj_np(x) if adjoint else x, _up(b))
    except np.linalg.LinAlgError:
        raise _invalid("MatrixSolve", "Input matrix is not invertible.") from None
    return out.astype(a.dtype, copy=False)


def _solve_rule(g, c, a, b, adjoint):
    """TF's: grad_b = solve(A^H, g); grad_a = -grad_b c^H (adjoint: -c grad_b^H)."""
    grad_b = execute(solve_p, (a, g), {"adjoint": not adjoint})
    grad_a = _mm(c, grad_b, False, True) if adjoint else _mm(grad_b, c, False, True)
    return [_math.negative(grad_a), grad_b]


def _solve_jvp(tangents, c, a, b, adjoint):
    """solve(A, dB - dA X) (with adjoint: A^H and dA^H)."""
    ta, tb = tangents
    if ta is not None:
        da_x = _mm(ta, c, adjoint, False)
        tb = _math.negative(da_x) if tb is None else tb - da_x
    return execute(solve_p, (a, tb), {"adjoint": adjoint})


solve_p = Primitive("matrix_solve", _solve_impl, _solve_rule, jvp=_solve_jvp, save_output=True, kinds="fc")


def solve(matrix, rhs, adjoint=False, name=None):
    """Solves ``matrix @ x = rhs`` (``adjoint(matrix) @ x = rhs`` when ``adjoint``); rhs is ``[..., M, K]``.

    The batch dimensions of ``matrix`` and ``rhs`` must be equal (no broadcasting, as TF's MatrixSolve).
    """
    op = "MatrixSolve"
    a = _matrix(op, matrix, square=False)
    b = rhs if isinstance(rhs, (Tensor, Variable)) else convert_to_tensor(rhs, dtype_hint=a.dtype)
    b = _matrix(op, b, square=False, index=1)
    same_dtype(op, (a, b))
    sa, sb = a._value.shape, b._value.shape
    if len(sa) != len(sb):
        raise _invalid(op, "All input tensors must have the same rank.")
    if sa[-1] != sa[-2]:
        raise _invalid(op, "First input (lhs) must be a square matrix.")
    if sa[:-2] != sb[:-2]:
        raise _invalid(op, "All input tensors must have the same outer dimensions.")
    if sa[-2] != sb[-2]:
        raise _invalid(op, "Input matrix and rhs are incompatible.")
    return execute(solve_p, (a, b), {"adjoint": bool(adjoint)})


def _trisolve_impl(a, b, lower, adjoint):
    t = _up(a)
    rhs = _up(b)
    t = np.tril(t) if lower else np.triu(t)
    if adjoint:
        t, lower = _adj_np(t), not lower
    batch = np.broadcast_shapes(t.shape[:-2], rhs.shape[:-2])
    t = np.broadcast_to(t, batch + t.shape[-2:])
    rhs = np.broadcast_to(rhs, batch + rhs.shape[-2:])
    n = t.shape[-1]
    x = np.zeros(rhs.shape, dtype=np.result_type(t, rhs))
    with np.errstate(all="ignore"):  # a zero on the diagonal gives inf/nan, as in TF
        for i in (range(n) if lower else range(n - 1, -1, -1)):
            done = slice(0, i) if lower else slice(i + 1, n)
            s = rhs[..., i, :] - np.matmul(t[..., i:i + 1, done], x[..., done, :])[..., 0, :]
            x[..., i, :] = s / t[..., i, i, None]
    return x.astype(a.dtype, copy=False)


def _trisolve_rule(g, c, a, b, lower, adjoint):
    """TF's: grad_b = triangular_solve(A, g, adjoint=not adjoint); grad_a = -grad_b c^H, in A's triangle."""
    grad_b = _trisolve(a, g, lower, not adjoint)
    grad_a = _mm(c, grad_b, False, True) if adjoint else _mm(grad_b, c, False, True)
    grad_a = _band(_math.negative(grad_a), -1, 0) if lower else _band(_math.negative(grad_a), 0, -1)
    return [grad_a, grad_b]


def _trisolve_jvp(tangents, c, a, b, lower, adjoint):
    """triangular_solve(A, dB - dA X) with dA in A's triangle (with adjoint: A^H and dA^H)."""
    ta, tb = tangents
    if ta is not None:
        ta = _band(ta, -1, 0) if lower else _band(ta, 0, -1)
        da_x = _mm(ta, c, adjoint, False)
        tb = _math.negative(da_x) if tb is None else tb - da_x
    return _trisolve(a, tb, lower, adjoint)


trisolve_p = Primitive("matrix_triangular_solve", _trisolve_impl, _trisolve_rule, jvp=_trisolve_jvp,
                       save_output=True, kinds="fc")


def _trisolve(a, b, lower, adjoint):
    return execute(trisolve_p, (a, b), {"lower": bool(lower), "adjoint": bool(adjoint)})


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solves ``matrix @ x = rhs`` for triangular ``matrix`` (only its lower, or upper, triangle is read).

    Batch dimensions broadcast. A zero on the diagonal gives inf/NaN (no error), as in TF.
    """
    op = "MatrixTriangularSolve"
    allowed = _F + ("bfloat16",)
    a = tensor(matrix)
    b = rhs if isinstance(rhs, (Tensor, Variable)) else convert_to_tensor(rhs, dtype_hint=a.dtype)
    b = tensor(b)
    _check_dtype(op, a, allowed)
    same_dtype(op, (a, b))
    sa, sb = a._value.shape, b._value.shape
    for i, s in enumerate((sa, sb)):
        if len(s) < 2:
            raise _invalid(op, f"In[{i}] ndims must be >= 2: {len(s)}")
    if sa[-1] != sa[-2]:
        raise _invalid(op, f"In[0] matrices in the last dimensions must be square ({sa[-1]} =/= {sa[-2]})")
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        raise _invalid(op, f"In[0] and In[1] must have compatible batch dimensions: {_dims(sa)} vs. "
                           f"{_dims(sb)}") from None
    if sa[-1] != sb[-2]:
        raise _invalid(op, f"In[0] mismatch In[1] shape: {sa[-1]} vs. {sb[-2]}: {_dims(sa)} {_dims(sb)} "
                           f"{int(bool(lower))} {int(bool(adjoint))}")
    return _trisolve(a, b, lower, adjoint)


def cholesky_solve(chol, rhs, name=None):
    """Solves ``A x = rhs`` given the Cholesky factor ``chol`` of ``A`` (two triangular solves, as TF)."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Least-squares solution of ``matrix @ x = rhs`` for each innermost ``[M, N]`` matrix (TF's matrix_solve_ls).

    ``fast=True`` solves the regularized normal equations with a Cholesky
    factorization, ``(A^H A + l2 I)^-1 A^H rhs`` when M >= N, else
    ``A^H (A A^H + l2 I)^-1 rhs`` (differentiable). ``fast=False`` gives the
    minimum-norm solution (l2_regularizer ignored) and, as in TF, no gradient.
    """
    a = _matrix("MatrixSolveLs", matrix, square=False)
    b = rhs if isinstance(rhs, (Tensor, Variable)) else convert_to_tensor(rhs, dtype_hint=a.dtype)
    b = _matrix("MatrixSolveLs", b, square=False, index=1)
    same_dtype("MatrixSolveLs", (a, b))
    if a._value.shape[:-2] != b._value.shape[:-2] or a._value.shape[-2] != b._value.shape[-2]:
        raise _invalid("MatrixSolveLs", f"Incompatible shapes: matrix {_dims(a._value.shape)} and rhs "
                                        f"{_dims(b._value.shape)}")
    if a.dtype.name == "complex128" and not (isinstance(l2_regularizer, (int, float)) and l2_regularizer == 0):
        raise NotImplementedError("matrix_solve_ls is currently disabled for complex128 and l2_regularizer != 0 "
                                  "due to poor accuracy.")
    if not fast:
        return _lstsq_exact(a, b)
    m, n = a._value.shape[-2:]
    first_kind = m >= n
    gram = _mm(a, a, first_kind, not first_kind)
    if isinstance(l2_regularizer, (Tensor, Variable)) or l2_regularizer != 0:
        gram = gram + _math.cast(l2_regularizer, a.dtype) * _eye_like(gram)
    chol = execute(cholesky_p, (gram,), {})
    if first_kind:
        return cholesky_solve(chol, _mm(a, b, True, False))
    return _mm(a, cholesky_solve(chol, b), True, False)


def _lstsq_exact_impl(a, b):
    av, bv = _up(a), _up(b)
    flat_a = av.reshape((-1,) + av.shape[-2:])
    flat_b = bv.reshape((-1,) + bv.shape[-2:])
    x = np.stack([np.linalg.lstsq(ai, bi, rcond=None)[0] for ai, bi in zip(flat_a, flat_b)]) if len(flat_a) \
        else np.zeros((0, av.shape[-1], bv.shape[-1]), av.dtype)
    return x.reshape(av.shape[:-2] + (av.shape[-1], bv.shape[-1])).astype(a.dtype, copy=False)


def _lstsq_exact_rule(g, out, a, b):
    """TF's: no gradient for the minimum-norm solution."""
    raise ValueError("Gradient not defined for fast=False")


lstsq_exact_p = Primitive("matrix_solve_ls_exact", _lstsq_exact_impl, _lstsq_exact_rule, save_inputs=False,
                          register=False)  # part of lstsq(fast=False), specified with it


def _lstsq_exact(a, b):
    """Minimum-norm least squares with NumPy's lstsq; differentiating it raises TF's ValueError."""
    return execute(lstsq_exact_p, (a, b), {})


# --- QR, SVD, eigh ----------------------------------------------------------------------------------
def _qr_impl(a, full_matrices):
    q, r = np.linalg.qr(_up(a), mode="complete" if full_matrices else "reduced")
    return q.astype(a.dtype, copy=False), r.astype(a.dtype, copy=False)


def _tri_inv_h(x, r):
    """x @ inv(r)^H for upper-triangular r (TF's _TriangularSolve)."""
    return _adj(_trisolve(r, _adj(x), False, False))


def _qr_grad_square_deep(q, r, dq, dr):
    qdq = _mm(q, dq, True, False)
    qdq_ = qdq - _adj(qdq)
    rdr = _mm(r, dr, False, True)
    rdr_ = rdr - _adj(rdr)
    tril = _band(qdq_ + rdr_, -1, 0)
    grad_a = _mm(q, dr + _tri_inv_h(tril, r), False, False)
    grad_b = _tri_inv_h(dq - _mm(q, qdq, False, False), r)
    ret = grad_a + grad_b
    if q._value.dtype.kind == "c":  # TF's correction for complex inputs
        m = rdr - _adj(qdq)
        eyem = _diag(_diag_part(m))
        correction = eyem - _math.cast(_math.real(eyem), q.dtype)
        ret = ret + _tri_inv_h(_mm(q, correction, False, True), r)
    return ret


def _qr_rule(g, out, a, full_matrices):
    """TF's QrGrad (arXiv:2009.10071): square and deep matrices directly, wide ones by partitioning."""
    dq, dr = g
    q, r = out
    qs, rs = q._value.shape, r._value.shape
    if rs[-2] > rs[-1] and qs[-2] == qs[-1]:
        raise NotImplementedError("QrGrad not implemented when nrows > ncols and full_matrices is true. Received "
                                  f"r.shape={rs} with nrows={rs[-2]}and ncols={rs[-1]}.")
    m, n = qs[-2], rs[-1]
    if m >= n:
        return [_qr_grad_square_deep(q, r, dq, dr)]
    y = a[..., :, m:]
    u = r[..., :, :m]
    dv = dr[..., :, m:]
    du = dr[..., :, :m]
    dy = _mm(q, dv, False, False)
    dx = _qr_grad_square_deep(q, u, dq + _mm(y, dv, False, True), du)
    return [_array.concat([dx, dy], -1)]


qr_p = Primitive("qr", _qr_impl, _qr_rule, jvp=transposed_vjp(_qr_rule, multiple_results=True), save_output=True,
                 multiple_results=True, kinds="fc")


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """``(q, r)`` with ``input = q @ r``, q with orthonormal columns, r upper triangular (Householder, as LAPACK).

    ``full_matrices=False``: q is ``[..., M, P]`` and r ``[..., P, N]`` with P = min(M, N); True: q is M x M.
    """
    return execute(qr_p, (_matrix("Qr", input, square=False),), {"full_matrices": bool(full_matrices)})


def _finite_members(x):
    """Per matrix of the batch: True where every entry is finite."""
    return np.isfinite(x).all(axis=(-2, -1))


def _svd_impl(a, full_matrices, compute_uv):
    x = _up(a)
    rdt = _real_dtype(a.dtype)
    ok = _finite_members(x)
    bad = not ok.all()
    if bad:  # LAPACK does not converge on inf/nan; TF returns NaN for such a matrix
        x = np.where(ok[..., None, None], x, 0)
    if not compute_uv:
        s = np.linalg.svd(x, compute_uv=False)
        if bad:
            s[~ok] = np.nan
        return (s.astype(rdt, copy=False),)
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    v = _adj_np(vh)
    if bad:
        s[~ok], u[~ok], v[~ok] = np.nan, np.nan, np.nan
    return s.astype(rdt, copy=False), u.astype(a.dtype, copy=False), v.astype(a.dtype, copy=False)


def _svd_rule(g, out, a, full_matrices, compute_uv):
    """TF's SvdGrad (Giles; Townsend for the thin case; complex terms as TF)."""
    dtype = a.dtype
    grad_s = _math.cast(g[0], dtype)
    grad_s_mat = _diag(grad_s)
    if not compute_uv:
        _, u, v = execute(svd_p, (a,), {"full_matrices": False, "compute_uv": True})
        return [_mm(u, _mm(grad_s_mat, v, False, True), False, False)]
    s, u, v = out
    grad_u, grad_v = g[1], g[2]
    m, n = a._value.shape[-2:]
    s = _math.cast(s, dtype)
    use_adjoint = m > n
    if use_adjoint:  # the gradient for A^H = V S U^H, transposed at the end
        m, n = n, m
        u, v = v, u
        grad_u, grad_v = grad_v, grad_u
    if full_matrices and abs(m - n) > 1:
        raise NotImplementedError("svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True. "
                                  f"Received: m={m} and n={n} from op input with shape={list(a._value.shape)}.")
    np_dtype = a._value.dtype
    k = s._value.shape[-1]
    s_mat = _diag(s)
    s2 = _math.square(s)
    f = _safe_reciprocal(_array.expand_dims(s2, -2) - _array.expand_dims(s2, -1)) * _offdiag(k, np_dtype)
    s_inv_mat = _diag(_safe_reciprocal(s))
    v1 = v[..., :, :m]
    grad_v1 = grad_v[..., :, :m]
    u_gu = _mm(u, grad_u, True, False)
    v_gv = _mm(v1, grad_v1, True, False)
    f_u = f * u_gu
    f_v = f * v_gv
    term1_nouv = (grad_s_mat + _mm(f_u + _adj(f_u), s_mat, False, False)
                  + _mm(s_mat, f_v + _adj(f_v), False, False))
    grad_a = _mm(u, _mm(term1_nouv, v1, False, True), False, False)
    if m != n:
        gv1t = _adj(grad_v1)
        gv1t_v1 = _mm(gv1t, v1, False, False)
        term2_nous = gv1t - _mm(gv1t_v1, v1, False, True)
        if full_matrices:
            v2 = v[..., :, m:n]
            grad_v2 = grad_v[..., :, m:n]
            v1t_gv2 = _mm(v1, grad_v2, True, False)
            term2_nous = term2_nous - _mm(v1t_gv2, v2, False, True)
        u_s_inv = _mm(u, s_inv_mat, False, False)
        grad_a = grad_a + _mm(u_s_inv, term2_nous, False, False)
    if np_dtype.kind == "c":
        l = _const(np.eye(k), np_dtype) * v_gv
        term3_nouv = _mm(s_inv_mat, _adj(l) - l, False, False)
        grad_a = grad_a + _const(0.5, np_dtype) * _mm(u, _mm(term3_nouv, v1, False, True), False, False)
    return [_adj(grad_a) if use_adjoint else grad_a]


svd_p = Primitive("svd", _svd_impl, _svd_rule, jvp=transposed_vjp(_svd_rule, multiple_results=True),
                  save_output=True, multiple_results=True, kinds="fc")


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular value decomposition ``tensor = u @ diag(s) @ adjoint(v)``; returns ``(s, u, v)``, or ``s``.

    ``s`` is ``[..., P]`` (P = min(M, N)) in descending order and real; with
    ``full_matrices=False``, u is ``[..., M, P]`` and v ``[..., N, P]``; with
    True, they are square. Note that v is not transposed (unlike NumPy's vh).
    """
    x = _matrix("Svd", tensor, square=False)
    out = execute(svd_p, (x,), {"full_matrices": bool(full_matrices), "compute_uv": bool(compute_uv)})
    return out if compute_uv else out[0]


def _eigh_impl(a, compute_v):
    x = _up(a)
    if _has_nan(np.tril(x)):
        raise _invalid("SelfAdjointEigV2", "Self-adjoint eigen decomposition was not successful. The input might "
                                           "not be valid.")
    ok = _finite_members(np.tril(x))
    if not ok.all():  # inf: NaN eigenvalues and identity eigenvectors, as TF
        x = np.where(ok[..., None, None], x, 0)
    if compute_v:
        e, v = np.linalg.eigh(x, UPLO="L")
    else:
        e, v = np.linalg.eigvalsh(x, UPLO="L"), None
    if not ok.all():
        e[~ok] = np.nan
        if v is not None:
            v[~ok] = np.eye(x.shape[-1])
    e = e.astype(a.dtype)  # complex inputs give complex eigenvalues, as TF
    return (e, v.astype(a.dtype, copy=False)) if compute_v else (e,)


def _eigh_rule(g, out, a, compute_v):
    """TF's SelfAdjointEigV2 gradient: V (diag(g_e) + F o (V^H g_V)) V^H, then its symmetrized lower triangle."""
    e = out[0]
    grad_e = g[0]
    np_dtype = a._value.dtype
    n = a._value.shape[-1]
    if compute_v:
        v, grad_v = out[1], g[1]
        f = _safe_reciprocal(_array.expand_dims(e, -2) - _array.expand_dims(e, -1)) * _offdiag(n, np_dtype)
        inner = _diag(grad_e) + f * _mm(v, grad_v, True, False)
        grad_a = _mm(v, _mm(inner, v, False, True), False, False)
    else:
        _, v = execute(eigh_p, (a,), {"compute_v": True})
        grad_a = _mm(v, _mm(_diag(grad_e), v, False, True), False, False)
    grad_a = _band(grad_a + _adj(grad_a), -1, 0)  # the op reads only the lower triangle
    return [grad_a * _half_diag(n, np_dtype)]


eigh_p = Primitive("self_adjoint_eig", _eigh_impl, _eigh_rule, jvp=transposed_vjp(_eigh_rule, multiple_results=True),
                   save_output=True, multiple_results=True, kinds="fc")


def eigh(tensor, name=None):
    """Eigen decomposition of self-adjoint matrices: ``(e, v)`` with ascending ``e`` and eigenvectors in v's columns.

    Only the lower triangle is read. A NaN input raises InvalidArgumentError, as in TF.
    """
    return execute(eigh_p, (_matrix("SelfAdjointEigV2", tensor),), {"compute_v": True})


def eigvalsh(tensor, name=None):
    """Eigenvalues of self-adjoint matrices, ascending (only the lower triangle is read)."""
    return execute(eigh_p, (_matrix("SelfAdjointEigV2", tensor),), {"compute_v": False})[0]


# --- norms --------------------------------------------------------------------------------------
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):  # noqa: A002
    """Vector norms (``'euclidean'``, 1, 2, inf, any p > 0) and matrix norms (``'fro'``/``'euclidean'``, 1, 2, inf).

    ``axis=None`` treats the whole tensor as one vector; an int gives vector
    norms along it; a pair of ints gives matrix norms over those two axes.
    As in TF, the euclidean norm of a complex tensor is complex.

    Raises:
      ValueError: an unsupported ``ord`` or a malformed ``axis`` (TF's messages).
    """
    if keep_dims is not None:
        if keepdims is not None:
            raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'")
        keepdims = keep_dims
    keepdims = bool(keepdims) if keepdims is not None else False
    is_matrix_norm = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix_norm:
        axis = tuple(axis)
        if not isinstance(axis[0], int) or not isinstance(axis[1], int) or axis[0] == axis[1]:
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        supported_matrix_norms = ["euclidean", "fro", 1, 2, np.inf]
        if ord not in supported_matrix_norms:
            raise ValueError(f"'ord' must be a supported matrix norm in {supported_matrix_norms}, got {ord}")
    else:
        if not (isinstance(axis, int) or axis is None):
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if (not np.isreal(ord) or ord <= 0) and ord not in ["euclidean", 1, 2, np.inf]:
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        if axis is not None:
            axis = (axis,)
    x = convert_to_tensor(tensor)
    if ord in ["fro", "euclidean", 2, 2.0]:
        if is_matrix_norm and ord in [2, 2.0]:
            result = _matrix_2_norm(x, axis)
        else:
            result = _math.sqrt(_reduce.reduce_sum(x * _math.conj(x), axis, keepdims=True))
    else:
        result = _math.abs(x)
        if ord == 1:
            result = _reduce.reduce_sum(result, None if axis is None else axis[0], keepdims=True)
            if is_matrix_norm:
                result = _reduce.reduce_max(result, axis[-1], keepdims=True)
        elif ord == np.inf:
            if is_matrix_norm:
                result = _reduce.reduce_sum(result, axis[1], keepdims=True)
            result = _reduce.reduce_max(result, None if axis is None else axis[0], keepdims=True)
        else:  # general p-norm, p > 0
            result = _math.pow(_reduce.reduce_sum(_math.pow(result, ord), axis, keepdims=True), 1.0 / ord)
    if not keepdims:
        result = _array.squeeze(result, axis)
    return result


def _matrix_2_norm(x, axis):
    """Largest singular value over the two axes, kept as size-1 dimensions (TF: svd with compute_uv=False)."""
    nd = x._value.ndim
    a0, a1 = (normalize_axis("norm", a, nd) for a in axis)
    perm = [i for i in range(nd) if i not in (a0, a1)] + [a0, a1]
    permed = _array.transpose(x, perm)
    s = svd(permed, compute_uv=False)
    result = _reduce.reduce_max(_math.abs(s), -1)
    kept = tuple(1 if i in (a0, a1) else d for i, d in enumerate(x._value.shape))
    return _array.reshape(result, kept)


# --- clipping by norm -----------------------------------------------------------------------------
def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t * clip_norm / max(l2norm(t, axes), clip_norm)``: rescales ``t`` so that its L2 norm is at most clip_norm.

    A negative ``clip_norm`` counts as 0. The norm is ``sqrt(sum(t * t))``
    computed only where positive, so the gradient at ``t = 0`` is finite (TF's).
    """
    values = _dense_values(t)
    if np.isscalar(clip_norm):
        if clip_norm < 0:
            clip_norm = 0
    else:
        clip_norm = _math.cast(_math.maximum(clip_norm, 0), values.dtype)
    l2sum = _reduce.reduce_sum(values * values, axes, keepdims=True)
    pred = l2sum > 0
    l2sum_safe = _math.where(pred, l2sum, _array.ones_like(l2sum))
    l2norm = _math.where(pred, _math.sqrt(l2sum_safe), l2sum)
    intermediate = values * clip_norm
    if intermediate._value.shape != values._value.shape:
        raise ValueError(f"Shapes {values.shape} and {intermediate.shape} are incompatible")
    return _like(t, _array.identity(intermediate / _math.maximum(l2norm, clip_norm)))


def _dense_values(t):
    """The tensor, or an IndexedSlices' values (TF clips and measures the slices, duplicates and all)."""
    return t.values if isinstance(t, IndexedSlices) else convert_to_tensor(t)


def _like(t, values):
    return IndexedSlices(values, t.indices, t.dense_shape) if isinstance(t, IndexedSlices) else values


def _sequence(t_list):
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    return list(t_list)


def global_norm(t_list, name=None):
    """``sqrt(sum(l2norm(t) ** 2 for t in t_list))``; None entries are ignored (float32 0.0 when all are)."""
    values = [_dense_values(t) for t in _sequence(t_list) if t is not None]
    if not values:
        return Tensor(np.asarray(0.0, dtype=np.float32))
    half_squared_norm = _reduce.reduce_sum(_array.stack([l2_loss(v) for v in values]))
    return _math.sqrt(half_squared_norm * _const(2.0, half_squared_norm._value.dtype))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor of ``t_list`` by ``clip_norm / max(global_norm, clip_norm)``.

    Returns:
      ``(list_clipped, global_norm)``: None entries stay None; if the global
      norm is infinite, every entry is NaN (as in TF).
    """
    t_list = _sequence(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list)
    scale_for_finite = clip_norm * _math.minimum(1.0 / use_norm, _const(1.0, use_norm._value.dtype) / clip_norm)
    scale = scale_for_finite + (use_norm - use_norm)  # NaN when the norm is inf
    clipped = []
    for t in t_list:
        if t is None:
            clipped.append(None)
        else:
            v = _dense_values(t)
            clipped.append(_like(t, _array.identity(v * _math.cast(scale, v.dtype))))
    return clipped, use_norm


__all__ = ["adjoint", "band_part", "cholesky", "cholesky_solve", "det", "diag", "diag_part", "eigh", "eigvalsh",
           "global_norm", "inv", "logdet", "lstsq", "matrix_transpose", "matvec", "norm", "qr", "set_diag",
           "slogdet", "solve", "svd", "trace", "triangular_solve"]
