import tensorflow as tf

@tf.function
def f(x):
    return x * x + 1

print(f(3.0))
print(f(2))

@tf.function
def g():
    return 1, 2.5, True

print(g())
