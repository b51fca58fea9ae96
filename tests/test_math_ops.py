"""tapegrad/ops/math.py: values, dtype rules, errors and TF's gradient conventions.

Numbers marked "TF 2.21" were computed with TensorFlow 2.21 on the same inputs.
"""
import inspect
import math

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors

BF16 = tg.bfloat16


def grads(f, *args, dtype=None):
    """Values of the gradients of f (summed over its outputs) with respect to each argument, None where None."""
    xs = [tg.constant(a, dtype=dtype) for a in args]
    with tg.GradientTape() as tape:
        tape.watch(xs)
        y = f(*xs)
    return [None if g is None else g.numpy() for g in tape.gradient(y, xs)]


def close(actual, expected, **kw):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), **kw)


# --- forward values -----------------------------------------------------------------
UNARY = [
    (tg.abs, np.abs, (-3, 3)), (tg.square, np.square, (-3, 3)), (tg.sqrt, np.sqrt, (0, 3)),
    (tg.math.rsqrt, lambda x: 1 / np.sqrt(x), (0.1, 3)), (tg.math.reciprocal, lambda x: 1 / x, (0.1, 3)),
    (tg.exp, np.exp, (-3, 3)), (tg.math.expm1, np.expm1, (-3, 3)), (tg.math.log, np.log, (0.1, 3)),
    (tg.math.log1p, np.log1p, (-0.9, 3)), (tg.sin, np.sin, (-3, 3)), (tg.cos, np.cos, (-3, 3)),
    (tg.tan, np.tan, (-1.5, 1.5)), (tg.asin, np.arcsin, (-1, 1)), (tg.acos, np.arccos, (-1, 1)),
    (tg.atan, np.arctan, (-3, 3)), (tg.sinh, np.sinh, (-3, 3)), (tg.cosh, np.cosh, (-3, 3)),
    (tg.tanh, np.tanh, (-3, 3)), (tg.asinh, np.arcsinh, (-3, 3)), (tg.acosh, np.arccosh, (1, 3)),
    (tg.atanh, np.arctanh, (-0.99, 0.99)), (tg.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (-10, 10)),
    (tg.math.softplus, lambda x: np.log1p(np.exp(x)), (-10, 10)),
    (tg.math.erf, np.vectorize(math.erf), (-7, 7)), (tg.sign, np.sign, (-3, 3)),
    (tg.floor, np.floor, (-3, 3)), (tg.math.ceil, np.ceil, (-3, 3)), (tg.negative, np.negative, (-3, 3)),
]


