import tensorflow as tf

params = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
print(tf.gather(params, [2, 0]))
print(tf.gather(params, [[0, 1], [2, 2]]))
print(tf.gather(params, [1, 0], axis=1))
print(tf.gather(params, tf.constant([0, 2], tf.int64), axis=-1))
print(tf.gather([[1, 2], [3, 4]], [[1], [0]], axis=1, batch_dims=1))
print(tf.gather_nd(params, [[0, 0], [2, 1]]))
print(tf.gather_nd(params, [[1], [0]]))
print(tf.gather_nd(params, [[[0, 1]], [[2, 2]]]))
print(tf.gather_nd(tf.reshape(tf.range(8), [2, 2, 2]), [[0, 1], [1, 0]], batch_dims=0))
print(tf.gather_nd(tf.reshape(tf.range(8), [2, 2, 2]), [[1], [0]], batch_dims=1))
try:
    tf.gather(params, [3])
except Exception as e:
    print(type(e).__name__)
try:
    tf.gather_nd(params, [[0, 5]])
except Exception as e:
    print(type(e).__name__)
try:
    tf.gather(params, [0.5])
except Exception as e:
    print(type(e).__name__)
v = tf.Variable(params)
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.gather(v, [0, 0, 2]) * 2)
g = tape.gradient(y, v)
print(type(g).__name__)
print(tf.convert_to_tensor(g))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.gather_nd(v, [[0, 0], [0, 0], [1, 2]]))
print(tape.gradient(y, v))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.gather(v, [1, 1], axis=1))
print(tape.gradient(y, v))
