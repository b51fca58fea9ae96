import tensorflow as tf

x = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    y = x * x
    z = y * y
print("dz/dx:", tape.gradient(z, x))
print("dy/dx:", tape.gradient(y, x))
print(tape.gradient(z, y))
del tape

x = tf.constant([1.0, 2.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(x ** 3)
print(tape.gradient(y, x))
try:
    tape.gradient(y, x)
except Exception as e:
    print(type(e).__name__)

# gradient inside the context of a non-persistent tape
x = tf.Variable(1.5)
with tf.GradientTape(persistent=True) as tape:
    y = tf.sin(x)
    g = tape.gradient(y, x)
print(g)
