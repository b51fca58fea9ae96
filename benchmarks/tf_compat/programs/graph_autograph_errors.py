import tensorflow as tf


def report(name, fn, *args):
    try:
        print(name, fn(*args))
    except Exception as e:
        print(name, type(e).__name__)


@tf.function
def unconditional_ret(n):
    for i in tf.range(n):
        return i + 7
    return 0


report("unconditional_ret", unconditional_ret, tf.constant(3))


@tf.function
def if_ret_rest(x):
    if x > 0:
        return x
    x = x * 2
    return x


report("if_ret_rest", if_ret_rest, tf.constant(-3))


@tf.function
def one_branch(x):
    if x > 0:
        y = x * 2
    return y


report("one_branch", one_branch, tf.constant(3))


@tf.function
def one_branch_unused(x):
    if x > 0:
        y = x * 2
        x = y + 1
    return x


report("one_branch_unused", one_branch_unused, tf.constant(3))


@tf.function
def dtype_change(x):
    if x > 0:
        y = tf.constant(1)
    else:
        y = tf.constant(1.0)
    return y


report("dtype_change", dtype_change, tf.constant(3))


@tf.function
def struct_change(x):
    if x > 0:
        y = (x, x)
    else:
        y = x
    return y


report("struct_change", struct_change, tf.constant(3))


@tf.function
def none_branch(x):
    if x > 0:
        y = x
    else:
        y = None
    return y


report("none_branch", none_branch, tf.constant(3))


@tf.function
def loop_tensor_dtype(n):
    s = tf.constant(0)
    i = tf.constant(0)
    while i < n:
        s = tf.cast(s, tf.float32) + 1.0
        i += 1
    return s


report("loop_tensor_dtype", loop_tensor_dtype, tf.constant(3))


@tf.function
def loop_shape(n):
    s = tf.constant([1.0])
    for i in tf.range(n):
        s = tf.concat([s, s], 0)
    return s


report("loop_shape", loop_shape, tf.constant(3))


@tf.function
def loop_undefined(n):
    for i in tf.range(n):
        z = tf.cast(i, tf.float32) * 2.0
    return z


report("loop_undefined", loop_undefined, tf.constant(3))
report("loop_undefined0", loop_undefined, tf.constant(0))


@tf.function
def loop_undefined_used(n):
    for i in tf.range(n):
        z = z + 1
    return z


report("loop_undefined_used", loop_undefined_used, tf.constant(3))


@tf.function
def loop_none(n):
    s = None
    for i in tf.range(n):
        s = i
    return s


report("loop_none", loop_none, tf.constant(3))


@tf.function
def bool_tensor(x):
    return bool(x > 0)


report("bool_tensor", bool_tensor, tf.constant(3))


@tf.function
def iter_tensor_python(x):
    return [v for v in x]


report("iter_tensor_python", iter_tensor_python, tf.constant([1, 2]))


@tf.function
def nonscalar_cond(x):
    if x > 0:
        x = x + 1
    return x


report("nonscalar_cond", nonscalar_cond, tf.constant([1, 2]))


@tf.function
def int_cond(x):
    if x:
        x = x + 1
    return x


report("int_cond", int_cond, tf.constant(1))


@tf.function
def py_list_append_in_loop(n):
    out = []
    for i in tf.range(n):
        out.append(i)
    return out


report("py_list_append_in_loop", py_list_append_in_loop, tf.constant(3))


@tf.function
def break_python_cond_in_tensor_loop(n):
    i = tf.constant(0)
    while i < n:
        i += 1
        if i > 2:
            break
    return i


report("break_ok", break_python_cond_in_tensor_loop, tf.constant(10))


@tf.function
def float_int_branch(x):
    if x > 0:
        y = 1
    else:
        y = 2.0
    return y


report("float_int_branch", float_int_branch, tf.constant(3))


@tf.function
def py_int_branch(x):
    if x > 0:
        y = 1
    else:
        y = 2
    return y


report("py_int_branch", py_int_branch, tf.constant(-3))
