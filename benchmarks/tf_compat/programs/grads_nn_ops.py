# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(3)
img = tf.constant(rng.normal(size=(2, 5, 5, 2)).astype(np.float32))
k = tf.Variable(rng.normal(size=(3, 3, 2, 4)).astype(np.float32))
with tf.GradientTape(persistent=True) as tape:
    tape.watch(img)
    c_same = tf.nn.conv2d(img, k, strides=1, padding='SAME')
    c_valid = tf.nn.conv2d(img, k, strides=[1, 2, 2, 1], padding='VALID')
    mp = tf.nn.max_pool2d(c_same, ksize=2, strides=2, padding='VALID')
    ap = tf.nn.avg_pool2d(c_same, ksize=3, strides=1, padding='SAME')
    loss = tf.reduce_sum(mp ** 2) + tf.reduce_mean(ap) + tf.reduce_sum(c_valid)
print(c_same.shape, c_valid.shape, mp.shape, ap.shape)
gk, gi = tape.gradient(loss, [k, img])
print(gk.shape, gi.shape)
print(np.round(tf.reduce_sum(gk, axis=[0, 1]).numpy(), 3))
print(np.round(tf.reduce_sum(gi, axis=[1, 2]).numpy(), 3))
x = tf.Variable([[-1.0, 0.0, 2.0]])
with tf.GradientTape(persistent=True) as tape:
    acts = [tf.nn.relu(x), tf.nn.elu(x), tf.nn.selu(x), tf.nn.gelu(x), tf.nn.silu(x), tf.nn.softplus(x),
            tf.nn.leaky_relu(x, 0.3), tf.nn.relu6(x * 4), tf.sigmoid(x), tf.tanh(x), tf.nn.softsign(x)]
for a in acts:
    print(np.round(tape.gradient(a, x).numpy(), 5).tolist())
