import tensorflow as tf


def report(name, fn, *args):
    try:
        print(name, fn(*args))
    except Exception as e:
        print(name, type(e).__name__)


@tf.function
def ret_in_loop(x):
    i = tf.constant(0)
    while i < 10:
        if i * x > 20:
            return i
        i += 1
    return -1


report("ret_in_loop", ret_in_loop, tf.constant(3))



@tf.function
def for_ret(x):
    for i in tf.range(10):
        if i > x:
            return i * 100
    return -5


report("for_ret", for_ret, tf.constant(3))



@tf.function
def elif_no_else(x, y):
    if x > 0 and y > 0:
        return 1
    elif x > 0 or y > 0:
        return 2
    elif not (x < -5):
        return 3
    return 4


report("elif_no_else", elif_no_else, tf.constant(1), tf.constant(1))
