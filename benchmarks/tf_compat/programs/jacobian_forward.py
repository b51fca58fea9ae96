import tensorflow as tf

x = tf.Variable([1.0, 2.0])
u = tf.Variable([3.0])
with tf.GradientTape(persistent=True) as tape:
    y = tf.stack([x[0] * x[1], x[0] ** 2, 3.0 * x[1]])
    z = y * 2
print(tape.jacobian(y, x))
print(tape.jacobian(y, u))
print(tape.jacobian(y, u, unconnected_gradients='zero'))
print(tape.jacobian(z, [x, u], unconnected_gradients=tf.UnconnectedGradients.ZERO))
print(tape.jacobian(y, x, experimental_use_pfor=False))
a = tf.Variable(tf.ones([2, 3]))
with tf.GradientTape() as tape:
    b = tf.nn.softmax(a * tf.constant([1.0, 2.0, 3.0]))
bj = tape.batch_jacobian(b, a)
print(bj.shape)
print(tf.round(bj * 1000) / 1000)
primal = tf.constant([1.0, 2.0])
tangent = tf.constant([1.0, 0.0])
with tf.autodiff.ForwardAccumulator(primal, tangent) as acc:
    out = tf.reduce_sum(primal ** 3)
print(acc.jvp(out))
v = tf.Variable(2.0)
with tf.autodiff.ForwardAccumulator(v, tf.constant(1.0)) as acc:
    out = v * v * v
print(acc.jvp(out))
with tf.GradientTape() as tape:
    tape.watch(primal)
    with tf.autodiff.ForwardAccumulator(primal, tangent) as acc:
        out = tf.reduce_sum(tf.sin(primal))
    jvp = acc.jvp(out)
print(jvp, tape.gradient(jvp, primal))
