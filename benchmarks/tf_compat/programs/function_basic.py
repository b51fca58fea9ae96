import tensorflow as tf

@tf.function
def f(x):
    return x * x + 1

print(f(tf.constant(2.0)))
print(f(tf.constant([1, 2])))

@tf.function
def g(x):
    if x > 0:
        return x
    return -x
print(g(tf.constant(-3.0)), g(tf.constant(4.0)))

@tf.function
def loop(n):
    s = tf.constant(0)
    for i in tf.range(n):
        s += i
    return s
print(loop(tf.constant(5)))

v = tf.Variable(1.0)
@tf.function
def step():
    with tf.GradientTape() as tape:
        loss = v * v
    v.assign_sub(0.1 * tape.gradient(loss, v))
    return loss
print(step(), v.numpy())
print(step(), v.numpy())

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = f(x)
print(tape.gradient(y, x))

@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def h(x):
    return tf.reduce_sum(x)
print(h(tf.constant([1.0, 2.0])))
try:
    h(tf.constant([1, 2]))
except Exception as e:
    print(type(e).__name__)
