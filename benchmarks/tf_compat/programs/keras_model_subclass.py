# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

class MyModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = tf.keras.layers.Dense(4, activation='relu', kernel_initializer='ones', bias_initializer='zeros')
        self.d2 = tf.keras.layers.Dense(1, kernel_initializer=tf.keras.initializers.Constant(0.5))

    def call(self, x, training=False):
        return self.d2(self.d1(x))

model = MyModel()
x = tf.constant([[1.0, -2.0], [0.5, 1.0], [2.0, 2.0]])
y = tf.constant([[1.0], [2.0], [3.0]])
print(model(x))
print(len(model.trainable_variables), [v.shape for v in model.trainable_variables])
print([v.name for v in model.trainable_variables])
opt = tf.keras.optimizers.Adam(0.1)
loss_fn = tf.keras.losses.MeanSquaredError()

@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        pred = model(x, training=True)
        loss = loss_fn(y, pred)
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    return loss

for i in range(5):
    print(i, float(train_step(x, y)))
print(model(x).numpy().round(4))
