"""AutoGraph: converted functions compute what the originals compute (eagerly), to_code shows the functional
forms, gradients flow through converted code, and the errors are TF's."""
import warnings

import numpy as np
import pytest

import tapegrad as tf

ag = tf.autograph


# --- programs: each runs unconverted and converted on the same inputs ---------------------------------------------

def if_elif_else(x):
    if x > 2.0:
        y = x * x
    elif x > 0.0:
        y = x + 1.0
    else:
        y = -x
    return y


def nested_loops(n, m):
    s = tf.constant(0)
    i = tf.constant(0)
    while i < n:
        for j in tf.range(m):
            s += i * j
        i += 1
    return s


def while_break_continue(x):
    i = tf.constant(0)
    s = tf.constant(0.0)
    while i < 10:
        i += 1
        if i % 3 == 0:
            continue
        if s > x:
            break
        s += tf.cast(i, tf.float32)
    return i, s


def for_range_break_continue(n):
    s = tf.constant(0)
    for i in tf.range(n):
        if i > 6:
            break
        if i % 2 == 0:
            continue
        s += i
    return s


def return_in_while(x):
    i = tf.constant(0)
    while i < 10:
        if i * i > x:
            return i
        i += 1
    return -1


def return_in_for_range(n):
    for i in tf.range(n):
        if i * i > 10:
            return i * 2
    return -1


def early_return(x):
    if x < 0.0:
        return -x
    y = x * 2.0
    if y > 10.0:
        return y - 10.0
    return y


def loop_carried_tuple_and_list(xs):
    ab = (tf.constant(0.0), tf.constant(1.0))
    acc = [tf.constant(0.0), tf.constant(0.0)]
    for x in xs:
        ab = (ab[0] + x, ab[1] * x)
        acc = [acc[0] + 1.0, acc[1] - x]
    return ab, acc


def python_loops_unroll(x):
    for i in range(3):
        x = x + float(i)
        if i == 1:
            break
    else:
        x = x * 100.0
    total = 0
    for k in [1, 2, 3]:
        total += k
    return x * float(total)


def while_else(x):
    n = tf.constant(0)
    while n < 3:
        n += 1
    else:
        x = x + 10.0
    return x + tf.cast(n, tf.float32)


def logical_and_ternary(x, y):
    z = x * 2.0 if x > y else y - x
    if (x > 0.0 and y > 0.0) or not x < -5.0:
        z = z + 1.0
    return z


def first_defined_in_loop(n):
    for i in tf.range(n):
        a = tf.cast(i, tf.float32) * 2.0
    return a


def helper(x):
    if x > 0.0:
        return x * 2.0
    return x - 1.0


def calls_helper(x):
    return helper(x) + helper(-x) + len(tf.zeros([3]))


PROGRAMS = [
    (if_elif_else, [(tf.constant(3.0),), (tf.constant(1.0),), (tf.constant(-4.0),), (0.5,)]),
    (nested_loops, [(tf.constant(3), tf.constant(4)), (tf.constant(0), tf.constant(2))]),
    (while_break_continue, [(tf.constant(5.0),), (tf.constant(100.0),)]),
    (for_range_break_continue, [(tf.constant(4),), (tf.constant(20),)]),
    (return_in_while, [(tf.constant(20),), (tf.constant(200),)]),
    (return_in_for_range, [(tf.constant(10),), (tf.constant(2),)]),
    (early_return, [(tf.constant(-3.0),), (tf.constant(3.0),), (tf.constant(8.0),)]),
    (loop_carried_tuple_and_list, [(tf.constant([1.0, 2.0, 3.0]),)]),
    (python_loops_unroll, [(tf.constant(1.0),)]),
    (while_else, [(tf.constant(1.0),)]),
    (logical_and_ternary, [(tf.constant(1.0), tf.constant(2.0)), (tf.constant(3.0), tf.constant(-2.0)),
                           (tf.constant(-9.0), tf.constant(1.0))]),
    (first_defined_in_loop, [(tf.constant(3),)]),
    (calls_helper, [(tf.constant(2.0),)]),
]


def _values(x):
    return [np.asarray(v) for v in tf.nest.flatten(x)]


@pytest.mark.parametrize("fn,inputs", PROGRAMS, ids=[p[0].__name__ for p in PROGRAMS])
def test_converted_equals_unconverted(fn, inputs):
    converted = ag.convert(fn)
    assert converted is not fn
    for args in inputs:
        want, got = _values(fn(*args)), _values(converted(*args))
        assert len(want) == len(got)
        for w, g in zip(want, got):
            np.testing.assert_array_equal(w, g)


