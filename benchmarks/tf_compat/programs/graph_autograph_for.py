import tensorflow as tf


@tf.function
def range_sum(n):
    s = tf.constant(0)
    for i in tf.range(n):
        s += i * i
    return s


print(range_sum(tf.constant(5)))
print(range_sum(tf.constant(0)))


@tf.function
def range_args(a, b):
    s = tf.constant(0)
    for i in tf.range(a, b, 2):
        s += i
    return s


print(range_args(tf.constant(3), tf.constant(12)))


@tf.function
def py_range_tensor(n):
    s = tf.constant(0.0)
    for i in range(n):
        s += tf.cast(i, tf.float32)
    return s


print(py_range_tensor(tf.constant(4)))


@tf.function
def rows(m):
    acc = tf.zeros([3])
    for row in m:
        acc += row * 2.0
    return acc


print(rows(tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))


@tf.function
def py_list_loop(x):
    for w in [1.0, 2.0, 3.0]:
        x = x * w
    return x


print(py_list_loop(tf.constant(2.0)))


@tf.function
def list_in_tensor_loop(n):
    s = tf.constant(0.0)
    for i in tf.range(n):
        for w in [1.0, 10.0]:
            s += w * tf.cast(i, tf.float32)
    return s


print(list_in_tensor_loop(tf.constant(3)))


@tf.function
def brk_for(x):
    s = tf.constant(0.0)
    for v in x:
        if v < 0:
            break
        s += v
    return s


print(brk_for(tf.constant([1.0, 2.0, -1.0, 5.0])))


@tf.function
def cont_for(n):
    s = tf.constant(0)
    for i in tf.range(n):
        if i % 2 == 0:
            continue
        s += i
    return s


print(cont_for(tf.constant(9)))


@tf.function
def enum_loop(x):
    s = tf.constant(0.0)
    for i, v in enumerate([2.0, 3.0]):
        s += v * x + float(i)
    return s


print(enum_loop(tf.constant(1.0)))


@tf.function
def zip_loop(a):
    s = tf.constant(0.0)
    for x, y in zip([1.0, 2.0], [3.0, 4.0]):
        s += x * y * a
    return s


print(zip_loop(tf.constant(2.0)))


@tf.function
def dataset_free_for(m):
    best = tf.constant(-1.0)
    for row in m:
        m_row = tf.reduce_max(row)
        if m_row > best:
            best = m_row
    return best


print(dataset_free_for(tf.constant([[1.0, 5.0], [7.0, 2.0], [3.0, 3.0]])))
