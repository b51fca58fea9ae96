# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(3)
x = rng.normal(size=(2, 5, 3)).astype(np.float32)


def fixed(layer):
    layer.set_weights([(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in layer.get_weights()])


for mode in ['concat', 'sum', 'mul', 'ave']:
    bi = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(3, return_sequences=True), merge_mode=mode)
    bi(x)
    fixed(bi)
    out = bi(x)
    print(mode, out.shape, len(bi.weights), np.round(out.numpy(), 5))

bi = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(2), merge_mode=None)
bi(x)
fixed(bi)
fwd, bwd = bi(x)
print(np.round(fwd.numpy(), 5), np.round(bwd.numpy(), 5))
print(bi.forward_layer.go_backwards, bi.backward_layer.go_backwards)
print(bi.forward_layer.name.startswith('forward_'), bi.backward_layer.name.startswith('backward_'))

bs = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(2, return_state=True))
bs(x)
fixed(bs)
out = bs(x)
print(len(out), [o.shape for o in out])
print(np.round(out[0].numpy(), 5))
print(np.round(out[4].numpy(), 5))
states = [rng.normal(size=(2, 2)).astype(np.float32) for _ in range(4)]
print(np.round(bs(x, initial_state=states)[0].numpy(), 5))

simple = tf.keras.layers.Bidirectional(tf.keras.layers.SimpleRNN(2, return_sequences=True), merge_mode='sum')
simple(x)
fixed(simple)
mask = np.array([[True, True, True, False, False], [True, True, True, True, True]])
print(np.round(simple(x, mask=mask).numpy(), 5))
custom_back = tf.keras.layers.SimpleRNN(2, return_sequences=True, go_backwards=True)
sep = tf.keras.layers.Bidirectional(tf.keras.layers.SimpleRNN(2, return_sequences=True), backward_layer=custom_back)
sep(x)
fixed(sep)
print(sep.backward_layer is custom_back, np.round(sep(x).numpy(), 5))

xt = tf.constant(x)
with tf.GradientTape() as tape:
    tape.watch(xt)
    loss = tf.reduce_sum(simple(xt) ** 2)
grads = tape.gradient(loss, [xt] + simple.trainable_variables)
print(round(float(loss), 5))
for g in grads:
    print(g.shape, np.round(g.numpy(), 4))

model = tf.keras.Sequential([
    tf.keras.Input((7, 3)),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4, return_sequences=True)),
    tf.keras.layers.Bidirectional(tf.keras.layers.GRU(3), merge_mode='ave'),
    tf.keras.layers.Dense(2),
], name='birnn')
model.summary()
print(model.output_shape, model.count_params())
try:
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(2), merge_mode='max')
except ValueError as e:
    print('ValueError', e)
try:
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(2), backward_layer=tf.keras.layers.LSTM(2))
except ValueError:
    print('ValueError')
