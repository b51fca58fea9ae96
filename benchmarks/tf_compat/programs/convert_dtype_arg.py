import tensorflow as tf
import numpy as np

def err(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__)

err(lambda: tf.constant(1.5, dtype=tf.int32))
err(lambda: tf.constant(1, dtype=tf.float32))
err(lambda: tf.constant([1, 2], dtype=tf.float64))
err(lambda: tf.constant(np.array([1.7, -2.7]), dtype=tf.int32))
err(lambda: tf.constant(tf.constant([1.5, 2.5]), dtype=tf.int32))
err(lambda: tf.convert_to_tensor(tf.constant(1.0), dtype=tf.float64))
err(lambda: tf.convert_to_tensor(np.array([1.5]), dtype=tf.float32))
err(lambda: tf.convert_to_tensor(1.0, dtype=tf.int32))
err(lambda: tf.convert_to_tensor(True, dtype=tf.int32))
err(lambda: tf.convert_to_tensor(1, dtype=tf.bool))
err(lambda: tf.constant(-1, dtype=tf.uint8))
err(lambda: tf.constant(300, dtype=tf.uint8))
err(lambda: tf.constant(2**31, dtype=tf.int32))
err(lambda: tf.constant(2**31))
err(lambda: tf.constant(2**63))
err(lambda: tf.constant([1, 'a']))
err(lambda: tf.constant([[1, 2], [3]]))
err(lambda: tf.constant(None))
err(lambda: tf.constant(1.0, shape=[2, 3]))
err(lambda: tf.constant([1, 2, 3, 4], shape=[2, 2]))
err(lambda: tf.constant([1, 2, 3], shape=[2, 2]))
err(lambda: tf.convert_to_tensor(2.0, dtype_hint=tf.int32))
err(lambda: tf.convert_to_tensor(2, dtype_hint=tf.float32))
err(lambda: tf.constant(1e40, dtype=tf.float32))
err(lambda: tf.constant(np.float64(1e40), dtype=tf.float32))
