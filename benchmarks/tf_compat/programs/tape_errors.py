import tensorflow as tf

def err(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__)

x = tf.Variable(1.0)
with tf.GradientTape() as tape:
    y = x * 2
err(lambda: tape.gradient(None, x))
with tf.GradientTape() as tape:
    y = x * 2
err(lambda: tape.gradient(y, None))
with tf.GradientTape() as tape:
    y = x * 2
err(lambda: tape.gradient(y, 3.0))
with tf.GradientTape() as tape:
    y = x * 2
err(lambda: tape.gradient(y, [x, [x]]))
with tf.GradientTape() as tape:
    y = x * 2
err(lambda: tape.gradient(2.0, x))
t = tf.GradientTape()
err(lambda: t.gradient(x, x))
with tf.GradientTape() as tape:
    err(lambda: tape.watch(3.0))
    err(lambda: tape.watch([tf.constant(1.0), tf.Variable(2.0)]))
with tf.GradientTape() as tape:
    y = x * 2
err(lambda: tape.jacobian(y, x))
with tf.GradientTape() as tape:
    pass
err(lambda: tape.gradient(tf.constant(1.0), x))
with tf.GradientTape(persistent=True) as tape:
    y = x * x
err(lambda: tape.gradient(y, x, output_gradients=tf.constant([1.0, 2.0])))
err(lambda: tape.gradient(y, x, unconnected_gradients='bogus'))
with tf.GradientTape() as tape:
    y = tf.constant([1.0, 2.0]) * x
err(lambda: tape.gradient(y, x))
err(lambda: tape.gradient(y, x))
with tf.GradientTape() as tape:
    tape.watch(tf.constant(1))
err(lambda: tape.watched_variables())
