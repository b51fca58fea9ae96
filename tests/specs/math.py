"""Specs for tapegrad/ops/math.py.

Complex rules are checked through real functions: ``_cplx(fn)`` builds complex
inputs from pairs of real arguments and returns the real and imaginary parts of
the result, so a missing or misplaced conj fails the real gradient check.
"""
import numpy as np

import tapegrad as tg

from . import OpSpec

BINARY = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2))]
UNARY = [((4,),), ((2, 3),)]
POSITIVE = (0.5, 2.0)
UNIT = (-0.8, 0.8)


def _cplx(fn):
    """fn on complex tensors made from consecutive pairs of real arguments; returns (real, imag)."""
    def f(*args):
        z = fn(*[tg.complex(a, b) for a, b in zip(args[::2], args[1::2])])
        return tg.math.real(z), tg.math.imag(z)
    return f


def _pairs(*shapes):
    """Argument shapes for _cplx: each complex input's shape twice."""
    return [tuple(s for s in shapes for _ in range(2))]


def _args(*arrays):
    return lambda rng: [np.array(a, dtype=np.float64) for a in arrays]


SPECS = [
    # arithmetic
    OpSpec("floordiv", tg.math.floordiv, BINARY, domain=POSITIVE, grad=False),
    OpSpec("floormod", tg.math.floormod, BINARY, domain=POSITIVE),
    OpSpec("squared_difference", tg.math.squared_difference, BINARY),
    OpSpec("maximum", tg.maximum, BINARY),
    OpSpec("minimum", tg.minimum, BINARY),
    OpSpec("maximum", lambda x: tg.clip_by_value(x, -0.5, 1.0), [((2, 5),)], id="clip_by_value"),
    OpSpec("maximum", lambda x, lo, hi: tg.clip_by_value(x, lo, hi), [],
           args=_args([[-2.0, -0.3, 0.4], [1.7, 0.2, 3.0]], [[-1.0], [0.0]], [1.0, 2.0, 0.3]),
           id="clip_by_value_bounds"),
    OpSpec("add_n", lambda x, y, z: tg.add_n([x, y, z]), [((2, 3), (2, 3), (2, 3)), ((), (), ())]),
    OpSpec("div_no_nan", tg.math.divide_no_nan, BINARY, domain=POSITIVE),
    OpSpec("xdivy", tg.math.xdivy, BINARY, domain=POSITIVE),
    OpSpec("xlogy", tg.math.xlogy, BINARY, domain=POSITIVE),
    # unary functions
    OpSpec("abs", tg.abs, UNARY),
    OpSpec("complex_abs", lambda a, b: tg.abs(tg.complex(a, b)), _pairs((3,))),
    OpSpec("sign", lambda x: tg.sign(x) * x, UNARY),
    OpSpec("div_no_nan", _cplx(tg.sign), _pairs((3,)), id="sign_complex"),
    OpSpec("rsqrt", tg.math.rsqrt, UNARY, domain=POSITIVE),
    OpSpec("reciprocal", tg.math.reciprocal, UNARY, domain=POSITIVE),
    OpSpec("expm1", tg.math.expm1, UNARY),
    OpSpec("log1p", tg.math.log1p, UNARY, domain=(-0.5, 2.0)),
    OpSpec("tan", tg.tan, UNARY, domain=(-1.0, 1.0)),
    OpSpec("asin", tg.asin, UNARY, domain=UNIT),
    OpSpec("acos", tg.acos, UNARY, domain=UNIT),
    OpSpec("atan", tg.atan, UNARY),
    OpSpec("atan2", tg.math.atan2, BINARY, domain=POSITIVE),
    OpSpec("sinh", tg.sinh, UNARY),
    OpSpec("cosh", tg.cosh, UNARY),
    OpSpec("tanh", tg.tanh, UNARY),
    OpSpec("asinh", tg.asinh, UNARY),
    OpSpec("acosh", tg.acosh, UNARY, domain=(1.2, 3.0)),
    OpSpec("atanh", tg.atanh, UNARY, domain=UNIT),
    OpSpec("sigmoid", tg.sigmoid, UNARY, domain=(-5.0, 5.0)),
    OpSpec("softplus", tg.math.softplus, UNARY, domain=(-5.0, 5.0)),
    OpSpec("softplus", tg.math.softplus, [], args=_args([-40.0, -20.0, 20.0, 40.0]), id="softplus_tails"),
    OpSpec("erf", tg.math.erf, UNARY),
    OpSpec("erf", tg.math.erf, [], args=_args([-1.5, -1.0, 0.999, 1.001, 2.5]), id="erf_branches"),
    # no gradient
    OpSpec("round", tg.round, UNARY, grad=False),
    OpSpec("floor", tg.floor, UNARY, grad=False),
    OpSpec("ceil", tg.math.ceil, UNARY, grad=False),
    OpSpec("is_nan", tg.math.is_nan, UNARY, grad=False),
    OpSpec("is_inf", tg.math.is_inf, UNARY, grad=False),
    OpSpec("is_finite", tg.math.is_finite, UNARY, grad=False),
    OpSpec("equal", tg.equal, BINARY, grad=False),
    OpSpec("less", tg.less, BINARY, grad=False),
    OpSpec("less_equal", tg.less_equal, BINARY, grad=False),
    OpSpec("greater_equal", tg.greater_equal, BINARY, grad=False),
    OpSpec("logical_and", lambda x, y: tg.logical_and(x > 0, y > 0), BINARY, grad=False),
    OpSpec("logical_or", lambda x, y: tg.logical_or(x > 0, y > 0), BINARY, grad=False),
    OpSpec("logical_xor", lambda x, y: tg.math.logical_xor(x > 0, y > 0), BINARY, grad=False),
    OpSpec("logical_not", lambda x: tg.logical_not(x > 0), UNARY, grad=False),
    OpSpec("bitwise_and", lambda x, y: tg.cast(x * 10, tg.int32) & tg.cast(y * 10, tg.int32), BINARY, grad=False),
    OpSpec("bitwise_or", lambda x, y: tg.cast(x * 10, tg.int32) | tg.cast(y * 10, tg.int32), BINARY, grad=False),
    OpSpec("bitwise_xor", lambda x, y: tg.cast(x * 10, tg.int32) ^ tg.cast(y * 10, tg.int32), BINARY, grad=False),
    OpSpec("invert", lambda x: ~tg.cast(x * 10, tg.int32), UNARY, grad=False),
    OpSpec("left_shift", lambda x, y: tg.bitwise.left_shift(tg.cast(x * 10, tg.int32), tg.cast(tg.abs(y) * 3, tg.int32)),
           BINARY, grad=False),
    OpSpec("right_shift", lambda x, y: tg.bitwise.right_shift(tg.cast(x * 10, tg.int32),
                                                             tg.cast(tg.abs(y) * 3, tg.int32)), BINARY, grad=False),
    # complex numbers
    OpSpec("complex", lambda a, b: tg.math.real(tg.complex(a, b) * (2 - 1j)), [((3,), (3,)), ((2, 1), (3,))]),
    OpSpec("real", lambda a, b: tg.math.real(tg.complex(a, b) * tg.complex(b, a)), _pairs((3,))),
    OpSpec("imag", lambda a, b: tg.math.imag(tg.complex(a, b) * tg.complex(b, a)), _pairs((3,))),
    OpSpec("angle", lambda a, b: tg.math.angle(tg.complex(a, b)), _pairs((3,))),
    # conjugation conventions of the elementwise rules (first quadrant: away from branch cuts)
    OpSpec("multiply", _cplx(tg.multiply), _pairs((2, 3), (3,)), id="multiply_complex"),
    OpSpec("realdiv", _cplx(tg.divide), _pairs((3,), (3,)), domain=POSITIVE, id="realdiv_complex"),
    OpSpec("div_no_nan", _cplx(tg.math.divide_no_nan), _pairs((3,), (3,)), domain=POSITIVE,
           id="div_no_nan_complex"),
    OpSpec("pow", _cplx(tg.pow), _pairs((3,), (3,)), domain=POSITIVE, id="pow_complex"),
    *[OpSpec(fn.__name__, _cplx(fn), _pairs((3,)), domain=POSITIVE, id=fn.__name__ + "_complex") for fn in (
        tg.square, tg.sqrt, tg.math.rsqrt, tg.math.reciprocal, tg.exp, tg.math.expm1, tg.math.log, tg.math.log1p,
        tg.sin, tg.cos, tg.tan, tg.asin, tg.acos, tg.atan, tg.sinh, tg.cosh, tg.tanh, tg.asinh, tg.acosh,
        tg.atanh, tg.sigmoid)],
    # matrix products
    OpSpec("matmul", tg.matmul,
           [((2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((5, 2, 3), (3, 4)), ((2, 3), (4, 3, 1))]),
    OpSpec("matmul", lambda a, b: tg.matmul(a, b, transpose_a=True), [((3, 2), (3, 4)), ((2, 3, 2), (3, 4))],
           id="matmul_transpose_a"),
    OpSpec("matmul", lambda a, b: tg.matmul(a, b, transpose_b=True), [((2, 3), (4, 3))], id="matmul_transpose_b"),
    OpSpec("matmul", lambda a, b: tg.matmul(a, b, adjoint_a=True, adjoint_b=True), [((3, 2), (4, 3))],
           id="matmul_adjoint_ab"),
    OpSpec("matmul", _cplx(tg.matmul), _pairs((2, 3), (3, 2)), id="matmul_complex"),
    OpSpec("matmul", _cplx(lambda a, b: tg.matmul(a, b, transpose_a=True, adjoint_b=True)), _pairs((3, 2), (2, 3)),
           id="matmul_complex_transpose_adjoint"),
    OpSpec("einsum", lambda a, b: tg.einsum("ij,jk->ik", a, b), [((2, 3), (3, 4))]),
    OpSpec("einsum", lambda a: tg.einsum("ii->i", a), [((3, 3),)], id="einsum_diagonal"),
    OpSpec("einsum", lambda a: tg.einsum("ii", a), [((3, 3),)], id="einsum_trace"),
    OpSpec("einsum", lambda a: tg.einsum("ijk->", a), [((2, 3, 2),)], id="einsum_sum"),
    OpSpec("einsum", lambda a: tg.einsum("ij->ji", a), [((2, 3),)], id="einsum_transpose"),
    OpSpec("einsum", lambda a, b: tg.einsum("aabc,cd->dba", a, b), [((2, 2, 3, 4), (4, 3))], id="einsum_mixed"),
    OpSpec("einsum", lambda a, b: tg.einsum("...ij,...jk->...ik", a, b), [((1, 2, 3), (4, 3, 2)), ((5, 2, 3), (3, 2))],
           id="einsum_ellipsis_broadcast"),
    OpSpec("einsum", lambda a, b: tg.einsum("i...,i...->i...", a, b), [((2, 3), (2, 4, 1))],
           id="einsum_ellipsis_middle"),
    OpSpec("einsum", lambda a, b, c: tg.einsum("i,ij,j->", a, b, c), [((2,), (2, 3), (3,))], id="einsum_three"),
    OpSpec("einsum", lambda a, b: a * tg.einsum("ij,ij->i", a, b)[:, None], [((2, 3), (2, 3))], id="einsum_nonlinear"),
    OpSpec("einsum", _cplx(lambda a, b: tg.einsum("ij,jk->ki", a, b)), _pairs((2, 3), (3, 2)), id="einsum_complex"),
    OpSpec("einsum", lambda a, b: tg.tensordot(a, b, [[0, 2], [1, 0]]), [((2, 3, 4), (4, 2, 5))], id="tensordot"),
    OpSpec("einsum", lambda a, b: tg.tensordot(a, b, 1), [((2, 3), (3, 4))], id="tensordot_int"),
    # scans
    OpSpec("cumsum", lambda x: tg.cumsum(x, axis=1), [((2, 4),)]),
    OpSpec("cumsum", lambda x: tg.cumsum(x, exclusive=True, reverse=True), [((4, 2),)], id="cumsum_exclusive_reverse"),
    OpSpec("cumprod", lambda x: tg.math.cumprod(x, axis=-1), [((2, 4),)], domain=POSITIVE),
    OpSpec("cumprod", lambda x: tg.math.cumprod(x, exclusive=True, reverse=True), [((4, 2),)], domain=POSITIVE,
           id="cumprod_exclusive_reverse"),
    OpSpec("cumsum", _cplx(lambda z: tg.cumsum(z * z)), _pairs((3,)), id="cumsum_complex"),
]
