import tensorflow as tf

sched = tf.keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
print(float(sched(0)), float(sched(3)))
pc = tf.keras.optimizers.schedules.PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
print([float(pc(s)) for s in range(6)])
v = tf.Variable([3.0, 4.0])
opt = tf.keras.optimizers.SGD(learning_rate=sched, clipnorm=1.0)
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(v ** 2)
    opt.apply_gradients([(tape.gradient(loss, v), v)])
    print(v.numpy())
opt = tf.keras.optimizers.SGD(1.0, clipvalue=0.5)
w = tf.Variable([3.0, -4.0])
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(w ** 2)
opt.apply_gradients([(tape.gradient(loss, w), w)])
print(w.numpy())
opt = tf.keras.optimizers.SGD(1.0, global_clipnorm=1.0)
a, b = tf.Variable(3.0), tf.Variable(4.0)
with tf.GradientTape() as tape:
    loss = a * a / 2 + b * b / 2
opt.apply_gradients(zip(tape.gradient(loss, [a, b]), [a, b]))
print(a.numpy(), b.numpy())
g, n = tf.clip_by_global_norm([tf.constant([3.0]), tf.constant([4.0])], 1.0)
print(g, n)
print(tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0))
