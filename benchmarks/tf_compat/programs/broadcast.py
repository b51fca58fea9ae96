import tensorflow as tf

a = tf.ones([3, 1])
b = tf.constant([1.0, 2.0, 3.0, 4.0])
print(a + b)
print((a * b).shape)
print(tf.broadcast_to(tf.constant([1, 2]), [3, 2]))
print(tf.broadcast_static_shape(tf.TensorShape([3, 1]), tf.TensorShape([1, 4])))
print(tf.broadcast_dynamic_shape(tf.constant([3, 1]), tf.constant([4])))
x = tf.Variable(tf.ones([2, 3]))
bias = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum((x + bias) * tf.constant([[1.0], [2.0]]))
gx, gb = tape.gradient(y, [x, bias])
print(gx, gb)
s = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y = tf.reduce_sum(s * tf.ones([4, 5]))
print(tape.gradient(y, s))
try:
    tf.ones([2, 3]) + tf.ones([3, 2])
except Exception as e:
    print(type(e).__name__)
try:
    tf.broadcast_to(tf.ones([2]), [3, 3])
except Exception as e:
    print(type(e).__name__)
print(tf.zeros([2, 1, 3]) + tf.zeros([4, 1]))
