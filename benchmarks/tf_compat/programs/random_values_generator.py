# tf_compat: rtol=0 atol=0
import numpy as np
import tensorflow as tf

np.set_printoptions(precision=9)
g = tf.random.Generator.from_seed(1)
print(g.algorithm, g.state.numpy())
print(g.normal([3]).numpy())
print(g.state.numpy())
print(g.uniform([2, 2]).numpy())
print(g.uniform([4], minval=0, maxval=10, dtype=tf.int32).numpy())
print(g.truncated_normal([3], mean=1.0, stddev=2.0).numpy())
print(g.uniform_full_int([2], dtype=tf.int64).numpy())
print(g.make_seeds(2).numpy())
print([s.normal([2]).numpy() for s in g.split(2)])
print(g.state.numpy())
h = tf.random.Generator.from_seed(2**70 + 5)
print(h.state.numpy(), h.normal([2], dtype=tf.float16).numpy())
k = tf.random.Generator.from_state([3, 0, 12], "philox")
print(k.uniform([3], dtype=tf.float64).numpy())
print(tf.random.create_rng_state(1234, "philox").numpy(), tf.random.create_rng_state([12, 34], "philox").numpy())
