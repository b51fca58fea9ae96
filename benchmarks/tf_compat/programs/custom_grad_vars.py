import tensorflow as tf

v = tf.Variable(2.0)

@tf.custom_gradient
def f(x):
    y = x * v
    def grad(dy, variables=None):
        return dy * v, [dy * x * 10]
    return y, grad

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = f(x)
print(tape.gradient(y, [x, v]))

@tf.custom_gradient
def multi(a, b):
    def grad(dy):
        return dy * 2, dy * 3
    return a + b, grad

a, b = tf.Variable(1.0), tf.Variable(1.0)
with tf.GradientTape() as tape:
    y = multi(a, b)
print(tape.gradient(y, [a, b]))

@tf.custom_gradient
def nested_out(x):
    def grad(dy1, dy2):
        return dy1 + 2 * dy2
    return (x * 1, x * 2), grad

x = tf.Variable(1.0)
with tf.GradientTape() as tape:
    p, q = nested_out(x)
    z = p + q
print(tape.gradient(z, x))

x = tf.constant(1.0)
with tf.GradientTape() as t2:
    t2.watch(x)
    with tf.GradientTape() as t1:
        t1.watch(x)
        y = tf.sin(x) * x
    g = t1.gradient(y, x)
print(g.numpy(), t2.gradient(g, x).numpy())
print(tf.grad_pass_through(lambda t: tf.round(t))(tf.constant(1.4)) if hasattr(tf, 'grad_pass_through') else '')
