# tf_compat: rtol=2e-5 atol=2e-6
import numpy as np
import tensorflow as tf

keras = tf.keras


def fixed(model):
    model.set_weights([np.linspace(-1.0, 1.0, int(np.prod(w.shape))).reshape(tuple(w.shape)).astype(np.float32)
                       for w in model.weights])
    return model


def classifier():
    i = keras.Input((4,))
    h = keras.layers.Dense(5, activation='relu')(i)
    return fixed(keras.Model(i, keras.layers.Dense(3)(h)))


x = np.linspace(-1.5, 2.0, 40).reshape(10, 4).astype(np.float32) ** 2 - 1
y = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 1], np.int32)

# Not compiled.
try:
    classifier().fit(x, y, verbose=0)
except ValueError as e:
    print("ValueError", e)

# Strings and objects; history keys and values; the loss is the batch-size weighted mean over batches.
for opt, metrics in (('sgd', ['accuracy']), (keras.optimizers.Adam(0.05), ['sparse_categorical_accuracy']),
                     ('rmsprop', ['accuracy', keras.metrics.SparseCategoricalAccuracy(), 'accuracy'])):
    m = classifier()
    m.compile(optimizer=opt, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=metrics)
    h = m.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    print(sorted(h.history.items()), h.epoch, h.params)
    print(m.evaluate(x, y, verbose=0), m.evaluate(x, y, batch_size=3, verbose=0, return_dict=True))
    print(m.metrics_names, [w.numpy() for w in m.weights])

# validation_split / validation_data, a LearningRateScheduler (logs 'learning_rate').
m = classifier()
m.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
          metrics=['accuracy'])
h = m.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0, validation_split=0.3,
          callbacks=[keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)])
print(list(h.history), sorted(h.history.items()))
h = m.fit(x, y, epochs=2, shuffle=False, verbose=0, validation_data=(x[:4], y[:4]), initial_epoch=1)
print(sorted(h.history.items()), h.epoch)

# Regression with 'mse' loss and metrics, sample weights, predict, *_on_batch.
r = fixed(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation='tanh'), keras.layers.Dense(1)]))
r.compile(optimizer='adam', loss='mse', metrics=['mae', 'mse'])
target = x.sum(axis=1, keepdims=True) / 4
sw = np.linspace(0.5, 1.5, 10).astype(np.float32)
h = r.fit(x, target, batch_size=4, epochs=2, shuffle=False, verbose=0, sample_weight=sw)
print(sorted(h.history.items()))
p = r.predict(x, batch_size=3, verbose=0)
print(type(p).__name__, p.dtype, p.shape, p)
print(r.evaluate(x, target, verbose=0))
print(r.train_on_batch(x[:5], target[:5]), r.test_on_batch(x, target, return_dict=True))
print(r.predict_on_batch(x[:2]))

# A tf.data pipeline; steps_per_epoch.
ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
m = classifier()
m.compile('sgd', keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
print(sorted(m.fit(ds, epochs=2, verbose=0).history.items()))
print(m.evaluate(ds, verbose=0), m.predict(ds, verbose=0).shape)

# Errors.
try:
    m.fit(x, y[:7], verbose=0)
except ValueError as e:
    print("ValueError", e)
try:
    m.fit(x, y, validation_split=0.01, verbose=0)
except ValueError as e:
    print("ValueError", e)
