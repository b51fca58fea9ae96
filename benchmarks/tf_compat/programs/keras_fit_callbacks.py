# tf_compat: rtol=2e-5 atol=2e-6
import os
import tempfile

import numpy as np
import tensorflow as tf

keras = tf.keras


def fixed(model):
    model.set_weights([np.linspace(-1.0, 1.0, int(np.prod(w.shape))).reshape(tuple(w.shape)).astype(np.float32)
                       for w in model.weights])
    return model


x = np.linspace(-1.5, 2.0, 48).reshape(12, 4).astype(np.float32) ** 2 - 1
y = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 1, 2, 0], np.int32)
t = x.mean(axis=1, keepdims=True)


def classifier():
    i = keras.Input((4,))
    return fixed(keras.Model(i, keras.layers.Dense(3)(keras.layers.Dense(6, activation='relu')(i))))


# EarlyStopping on a rising validation loss, restoring the best weights; a LambdaCallback recording hooks.
events = []
m = classifier()
m.compile(keras.optimizers.SGD(0.5), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
stop = keras.callbacks.EarlyStopping(monitor='val_loss', patience=1, restore_best_weights=True)
record = keras.callbacks.LambdaCallback(
    on_epoch_begin=lambda epoch, logs: events.append(('begin', epoch)),
    on_epoch_end=lambda epoch, logs: events.append(('end', epoch, sorted(logs))),
    on_train_batch_end=lambda batch, logs: events.append(('batch', batch, round(logs['loss'], 4))))
h = m.fit(x, y, batch_size=5, epochs=20, shuffle=False, verbose=0, validation_data=(x[::-1], (y[::-1] + 1) % 3),
          callbacks=[stop, record])
print(h.epoch, stop.stopped_epoch, stop.best_epoch, stop.best, sorted(h.history.items()))
print(events)
print(m.evaluate(x[::-1], (y[::-1] + 1) % 3, verbose=0), [w.numpy() for w in m.weights])

# EarlyStopping on an accuracy ('auto' mode finds 'max'), a baseline.
m = classifier()
m.compile('adam', keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
stop = keras.callbacks.EarlyStopping(monitor='accuracy', patience=2, min_delta=0.01)
h = m.fit(x, y, epochs=30, batch_size=4, shuffle=False, verbose=0, callbacks=[stop])
print(len(h.epoch), stop.stopped_epoch, stop.best)

# A custom Callback subclass stopping training, and ModelCheckpoint(save_weights_only, save_best_only).
class StopAt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs['loss'] < 1.0:
            self.model.stop_training = True

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, 'w-{epoch:02d}.weights.h5')
    m = classifier()
    m.compile(keras.optimizers.SGD(0.3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ckpt = keras.callbacks.ModelCheckpoint(path, monitor='loss', save_weights_only=True, save_best_only=True)
    h = m.fit(x, y, batch_size=6, epochs=15, shuffle=False, verbose=0, callbacks=[StopAt(), ckpt])
    print(len(h.epoch), sorted(os.listdir(tmp)), ckpt.best)
    last = sorted(os.listdir(tmp))[-1]
    fresh = classifier()
    fresh.load_weights(os.path.join(tmp, last))
    print(all(np.allclose(a, b) for a, b in zip(fresh.get_weights(), m.get_weights())))
    try:
        keras.callbacks.ModelCheckpoint(os.path.join(tmp, 'w.h5'), save_weights_only=True)
    except ValueError as e:
        print('ValueError', str(e).replace(tmp, '<tmp>'))
    try:
        m.save_weights(os.path.join(tmp, 'w.npz'))
    except ValueError as e:
        print('ValueError', str(e).replace(tmp, '<tmp>'))

# Two outputs: losses by output name, loss_weights, metrics per output.
i = keras.Input((4,), name='features')
h1 = keras.layers.Dense(5, activation='tanh', name='trunk')(i)
cls = keras.layers.Dense(3, name='cls')(h1)
reg = keras.layers.Dense(1, name='reg')(h1)
mo = fixed(keras.Model(i, [cls, reg]))
mo.compile(keras.optimizers.SGD(0.1),
           loss={'cls': keras.losses.SparseCategoricalCrossentropy(from_logits=True), 'reg': 'mse'},
           loss_weights={'cls': 1.0, 'reg': 0.5}, metrics={'cls': ['accuracy'], 'reg': ['mae']})
h = mo.fit(x, {'cls': y, 'reg': t}, batch_size=5, epochs=2, shuffle=False, verbose=0)
print(sorted(h.history.items()))
print(mo.evaluate(x, [y, t], verbose=0), mo.evaluate(x, [y, t], verbose=0, return_dict=True))
print([p.shape for p in mo.predict(x, verbose=0)])
mo2 = fixed(keras.Model(i, [cls, reg]))
mo2.compile('sgd', loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True), 'mae'])
print(sorted(mo2.fit(x, [y, t], epochs=1, verbose=0, shuffle=False).history.items()))

# Per-output loss trackers: TF weighs batches by size only when run eagerly.
mo3 = fixed(keras.Model(i, [cls, reg]))
mo3.compile('sgd', loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True), 'mae'], run_eagerly=True)
print(sorted(mo3.fit(x, [y, t], epochs=1, batch_size=5, verbose=0, shuffle=False).history.items()))

# A weight regularizer adds to the reported loss; run_eagerly gives the same numbers.
for eager in (False, True):
    rm = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, kernel_regularizer=keras.regularizers.l2(0.1)),
                                 keras.layers.Dense(1)]))
    rm.compile('sgd', 'mse', run_eagerly=eager)
    print(sorted(rm.fit(x, t, batch_size=5, epochs=2, shuffle=False, verbose=0).history.items()))
