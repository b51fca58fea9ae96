import tensorflow as tf

x = tf.Variable(tf.reshape(tf.range(12.0), [3, 4]))
with tf.GradientTape(persistent=True) as tape:
    a = tf.reduce_sum(x[1:, ::2] * 2)
    b = tf.reduce_sum(x[::-1, 0])
    c = x[2, 3] * x[0, 0]
    d = tf.reduce_sum(x[..., tf.newaxis, 1:3])
print(tape.gradient(a, x))
print(tape.gradient(b, x))
print(tape.gradient(c, x))
print(tape.gradient(d, x))
print(tf.strided_slice(x, [0, 1], [3, 4], [2, 2]))
print(tf.slice(x, [1, 1], [2, -1]))
print(tf.slice(x, tf.constant([0, 2]), [1, 2]))
