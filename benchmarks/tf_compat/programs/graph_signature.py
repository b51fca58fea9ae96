import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32),
                              tf.TensorSpec(shape=[], dtype=tf.int32)])
def f(x, n):
    return x * tf.cast(n, tf.float32)


print(f(tf.constant([1.0, 2.0]), tf.constant(3)))
print(f(tf.constant([1.0, 2.0, 4.0]), tf.constant(2)))
print(f.experimental_get_tracing_count())


def report(name, fn):
    try:
        print(name, fn())
    except Exception as e:
        print(name, type(e).__name__)


report("wrong dtype", lambda: f(tf.constant([1, 2]), tf.constant(3)))
report("wrong rank", lambda: f(tf.constant([[1.0]]), tf.constant(3)))
report("too many", lambda: f(tf.constant([1.0]), tf.constant(3), tf.constant(4)))
report("too few", lambda: f(tf.constant([1.0])))
report("python list", lambda: f([1.0, 2.0], 3))
report("python float scalar", lambda: f(tf.constant([1.0]), 3.5))
report("kwargs", lambda: f(x=tf.constant([1.0]), n=tf.constant(2)))
report("int64", lambda: f(tf.constant([1.0]), tf.constant(2, tf.int64)))


@tf.function(input_signature=[tf.TensorSpec([2, 2], tf.float32)])
def g(m):
    return tf.linalg.matmul(m, m)


report("g ok", lambda: g(tf.eye(2)))
report("g shape", lambda: g(tf.eye(3)))

spec = tf.TensorSpec([None, 3], tf.float64, name="inp")
print(spec)
print(spec.shape, spec.dtype, spec.name)
print(spec.is_compatible_with(tf.zeros([5, 3], tf.float64)))
print(spec.is_compatible_with(tf.zeros([5, 4], tf.float64)))
print(tf.TensorSpec.from_tensor(tf.constant([1, 2])))


@tf.function(input_signature=[(tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32))])
def nested(pair):
    a, b = pair
    return a - b


print(nested((tf.constant(5.0), tf.constant(2.0))))


try:
    @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
    def with_default(x, y=2.0):
        return x * y

    print(with_default(tf.constant(2.0)))
except Exception as e:
    print("default", type(e).__name__)

print(f.input_signature)
