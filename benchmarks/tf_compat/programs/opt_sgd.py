import tensorflow as tf

x = tf.Variable(2.0)
opt = tf.keras.optimizers.SGD(learning_rate=0.1)
for i in range(5):
    with tf.GradientTape() as tape:
        loss = (x - 5.0) ** 2
    grads = tape.gradient(loss, [x])
    opt.apply_gradients(zip(grads, [x]))
    print(i, x.numpy(), loss.numpy())
print(opt.iterations.numpy())

w = tf.Variable([1.0, -1.0])
opt = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w ** 2)
    opt.apply_gradients([(tape.gradient(loss, w), w)])
print(w.numpy())
v = tf.Variable(1.0)
opt = tf.keras.optimizers.SGD(0.5)
with tf.GradientTape() as tape:
    loss = v * v
opt.apply_gradients([(tape.gradient(loss, v), v)])
print(v.numpy())
print(float(opt.learning_rate))
