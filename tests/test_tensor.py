"""The Tensor and Variable Python API, pinned to TF 2.21 (``tf.`` renamed ``tapegrad.`` in texts)."""
import copy
import pickle

import numpy as np
import pytest

import tapegrad as tf


def val(t):
    return t.numpy()


def eq(t, expected, dtype=None):
    """Same values and, when given, the same dtype."""
    assert isinstance(t, tf.Tensor), type(t)
    np.testing.assert_array_equal(t.numpy(), expected)
    if dtype is not None:
        assert t.dtype == dtype, (t.dtype, dtype)


# --- introspection -------------------------------------------------------------------------
def test_numpy_returns_an_ndarray_copy_or_a_numpy_scalar():
    t = tf.constant([[1.0, 2.0]])
    a = t.numpy()
    assert type(a) is np.ndarray and a.dtype == np.float32 and a.flags.writeable
    a[0, 0] = 100.0
    eq(t, [[1.0, 2.0]])
    s = tf.constant(3.0).numpy()
    assert type(s) is np.float32 and s == 3.0
    assert type(tf.constant(3).numpy()) is np.int32
    assert type(tf.constant(True).numpy()) is np.bool_


def test_shape_is_a_tensor_shape_comparing_equal_to_tuples_and_lists():
    t = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    s = t.shape
    assert isinstance(s, tf.TensorShape)
    assert s == (2, 3) and s == [2, 3] and s == tf.TensorShape([2, 3])
    assert (2, 3) == s and [2, 3] == s
    assert s != (3, 2) and not (s == (2, 3, 1))
    assert s[0] == 2 and s[-1] == 3 and type(s[0]) is int
    assert s[1:] == (3,) and isinstance(s[1:], tf.TensorShape)
    assert s.as_list() == [2, 3] and s.rank == 2 and s.ndims == 2 and len(s) == 2
    assert list(s) == [2, 3] and tuple(s) == (2, 3) and s.num_elements() == 6
    assert t.get_shape() == s


def test_shape_str_and_repr():
    assert str(tf.constant([[1.0, 2.0, 3.0]]).shape) == "(1, 3)"
    assert repr(tf.constant([[1.0, 2.0, 3.0]]).shape) == "TensorShape([1, 3])"
    assert str(tf.constant(1.0).shape) == "()" and repr(tf.constant(1.0).shape) == "TensorShape([])"
    assert str(tf.constant([1.0]).shape) == "(1,)" and repr(tf.constant([1.0]).shape) == "TensorShape([1])"
    assert str(tf.TensorShape(None)) == "<unknown>" and repr(tf.TensorShape(None)) == "TensorShape(None)"
    assert str(tf.TensorShape([None, 3])) == "(None, 3)"
    assert tf.TensorShape([2, None]) == (2, None)


def test_dtype_and_ndim():
    t = tf.constant([[1, 2]])
    assert t.dtype == tf.int32 and t.dtype is tf.int32 and t.dtype == "int32"
    assert t.ndim == 2 and tf.constant(1.0).ndim == 0


def test_isinstance():
    assert isinstance(tf.constant(1.0), tf.Tensor)
    assert isinstance(tf.Variable(1.0), tf.Variable)
    assert not isinstance(tf.Variable(1.0), tf.Tensor)  # as in TF
    v = tf.Variable(1.0)
    assert isinstance(v.read_value(), tf.Tensor) and isinstance(v.value(), tf.Tensor)


# --- NumPy interop and immutability --------------------------------------------------------------
def test_array_protocol():
    t = tf.constant([1.0, 2.0])
    a = np.asarray(t)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [1.0, 2.0])
    assert np.array(t, dtype=np.float64).dtype == np.float64
    assert np.sum(t) == 3.0
    np.testing.assert_array_equal(np.add(t, 1), [2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(tf.Variable([1.0, 2.0])), [1.0, 2.0])


def test_tensors_are_immutable():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="does not support item assignment"):
        t[0] = 5.0
    assert copy.copy(t) is t and copy.deepcopy(t) is t


def test_numpy_arrays_from_a_tensor_cannot_change_it():
    t = tf.constant([1.0, 2.0])
    a = np.array(t)  # a copy
    a[0] = 5.0
    b = np.asarray(t)  # TF: a read-only view
    with pytest.raises(ValueError):
        b[0] = 100.0
    eq(t, [1.0, 2.0])


