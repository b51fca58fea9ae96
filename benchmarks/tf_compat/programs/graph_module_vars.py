import tensorflow as tf

class Dense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n_in, n_out]) * 0.5, name="w")
        self.b = tf.Variable(tf.zeros([n_out]), name="b")

    @tf.function
    def __call__(self, x):
        print("tracing Dense")
        return tf.matmul(x, self.w) + self.b

layer = Dense(2, 3)
print(layer(tf.constant([[1.0, 2.0]])))
print(layer(tf.constant([[3.0, 4.0]])))
print(len(layer.trainable_variables), [v.name for v in layer.trainable_variables])

class Counter(tf.Module):
    def __init__(self):
        self.count = None

    @tf.function
    def __call__(self, x):
        if self.count is None:
            self.count = tf.Variable(0)
        self.count.assign_add(x)
        return self.count.read_value()

c = Counter()
print(c(tf.constant(2)), c(tf.constant(3)))

@tf.function
def bad_vars(x):
    v = tf.Variable(1.0)
    return v * x

try:
    print(bad_vars(tf.constant(2.0)))
    print(bad_vars(tf.constant(3.0)))
except Exception as e:
    print(type(e).__name__)

acc = tf.Variable(0.0)

@tf.function
def loop_assign(n):
    for i in tf.range(n):
        if i % 2 == 0:
            acc.assign_add(tf.cast(i, tf.float32))
        else:
            acc.assign_sub(1.0)
    return acc.read_value()

print(loop_assign(tf.constant(5)), acc.numpy())
print(loop_assign(tf.constant(2)), acc.numpy())

step = tf.Variable(0, dtype=tf.int64)

@tf.function
def inc():
    step.assign_add(1)
    return step

print(inc(), inc(), step.numpy())

class Model:
    def __init__(self):
        self.v = tf.Variable(2.0)

    @tf.function
    def scaled(self, x, power=1):
        return x * self.v ** power

m1, m2 = Model(), Model()
m2.v.assign(3.0)
print(m1.scaled(tf.constant(1.0)), m2.scaled(tf.constant(1.0), power=2))

@tf.function
def outer(x):
    return inner(x) + 1.0

@tf.function
def inner(x):
    return x * 10.0

print(outer(tf.constant(2.0)))

@tf.function(jit_compile=True)
def jitted(x):
    return tf.reduce_sum(x * x)

print(jitted(tf.constant([1.0, 2.0])))

cf = inner.get_concrete_function(tf.TensorSpec([None], tf.float32))
print(cf(tf.constant([1.0, 2.0])))

try:
    cf(tf.constant([1, 2]))
except Exception as e:
    print(type(e).__name__)

cf2 = outer.get_concrete_function(tf.constant(1.0))
print(cf2(tf.constant(5.0)))

@tf.function
def kw(a, b=2.0, *, c=3.0):
    return a * b + c

print(kw(tf.constant(1.0)), kw(tf.constant(1.0), c=tf.constant(10.0)), kw(a=tf.constant(2.0), b=1.0))
