import tensorflow as tf


@tf.function
def sign(x):
    if x > 0:
        y = tf.constant(1.0)
    elif x < 0:
        y = tf.constant(-1.0)
    else:
        y = tf.constant(0.0)
    return y * 10.0


print(sign(tf.constant(3.0)), sign(tf.constant(-2.0)), sign(tf.constant(0.0)))


@tf.function
def early(x):
    if tf.reduce_sum(x) > 10:
        return x * 2
    if tf.reduce_sum(x) > 5:
        return x + 1
    return x - 1


print(early(tf.constant([1.0, 2.0])))
print(early(tf.constant([3.0, 4.0])))
print(early(tf.constant([30.0, 4.0])))


@tf.function
def nested(x, y):
    if x > 0:
        if y > 0:
            r = x + y
        else:
            r = x - y
    else:
        if y > 0:
            r = -x + y
        else:
            r = -x - y
    return r


for a, b in [(1, 2), (1, -2), (-1, 2), (-1, -2)]:
    print(nested(tf.constant(a), tf.constant(b)))


@tf.function
def py_cond(x, flag):
    if flag:
        x = x * 3
    else:
        x = x / 2
    return x


print(py_cond(tf.constant(4.0), True), py_cond(tf.constant(4.0), False))
print(py_cond.experimental_get_tracing_count())


@tf.function
def multi(x):
    a = x
    b = x * 0
    if x > 2:
        a, b = a * 2, b + 1
    return a, b


print(multi(tf.constant(3)))
print(multi(tf.constant(1)))


@tf.function
def cond_expr(x):
    return x * 2 if x > 0 else x * -3


print(cond_expr(tf.constant(2.5)), cond_expr(tf.constant(-2.5)))


@tf.function
def logic(x, y):
    if x > 0 and y > 0:
        return 1
    elif x > 0 or y > 0:
        return 2
    elif not (x < -5):
        return 3
    else:
        return 4


for a, b in [(1, 1), (1, -1), (-1, -1), (-10, -1)]:
    print(logic(tf.constant(a), tf.constant(b)))


@tf.function
def dict_branch(x):
    if x > 0:
        d = {"a": x, "b": x * 2}
    else:
        d = {"a": -x, "b": x * 3}
    return d


print(dict_branch(tf.constant(2.0)))
print(dict_branch(tf.constant(-2.0)))
