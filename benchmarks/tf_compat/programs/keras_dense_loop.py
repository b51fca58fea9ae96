# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(32, 4)).astype(np.float32)
y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32) + 0.3).astype(np.float32)

layer = tf.keras.layers.Dense(1, kernel_initializer='zeros')
layer.build((None, 4))
print([w.shape for w in layer.weights], [w.name for w in layer.weights])
opt = tf.keras.optimizers.SGD(0.1)
loss_fn = tf.keras.losses.MeanSquaredError()
for epoch in range(5):
    with tf.GradientTape() as tape:
        pred = layer(x)
        loss = loss_fn(y, pred)
    grads = tape.gradient(loss, layer.trainable_variables)
    opt.apply_gradients(zip(grads, layer.trainable_variables))
    print(epoch, float(loss))
print(layer.kernel.numpy().ravel(), layer.bias.numpy())
print(layer(x[:2]).shape, layer.units, layer.activation.__name__)