@pytest.mark.parametrize("op, ref, domain", UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_values_match_numpy_in_float64(op, ref, domain):
    x = np.random.default_rng(0).uniform(*domain, size=(3, 5))
    out = op(tg.constant(x))
    assert out.dtype == tg.float64
    close(out.numpy(), ref(x), rtol=1e-13, atol=1e-15)


def test_erf_is_accurate_on_both_sides_of_its_branch_point():
    x = np.concatenate([np.linspace(-6, 6, 2001), [0.0, 1.0, -1.0, 1 + 1e-12, 8.0, 30.0, 1e-300]])
    close(tg.math.erf(tg.constant(x)).numpy(), [math.erf(v) for v in x], rtol=5e-16, atol=1e-300)  # within 3 ulps
    out = tg.math.erf(tg.constant([np.inf, -np.inf, np.nan])).numpy()
    assert out[0] == 1.0 and out[1] == -1.0 and np.isnan(out[2])


def test_stable_for_large_arguments():
    x = tg.constant([-1000.0, 1000.0])
    assert tg.sigmoid(x).numpy().tolist() == [0.0, 1.0]
    assert tg.math.softplus(x).numpy().tolist() == [0.0, 1000.0]
    assert tg.tanh(x).numpy().tolist() == [-1.0, 1.0]
    for f in (tg.sigmoid, tg.math.softplus, tg.tanh):  # TF 2.21: [0, 0], [0, 1], [0, 0]
        assert np.isfinite(grads(f, [-1000.0, 1000.0])[0]).all()
    assert grads(tg.math.softplus, [-1000.0, 1000.0])[0].tolist() == [0.0, 1.0]
    assert tg.math.log1p(tg.constant(1e-10)).numpy() == np.float32(1e-10)
    assert tg.math.expm1(tg.constant(1e-10)).numpy() == np.float32(1e-10)


def test_softplus_and_sigmoid_float32_values():
    # TF 2.21 (sigmoid exactly; softplus to 1 ulp, TF's float32 exp/log1p round differently)
    x = tg.constant([-20.0, -3.0, 0.0, 3.0, 20.0])
    assert tg.sigmoid(x).numpy().tolist() == [2.06115369216775e-09, 0.04742587357759476, 0.5, 0.9525741338729858, 1.0]
    close(tg.math.softplus(x).numpy(), [2.06115369216775e-09, 0.04858735203742981, 0.6931471824645996,
                                         3.0485873222351074, 20.0], rtol=1e-7)
    # TF's kernel returns x itself above -log(eps) - 2 and exp(x) below log(eps) + 2
    assert tg.math.softplus(tg.constant([40.0], tg.float64)).numpy()[0] == 40.0
    assert tg.math.softplus(tg.constant([-100.0], tg.float64)).numpy()[0] == np.exp(-100.0)


def test_round_is_half_to_even_and_keeps_integers():
    assert tg.round(tg.constant([0.5, 1.5, 2.5, -0.5, -1.5, 0.7])).numpy().tolist() == [0, 2, 2, 0, -2, 1]
    out = tg.round(tg.constant([3, -4]))
    assert out.dtype == tg.int32 and out.numpy().tolist() == [3, -4]


def test_floordiv_and_floormod_follow_tf():
    x, y = tg.constant([7, -7, 7, -7]), tg.constant([2, 2, -2, -2])
    assert tg.math.floordiv(x, y).numpy().tolist() == [3, -4, -4, 3]
    assert tg.math.floormod(x, y).numpy().tolist() == [1, 1, -1, -1]
    assert (x // 2).numpy().tolist() == [3, -4, 3, -4] and (7 % tg.constant([3])).numpy().tolist() == [1]
    assert tg.math.mod is tg.math.floormod
    # floats: floor(x / y) (TF 2.21: 1 // 0.1 == 10, where Python gives 9), and the remainder takes y's sign
    assert tg.math.floordiv(tg.constant(1.0), tg.constant(0.1)).numpy() == 10.0
    out = tg.math.floormod(tg.constant([7.5, -7.5, -7.0, 3.0, -0.0]), tg.constant([2.0, 2.0, np.inf, -np.inf, 3.0]))
    assert out.numpy().tolist() == [1.5, 0.5, np.inf, -np.inf, 0.0] and np.signbit(out.numpy()[4])
    out = tg.math.floordiv(tg.constant([-7.0, 0.0]), tg.constant([0.0, 0.0])).numpy()
    assert out[0] == -np.inf and np.isnan(out[1])
    with pytest.raises(errors.InvalidArgumentError, match="Integer division by zero"):
        tg.math.floordiv(tg.constant([7, -7]), tg.constant([0, 2]))
    with pytest.raises(errors.InvalidArgumentError, match="Integer division by zero"):
        tg.constant([7]) % 0


def test_division_dtypes_and_no_nan():
    assert tg.divide(tg.constant([1, 2]), tg.constant([2, 4])).dtype == tg.float64
    assert tg.truediv(tg.constant([1], tg.int16), tg.constant([2], tg.int16)).dtype == tg.float32
    out = tg.math.divide_no_nan(tg.constant([1.0, np.nan, np.inf, 3.0]), tg.constant([0.0, 0.0, 0.0, 2.0]))
    assert out.numpy().tolist() == [0.0, 0.0, 0.0, 1.5]
    out = tg.math.divide_no_nan(tg.constant([1, 2]), tg.constant([0, 2]))
    assert out.dtype == tg.float64 and out.numpy().tolist() == [0.0, 1.0]
    assert tg.math.xdivy(tg.constant([0.0, 1.0]), tg.constant([0.0, 0.0])).numpy().tolist() == [0.0, np.inf]
    out = tg.math.xlogy(tg.constant([0.0, 1.0, 0.0]), tg.constant([0.0, 0.0, np.nan]))
    assert out.numpy().tolist() == [0.0, -np.inf, 0.0]


def test_maximum_minimum_propagate_nan_and_clip_by_value():
    a, b = tg.constant([1.0, np.nan, 3.0]), tg.constant([np.nan, 1.0, 2.0])
    assert np.isnan(tg.maximum(a, b).numpy()[:2]).all() and tg.maximum(a, b).numpy()[2] == 3.0
    assert np.isnan(tg.minimum(a, b).numpy()[:2]).all() and tg.minimum(a, b).numpy()[2] == 2.0
    t = tg.constant([[-1, 0.0, 10.0], [-1, 0, 10]])
    assert tg.clip_by_value(t, [[2], [1]], 100).numpy().tolist() == [[2, 2, 10], [1, 1, 10]]
    out = tg.clip_by_value(tg.constant([1, 5]), 2, 3)
    assert out.dtype == tg.int32 and out.numpy().tolist() == [2, 3]
    assert tg.clip_by_value(tg.constant([1.0, 5.0]), 3.0, 2.0).numpy().tolist() == [3.0, 3.0]  # as TF: min wins


def test_add_n():
    out = tg.add_n([tg.constant([1.0, 2.0]), tg.constant([3.0, 4.0]), [5.0, 6.0]])
    assert out.numpy().tolist() == [9.0, 12.0] and out.dtype == tg.float32
    x = tg.constant([1, 2])
    assert tg.add_n([x]) is x and tg.add_n([[1, 2], [3, 4]]).numpy().tolist() == [4, 6]


def test_complex_numbers():
    z = tg.complex(tg.constant([[1.0], [2.0]]), tg.constant([3.0, 4.0]))
    assert z.dtype == tg.complex64 and z.numpy().tolist() == [[1 + 3j, 1 + 4j], [2 + 3j, 2 + 4j]]
    assert tg.complex(tg.constant(1.0, tg.float64), tg.constant(2.0, tg.float64)).dtype == tg.complex128
    w = tg.constant([-2.25 + 4.75j, 3.25 + 5.75j], tg.complex64)
    assert tg.math.real(w).dtype == tg.float32 and tg.math.real(w).numpy().tolist() == [-2.25, 3.25]
    assert tg.math.imag(w).numpy().tolist() == [4.75, 5.75]
    close(tg.math.angle(w).numpy(), [2.0131705, 1.056345], rtol=1e-6)  # TF's docstring example
    assert tg.math.conj(w).numpy().tolist() == [-2.25 - 4.75j, 3.25 - 5.75j]
    assert tg.abs(tg.constant([3 + 4j])).dtype == tg.float64 and tg.abs(tg.constant([3 + 4j])).numpy()[0] == 5.0
    close(tg.sign(tg.constant([3 + 4j, 0j])).numpy(), [0.6 + 0.8j, 0j])
    x = tg.constant([-1.0, 0.0, 2.0])
    assert tg.math.angle(x).numpy().tolist() == [np.float32(np.pi), 0.0, 0.0]
    assert tg.math.real(x) is x and tg.math.imag(x).numpy().tolist() == [0.0, 0.0, 0.0]
    assert tg.math.squared_difference(tg.constant([1 + 2j]), tg.constant([3 - 1j])).numpy().tolist() == [13 + 0j]


def test_matmul_values_batch_broadcasting_and_transposes():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 1, 2, 3)), rng.standard_normal((3, 3, 4))
    out = tg.matmul(a, b)
    assert out.shape == (2, 3, 2, 4)
    close(out.numpy(), a @ b)
    m, n = rng.standard_normal((3, 2)), rng.standard_normal((4, 3))
    close(tg.matmul(m, n, transpose_a=True, transpose_b=True).numpy(), m.T @ n.T)
    c = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    close(tg.matmul(c, c, transpose_a=True).numpy(), c.T @ c)
    close(tg.matmul(c, c, adjoint_a=True).numpy(), c.conj().T @ c)
    assert (tg.constant([[1.0, 2.0]]) @ tg.constant([[3.0], [4.0]])).numpy().tolist() == [[11.0]]
    assert tg.matmul(tg.ones([2, 3]), [[1], [2], [3]]).numpy().tolist() == [[6.0], [6.0]]  # list takes a's dtype
    assert tg.matmul(tg.ones([2, 2], tg.int32), tg.ones([2, 2], tg.int32)).dtype == tg.int32


