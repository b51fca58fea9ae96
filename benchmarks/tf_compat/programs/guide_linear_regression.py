# tf_compat: rtol=1e-4 atol=1e-5
# The "custom training basics" pattern: a tf.Module model, manual SGD with assign_sub.
import tensorflow as tf
import numpy as np

TRUE_W, TRUE_B = 3.0, 2.0
NUM = 200
rng = np.random.default_rng(7)
x = tf.constant(rng.normal(size=NUM).astype(np.float32))
noise = tf.constant(rng.normal(size=NUM).astype(np.float32))
y = x * TRUE_W + TRUE_B + noise

class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b

model = MyModel()
print("Variables:", model.variables)

def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))

print("Current loss: %1.6f" % loss(y, model(x)).numpy())

def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)

weights, biases = [], []
for epoch in range(10):
    train(model, x, y, learning_rate=0.1)
    weights.append(model.w.numpy())
    biases.append(model.b.numpy())
    current_loss = loss(y, model(x))
    print(f"Epoch {epoch:2d}:")
    print("    ", f"W = {weights[-1]:1.2f}, b = {biases[-1]:1.2f}, loss={current_loss:2.5f}")
