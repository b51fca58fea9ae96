import tensorflow as tf


@tf.function
def squares(n):
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for i in tf.range(n):
        ta = ta.write(i, tf.cast(i * i, tf.float32))
    return ta.stack()


print(squares(tf.constant(5)))


@tf.function
def evens(x):
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    for v in x:
        if v % 2 == 0:
            ta = ta.write(ta.size(), v * 10)
    return ta.stack(), ta.size()


print(evens(tf.constant([1, 2, 3, 4, 6])))


@tf.function
def cumulative(x):
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)
    total = tf.constant(0.0)
    i = 0
    for v in x:
        total += v
        ta = ta.write(i, total)
        i += 1
    return ta.stack()


print(cumulative(tf.constant([1.0, 2.0, 3.0, 4.0])))
