import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        print(name, repr(r))
    except Exception as e:
        print(name, type(e).__name__)


x = tf.reshape(tf.range(12.0), [3, 4])
show('bm_2d', lambda: tf.boolean_mask(x, [[True, False, True, False], [False] * 4, [True] * 4]))
show('bm_axis', lambda: tf.boolean_mask(x, [True, False, True, True], axis=1))
show('bm_bad', lambda: tf.boolean_mask(x, [True, False]))
show('bm_int', lambda: tf.boolean_mask(x, [1, 0, 1]))
show('bm_empty', lambda: tf.boolean_mask(x, [False, False, False]))
show('bm_scalar', lambda: tf.boolean_mask(tf.constant(1.0), True))
show('bool_getitem', lambda: x[x > 5.0])
show('where1', lambda: tf.where(x > 8.0))
show('where1_1d', lambda: tf.where([True, False, True]))
show('where3_bcast', lambda: tf.where([[True], [False], [True]], x, -1.0))
show('where_bad', lambda: tf.where([True, False], x, x))
show('dp', lambda: tf.dynamic_partition(x, [0, 1, 0], 2))
show('dp_elem', lambda: tf.dynamic_partition(tf.constant([10, 20, 30, 40]), [1, 1, 0, 2], 3))
show('dp_empty', lambda: tf.dynamic_partition(tf.constant([10, 20]), [0, 0], 2))
show('dp_bad', lambda: tf.dynamic_partition(tf.constant([10, 20]), [0, 2], 2))
show('ds', lambda: tf.dynamic_stitch([[0, 2], [1, 3]], [[1.0, 3.0], [2.0, 4.0]]))
show('ds_dup', lambda: tf.dynamic_stitch([[0, 1], [1, 2]], [[1, 2], [3, 4]]))
show('ds_2d', lambda: tf.dynamic_stitch([[2], [0, 1]], [[[1.0, 1.0]], [[2.0, 2.0], [3.0, 3.0]]]))
show('ds_gap', lambda: tf.dynamic_stitch([[0], [3]], [[1], [2]]))
v = tf.Variable(x)
with tf.GradientTape(persistent=True) as tape:
    parts = tf.dynamic_partition(v, [1, 0, 1], 2)
    l1 = tf.reduce_sum(parts[0] * 2.0) + tf.reduce_sum(parts[1] * parts[1])
    st = tf.dynamic_stitch([[1, 0], [2, 1]], [v[:2], v[1:] * 3.0])
    l2 = tf.reduce_sum(st * tf.reshape(tf.range(12.0), [3, 4]))
    bm = tf.boolean_mask(v, v > 4.0)
    l3 = tf.reduce_sum(bm * bm)
    l4 = tf.reduce_sum(v[v > 6.0] * 3.0)
    l5 = tf.reduce_sum(tf.gather_nd(v, tf.where(v < 3.0)))
for l in (l1, l2, l3, l4, l5):
    print(tape.gradient(l, v).numpy().tolist())
