# tf_compat: rtol=0 atol=0
import numpy as np
import tensorflow as tf

np.set_printoptions(precision=9)
print(tf.random.stateless_normal([3], seed=[1, 2]).numpy())
print(tf.random.stateless_uniform([3], seed=[1, 2]).numpy())
print(tf.random.stateless_uniform([2], seed=[-1, 5]).numpy())
print(tf.random.stateless_uniform([2], seed=tf.constant([7, 2**40], tf.int64)).numpy())
print(tf.random.stateless_truncated_normal([2, 3], seed=[3, 4], mean=2.0, stddev=3.0).numpy())
print(tf.random.stateless_normal([5], seed=[5, 6], dtype=tf.float16).numpy())
print(tf.random.stateless_uniform([4], seed=[5, 6], dtype=tf.float64).numpy())
print(tf.random.stateless_uniform([5], seed=[9, 9], minval=3, maxval=17, dtype=tf.int32).numpy())
print(tf.random.stateless_uniform([3], seed=[9, 9], minval=None, maxval=None, dtype=tf.int64).numpy())
print(tf.random.stateless_uniform([3], seed=[9, 9], minval=None, maxval=None, dtype=tf.uint32).numpy())
print(tf.random.stateless_uniform([3], seed=[9, 9], minval=-1.5, maxval=0.5, alg="philox").numpy())
print(tf.random.stateless_categorical(tf.math.log([[0.1, 0.5, 0.4]]), 8, seed=[1, 2]).numpy())
print(tf.random.experimental.stateless_split([1, 2], 3).numpy())
print(tf.random.experimental.stateless_fold_in([1, 2], 7).numpy())
print(tf.random.experimental.stateless_shuffle(tf.range(9), seed=[4, 2]).numpy())
try:
    tf.random.stateless_uniform([2], seed=[1, 5], alg="threefry")
except Exception as e:
    print(type(e).__name__)
