import tensorflow as tf

x = tf.Variable(3.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy = t1.gradient(y, x)
d2 = t2.gradient(dy, x)
print("y:", y)
print("dy/dx:", dy)
print("d2y/dx2:", d2)

x = tf.constant(0.5)
with tf.GradientTape() as t3:
    t3.watch(x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = tf.tanh(x)
        g1 = t1.gradient(y, x)
    g2 = t2.gradient(g1, x)
g3 = t3.gradient(g2, x)
print(g1.numpy(), g2.numpy(), g3.numpy())

# hessian-vector product style
w = tf.Variable([1.0, 2.0, 3.0])
v = tf.constant([1.0, 0.0, -1.0])
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        loss = tf.reduce_sum(w ** 3)
    g = inner.gradient(loss, w)
    gv = tf.reduce_sum(g * v)
print(outer.gradient(gv, w))
