# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(5)
x = rng.normal(size=(4, 6, 3)).astype(np.float32)
y = rng.normal(size=(4, 1)).astype(np.float32)

model = tf.keras.Sequential([tf.keras.Input((6, 3)), tf.keras.layers.LSTM(5, return_sequences=True),
                             tf.keras.layers.GRU(4), tf.keras.layers.Dense(1)])
model.set_weights([(rng.normal(size=w.shape) * 0.4).astype(np.float32) for w in model.get_weights()])
start = model.get_weights()
opt = tf.keras.optimizers.Adam(0.01)


def loss_and_grads():
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    return loss, tape.gradient(loss, model.trainable_variables)


eager_loss, eager_grads = loss_and_grads()
graph_loss, graph_grads = tf.function(loss_and_grads)()
print(round(float(eager_loss), 6), round(float(graph_loss), 6))
print(all(np.allclose(a.numpy(), b.numpy(), atol=1e-6) for a, b in zip(eager_grads, graph_grads)))
for g in graph_grads:
    print(g.shape, np.round(g.numpy(), 4))


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(xb, training=True) - yb))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return loss


for step in range(5):
    print(step, round(float(train_step(x, y)), 5))
print(np.round(model(x).numpy(), 5))

model.set_weights(start)
opt2 = tf.keras.optimizers.Adam(0.01)
for step in range(5):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    opt2.apply_gradients(zip(grads, model.trainable_variables))
    print(step, round(float(loss), 5))
print(np.round(model(x).numpy(), 5))

drop = tf.keras.layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5)
print(drop.cell.implementation, np.allclose(drop(x).numpy(), drop(x, training=False).numpy()))
print(np.allclose(drop(x, training=True).numpy(), drop(x).numpy()), drop(x, training=True).shape)
gdrop = tf.keras.layers.GRU(3, dropout=0.3)
print(gdrop.cell.implementation, gdrop(x, training=True).shape)