def test_einsum_and_tensordot_values():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 2, 3, 4)), rng.standard_normal((4, 5))
    close(tg.einsum("aabc,cd->dba", a, b).numpy(), np.einsum("aabc,cd->dba", a, b))
    x, y = rng.standard_normal((1, 2, 3)), rng.standard_normal((4, 3, 5))
    close(tg.einsum("...ij,...jk->...ik", x, y).numpy(), np.einsum("...ij,...jk->...ik", x, y))
    assert tg.einsum("ba", tg.ones([2, 3])).shape == (3, 2)  # implicit output: sorted labels
    assert tg.einsum("...ba", tg.ones([4, 2, 3])).shape == (4, 3, 2)
    assert tg.einsum("i j , j k -> i k", tg.ones([2, 3]), tg.ones([3, 4])).shape == (2, 4)
    m = tg.constant(np.arange(9.0).reshape(3, 3))
    assert tg.einsum("ii", m).numpy() == 12.0 and tg.einsum("ii->i", m).numpy().tolist() == [0.0, 4.0, 8.0]
    p, q = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3))
    close(tg.tensordot(p, q, [[-1, -2], [0, 1]]).numpy(), np.tensordot(p, q, [[2, 1], [0, 1]]))
    assert tg.tensordot(tg.ones([2, 3]), tg.ones([3, 4]), 0).shape == (2, 3, 3, 4)
    assert tg.tensordot(tg.ones([2, 3]), tg.ones([3, 4]), [1, 0]).shape == (2, 4)


def test_cumsum_cumprod():
    x = tg.constant([1, 2, 3])
    assert tg.cumsum(x).numpy().tolist() == [1, 3, 6]
    assert tg.cumsum(x, exclusive=True, reverse=True).numpy().tolist() == [5, 3, 0]
    assert tg.math.cumprod(tg.constant([1.0, 2.0, 3.0]), exclusive=True).numpy().tolist() == [1.0, 1.0, 2.0]
    assert tg.math.cumprod(x, reverse=True).numpy().tolist() == [6, 6, 3]
    m = tg.constant([[1, 2], [3, 4]])
    assert tg.cumsum(m, axis=-1).numpy().tolist() == [[1, 3], [3, 7]]
    assert tg.cumsum(m, axis=tg.constant(0)).numpy().tolist() == [[1, 2], [4, 6]]
    assert tg.cumsum(tg.zeros([0, 2]), exclusive=True).shape == (0, 2)


def test_comparisons_logical_and_bitwise_ops():
    x, y = tg.constant([1, 2, 3]), tg.constant([2, 2, 2])
    assert (x < y).numpy().tolist() == [True, False, False] and (x <= y).numpy().tolist() == [True, True, False]
    assert (x > y).numpy().tolist() == [False, False, True] and (x >= y).numpy().tolist() == [False, True, True]
    assert (x == y).numpy().tolist() == [False, True, False] and (x != 2).numpy().tolist() == [True, False, True]
    nan = tg.constant([1.0, np.nan])
    assert tg.equal(nan, nan).numpy().tolist() == [True, False]
    p, q = tg.constant([True, True, False]), tg.constant([True, False, False])
    assert (p & q).numpy().tolist() == [True, False, False] and (p | q).numpy().tolist() == [True, True, False]
    assert (p ^ q).numpy().tolist() == [False, True, False] and (~p).numpy().tolist() == [False, False, True]
    assert tg.math.logical_xor(p, q).numpy().tolist() == [False, True, False]
    i = tg.constant([12])
    assert (i & 10).numpy().tolist() == [8] and (i | 3).numpy().tolist() == [15] and (i ^ 10).numpy().tolist() == [6]
    assert (~i).numpy().tolist() == [-13] and (~tg.constant([0, 5], tg.uint8)).numpy().tolist() == [255, 250]
    assert tg.math.is_nan(nan).numpy().tolist() == [False, True]
    assert tg.math.is_inf(tg.constant([np.inf, 1.0])).numpy().tolist() == [True, False]
    assert tg.math.is_finite(tg.constant([np.inf, np.nan, 1.0])).numpy().tolist() == [False, False, True]


