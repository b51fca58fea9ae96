# tf_compat: rtol=1e-4 atol=1e-4
import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        if isinstance(r, (tuple, list)):
            print(name, [(t.dtype.name, t.shape, t.numpy().tolist()) for t in r])
        else:
            print(name, r.dtype.name, r.shape, (np.round(r.numpy(), 3) + 0.0).tolist())
    except Exception as e:
        print(name, type(e).__name__)


x = tf.reshape(tf.sin(tf.range(2 * 5 * 6 * 2, dtype=tf.float32) * 1.3), [2, 5, 6, 2])
x1 = tf.reshape(tf.range(14.0), [1, 7, 2])
x3 = tf.reshape(tf.cos(tf.range(4 * 4 * 4, dtype=tf.float32)), [1, 4, 4, 4, 1])
show('max_valid', lambda: tf.nn.max_pool2d(x, 2, 2, 'VALID'))
show('max_same', lambda: tf.nn.max_pool2d(x, 3, 2, 'SAME'))
show('max_rect', lambda: tf.nn.max_pool2d(x, [2, 3], [1, 2], 'VALID'))
show('avg_same', lambda: tf.nn.avg_pool2d(x, 3, 2, 'SAME'))
show('avg_valid', lambda: tf.nn.avg_pool2d(x, [2, 2], [2, 3], 'VALID'))
show('max_pool', lambda: tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 1, 1, 1], padding='SAME'))
show('avg_pool', lambda: tf.nn.avg_pool(x, ksize=2, strides=2, padding='SAME'))
show('pool1d_max', lambda: tf.nn.max_pool1d(x1, 3, 2, 'SAME'))
show('pool1d_avg', lambda: tf.nn.avg_pool1d(x1, 2, 2, 'VALID'))
show('pool3d_max', lambda: tf.nn.max_pool3d(x3, 2, 2, 'VALID'))
show('pool3d_avg', lambda: tf.nn.avg_pool3d(x3, 3, 2, 'SAME'))
show('pool_generic', lambda: tf.nn.pool(x, [2, 2], 'MAX', strides=[2, 2], padding='SAME'))
show('pool_avg_dil', lambda: tf.nn.pool(x, [2, 2], 'AVG', padding='VALID', dilations=[2, 2]))
show('max_int', lambda: tf.nn.max_pool2d(tf.reshape(tf.range(16), [1, 4, 4, 1]), 2, 2, 'VALID'))
show('avg_int', lambda: tf.nn.avg_pool2d(tf.reshape(tf.range(16), [1, 4, 4, 1]), 2, 2, 'VALID'))
show('argmax', lambda: tf.nn.max_pool_with_argmax(x, 2, 2, 'VALID'))
show('argmax_batch', lambda: tf.nn.max_pool_with_argmax(x, 2, 2, 'SAME', include_batch_in_index=True))
show('bad_ksize', lambda: tf.nn.max_pool2d(x, 7, 1, 'VALID'))
show('bad_rank', lambda: tf.nn.max_pool2d(tf.ones([4, 4]), 2, 2, 'VALID'))
xv = tf.Variable(x)
for name, f in [('g_max_valid', lambda: tf.nn.max_pool2d(xv, 2, 2, 'VALID')),
                ('g_max_same', lambda: tf.nn.max_pool2d(xv, 3, 2, 'SAME')),
                ('g_max_overlap', lambda: tf.nn.max_pool2d(xv, 3, 1, 'VALID')),
                ('g_avg_same', lambda: tf.nn.avg_pool2d(xv, 3, 2, 'SAME')),
                ('g_avg_valid', lambda: tf.nn.avg_pool2d(xv, [2, 3], [1, 2], 'VALID')),
                ('g_max_ties', lambda: tf.nn.max_pool2d(tf.maximum(xv, 0.5), 2, 1, 'VALID')),
                ('g_pool_avg', lambda: tf.nn.pool(xv, [2, 2], 'AVG', padding='SAME'))]:
    with tf.GradientTape() as tape:
        y = f()
        loss = tf.reduce_sum(y * tf.reshape(tf.range(tf.size(y), dtype=tf.float32), y.shape))
    g = tape.gradient(loss, xv)
    print(name, (np.round(g.numpy()[0, :, :, 0], 3) + 0.0).tolist())
v1 = tf.Variable(x1)
with tf.GradientTape(persistent=True) as tape:
    a = tf.nn.max_pool1d(v1, 3, 2, 'SAME')
    b = tf.nn.avg_pool1d(v1, 3, 2, 'SAME')
print(tape.gradient(a, v1).numpy().tolist(), tape.gradient(b, v1).numpy().tolist())
v3 = tf.Variable(x3)
with tf.GradientTape(persistent=True) as tape:
    a = tf.nn.max_pool3d(v3, 2, 2, 'VALID')
    b = tf.nn.avg_pool3d(v3, 3, 2, 'SAME')
print(np.round(tape.gradient(a, v3).numpy().ravel(), 3).tolist())
print(np.round(tape.gradient(b, v3).numpy().ravel(), 3).tolist())
