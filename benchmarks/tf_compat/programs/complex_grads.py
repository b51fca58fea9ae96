import tensorflow as tf

z = tf.Variable(tf.complex(1.0, 2.0))
with tf.GradientTape() as tape:
    y = tf.math.real(z * tf.math.conj(z))
print(tape.gradient(y, z))
with tf.GradientTape() as tape:
    y = tf.abs(z)
print(tape.gradient(y, z))
x = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    c = tf.complex(x, x * 2)
    y = tf.reduce_sum(tf.math.real(c * c))
print(tape.gradient(y, x))
print(tf.complex(1.0, 2.0).dtype, tf.complex(tf.constant(1.0, tf.float64), 2.0).dtype)
print(tf.constant([1 + 1j]) * 2, tf.math.exp(tf.constant(1j * 3.14159265)))
