import tensorflow as tf

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape(persistent=True) as tape:
    z = x * 2.0
print(tape.gradient(z, y))
print(tape.gradient(z, y, unconnected_gradients=tf.UnconnectedGradients.ZERO))
print(tape.gradient(z, y, unconnected_gradients='zero'))
print(tape.gradient(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.NONE))
print(tf.UnconnectedGradients.ZERO, tf.UnconnectedGradients.NONE.value)

v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    out = tf.constant(1.0) * 3
print(tape.gradient(out, v, unconnected_gradients='zero'))

x = tf.Variable(2.7)
with tf.GradientTape(persistent=True) as tape:
    r = tf.round(x)
    a = tf.cast(x, tf.int32)
    m = tf.argmax([x, 2 * x])
print(tape.gradient(r, x), tape.gradient(a, x), tape.gradient(m, x))
print(tape.gradient(r, x, unconnected_gradients='zero'))
