"""DType objects and TensorFlow's conversion rules, pinned to TF 2.21."""
import pickle

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import errors

ALL = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "bool", "complex64", "complex128"]


def eq(t, expected, dtype):
    assert isinstance(t, tf.Tensor), type(t)
    assert t.dtype == dtype, (t.dtype, dtype)
    np.testing.assert_array_equal(t.numpy(), expected)


# --- DType objects -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_dtype_name_repr_and_numpy_type(name):
    d = getattr(tf, name)
    assert isinstance(d, tf.DType)
    assert d.name == name and repr(d) == f"tf.{name}"
    assert d.as_numpy_dtype is getattr(np, "bool_" if name == "bool" else name)
    assert d.size == np.dtype(d.as_numpy_dtype).itemsize
    assert d.is_numpy_compatible


def test_dtype_str():
    assert str(tf.float32) == "<dtype: 'float32'>"
    assert f"{tf.constant(1).dtype}" == "<dtype: 'int32'>"


@pytest.mark.parametrize("name, floating, integer, complex_, boolean, unsigned", [
    ("float16", True, False, False, False, False), ("float32", True, False, False, False, False),
    ("float64", True, False, False, False, False), ("int8", False, True, False, False, False),
    ("int32", False, True, False, False, False), ("int64", False, True, False, False, False),
    ("uint8", False, True, False, False, True), ("uint64", False, True, False, False, True),
    ("bool", False, False, False, True, False), ("complex64", False, False, True, False, False),
    ("complex128", False, False, True, False, False),
])
def test_dtype_predicates(name, floating, integer, complex_, boolean, unsigned):
    d = getattr(tf, name)
    assert (d.is_floating, d.is_integer, d.is_complex, d.is_bool, d.is_unsigned) == (
        floating, integer, complex_, boolean, unsigned)
    assert not d.is_quantized


def test_real_dtype_and_base_dtype():
    assert tf.complex64.real_dtype == tf.float32 and tf.complex128.real_dtype == tf.float64
    assert tf.float32.real_dtype == tf.float32 and tf.int32.real_dtype == tf.int32
    assert tf.float32.base_dtype == tf.float32


def test_limits():
    assert tf.float32.max == np.float32(3.4028235e38) and tf.float32.min == -np.float32(3.4028235e38)
    assert type(tf.float32.max) is np.float32
    assert (tf.int8.min, tf.int8.max, tf.uint8.max) == (-128, 127, 255) and type(tf.int32.max) is int
    assert tf.float16.max == np.float16(65504)


def test_aliases():
    assert tf.half is tf.float16 and tf.double is tf.float64


def test_equality():
    assert tf.float32 == "float32" and tf.float32 == np.float32 and tf.float32 == np.dtype("float32")
    assert tf.float32 != tf.float64 and tf.float32 != "float64"
    assert not (tf.float32 == None) and not (tf.float32 == "foo") and not (tf.float32 == 3)  # noqa: E711
    assert tf.float32 == float and tf.float64 != float and tf.bool == bool  # Python float means float32
    assert tf.float32.is_compatible_with(tf.float32) and not tf.float32.is_compatible_with(tf.float64)


def test_hash_and_pickle():
    assert {tf.float32: 1}[tf.float32] == 1 and len({tf.float32, tf.float32, tf.float64}) == 2
    assert pickle.loads(pickle.dumps(tf.float32)) is tf.float32


