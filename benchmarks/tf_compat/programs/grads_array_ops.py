import tensorflow as tf

x = tf.Variable(tf.reshape(tf.range(6.0), [2, 3]))
w = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
with tf.GradientTape(persistent=True) as tape:
    outs = {
        'reshape': tf.reshape(x, [3, 2]) * tf.reshape(w, [3, 2]),
        'transpose': tf.transpose(x) * tf.transpose(w),
        'concat': tf.concat([x, x * 2], axis=1),
        'stack': tf.stack([x, w * x], axis=0),
        'tile': tf.tile(x, [2, 1]),
        'pad': tf.pad(x, [[1, 0], [0, 2]]) * 3,
        'reverse': tf.reverse(x, [1]) * w,
        'expand': tf.expand_dims(x, 0) * 2,
        'squeeze': tf.squeeze(tf.expand_dims(x, -1)) * w,
        'split': tf.split(x, 3, axis=1)[1] * 5,
        'unstack': tf.unstack(x)[0] * tf.constant([1.0, 2.0, 3.0]),
        'boolean_mask': tf.boolean_mask(x, w > 2.5),
        'where': tf.where(w > 3, x, x * x),
        'broadcast_to': tf.broadcast_to(x[0], [4, 3]),
        'sort': tf.sort(x * w, axis=1) * tf.constant([1.0, 10.0, 100.0]),
        'top_k': tf.math.top_k(x[1] * w[0], k=2).values,
        'cumsum': tf.cumsum(x, axis=1),
        'cumprod': tf.math.cumprod(x + 1, axis=0),
        'einsum': tf.einsum('ij,ij->i', x, w),
        'matmul': tf.matmul(x, w, transpose_b=True),
        'norm': tf.norm(x + 1, axis=1),
        'softmax': tf.nn.softmax(x) * w,
        'log_softmax': tf.nn.log_softmax(x, axis=0) * w,
        'segment': tf.math.unsorted_segment_sum(x, [1, 0], 2) * w,
        'gather_nd': tf.gather_nd(x, [[1, 2], [0, 0], [1, 2]]),
        'clip': tf.clip_by_value(x, 1.0, 4.0) * w,
        'roll': tf.roll(x, 1, axis=1) * w,
        'repeat': tf.repeat(x, [2, 1], axis=0),
        'linspace': x * tf.linspace(0.0, 1.0, 3),
    }
for k, v in outs.items():
    g = tape.gradient(v, x)
    print(k, None if g is None else g.numpy().tolist())
