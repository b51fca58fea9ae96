# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np

rng = np.random.default_rng(6)
x = rng.normal(size=(2, 3, 4)).astype(np.float32)

lstm = tf.keras.layers.LSTM(3, stateful=True, return_state=True)
lstm(x)
lstm.set_weights([(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in lstm.get_weights()])
lstm.reset_state()
print(len(lstm.states), [tuple(s.shape) for s in lstm.states], len(lstm.weights))
first = lstm(x)
second = lstm(x)
print(np.round(first[0].numpy(), 5))
print(np.round(second[0].numpy(), 5))
print(np.allclose(lstm.states[1].numpy(), second[2].numpy()))
lstm.reset_state()
print(np.allclose(lstm(x)[0].numpy(), first[0].numpy()), np.abs(lstm.states[0].numpy()).sum() > 0)

plain = tf.keras.layers.LSTM(3)
plain(x)
plain.set_weights(lstm.get_weights())
print(np.allclose(plain(x).numpy(), first[0].numpy()), plain.states)

gru = tf.keras.layers.GRU(2, stateful=True)
gru(x)
gru.set_weights([(rng.normal(size=w.shape) * 0.5).astype(np.float32) for w in gru.get_weights()])
gru.reset_states()
print(np.round(gru(x).numpy(), 5), np.round(gru(x).numpy(), 5))

for make in [lambda: tf.keras.layers.LSTM(3), lambda: tf.keras.layers.GRU(3), lambda: tf.keras.layers.SimpleRNN(3),
             lambda: tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(3))]:
    try:
        make()(np.ones((2, 4), np.float32))
    except ValueError:
        print('ValueError for 2-D input')
for bad in [lambda: tf.keras.layers.LSTM(0), lambda: tf.keras.layers.GRUCell(-1),
            lambda: tf.keras.layers.SimpleRNN(0), lambda: tf.keras.layers.LSTM(2, use_cudnn='yes'),
            lambda: tf.keras.layers.RNN(tf.keras.layers.Dense(3)), lambda: tf.keras.layers.Bidirectional(3)]:
    try:
        bad()
    except ValueError as e:
        print('ValueError', str(e)[:60])
layer = tf.keras.layers.GRU(2)
layer(x)
try:
    layer.set_weights([np.zeros((4, 6), np.float32), np.zeros((2, 6), np.float32), np.zeros((6,), np.float32)])
except ValueError:
    print('ValueError for a reset_after=False bias in a reset_after=True GRU')

cfg = tf.keras.layers.SimpleRNN(4, dropout=0.25, go_backwards=True, name='srnn').get_config()
print(sorted(k for k in cfg if 'init' not in k))
print(cfg['name'], cfg['units'], cfg['dropout'], cfg['go_backwards'], cfg['activation'])
copy = tf.keras.layers.SimpleRNN.from_config(cfg)
print(copy.name, copy.units, copy.go_backwards, copy.dropout)
cell_cfg = tf.keras.layers.LSTMCell(3, recurrent_dropout=0.1).get_config()
print(sorted(k for k in cell_cfg if 'init' not in k), cell_cfg['unit_forget_bias'])
bcfg = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(2, name='g'), merge_mode='sum').get_config()
print(bcfg['merge_mode'], bcfg['layer']['class_name'], bcfg['layer']['config']['name'],
      bcfg['backward_layer']['config']['name'], bcfg['backward_layer']['config']['go_backwards'])
rebuilt = tf.keras.layers.Bidirectional.from_config(bcfg)
print(rebuilt.merge_mode, rebuilt.forward_layer.name, rebuilt.backward_layer.name, rebuilt(x).shape)
rcfg = tf.keras.layers.RNN(tf.keras.layers.GRUCell(2), return_sequences=True).get_config()
print(rcfg['cell']['class_name'], rcfg['cell']['config']['units'], rcfg['return_sequences'])
print(tf.keras.layers.RNN.from_config(rcfg)(x).shape)
