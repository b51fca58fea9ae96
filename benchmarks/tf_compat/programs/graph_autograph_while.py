import tensorflow as tf


@tf.function
def collatz(n):
    steps = tf.constant(0)
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


print(collatz(tf.constant(27)))
print(collatz(tf.constant(1)))


@tf.function
def brk(x):
    i = tf.constant(0)
    total = tf.constant(0.0)
    while i < 100:
        if total > x:
            break
        total += tf.cast(i, tf.float32)
        i += 1
    return i, total


print(brk(tf.constant(20.0)))


@tf.function
def cont(n):
    s = tf.constant(0)
    i = tf.constant(0)
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        s += i
    return s


print(cont(tf.constant(10)))


@tf.function
def while_else(n):
    i = tf.constant(0)
    found = tf.constant(False)
    while i < n:
        if i * i == 49:
            found = tf.constant(True)
            break
        i += 1
    return i, found


print(while_else(tf.constant(5)))
print(while_else(tf.constant(20)))


@tf.function
def nested_loops(n):
    total = tf.constant(0)
    i = tf.constant(0)
    while i < n:
        j = tf.constant(0)
        while j < i:
            total += i * j
            j += 1
        i += 1
    return total


print(nested_loops(tf.constant(6)))


@tf.function
def py_while(x):
    k = 0
    while k < 3:
        x = x * 2
        k += 1
    return x, k


print(py_while(tf.constant(1.5)))


@tf.function
def newton(a):
    x = a
    it = tf.constant(0)
    while tf.abs(x * x - a) > 1e-4:
        x = 0.5 * (x + a / x)
        it += 1
    return x, it


print(newton(tf.constant(2.0)))
print(newton(tf.constant(81.0)))
