# tf_compat: rtol=0 atol=0
import numpy as np
import tensorflow as tf

np.set_printoptions(precision=9)
tf.random.set_seed(42)
print(tf.random.normal([4]).numpy())
print(tf.random.uniform([3]).numpy())
print(tf.random.normal([2], seed=1).numpy())
print(tf.random.normal([2], seed=1).numpy())  # the cached kernel continues its stream
print(tf.random.truncated_normal([2, 5], mean=1.0, stddev=0.5).numpy())
print(tf.random.uniform([7], minval=-2.0, maxval=3.0).numpy())
print(tf.random.uniform([6], minval=-5, maxval=100, dtype=tf.int32).numpy())
print(tf.random.uniform([5], minval=-(2**40), maxval=2**50, dtype=tf.int64).numpy())
print(tf.random.normal([3, 3], dtype=tf.float16).numpy())
print(tf.random.uniform([4], dtype=tf.bfloat16).numpy().astype(np.float32))
print(tf.random.truncated_normal([5], dtype=tf.float16, seed=9).numpy())
print(tf.random.uniform([3], dtype=tf.float64, seed=2).numpy())
print(tf.random.shuffle(tf.range(12), seed=4).numpy())
print(tf.random.shuffle(tf.reshape(tf.range(10), [5, 2])).numpy().ravel())
print(tf.random.categorical(tf.math.log([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]), 7, seed=3).numpy())
x = tf.ones([12])
print(tf.nn.dropout(x, 0.4, seed=8).numpy())
tf.random.set_seed(42)  # restarts the sequence
print(tf.random.normal([4]).numpy())
tf.random.set_seed(0)   # seeds (0, 0) become (0, 2**31 - 1)
print(tf.random.uniform([3], seed=0).numpy())
tf.random.set_seed(None)
print(tf.random.normal([3], seed=5).numpy(), tf.random.normal([3], seed=5).numpy())
big = tf.random.normal([1001], seed=11).numpy()
print(big[::97], float(np.sum(big.astype(np.float64))))
tb = tf.random.truncated_normal([999], seed=11).numpy()
print(tb[::101], float(np.sum(tb.astype(np.float64))))
