import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        print(name, repr(r))
    except Exception as e:
        print(name, type(e).__name__)


data = tf.constant([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [-7.0, 8.0], [9.0, 10.0]])
ids = tf.constant([0, 0, 1, 3, 3])
show('seg_sum', lambda: tf.math.segment_sum(data, ids))
show('seg_mean', lambda: tf.math.segment_mean(data, ids))
show('seg_max', lambda: tf.math.segment_max(data, ids))
show('seg_min', lambda: tf.math.segment_min(data, ids))
show('seg_prod', lambda: tf.math.segment_prod(data, ids))
show('seg_int', lambda: tf.math.segment_sum(tf.constant([1, 2, 3]), [0, 1, 1]))
show('seg_i64', lambda: tf.math.segment_sum(data, tf.constant([0, 0, 1, 1, 2], tf.int64)))
show('seg_unsorted_err', lambda: tf.math.segment_sum(data, [1, 0, 0, 1, 1]))
show('seg_len_err', lambda: tf.math.segment_sum(data, [0, 0, 1]))
show('seg_neg', lambda: tf.math.segment_sum(data, [-1, 0, 0, 1, 1]))
show('useg_sum', lambda: tf.math.unsorted_segment_sum(data, [2, 0, 2, -1, 0], 4))
show('useg_max', lambda: tf.math.unsorted_segment_max(data, [2, 0, 2, 1, 0], 4))
show('useg_min', lambda: tf.math.unsorted_segment_min(data, [2, 0, 2, 1, 0], 4))
show('useg_prod', lambda: tf.math.unsorted_segment_prod(data, [2, 0, 2, 1, 0], 4))
show('useg_mean', lambda: tf.math.unsorted_segment_mean(data, [2, 0, 2, 1, 0], 4))
show('useg_sqrtn', lambda: tf.math.unsorted_segment_sqrt_n(data, [2, 0, 2, 1, 0], 4))
show('useg_2d_ids', lambda: tf.math.unsorted_segment_sum(tf.reshape(tf.range(6), [2, 3]), [[0, 1, 0], [1, 1, 2]], 3))
show('useg_oob', lambda: tf.math.unsorted_segment_sum(data, [0, 5, 0, 1, 1], 3))
show('useg_int_max', lambda: tf.math.unsorted_segment_max(tf.constant([1, 5, 2]), [0, 0, 2], 3))
show('useg_num_t', lambda: tf.math.unsorted_segment_sum(data, ids, tf.constant(4, tf.int64)))
v = tf.Variable(data)
for name, f in [('g_seg_sum', lambda: tf.math.segment_sum(v, ids)),
                ('g_seg_mean', lambda: tf.math.segment_mean(v, ids)),
                ('g_seg_max', lambda: tf.math.segment_max(v, ids)),
                ('g_seg_min', lambda: tf.math.segment_min(v, ids)),
                ('g_seg_prod', lambda: tf.math.segment_prod(v, ids)),
                ('g_useg_max', lambda: tf.math.unsorted_segment_max(v, [2, 0, 2, 1, 0], 4)),
                ('g_useg_max_tie', lambda: tf.math.unsorted_segment_max(tf.abs(v), [0, 0, 0, 1, 0], 2)),
                ('g_useg_prod', lambda: tf.math.unsorted_segment_prod(v, [2, 0, 2, 1, 0], 4)),
                ('g_useg_mean', lambda: tf.math.unsorted_segment_mean(v, [2, 0, 2, -1, 0], 4)),
                ('g_useg_sqrtn', lambda: tf.math.unsorted_segment_sqrt_n(v, [2, 0, 2, 1, 0], 4)),
                ('g_useg_neg', lambda: tf.math.unsorted_segment_sum(v, [2, 0, -1, 1, 0], 4))]:
    with tf.GradientTape() as tape:
        y = f()
        loss = tf.reduce_sum(y * tf.reshape(tf.range(tf.size(y), dtype=tf.float32), tf.shape(y)))
    g = tape.gradient(loss, v)
    print(name, tf.convert_to_tensor(g).numpy().tolist())
z = tf.constant([0.0, 2.0, 0.0])
vz = tf.Variable([[0.0, 2.0], [3.0, 0.0], [0.0, 1.0]])
with tf.GradientTape(persistent=True) as tape:
    p1 = tf.math.segment_prod(vz, [0, 0, 1])
    p2 = tf.math.unsorted_segment_prod(vz, [0, 0, 0], 1)
print(tape.gradient(p1, vz).numpy().tolist(), tape.gradient(p2, vz).numpy().tolist())
