"""map_fn/scan/foldl/foldr/vectorized_map, the framework names (scopes, devices, case, py_function,
recompute_grad, initializers), tf.config, the new tf.random ops and the extra tf.debugging assertions."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import errors


def test_map_fn_structures_and_signatures():
    assert tg.map_fn(lambda x: x * 2, tg.constant([1, 2])).numpy().tolist() == [2, 4]
    a, b = tg.map_fn(lambda x: (x[0] + x[1], x[0]), (tg.constant([1, 2]), tg.constant([3, 4])))
    assert a.numpy().tolist() == [4, 6] and b.numpy().tolist() == [1, 2]
    out = tg.map_fn(lambda x: {"a": x[0]}, (tg.constant([1, 2]), tg.constant([3, 4])),
                    fn_output_signature={"a": tg.int32})
    assert out["a"].numpy().tolist() == [1, 2]
    f = tg.map_fn(lambda x: tg.cast(x, tg.float32), tg.constant([1, 2]), fn_output_signature=tg.float32)
    assert f.dtype == tg.float32
    with pytest.raises(errors.InvalidArgumentError, match="TensorArray dtype is float32"):
        tg.map_fn(lambda x: x, tg.constant([1, 2]), fn_output_signature=tg.float32)
    with pytest.raises(ValueError, match="1\\+ dimensional"):
        tg.map_fn(lambda x: x, tg.constant(1))
    with pytest.raises(ValueError, match="Dimensions 2 and 1 are not compatible"):
        tg.map_fn(lambda x: x[0], (tg.constant([1, 2]), tg.constant([3])))
    assert tg.map_fn(lambda x: x * 2, tg.zeros([0, 3])).shape == (0,)


def test_scan_and_folds():
    assert tg.scan(lambda a, x: a + x, tg.constant([1, 2, 3])).numpy().tolist() == [1, 3, 6]
    r = tg.scan(lambda a, x: a + x, tg.constant([1, 2, 3]), initializer=tg.constant(10), reverse=True)
    assert r.numpy().tolist() == [16, 15, 13]
    s, p = tg.scan(lambda a, x: (a[0] + x, a[1] * x), tg.constant([1, 2, 3]), initializer=(0, 1))
    assert s.numpy().tolist() == [1, 3, 6] and p.numpy().tolist() == [1, 2, 6]
    assert int(tg.foldl(lambda a, x: a * 10 + x, tg.constant([1, 2, 3]), initializer=5)) == 5123
    assert int(tg.foldr(lambda a, x: a * 10 + x, tg.constant([1, 2, 3]))) == 321
    assert tg.vectorized_map(lambda x: x * 2, tg.constant([1, 2])).numpy().tolist() == [2, 4]


def test_map_fn_gradient():
    x = tg.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(tg.map_fn(lambda r: tg.reduce_prod(r), x))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[2.0, 1.0], [4.0, 3.0]])


def test_scopes_devices_and_eager_queries():
    with tg.name_scope("outer") as s1:
        with tg.name_scope("inner") as s2:
            assert (s1, s2, tg.get_current_name_scope()) == ("outer/", "outer/inner/", "outer/inner")
    assert tg.get_current_name_scope() == ""
    with pytest.raises(ValueError, match="must be a string"):
        tg.name_scope(None)
    for name in ("/CPU:0", "/GPU:0", "/device:GPU:9", "/job:localhost/replica:0/task:0/device:CPU:0", None):
        with tg.device(name):
            assert float(tg.constant(1.0) + 1) == 2.0
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        with tg.device("foo"):
            pass
    assert tg.executing_eagerly()
    assert tg.is_tensor(tg.Variable(1.0)) and not tg.is_tensor(np.ones(2)) and not tg.is_tensor(1)
    assert tg.get_static_value(tg.constant([1, 2])).tolist() == [1, 2]
    assert tg.get_static_value(tg.Variable(1.0)) is None and tg.get_static_value(3) == 3
    assert tg.no_op() is None and tg.group(tg.constant(1)) is None
    with tg.control_dependencies([tg.constant(1)]):
        pass
    for fn in (tg.gradients, tg.hessians):
        with pytest.raises(RuntimeError, match="tf.gradients is not supported when eager execution is enabled"):
            fn(1, 2)


def test_case_and_assert():
    assert tg.case([(tg.constant(False), lambda: 1)], default=lambda: 2) == 2
    assert tg.case([(tg.constant(True), lambda: 1), (tg.constant(True), lambda: 2)]) == 1
    with pytest.raises(errors.InvalidArgumentError, match="None of conditions evaluated as True"):
        tg.case([(tg.constant(False), lambda: 1)])
    assert tg.debugging.Assert(True, [1]) is None
    with pytest.raises(errors.InvalidArgumentError) as e:
        tg.Assert(tg.constant(False), [tg.constant([1, 2]), "msg", tg.range(10)])
    assert str(e.value) == ("Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: 1, 2\n"
                            "b'msg'\n0, 1, 2, ...")


def test_py_function_numpy_function_recompute_grad():
    x = tg.Variable(2.0)
    with tg.GradientTape(persistent=True) as tape:
        y = tg.py_function(lambda a: a * a, [x], Tout=tg.float32)
        z = tg.numpy_function(lambda a: a * a, [x], Tout=tg.float32)
    assert float(tape.gradient(y, x)) == 4.0 and tape.gradient(z, x) is None
    assert [float(t) for t in tg.py_function(lambda a, b: [a + b, a], [1.0, 2.0], Tout=[tg.float32] * 2)] == [3, 1]
    with pytest.raises(TypeError, match="Missing required argument: 'Tout'"):
        tg.py_function(lambda a: a, [1.0])
    with pytest.raises(errors.InvalidArgumentError, match="requested dtype float32"):
        tg.py_function(lambda a: a, [1], Tout=tg.float32)
    assert tg.numpy_function(lambda a: a * 2, [np.ones(2)], Tout=tg.float32).dtype == tg.float64  # as TF

    w = tg.Variable(3.0)
    calls = []

    @tg.recompute_grad
    def block(a):
        calls.append(1)
        return tg.sin(a) * w

    a = tg.Variable(0.5)
    with tg.GradientTape() as tape:
        out = block(a) * 2.0
    ga, gw = tape.gradient(out, [a, w])
    np.testing.assert_allclose([float(ga), float(gw)], [2 * 3 * np.cos(0.5), 2 * np.sin(0.5)], rtol=1e-6)
    assert len(calls) == 2  # the forward pass, then again in the backward pass


def test_initializers_and_enums():
    assert tg.zeros_initializer()([2], tg.int32).numpy().tolist() == [0, 0]
    assert tg.ones_initializer()([2]).dtype == tg.float32
    assert tg.constant_initializer([1, 2, 3])([3]).numpy().tolist() == [1, 2, 3]
    assert tg.constant_initializer(5)([2, 2], tg.int32).numpy().tolist() == [[5, 5], [5, 5]]
    with pytest.raises(TypeError, match="unsupported shape"):
        tg.constant_initializer([1, 2, 3])([2])
    with pytest.raises(ValueError, match="numeric or boolean"):
        tg.zeros_initializer()([2], tg.string)
    init = tg.random_uniform_initializer(seed=1)
    assert init.get_config() == {"minval": -0.05, "maxval": 0.05, "seed": 1}
    v = init([100]).numpy()
    assert v.min() >= -0.05 and v.max() < 0.05
    assert tg.random_normal_initializer(stddev=2.0, seed=3)([2]).shape == (2,)
    assert type(tg.random_normal_initializer.from_config({"mean": 1.0})) is tg.random_normal_initializer
    assert (tg.AggregationMethod.ADD_N, tg.AggregationMethod.EXPERIMENTAL_TREE) == (0, 1)
    assert [a.value for a in tg.VariableAggregation] == [0, 1, 2, 3]
    assert tg.VariableSynchronization.ON_READ.value == 3


def test_config_reports_the_cpu():
    cpu = tg.config.list_physical_devices("CPU")
    assert [d.name for d in cpu] == ["/physical_device:CPU:0"] and tg.config.list_physical_devices("GPU") == []
    assert [d.name for d in tg.config.list_logical_devices()] == ["/device:CPU:0"]
    assert not tg.config.functions_run_eagerly()
    tg.config.run_functions_eagerly(True)
    try:
        assert tg.config.functions_run_eagerly()
    finally:
        tg.config.run_functions_eagerly(False)
    tg.config.set_visible_devices([], "GPU")
    assert tg.config.get_visible_devices() == cpu
    tg.config.threading.set_intra_op_parallelism_threads(2)
    assert tg.config.threading.get_intra_op_parallelism_threads() == 2
    tg.config.threading.set_intra_op_parallelism_threads(0)
    tg.config.experimental.set_memory_growth(cpu[0], True)
    assert tg.config.experimental.get_memory_growth(cpu[0])
    with pytest.raises(ValueError):
        tg.config.set_visible_devices([tg.config.PhysicalDevice("/physical_device:GPU:0", "GPU")])


def test_random_extras():
    tg.random.set_seed(5)
    c = tg.random.categorical(tg.math.log([[0.2, 0.8, 0.0]]), 4000)
    assert c.dtype == tg.int64 and c.shape == (1, 4000)
    freq = np.bincount(c.numpy()[0], minlength=3) / 4000
    np.testing.assert_allclose(freq, [0.2, 0.8, 0.0], atol=0.03)
    assert tg.random.gamma([3], [1.0, 2.0], beta=[1.0, 4.0]).shape == (3, 2)
    p = tg.random.poisson([5000], 3.0)
    assert p.dtype == tg.float32 and abs(float(tg.reduce_mean(p)) - 3.0) < 0.15
    for fn, args in ((tg.random.stateless_normal, {}), (tg.random.stateless_truncated_normal, {}),
                     (tg.random.stateless_uniform, {"minval": 0, "maxval": 10, "dtype": tg.int32})):
        a, b = fn([4], seed=[1, 2], **args), fn([4], seed=[1, 2], **args)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert not np.array_equal(a.numpy(), fn([4], seed=[1, 3], **args).numpy())
    assert float(tg.reduce_max(tg.abs(tg.random.stateless_truncated_normal([1000], [3, 4])))) <= 2.0
    s = tg.random.stateless_categorical([[0.0, 0.0]], 5, seed=[7, 7])
    np.testing.assert_array_equal(s.numpy(), tg.random.stateless_categorical([[0.0, 0.0]], 5, seed=[7, 7]).numpy())
    g1, g2 = tg.random.Generator.from_seed(1), tg.random.Generator.from_seed(1)
    np.testing.assert_array_equal(g1.normal([3]).numpy(), g2.normal([3]).numpy())
    assert g1.uniform([2], 0, 5, dtype=tg.int64).dtype == tg.int64 and len(g1.split(2)) == 2


def test_debugging_extra_assertions():
    d = tg.debugging
    assert d.assert_positive([1, 2]) is None
    with pytest.raises(errors.InvalidArgumentError, match="Condition x > 0 did not hold element-wise"):
        d.assert_positive(tg.constant([1.0, -2.0, 0.0]))
    with pytest.raises(errors.InvalidArgumentError, match="hey"):
        d.assert_negative([1, -2], message="hey")
    with pytest.raises(errors.InvalidArgumentError, match="x >= 0"):
        d.assert_non_negative([1, -2])
    with pytest.raises(errors.InvalidArgumentError, match="x <= 0"):
        d.assert_non_positive([1, -2])
    with pytest.raises(TypeError, match="integer type"):
        d.assert_integer(tg.constant([1.0]))
    with pytest.raises(ValueError, match="Expected scalar shape, saw shape: \\(1,\\)."):
        d.assert_scalar(tg.constant([1.0]))
    with pytest.raises(ValueError, match="must have rank at least 2"):
        d.assert_rank_at_least(tg.constant([1.0]), 2)
    with pytest.raises(ValueError, match="must have rank in \\(0, 2\\)"):
        d.assert_rank_in(tg.constant([1.0]), [0, 2])
    assert d.assert_same_float_dtype([tg.constant(1.0), tg.constant(2.0)]) == tg.float32
    assert d.assert_same_float_dtype() == tg.float32
    with pytest.raises(ValueError, match="must be of the same type"):
        d.assert_same_float_dtype([tg.constant(1.0), tg.constant(1.0, tg.float64)])
    with pytest.raises(TypeError, match="proper"):
        d.assert_proper_iterable("abc")
    assert d.is_numeric_tensor(tg.constant(1)) and not d.is_numeric_tensor(tg.constant(True))
    with pytest.raises(errors.InvalidArgumentError):
        tg.assert_equal(1, 2)
