# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(4)
x = rng.normal(size=(2, 4, 3)).astype(np.float32)


def fixed(layer):
    layer.set_weights([(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in layer.get_weights()])
    return layer.get_weights()


cell = tf.keras.layers.LSTMCell(3)
h0 = rng.normal(size=(2, 3)).astype(np.float32)
c0 = rng.normal(size=(2, 3)).astype(np.float32)
out, (h, c) = cell(x[:, 0], [h0, c0])
print(cell.state_size, cell.output_size, [v.name for v in cell.weights])
weights = fixed(cell)
out, (h, c) = cell(x[:, 0], [h0, c0])
print(np.round(out.numpy(), 5), np.round(c.numpy(), 5))
print(np.allclose(out.numpy(), h.numpy()))

rnn = tf.keras.layers.RNN(cell, return_sequences=True, return_state=True)
seq, h, c = rnn(x)
print(seq.shape, len(rnn.weights), np.round(seq.numpy(), 5))
lstm = tf.keras.layers.LSTM(3, return_sequences=True)
lstm(x)
lstm.set_weights(weights)
print(np.allclose(lstm(x).numpy(), seq.numpy(), atol=1e-6))

gcell = tf.keras.layers.GRUCell(2)
o, s = gcell(x[:, 1], h0[:, :2])
fixed(gcell)
o, s = gcell(x[:, 1], h0[:, :2])
print(np.round(o.numpy(), 5), isinstance(s, list))
o, s = gcell(x[:, 1], [h0[:, :2]])
print(np.round(s[0].numpy(), 5), isinstance(s, list))
grnn = tf.keras.layers.RNN(gcell, go_backwards=True)
print(np.round(grnn(x).numpy(), 5))

scell = tf.keras.layers.SimpleRNNCell(2, activation='sigmoid')
srnn = tf.keras.layers.RNN(scell, return_state=True)
srnn(x)
fixed(srnn)
out, state = srnn(x)
print(np.round(out.numpy(), 5), np.round(state.numpy(), 5))
print(srnn.compute_output_shape((None, 4, 3)))


class MinimalRNNCell(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer='ones', name='kernel')
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer='identity',
                                                name='recurrent_kernel')

    def call(self, inputs, states):
        prev = states[0]
        output = tf.tanh(tf.matmul(inputs, self.kernel) * 0.1 + tf.matmul(prev, self.recurrent_kernel) * 0.5)
        return output, [output]


minimal = tf.keras.layers.RNN(MinimalRNNCell(3), return_sequences=True)
print(np.round(minimal(x).numpy(), 5))
print([v.name for v in minimal.weights])
xt = tf.constant(x)
with tf.GradientTape() as tape:
    tape.watch(xt)
    loss = tf.reduce_sum(minimal(xt))
g = tape.gradient(loss, [xt] + minimal.trainable_variables)
print([np.round(v.numpy(), 4) for v in g])

model = tf.keras.Sequential([tf.keras.Input((4, 3)), tf.keras.layers.SimpleRNN(5, return_sequences=True),
                             tf.keras.layers.GRU(4, return_sequences=True), tf.keras.layers.LSTM(2)], name='stack')
model.summary()
print(model.output_shape)
