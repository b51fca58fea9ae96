import tensorflow as tf

def same(a, b):
    return bool(tf.reduce_all(a == b))

# op seed only: the same op seed gives a new value on each call, the sequence is reproducible after set_seed
a = tf.random.uniform([4], seed=3)
b = tf.random.uniform([4], seed=3)
print(same(a, b))
tf.random.set_seed(10)
c1 = tf.random.uniform([4], seed=3)
c2 = tf.random.uniform([4], seed=3)
tf.random.set_seed(10)
d1 = tf.random.uniform([4], seed=3)
d2 = tf.random.uniform([4], seed=3)
print(same(c1, d1), same(c2, d2), same(c1, c2))
# different op seeds differ; ops without op seed after set_seed are reproducible
tf.random.set_seed(10)
e1 = tf.random.uniform([4], seed=4)
print(same(c1, e1))
tf.random.set_seed(1)
f1 = tf.random.normal([3]); f2 = tf.random.normal([3])
tf.random.set_seed(1)
g1 = tf.random.normal([3]); g2 = tf.random.normal([3])
print(same(f1, g1), same(f2, g2), same(f1, f2))
# interleaving another op without seed changes nothing for seeded ones? (op seed + global seed fixed)
tf.random.set_seed(7)
h1 = tf.random.uniform([2], seed=1)
_ = tf.random.normal([5])
h2 = tf.random.uniform([2], seed=1)
tf.random.set_seed(7)
k1 = tf.random.uniform([2], seed=1)
k2 = tf.random.uniform([2], seed=1)
print(same(h1, k1), same(h2, k2))
# stateless ops depend only on the seed
print(same(tf.random.stateless_normal([3], seed=[1, 2]), tf.random.stateless_normal([3], seed=[1, 2])),
      same(tf.random.stateless_normal([3], seed=[1, 2]), tf.random.stateless_normal([3], seed=[2, 1])))
# generators
g = tf.random.Generator.from_seed(5)
x1 = g.uniform([3])
x2 = g.uniform([3])
g.reset_from_seed(5)
x3 = g.uniform([3])
print(same(x1, x3), same(x1, x2))
s = g.split(2)
print(len(s), type(s[0]).__name__)
print(tf.random.Generator.from_seed(1).normal([2, 3]).shape)
try:
    tf.random.stateless_uniform([2], seed=[1])
except Exception as e:
    print(type(e).__name__)
try:
    tf.random.uniform([2], minval=1, maxval=0, dtype=tf.int32)
except Exception as e:
    print(type(e).__name__)
print(tf.random.uniform([2], maxval=5, dtype=tf.int64).dtype, tf.random.uniform([], dtype=tf.float64).dtype)
print(tf.random.normal([0]).shape, tf.random.uniform((2, 0, 3)).shape)
