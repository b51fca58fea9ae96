# Reductions on special values and dtypes: values, dtypes, error types.
import tensorflow as tf
import numpy as np

f = tf.constant([[1.0, np.nan, -np.inf], [2.0, np.inf, 0.0]])
i = tf.constant([[3, -1, 7], [0, 2, 2]])
u = tf.constant([[3, 1, 255], [0, 2, 2]], tf.uint8)
b = tf.constant([[True, False, True], [False, False, True]])
names = ['reduce_sum', 'reduce_mean', 'reduce_max', 'reduce_min', 'reduce_prod', 'reduce_any', 'reduce_all',
         'reduce_logsumexp', 'reduce_std', 'reduce_variance', 'reduce_euclidean_norm', 'argmax', 'argmin',
         'count_nonzero', 'cumsum', 'cumprod']
for x in (f, tf.cast(f, tf.float64), i, u, b, tf.zeros([0, 3])):
    for n in names:
        fn = getattr(tf.math, n)
        for axis in (None, 0, 1, -1):
            if n in ('argmax', 'argmin', 'cumsum', 'cumprod', 'cumulative_logsumexp') and axis is None:
                continue
            try:
                y = fn(x, axis=axis) if axis is not None else fn(x)
                print(x.dtype.name, x.shape, n, axis, y.dtype.name, y.numpy().tolist())
            except Exception as e:
                print(x.dtype.name, x.shape, n, axis, type(e).__name__)
