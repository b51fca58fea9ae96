import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        print(name, repr(r))
    except Exception as e:
        print(name, type(e).__name__)


x = tf.constant([[3.0, 1.0, 2.0, 1.0], [0.5, -2.0, 7.0, 0.5]])
show('sort_axis0', lambda: tf.sort(x, axis=0))
show('sort_desc', lambda: tf.sort(x, direction='DESCENDING'))
show('sort_bad_dir', lambda: tf.sort(x, direction='UP'))
show('sort_int', lambda: tf.sort(tf.constant([3, -1, 2], tf.int64)))
show('sort_nan', lambda: tf.sort(tf.constant([3.0, float('nan'), 1.0])))
show('argsort_stable', lambda: tf.argsort(x, stable=True))
show('argsort_desc', lambda: tf.argsort(x, direction='DESCENDING', stable=True))
show('argsort_axis0', lambda: tf.argsort(x, axis=0))
show('topk', lambda: tf.math.top_k(x, k=3))
show('topk_sorted_false', lambda: tf.math.top_k(tf.constant([1, 5, 3, 5]), k=2, sorted=True).indices)
show('topk_k0', lambda: tf.math.top_k(x, k=0))
show('topk_bad', lambda: tf.math.top_k(x, k=5))
show('topk_neg', lambda: tf.math.top_k(x, k=-1))
show('topk_tensor_k', lambda: tf.math.top_k(x, k=tf.constant(2)).values)
show('topk_i64idx', lambda: tf.math.top_k(x, k=1, index_type=tf.int64).indices)
show('cumsum', lambda: tf.cumsum(x, axis=1))
show('cumsum_ex', lambda: tf.cumsum(x, axis=1, exclusive=True))
show('cumsum_rev', lambda: tf.cumsum(x, axis=1, reverse=True))
show('cumsum_exrev', lambda: tf.cumsum(x, axis=-1, exclusive=True, reverse=True))
show('cumsum_int', lambda: tf.cumsum(tf.constant([1, 2, 3])))
show('cumsum_bool', lambda: tf.cumsum(tf.constant([True, False])))
show('cumsum_badaxis', lambda: tf.cumsum(x, axis=2))
show('cumprod_ex', lambda: tf.math.cumprod(x, axis=1, exclusive=True))
show('cumprod_exrev', lambda: tf.math.cumprod(x, axis=0, exclusive=True, reverse=True))
show('cumlse', lambda: tf.math.cumulative_logsumexp(x, axis=1, exclusive=True))
show('cumlse_rev', lambda: tf.math.cumulative_logsumexp(x, axis=1, reverse=True))
v = tf.Variable([[3.0, 1.0, 2.0, 1.5], [0.5, -2.0, 7.0, 0.25]])
w = tf.constant([[1.0, 2.0, 3.0, 4.0], [-1.0, 5.0, 0.5, 2.0]])
for name, f in [('g_sort', lambda: tf.sort(v, axis=1) * w),
                ('g_sort_desc0', lambda: tf.sort(v, axis=0, direction='DESCENDING') * w),
                ('g_topk', lambda: tf.math.top_k(v, k=2).values * w[:, :2]),
                ('g_topk_ties', lambda: tf.math.top_k(tf.round(v / 10.0) + v * 0.0 + tf.stop_gradient(v) * 0.0 + v, k=3).values),
                ('g_cumsum_ex', lambda: tf.cumsum(v, axis=1, exclusive=True) * w),
                ('g_cumsum_rev', lambda: tf.cumsum(v, axis=0, reverse=True) * w),
                ('g_cumprod', lambda: tf.math.cumprod(v, axis=1) * w),
                ('g_cumprod_ex_rev', lambda: tf.math.cumprod(v, axis=1, exclusive=True, reverse=True) * w),
                ('g_cumlse', lambda: tf.math.cumulative_logsumexp(v, axis=1) * w),
                ('g_cumlse_ex', lambda: tf.math.cumulative_logsumexp(v, axis=1, exclusive=True, reverse=True) * w),
                ('g_max_ties', lambda: tf.reduce_max(tf.constant([[1.0, 1.0, 1.0, 0.0], [2.0, 2.0, 0.0, 0.0]]) * v, axis=1)),
                ('g_min_ties', lambda: tf.reduce_min(tf.constant([[1.0, 1.0, 1.0, 9.0], [2.0, 2.0, 9.0, 9.0]]) * tf.ones_like(v) + v * 0.0, axis=1))]:
    with tf.GradientTape() as tape:
        y = f()
    g = tape.gradient(y, v)
    print(name, None if g is None else (np.round(g.numpy(), 4) + 0.0).tolist())
z = tf.Variable([0.0, 2.0, 0.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    c1 = tf.math.cumprod(z)
    c2 = tf.math.cumprod(z, exclusive=True)
    c3 = tf.reduce_prod(z)
    c4 = tf.reduce_prod(z[1:])
print(tape.gradient(c1, z), tape.gradient(c2, z), tape.gradient(c3, z), tape.gradient(c4, z))
