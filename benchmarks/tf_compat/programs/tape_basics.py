import tensorflow as tf

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x * x
print(tape.gradient(y, x))

c = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(c)
    y = c ** 2 + 2 * c + 1
print(tape.gradient(y, c))

# constants are not watched by default
with tf.GradientTape() as tape:
    y = c * c
print(tape.gradient(y, c))

x = tf.Variable(1.0)
y = tf.Variable(2.0)
with tf.GradientTape() as tape:
    f = x ** 2 + y ** 3
g = tape.gradient(f, [x, y])
print(g[0].numpy(), g[1].numpy(), type(g).__name__)
g = tape.gradient if False else None

x = tf.Variable(2.0)
y = tf.Variable(5.0)
with tf.GradientTape() as tape:
    r = x * y if x > 1.0 else x + y
grads = tape.gradient(r, {'x': x, 'y': y})
print(sorted(grads), grads['x'], grads['y'])
