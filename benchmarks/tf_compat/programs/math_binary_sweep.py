# Binary tf.math ops on special values, float32/float64/int32/int64/uint8, values and error types.
import tensorflow as tf
import numpy as np

fa = [-np.inf, -2.5, -1.0, -0.0, 0.0, 1.0, 2.5, np.inf, np.nan]
fb = [2.0, -0.0, 0.0, np.inf, -1.5, 3.0, np.nan, 1.0, 2.0]
ia = [-7, -1, 0, 5, 7, 2**31 - 1 if False else 100]
ib = [2, -3, 5, 0, -2, 3]
names = ['add', 'subtract', 'multiply', 'divide', 'truediv', 'floordiv', 'floormod', 'mod', 'pow', 'maximum',
         'minimum', 'squared_difference', 'atan2', 'xlogy', 'xdivy', 'xlog1py', 'divide_no_nan', 'multiply_no_nan',
         'truncatediv', 'truncatemod', 'equal', 'not_equal', 'less', 'greater_equal',
         'nextafter']
for dtype in (tf.float32, tf.float64, tf.int32, tf.int64, tf.uint8):
    if dtype.is_integer:
        if dtype == tf.uint8:
            a, b = tf.constant([7, 1, 0, 5, 255, 3], dtype), tf.constant([2, 3, 5, 1, 2, 3], dtype)
        else:
            a, b = tf.constant(ia, dtype), tf.constant(ib, dtype)
    else:
        a, b = tf.constant(fa, dtype), tf.constant(fb, dtype)
    for n in names:
        fn = getattr(tf.math, n, None)
        if fn is None:
            print(n, 'missing')
            continue
        try:
            y = fn(a, b)
            print(dtype.name, n, y.dtype.name, y.numpy().tolist())
        except Exception as e:
            print(dtype.name, n, type(e).__name__)
