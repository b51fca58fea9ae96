import tensorflow as tf


@tf.function
def squares(n):
    ta = tf.TensorArray(tf.float32, size=n)
    for i in tf.range(n):
        ta = ta.write(i, tf.cast(i * i, tf.float32))
    return ta.stack()


print(squares(tf.constant(5)))


@tf.function
def rows_ta(m):
    ta = tf.TensorArray(tf.float32, size=tf.shape(m)[0], element_shape=[2])
    for i in tf.range(tf.shape(m)[0]):
        ta = ta.write(i, m[i] * 2.0)
    out = ta.stack()
    return out, ta.read(1), ta.concat()


print(rows_ta(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])))


@tf.function
def fixed_size(x):
    ta = tf.TensorArray(tf.float32, size=tf.shape(x)[0])
    for i in tf.range(tf.shape(x)[0]):
        ta = ta.write(i, x[i] + 1.0)
    return ta.stack()


print(fixed_size(tf.constant([1.0, 2.0, 3.0])))
print(fixed_size(tf.constant([1.0, 2.0])))
