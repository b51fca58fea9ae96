# Every common tf.math unary op on special values, in float32/float64 and (where TF allows) int32.
# tf_compat: rtol=2e-6 atol=1e-6
import tensorflow as tf
import numpy as np

vals = [-np.inf, -2.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.5, 100.0, np.inf, np.nan]
names = ['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'digamma', 'erf', 'erfc',
         'exp', 'expm1', 'floor', 'is_finite', 'is_inf', 'is_nan', 'lgamma', 'log', 'log1p', 'log_sigmoid',
         'negative', 'reciprocal', 'reciprocal_no_nan', 'rint', 'round', 'rsqrt', 'sigmoid', 'sign', 'sin', 'sinh',
         'softplus', 'softsign', 'sqrt', 'square', 'tan', 'tanh', 'erfinv', 'ndtri', 'bessel_i0e', 'bessel_i1e',
         'logical_not', 'conj', 'real', 'imag', 'angle']
# TF quirks tapegrad does not copy: in math_tf_quirks.py
QUIRKS = {'float64': ('erf',), 'int32': ('reciprocal',), 'bool': ('reciprocal_no_nan',),
          'complex64': ('round', 'reciprocal', 'rsqrt')}
for dtype in (tf.float32, tf.float64, tf.int32, tf.bool, tf.complex64):
    skip = QUIRKS.get(dtype.name, ())
    if dtype.is_integer:
        x = tf.constant([-3, -1, 0, 1, 2, 7], dtype)
    elif dtype.is_bool:
        x = tf.constant([True, False])
    elif dtype.is_complex:
        x = tf.complex(tf.constant([-1.0, 0.0, 2.5]), tf.constant([1.0, 0.0, -0.5]))
        x = tf.cast(x, dtype)
    else:
        x = tf.constant(vals, dtype)
    for n in names:
        if n in skip:
            continue
        fn = getattr(tf.math, n, None)
        if fn is None:
            print(n, 'missing')
            continue
        try:
            y = fn(x)
            print(dtype.name, n, y.dtype.name, y.numpy().tolist())
        except Exception as e:
            print(dtype.name, n, type(e).__name__)
