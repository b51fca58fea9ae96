import tensorflow as tf

a = tf.random.uniform([2, 3], seed=1)
print(a.shape, a.dtype)
print(tf.random.normal([4]).dtype, tf.random.normal([2, 2], dtype=tf.float64).dtype)
print(tf.random.uniform([3], minval=0, maxval=10, dtype=tf.int32).dtype)
print(tf.random.uniform([], 5, 6).shape)
x = tf.random.uniform([100], minval=2.0, maxval=3.0)
print(bool(tf.reduce_all(x >= 2.0)), bool(tf.reduce_all(x < 3.0)))
i = tf.random.uniform([100], minval=-3, maxval=3, dtype=tf.int64)
print(i.dtype, bool(tf.reduce_all((i >= -3) & (i < 3))))
try:
    tf.random.uniform([3], dtype=tf.int32)
except Exception as e:
    print(type(e).__name__)
try:
    tf.random.normal([2], dtype=tf.int32)
except Exception as e:
    print(type(e).__name__)
print(tf.random.truncated_normal([5, 5], stddev=0.1).shape)
t = tf.random.truncated_normal([1000])
print(bool(tf.reduce_all(tf.abs(t) <= 2.0)))
s = tf.random.shuffle(tf.range(10))
print(s.dtype, sorted(s.numpy().tolist()))
c = tf.random.categorical(tf.math.log([[0.5, 0.5]]), 5)
print(c.shape, c.dtype)
p = tf.random.poisson([3], [1.0, 2.0])
print(p.shape, p.dtype)
g = tf.random.gamma([4], alpha=[1.0, 2.0])
print(g.shape, g.dtype)
print(tf.random.uniform(tf.constant([2, 2])).shape)
print(tf.random.normal((2,), mean=tf.constant(1.0), stddev=2.0).shape)
