# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 5, 4)).astype(np.float32)


def fixed(layer, scale=0.4):
    layer.set_weights([(rng.normal(size=w.shape) * scale).astype(np.float32) for w in layer.get_weights()])


rnn = tf.keras.layers.SimpleRNN(6, return_sequences=True, return_state=True)
rnn(x)
fixed(rnn)
print([w.shape for w in rnn.get_weights()], [v.name for v in rnn.weights])
seq, state = rnn(x)
print(seq.shape, state.shape)
print(np.round(seq.numpy(), 5))
print(np.round(state.numpy(), 5))

back = tf.keras.layers.SimpleRNN(6, go_backwards=True, return_sequences=True)
back(x)
back.set_weights(rnn.get_weights())
print(np.round(back(x).numpy(), 5))

relu = tf.keras.layers.SimpleRNN(3, activation='relu', use_bias=False)
relu(x)
fixed(relu)
print(len(relu.weights), np.round(relu(x).numpy(), 5))

h0 = rng.normal(size=(3, 6)).astype(np.float32)
last = tf.keras.layers.SimpleRNN(6)
last(x)
last.set_weights(rnn.get_weights())
print(np.round(last(x, initial_state=h0).numpy(), 5))
print(np.round(last(x, initial_state=[h0]).numpy(), 5))

mask = np.array([[True] * 5, [True, True, True, False, False], [False, True, True, True, False]])
print(np.round(rnn(x, mask=mask)[0].numpy(), 5))
print(np.round(last(x, mask=mask).numpy(), 5))

with tf.GradientTape() as tape:
    xt = tf.constant(x)
    tape.watch(xt)
    out = last(xt)
    loss = tf.reduce_sum(out ** 2)
grads = tape.gradient(loss, [xt] + last.trainable_variables)
print(round(float(loss), 5))
for g in grads:
    print(g.shape, np.round(g.numpy(), 4))

print(np.round(last(x, training=False).numpy(), 5))
drop = tf.keras.layers.SimpleRNN(6, dropout=0.5, recurrent_dropout=0.3)
drop(x)
drop.set_weights(rnn.get_weights())
print(np.allclose(drop(x).numpy(), last(x).numpy()), np.allclose(drop(x, training=False).numpy(), last(x).numpy()))
print(drop(x, training=True).shape, drop.dropout, drop.recurrent_dropout)