# --- dtype rules ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("op", [tg.sin, tg.exp, tg.math.expm1, tg.math.log1p, tg.tanh, tg.sigmoid, tg.math.softplus,
                                tg.math.erf, tg.math.rsqrt, tg.abs, tg.sign, tg.round, tg.floor, tg.math.atanh,
                                lambda x: tg.cumsum(x), lambda x: tg.math.cumprod(x, reverse=True),
                                lambda x: tg.matmul(x[None], x[:, None]), lambda x: tg.einsum("i,i->", x, x),
                                lambda x: tg.math.floormod(x, 0.3), lambda x: tg.math.floordiv(x, 0.3),
                                lambda x: tg.math.divide_no_nan(x, x), lambda x: tg.math.xlogy(x, x),
                                lambda x: tg.maximum(x, 0.5), lambda x: tg.add_n([x, x]), lambda x: x ** 2,
                                lambda x: tg.math.squared_difference(x, 1), lambda x: tg.math.atan2(x, x)])
def test_floating_ops_keep_the_input_dtype(op, dtype):
    if dtype == "bfloat16" and BF16 is None:
        pytest.skip("ml_dtypes is not installed")
    x = tg.constant([0.25, 0.5, 0.75], dtype=dtype)
    assert op(x).dtype == tg.as_dtype(dtype)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
def test_integer_ops_keep_the_input_dtype(dtype):
    x = tg.constant([1, 2, 3], dtype=dtype)
    for out in (tg.square(x), tg.cumsum(x), tg.math.cumprod(x), tg.maximum(x, 2), x // 2, x % 2, x * 3 + 1,
                tg.round(x), tg.add_n([x, x]), tg.clip_by_value(x, 1, 2), x & 1):
        assert out.dtype == tg.as_dtype(dtype)
    if dtype != "uint8":
        assert tg.abs(-x).dtype == tg.sign(x).dtype == tg.pow(x, 2).dtype == tg.as_dtype(dtype)


def test_python_operands_take_the_tensor_dtype():
    assert (tg.constant([1.0], tg.float16) + 1).dtype == tg.float16
    assert (2.5 * tg.constant([1.0], tg.float64)).dtype == tg.float64
    assert tg.maximum(tg.constant([1, 5]), 3).numpy().tolist() == [3, 5]
    with pytest.raises(TypeError):
        tg.constant(3) * 1.5
    with pytest.raises(TypeError):
        tg.maximum(tg.constant(3), 1.5)
    with pytest.raises(TypeError):
        tg.clip_by_value(tg.constant([1, 2]), -3.1, 3.1)


def test_mixed_float_dtypes_are_an_error_naming_op_and_dtypes():
    with pytest.raises(errors.InvalidArgumentError, match="add.*float32.*float64|add.*float64.*float32"):
        tg.constant(1.0) + tg.constant(1.0, tg.float64)
    with pytest.raises(errors.InvalidArgumentError, match="maximum"):
        tg.maximum(tg.constant(1.0), tg.constant(1.0, tg.float64))
    with pytest.raises(errors.InvalidArgumentError, match="AddN"):
        tg.add_n([tg.ones([2]), tg.ones([2], tg.float64)])
    with pytest.raises(errors.InvalidArgumentError, match="MatMul"):
        tg.matmul(tg.ones([2, 2]), tg.ones([2, 2], tg.float64))
    with pytest.raises(errors.InvalidArgumentError, match="Einsum"):
        tg.einsum("ij,jk->ik", tg.ones([2, 3]), tg.ones([3, 4], tg.float64))
    with pytest.raises(TypeError, match="same dtype"):  # TF's __truediv__ raises TypeError here
        tg.constant(1.0) / tg.constant(1.0, tg.float64)
    with pytest.raises(TypeError, match="same dtype"):
        tg.math.divide_no_nan(tg.constant(1.0), tg.constant(1.0, tg.float64))


@pytest.mark.parametrize("fn, arg", [
    (tg.sin, [1]), (tg.exp, [1]), (tg.sqrt, [4]), (tg.math.log, [1]), (tg.math.erf, [1]), (tg.math.softplus, [1]),
    (tg.floor, [1]), (tg.math.is_nan, [1]), (tg.math.is_finite, [1 + 1j]),
    (tg.negative, np.array([1], np.uint8)), (tg.abs, [True]), (tg.logical_not, [1.0]), (lambda x: ~x, [1.0]),
    (lambda x: tg.math.atan2(x, x), [1]), (lambda x: tg.maximum(x, x), [1j]), (lambda x: tg.less(x, x), [1j]),
    (lambda x: tg.math.floordiv(x, x), [1j]), (lambda x: tg.logical_and(x, x), [1]),
    (lambda x: tg.math.xlogy(x, x), [1]), (lambda x: tg.pow(x, x), np.array([2], np.uint8)),
    (lambda x: tg.matmul(x, x), [[True]]), (lambda x: tg.cumsum(x), [True]),
])
def test_unsupported_dtypes_are_invalid_argument(fn, arg):  # as TF 2.21 eager
    with pytest.raises(errors.InvalidArgumentError, match="Value for attr 'T' of"):
        fn(tg.constant(arg))


