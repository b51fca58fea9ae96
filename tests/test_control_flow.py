"""Eager control flow (cond, while_loop, switch_case) and tapegrad.print, checked against TF 2.21's behaviour."""
import io

import numpy as np
import pytest

import tapegrad as tf


def test_cond_takes_the_branch_and_is_differentiable():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.cond(x > 1.0, lambda: x * x, lambda: x + 1.0)
    assert float(y) == 4.0
    assert float(tape.gradient(y, x)) == 4.0
    assert tf.cond(False, lambda: (1.0, 2.0), lambda: [3.0, 4.0]) == [3.0, 4.0]  # eager: values as returned


def test_cond_errors():
    with pytest.raises(TypeError, match="'true_fn' must be callable"):
        tf.cond(True, 1, lambda: 2)
    with pytest.raises(ValueError, match="scalar"):
        tf.cond(tf.constant([True, False]), lambda: 1.0, lambda: 2.0)


def test_while_loop_values_gradient_and_maximum_iterations():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        i, s = tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * x), [0, tf.constant(1.0)])
    assert i == 3 and float(s) == 8.0
    assert float(tape.gradient(s, x)) == 12.0  # d x^3 = 3x^2
    (n,) = tf.while_loop(lambda i: i < 10, lambda i: (i + 1,), (tf.constant(0),))
    assert int(n) == 10
    i, s = tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [0, 0], maximum_iterations=3)
    assert (i, s) == (3, 3)


def test_while_loop_errors():
    with pytest.raises(ValueError, match="'loop_vars' must be provided"):
        tf.while_loop(lambda i: i < 10, lambda i: i + 1, [])
    with pytest.raises(ValueError, match="same number of elements"):  # TF's nest.assert_same_structure
        tf.while_loop(lambda i: i < 3, lambda i: [i + 1, i], [0])
    with pytest.raises(TypeError, match="'body' must be callable"):
        tf.while_loop(lambda i: i < 3, None, [0])


def test_switch_case():
    assert tf.switch_case(tf.constant(1), [lambda: 1, lambda: 2]) == 2
    assert tf.switch_case(tf.constant(5), [lambda: 1, lambda: 2]) == 2  # out of range: last branch
    assert tf.switch_case(tf.constant(7), {0: lambda: 1, 1: lambda: 2}, default=lambda: 9) == 9
    with pytest.raises(TypeError, match="'branch_index' must be a Tensor"):
        tf.switch_case(1, [lambda: 1])


def test_print_formats_like_tf():
    out = io.StringIO()
    tf.print(tf.constant([1.0, 2.5]), "x", tf.constant(3), tf.constant([[1, 2], [3, 4]]),
             tf.constant(np.arange(10, dtype=np.int32)), output_stream=out)
    assert out.getvalue() == "[1 2.5] x 3 [[1 2]\n [3 4]] [0 1 2 ... 7 8 9]\n"
    out = io.StringIO()
    tf.print(tf.constant(0.1), {"a": tf.constant(1.5)}, [1, tf.constant(2)], output_stream=out)
    assert out.getvalue() == "0.1 {'a': 1.5} [1, 2]\n"
    out = io.StringIO()
    tf.print(tf.constant(np.arange(8, dtype=np.int32)), summarize=-1, sep=",", end="!", output_stream=out)
    assert out.getvalue() == "[0 1 2 3 4 5 6 7]!"


def test_eager_while_loop_keeps_tfs_structure_rules_and_returns_tensors():
    # TF 2.21's eager loop: the body's result must have loop_vars' structure; a bare tensor for a one-element
    # list is unpacked into cond, a TypeError for a scalar.
    with pytest.raises(TypeError):
        tf.while_loop(lambda i: i < 10, lambda i: i + 3, [tf.constant(0)])
    r = tf.while_loop(lambda i: i < 10, lambda i: [i + 3], [tf.constant(0)])
    assert isinstance(r, list) and int(r[0]) == 12
    r = tf.while_loop(lambda i: i < 10, lambda i: (i + 3,), [tf.constant(0)])
    assert isinstance(r, tuple)
    k, y = tf.while_loop(lambda k, y: k < 3, lambda k, y: (k + 1, y * 2.0), (0, tf.constant(1.0)))
    assert isinstance(k, tf.Tensor) and int(k) == 3 and float(y) == 8.0  # Python ints come back as tensors
    k, = tf.while_loop(lambda k: k < 100, lambda k: (k + 1,), (0,), maximum_iterations=tf.constant(4))
    assert int(k) == 4
    with pytest.raises(ValueError, match="scalar"):
        tf.while_loop(lambda k: k < 100, lambda k: (k + 1,), (0,), maximum_iterations=[4])
