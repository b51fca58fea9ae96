import tensorflow as tf

x = tf.constant(3.0)
print(tf.cond(x > 2, lambda: x * 2, lambda: x / 2))
i = tf.constant(0)
r = tf.while_loop(lambda i: i < 10, lambda i: i + 3, [i])
print(r)
a, b = tf.while_loop(lambda a, b: a < 5, lambda a, b: (a + 1, b * 2), (tf.constant(0), tf.constant(1.0)))
print(a, b)
v = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y = tf.cond(v > 1.0, lambda: v ** 3, lambda: v)
print(tape.gradient(y, v))
with tf.GradientTape() as tape:
    _, y = tf.while_loop(lambda k, y: k < 3, lambda k, y: (k + 1, y * v), (0, tf.constant(1.0)))
print(y, tape.gradient(y, v))
print(tf.case([(tf.constant(False), lambda: 1), (tf.constant(True), lambda: 2)], default=lambda: 3))
print(tf.switch_case(tf.constant(1), [lambda: 10, lambda: 20, lambda: 30]))
print(tf.map_fn(lambda t: t * 2, tf.constant([1, 2, 3])))
print(tf.scan(lambda acc, t: acc + t, tf.constant([1, 2, 3, 4])))
print(tf.foldl(lambda acc, t: acc * t, tf.constant([1, 2, 3, 4])))
