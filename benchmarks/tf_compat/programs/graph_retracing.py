import tensorflow as tf


@tf.function
def f(x, scale=2, mode="mul"):
    print("tracing f", x.dtype, scale, mode)
    if mode == "mul":
        return x * scale
    return x + scale


print(f(tf.constant(1.0)))
print(f(tf.constant(2.0)))
print(f(tf.constant([1.0, 2.0])))
print(f(tf.constant(1)))
print(f(tf.constant(1.0), 3))
print(f(tf.constant(1.0), scale=3))
print(f(tf.constant(1.0), mode="add"))
print(f(tf.constant(1.0), 2, "mul"))
print(f.experimental_get_tracing_count())

print(f(2.0))
print(f(3.0))
print(f.experimental_get_tracing_count())


@tf.function
def h(xs):
    print("tracing h", len(xs))
    return tf.add_n(xs)


print(h([tf.constant(1), tf.constant(2)]))
print(h([tf.constant(3), tf.constant(4)]))
print(h([tf.constant(1), tf.constant(2), tf.constant(3)]))
print(h.experimental_get_tracing_count())


@tf.function
def d(cfg):
    print("tracing d", sorted(cfg))
    return cfg["a"] * cfg["b"]


print(d({"a": tf.constant(2.0), "b": tf.constant(3.0)}))
print(d({"a": tf.constant(4.0), "b": tf.constant(5.0)}))
print(d.experimental_get_tracing_count())

class Cfg:
    def __init__(self, k):
        self.k = k


@tf.function
def obj(x, c):
    print("tracing obj", c.k)
    return x * c.k


c = Cfg(3)
print(obj(tf.constant(1.0), c))
print(obj(tf.constant(2.0), c))
print(obj.experimental_get_tracing_count())

side = []


@tf.function
def effects(x):
    side.append(1)
    tf.print("runtime")
    return x + 1


effects(tf.constant(1))
effects(tf.constant(2))
print(len(side))


@tf.function
def none_arg(x, y=None):
    if y is None:
        return x
    return x + y


print(none_arg(tf.constant(1)), none_arg(tf.constant(1), tf.constant(2)))
print(none_arg.experimental_get_tracing_count())


@tf.function
def np_arg(x):
    print("tracing np_arg")
    return x * 2


import numpy as np

print(np_arg(np.array([1.0, 2.0], dtype=np.float32)))
print(np_arg(np.array([3.0, 4.0], dtype=np.float32)))
print(np_arg.experimental_get_tracing_count())
