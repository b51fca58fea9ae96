import numpy as np
import tensorflow as tf

keras = tf.keras


def fixed(model):
    model.set_weights([np.linspace(-1.0, 1.0, int(np.prod(w.shape))).reshape(tuple(w.shape)).astype(np.float32)
                       for w in model.weights])


# Two inputs, two outputs, a layer shared three times, merge layers.
a = keras.Input((4,), name='a')
b = keras.Input((3,), name='b')
shared = keras.layers.Dense(5, activation='relu', name='shared')
x = keras.layers.Concatenate(name='cat')([shared(a), keras.layers.Dense(5, name='side')(b)])
y = keras.layers.Dense(2, name='out')(x)
z = keras.layers.Add(name='sum')([shared(a), shared(a)])
model = keras.Model(inputs=[a, b], outputs=[y, z], name='two_io')
lines = []
model.summary(print_fn=lambda s, **kw: lines.append(s))
print("\n".join(lines))
print([layer.name for layer in model.layers])
print([w.path for w in model.weights])
print(model.output_shape, [t.shape for t in model.inputs])
fixed(model)
xa = np.linspace(-2, 2, 12).reshape(3, 4).astype(np.float32)
xb = np.linspace(1, -1, 9).reshape(3, 3).astype(np.float32)
out_y, out_z = model([xa, xb])
print(out_y.numpy(), out_z.numpy())
print(model({'a': xa, 'b': xb})[0].numpy())

# Merge layers and the sequential-like summary.
i = keras.Input((3,), name='i')
h = keras.layers.Dense(3, name='h')(i)
for layer in (keras.layers.Subtract(), keras.layers.Multiply(), keras.layers.Average(), keras.layers.Maximum(),
              keras.layers.Minimum()):
    m = keras.Model(i, layer([h, i]))
    fixed(m)
    print(type(layer).__name__, m(xb).numpy())
print(keras.layers.concatenate([h, i], axis=-1).shape, keras.layers.add([h, i]).shape)
seq_like = keras.Model(i, keras.layers.Dense(2, name='o')(keras.layers.Dense(6, name='d6')(i)), name='chain')
lines = []
seq_like.summary(print_fn=lambda s, **kw: lines.append(s))
print("\n".join(lines))
print(seq_like.input_shape, seq_like.output_shape, len(seq_like.layers))

# Dict outputs; nesting a functional model in another.
inner = keras.Model(i, {'p': keras.layers.Dense(2, name='p')(i), 'q': keras.layers.Dense(1, name='q')(i)}, name='inner')
fixed(inner)
res = inner(xb)
print(sorted(res), res['p'].numpy(), res['q'].numpy())
j = keras.Input((3,), name='j')
outer = keras.Model(j, keras.layers.Dense(1, name='top')(inner(j)['p']), name='outer')
fixed(outer)
print([layer.name for layer in outer.layers], outer(xb).numpy())

# Errors.
try:
    keras.layers.Concatenate()([keras.Input((2, 3)), keras.Input((4, 3))])
except ValueError as e:
    print("ValueError", "matching shapes" in str(e))
try:
    keras.layers.Dense(2)(keras.Input((3,)))
    keras.Model(keras.Input((3,)), keras.layers.Dense(2)(keras.Input((3,))))
except ValueError as e:
    print("ValueError")
