"""GradientTape semantics pinned to TF 2.21 (each expected value was produced by TF itself)."""
import collections
import gc
import subprocess
import sys
import textwrap
import threading
import warnings
import weakref

import numpy as np
import pytest

import tapegrad as tf


def needs(*names, module=tf):
    """A strict xfail while an op that another module is adding is still missing."""
    missing = [n for n in names if not hasattr(module, n)]
    return pytest.mark.xfail(bool(missing), reason=f"op(s) not implemented yet: {missing}", strict=True)


def val(t):
    return None if t is None else t.numpy()


# --- persistent and non-persistent tapes ---------------------------------------------------
def test_non_persistent_tape_gives_one_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert val(tape.gradient(y, x)) == 6.0
    with pytest.raises(RuntimeError, match="A non-persistent GradientTape can only be used to compute one "
                                           "set of gradients"):
        tape.gradient(y, x)


def test_gradient_on_a_tape_never_entered_raises_runtime_error():
    x = tf.constant(1.0)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tf.GradientTape().gradient(x, x)


def test_persistent_tape_gives_several_gradients():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * x
    assert val(tape.gradient(y, x)) == 6.0
    assert val(tape.gradient(z, x)) == 27.0
    assert val(tape.gradient(y, x)) == 6.0
    del tape


def test_gradient_inside_a_non_persistent_context_stops_recording():
    x = tf.Variable(3.0)
    later = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * x
        g = tape.gradient(y, x)
        z = y * later  # not recorded: the tape stopped at the gradient call
    assert val(g) == 6.0
    assert [v.name for v in tape.watched_variables()] == ["Variable:0"]
    assert tape.watched_variables()[0] is x
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(z, x)


