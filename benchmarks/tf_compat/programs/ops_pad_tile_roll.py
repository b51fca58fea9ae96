import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        print(name, repr(r))
    except Exception as e:
        print(name, type(e).__name__)


x = tf.reshape(tf.range(1, 7), [2, 3])
show('pad_reflect2', lambda: tf.pad(x, [[1, 1], [2, 2]], mode='REFLECT'))
show('pad_symm', lambda: tf.pad(x, [[2, 2], [3, 3]], mode='SYMMETRIC'))
show('pad_lower', lambda: tf.pad(x, [[0, 1], [1, 0]], mode='reflect'))
show('pad_reflect_big', lambda: tf.pad(x, [[0, 0], [3, 0]], mode='REFLECT'))
show('pad_symm_big', lambda: tf.pad(x, [[0, 0], [4, 0]], mode='SYMMETRIC'))
show('pad_const', lambda: tf.pad(x, [[1, 0], [0, 1]], constant_values=-1))
show('pad_const_f', lambda: tf.pad(tf.cast(x, tf.float32), [[1, 0], [0, 1]], constant_values=2.5))
show('pad_neg', lambda: tf.pad(x, [[-1, 0], [0, 0]]))
show('pad_bad_shape', lambda: tf.pad(x, [[1, 1]]))
show('pad_bad_mode', lambda: tf.pad(x, [[1, 1], [0, 0]], mode='EDGE'))
show('pad_tensor', lambda: tf.pad(x, tf.constant([[1, 0], [0, 2]])))
show('pad_bool', lambda: tf.pad(tf.constant([True]), [[1, 1]]))
show('tile_3d', lambda: tf.tile(tf.reshape(x, [1, 2, 3]), [2, 1, 2]))
show('tile_zero', lambda: tf.tile(x, [0, 2]))
show('tile_bad', lambda: tf.tile(x, [2]))
show('tile_neg', lambda: tf.tile(x, [-1, 1]))
show('tile_tensor', lambda: tf.tile(x, tf.constant([1, 2], tf.int64)))
show('roll_multi', lambda: tf.roll(x, shift=[1, -1], axis=[0, 1]))
show('roll_same_axis', lambda: tf.roll(x, shift=[1, 2], axis=[1, 1]))
show('roll_big', lambda: tf.roll(x, shift=7, axis=1))
show('roll_neg_axis', lambda: tf.roll(x, shift=1, axis=-1))
show('roll_bad', lambda: tf.roll(x, shift=[1, 2], axis=[0]))
show('reverse_multi', lambda: tf.reverse(x, axis=[0, 1]))
show('reverse_dup', lambda: tf.reverse(x, axis=[0, 0]))
show('reverse_bad', lambda: tf.reverse(x, axis=[2]))
show('revseq', lambda: tf.reverse_sequence(tf.reshape(tf.range(12), [3, 4]), [1, 3, 4], seq_axis=1, batch_axis=0))
show('revseq_t', lambda: tf.reverse_sequence(tf.reshape(tf.range(12), [4, 3]), [2, 0, 3], seq_axis=0, batch_axis=1))
show('revseq_bad', lambda: tf.reverse_sequence(tf.reshape(tf.range(12), [3, 4]), [1, 5, 4], seq_axis=1, batch_axis=0))
show('repeat_none', lambda: tf.repeat(x, 2))
show('repeat_t', lambda: tf.repeat(x, tf.constant([1, 0, 2]), axis=1))
show('repeat_bad', lambda: tf.repeat(x, [1, 2, 3], axis=0))
show('bcast_to', lambda: tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]))
show('bcast_to_bad', lambda: tf.broadcast_to(tf.constant([1, 2, 3]), [2, 2]))
show('bcast_dyn', lambda: tf.broadcast_dynamic_shape([2, 1], [1, 3]))
show('bcast_static', lambda: tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([4, 1, 3])))
show('bcast_dyn_bad', lambda: tf.broadcast_dynamic_shape([2, 3], [4, 3]))
show('mirror_pad_grad_shape', lambda: tf.pad(tf.ones([3, 3]), [[2, 2], [2, 2]], mode='REFLECT').shape)
v = tf.Variable(tf.reshape(tf.range(1.0, 7.0), [2, 3]))
w = tf.constant(tf.reshape(tf.range(1.0, 31.0), [5, 6]))
for name, f in [('g_reflect', lambda: tf.pad(v, [[1, 2], [2, 1]], mode='REFLECT')[:, :6] if False else tf.pad(v, [[1, 1], [2, 1]], mode='REFLECT')),
                ('g_symm', lambda: tf.pad(v, [[2, 1], [3, 0]], mode='SYMMETRIC')),
                ('g_const', lambda: tf.pad(v, [[1, 0], [0, 2]], constant_values=3.0)),
                ('g_tile', lambda: tf.tile(v, [2, 2])),
                ('g_roll', lambda: tf.roll(v, [1, 2], [0, 1])),
                ('g_revseq', lambda: tf.reverse_sequence(v, [2, 3], seq_axis=1, batch_axis=0)),
                ('g_repeat', lambda: tf.repeat(v, [2, 0, 1], axis=1)),
                ('g_bcast', lambda: tf.broadcast_to(v[:1], [4, 3]))]:
    with tf.GradientTape() as tape:
        y = f()
        flat = tf.reshape(y, [-1])
        loss = tf.reduce_sum(flat * tf.range(1.0, tf.cast(tf.size(flat), tf.float32) + 1.0))
    print(name, y.shape, tape.gradient(loss, v).numpy().tolist())
