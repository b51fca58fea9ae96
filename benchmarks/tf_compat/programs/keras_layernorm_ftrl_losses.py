# tf_compat: rtol=2e-5 atol=1e-6
import tensorflow as tf, numpy as np

x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10 - 1)
ln = tf.keras.layers.LayerNormalization()
print("ln", ln(x).numpy()[1].tolist())
ln2 = tf.keras.layers.LayerNormalization(axis=[1, 2], epsilon=0.1, gamma_initializer='ones')
ln2.build(x.shape)
ln2.gamma.assign(tf.reshape(tf.range(12, dtype=tf.float32) / 10, [3, 4])); ln2.beta.assign(tf.ones([3, 4]))
print("ln2", ln2(x).numpy()[0].tolist(), [w.shape for w in ln2.weights])
ln3 = tf.keras.layers.LayerNormalization(axis=1, center=False)
print("ln3", ln3(x).numpy()[0, :, 0].tolist(), len(ln3.weights))
for name, o in [("lion", tf.keras.optimizers.Lion(0.01)), ("ftrl", tf.keras.optimizers.Ftrl(0.1)),
    ("ftrl2", tf.keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.1,
        l2_shrinkage_regularization_strength=0.05, beta=0.5, learning_rate_power=-0.7, initial_accumulator_value=0.3))]:
    v = tf.Variable([1.0, -2.0, 3.0])
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v ** 2 * tf.constant([1.0, 2.0, 3.0]))
        o.apply_gradients([(tape.gradient(loss, v), v)])
    print(name, v.numpy().tolist())
yt = tf.constant([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]); yp = tf.constant([[0.1, 0.8], [0.6, 0.3], [0.9, 0.2]])
L = tf.keras.losses
for n in ["KLDivergence", "Poisson", "LogCosh", "Hinge", "SquaredHinge", "CategoricalHinge", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "CosineSimilarity"]:
    print(n, float(getattr(L, n)()(yt, yp)), getattr(L, n)(reduction=None)(yt, yp).numpy().tolist())
print("hinge-1", float(L.Hinge()([[-1.0, 1.0]], [[0.3, -0.2]])))