# --- the same programs traced by tapegrad.function: one graph, called with several values ---------------------------

def return_in_while_on_tensor_bound(n):
    i = tf.constant(0)
    while i < n:
        if i > 5:
            return i * 10
        i += 1
    return i


def return_in_for_over_tensor_range(n):
    for i in tf.range(n):
        if i > 2:
            return i
    return -1


def sum_over_tensor_range(a, b):
    s = tf.constant(0)
    for i in tf.range(a, b, 3):
        s += i * i
    for i in tf.range(b, a, -2):  # a negative delta
        s = s * 2 + i
    return s


def return_in_for_over_tensor(x):
    for v in x:
        if v > 2.0:
            return v * 2.0
    return -1.0


def break_continue_for_over_tensor(x):
    s = tf.constant(0.0)
    for v in x:
        if v == 0.0:
            continue
        if v < 0.0:
            break
        s += v
    return s


def return_in_nested_loops(n):
    s = tf.constant(0)
    for i in tf.range(n):
        for j in tf.range(i):
            if j > 3:
                break
            s += j
        if s > 10:
            return s
    return -s


def return_a_tuple_or_a_python_value_in_loops(n):
    for i in tf.range(n):
        if i * i > 8:
            return i, tf.cast(i, tf.float32) * 0.5
    while n > 0:
        n -= 1
        if n == 1:
            return n + 100, tf.constant(1.5)
    return n, tf.constant(-1.0)


def index_with_the_iterate(x):
    s = tf.constant(0.0)
    for i in tf.range(tf.shape(x)[0] - 1):
        s += x[i] * tf.reduce_sum(x[i:i + 2], 0)
    return s


LOOP_PROGRAMS = [  # each traced once for all its inputs (same shapes, other values)
    (return_in_while_on_tensor_bound, [(9,), (3,), (0,), (7,)]),
    (return_in_for_over_tensor_range, [(10,), (2,), (0,), (4,)]),
    (sum_over_tensor_range, [(1, 10), (2, 20), (5, 5)]),
    (return_in_for_over_tensor, [([1.0, 3.0, 5.0],), ([0.0, 1.0, 1.0],), ([5.0, 1.0, 1.0],)]),
    (break_continue_for_over_tensor, [([1.0, 0.0, 5.0],), ([0.0, -1.0, 1.0],), ([2.0, 1.0, -1.0],)]),
    (return_in_nested_loops, [(4,), (10,), (0,), (7,)]),
    (return_a_tuple_or_a_python_value_in_loops, [(5,), (2,), (3,), (0,)]),
    (index_with_the_iterate, [([1.0, 2.0, 3.0],), ([4.0, -5.0, 6.0],)]),
    (for_range_break_continue, [(4,), (20,), (0,)]),
    (return_in_for_range, [(10,), (2,), (4,)]),
    (nested_loops, [(3, 4), (0, 2), (5, 1)]),
    (first_defined_in_loop, [(3,), (6,)]),
]


@pytest.mark.parametrize("fn,inputs", LOOP_PROGRAMS, ids=[p[0].__name__ for p in LOOP_PROGRAMS])
def test_traced_loops_match_eager_for_every_value(fn, inputs):
    traces = []

    def counted(*args):
        traces.append(1)  # a Python side effect: once per trace
        return fn(*args)

    traced = tf.function(counted)
    for args in inputs:
        args = [tf.constant(a) for a in args]
        want, got = _values(fn(*args)), _values(traced(*args))
        assert len(want) == len(got)
        for w, g in zip(want, got):
            np.testing.assert_array_equal(w, g)
    assert len(traces) == 1  # a loop's length is never baked into the graph


@pytest.mark.parametrize("fn,inputs", PROGRAMS, ids=[p[0].__name__ for p in PROGRAMS])
def test_traced_programs_match_eager(fn, inputs):
    traced = tf.function(fn)
    for args in inputs:
        want, got = _values(fn(*args)), _values(traced(*args))
        for w, g in zip(want, got):
            np.testing.assert_array_equal(w, g)


def test_range_loop_target_after_a_loop_that_does_not_run_is_start():
    def f(a, b):
        for i in tf.range(a, b):
            pass
        return i

    traced = tf.function(f)
    assert [int(traced(tf.constant(a), tf.constant(b))) for a, b in ((0, 3), (2, 7), (4, 2))] == [2, 6, 4]  # TF's


