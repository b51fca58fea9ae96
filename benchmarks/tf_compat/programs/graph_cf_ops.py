import tensorflow as tf


@tf.function
def conds(x):
    a = tf.cond(x > 0, lambda: (x, {"k": x * 2}), lambda: (-x, {"k": x * 3}))
    b = tf.switch_case(tf.cast(x, tf.int32) % 3, [lambda: 10.0, lambda: 20.0, lambda: 30.0])
    c = tf.case([(x > 5, lambda: tf.constant(1)), (x > 1, lambda: tf.constant(2))], default=lambda: tf.constant(3))
    return a, b, c


print(conds(tf.constant(2.0)))
print(conds(tf.constant(-7.0)))
print(conds(tf.constant(9.0)))


@tf.function
def loops(n):
    i, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), (0, 0))
    j, = tf.while_loop(lambda j: True, lambda j: (j + 2,), [tf.constant(0)], maximum_iterations=4)
    _, grown = tf.while_loop(lambda k, v: k < 3, lambda k, v: (k + 1, tf.concat([v, v], 0)),
                             [0, tf.constant([1.0])], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    pair = tf.while_loop(lambda p: p["a"] < 10, lambda p: {"a": p["a"] * 2, "b": p["b"] + 1},
                         [{"a": tf.constant(1), "b": tf.constant(0)}])
    return i, s, j, grown, pair


print(loops(tf.constant(4)))


@tf.function
def funcs(x):
    m = tf.map_fn(lambda r: r * 2.0, x)
    m2 = tf.map_fn(lambda r: tf.reduce_sum(r), x)
    sc = tf.scan(lambda a, r: a + r, x)
    fl = tf.foldl(lambda a, r: a * r, tf.constant([1.0, 2.0, 3.0]))
    fr = tf.foldr(lambda a, r: a - r, tf.constant([1.0, 2.0, 3.0]))
    vm = tf.vectorized_map(lambda r: r * r, x)
    return m, m2, sc, fl, fr, vm


print(funcs(tf.constant([[1.0, 2.0], [3.0, 4.0]])))


@tf.function
def map_struct(x):
    return tf.map_fn(lambda t: (t[0] + t[1], t[0] * t[1]), (x, x + 1.0), fn_output_signature=(tf.float32, tf.float32))


print(map_struct(tf.constant([1.0, 2.0])))


def report(name, fn, *args):
    try:
        print(name, fn(*args))
    except Exception as e:
        print(name, type(e).__name__)


@tf.function
def cond_mismatch(x):
    return tf.cond(x > 0, lambda: x, lambda: (x, x))


report("cond_mismatch", cond_mismatch, tf.constant(1.0))


@tf.function
def cond_dtype(x):
    return tf.cond(x > 0, lambda: tf.constant(1), lambda: tf.constant(1.0))


report("cond_dtype", cond_dtype, tf.constant(1.0))


@tf.function
def while_shape(x):
    return tf.while_loop(lambda v: tf.size(v) < 10, lambda v: tf.concat([v, v], 0), [x])


report("while_shape", while_shape, tf.constant([1.0]))


@tf.function
def while_dtype(x):
    return tf.while_loop(lambda v: v < 10, lambda v: tf.cast(v, tf.float32) + 1.0, [x])


report("while_dtype", while_dtype, tf.constant(1))
