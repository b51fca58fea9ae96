import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(6,)),
    tf.keras.layers.Dense(5, activation='relu', name='hidden'),
    tf.keras.layers.Dropout(0.2),
    tf.keras.layers.Dense(2, name='out'),
], name='seq')
print(model.name, len(model.layers), [l.name for l in model.layers])
print(model.output_shape if hasattr(model, 'output_shape') else None)
print([w.shape for w in model.weights])
print(model.count_params())
print(model(tf.ones([3, 6])).shape)
lines = []
model.summary(print_fn=lambda s, **kw: lines.append(s))
print(len(lines) > 0)
model.layers[0].trainable = False
print(len(model.trainable_variables), len(model.non_trainable_variables))
