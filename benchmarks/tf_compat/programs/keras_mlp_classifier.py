# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(1)
x = rng.normal(size=(64, 5)).astype(np.float32)
labels = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1).astype(np.int64)

def init(shape, dtype=None):
    n = int(np.prod(shape))
    return tf.reshape(tf.cast(tf.linspace(-0.5, 0.5, n), dtype or tf.float32), shape)

model = tf.keras.Sequential([
    tf.keras.layers.Dense(8, activation='relu', kernel_initializer=init),
    tf.keras.layers.Dense(3, kernel_initializer=init),
])
model.build((None, 5))
print(len(model.trainable_variables), [v.shape for v in model.trainable_variables])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
opt = tf.keras.optimizers.Adam(0.05)
acc = tf.keras.metrics.SparseCategoricalAccuracy()
for step in range(8):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(labels, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    acc.update_state(labels, logits)
    print(step, round(float(loss), 5), round(float(acc.result()), 5))
acc.reset_state()
print(float(acc.result()))
print(model(x[:3]).numpy().round(4))
