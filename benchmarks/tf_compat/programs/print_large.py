import tensorflow as tf
import numpy as np

print(tf.range(2000))
print(tf.reshape(tf.range(10000.0), [100, 100]))
print(repr(tf.range(1500)))
print(tf.zeros([3, 4, 5]))
print(tf.reshape(tf.range(60), [3, 4, 5]))
print(tf.constant(np.linspace(0, 1, 12).reshape(3, 4)))
x = tf.Variable(tf.reshape(tf.range(3000.0), [3, 1000]))
print(x)
print(tf.range(1001, dtype=tf.float32) / 7)
