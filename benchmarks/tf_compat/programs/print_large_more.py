import tensorflow as tf
import numpy as np

print(tf.range(1001, dtype=tf.int64))
print(tf.cast(tf.range(1200) % 3 == 0, tf.bool))
print(tf.reshape(tf.range(2000, dtype=tf.float64) / 3, [2, 1000]))
print(tf.reshape(tf.range(24000), [20, 30, 40]))
print(tf.constant(np.linspace(-1e6, 1e6, 1500).astype(np.float32)))
x = tf.constant(np.arange(1100, dtype=np.float32))
x = tf.tensor_scatter_nd_update(x, [[3], [1098]], [np.nan, np.inf])
print(x)
print(repr(tf.zeros([1001])))
print(tf.Variable(tf.zeros([3, 400])))
print(tf.ones([1000, 2], tf.float16))
print(tf.constant([[1e-8, 1.0, 1e8]] * 3))
print(tf.constant(np.arange(12).reshape(3, 4) * 1e15))
