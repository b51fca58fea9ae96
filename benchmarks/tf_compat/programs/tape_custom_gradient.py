import tensorflow as tf

@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)
    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))
    return tf.math.log(1 + e), grad

x = tf.constant(100.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = log1pexp(x)
print(y, tape.gradient(y, x))

@tf.custom_gradient
def clip_grad(x):
    def grad(dy):
        return tf.clip_by_value(dy, -0.5, 0.5)
    return tf.identity(x), grad

x = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(clip_grad(x) * tf.constant([3.0, 0.1]))
print(tape.gradient(y, x))

@tf.custom_gradient
def scale(x, s):
    def grad(dy):
        return dy * s, None
    return x * s, grad

x = tf.constant(2.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = scale(x, 4.0)
print(tape.gradient(y, x))