def test_gradients_through_traced_loops_first_and_second_order():
    def pow_loop(x, n):
        y = tf.constant(1.0)
        for i in tf.range(n):
            if i > 4:
                break
            y = y * x
        return y

    def return_in_loop(x, n):
        y = x
        for _ in tf.range(n):
            y = y * x
            if y > 10.0:
                return y * 2.0
        return y - 1.0

    def over_tensor(x, v):
        s = tf.constant(0.0)
        for e in v:
            if e < 0.0:
                continue
            s += e * x * x
        return s

    def derivatives(fn):
        def d(x, a):
            with tf.GradientTape() as t2:
                t2.watch(x)
                with tf.GradientTape() as t1:
                    t1.watch(x)
                    y = fn(x, a)
                d1 = t1.gradient(y, x, unconnected_gradients="zero")
            return y, d1, t2.gradient(d1, x, unconnected_gradients="zero")
        return d

    cases = [(pow_loop, [(1.5, 3), (2.0, 7), (0.5, 0)]), (return_in_loop, [(1.5, 3), (2.0, 7), (3.0, 1)]),
             (over_tensor, [(1.5, [1.0, -2.0, 3.0]), (2.0, [-1.0, 2.0, 5.0])])]
    for fn, inputs in cases:
        inside, outside = tf.function(derivatives(fn)), derivatives(tf.function(fn))  # tapes in and around the graph
        for x, a in inputs:
            x, a = tf.constant(x), tf.constant(a)
            want = [float(v) for v in derivatives(fn)(x, a)]
            np.testing.assert_allclose([float(v) for v in inside(x, a)], want, rtol=1e-6)
            np.testing.assert_allclose([float(v) for v in outside(x, a)], want, rtol=1e-6)
        assert inside.experimental_get_tracing_count() == 1


def test_consistency_errors_of_untaken_branches_are_raised_at_trace_time():
    @tf.function
    def dtypes_differ(x):
        if x > 0.0:
            y = tf.constant(1)
        else:
            y = tf.constant(1.0)
        return y

    @tf.function
    def returns_differ(n):
        for i in tf.range(n):
            if i > 2:
                return 1.0
            if i > 5:
                return i
        return 0.0

    for x in (1.0, -1.0):  # whichever branch the tracing values take
        with pytest.raises(TypeError, match="'y' has dtype int32 in the main branch, but dtype float32 in the else"):
            dtypes_differ(tf.constant(x))
    with pytest.raises(TypeError, match="'retval_' has dtype float32 in the main branch, but dtype int32"):
        returns_differ(tf.constant(3))


def test_gradients_through_converted_code():
    def f(x):
        y = x
        i = tf.constant(0)
        while i < 3:
            y = y * x
            i += 1
        if y > 10.0:
            y = y + 1.0
        else:
            y = y - 1.0
        for _ in tf.range(2):
            y = y * 2.0
        return y

    for value in (2.0, 1.0):
        x = tf.Variable(value)
        with tf.GradientTape() as tape:
            y = ag.convert(f)(x)
        assert float(tape.gradient(y, x)) == pytest.approx(4 * 4 * value ** 3)


def test_second_order_gradient_through_converted_cond():
    def f(x):
        if x > 0.0:
            return x * x * x
        return x

    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = ag.convert(f)(x)
        dy = inner.gradient(y, x)
    assert float(dy) == 12.0 and float(outer.gradient(dy, x)) == 12.0


