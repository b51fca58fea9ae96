import tensorflow as tf

class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def __call__(self, x):
        return tf.nn.relu(x @ self.w + self.b)

class MLP(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.l1 = Dense(3, 4)
        self.l2 = Dense(4, 2, name='last')
        self.scale = tf.Variable(2.0, trainable=False)

    def __call__(self, x):
        return self.l2(self.l1(x)) * self.scale

m = MLP(name='mlp')
print(m.name, m.l1.name, m.l2.name)
print(len(m.variables), len(m.trainable_variables))
print([v.name for v in m.trainable_variables])
print([v.shape for v in m.variables])
print(len(m.submodules))
x = tf.constant([[1.0, 2.0, 3.0]])
print(m(x))
with tf.GradientTape() as tape:
    y = tf.reduce_sum(m(x))
g = tape.gradient(y, m.trainable_variables)
print([gi.shape for gi in g])
print(g[0])
class Lists(tf.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense(2, 2), Dense(2, 1)]
        self.d = {'a': tf.Variable(1.0)}
l = Lists()
print(len(l.trainable_variables), l.name)
