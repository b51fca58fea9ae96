import tensorflow as tf

x = tf.reshape(tf.range(12), [3, 4])
print(tf.reshape(x, [-1]), tf.reshape(x, [2, -1]).shape, tf.reshape(x, (4, 3)).shape)
print(tf.transpose(x), tf.transpose(tf.zeros([2, 3, 4]), perm=[2, 0, 1]).shape)
print(tf.concat([x, x], 0).shape, tf.concat([x, x], axis=-1).shape)
print(tf.stack([x, x]).shape, tf.stack([x, x], axis=1).shape, tf.stack([1, 2, 3]))
print(tf.unstack(x)[1], len(tf.unstack(x, axis=1)))
print(tf.split(x, 2, axis=1)[0], [t.shape for t in tf.split(x, [1, 3], axis=1)])
print(tf.squeeze(tf.zeros([1, 3, 1])).shape, tf.squeeze(tf.zeros([1, 3, 1]), axis=[0]).shape)
print(tf.expand_dims(x, 0).shape, tf.expand_dims(x, -1).shape)
print(tf.tile(tf.constant([[1, 2]]), [2, 2]))
print(tf.pad(tf.constant([[1, 2]]), [[1, 0], [0, 2]]))
print(tf.pad(tf.constant([[1, 2, 3]]), [[0, 0], [2, 2]], mode='REFLECT'))
print(tf.pad(tf.constant([[1, 2, 3]]), [[0, 0], [1, 1]], mode='SYMMETRIC', constant_values=0))
print(tf.reverse(x, [0]), tf.reverse(x, axis=[-1])[0])
print(tf.boolean_mask(x, x % 2 == 0), tf.boolean_mask(x, [True, False, True]))
print(tf.sequence_mask([1, 3], 4), tf.sequence_mask([2, 0]))
print(tf.sort(tf.constant([3, 1, 2])), tf.sort([3.0, 1.0, 2.0], direction='DESCENDING'))
print(tf.argsort(tf.constant([3, 1, 2])))
u = tf.unique(tf.constant([1, 1, 2, 4, 4, 4, 7]))
print(u.y, u.idx)
print(tf.math.top_k(tf.constant([1, 3, 2]), 2))
print(tf.roll(tf.range(5), 2, axis=0))
print(tf.einsum('ij,jk->ik', tf.ones([2, 3]), tf.ones([3, 2])), tf.einsum('ii', tf.eye(3)))
print(tf.matmul(tf.ones([5, 2, 3]), tf.ones([5, 3, 4])).shape, tf.linalg.matmul(tf.ones([2, 3]), tf.ones([2, 3]), transpose_a=True).shape)
print(tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), axes=1).shape, tf.tensordot(tf.ones([2, 3]), tf.ones([2, 3]), axes=[[0, 1], [0, 1]]))
print(tf.meshgrid(tf.range(2), tf.range(3))[0])
print(tf.repeat(tf.constant([1, 2]), 2), tf.repeat(tf.constant([[1, 2]]), [1, 2], axis=1))
print(tf.clip_by_value(x, 2, 5)[0])
try:
    tf.reshape(x, [5, -1])
except Exception as e:
    print(type(e).__name__)
try:
    tf.concat([x, tf.zeros([3, 4])], 0)
except Exception as e:
    print(type(e).__name__)
try:
    tf.stack([x, tf.zeros([4, 3], tf.int32)])
except Exception as e:
    print(type(e).__name__)
try:
    tf.squeeze(tf.zeros([2, 3]), axis=0)
except Exception as e:
    print(type(e).__name__)
try:
    tf.transpose(x, [0, 0])
except Exception as e:
    print(type(e).__name__)
try:
    tf.split(x, 3, axis=1)
except Exception as e:
    print(type(e).__name__)