def test_other_dtype_errors():
    with pytest.raises(TypeError, match="incorrect types"):
        tg.complex(tg.constant(1.0), tg.constant(2.0, tg.float64))
    with pytest.raises(TypeError, match="incorrect types"):
        tg.complex(tg.constant(1), tg.constant(2))
    with pytest.raises(TypeError):
        tg.math.real(tg.constant(True))
    with pytest.raises(TypeError):
        tg.math.conj(tg.constant(True))
    with pytest.raises(TypeError):
        tg.math.angle(tg.constant(1))
    with pytest.raises(TypeError):
        tg.divide(tg.constant(True), tg.constant(True))
    with pytest.raises(errors.InvalidArgumentError, match="negative integer powers"):
        tg.pow(tg.constant(2), tg.constant(-1))


# --- shape errors ---------------------------------------------------------------------
def test_matmul_shape_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[4,5\]"):
        tg.matmul(tg.ones([2, 3]), tg.ones([4, 5]))
    with pytest.raises(errors.InvalidArgumentError, match=r"size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[3,4\]"):
        tg.matmul(tg.ones([2, 3]), tg.ones([3, 4]), transpose_a=True)
    with pytest.raises(errors.InvalidArgumentError, match=r"In\[0\] ndims must be >= 2"):
        tg.matmul(tg.ones([3]), tg.ones([3]))
    with pytest.raises(errors.InvalidArgumentError, match=r"In\[1\] ndims must be >= 2"):
        tg.matmul(tg.ones([2, 2, 3]), tg.ones([3]))
    with pytest.raises(errors.InvalidArgumentError, match=r"compatible batch dimensions: \[2,2,3\] vs. \[3,3,2\]"):
        tg.matmul(tg.ones([2, 2, 3]), tg.ones([3, 3, 2]))
    with pytest.raises(ValueError, match="Only one of `transpose_a` and `adjoint_a`"):
        tg.matmul(tg.ones([2, 2]), tg.ones([2, 2]), transpose_a=True, adjoint_a=True)
    with pytest.raises(errors.NotFoundError):
        tg.matmul(tg.ones([2, 2]), tg.ones([2, 2]), output_type=tg.float64)


def test_add_n_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"Input 0: \[2\] != input 1: \[3\]"):
        tg.add_n([tg.ones([2]), tg.ones([3])])
    with pytest.raises(errors.InvalidArgumentError, match="same size and shape"):  # no broadcasting
        tg.add_n([tg.ones([2, 1]), tg.ones([1, 2])])
    with pytest.raises(ValueError):
        tg.add_n([])


@pytest.mark.parametrize("equation, shapes, error, message", [
    ("ij,jk->ik", [(2, 3), (4, 4)], errors.InvalidArgumentError, r"Expected dimension 3 at axis 0 of the input"),
    ("ii->i", [(2, 3)], errors.InvalidArgumentError, "Expected dimension 2 at axis 1"),
    ("i,i->i", [(1,), (3,)], errors.InvalidArgumentError, "Expected dimension 1"),  # labels never broadcast
    ("ijk->ij", [(2, 3)], errors.InvalidArgumentError, "Expected input 0 to have rank 3 but got: 2"),
    ("...i->i", [(2, 3)], errors.InvalidArgumentError, "no ellipsis"),
    ("...ij,...jk->...ik", [(2, 2, 3), (4, 3, 5)], errors.InvalidArgumentError, "must broadcast"),
    ("i->ii", [(3,)], ValueError, "more than once"),
    ("ij->k", [(2, 3)], ValueError, "label k not present"),
    ("ij,jk->ik", [(2, 3)], ValueError, "Got 1 inputs"),
    ("i1->i", [(2,)], ValueError, "Invalid einsum equation"),
])
def test_einsum_errors(equation, shapes, error, message):
    with pytest.raises(error, match=message):
        tg.einsum(equation, *[tg.ones(s) for s in shapes])


def test_einsum_rejects_unknown_keywords():
    with pytest.raises(TypeError, match="foo"):
        tg.einsum("ij->ji", tg.ones([2, 3]), foo=1)
    assert tg.einsum("ij->ji", tg.ones([2, 3]), name="t", optimize="greedy").shape == (3, 2)


@pytest.mark.parametrize("axes, error", [
    (-1, ValueError), (3, ValueError), (1.5, TypeError), ([1], ValueError), ([[1]], ValueError),
    ([[0], [0, 1]], ValueError), ([[0], [0]], errors.InvalidArgumentError), ([[0, 0], [0, 1]], ValueError),
])
def test_tensordot_errors(axes, error):
    with pytest.raises(error):
        tg.tensordot(tg.ones([2, 3]), tg.ones([3, 2]), axes)


