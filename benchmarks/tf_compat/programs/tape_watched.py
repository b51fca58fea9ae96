import tensorflow as tf

a = tf.Variable(1.0, name='a')
b = tf.Variable(2.0, name='b', trainable=False)
c = tf.constant(3.0)
with tf.GradientTape() as tape:
    y = a * b * c
print([v.name for v in tape.watched_variables()])
print(tape.gradient(y, [a, b, c]))

with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(b)
    y = a * b
print([v.name for v in tape.watched_variables()])
print(tape.gradient(y, [a, b]))

with tf.GradientTape() as tape:
    with tape.stop_recording():
        y = a * a
    z = a * 3
print(tape.gradient(z, a))

x = tf.Variable(4.0)
with tf.GradientTape() as tape:
    y = tf.stop_gradient(x * x) + x
print(tape.gradient(y, x))

with tf.GradientTape(persistent=True) as tape:
    y = a * 2
    tape.reset()
    y = a * 5
print(tape.gradient(y, a))
