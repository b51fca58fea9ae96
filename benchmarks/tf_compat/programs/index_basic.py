import tensorflow as tf

x = tf.reshape(tf.range(24), [2, 3, 4])
print(x[0])
print(x[1, 2])
print(x[1, 2, 3])
print(x[-1])
print(x[:, 1])
print(x[..., 0])
print(x[0, ..., 1:3])
print(x[:, tf.newaxis, 0].shape)
print(x[None].shape, x[:, None, :, None].shape)
print(x[::2, ::-1, 1::2])
print(x[:, ::-2])
print(x[0, 3:0:-1])
print(x[0, :, -1:-4:-1])
print(x[1:, 5:])
print(x[0, -10:10])
print(x[tf.constant(1)])
i = tf.constant(2)
print(x[0, i])
print(x[0, i:])
try:
    x[2]
except Exception as e:
    print(type(e).__name__)
try:
    x[0, 0, 0, 0]
except Exception as e:
    print(type(e).__name__)
try:
    x[0.5]
except Exception as e:
    print(type(e).__name__)
v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
print(v[:, 1], v[1, ::-1])
print(tf.constant(5.0)[...])
print(tf.constant([1, 2, 3])[tf.newaxis, :, tf.newaxis])
