import tensorflow as tf

def err(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__)

x = tf.reshape(tf.range(6), [2, 3])
err(lambda: x[5])
err(lambda: x[-3])
err(lambda: x[0, 3])
err(lambda: x[:, :, :])
err(lambda: x[..., ..., 0])
err(lambda: x['a'])
err(lambda: x[[0, 1]])
err(lambda: x[tf.constant([0, 1])])
err(lambda: x[tf.constant(1.0)])
err(lambda: x[x > 2])
err(lambda: x[::0])
err(lambda: x[1:1])
err(lambda: x[tf.constant(1):])
err(lambda: x[None, ..., None].shape)
err(lambda: tf.gather(x, [[0, 1]], axis=2))
err(lambda: tf.gather(x, [-1]))
err(lambda: tf.slice(x, [0, 0], [3, 1]))
err(lambda: tf.strided_slice(x, [0], [1], [0]))