def test_numpy_arrays_from_a_variable_cannot_change_it():
    v = tf.Variable([1.0, 2.0])
    a = np.asarray(v)
    a[0] = 100.0
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_pickle_roundtrip():
    t = tf.constant([1.0, 2.0])
    u = pickle.loads(pickle.dumps(t))
    eq(u, [1.0, 2.0], tf.float32)


# --- Python scalars ------------------------------------------------------------------------------
def test_float_int_bool_complex_of_scalars():
    assert float(tf.constant(2.5)) == 2.5 and int(tf.constant(2.7)) == 2 and int(tf.constant(3)) == 3
    assert bool(tf.constant(0.0)) is False and bool(tf.constant(2)) is True
    assert complex(tf.constant(1 + 2j)) == 1 + 2j and complex(tf.constant(2.0)) == 2 + 0j
    assert float(tf.Variable(2.5)) == 2.5 and bool(tf.Variable(1.0)) is True


def test_bool_of_one_element_tensors():
    assert bool(tf.constant([1.0])) is True
    assert bool(tf.constant([[0.0]])) is False and bool(tf.constant([[3.0]])) is True


def test_bool_of_several_elements_raises_value_error():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError):
        if tf.constant([1.0, 2.0]) > 0:
            pass


def test_bool_of_an_empty_tensor_is_false():
    assert bool(tf.constant([])) is False


def test_float_and_int_of_non_scalars_raise_type_error():
    for fn, t in ((float, tf.constant([1.0, 2.0])), (int, tf.constant([1, 2])), (float, tf.constant([2.5]))):
        with pytest.raises(TypeError):
            fn(t)


def test_index():
    assert [10, 20, 30][tf.constant(2)] == 30
    assert list(range(5))[tf.constant(1):tf.constant(3)] == [1, 2]
    with pytest.raises((TypeError, AttributeError)):  # TF: AttributeError (np.float32 has no __index__)
        [1, 2][tf.constant(1.0)]
    with pytest.raises(TypeError):
        [1, 2][tf.constant([1])]


def test_format():
    t = tf.constant(3.14159)
    assert f"{t:.2f}" == "3.14"
    assert "{:>8.3f}".format(t) == "   3.142"
    assert f"{t}" == "3.141590118408203"  # as TF: format(np.float32(...), "")
    assert f"{tf.constant(5):04d}" == "0005" and f"{tf.constant(7):3d}|" == "  7|"
    assert f"{tf.constant([1.0, 2.0])}" == "[1. 2.]"
    with pytest.raises(TypeError):
        f"{tf.constant([1.0, 2.0]):.2f}"


# --- len, iteration, hashing ----------------------------------------------------------------------
def test_len():
    assert len(tf.constant([1, 2, 3])) == 3 and len(tf.zeros([4, 2])) == 4
    with pytest.raises(TypeError, match="Scalar tensor has no `len\\(\\)`"):
        len(tf.constant(1.0))


def test_iteration():
    rows = list(tf.constant([[1, 2], [3, 4]]))
    assert len(rows) == 2 and all(isinstance(r, tf.Tensor) for r in rows)
    eq(rows[0], [1, 2], tf.int32)
    eq(rows[1], [3, 4], tf.int32)
    a, b = tf.constant([1.0, 2.0])
    assert str(a) == "tapegrad.Tensor(1.0, shape=(), dtype=float32)" and float(b) == 2.0
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor"):
        iter(tf.constant(1.0))


def test_tensors_and_variables_are_unhashable():
    t = tf.constant(1.0)
    for action in (lambda: hash(t), lambda: {t: 1}, lambda: {t}):
        with pytest.raises(TypeError, match="Tensor is unhashable. Instead, use tensor.ref\\(\\) as the key"):
            action()
    with pytest.raises(TypeError, match="Variable is unhashable. Instead, use variable.ref\\(\\) as the key"):
        hash(tf.Variable(1.0))


def test_ref_is_a_dict_key():
    t, u = tf.constant(1.0), tf.constant(1.0)
    d = {t.ref(): "a", u.ref(): "b"}
    assert len(d) == 2 and d[t.ref()] == "a" and d[u.ref()] == "b"
    assert t.ref() == t.ref() and t.ref() != u.ref()
    assert t.ref().deref() is t
    assert len({t.ref(), t.ref()}) == 1
    v = tf.Variable(1.0)
    assert {v.ref(): 3}[v.ref()] == 3 and v.ref().deref() is v