def test_tensor_array_loop_in_converted_code():
    def rnn(x, w):
        ta = tf.TensorArray(tf.float32, size=x.shape[0])
        h = tf.zeros([2])
        for i in tf.range(x.shape[0]):
            h = tf.tanh(h * w + x[i])
            ta = ta.write(i, h)
        return ta.stack()

    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    w = tf.Variable(0.5)
    with tf.GradientTape(persistent=True) as tape:
        a, b = ag.convert(rnn)(x, w), rnn(x, w)
        la, lb = tf.reduce_sum(a), tf.reduce_sum(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert float(tape.gradient(la, w)) == pytest.approx(float(tape.gradient(lb, w)))


def test_methods_super_closures_globals():
    class Base:
        def f(self, x):
            return x + 1.0

    class Model(Base):
        def __init__(self):
            self.w = tf.Variable(2.0)
            self.count = 0

        def f(self, x):
            y = super().f(x)
            if y > 2.0:
                self.count = self.count + 1
                y = y * self.w
            return y

    m = Model()
    assert float(ag.convert(m.f)(tf.constant(3.0))) == 8.0 and m.count == 1

    def make(k):
        total = tf.constant(0.0)

        def inner(x):
            nonlocal total
            for _ in tf.range(3):
                total = total + x * k
            return total
        return inner

    inner = ag.convert(make(2.0))
    assert float(inner(tf.constant(1.0))) == 6.0 and float(inner(tf.constant(1.0))) == 12.0  # closure cell shared

    def with_defaults(x, scale=3.0, *, shift=1.0):
        return x * scale + shift if x > 0.0 else x
    assert float(ag.convert(with_defaults)(tf.constant(2.0))) == 7.0


_counter = 0


def _bump(x):
    global _counter
    if x > 0.0:
        _counter = _counter + 1
    return _counter


def test_global_modified_in_tensor_branch():
    global _counter
    _counter = 0
    assert ag.convert(_bump)(tf.constant(1.0)) == 1 and _counter == 1


def test_to_code_structure():
    code = ag.to_code(if_elif_else)
    assert code.startswith("def tf__if_elif_else(x):")
    assert "ag__.if_stmt(" in code and "def get_state" in code and "nonlocal y" in code
    code = ag.to_code(while_break_continue)
    assert "ag__.while_stmt(" in code and "break_ = False" in code and "continue_ = False" in code
    assert "ag__.not_(break_)" in code
    code = ag.to_code(return_in_for_range)
    assert "ag__.for_stmt(" in code and "do_return = False" in code and "retval_ = ag__.UndefinedReturnValue()" in code
    assert "extra_test" in code and code.rstrip().endswith("return ag__.retval(retval_)")
    code = ag.to_code(logical_and_ternary)
    assert "ag__.if_exp(" in code and "ag__.and_(lambda:" in code and "ag__.or_(" in code
    code = ag.to_code(calls_helper)
    assert "ag__.converted_call(helper, (x,), None)" in code
    assert "@" not in ag.to_code(tf.function(if_elif_else))


def test_print_stays_python_print(capsys):
    def f(x):
        print("value", x > 0.0)
        return x
    ag.convert(f)(tf.constant(1.0))
    assert capsys.readouterr().out.startswith("value tapegrad.Tensor(True")


def test_python_values_keep_python_semantics():
    def f(n):
        out = []
        for i in range(n):
            if i % 2:
                out.append(i)
        while len(out) < 4:
            out.append(-1)
        return out
    assert ag.convert(f)(5) == [1, 3, -1, -1]


def test_undefined_in_else_branch_is_tfs_error():
    def f(x):
        if x > 0.0:
            z = x
        return z

    converted = ag.convert(f)
    assert float(converted(tf.constant(2.0))) == 2.0
    with pytest.raises(ValueError, match="'z' must also be initialized in the else branch") as info:
        converted(tf.constant(-2.0))
    assert "test_autograph.py" in str(info.value)  # names the user's file and line


def test_loop_variable_errors():
    def dtype_change(n):
        s = 0
        for _ in tf.range(n):
            s = s + 0.5
        return s

    def shape_change(n):
        s = tf.zeros([1])
        for _ in tf.range(n):
            s = tf.concat([s, s], 0)
        return s

    def structure_change(n):
        s = (tf.constant(0.0),)
        while tf.constant(0) < n:
            s = (s[0], s[0])
            n -= 1
        return s

    with pytest.raises(TypeError, match="'s' has dtype int32 before the loop, but dtype float32 after one iteration"):
        ag.convert(dtype_change)(tf.constant(3))
    with pytest.raises(ValueError, match=r"'s' has shape \(1,\) before the loop, but shape \(2,\) after one "
                                         "iteration. Use tf.autograph.experimental.set_loop_options"):
        ag.convert(shape_change)(tf.constant(3))
    with pytest.raises(TypeError, match="'s' does not have the same nested structure after one iteration"):
        ag.convert(structure_change)(tf.constant(3))


def test_undefined_before_loop_and_used_before_assignment():
    def variant(n):
        for i in tf.range(n):
            a = a + i  # noqa: F821 - read before any assignment
        return a

    with pytest.raises(ValueError, match="'a' must be defined before the loop"):
        ag.convert(variant)(tf.constant(2))


def test_condition_must_be_bool():
    def f(x):
        if x:
            return 1.0
        return 2.0
    with pytest.raises(ValueError, match="condition of if statement expected to be `tf.bool` scalar"):
        ag.convert(f)(tf.constant(1.0))


def test_builtins_overloads():
    def f(n):
        s = tf.constant(0)
        for i in range(n):  # range of a Tensor is tapegrad.range
            s += i
        return s, len(tf.zeros([4, 2])), abs(tf.constant(-2.0)), int(tf.constant(2.7))
    s, n, a, i = ag.convert(f)(tf.constant(4))
    assert int(s) == 6 and n == 4 and float(a) == 2.0 and int(i) == 2 and i.dtype == tf.int32


def test_functions_without_source_run_unconverted_with_a_warning():
    namespace = {}
    exec("def g(x):\n    return x * 2.0\n", namespace)  # no source file
    with pytest.warns(UserWarning, match="AutoGraph could not transform"):
        g = ag.convert(namespace["g"])
    assert g is namespace["g"]

    def calls_len(x):
        return len(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ag.convert(calls_len)([1, 2]) == 2
        assert ag.convert(np.sum) is np.sum and ag.convert(tf.reduce_sum) is tf.reduce_sum


def test_do_not_convert():
    @ag.experimental.do_not_convert
    def f(x):
        return x

    assert ag.convert(f) is f


def test_unsupported_constructs_name_the_line():
    def f(x):
        for i in range(3):
            match i:
                case 1:
                    break
        return x
    with pytest.raises(ag.ConversionError, match=r"test_autograph.py:\d+: a 'break' statement inside a 'match'"):
        ag.to_code(f)


def test_set_loop_options_maximum_iterations():
    def f(x):
        while x < 100.0:
            ag.experimental.set_loop_options(maximum_iterations=3)
            x = x + 1.0
        return x
    assert "'maximum_iterations': 3" in ag.to_code(f)
    assert float(ag.convert(f)(tf.constant(0.0))) == 3.0


def test_custom_gradient_and_user_wrappers_inside_converted_code():
    """Library wrappers are not converted (their __module__ comes from functools.wraps); a user's
    functools.wraps wrapper is converted from its own source, not the wrapped function's."""
    import functools

    @tf.custom_gradient
    def scaled(x):
        return tf.sin(x), lambda dy: dy * 100.0

    def twice(fn):
        @functools.wraps(fn)
        def wrapper(x):
            if x > 0:
                return 2.0 * fn(x)
            return fn(x)
        return wrapper

    @twice
    def cube(x):
        return x * x * x

    def step(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = scaled(x) + cube(x)
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            z = scaled(x)
        return y, t.gradient(y, x), acc.jvp(z)

    for v in (0.5, -0.5):
        x = tf.constant(v)
        eager = step(x)
        graph = tf.function(step)(x)
        want_grad = 100.0 + (2.0 if v > 0 else 1.0) * 3 * v * v
        for e, g in zip(eager, graph):
            np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-6)
        np.testing.assert_allclose(graph[1].numpy(), want_grad, rtol=1e-6)
        assert float(graph[2]) == 100.0


def test_statements_after_an_early_return_may_rebind_a_parameter():
    @tf.function
    def f(x):
        if x > 0:
            return x
        x = x * 2
        return x

    assert int(f(tf.constant(-3))) == -6
    assert int(f(tf.constant(3))) == 3


def test_tensor_arrays_are_loop_and_branch_variables():
    @tf.function
    def rows(m, n):
        ta = tf.TensorArray(tf.float32, size=3)  # no element shape: the loop body's writes give it
        for i in tf.range(n):
            ta = ta.write(i, m[i] * 2.0)
        if n > 2:
            ta = ta.write(0, m[0])
        return ta.stack()

    m = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_allclose(rows(m, tf.constant(3)).numpy(), [[1, 2], [6, 8], [10, 12]])
    np.testing.assert_allclose(rows(m, tf.constant(2)).numpy(), [[2, 4], [6, 8], [0, 0]])


def test_a_loop_body_tensor_kept_in_a_python_list_is_inaccessible_after_the_loop():
    @tf.function
    def f(n):
        out = []
        for i in tf.range(n):
            out.append(i)
        return out[0] + 1

    with pytest.raises(ValueError) as info:
        f(tf.constant(3))
    assert type(info.value).__name__ == "InaccessibleTensorError"
