import tensorflow as tf

w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])


@tf.function
def loss_fn(x):
    return tf.reduce_sum(tf.tanh(tf.matmul(x, w)))


x = tf.constant([[0.1, 0.2]])
with tf.GradientTape() as tape:
    loss = loss_fn(x)
print(loss, tape.gradient(loss, w))


@tf.function
def train_step(x):
    with tf.GradientTape() as tape:
        l = tf.reduce_sum(tf.matmul(x, w) ** 2)
    g = tape.gradient(l, w)
    w.assign_sub(0.01 * g)
    return l, g


print(train_step(x))
print(w.numpy())


@tf.function
def loop_grad(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in tf.range(3):
            y = y * x
    return tape.gradient(y, x)


print(loop_grad(tf.constant(2.0)))


@tf.function
def cond_grad(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        if x > 0:
            y = x * x
        else:
            y = -x * 3
    return tape.gradient(y, x)


print(cond_grad(tf.constant(3.0)), cond_grad(tf.constant(-3.0)))


@tf.function
def jac(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x * tf.constant([1.0, 2.0, 3.0])
    return tape.jacobian(y, x)


print(jac(tf.constant([1.0, 2.0, 3.0])))


@tf.function
def second(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = x ** 3
        dy = t1.gradient(y, x)
    return dy, t2.gradient(dy, x)


print(second(tf.constant(2.0)))

x0 = tf.constant(2.0)
with tf.GradientTape() as tape:
    tape.watch(x0)
    y0 = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x0), [0, tf.constant(1.0)])[1]
print(y0, tape.gradient(y0, x0))


@tf.function
def unconnected(x, z):
    with tf.GradientTape() as tape:
        tape.watch([x, z])
        y = x * 2.0
    return tape.gradient(y, [x, z])


print(unconnected(tf.constant(1.0), tf.constant(2.0)))


@tf.function
def fn_of_fn(x):
    return loss_fn(x) * 2.0


with tf.GradientTape() as tape:
    l2 = fn_of_fn(tf.constant([[1.0, 0.0]]))
print(tape.gradient(l2, w))
