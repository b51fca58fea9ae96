import tensorflow as tf

v64 = tf.Variable([1.0, 2.0], dtype=tf.float64)
with tf.GradientTape() as tape:
    y = tf.reduce_sum(v64 ** 2)
print(tape.gradient(y, v64))
frozen = tf.Variable(3.0, trainable=False)
with tf.GradientTape() as tape:
    tape.watch(frozen)
    y = frozen * frozen
print(tape.gradient(y, frozen))
v = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    t = tf.convert_to_tensor(v)
    r = v.read_value()
    y = tf.reduce_sum(t * r)
print(tape.gradient(y, v))
with tf.GradientTape(persistent=True) as tape:
    w = tf.Variable(2.0)
    y = w * 3
print(tape.gradient(y, w))
iv = tf.Variable([1, 2])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(iv * 2)
print(tape.gradient(y, iv))
x = tf.Variable(1.0)
with tf.GradientTape() as tape:
    x.assign(5.0)
    y = x * x
print(tape.gradient(y, x))
with tf.GradientTape() as tape:
    y = x.assign_add(1.0) * 2
print(tape.gradient(y, x), x.numpy())
a = tf.Variable([[1.0, 2.0]])
with tf.GradientTape() as tape:
    y = a @ tf.transpose(a)
print(tape.gradient(y, a))
print(a.numpy().dtype, a.dtype.name, a.shape.as_list())
b = tf.Variable(tf.zeros([2]))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.nn.softmax(b))
print(tape.gradient(y, b))
c = tf.Variable(0.0)
with tf.GradientTape() as tape:
    y = tf.sqrt(c)
print(tape.gradient(y, c))
with tf.GradientTape() as tape:
    y = tf.abs(c)
print(tape.gradient(y, c))
with tf.GradientTape() as tape:
    y = tf.norm(tf.stack([c, c]))
print(tape.gradient(y, c))
with tf.GradientTape() as tape:
    y = tf.math.log(c)
print(tape.gradient(y, c))
with tf.GradientTape() as tape:
    y = c ** 0.5
print(tape.gradient(y, c))
