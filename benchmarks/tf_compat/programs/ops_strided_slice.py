import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        print(name, r.shape, r.numpy().tolist())
    except Exception as e:
        print(name, type(e).__name__)


x = tf.reshape(tf.range(60), [3, 4, 5])
show('ell_last', lambda: x[..., 1])
show('ell_mid', lambda: x[0, ..., 2:])
show('newaxis', lambda: x[tf.newaxis, 1, :, None])
show('newaxis_ell', lambda: x[..., None, ::2])
show('neg_stride', lambda: x[::-1, ::-2, -1])
show('neg_stride2', lambda: x[2:0:-1, 3::-2, 4:1:-1])
show('neg_index', lambda: x[-1, -2, -3])
show('out_of_range_slice', lambda: x[5:10, 2:100])
show('empty_neg', lambda: x[1:0])
show('shrink_oob', lambda: x[3])
show('shrink_neg_oob', lambda: x[-4])
show('tensor_index', lambda: x[tf.constant(1), tf.constant(-1)])
show('tensor_slice', lambda: x[tf.constant(1):tf.constant(3), :2])
show('i64_index', lambda: x[tf.constant(1, tf.int64)])
show('np_int', lambda: x[np.int64(2), np.int32(1)])
show('two_ell', lambda: x[..., ...])
show('float_index', lambda: x[1.0])
show('list_index', lambda: x[[0, 1]])
show('zero_step', lambda: x[::0])
show('bool_index', lambda: x[True])
show('ss_masks', lambda: tf.strided_slice(x, [0, 1, 0], [2, 3, 5], [1, 1, 2], begin_mask=1, end_mask=4, shrink_axis_mask=2))
show('ss_ellipsis', lambda: tf.strided_slice(x, [0, 1], [1, 3], [1, 1], ellipsis_mask=1))
show('ss_newaxis', lambda: tf.strided_slice(x, [0, 0], [1, 2], [1, 1], new_axis_mask=1))
show('ss_neg', lambda: tf.strided_slice(x, [-1, 0, 4], [0, 4, 0], [-1, 2, -1]))
show('slice_fn', lambda: tf.slice(x, [1, 0, 2], [2, -1, 2]))
show('slice_bad', lambda: tf.slice(x, [1, 0, 2], [3, -1, 2]))
show('slice_neg_begin', lambda: tf.slice(x, [-1, 0, 0], [1, 1, 1]))
v = tf.Variable(tf.reshape(tf.range(60.0), [3, 4, 5]))
for name, f in [('g_ell', lambda: v[..., 1:4:2] * 2.0),
                ('g_neg', lambda: v[::-1, ::-2, -1]),
                ('g_newaxis', lambda: v[None, 1, ..., None]),
                ('g_dup', lambda: tf.concat([v[0, 0], v[0, 0], v[:1, 0, :][0]], 0)),
                ('g_tensor_idx', lambda: v[tf.constant(2), 1:, tf.constant(-1)]),
                ('g_slice', lambda: tf.slice(v, [1, 1, 1], [-1, 2, 3])),
                ('g_ss', lambda: tf.strided_slice(v, [0, 1, 0], [2, 3, 5], [1, 1, 2], begin_mask=1, end_mask=4, shrink_axis_mask=2)),
                ('g_oob', lambda: v[2:10, 3:, 4:])]:
    with tf.GradientTape() as tape:
        y = f()
        loss = tf.reduce_sum(y * tf.reshape(tf.range(1.0, tf.cast(tf.size(y), tf.float32) + 1.0), tf.shape(y)))
    g = tape.gradient(loss, v)
    print(name, y.shape, tf.convert_to_tensor(g).numpy().tolist())
