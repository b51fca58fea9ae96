import tensorflow as tf

c = tf.constant([True, False, True])
print(tf.where(c, 1.0, 0.0))
print(tf.where(c, [1, 2, 3], [10, 20, 30]))
print(tf.where(c))
print(tf.where(tf.constant([[1, 0], [0, 2]]) > 0))
print(tf.where([[True], [False]], tf.ones([2, 3]), tf.zeros([1, 3])))
print(tf.where(tf.constant([0.0, 1.0]) > 0.5, tf.constant([1.0, 2.0]), 5.0))
try:
    tf.where(c, tf.constant([1.0, 2.0, 3.0]), tf.constant([1, 2, 3]))
except Exception as e:
    print(type(e).__name__)
try:
    tf.where(c, [1.0, 2.0], [3.0, 4.0])
except Exception as e:
    print(type(e).__name__)
try:
    tf.where(c, 1.0)
except Exception as e:
    print(type(e).__name__)
x = tf.Variable([-1.0, 0.0, 4.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.where(x > 0, x * x, -x))
print(tape.gradient(y, x))
with tf.GradientTape() as tape:
    y = tf.where(x > 0, tf.sqrt(tf.abs(x)), 0.0)
print(tape.gradient(y, x))
print(tf.where(tf.zeros([0], tf.bool)))
print(tf.where(tf.constant(True), 1, 2))