def test_equality_is_elementwise():
    t = tf.constant([1.0, 2.0])
    eq(t == [1.0, 3.0], [True, False], tf.bool)
    eq(t != 1.0, [False, True], tf.bool)
    assert (t == None) is False and (t != None) is True  # noqa: E711


# --- str and repr -----------------------------------------------------------------------------------
FORMATS = [
    (lambda: tf.constant(6.0), "tapegrad.Tensor(6.0, shape=(), dtype=float32)",
     "<tapegrad.Tensor: shape=(), dtype=float32, numpy=6.0>"),
    (lambda: tf.constant(6), "tapegrad.Tensor(6, shape=(), dtype=int32)",
     "<tapegrad.Tensor: shape=(), dtype=int32, numpy=6>"),
    (lambda: tf.constant(True), "tapegrad.Tensor(True, shape=(), dtype=bool)",
     "<tapegrad.Tensor: shape=(), dtype=bool, numpy=True>"),
    (lambda: tf.constant(1.5, dtype=tf.float64), "tapegrad.Tensor(1.5, shape=(), dtype=float64)",
     "<tapegrad.Tensor: shape=(), dtype=float64, numpy=1.5>"),
    (lambda: tf.constant(1 + 2j), "tapegrad.Tensor((1+2j), shape=(), dtype=complex128)",
     "<tapegrad.Tensor: shape=(), dtype=complex128, numpy=(1+2j)>"),
    (lambda: tf.constant(2**40), "tapegrad.Tensor(1099511627776, shape=(), dtype=int64)",
     "<tapegrad.Tensor: shape=(), dtype=int64, numpy=1099511627776>"),
    (lambda: tf.constant([1.0, 2.5, 3.0]), "tapegrad.Tensor([1.  2.5 3. ], shape=(3,), dtype=float32)",
     "<tapegrad.Tensor: shape=(3,), dtype=float32, numpy=array([1. , 2.5, 3. ], dtype=float32)>"),
    (lambda: tf.constant([1, 2, 3]), "tapegrad.Tensor([1 2 3], shape=(3,), dtype=int32)",
     "<tapegrad.Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3], dtype=int32)>"),
    (lambda: tf.constant([1, 2, 3], dtype=tf.int64), "tapegrad.Tensor([1 2 3], shape=(3,), dtype=int64)",
     "<tapegrad.Tensor: shape=(3,), dtype=int64, numpy=array([1, 2, 3])>"),
    (lambda: tf.constant([1.0, 2.0], dtype=tf.float64), "tapegrad.Tensor([1. 2.], shape=(2,), dtype=float64)",
     "<tapegrad.Tensor: shape=(2,), dtype=float64, numpy=array([1., 2.])>"),
    (lambda: tf.constant([True, False]), "tapegrad.Tensor([ True False], shape=(2,), dtype=bool)",
     "<tapegrad.Tensor: shape=(2,), dtype=bool, numpy=array([ True, False])>"),
    (lambda: tf.constant([1 + 2j, 3j]), "tapegrad.Tensor([1.+2.j 0.+3.j], shape=(2,), dtype=complex128)",
     "<tapegrad.Tensor: shape=(2,), dtype=complex128, numpy=array([1.+2.j, 0.+3.j])>"),
    (lambda: tf.constant([1.5, 2.0], dtype=tf.float16), "tapegrad.Tensor([1.5 2. ], shape=(2,), dtype=float16)",
     "<tapegrad.Tensor: shape=(2,), dtype=float16, numpy=array([1.5, 2. ], dtype=float16)>"),
    (lambda: tf.constant([], dtype=tf.float32), "tapegrad.Tensor([], shape=(0,), dtype=float32)",
     "<tapegrad.Tensor: shape=(0,), dtype=float32, numpy=array([], dtype=float32)>"),
    (lambda: tf.zeros([0, 3]), "tapegrad.Tensor([], shape=(0, 3), dtype=float32)",
     "<tapegrad.Tensor: shape=(0, 3), dtype=float32, numpy=array([], shape=(0, 3), dtype=float32)>"),
    (lambda: tf.constant([[1.0, 2.0], [3.0, 4.0]]),
     "tapegrad.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)",
     "<tapegrad.Tensor: shape=(2, 2), dtype=float32, numpy=\narray([[1., 2.],\n       [3., 4.]], dtype=float32)>"),
    (lambda: tf.constant([[1, 2], [3, 4]]),
     "tapegrad.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)",
     "<tapegrad.Tensor: shape=(2, 2), dtype=int32, numpy=\narray([[1, 2],\n       [3, 4]], dtype=int32)>"),
    (lambda: tf.reshape(tf.constant([float(i) for i in range(8)]), [2, 2, 2]),
     "tapegrad.Tensor(\n[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]], shape=(2, 2, 2), dtype=float32)",
     "<tapegrad.Tensor: shape=(2, 2, 2), dtype=float32, numpy=\narray([[[0., 1.],\n        [2., 3.]],\n\n"
     "       [[4., 5.],\n        [6., 7.]]], dtype=float32)>"),
    (lambda: tf.zeros([2000]), "tapegrad.Tensor([0. 0. 0. ... 0. 0. 0.], shape=(2000,), dtype=float32)",
     "<tapegrad.Tensor: shape=(2000,), dtype=float32, numpy=array([0., 0., 0., ..., 0., 0., 0.], shape=(2000,), "
     "dtype=float32)>"),
    (lambda: tf.constant([0.1, 1e-8, 1e10]), "tapegrad.Tensor([1.e-01 1.e-08 1.e+10], shape=(3,), dtype=float32)",
     None),
    (lambda: tf.constant(-0.0), "tapegrad.Tensor(-0.0, shape=(), dtype=float32)",
     "<tapegrad.Tensor: shape=(), dtype=float32, numpy=-0.0>"),
    (lambda: tf.constant(float("inf")), "tapegrad.Tensor(inf, shape=(), dtype=float32)",
     "<tapegrad.Tensor: shape=(), dtype=float32, numpy=inf>"),
    (lambda: tf.constant(float("nan")), "tapegrad.Tensor(nan, shape=(), dtype=float32)",
     "<tapegrad.Tensor: shape=(), dtype=float32, numpy=nan>"),
]


