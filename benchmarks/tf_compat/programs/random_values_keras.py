# tf_compat: rtol=0 atol=0
import numpy as np
import tensorflow as tf

keras = tf.keras

np.set_printoptions(precision=9)
print(keras.initializers.GlorotUniform(seed=1)((3, 2)).numpy())
print(keras.initializers.GlorotNormal(seed=2)((2, 4)).numpy())
print(keras.initializers.HeNormal(seed=7)((4, 3)).numpy())
print(keras.initializers.HeUniform(seed=7)((5,)).numpy())
print(keras.initializers.RandomNormal(mean=1.0, stddev=0.1, seed=3)((5,)).numpy())
print(keras.initializers.RandomUniform(seed=2**31 + 5)((3,)).numpy())
print(keras.initializers.TruncatedNormal(seed=11)((2, 2)).numpy())
print(keras.initializers.VarianceScaling(2.0, "fan_out", "untruncated_normal", seed=4)((3, 3)).numpy())
keras.utils.set_random_seed(5)
d = keras.layers.Dense(3)
d.build((None, 4))
print(d.kernel.numpy())
e = keras.layers.Dense(2)
e.build((None, 3))
print(e.kernel.numpy())


@tf.function
def draws():
    return tf.random.normal([2]), tf.random.uniform([2], seed=3)


tf.random.set_seed(42)
print([t.numpy() for t in draws()])
print([t.numpy() for t in draws()])
