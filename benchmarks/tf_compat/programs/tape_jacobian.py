import tensorflow as tf

x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    y = x * x
    z = tf.reduce_sum(x) * x
print(tape.jacobian(y, x))
print(tape.jacobian(z, x))

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.matmul(x, x)
j = tape.jacobian(y, x)
print(j.shape)
print(tf.reduce_sum(j, axis=[2, 3]))

x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
w = tf.constant([[1.0], [-1.0]])
with tf.GradientTape() as tape:
    y = tf.matmul(x, w)
bj = tape.batch_jacobian(y, x)
print(bj.shape)
print(bj)
