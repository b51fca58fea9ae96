import tensorflow as tf

x = tf.Variable([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
with tf.GradientTape(persistent=True) as tape:
    s = tf.reduce_sum(x, axis=1, keepdims=True)
    m = tf.reduce_mean(x, axis=[0, 1])
    mx = tf.reduce_max(x, axis=0)
    p = tf.reduce_prod(x, axis=1)
    lse = tf.reduce_logsumexp(x)
    sd = tf.math.reduce_std(x, axis=1)
    n = tf.norm(x)
print(tape.gradient(s, x))
print(tape.gradient(m, x))
print(tape.gradient(mx, x))
print(tape.gradient(p, x))
print(tape.gradient(lse, x))
print(tape.gradient(sd, x))
print(tape.gradient(n, x))
t = tf.Variable([2.0, 2.0, 1.0])
with tf.GradientTape() as tape:
    y = tf.reduce_max(t)
print(tape.gradient(y, t))
with tf.GradientTape() as tape:
    y = tf.reduce_min(t * 0)
print(tape.gradient(y, t))