@pytest.mark.parametrize("make, s, r", FORMATS,
                         ids=[f"{i}-{f[1].rsplit('dtype=', 1)[1][:-1]}" for i, f in enumerate(FORMATS)])
def test_str_and_repr_match_tf(make, s, r):
    t = make()
    assert str(t) == s
    if r is not None:
        assert repr(t) == r


SCALAR_FLOAT_FORMATS = [  # TF: str uses NumPy's float32 str, repr the Python float of .item()
    (0.1, "0.1", "0.10000000149011612"),
    (2.0 / 3, "0.6666667", "0.6666666865348816"),
    (1e-8, "1e-08", "9.99999993922529e-09"),
    (1e10, "1e+10", "10000000000.0"),
    (123456789.0, "1.2345679e+08", "123456792.0"),
]


@pytest.mark.parametrize("value, s, r", SCALAR_FLOAT_FORMATS, ids=[x[1] for x in SCALAR_FLOAT_FORMATS])
def test_float32_scalar_text_matches_tf(value, s, r):
    t = tf.constant(value)
    assert str(t) == f"tapegrad.Tensor({s}, shape=(), dtype=float32)"
    assert repr(t) == f"<tapegrad.Tensor: shape=(), dtype=float32, numpy={r}>"


def test_bfloat16_text():
    if tf.bfloat16 is None:
        pytest.skip("ml_dtypes is not installed")
    t = tf.constant([1.0, 2.5], dtype=tf.bfloat16)
    assert str(t) == "tapegrad.Tensor([1 2.5], shape=(2,), dtype=bfloat16)"
    assert repr(t) == "<tapegrad.Tensor: shape=(2,), dtype=bfloat16, numpy=array([1, 2.5], dtype=bfloat16)>"


def test_bfloat16_scalar_repr():
    if tf.bfloat16 is None:
        pytest.skip("ml_dtypes is not installed")
    assert repr(tf.constant(3.0, dtype=tf.bfloat16)) == "<tapegrad.Tensor: shape=(), dtype=bfloat16, numpy=3.0>"


