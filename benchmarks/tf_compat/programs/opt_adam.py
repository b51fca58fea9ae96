import tensorflow as tf

w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
b = tf.Variable([0.5, -0.5])
opt = tf.keras.optimizers.Adam(learning_rate=0.01)
x = tf.constant([[1.0, -1.0], [0.5, 2.0]])
y = tf.constant([[1.0, 0.0], [0.0, 1.0]])
for step in range(5):
    with tf.GradientTape() as tape:
        pred = tf.matmul(x, w) + b
        loss = tf.reduce_mean(tf.square(pred - y))
    grads = tape.gradient(loss, [w, b])
    opt.apply_gradients(zip(grads, [w, b]))
    print(step, round(float(loss), 5))
print(w.numpy())
print(b.numpy())
print(int(opt.iterations))
for name, o in [("rmsprop", tf.keras.optimizers.RMSprop(0.01)), ("adagrad", tf.keras.optimizers.Adagrad(0.1)),
                ("adamw", tf.keras.optimizers.AdamW(0.01, weight_decay=0.1)), ("adamax", tf.keras.optimizers.Adamax(0.01)),
                ("nadam", tf.keras.optimizers.Nadam(0.01)), ("adadelta", tf.keras.optimizers.Adadelta(1.0))]:
    v = tf.Variable([1.0, -2.0, 3.0])
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v ** 2 * tf.constant([1.0, 2.0, 3.0]))
        o.apply_gradients([(tape.gradient(loss, v), v)])
    print(name, v.numpy())
