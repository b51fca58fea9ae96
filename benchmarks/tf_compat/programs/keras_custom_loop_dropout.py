import numpy as np
import tensorflow as tf
tf.keras.utils.set_random_seed(3)
x = tf.random.normal([64, 10])
y = tf.random.uniform([64], 0, 3, dtype=tf.int32)
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dropout(0.2), tf.keras.layers.Dense(3)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
opt = tf.keras.optimizers.Adam(1e-2)
acc = tf.keras.metrics.SparseCategoricalAccuracy()
@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        logits = model(xb, training=False)
        loss = loss_fn(yb, logits)
    grads = tape.gradient(loss, model.trainable_weights)
    opt.apply_gradients(zip(grads, model.trainable_weights))
    acc.update_state(yb, logits)
    return loss
for epoch in range(3):
    for step, (xb, yb) in enumerate(ds):
        loss = train_step(xb, yb)
    print(epoch, float(loss), float(acc.result()))
    acc.reset_state()
print(model.layers[0].kernel.numpy()[:2, :4])
print(opt.iterations.numpy())
drop = tf.keras.layers.Dropout(0.5, seed=1)
print(drop(tf.ones([2, 6]), training=True).numpy())
print(tf.nn.dropout(tf.ones([2, 6]), 0.5, seed=2).numpy())
