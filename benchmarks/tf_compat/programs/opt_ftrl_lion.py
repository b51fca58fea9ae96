import tensorflow as tf

for name, o in [("lion", tf.keras.optimizers.Lion(0.01)), ("lion_b", tf.keras.optimizers.Lion(0.1, beta_1=0.5, beta_2=0.9)),
                ("ftrl", tf.keras.optimizers.Ftrl(0.1)),
                ("ftrl_l1l2", tf.keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.1,
                                                      l2_shrinkage_regularization_strength=0.05, beta=0.5))]:
    v = tf.Variable([1.0, -2.0, 3.0])
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v ** 2 * tf.constant([1.0, 2.0, 3.0]))
        o.apply_gradients([(tape.gradient(loss, v), v)])
    print(name, v.numpy())
