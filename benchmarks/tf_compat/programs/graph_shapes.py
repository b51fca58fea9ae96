import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
def f(x):
    n = tf.shape(x)[0]
    return tf.reshape(x, [n * 3]), n, tf.shape(x).dtype


print(f(tf.ones([2, 3])))
print(f(tf.ones([4, 3])))
print(f.experimental_get_tracing_count())


@tf.function
def g(x):
    print("traced with", x.shape, len(x), x.shape.rank, x.dtype)
    return len(x) * 2


print(g(tf.zeros([5, 2])))
print(g(tf.zeros([5, 2])))
print(g(tf.zeros([7, 2])))
print(g.experimental_get_tracing_count())


@tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
def h(x):
    return tf.size(x), tf.rank(x), tf.shape(x)


print(h(tf.constant([1, 2, 3])))
print(h(tf.constant([1])))


@tf.function
def static_ops(x):
    y = tf.reshape(x, [-1])
    z = tf.zeros_like(x)
    w = tf.concat([x, x], axis=1)
    print("static shapes:", y.shape, z.shape, w.shape, tf.expand_dims(x, 0).shape, x[:, 1:].shape)
    return y


print(static_ops(tf.ones([2, 3])))


@tf.function
def shape_branch(x):
    if x.shape[0] > 2:
        return tf.reduce_sum(x)
    return tf.reduce_max(x)


print(shape_branch(tf.constant([1.0, 2.0, 3.0])), shape_branch(tf.constant([1.0, 2.0])))


@tf.function
def dyn_shape_ops(x):
    s = tf.shape(x)
    ones = tf.ones(s)
    fill = tf.fill([s[0], 2], 7.0)
    return ones, fill, tf.size(x), tf.rank(x)


print(dyn_shape_ops(tf.zeros([3, 1])))


@tf.function
def scalar_len(x):
    return len(x)


try:
    print(scalar_len(tf.constant(3.0)))
except Exception as e:
    print(type(e).__name__)
