# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(2)
x = rng.normal(size=(3, 4, 5)).astype(np.float32)


def fixed(layer):
    layer.set_weights([(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in layer.get_weights()])
    return layer.get_weights()


gru = tf.keras.layers.GRU(3, return_sequences=True, return_state=True)
seq, h = gru(x)
print(seq.shape, h.shape, [w.shape for w in gru.get_weights()], [v.name for v in gru.weights])
print(gru.reset_after, gru.cell.state_size, np.abs(gru.get_weights()[2]).max())
weights = fixed(gru)
seq, h = gru(x)
print(np.round(seq.numpy(), 5))
print(np.round(h.numpy(), 5))

before = tf.keras.layers.GRU(3, reset_after=False, return_sequences=True)
before(x)
print([w.shape for w in before.get_weights()])
fixed(before)
print(np.round(before(x).numpy(), 5))

nobias = tf.keras.layers.GRU(2, use_bias=False, go_backwards=True, return_sequences=True)
nobias(x)
fixed(nobias)
print(len(nobias.weights), np.round(nobias(x).numpy(), 5))
nobias_before = tf.keras.layers.GRU(2, use_bias=False, reset_after=False, activation='relu')
nobias_before(x)
fixed(nobias_before)
print(np.round(nobias_before(x).numpy(), 5))

last = tf.keras.layers.GRU(3)
last(x)
last.set_weights(weights)
h0 = rng.normal(size=(3, 3)).astype(np.float32)
print(np.round(last(x, initial_state=h0).numpy(), 5))
mask = np.array([[True, True, False, True], [True, True, True, True], [False, False, True, True]])
print(np.round(last(x, mask=mask).numpy(), 5))
print(np.round(gru(x, mask=mask)[0].numpy(), 5))

xt = tf.constant(x)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(xt)
    loss = tf.reduce_sum(tf.sin(last(xt, initial_state=h0)))
    loss2 = tf.reduce_sum(before(xt) ** 2)
print(round(float(loss), 5), round(float(loss2), 5))
for g in tape.gradient(loss, [xt] + last.trainable_variables):
    print(g.shape, np.round(g.numpy(), 4))
for g in tape.gradient(loss2, before.trainable_variables):
    print(g.shape, np.round(g.numpy(), 4))

cfg = last.get_config()
print(cfg['reset_after'], cfg['units'], cfg['recurrent_activation'], sorted(k for k in cfg if 'init' not in k))
