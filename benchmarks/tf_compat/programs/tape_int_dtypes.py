import tensorflow as tf

x = tf.constant(3)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
print(tape.gradient(y, x))

v = tf.Variable(2)
print(v.trainable, v.dtype)
with tf.GradientTape() as tape:
    y = v * 3
print(tape.gradient(y, v))
print(tape.watched_variables() if False else "")

x = tf.constant(2.0, dtype=tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x ** 3
g = tape.gradient(y, x)
print(g, g.dtype)

x = tf.constant([1.0, 2.0], dtype=tf.float16)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(x * x)
print(tape.gradient(y, x))

x = tf.Variable(1.0)
with tf.GradientTape() as tape:
    y = tf.cast(x, tf.float64) * 2
print(tape.gradient(y, x))
