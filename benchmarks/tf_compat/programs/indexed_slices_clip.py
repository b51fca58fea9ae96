import tensorflow as tf

emb = tf.Variable(tf.reshape(tf.range(12.0), [4, 3]))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.gather(emb, [1, 1]))
g = tape.gradient(y, emb)
c = tf.clip_by_norm(g, 1.0)
print(type(c).__name__)
print(tf.convert_to_tensor(c))
print(tf.clip_by_global_norm([g], 1.0)[1])
print(tf.linalg.global_norm([g]))
