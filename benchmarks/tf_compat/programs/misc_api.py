import tensorflow as tf
import numpy as np

print(tf.executing_eagerly())
print(tf.rank(tf.zeros([2, 3])).numpy(), tf.size(tf.zeros([2, 3])).numpy())
print(tf.shape(tf.zeros([2, 3])).numpy().tolist())
print(tf.TensorShape([2, None]).as_list(), tf.TensorShape([2, 3]) == (2, 3), tf.TensorShape(None))
print(tf.TensorShape([2, 3]).is_compatible_with([2, None]), tf.TensorShape([None, 3]).merge_with([4, 3]))
print(tf.TensorShape([2, 3])[1], tf.TensorShape([2, 3])[1:], len(tf.TensorShape([2, 3])))
x = tf.constant([[1, 2], [3, 4]])
print(x.shape.rank, x.shape.num_elements(), x.shape.dims if False else '')
print(tf.identity(x) is x, tf.stop_gradient(x).numpy().tolist())
print(tf.ensure_shape(x, [2, None]).shape)
try:
    tf.ensure_shape(x, [3, 2])
except Exception as e:
    print(type(e).__name__)
print(tf.math.add_n([x, x, x]))
print(tf.add_n([tf.constant(1.0), tf.constant(2.0)]))
print(tf.nest.flatten({'b': [1, 2], 'a': (3,)}), tf.nest.map_structure(lambda t: t * 2, {'a': [1, 2]}))
print(tf.nest.pack_sequence_as({'b': 0, 'a': 0}, [1, 2]))
print(tf.float32.as_numpy_dtype, tf.as_dtype(np.float64), tf.dtypes.as_dtype('bool'))
print(tf.constant(1).dtype.is_integer, tf.float16.is_floating, tf.complex64.real_dtype)
print(tf.name_scope('abc').__class__.__name__ != '', tf.device('/CPU:0').__class__.__name__ != '')
with tf.name_scope('scope'):
    v = tf.Variable(1.0, name='v')
print(v.name)
with tf.device('/CPU:0'):
    print(tf.constant(1.0).device.endswith('CPU:0'))
print(tf.config.list_physical_devices('GPU'), len(tf.config.list_physical_devices('CPU')))
print(tf.math.reduce_sum is tf.reduce_sum, tf.math.exp is tf.exp)
print(tf.newaxis)