def test_scan_and_clip_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"range \[-1, 1\), but got 1"):
        tg.cumsum(tg.constant([1, 2, 3]), axis=1)
    with pytest.raises(errors.InvalidArgumentError, match="scan axis"):
        tg.cumsum(tg.constant(3))
    with pytest.raises(errors.InvalidArgumentError, match="axis must be a scalar"):
        tg.math.cumprod(tg.constant([[1.0, 2.0]]), axis=[1])
    with pytest.raises(TypeError):
        tg.cumsum(tg.constant([1, 2]), axis=0.5)
    with pytest.raises(ValueError, match=r"Shapes \(2, 3\) and \(1, 2, 3\) are incompatible"):
        tg.clip_by_value(tg.ones([2, 3]), [[[2.0]]], 100.0)
    with pytest.raises(errors.InvalidArgumentError):
        tg.clip_by_value(tg.ones([2, 3]), [[[2.0, 1.0]]], 100.0)


# --- gradient conventions (values from TF 2.21) --------------------------------------------
def test_abs_sign_round_at_and_around_zero():
    assert grads(tg.abs, [-1.5, 0.0, 2.0])[0].tolist() == [-1.0, 0.0, 1.0]
    (g,) = grads(tg.sign, [-2.0, 0.0, 3.0])
    assert g is not None and g.tolist() == [0.0, 0.0, 0.0]  # a zero gradient, not None
    for f in (tg.round, tg.floor, tg.math.ceil, tg.math.is_nan, lambda x: x > 0, lambda x: tg.math.floordiv(x, 2.0)):
        assert grads(f, [0.4, 1.6]) == [None]