def test_persistent_gradient_inside_the_context_is_recorded():
    x = tf.constant(3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x * x
            g = tape.gradient(y, x)
    assert val(g) == 27.0
    assert val(tape.gradient(g, x)) == 18.0  # the backward pass was recorded: second derivative


def test_persistent_gradient_inside_the_context_warns_once():
    # TF logs this once per process (logging.log_first_n); tapegrad warns once per process.
    code = """
        import warnings
        import tapegrad as tf
        x = tf.constant(3.0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                y = x * x
                for _ in range(3):
                    tape.gradient(y, x)
        print(sum("persistent tape inside its context" in str(w.message) for w in caught))
    """
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "1"


# --- watch -------------------------------------------------------------------------------
def test_watch_tensors_variables_and_nests():
    a = tf.Variable(1.0)
    b, c = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch({"a": [a, (b,)], "c": c})
        y = a * b * c
    assert [val(g) for g in tape.gradient(y, [a, b, c])] == [6.0, 3.0, 2.0]


def test_watch_nested_structure_and_gradient_in_the_same_structure():
    x, y = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch({"k": (x, [y])})
        z = x * y
    g = tape.gradient(z, {"k": (x, [y])})
    assert isinstance(g, dict) and isinstance(g["k"], tuple) and isinstance(g["k"][1], list)
    assert val(g["k"][0]) == 2.0 and val(g["k"][1][0]) == 1.0


@pytest.mark.parametrize("make", [lambda: tf.constant(3), lambda: tf.Variable(3)], ids=["tensor", "variable"])
def test_watching_an_integer_warns_and_gives_none(make):
    x = make()
    with tf.GradientTape() as tape:
        with pytest.warns(UserWarning, match="floating"):
            tape.watch(x)
        y = x * x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tape.gradient(y, x) is None


@pytest.mark.parametrize("obj", [3.0, np.array([1.0]), None, [1.0, 2.0]], ids=["float", "ndarray", "None", "list"])
def test_watching_a_non_tensor_raises_value_error(obj):
    with tf.GradientTape() as tape:
        with pytest.raises(ValueError, match="Passed in object .* not tf.Tensor or tf.Variable"):
            tape.watch(obj)


def test_watch_accessed_variables_false_watches_only_what_is_watched():
    v, w = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = v * w
    gv, gw = tape.gradient(y, [v, w])
    assert gv is None and val(gw) == 2.0
    assert tape.watched_variables() == (w,) or list(tape.watched_variables()) == [w]


def test_untrainable_variable_is_not_watched_automatically():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    assert tape.watched_variables() == ()


def test_untrainable_variable_can_be_watched_explicitly():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    assert val(tape.gradient(y, v)) == 4.0
    assert len(tape.watched_variables()) == 1


def test_watched_variables_is_a_tuple_of_each_variable_once():
    v = tf.Variable(1.0)
    assert tf.GradientTape().watched_variables() == ()
    with tf.GradientTape() as tape:
        assert tape.watched_variables() == ()
        tape.watch(v)
        tape.watch(v)
        y = v * v
    wv = tape.watched_variables()
    assert isinstance(wv, tuple) and len(wv) == 1 and wv[0] is v


def test_watched_variables_survive_a_non_persistent_gradient():
    v = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = v * 2.0
    tape.gradient(y, v)
    assert len(tape.watched_variables()) == 1 and tape.watched_variables()[0] is v


def test_watched_variables_are_in_creation_order():
    c, b, a = tf.Variable(3.0, name="c"), tf.Variable(2.0, name="b"), tf.Variable(1.0, name="a")
    with tf.GradientTape() as tape:
        y = a * b
        tape.watch(c)
    assert [v.name for v in tape.watched_variables()] == ["c:0", "b:0", "a:0"]


# --- stop_recording, reset, re-entering ------------------------------------------------------
def test_stop_recording_hides_ops():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * x
        z = x * y  # y is a constant for the tape
    assert tape.gradient(y, x) is None
    assert val(tape.gradient(z, x)) == 9.0


def test_stop_recording_resumes_recording_afterwards():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            pass
        y = x * x * x
    assert val(tape.gradient(y, x)) == 12.0


def test_stop_recording_on_a_tape_never_entered_raises_runtime_error():
    with pytest.raises(RuntimeError, match="Trying to stop recording a tape which is not recording"):
        with tf.GradientTape().stop_recording():
            pass


def test_stop_recording_after_exit_raises_value_error():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    with pytest.raises(ValueError, match="Tape is not recording"):
        with tape.stop_recording():
            pass


def test_reset_discards_what_was_recorded():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = x * x * x
    assert val(tape.gradient(z, x)) == 27.0


def test_reset_forgets_watched_tensors_and_variables():
    x = tf.constant(3.0)
    v = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x * v
        tape.reset()
        assert tape.watched_variables() == ()
        z = x * x  # x is no longer watched
        w = v * 2.0  # v is watched again on this read
    assert tape.gradient(y, x) is None and tape.gradient(z, x) is None
    assert val(tape.gradient(w, v)) == 2.0
    assert len(tape.watched_variables()) == 1


def test_reset_outside_the_context_raises_value_error():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        x * x
    with pytest.raises(ValueError, match="Tape is not recording"):
        tape.reset()


@pytest.mark.parametrize("persistent", [False, True])
def test_re_entering_after_exit_continues_the_same_tape(persistent):
    x = tf.constant(3.0)
    tape = tf.GradientTape(persistent=persistent)
    with tape:
        tape.watch(x)
        y = x * x
    with tape:
        z = y * x
    assert val(tape.gradient(z, x)) == 27.0


def test_re_entering_after_a_non_persistent_gradient_starts_afresh():
    x = tf.constant(3.0)
    tape = tf.GradientTape()
    with tape:
        tape.watch(x)
        y = x * x
    assert val(tape.gradient(y, x)) == 6.0
    with tape:
        tape.watch(x)
        z = x * x * x
    assert val(tape.gradient(z, x)) == 27.0


def test_re_entering_an_active_tape_raises_value_error():
    tape = tf.GradientTape()
    with tape:
        with pytest.raises(ValueError, match="Tape is still recording, This can happen if you try to re-enter "
                                             "an already-active tape."):
            with tape:
                pass


def test_with_statement_returns_the_tape():
    tape = tf.GradientTape()
    with tape as t:
        assert t is tape


# --- several tapes ---------------------------------------------------------------------------
def test_nested_tapes_to_third_order():
    x = tf.Variable(3.0)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x**3
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    assert [val(y), val(d1), val(d2), val(d3)] == [27.0, 27.0, 18.0, 6.0]


def test_two_tapes_in_one_with_statement():
    x = tf.constant(3.0)
    with tf.GradientTape() as a, tf.GradientTape() as b:
        a.watch(x)
        b.watch(x)
        y = x * x
    assert val(a.gradient(y, x)) == 6.0 and val(b.gradient(y, x)) == 6.0


def test_a_tape_records_only_what_it_watches():
    x = tf.constant(3.0)
    with tf.GradientTape() as a, tf.GradientTape() as b:
        a.watch(x)
        y = x * x
    assert val(a.gradient(y, x)) == 6.0 and b.gradient(y, x) is None


def test_persistent_inner_tape_gradients_are_recorded_by_the_outer_tape():
    x = tf.Variable(1.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape(persistent=True) as inner:
            y = x * x * x
        g1 = inner.gradient(y, x)
        g2 = inner.gradient(y, x)
    assert val(outer.gradient([g1, g2], x)) == 12.0


def test_tapes_are_thread_local():
    x = tf.constant(3.0)
    result = {}
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        thread = threading.Thread(target=lambda: result.setdefault("y", x * x))
        thread.start()
        thread.join()
        z = x * 2.0
    assert tape.gradient(result["y"], x) is None  # computed on another thread: not recorded
    assert val(tape.gradient(z, x)) == 2.0


def test_a_tape_in_another_thread_does_not_see_this_threads_ops():
    x = tf.constant(3.0)
    ready, done = threading.Event(), threading.Event()
    result = {}

    def worker():
        with tf.GradientTape() as tape:
            tape.watch(x)
            ready.set()
            done.wait(5)
            y = x * x
        result["grads"] = tape.gradient(y, x)

    thread = threading.Thread(target=worker)
    thread.start()
    ready.wait(5)
    _ = x * x  # this thread's op, while the worker's tape records
    done.set()
    thread.join()
    assert val(result["grads"]) == 6.0


# --- sources and targets ----------------------------------------------------------------------
Pair = collections.namedtuple("Pair", "a b")


def test_sources_keep_their_structure():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * b
    g = tape.gradient(y, [a, b])
    assert isinstance(g, list) and [val(x) for x in g] == [2.0, 1.0]
    g = tape.gradient(y, (a, b))
    assert isinstance(g, tuple) and [val(x) for x in g] == [2.0, 1.0]
    g = tape.gradient(y, {"b": b, "a": a})
    assert isinstance(g, dict) and val(g["a"]) == 2.0 and val(g["b"]) == 1.0
    g = tape.gradient(y, Pair(a, b))
    assert isinstance(g, Pair) and val(g.a) == 2.0 and val(g.b) == 1.0
    g = tape.gradient(y, {"x": [a, (b,)]})
    assert val(g["x"][0]) == 2.0 and val(g["x"][1][0]) == 1.0
    g = tape.gradient(y, a)
    assert isinstance(g, tf.Tensor) and val(g) == 2.0


def test_several_targets_give_the_gradient_of_their_sum():
    a = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y1 = a * a
        y2 = a * 3.0
    assert val(tape.gradient([y1, y2], a)) == 7.0
    assert val(tape.gradient({"p": y1, "q": y2}, a)) == 7.0
    assert val(tape.gradient((y1, (y2,)), a)) == 7.0


def test_non_scalar_target_gives_the_gradient_of_its_sum():
    a = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = a * a
    np.testing.assert_array_equal(val(tape.gradient(y, a)), [2.0, 4.0])


def test_broadcasting_is_undone_in_the_gradient():
    a = tf.Variable([[1.0], [2.0]])
    b = tf.Variable([10.0, 20.0, 30.0])
    with tf.GradientTape() as tape:
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(val(ga), [[60.0], [60.0]])
    np.testing.assert_array_equal(val(gb), [3.0, 3.0, 3.0])


def test_duplicate_sources_each_get_the_full_gradient():
    a = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = a * a
    assert [val(g) for g in tape.gradient(y, [a, a])] == [4.0, 4.0]
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x * x
    assert [val(g) for g in tape.gradient(y, [x, x, x])] == [12.0, 12.0, 12.0]


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert val(tape.gradient(z, y)) == 18.0


def test_intermediate_of_unwatched_inputs_has_no_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        z = y * y
    assert tape.gradient(z, y) is None and tape.gradient(z, x) is None


def test_target_that_is_the_source_has_gradient_one():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    assert val(tape.gradient(x, x)) == 1.0
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        pass
    assert val(tape.gradient(x, x)) == 1.0  # TF: 1.0 even unwatched
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        pass
    assert val(tape.gradient(v, v)) == 1.0


def test_unrelated_sources_have_no_gradient():
    a, b = tf.Variable(2.0), tf.Variable(3.0)
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = a * 2.0
        c = tf.constant(5.0) * 2.0
    assert tape.gradient(y, b) is None
    assert tape.gradient(c, x) is None


# --- unconnected_gradients ------------------------------------------------------------------
def _unconnected_setup():
    a, b = tf.Variable(2.0), tf.Variable([1.0, 2.0])
    c = tf.Variable([[1.0]], dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        y = a * a
        _ = b * 1.0
        _ = c * 1.0
    return tape, y, [a, b, c]


@pytest.mark.parametrize("mode", ["none", tf.UnconnectedGradients.NONE])
def test_unconnected_gradients_none(mode):
    tape, y, sources = _unconnected_setup()
    ga, gb, gc = tape.gradient(y, sources, unconnected_gradients=mode)
    assert val(ga) == 4.0 and gb is None and gc is None
    ga, gb, gc = tape.gradient(y, sources)
    assert gb is None and gc is None


@pytest.mark.parametrize("mode", ["zero", tf.UnconnectedGradients.ZERO])
def test_unconnected_gradients_zero_are_shaped_and_typed_like_the_source(mode):
    tape, y, sources = _unconnected_setup()
    ga, gb, gc = tape.gradient(y, sources, unconnected_gradients=mode)
    assert val(ga) == 4.0
    assert gb.dtype == tf.float32 and gb.shape == (2,)
    np.testing.assert_array_equal(val(gb), [0.0, 0.0])
    assert gc.dtype == tf.float64 and gc.shape == (1, 1)
    np.testing.assert_array_equal(val(gc), [[0.0]])


def test_unconnected_zero_for_a_tensor_never_watched():
    a, x = tf.Variable(2.0), tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = a * a
    g = tape.gradient(y, x, unconnected_gradients="zero")
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(val(g), [0.0, 0.0])


def test_unconnected_gradients_bad_value_raises_value_error():
    a = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = a * a
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients: 'bogus'"):
        tape.gradient(y, a, unconnected_gradients="bogus")


def test_stop_gradient_gives_none_or_zero():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.stop_gradient(x * x)
        z = tf.stop_gradient(x * x) * x
    assert tape.gradient(y, x) is None
    assert val(tape.gradient(y, x, unconnected_gradients="zero")) == 0.0
    assert val(tape.gradient(z, x)) == 4.0


# --- output_gradients -----------------------------------------------------------------------
def test_output_gradients_weight_the_targets():
    a = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = a * a
        z = a * 3.0
    np.testing.assert_array_equal(val(tape.gradient(y, a, output_gradients=tf.constant([10.0, 100.0]))),
                                  [20.0, 400.0])
    og = [tf.constant([1.0, 1.0]), tf.constant([2.0, 0.0])]
    np.testing.assert_array_equal(val(tape.gradient([y, z], a, output_gradients=og)), [8.0, 4.0])
    og = {"y": tf.constant([1.0, 0.0]), "z": tf.constant([0.0, 1.0])}
    np.testing.assert_array_equal(val(tape.gradient({"y": y, "z": z}, a, output_gradients=og)), [2.0, 3.0])


def test_output_gradients_pair_with_targets_as_in_tf():
    # TF 2.21 zips output gradients with the flattened targets: a missing entry counts as ones, an
    # extra one is ignored, and one that broadcasts to its target's shape is broadcast.
    a = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = a * a
        z = a * 3.0
    np.testing.assert_array_equal(val(tape.gradient([y, z], a, output_gradients=[tf.constant([1.0, 1.0])])),
                                  [5.0, 7.0])
    np.testing.assert_array_equal(val(tape.gradient(y, a, output_gradients=[tf.constant([1.0, 1.0])] * 2)),
                                  [2.0, 4.0])
    np.testing.assert_array_equal(val(tape.gradient(y, a, output_gradients=tf.constant(2.0))), [4.0, 8.0])


def test_output_gradients_of_the_wrong_shape_raise_invalid_argument_error():
    # TF raises InvalidArgumentError from the first backward op (Incompatible shapes: [3] vs. [2]).
    a = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = a * a
    with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
        tape.gradient(y, a, output_gradients=tf.constant([1.0, 2.0, 3.0]))


def test_output_gradients_of_the_wrong_dtype_raise_invalid_argument_error():
    # TF raises InvalidArgumentError from the first backward op (expected a double tensor).
    a = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = a * a
    with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
        tape.gradient(y, a, output_gradients=tf.constant([1.0, 2.0], dtype=tf.float64))


# --- bad arguments ----------------------------------------------------------------------------
def test_non_tensor_sources_and_targets_are_refused():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * 2.0
    # TF raises AttributeError ('float' object has no attribute '_id') for both, TypeError for None/str.
    with pytest.raises(AttributeError):
        tape.gradient(y, 3.0)
    with pytest.raises(AttributeError):
        tape.gradient(3.0, x)
    with pytest.raises(AttributeError):
        tape.gradient([y, 1.0], x)
    with pytest.raises(TypeError):
        tape.gradient(y, None)
    with pytest.raises(TypeError):
        tape.gradient(y, [x, "x"])
    with pytest.raises(TypeError):
        tape.gradient("y", x)


def test_none_target_raises_type_error():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    with pytest.raises(TypeError, match="Argument `target` should be"):
        tape.gradient(None, x)


# --- memory, long chains, variables ---------------------------------------------------------------
def test_a_100000_op_chain_differentiates():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(100000):
            y = y + x
    assert val(tape.gradient(y, x)) == 100001.0


def test_non_persistent_tape_frees_what_it_saved_after_gradient():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x * 3.0
        y = h * h  # multiply saves h for its rule
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is not None  # still held by the tape
    assert val(tape.gradient(y, x)) == 36.0  # d(9x^2)/dx
    gc.collect()
    assert ref() is None


def test_persistent_tape_keeps_what_it_saved_until_deleted():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = x * 3.0
        y = h * h
    ref = weakref.ref(h)
    del h
    tape.gradient(y, x)
    gc.collect()
    assert ref() is not None
    del tape
    gc.collect()
    assert ref() is None


def test_assigning_a_variable_after_use_does_not_change_the_recorded_gradient():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v
        v.assign(10.0)
    assert val(tape.gradient(y, v)) == 6.0 and v.numpy() == 10.0
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v
    v.assign_add(7.0)
    assert val(tape.gradient(y, v)) == 6.0
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = v * v
        v.assign_sub([5.0, 5.0])
    np.testing.assert_array_equal(val(tape.gradient(y, v)), [2.0, 4.0])


def test_assign_before_use_is_seen():
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        v.assign_add(1.0)
        y = v * v
    assert val(tape.gradient(y, v)) == 8.0


@pytest.mark.parametrize("dtype, expected", [(tf.float64, 2.0), (tf.float16, 3.0)])
def test_gradient_dtype_follows_the_source(dtype, expected):
    v = tf.Variable(1.0 if dtype == tf.float64 else 1.5, dtype=dtype)
    with tf.GradientTape() as tape:
        y = v * v
    g = tape.gradient(y, v)
    assert g.dtype == dtype and val(g) == expected


# --- non-differentiable paths -------------------------------------------------------------------
def _quiet_gradient(tape, y, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tape.gradient(y, x)


def test_gradient_through_an_integer_cast_is_none():
    x = tf.Variable(2.7)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.cast(tf.cast(x, tf.int32), tf.float32)
        i = tf.cast(x, tf.int32)
    assert _quiet_gradient(tape, y, x) is None
    assert _quiet_gradient(tape, i, x) is None
    assert val(y) == 2.0


def test_gradient_with_respect_to_an_integer_source_is_none():
    x = tf.constant(2)
    with tf.GradientTape() as tape:
        y = tf.cast(x, tf.float32) * 2.0
    assert _quiet_gradient(tape, y, x) is None


@needs("round")
def test_gradient_through_round_is_none():
    x = tf.Variable(2.7)
    with tf.GradientTape() as tape:
        y = tf.round(x)
    assert tape.gradient(y, x) is None


# --- complex gradients (TF's convention: the conjugate of the local derivative) ----------------------
def _complex_grad(f, z):
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = f(z)
    return val(tape.gradient(y, z))


def test_complex_product_gradient_is_conjugated():
    assert _complex_grad(lambda z: z * z, 1.0 + 2.0j) == 2 - 4j
    assert _complex_grad(lambda z: z * tf.constant(3.0 - 1.0j), 1.0 + 2.0j) == 3 + 1j
    assert _complex_grad(tf.square, 1.0 + 2.0j) == 2 - 4j


def test_complex_exp_gradient_is_conjugated():
    np.testing.assert_allclose(_complex_grad(tf.exp, 1.0 + 2.0j),
                               -1.1312043837568135 - 2.4717266720048188j, rtol=1e-12)


def test_complex_to_real_cast_gradient():
    assert _complex_grad(lambda z: tf.cast(z, tf.float64) * 3.0, 1.0 + 2.0j) == 3 + 0j
    x = tf.constant(2.0, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x, tf.complex128) * tf.constant(1.0 + 2.0j)
    g = tape.gradient(y, x)
    assert g.dtype == tf.float64 and val(g) == 1.0


@needs("real", module=tf.math)
def test_gradient_of_squared_modulus_is_two_z():
    assert _complex_grad(lambda z: tf.math.real(z * tf.math.conj(z)), 1.0 + 2.0j) == 2 + 4j
    np.testing.assert_array_equal(
        _complex_grad(lambda z: tf.reduce_sum(tf.math.real(z * tf.math.conj(z))), [1.0 + 2.0j, 3.0 - 1.0j]),
        [2 + 4j, 6 - 2j])


@needs("real", "imag", module=tf.math)
def test_gradient_of_real_and_imaginary_parts():
    z = tf.constant(1.0 + 2.0j, dtype=tf.complex64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        re, im = tf.math.real(z), tf.math.imag(z)
    g_re, g_im = tape.gradient(re, z), tape.gradient(im, z)
    assert g_re.dtype == tf.complex64 and val(g_re) == 1 + 0j and val(g_im) == 1j


@needs("abs")
def test_gradient_of_complex_abs():
    np.testing.assert_allclose(_complex_grad(tf.abs, 3.0 + 4.0j), 0.6 + 0.8j, rtol=1e-12)
