import tensorflow as tf
import numpy as np

v = tf.Variable(tf.ones([2, 3]))
print(v.shape, v.shape.as_list(), len(v.shape), v.shape[0])
print(tf.shape(v))
print(tf.size(v), tf.rank(v))
print(v.get_shape())
print(np.array(v))
print(float(tf.Variable(2.5)), int(tf.Variable(7)))
x = tf.Variable(1.0)
print(bool(x > 0))
print(tf.convert_to_tensor(v).dtype)
print(tf.identity(v))
a = tf.Variable(initial_value=lambda: tf.zeros([2]))
print(a)
try:
    tf.Variable([1.0, 2.0], dtype=tf.int32)
except Exception as e:
    print(type(e).__name__)
print(tf.Variable([1, 2], dtype=tf.float32))
try:
    tf.Variable(tf.constant([1, 2]), dtype=tf.float32)
except Exception as e:
    print(type(e).__name__)
print(tf.Variable(tf.constant([1, 2])).dtype)
print(tf.Variable(3.0).assign(4).numpy())
print(hash(v.ref()) == hash(v.ref()), v.ref().deref() is v)
try:
    {v: 1}
except Exception as e:
    print(type(e).__name__)
