import tensorflow as tf

for name in ['zeros', 'ones', 'glorot_uniform', 'glorot_normal', 'he_normal', 'he_uniform', 'lecun_normal',
             'random_normal', 'random_uniform', 'truncated_normal', 'orthogonal']:
    init = tf.keras.initializers.get(name)
    w = init((3, 4))
    print(name, type(init).__name__, w.shape, w.dtype)
print(tf.keras.initializers.Constant(2.5)((2,)))
print(tf.keras.initializers.Identity()((2, 2)))
print(tf.keras.initializers.Zeros()((1, 2), dtype='float64'))
a = tf.keras.initializers.GlorotUniform(seed=1)((20, 20))
b = tf.keras.initializers.GlorotUniform(seed=1)((20, 20))
print(bool(tf.reduce_all(a == b)))
lim = (6 / 40) ** 0.5
print(bool(tf.reduce_all(tf.abs(a) <= lim)))
v = tf.keras.initializers.VarianceScaling(scale=2.0, mode='fan_in', distribution='uniform', seed=3)((10, 5))
print(v.shape, bool(tf.reduce_all(tf.abs(v) <= (6.0 / 10) ** 0.5)))
