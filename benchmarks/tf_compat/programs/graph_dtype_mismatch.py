import tensorflow as tf

def report(name, fn, *args):
    try:
        print(name, fn(*args))
    except Exception as e:
        print(name, type(e).__name__)

@tf.function
def loop_dtype(n):
    s = 0
    for i in tf.range(n):
        s = s + 0.5
    return s

report("loop_dtype", loop_dtype, tf.constant(3))

@tf.function
def add_float(x):
    return x + 0.5

report("add_float", add_float, tf.constant(1))

@tf.function
def mixed(a, b):
    return a * b

report("mixed", mixed, tf.constant(1.0), tf.constant(2.0, tf.float64))
report("eager mixed", lambda a, b: a * b, tf.constant(1.0), tf.constant(2.0, tf.float64))