# --- Variable ---------------------------------------------------------------------------------------
def test_variable_repr_str_and_attributes():
    v = tf.Variable(3.0)
    assert repr(v) == "<tapegrad.Variable 'Variable:0' shape=() dtype=float32, numpy=3.0>"
    assert str(v) == repr(v)
    assert v.name == "Variable:0" and v.dtype == tf.float32 and v.shape == () and v.trainable
    assert v.numpy() == 3.0 and type(v.numpy()) is np.float32
    w = tf.Variable(3.0, name="w")
    assert w.name == "w:0" and repr(w) == "<tapegrad.Variable 'w:0' shape=() dtype=float32, numpy=3.0>"
    assert tf.Variable(1.0, name="x").name == "x:0" and tf.Variable(1.0, name="x").name == "x:0"  # TF: no uniquing
    assert repr(tf.Variable([1.0, 2.0])) == ("<tapegrad.Variable 'Variable:0' shape=(2,) dtype=float32, "
                                             "numpy=array([1., 2.], dtype=float32)>")
    assert repr(tf.Variable([[1.0, 2.0], [3.0, 4.0]])) == (
        "<tapegrad.Variable 'Variable:0' shape=(2, 2) dtype=float32, numpy=\n"
        "array([[1., 2.],\n       [3., 4.]], dtype=float32)>")
    assert repr(tf.Variable(3)) == "<tapegrad.Variable 'Variable:0' shape=() dtype=int32, numpy=3>"
    assert tf.Variable(1.0, trainable=False).trainable is False


def test_assign_methods_return_the_variable():
    v = tf.Variable(3.0)
    r = v.assign(4.0)
    assert isinstance(r, tf.Variable) and r.numpy() == 4.0 and v.numpy() == 4.0
    assert v.assign_add(1.0).numpy() == 5.0
    assert v.assign_sub(2.0).numpy() == 3.0
    assert tf.Variable(1.0).assign_add(1.0).assign_add(2.0).numpy() == 4.0
    i = tf.Variable(1)
    i.assign_add(2)
    assert i.numpy() == 3 and i.dtype == tf.int32


def test_assign_result_is_differentiable():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        r = v.assign(4.0)
        y = r * r
    assert val(tape.gradient(y, v)) == 8.0


def test_read_value_and_value_are_snapshots():
    v = tf.Variable(1.0)
    r, w = v.read_value(), v.value()
    v.assign(5.0)
    assert val(r) == 1.0 and val(w) == 1.0 and val(v.read_value()) == 5.0
    v = tf.Variable([1.0, 2.0])
    t = tf.convert_to_tensor(v)
    v.assign_add([1.0, 1.0])
    eq(t, [1.0, 2.0])


def test_assign_shape_mismatch_raises_value_error():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="Cannot assign"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Cannot assign"):
        v.assign(5.0)  # TF does not broadcast
    eq(v.read_value(), [1.0, 2.0])


def test_assign_converts_like_tf():
    v = tf.Variable([1.0, 2.0])
    v.assign([3, 4])  # ints into a float variable
    eq(v.read_value(), [3.0, 4.0], tf.float32)
    v.assign(np.array([5.0, 6.0]))  # a float64 array is cast
    eq(v.read_value(), [5.0, 6.0], tf.float32)
    with pytest.raises(ValueError, match="float32"):
        v.assign(tf.constant([1.0, 2.0], dtype=tf.float64))  # a tensor of another dtype is refused
    with pytest.raises(TypeError):
        tf.Variable([1, 2]).assign([3.5, 4])


def test_variable_dtype_keyword():
    v = tf.Variable(3, dtype=tf.float32)
    assert repr(v) == "<tapegrad.Variable 'Variable:0' shape=() dtype=float32, numpy=3.0>"
    assert tf.Variable([1, 2], dtype=tf.float64).dtype == tf.float64
    with pytest.raises(TypeError, match="Cannot convert 3.5 to EagerTensor of dtype int32"):
        tf.Variable(3.5, dtype=tf.int32)


def test_variable_initial_values():
    v = tf.Variable(lambda: tf.ones([2]))
    assert repr(v) == "<tapegrad.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 1.], dtype=float32)>"
    assert tf.Variable(lambda: [1, 2], dtype=tf.float32).dtype == tf.float32
    assert tf.Variable(tf.constant([1.0])).dtype == tf.float32
    assert tf.Variable(np.array([1.0])).dtype == tf.float64
    with pytest.raises(ValueError, match="initial_value"):
        tf.Variable()


