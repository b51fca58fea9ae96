import tensorflow as tf

v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
v[0, 1].assign(20.0)
print(v.numpy())
v[1].assign([7.0, 8.0, 9.0])
print(v.numpy())
v[:, 2].assign([0.0, 0.0])
print(v.numpy())
v[::-1, 0].assign([100.0, 200.0])
print(v.numpy())
r = v[0].assign([1.0, 1.0, 1.0])
print(r.numpy())
try:
    v[0].assign([1.0, 2.0])
except Exception as e:
    print(type(e).__name__)
w = tf.Variable(tf.zeros([2, 2]))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(w[0] * 3)
print(tape.gradient(y, w))
