import tensorflow as tf

x = tf.Variable([0.0, 1.0, 4.0])
with tf.GradientTape(persistent=True) as tape:
    a = tf.sqrt(x)
    b = tf.abs(x - 1.0)
    c = tf.maximum(x, 1.0)
    d = tf.minimum(x, 1.0)
    e = tf.nn.relu(x - 1.0)
    f = tf.clip_by_value(x, 0.5, 2.0)
    g = tf.math.sign(x)
    h = tf.norm(x - x)
    k = x ** 0.5
print(tape.gradient(a, x))
print(tape.gradient(b, x))
print(tape.gradient(c, x))
print(tape.gradient(d, x))
print(tape.gradient(e, x))
print(tape.gradient(f, x))
print(tape.gradient(g, x))
print(tape.gradient(h, x))
print(tape.gradient(k, x))
y = tf.Variable(0.0)
with tf.GradientTape(persistent=True) as tape:
    p = y ** 2
    q = y ** 0
    r = tf.pow(y, 1.0)
print(tape.gradient(p, y), tape.gradient(q, y), tape.gradient(r, y))
