import tensorflow as tf

x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(tf.reduce_sum(x))
print(tf.reduce_sum(x, axis=0))
print(tf.reduce_sum(x, axis=1, keepdims=True))
print(tf.reduce_sum(x, axis=[0, 1]))
print(tf.reduce_sum(x, axis=[0, 1], keepdims=True))
print(tf.reduce_sum(x, axis=-1))
print(tf.reduce_mean(x, axis=(0,)))
print(tf.reduce_max(x, 1), tf.reduce_min(x, 0))
print(tf.reduce_prod(x, axis=1))
print(tf.reduce_any(x > 5), tf.reduce_all(x > 0, axis=1))
print(tf.math.reduce_std(x), tf.math.reduce_variance(x, axis=0))
print(tf.reduce_logsumexp(x, axis=1))
print(tf.reduce_mean(tf.constant([1, 2, 4])))
print(tf.reduce_sum(tf.constant([True, False, True]) if False else tf.constant([1, 0, 1])))
print(tf.reduce_sum(tf.zeros([0, 3]), axis=0))
print(tf.reduce_max(tf.zeros([0])))
print(tf.reduce_min(tf.zeros([0], tf.int32)))
print(tf.reduce_mean(tf.zeros([0])))
print(tf.argmax(x), tf.argmax(x, axis=1), tf.argmin(x, 1, output_type=tf.int32))
print(tf.math.reduce_euclidean_norm(x, 1))
print(tf.math.count_nonzero(x > 2), tf.math.count_nonzero(tf.constant([0, 1, 2]), axis=0))
print(tf.reduce_sum(x, axis=tf.constant(1)))
try:
    tf.reduce_sum(x, axis=2)
except Exception as e:
    print(type(e).__name__)
try:
    tf.reduce_sum(x, axis=[0, 0])
except Exception as e:
    print(type(e).__name__)
