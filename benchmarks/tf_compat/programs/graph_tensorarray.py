import tensorflow as tf


@tf.function
def squares(n):
    ta = tf.TensorArray(tf.float32, size=5)
    for i in tf.range(n):
        ta = ta.write(i, tf.cast(i * i, tf.float32))
    return ta.stack()


print(squares(tf.constant(5)))
print(squares(tf.constant(3)))


@tf.function
def unstack_gather(x):
    ta = tf.TensorArray(tf.float32, size=3).unstack(x)
    return ta.gather([2, 0]), ta.read(1)


print(unstack_gather(tf.constant([[1.0], [2.0], [3.0]])))


@tf.function
def py_list_static():
    out = []
    for i in range(3):
        out.append(tf.constant(i) * 2)
    return tf.stack(out), len(out)


print(py_list_static())


@tf.function
def rows_fixed(m):
    ta = tf.TensorArray(tf.float32, size=3, element_shape=[2])
    for i in tf.range(3):
        ta = ta.write(i, m[i] * 2.0)
    return ta.stack(), ta.read(1), ta.concat(), ta.size()


print(rows_fixed(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])))


@tf.function
def nested_ta(n):
    outer = tf.TensorArray(tf.int32, size=2)
    for i in tf.range(n):
        inner = tf.TensorArray(tf.int32, size=3)
        for j in tf.range(3):
            inner = inner.write(j, i * 10 + j)
        outer = outer.write(i, inner.stack())
    return outer.stack()


print(nested_ta(tf.constant(2)))


@tf.function
def ta_in_cond(x):
    ta = tf.TensorArray(tf.float32, size=2)
    if x > 0:
        ta = ta.write(0, x).write(1, x * 2)
    else:
        ta = ta.write(0, -x).write(1, x)
    return ta.stack()


print(ta_in_cond(tf.constant(3.0)), ta_in_cond(tf.constant(-3.0)))


@tf.function
def ta_while(n):
    ta = tf.TensorArray(tf.int32, size=4)
    i = tf.constant(0)
    while i < n:
        ta = ta.write(i, i * 3)
        i += 1
    return ta.stack(), i


print(ta_while(tf.constant(4)))

ta = tf.TensorArray(tf.float32, size=2)
ta = ta.write(0, 1.5)
ta = ta.write(1, 2.5)
print(ta.stack(), ta.size(), ta.dtype)


@tf.function
def grad_ta(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=3)
        for i in tf.range(3):
            ta = ta.write(i, x * tf.cast(i + 1, tf.float32))
        y = tf.reduce_sum(ta.stack())
    return tape.gradient(y, x)


print(grad_ta(tf.constant(2.0)))


@tf.function
def while_loop_ta(n):
    ta = tf.TensorArray(tf.float32, size=3)

    def body(i, ta):
        return i + 1, ta.write(i, tf.cast(i, tf.float32) * 0.5)

    _, ta = tf.while_loop(lambda i, ta: i < n, body, [tf.constant(0), ta])
    return ta.stack()


print(while_loop_ta(tf.constant(3)))
