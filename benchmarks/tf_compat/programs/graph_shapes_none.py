import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
def f(x):
    print("static shape:", x.shape, x.shape[0], x.shape[1], x.shape.rank)
    return tf.reduce_sum(x)


print(f(tf.ones([2, 3])))
print(f(tf.ones([4, 3])))


@tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
def unknown_rank(x):
    print("unknown rank:", x.shape, x.shape.rank)
    return tf.reduce_sum(x)


print(unknown_rank(tf.ones([2, 2])))
print(unknown_rank(tf.ones([3])))


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
def ops_on_none(x):
    print("shapes:", tf.reduce_mean(x, axis=0).shape, x[:, 1:3].shape, tf.concat([x, x], axis=1).shape,
          tf.transpose(x).shape)
    return x


print(ops_on_none(tf.ones([3, 4])).shape)


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def len_none(x):
    return len(x)


try:
    print(len_none(tf.ones([3])))
except Exception as e:
    print(type(e).__name__)


@tf.function(reduce_retracing=True)
def g(x):
    print("tracing g", x.shape)
    return tf.reduce_sum(x)


print(g(tf.ones([2])))
print(g(tf.ones([3])))
print(g(tf.ones([4])))
print(g.experimental_get_tracing_count())

v1 = tf.Variable(1.0)
v2 = tf.Variable(2.0)


@tf.function
def usevar(v):
    print("tracing usevar")
    return v * 2


print(usevar(v1), usevar(v2), usevar(v1))
print(usevar.experimental_get_tracing_count())
