import tensorflow as tf
import numpy as np

x = np.arange(10, dtype=np.float32).reshape(5, 2)
y = np.arange(5, dtype=np.int64)
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
for xb, yb in ds:
    print(xb.shape, yb.numpy())
print(ds.element_spec)
ds2 = tf.data.Dataset.range(5).map(lambda v: v * 2).filter(lambda v: v > 2)
print(list(ds2.as_numpy_iterator()))
print([int(v) for v in tf.data.Dataset.from_tensor_slices([1, 2, 3]).repeat(2)])
w = tf.Variable([[0.0], [0.0]])
opt = tf.keras.optimizers.SGD(0.01)
for epoch in range(2):
    for xb, yb in ds:
        with tf.GradientTape() as tape:
            pred = tf.matmul(xb, w)
            loss = tf.reduce_mean((pred - tf.cast(yb[:, None], tf.float32)) ** 2)
        opt.apply_gradients([(tape.gradient(loss, w), w)])
    print(epoch, w.numpy().ravel())
