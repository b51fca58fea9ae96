import tensorflow as tf

emb = tf.Variable(tf.reshape(tf.range(12.0), [4, 3]))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.nn.embedding_lookup(emb, [0, 2, 0]) * 2)
g = tape.gradient(y, emb)
print(type(g).__name__)
print(g)
print(g.values, g.indices, g.dense_shape)
print(tf.convert_to_tensor(g))
print(g.shape, g.dtype)
opt = tf.keras.optimizers.SGD(0.1)
opt.apply_gradients([(g, emb)])
print(emb.numpy())
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.gather(emb, [1, 1]))
g2 = tape.gradient(y, emb)
print(tf.math.multiply(tf.convert_to_tensor(g2), 3.0))
