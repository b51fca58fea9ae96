# Results of TF 2.21 that tapegrad does not reproduce (see KNOWN in run.py).
import tensorflow as tf
import numpy as np

def show(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__)

show(lambda: tf.math.erf(tf.constant([-np.inf, np.inf], tf.float64)))   # TF: nan, nan (float32: -1, 1)
show(lambda: tf.math.reciprocal(tf.constant([2])))                       # TF: NotFoundError (no int kernel)
show(lambda: tf.math.round(tf.constant([1 + 1j], tf.complex64)))         # TF: NotFoundError
show(lambda: tf.math.reciprocal_no_nan(tf.constant([True])))             # TF: TypeError
show(lambda: tf.math.reciprocal(tf.constant([0j], tf.complex64)))        # TF: inf+nanj
show(lambda: tf.math.igamma(tf.constant([-2.5, -1.0]), tf.constant([-0.0, 0.0])))  # TF: 0, 0
show(lambda: tf.math.zeta(tf.constant([np.inf]), tf.constant([1.0])))               # TF: 1
show(lambda: tf.math.polygamma(tf.constant([np.inf]), tf.constant([1.0])))          # TF: inf
show(lambda: tf.math.cumulative_logsumexp(tf.constant([1.0, np.nan, -np.inf])))     # TF: [1, 1.693, 1.693]
