# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(2)
x = rng.normal(size=(4, 8, 8, 2)).astype(np.float32)
y = rng.integers(0, 3, size=(4,))

def init(shape, dtype=None):
    n = int(np.prod(shape))
    return tf.reshape(tf.cast(tf.linspace(-0.3, 0.3, n), dtype or tf.float32), shape)

conv = tf.keras.layers.Conv2D(3, 3, padding='same', activation='relu', kernel_initializer=init)
pool = tf.keras.layers.MaxPooling2D()
flat = tf.keras.layers.Flatten()
dense = tf.keras.layers.Dense(3, kernel_initializer=init)
h = conv(x)
print(h.shape, conv.kernel.shape, conv.bias.shape)
print(pool(h).shape, flat(pool(h)).shape)
variables = None
opt = tf.keras.optimizers.SGD(0.05)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
for step in range(4):
    with tf.GradientTape() as tape:
        logits = dense(flat(pool(conv(x))))
        loss = loss_fn(y, logits)
    variables = conv.trainable_variables + dense.trainable_variables
    grads = tape.gradient(loss, variables)
    opt.apply_gradients(zip(grads, variables))
    print(step, round(float(loss), 5))
print(tf.keras.layers.Conv2D(4, 3, strides=2)(x).shape)
print(tf.keras.layers.Conv2D(4, (3, 1), padding='valid', dilation_rate=2)(x).shape)
print(tf.keras.layers.AveragePooling2D(pool_size=3, strides=1)(x).shape)
print(tf.keras.layers.GlobalAveragePooling2D()(x).shape)