def test_maximum_minimum_ties_go_to_x():
    gx, gy = grads(tg.maximum, [1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    assert gx.tolist() == [0.0, 1.0, 1.0] and gy.tolist() == [1.0, 0.0, 0.0]
    gx, gy = grads(tg.minimum, [1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    assert gx.tolist() == [1.0, 1.0, 0.0] and gy.tolist() == [0.0, 0.0, 1.0]
    gx, gy = grads(tg.maximum, [[1.0, 5.0], [3.0, 0.0]], [2.0, 2.0])  # broadcast: y's gradient is summed
    assert gx.tolist() == [[0.0, 1.0], [1.0, 0.0]] and gy.tolist() == [1.0, 1.0]


def test_clip_by_value_gradient_at_and_beyond_the_bounds():
    g, glo, ghi = grads(tg.clip_by_value, [-3.0, -1.0, 0.0, 1.0, 3.0], -1.0, 1.0)
    assert g.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0] and glo == 1.0 and ghi == 1.0


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the inf entries are intended
def test_safe_gradients_where_tf_masks():
    gx, gy = grads(tg.math.divide_no_nan, [1.0, 2.0], [0.0, 4.0])
    assert gx.tolist() == [0.0, 0.25] and gy.tolist() == [0.0, -0.125]
    gx, gy = grads(tg.math.xlogy, [0.0, 0.0, 2.0], [0.0, 3.0, 0.5], dtype=tg.float64)
    close(gx, [0.0, 0.0, -0.6931471805599453])
    close(gy, [0.0, 0.0, 4.0])
    gx, gy = grads(tg.math.xdivy, [0.0, 0.0, 2.0], [0.0, 3.0, 0.5], dtype=tg.float64)
    assert gx.tolist() == [0.0, 0.0, 2.0] and gy.tolist() == [0.0, 0.0, -8.0]
    gx, gy = grads(tg.pow, [0.0, 0.0, -1.5, 2.0], [2.0, 0.5, 2.0, 0.0], dtype=tg.float64)
    assert gx.tolist() == [0.0, np.inf, -3.0, 0.0]
    close(gy, [0.0, 0.0, 0.0, 0.6931471805599453])
    assert grads(tg.sqrt, [0.0, 4.0])[0].tolist() == [np.inf, 0.25]
    # cumprod divides by x with div_no_nan: 0 at a zero element (TF's rule)
    assert grads(tg.math.cumprod, [2.0, 0.0, 3.0, 4.0])[0].tolist() == [1.0, 0.0, 0.0, 0.0]


def test_floormod_atan2_squared_difference_gradients():
    gx, gy = grads(tg.math.floormod, [7.5, -7.5], [2.0, 2.0])
    assert gx.tolist() == [1.0, 1.0] and gy.tolist() == [-3.0, 4.0]
    gy, gx = grads(tg.math.atan2, [1.0, 0.0], [1.0, -2.0])
    assert gy.tolist() == [0.5, -0.5] and gx.tolist() == [-0.5, 0.0]
    gx, gy = grads(tg.math.squared_difference, [3.0], [1.0])
    assert gx.tolist() == [4.0] and gy.tolist() == [-4.0]
    assert grads(tg.math.erf, [0.0, 1.0], dtype=tg.float64)[0].tolist() == pytest.approx(
        [1.1283791670955126, 0.4151074974205947], rel=1e-15)


def test_complex_gradients_match_tf():
    # every expected value below was computed with TensorFlow 2.21 on the same inputs
    gx, gy = grads(tg.multiply, [1 + 2j, -0.5 + 1j], [3 - 1j, 2 + 0.5j])
    close(gx, [3 + 1j, 2 - 0.5j])
    close(gy, [1 - 2j, -0.5 - 1j])
    (g,) = grads(tg.exp, [1 + 2j, -0.5 + 1j])
    close(g, [-1.1312043837568135 - 2.4717266720048188j, 0.32770991402245986 - 0.5103779515445728j], rtol=1e-15)
    (g,) = grads(tg.abs, [3 + 4j, 0j, -1 - 1j])
    close(g, [0.6 + 0.8j, 0j, -0.7071067811865475 - 0.7071067811865475j], rtol=1e-15)
    (g,) = grads(tg.sigmoid, [1 + 1j])
    close(g, [0.2112356390886604 + 0.11391559063073589j], rtol=1e-14)
    ga, gb = grads(tg.matmul, [[1 + 1j, 2 - 1j]], [[0.5j], [1 - 2j]])
    close(ga, [[-0.5j, 1 + 2j]])
    close(gb, [[1 - 1j], [2 + 1j]])
    (g,) = grads(tg.math.angle, [1 + 1j, -2 + 0.5j])
    close(g, [-0.5 + 0.5j, -0.11764705882352941 - 0.47058823529411764j], rtol=1e-14)
    assert grads(lambda z: 3 * tg.math.real(z), [1 + 1j])[0].tolist() == [3 + 0j]
    assert grads(lambda z: 3 * tg.math.imag(z), [1 + 1j])[0].tolist() == [3j]
    ga, gb = grads(lambda a, b: tg.abs(tg.complex(a, b)), [3.0], [4.0])
    close(ga, [0.6])
    close(gb, [0.8])


def test_matmul_gradients_sum_over_broadcast_batch_dims():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 1, 2, 3)), rng.standard_normal((3, 3, 4))
    ga, gb = grads(tg.matmul, a, b, dtype=tg.float64)
    ones = np.ones((2, 3, 2, 4))
    close(ga, (ones @ np.swapaxes(b, -1, -2)).sum(axis=1, keepdims=True))
    close(gb, (np.swapaxes(a, -1, -2) @ ones).sum(axis=0))
    m, n = rng.standard_normal((5, 2, 3)), rng.standard_normal((3, 4))  # rank-2 operand against a batch
    gm, gn = grads(tg.matmul, m, n, dtype=tg.float64)
    close(gm, np.ones((5, 2, 4)) @ n.T)
    close(gn, (np.swapaxes(m, -1, -2) @ np.ones((5, 2, 4))).sum(0))


def test_einsum_gradients():
    rng = np.random.default_rng(4)
    (g,) = grads(lambda a: tg.einsum("ii->i", a) * tg.constant([1.0, 2.0, 3.0], tg.float64),
                 rng.standard_normal((3, 3)), dtype=tg.float64)
    assert g.tolist() == np.diag([1.0, 2.0, 3.0]).tolist()
    assert grads(lambda a: tg.einsum("ij->", a), np.ones((2, 3)))[0].tolist() == np.ones((2, 3)).tolist()
    x, y = rng.standard_normal((1, 2, 3)), rng.standard_normal((4, 3, 5))
    gx, gy = grads(lambda a, b: tg.einsum("...ij,...jk->...ik", a, b), x, y, dtype=tg.float64)
    close(gx, (np.ones((4, 2, 5)) @ np.swapaxes(y, -1, -2)).sum(0, keepdims=True))
    close(gy, np.swapaxes(x, -1, -2) @ np.ones((4, 2, 5)))
    # the gradient of one operand only (the other is a constant)
    w = tg.constant(rng.standard_normal((3, 2)))
    with tg.GradientTape() as tape:
        tape.watch(w)
        out = tg.einsum("ij,jk->ik", tg.constant(np.ones((4, 3))), w)
    close(tape.gradient(out, w).numpy(), np.full((3, 2), 4.0))


def test_add_n_and_cumsum_gradients():
    g = grads(lambda x, y: tg.add_n([x, y, x]), [1.0, 2.0], [3.0, 4.0])
    assert g[0].tolist() == [2.0, 2.0] and g[1].tolist() == [1.0, 1.0]
    (g,) = grads(lambda x: tg.cumsum(x, exclusive=True) * tg.constant([1.0, 2.0, 3.0]), [5.0, 6.0, 7.0])
    assert g.tolist() == [5.0, 3.0, 0.0]


def test_second_derivatives():
    x = tg.constant([0.0, 1.0], tg.float64)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = tg.sigmoid(x) + tg.tanh(x)
        dy = inner.gradient(y, x)
    s, t = 1 / (1 + np.exp(-1.0)), np.tanh(1.0)
    close(outer.gradient(dy, x).numpy(), [0.0, s * (1 - s) * (1 - 2 * s) - 2 * t * (1 - t * t)], rtol=1e-14)


# --- API ------------------------------------------------------------------------------
def test_public_names_and_tf_signatures():
    from tapegrad.ops import math as m
    for name in m.__all__:
        assert getattr(tg.math, name) is getattr(m, name) and getattr(tg, name) is getattr(m, name)
    params = lambda f: list(inspect.signature(f).parameters)  # noqa: E731
    assert params(tg.math.atan2) == ["y", "x", "name"] and params(tg.math.softplus) == ["features", "name"]
    assert params(tg.math.real) == ["input", "name"] and params(tg.complex) == ["real", "imag", "name"]
    assert params(tg.clip_by_value) == ["t", "clip_value_min", "clip_value_max", "name"]
    assert params(tg.cumsum) == ["x", "axis", "exclusive", "reverse", "name"]
    assert params(tg.matmul) == ["a", "b", "transpose_a", "transpose_b", "adjoint_a", "adjoint_b", "a_is_sparse",
                                 "b_is_sparse", "output_type", "grad_a", "grad_b", "name"]
    assert params(tg.math.add_n) == ["inputs", "name"] and params(tg.tensordot) == ["a", "b", "axes", "name"]
    assert all(getattr(m, name).__doc__ for name in m.__all__)


def test_add_converts_its_second_operand_with_the_firsts_dtype_as_a_hint():
    # TF 2.21: tf.add(x, y) and `tensor + value` convert y with x's dtype as a hint, so a value that does not
    # convert keeps its own dtype and the dtypes then differ: InvalidArgumentError, not TypeError.
    i, f = tg.constant([1, 2]), tg.constant([1.0, 2.0])
    for fn in (lambda: i + 2.0, lambda: i + [1.5, 2.5], lambda: tg.add(i, 2.5), lambda: tg.add(2, f),
               lambda: tg.add(2.0, i), lambda: tg.add(np.array([1.0, 2.0]), f), lambda: f + 1j,
               lambda: tg.Variable([1, 2]) + 1.5):
        with pytest.raises(errors.InvalidArgumentError):
            fn()
    for fn in (lambda: 2.0 + i, lambda: i * 2.0, lambda: i - 2.0, lambda: 1j + f):
        with pytest.raises(TypeError):
            fn()
    np.testing.assert_array_equal((f + True).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal((True + f).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(tg.add(f, np.array([1, 2])).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(tg.add(i, np.array([1.5, 2])).numpy(), [2, 4])  # NumPy values are cast
    np.testing.assert_array_equal((2 + f).numpy(), [3.0, 4.0])
    assert tg.add(2.5, 3).dtype == tg.float32 and tg.add(2, 3).dtype == tg.int32


def test_bitwise_namespace():
    a, b = tg.constant([12, -8]), tg.constant([10, 2])
    np.testing.assert_array_equal(tg.bitwise.bitwise_and(a, b).numpy(), [8, 0])
    np.testing.assert_array_equal(tg.bitwise.bitwise_or(a, b).numpy(), [14, -6])
    np.testing.assert_array_equal(tg.bitwise.bitwise_xor(a, b).numpy(), [6, -6])
    np.testing.assert_array_equal(tg.bitwise.invert(a).numpy(), [-13, 7])
    np.testing.assert_array_equal(tg.bitwise.left_shift(a, b).numpy(), [12288, -32])
    np.testing.assert_array_equal(tg.bitwise.right_shift(a, b).numpy(), [0, -2])  # arithmetic for signed
    with pytest.raises(errors.InvalidArgumentError):
        tg.bitwise.left_shift(tg.constant([1.0]), tg.constant([1.0]))


def test_xlogy_family_keeps_the_sign_of_a_zero_x():
    # TF 2.21: xlogy/xdivy/xlog1py return x itself where x == 0 (so -0.0 stays -0.0).
    x, y = tg.constant([-0.0, 0.0, 2.0]), tg.constant([np.inf, 0.0, 1.0])
    for fn in (tg.math.xlogy, tg.math.xdivy, tg.math.xlog1py):
        out = fn(x, y).numpy()
        assert np.signbit(out[0]) and not np.signbit(out[1]), fn
    x = tg.Variable([0.0, 2.0])
    with tg.GradientTape() as tape:
        out = tg.reduce_sum(tg.math.xlogy(x, tg.constant([3.0, 3.0])))
    np.testing.assert_allclose(tape.gradient(out, x).numpy(), [0.0, np.log(3.0)], rtol=1e-6)


def test_shifts_clamp_the_shift_amount_as_tf():
    x = tg.constant([1, 1, 1, -3], tg.int8)
    assert tg.bitwise.left_shift(x, tg.constant([9, -1, 7, 2], tg.int8)).numpy().tolist() == [-128, 1, -128, -12]
    assert tg.bitwise.right_shift(tg.constant([-128, 100, 7], tg.int8),
                                  tg.constant([9, -1, 100], tg.int8)).numpy().tolist() == [-1, 100, 0]


def test_integer_matrix_products_have_tf_kernels_only():
    ones = lambda shape, dt: tg.ones(shape, dt)  # noqa: E731
    assert tg.matmul(ones([1, 1, 2], tg.int16), ones([1, 2, 1], tg.int16)).numpy().tolist() == [[[2]]]
    assert tg.matmul(ones([1, 2], tg.int64), ones([2, 1], tg.int64)).dtype == tg.int64
    for dt in (tg.int8, tg.int16):
        with pytest.raises(errors.InvalidArgumentError, match="attr 'T' of int"):
            tg.matmul(ones([1, 2], dt), ones([2, 1], dt))
        with pytest.raises(errors.InvalidArgumentError):
            tg.tensordot(ones([1, 2], dt), ones([2, 1], dt), 1)
        with pytest.raises(errors.NotFoundError):
            tg.einsum("ij,jk->ik", ones([1, 2], dt), ones([2, 1], dt))
    with pytest.raises(errors.InvalidArgumentError):
        tg.matmul(ones([1, 1, 2], tg.int8), ones([1, 2, 1], tg.int8))
    with pytest.raises(errors.NotFoundError):
        tg.matmul(ones([1, 2], tg.uint8), ones([2, 1], tg.uint8))
