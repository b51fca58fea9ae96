import tensorflow as tf
import numpy as np

x = tf.reshape(tf.range(24), [2, 3, 4])
print(tf.reduce_sum(x, axis=[0, 2], keepdims=True))
print(tf.reduce_max(x, axis=(-1, -2)))
print(tf.reduce_mean(x, axis=1))
print(tf.reduce_prod(tf.cast(x[0, 0] + 1, tf.float64), keepdims=True))
print(tf.reduce_min(x, axis=None, keepdims=True).shape)
print(tf.reduce_sum(x, axis=np.int64(1)).shape, tf.reduce_sum(x, axis=tf.constant([0, 1])).shape)
print(tf.reduce_any(tf.constant([[True, False], [False, False]]), axis=1, keepdims=True))
print(tf.reduce_all(tf.constant([], tf.bool)), tf.reduce_any(tf.constant([], tf.bool)))
print(tf.math.reduce_variance(tf.constant([[1.0, 2.0], [3.0, 5.0]]), axis=1, keepdims=True))
print(tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf])), tf.reduce_logsumexp(tf.constant([1000.0, 1000.0])))
print(tf.math.reduce_euclidean_norm(tf.constant([[3, 4]]), axis=1))
try:
    tf.reduce_sum(tf.constant([True, False]))
except Exception as e:
    print(type(e).__name__)
try:
    tf.reduce_mean(x, axis=3)
except Exception as e:
    print(type(e).__name__)
try:
    tf.reduce_max(x, axis=[1.5])
except Exception as e:
    print(type(e).__name__)
