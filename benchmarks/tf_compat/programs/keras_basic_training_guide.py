import tensorflow as tf
tf.random.set_seed(1)
TRUE_W, TRUE_B, NUM_EXAMPLES = 3.0, 2.0, 201
x = tf.linspace(-2, 2, NUM_EXAMPLES)
x = tf.cast(x, tf.float32)
def f(x):
    return x * TRUE_W + TRUE_B
noise = tf.random.normal(shape=[NUM_EXAMPLES])
y = f(x) + noise
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
for epoch in range(10):
    train(model, x, y, learning_rate=0.1)
    print("Epoch %2d: W=%1.2f b=%1.2f, loss=%2.5f" % (epoch, model.w, model.b, loss(y, model(x))))
class MyModelKeras(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)
    def call(self, x):
        return self.w * x + self.b
keras_model = MyModelKeras()
keras_model.compile(run_eagerly=False, optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
h = keras_model.fit(x, y, epochs=10, batch_size=1000, verbose=0)
print([round(v, 5) for v in h.history["loss"]])
print(keras_model.w.numpy(), keras_model.b.numpy())
d = tf.keras.layers.Dense(3)
tf.keras.utils.set_random_seed(7)
m = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(1)])
xs = tf.random.normal([16, 4]); ys = tf.random.normal([16, 1])
m.compile("adam", "mse")
print(m.fit(xs, ys, epochs=3, verbose=0).history["loss"])
print(m.predict(xs[:2], verbose=0))
