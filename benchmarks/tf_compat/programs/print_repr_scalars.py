import tensorflow as tf
import numpy as np

for v in [0.1, 1/3, 1e-8, 1e8, 123456789.0, -0.0, 2.5, 1e20, np.nan, np.inf]:
    t = tf.constant(v)
    print(repr(t), str(t), t.numpy(), repr(t.numpy()))
for v in [0.1, 1/3, 1e-8]:
    t = tf.constant(v, dtype=tf.float64)
    print(repr(t), str(t))
    t = tf.constant(v, dtype=tf.float16)
    print(repr(t), str(t))
print(repr(tf.constant(7, tf.int64)), repr(tf.constant(7, tf.uint8)), repr(tf.constant(-7, tf.int8)))
print(repr(tf.constant(1 + 2j, tf.complex64)), str(tf.constant(1 + 2j, tf.complex64)))
print(repr(tf.constant(False)))
print(repr(tf.Variable(0.1)), repr(tf.Variable(np.float64(1 / 3))))
print(repr(tf.Variable(True)), repr(tf.Variable(5, dtype=tf.int64)))
print([tf.constant(1.0), tf.constant(2)])
print({'a': tf.constant([1.0, 2.0])})
print((tf.Variable(1.0),))
print(f"{tf.constant([1.5, 2.5])}", f"{tf.constant(2.5)}", "%s" % tf.constant(3))
print(tf.constant([0.1, 0.25, 1 / 3]))
print(tf.constant([1e-5, 1.0]), tf.constant([1e-3, 1e3]), tf.constant([1e5, 1e-5]))
print(tf.constant([123456.0, 1.5]))
print(tf.constant([[1e10]], tf.float64))
print(tf.constant([1, 2], tf.int64), tf.constant([[True, False]]))
