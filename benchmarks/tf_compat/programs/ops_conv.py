# tf_compat: rtol=1e-4 atol=1e-4
import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        print(name, r.dtype.name, r.shape, (np.round(r.numpy(), 3) + 0.0).tolist())
    except Exception as e:
        print(name, type(e).__name__)


x1 = tf.reshape(tf.range(2 * 7 * 2, dtype=tf.float32) / 10.0, [2, 7, 2])
k1 = tf.reshape(tf.range(3 * 2 * 3, dtype=tf.float32) / 10.0 - 0.8, [3, 2, 3])
x2 = tf.reshape(tf.sin(tf.range(2 * 6 * 5 * 2, dtype=tf.float32)), [2, 6, 5, 2])
k2 = tf.reshape(tf.cos(tf.range(3 * 2 * 2 * 4, dtype=tf.float32)), [3, 2, 2, 4])
x3 = tf.reshape(tf.sin(tf.range(1 * 4 * 5 * 4 * 1, dtype=tf.float32)), [1, 4, 5, 4, 1])
kt = tf.reshape(tf.cos(tf.range(3 * 2 * 3 * 2, dtype=tf.float32) * 0.7), [3, 2, 3, 2])
k3 = tf.reshape(tf.cos(tf.range(2 * 2 * 2 * 1 * 2, dtype=tf.float32)), [2, 2, 2, 1, 2])
show('c1_valid', lambda: tf.nn.conv1d(x1, k1, stride=1, padding='VALID'))
show('c1_same_s2', lambda: tf.nn.conv1d(x1, k1, stride=2, padding='SAME'))
show('c1_dil', lambda: tf.nn.conv1d(x1, k1, stride=1, padding='SAME', dilations=2))
show('c1_ncw', lambda: tf.nn.conv1d(tf.transpose(x1, [0, 2, 1]), k1, 1, 'VALID', data_format='NCW'))
show('c2_same_s2', lambda: tf.nn.conv2d(x2, k2, strides=2, padding='SAME'))
show('c2_valid_s12', lambda: tf.nn.conv2d(x2, k2, strides=[1, 1, 2, 1], padding='VALID'))
show('c2_dil', lambda: tf.nn.conv2d(x2, k2, strides=1, padding='SAME', dilations=[1, 2, 1, 1]))
show('c2_explicit', lambda: tf.nn.conv2d(x2, k2, strides=1, padding=[[0, 0], [1, 2], [0, 1], [0, 0]]))
show('c2_bad_ch', lambda: tf.nn.conv2d(x2, tf.ones([3, 3, 3, 1]), strides=1, padding='SAME'))
show('c2_bad_pad', lambda: tf.nn.conv2d(x2, k2, strides=1, padding='FULL'))
show('c2_dil_stride', lambda: tf.nn.conv2d(x2, k2, strides=2, padding='SAME', dilations=2))
show('c2_int', lambda: tf.nn.conv2d(tf.ones([1, 3, 3, 1], tf.int32), tf.ones([2, 2, 1, 1], tf.int32), 1, 'VALID'))
show('c2_f64', lambda: tf.nn.conv2d(tf.cast(x2, tf.float64), tf.cast(k2, tf.float64), 1, 'VALID'))
show('c2_mixed', lambda: tf.nn.conv2d(x2, tf.cast(k2, tf.float64), 1, 'VALID'))
show('c3_valid', lambda: tf.nn.conv3d(x3, k3, strides=[1, 1, 1, 1, 1], padding='VALID'))
show('c3_same', lambda: tf.nn.conv3d(x3, k3, strides=[1, 2, 2, 1, 1], padding='SAME'))
show('dw', lambda: tf.nn.depthwise_conv2d(x2, tf.ones([2, 2, 2, 3]) * 0.5, strides=[1, 1, 1, 1], padding='VALID'))
show('dw_same_s2', lambda: tf.nn.depthwise_conv2d(x2, k2[:, :, :, :2], strides=[1, 2, 2, 1], padding='SAME'))
show('dw_dil', lambda: tf.nn.depthwise_conv2d(x2, k2[:2, :, :, :1], strides=[1, 1, 1, 1], padding='SAME', dilations=[2, 1]))
show('sep', lambda: tf.nn.separable_conv2d(x2, k2[:, :, :, :2], tf.ones([1, 1, 4, 3]), strides=[1, 1, 1, 1], padding='VALID'))
show('ct2', lambda: tf.nn.conv2d_transpose(x2, tf.ones([3, 3, 4, 2]) * 0.1, output_shape=[2, 12, 10, 4], strides=2, padding='SAME'))
show('ct2_valid', lambda: tf.nn.conv2d_transpose(x2, kt, output_shape=[2, 8, 6, 3], strides=1, padding='VALID'))
show('ct2_s2_valid', lambda: tf.nn.conv2d_transpose(x2, kt, output_shape=[2, 13, 10, 3], strides=2, padding='VALID'))
show('ct1', lambda: tf.nn.conv1d_transpose(x1, tf.ones([3, 4, 2]), output_shape=[2, 14, 4], strides=2, padding='SAME'))
show('ct3', lambda: tf.nn.conv3d_transpose(x3, tf.ones([2, 2, 2, 3, 1]), output_shape=[1, 8, 10, 8, 3], strides=2, padding='SAME'))
show('convolution', lambda: tf.nn.convolution(x2, k2, padding='SAME', strides=[2, 1]))
show('convolution_dil', lambda: tf.nn.convolution(x2, k2, padding='VALID', dilations=[2, 2]))
show('atrous', lambda: tf.nn.atrous_conv2d(x2, k2, rate=2, padding='SAME'))
xv = tf.Variable(x2)
kv = tf.Variable(k2)
ktv = tf.Variable(kt)
for name, f in [('g_same_s2', lambda: tf.nn.conv2d(xv, kv, strides=2, padding='SAME')),
                ('g_valid_dil', lambda: tf.nn.conv2d(xv, kv, strides=1, padding='VALID', dilations=[2, 1])),
                ('g_explicit', lambda: tf.nn.conv2d(xv, kv, strides=[1, 2, 1, 1], padding=[[0, 0], [2, 1], [1, 0], [0, 0]])),
                ('g_dw', lambda: tf.nn.depthwise_conv2d(xv, kv[:, :, :, :2], strides=[1, 2, 2, 1], padding='SAME')),
                ('g_ct', lambda: tf.nn.conv2d_transpose(xv, kv[:, :, :3, :2], output_shape=[2, 13, 10, 3], strides=2, padding='VALID')),
                ('g_sep', lambda: tf.nn.separable_conv2d(xv, kv[:, :, :, :2], tf.ones([1, 1, 4, 3]), strides=[1, 1, 1, 1], padding='SAME'))]:
    with tf.GradientTape() as tape:
        y = f()
        loss = tf.reduce_sum(y * y)
    gx, gk, gt = tape.gradient(loss, [xv, kv, ktv])
    gk = gt if gk is None else gk
    print(name, y.shape, np.round(tf.reduce_sum(gx, [0, 3]).numpy(), 2).tolist(), np.round(tf.reduce_sum(gk, [2]).numpy(), 2).tolist())
