import tensorflow as tf
import numpy as np

x = tf.constant([300.0, -5.0, 100.0, 255.5])
print(tf.dtypes.saturate_cast(x, tf.uint8))
print(tf.saturate_cast(tf.constant([1e10, -1e10]), tf.int32))
print(tf.saturate_cast(tf.constant([-1, 70000]), tf.int16))
print(tf.saturate_cast(tf.constant([-1, 70000]), tf.uint16))
print(tf.saturate_cast(tf.constant([1e5]), tf.float16))
print(tf.saturate_cast(tf.constant([1.5, -2.5]), tf.int8))
print(tf.saturate_cast(tf.constant([200], tf.uint8), tf.int8))
print(tf.saturate_cast(tf.constant([1.0 + 2.0j]), tf.float32))
x = tf.Variable([0.5, 1.5])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.cast(x, tf.float64) ** 2)
print(tape.gradient(y, x))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.saturate_cast(x, tf.float16) * 2)
print(tape.gradient(y, x))