# --- operators ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: tf.constant(2.0), lambda: tf.Variable(2.0)], ids=["tensor", "variable"])
def test_arithmetic_with_python_numbers_on_both_sides(make):
    x = make()
    cases = [(x + 1, 3.0), (1 + x, 3.0), (x - 1, 1.0), (1 - x, -1.0), (x * 3, 6.0), (3 * x, 6.0),
             (x / 4, 0.5), (4 / x, 2.0), (x ** 2, 4.0), (2 ** x, 4.0), (-x, -2.0),
             (x // 3, 0.0), (7 // x, 3.0), (x % 3, 2.0), (7 % x, 1.0), (abs(-x), 2.0)]
    for result, expected in cases:
        assert isinstance(result, tf.Tensor)
        eq(result, expected, tf.float32)


@pytest.mark.parametrize("make", [lambda: tf.constant([1.0, 2.0]), lambda: tf.Variable([1.0, 2.0])],
                         ids=["tensor", "variable"])
def test_arithmetic_with_lists_and_numpy_arrays_on_both_sides(make):
    x = make()
    eq(x + [1, 2], [2.0, 4.0], tf.float32)
    eq([1, 2] + x, [2.0, 4.0], tf.float32)
    eq(x * [2.0, 3.0], [2.0, 6.0], tf.float32)
    eq([2.0, 3.0] - x, [1.0, 1.0], tf.float32)
    eq(x + np.array([1.0, 2.0], dtype=np.float32), [2.0, 4.0], tf.float32)
    eq(np.array([1.0, 2.0], dtype=np.float32) + x, [2.0, 4.0], tf.float32)
    eq(x * np.float32(2), [2.0, 4.0], tf.float32)
    eq(np.float32(2) * x, [2.0, 4.0], tf.float32)
    # NumPy operands of another dtype are cast to the tensor's dtype (TF: convert_to_tensor(y, dtype=x.dtype)).
    eq(x + np.array([1.0, 2.0]), [2.0, 4.0], tf.float32)
    eq(np.array([1.0, 2.0]) + x, [2.0, 4.0], tf.float32)
    eq(x * np.float64(2.0), [2.0, 4.0], tf.float32)
    eq(np.float64(2.0) * x, [2.0, 4.0], tf.float32)
    eq(x + np.array([1, 2]), [2.0, 4.0], tf.float32)


def test_comparisons():
    t = tf.constant([1.0, 2.0])
    eq(t < 2, [True, False], tf.bool)
    eq(t <= 2, [True, True], tf.bool)
    eq(t > 1, [False, True], tf.bool)
    eq(t >= 1, [True, True], tf.bool)
    v = tf.Variable(2.0)
    assert bool(v > 1.0) and not bool(v < 1.0)


def test_integer_arithmetic():
    t = tf.constant(7)
    eq(t / 2, 3.5, tf.float64)  # TF: int32 true division gives float64
    eq(t // 2, 3, tf.int32)
    eq(t % 3, 1, tf.int32)
    eq(t * 2, 14, tf.int32)
    eq(t ** 2, 49, tf.int32)
    eq(-t, -7, tf.int32)


def test_matmul_operator():
    a, b = tf.constant([[1.0, 2.0]]), tf.constant([[3.0], [4.0]])
    eq(a @ b, [[11.0]], tf.float32)
    eq(tf.Variable([[1.0, 2.0]]) @ b, [[11.0]], tf.float32)


def test_indexing():
    eq(tf.constant([1, 2, 3])[1], 2, tf.int32)
    eq(tf.constant([[1, 2], [3, 4]])[:, 0], [1, 3], tf.int32)
    eq(tf.Variable([[1.0, 2.0], [3.0, 4.0]])[1], [3.0, 4.0], tf.float32)


# --- tf_compat audit: conversion of nested Python/NumPy data (TF 2.21's py_seq_tensor rules) ----------------
def test_nested_numpy_leaves_keep_the_first_leafs_float_dtype():
    eq(tf.convert_to_tensor([np.zeros(2), np.ones(2)]), [[0, 0], [1, 1]], tf.float64)
    eq(tf.constant([np.float64(1.0), 2.0]), [1, 2], tf.float64)
    eq(tf.constant([[np.float64(1)], [2.0]]), [[1], [2]], tf.float64)
    eq(tf.constant([[2.0], [np.float64(1)]]), [[2], [1]], tf.float32)   # a Python float first: float32
    eq(tf.constant([np.float16(1), np.float16(2)]), [1, 2], tf.float16)
    eq(tf.constant([np.float64(1), np.float32(2)]), [1, 2], tf.float64)
    eq(tf.constant([np.float32(1), np.float64(2)]), [1, 2], tf.float32)
    eq(tf.constant([1, np.float64(2.5)]), [1, 2.5], tf.float32)          # ints widen to the default float
    eq(tf.constant([np.int64(2), 1]), [2, 1], tf.int32)                 # NumPy ints count as Python ints
    eq(tf.constant([np.array([1, 2], np.int64), [3, 4]]), [[1, 2], [3, 4]], tf.int32)


def test_python_bools_convert_as_tf_does():
    eq(tf.constant(True, tf.float32), 1.0, tf.float32)
    eq(tf.constant([True, False], tf.float64), [1, 0], tf.float64)
    eq(tf.constant(True, tf.complex128), 1, tf.complex128)
    eq(tf.constant([True, 1], tf.int32), [1, 1], tf.int32)
    for dtype in (tf.int8, tf.uint8, tf.int16, tf.uint32, tf.complex64):
        with pytest.raises(TypeError):
            tf.constant(True, dtype)
    with pytest.raises(TypeError):
        tf.constant([np.True_, np.False_], tf.int32)
    eq(tf.constant([], tf.bool), np.zeros(0, bool), tf.bool)
    eq(tf.constant([[], []], tf.int8), np.zeros((2, 0)), tf.int8)


def test_mixed_and_unsupported_python_values_are_value_errors():
    for value in ([True, 1], [True, 1.5], [1, 1j], [2.5, 1j], [1, None], [1.0, "a"]):
        with pytest.raises(ValueError, match="mixed types"):
            tf.constant(value)
    with pytest.raises(ValueError, match="mixed types"):
        tf.constant([True, 1.5], tf.int32)
    eq(tf.constant([1, True]), [1, 1], tf.int32)
    eq(tf.constant([True, 1.5], tf.float32), [1, 1.5], tf.float32)
    for value in (None, {"a": 1}, object()):
        with pytest.raises(ValueError, match="unsupported type"):
            tf.convert_to_tensor(value)


def test_lists_of_tensors_stack_with_gradients_and_the_first_tensors_dtype():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        a = tf.convert_to_tensor([w[0], w[1] * 3.0])
        b = tf.reduce_sum([tf.reduce_sum(w ** 2), w[0]])
        c = tf.convert_to_tensor([[w[0], 1.0], [2.0, w[1]]])
        d = tf.convert_to_tensor([w[0], w[1]], dtype=tf.float64)  # another dtype: values only, as in TF
    np.testing.assert_array_equal(val(tape.gradient(a, w)), [1.0, 3.0])
    np.testing.assert_array_equal(val(tape.gradient(b, w)), [3.0, 4.0])
    np.testing.assert_array_equal(val(tape.gradient(c, w)), [1.0, 1.0])
    assert tape.gradient(d, w) is None and d.dtype == tf.float64
    f64 = tf.constant(1.0, tf.float64)
    eq(tf.convert_to_tensor([2.0, f64]), [2, 1], tf.float64)
    eq(tf.convert_to_tensor([np.float32(1), f64]), [1, 1], tf.float64)
    with pytest.raises(TypeError):
        tf.convert_to_tensor([1.5, tf.constant(2)])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.convert_to_tensor([tf.constant(1.0), f64])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.convert_to_tensor([tf.zeros([2]), [1.0, 2.0, 3.0]])


def test_constant_of_a_tensor_with_another_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="Expected tensor"):
        tf.constant(tf.constant(1.0), dtype=tf.float64)
    eq(tf.constant(tf.Variable(1.5), dtype=tf.int32), 1, tf.int32)  # Variables are cast, as in TF
    eq(tf.constant(tf.constant([1.0]), dtype=tf.float32), [1], tf.float32)


# --- tf_compat audit: Variable writes -----------------------------------------------------------------------
def test_assign_returns_the_variable_shown_as_unread_variable():
    a = tf.Variable([2.0, 3.0])
    r = a.assign([1, 2])
    assert repr(r) == ("<tapegrad.Variable 'UnreadVariable' shape=(2,) dtype=float32, "
                       "numpy=array([1., 2.], dtype=float32)>")
    assert r.name == "UnreadVariable" and a.name == "Variable:0"
    a.assign([7.0, 8.0])
    np.testing.assert_array_equal(r.numpy(), [7.0, 8.0])  # reads the variable
    r.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(a.numpy(), [8.0, 9.0])
    assert a.assign([0.0, 0.0], read_value=False) is None
    assert a.assign_sub([1.0, 1.0], read_value=False) is None
    eq(a.assign_add([3.0, 3.0]) * 2, [4.0, 4.0], tf.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(a.assign([1.0, 2.0]) * 3.0)
    np.testing.assert_array_equal(val(tape.gradient(y, a)), [3.0, 3.0])


def test_assign_add_and_sub_need_the_variables_shape():
    v = tf.Variable(tf.ones([2, 3]))
    for op in (v.assign_add, v.assign_sub):
        with pytest.raises(tf.errors.InvalidArgumentError, match="shapes must be equal"):
            op(1.0)
        with pytest.raises(tf.errors.InvalidArgumentError):
            op(tf.ones([3]))
    np.testing.assert_array_equal(v.numpy(), np.ones([2, 3]))


def test_variable_scatter_methods():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    v.scatter_update(tf.IndexedSlices(tf.constant([10.0, 30.0]), tf.constant([0, 2])))
    v.scatter_add(tf.IndexedSlices(tf.constant([1.0, 1.0]), tf.constant([1, 1])))
    v.scatter_sub(tf.IndexedSlices(tf.constant([5.0]), tf.constant([3])))
    np.testing.assert_array_equal(v.numpy(), [10.0, 4.0, 30.0, -1.0])
    v.scatter_max(tf.IndexedSlices(tf.constant([100.0, -100.0]), tf.constant([0, 1])))
    v.scatter_min(tf.IndexedSlices(tf.constant([0.0]), tf.constant([2])))
    v.scatter_mul(tf.IndexedSlices(tf.constant([2.0, 3.0]), tf.constant([1, 1])))
    v.scatter_div(tf.IndexedSlices(tf.constant([4.0]), tf.constant([0])))
    np.testing.assert_array_equal(v.numpy(), [25.0, 24.0, 0.0, -1.0])
    m = tf.Variable([[1, 2], [3, 4], [5, 6]])
    r = m.scatter_nd_update([[0, 1], [2, 0]], [20, 50])
    m.scatter_nd_add([[1, 1]], [100])
    m.scatter_nd_sub([[1, 0]], [3])
    np.testing.assert_array_equal(m.numpy(), [[1, 20], [0, 104], [50, 6]])
    assert r.name == "UnreadVariable"
    eq(m.sparse_read([2, 0]), [[50, 6], [1, 20]], tf.int32)
    eq(m.gather_nd([[1, 1]]), [104], tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError):
        m.scatter_nd_update([[5, 0]], [1])


def test_slice_of_a_variable_assigns_into_it():
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v[0, 1].assign(20.0)
    v[1].assign([7.0, 8.0, 9.0])
    v[:, 2].assign([0.0, 0.0])
    r = v[::-1, 0].assign([100.0, 200.0])
    np.testing.assert_array_equal(v.numpy(), [[200.0, 20.0, 0.0], [100.0, 8.0, 0.0]])
    np.testing.assert_array_equal(r.numpy(), v.numpy())
    v[0].assign(5.0)  # a scalar broadcasts to the slice
    v[tf.newaxis, 1].assign([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(v.numpy(), [[5.0, 5.0, 5.0], [1.0, 2.0, 3.0]])
    with pytest.raises(tf.errors.InvalidArgumentError):
        v[0].assign([1.0, 2.0])
    with pytest.raises(ValueError):  # dtype conversion as for assign
        v[0].assign(tf.constant([1, 2, 3]))
    with tf.GradientTape() as tape:  # the slice is still an ordinary, differentiable read
        y = tf.reduce_sum(v[0] * 3.0)
    np.testing.assert_array_equal(val(tape.gradient(y, v)), [[3.0, 3.0, 3.0], [0.0, 0.0, 0.0]])


def test_variable_names_take_the_name_scope():
    with tf.name_scope("a"):
        v = tf.Variable(1.0, name="v")
        u = tf.Variable(1.0)
        with tf.name_scope("b"):
            w = tf.Variable(1.0, name="w")
    assert (v.name, u.name, w.name, tf.Variable(1.0, name="x").name) == ("a/v:0", "a/Variable:0", "a/b/w:0", "x:0")


def test_equality_of_shapes_that_do_not_broadcast_is_a_scalar():
    a, b = tf.constant([1, 2]), tf.constant([1, 2, 3])
    eq(a == b, False, tf.bool)
    eq(a != b, True, tf.bool)
    eq(tf.Variable([1, 2]) == b, False, tf.bool)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.equal(a, b)
    with pytest.raises(tf.errors.InvalidArgumentError):  # dtypes still must match
        a == tf.constant([1.0, 2.0])
