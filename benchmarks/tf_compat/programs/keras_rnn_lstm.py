# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(1)
x = rng.normal(size=(2, 6, 3)).astype(np.float32)

lstm = tf.keras.layers.LSTM(4, return_sequences=True, return_state=True)
seq, h, c = lstm(x)
print(seq.shape, h.shape, c.shape)
print([v.name for v in lstm.weights], [w.shape for w in lstm.get_weights()])
print(lstm.get_weights()[2])
print(lstm.cell.state_size, lstm.units, lstm.unit_forget_bias)
weights = [(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in lstm.get_weights()]
lstm.set_weights(weights)
seq, h, c = lstm(x)
print(np.round(seq.numpy(), 5))
print(np.round(h.numpy(), 5))
print(np.round(c.numpy(), 5))
print(np.allclose(seq[:, -1].numpy(), h.numpy()))

back = tf.keras.layers.LSTM(4, go_backwards=True, return_sequences=True, return_state=True)
back(x)
back.set_weights(weights)
bseq, bh, bc = back(x)
print(np.round(bseq.numpy(), 5))
print(np.round(bc.numpy(), 5))

h0 = rng.normal(size=(2, 4)).astype(np.float32)
c0 = rng.normal(size=(2, 4)).astype(np.float32)
plain = tf.keras.layers.LSTM(4)
plain(x)
plain.set_weights(weights)
print(np.round(plain(x, initial_state=[h0, c0]).numpy(), 5))

mask = np.array([[True, True, True, True, False, False], [True, False, True, True, True, True]])
print(np.round(plain(x, mask=mask).numpy(), 5))
mseq, mh, mc = lstm(x, mask=mask)
print(np.round(mseq.numpy(), 5))
print(np.round(mc.numpy(), 5))

nobias = tf.keras.layers.LSTM(2, use_bias=False, unit_forget_bias=False, activation='relu',
                              recurrent_activation='hard_sigmoid')
nobias(x)
nobias.set_weights([(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in nobias.get_weights()])
print(len(nobias.weights), np.round(nobias(x).numpy(), 5))

xt = tf.constant(x)
with tf.GradientTape() as tape:
    tape.watch(xt)
    out = plain(xt, initial_state=[h0, c0])
    loss = tf.reduce_mean(tf.square(out - 0.5))
grads = tape.gradient(loss, [xt] + plain.trainable_variables)
print(round(float(loss), 6))
for g in grads:
    print(g.shape, np.round(g.numpy(), 5))

with tf.GradientTape() as tape:
    seq, h, c = lstm(xt, mask=mask)
    loss = tf.reduce_sum(seq) + tf.reduce_sum(c * c)
for g in tape.gradient(loss, lstm.trainable_variables):
    print(np.round(g.numpy(), 4))

cfg = lstm.get_config()
print(sorted(k for k in cfg if 'initializer' not in k))
print(cfg['units'], cfg['activation'], cfg['recurrent_activation'], cfg['return_sequences'], cfg['unit_forget_bias'])
print(tf.keras.layers.LSTM.from_config(cfg).get_config()['units'])

ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
emb = tf.keras.layers.Embedding(10, 3, mask_zero=True)
emb.build()
emb.set_weights([rng.normal(size=(10, 3)).astype(np.float32)])
emask = emb.compute_mask(ids)
print(emask.numpy())
print(np.round(plain(emb(ids), mask=emask).numpy(), 5))
print(np.allclose(plain(emb(ids), mask=emask).numpy()[0], plain(emb(ids[:1, :3])).numpy()[0], atol=1e-6))
