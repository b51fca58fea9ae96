import tensorflow as tf

x = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    y = x * x
print(tape.gradient(y, x, output_gradients=tf.constant([1.0, 10.0, 100.0])))

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y1 = tf.reduce_sum(x, axis=1)
    y2 = x * 2.0
print(tape.gradient([y1, y2], x))
print(tape.gradient(y1, x, output_gradients=tf.constant([2.0, -1.0])))
print(tape.gradient({'a': y1}, x))

x = tf.Variable(1.0)
with tf.GradientTape(persistent=True) as tape:
    a = x * 2
    b = x * 3
print(tape.gradient([a, b], [x, x]))
print(tape.gradient(a + b, (x,)))