def test_as_dtype():
    assert tf.as_dtype("float32") is tf.float32 and tf.as_dtype(np.float32) is tf.float32
    assert tf.as_dtype(np.dtype("int64")) is tf.int64 and tf.as_dtype(tf.int8) is tf.int8
    assert tf.as_dtype("half") is tf.float16 and tf.as_dtype("double") is tf.float64
    assert tf.as_dtype(float) is tf.float32 and tf.as_dtype(bool) is tf.bool
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`: 'foo'"):
        tf.as_dtype("foo")


# --- Python values ------------------------------------------------------------------------------
@pytest.mark.parametrize("value, dtype, shape", [
    (1.5, "float32", ()), (3, "int32", ()), (2**31 - 1, "int32", ()), (2**31, "int64", ()),
    (-2**31, "int32", ()), (-2**31 - 1, "int64", ()), (2**63 - 1, "int64", ()), (True, "bool", ()),
    (1 + 2j, "complex128", ()), ([1, 2], "int32", (2,)), ([1.0, 2], "float32", (2,)),
    ([[1, 2], [3, 4]], "int32", (2, 2)), ([True, False], "bool", (2,)), ([1, 2**40], "int64", (2,)),
    ((1, 2), "int32", (2,)), ([], "float32", (0,)), ([[]], "float32", (1, 0)), ([1j, 2j], "complex128", (2,)),
])
def test_python_values(value, dtype, shape):
    for t in (tf.constant(value), tf.convert_to_tensor(value)):
        assert t.dtype == dtype and t.shape == shape


@pytest.mark.parametrize("value", [2**63, [1, 2**64], [2**63 - 1, 2**63], -2**63 - 1])
def test_out_of_range_python_ints_raise_value_error(value):
    with pytest.raises(ValueError, match="out-of-range integer"):
        tf.constant(value)


def test_non_rectangular_lists_raise_value_error():
    with pytest.raises(ValueError, match="Can't convert non-rectangular Python sequence to Tensor"):
        tf.constant([[1, 2], [3]])


# --- NumPy values ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, dtype", [
    (np.float64(1.0), "float64"), (np.array([1.0]), "float64"), (np.array([1], dtype=np.int64), "int64"),
    (np.array([1, 2]), "int64"), (np.array([1], dtype=np.int16), "int16"), (np.float16(1), "float16"),
    (np.array(True), "bool"), (np.array([1 + 1j], dtype=np.complex64), "complex64"), (np.uint8(3), "uint8"),
    (np.array([1.0], dtype=np.float32), "float32"),
])
def test_numpy_values_keep_their_dtype(value, dtype):
    assert tf.constant(value).dtype == dtype and tf.convert_to_tensor(value).dtype == dtype
    assert tf.Variable(value).dtype == dtype


def test_converted_numpy_arrays_are_copies():
    a = np.array([1.0, 2.0])
    t = tf.constant(a)
    a[0] = 100.0
    eq(t, [1.0, 2.0], tf.float64)


# --- binary ops ---------------------------------------------------------------------------------------
def test_python_scalar_takes_the_tensors_dtype():
    a = tf.constant([1.0, 2.0], dtype=tf.float64)
    for r in (a + 1, 1 + a, a * 2.5, 2.5 * a):
        assert r.dtype == tf.float64
    b = tf.constant([1, 2], dtype=tf.int64)
    assert (b + 1).dtype == tf.int64 and (2 * b).dtype == tf.int64
    assert (tf.constant([1, 2], dtype=tf.int8) + 1).dtype == tf.int8
    h = tf.constant([1.0], dtype=tf.float16)
    assert (h * 3.0).dtype == tf.float16 and (h + 2).dtype == tf.float16
    v = tf.Variable(1.0, dtype=tf.float64)
    assert (v * 2.0).dtype == tf.float64 and (2.0 * v).dtype == tf.float64


@pytest.mark.parametrize("op", [lambda t: t * 1.5, lambda t: 1.5 * t, lambda t: t * 2.0, lambda t: 0.5 + t,
                                lambda t: t - 0.5, lambda t: t / 0.5, lambda t: t ** 0.5],
                         ids=["t*1.5", "1.5*t", "t*2.0", "0.5+t", "t-0.5", "t/0.5", "t**0.5"])
def test_python_float_with_an_int_tensor_raises_type_error(op):
    # (TF's `t + 0.5` alone is an InvalidArgumentError: AddV2 converts with dtype_hint.)
    with pytest.raises(TypeError, match="int32"):
        op(tf.constant([1, 2]))


@pytest.mark.parametrize("x, y, names", [
    (lambda: tf.constant(1.0), lambda: tf.constant(1.0, dtype=tf.float64), ("float32", "float64")),
    (lambda: tf.constant(1.0, dtype=tf.float64), lambda: tf.constant(1.0), ("float64", "float32")),
    (lambda: tf.constant(1), lambda: tf.constant(1.0), ("int32", "float32")),
    (lambda: tf.Variable(1.0), lambda: tf.constant(1.0, dtype=tf.float64), ("float32", "float64")),
], ids=["f32*f64", "f64*f32", "i32*f32", "var*f64"])
def test_mixed_tensor_dtypes_raise_invalid_argument_error_naming_both(x, y, names):
    # TF names them float/double: "cannot compute AddV2 as input #1(zero-based) was expected to be a float
    # tensor but is a double tensor".
    with pytest.raises(errors.InvalidArgumentError) as info:
        x() * y()
    msg = str(info.value)
    tf_names = {"float32": "float", "float64": "double", "int32": "int32"}  # TF's kernel names
    for name in names:
        assert name in msg or f"a {tf_names[name]} tensor" in msg, (name, msg)


def test_float32_tensor_with_a_float64_numpy_operand_stays_float32():
    # TF converts the NumPy operand to the tensor's dtype.
    t = tf.constant([1.0, 2.0])
    eq(t + np.array([0.5, 0.25]), [1.5, 2.25], tf.float32)
    eq(np.array([0.5, 0.25]) + t, [1.5, 2.25], tf.float32)
    eq(tf.constant(1.0) + np.float64(1e-10), 1.0, tf.float32)
    eq(t + np.array([1, 2]), [2.0, 4.0], tf.float32)
    eq(tf.constant([1, 2]) + np.array([1, 2], dtype=np.int64), [2, 4], tf.int32)
    with np.errstate(over="ignore"):
        eq(t + np.array([1e300]), [np.inf, np.inf], tf.float32)


def test_numpy_operands_and_values_are_cast_like_tf():
    eq(tf.constant([1, 2]) * np.array([1.5, 2.5]), [1, 4], tf.int32)
    eq(tf.constant([1, 2]) * np.float32(2.5), [2, 4], tf.int32)
    eq(tf.constant([1.0, 2.0]) * np.array([True, False]), [1.0, 0.0], tf.float32)
    eq(tf.constant(np.array([1.5, 2.5]), dtype=tf.int32), [1, 2], tf.int32)
    eq(tf.convert_to_tensor(np.array([1.5], dtype=np.float32), dtype=tf.int32), [1], tf.int32)
    eq(tf.convert_to_tensor(np.array([3]), dtype=tf.bool), [True], tf.bool)
    eq(tf.convert_to_tensor(np.array([-1]), dtype=tf.uint8), [255], tf.uint8)


# --- convert_to_tensor ------------------------------------------------------------------------------
def test_convert_to_tensor_of_a_tensor_with_another_dtype_raises_value_error():
    t = tf.constant(1.0)
    assert tf.convert_to_tensor(t) is t and tf.convert_to_tensor(t, dtype=tf.float32) is t
    with pytest.raises(ValueError, match="Tensor conversion requested dtype float64 for Tensor with dtype float32"):
        tf.convert_to_tensor(t, dtype=tf.float64)
    with pytest.raises(ValueError, match="float64"):
        tf.convert_to_tensor(tf.Variable(1.0), dtype=tf.float64)


def test_convert_to_tensor_of_a_variable_reads_it():
    v = tf.Variable([1.0, 2.0])
    t = tf.convert_to_tensor(v)
    assert isinstance(t, tf.Tensor)
    eq(t, [1.0, 2.0], tf.float32)


def test_convert_to_tensor_with_dtype():
    eq(tf.convert_to_tensor(1, dtype=tf.float64), 1.0, tf.float64)
    eq(tf.convert_to_tensor([1, 2], dtype=tf.float32), [1.0, 2.0], tf.float32)
    eq(tf.convert_to_tensor(np.array([1.5]), dtype=tf.float32), [1.5], tf.float32)
    eq(tf.convert_to_tensor(2, dtype=tf.complex64), 2 + 0j, tf.complex64)
    for value in (1.5, 1.0):  # TF refuses any Python float for an integer dtype
        with pytest.raises(TypeError, match=f"Cannot convert {value} to EagerTensor of dtype int32"):
            tf.convert_to_tensor(value, dtype=tf.int32)
    with pytest.raises(TypeError, match="Cannot convert 1 to EagerTensor of dtype bool"):
        tf.constant(1, dtype=tf.bool)


def test_convert_to_tensor_dtype_hint():
    assert tf.convert_to_tensor(1, dtype_hint=tf.float32).dtype == tf.float32
    assert tf.convert_to_tensor(1.5, dtype_hint=tf.int32).dtype == tf.float32  # the hint does not fit: ignored


def test_convert_to_tensor_dtype_hint_applies_to_numpy_values():
    assert tf.convert_to_tensor(np.array(1.0), dtype_hint=tf.float32).dtype == tf.float32


# --- constant -------------------------------------------------------------------------------------
def test_constant_with_dtype_and_shape():
    eq(tf.constant(0, shape=[2, 2]), [[0, 0], [0, 0]], tf.int32)
    eq(tf.constant(1.5, dtype=tf.float64, shape=(3,)), [1.5, 1.5, 1.5], tf.float64)
    eq(tf.constant([1, 2, 3, 4], shape=[2, 2]), [[1, 2], [3, 4]], tf.int32)
    eq(tf.constant([1, 2], dtype=tf.float32), [1.0, 2.0], tf.float32)
    eq(tf.constant(1, dtype=tf.complex64), 1 + 0j, tf.complex64)
    eq(tf.constant(-1, dtype=tf.uint8), 255, tf.uint8)  # TF wraps
    eq(tf.constant(300, dtype=tf.int8), 44, tf.int8)
    with pytest.raises(TypeError, match="Cannot convert 1.5 to EagerTensor of dtype int32"):
        tf.constant(1.5, dtype=tf.int32)
    with pytest.raises(TypeError, match="Eager execution of tf.constant with unsupported shape"):
        tf.constant([1, 2, 3], shape=[2, 2])


def test_constant_bool_to_int():
    eq(tf.constant(True, dtype=tf.int32), 1, tf.int32)


# --- casts, complex, bfloat16 ------------------------------------------------------------------------------
def test_cast():
    eq(tf.cast(tf.constant([1.7, -1.7]), tf.int32), [1, -1], tf.int32)  # toward zero
    eq(tf.cast(tf.constant([1, 0]), tf.bool), [True, False], tf.bool)
    eq(tf.cast(tf.constant(1 + 2j), tf.float32), 1.0, tf.float32)  # the real part
    eq(tf.cast(tf.constant([1, 2]), "float64"), [1.0, 2.0], tf.float64)


def test_complex_values():
    assert tf.constant(1j).dtype == tf.complex128
    eq(tf.constant([1.0, 2.0], dtype=tf.complex64), [1 + 0j, 2 + 0j], tf.complex64)


@pytest.fixture
def bf16():
    pytest.importorskip("ml_dtypes")
    assert tf.bfloat16 is not None
    return tf.bfloat16


def test_bfloat16(bf16):
    import ml_dtypes
    assert bf16.name == "bfloat16" and repr(bf16) == "tf.bfloat16" and bf16.is_floating and bf16.size == 2
    assert bf16.as_numpy_dtype is ml_dtypes.bfloat16 and tf.as_dtype("bfloat16") is bf16
    t = tf.constant([1.0, 2.5], dtype=bf16)
    assert t.dtype == bf16
    assert repr(t * 2.0) == "<tapegrad.Tensor: shape=(2,), dtype=bfloat16, numpy=array([2, 5], dtype=bfloat16)>"
    eq(tf.cast(t, tf.float32), [1.0, 2.5], tf.float32)
    x = tf.constant(1.5, dtype=bf16)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x)
    assert g.dtype == bf16 and float(g) == 3.0
    with pytest.raises(errors.InvalidArgumentError):
        t + tf.constant([1.0, 2.0])


def test_dtypes_namespace():
    assert tf.dtypes.float32 is tf.float32 and tf.dtypes.as_dtype("int64") is tf.int64
    assert tf.dtypes.DType is tf.DType
    assert tf.dtypes.cast(tf.constant([1.7]), tf.dtypes.int32).numpy().tolist() == [1]
    assert tf.dtypes.saturate_cast(tf.constant([300.0]), tf.uint8).numpy().tolist() == [255]
    assert tf.dtypes.complex(1.0, 2.0).dtype == tf.complex64


@pytest.mark.parametrize("op, args, message", [
    (lambda a, b: a * b, ("float32", "float64"), "Input 'y' of 'multiply' Op has type float64 that does not match "
                                                 "type float32 of argument 'x'"),
    (tf.math.add, ("int32", "float32"), "Input 'y' of 'add' Op has type float32 that does not match type int32"),
    (lambda a, b: tf.matmul(tf.reshape(a, [1, 1]), tf.reshape(b, [1, 1])), ("float32", "float64"),
     "Input 'b' of 'MatMul' Op has type float64 that does not match type float32 of argument 'a'"),
    (tf.math.atan2, ("float32", "float64"), "Input 'x' of 'atan2' Op has type float64"),
    (lambda a, b: tf.add_n([a, b]), ("float32", "float64"),
     r"Tensors in list passed to 'inputs' of 'AddN' Op have types \[float32, float64\] that don't all match"),
    (lambda a, b: tf.concat([tf.reshape(a, [1]), tf.reshape(b, [1])], 0), ("int32", "float32"),
     r"'values' of 'ConcatV2' Op have types \[int32, float32\]"),
    (lambda a, b: tf.tensor_scatter_nd_update(tf.reshape(a, [1]), [[0]], tf.reshape(b, [1])),
     ("float32", "float64"), "Input 'updates' of 'TensorScatterUpdate' Op has type float64"),
])
def test_dtype_mismatch_is_a_type_error_while_tracing(op, args, message):
    # TF checks an op's input dtypes as it builds the graph op (TypeError); its eager kernel raises
    # InvalidArgumentError
    a, b = tf.constant(1, args[0]), tf.constant(2, args[1])
    with pytest.raises(errors.InvalidArgumentError, match="cannot compute"):
        op(a, b)
    with pytest.raises(TypeError, match=message):
        tf.function(op)(a, b)


def test_python_scalar_of_another_kind_in_a_traced_loop_is_a_type_error():
    @tf.function
    def loop(n):
        s = 0
        for _ in tf.range(n):
            s = s + 0.5
        return s

    with pytest.raises(TypeError, match="Input 'y' of 'add' Op has type float32 that does not match type int32"):
        loop(tf.constant(3))
    with pytest.raises(TypeError, match="`x` and `y` must have the same dtype, got tf.float32 != tf.float64"):
        tf.function(lambda a, b: a / b)(tf.constant(1.0), tf.constant(1.0, tf.float64))
