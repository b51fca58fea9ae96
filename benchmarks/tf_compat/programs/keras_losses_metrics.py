import tensorflow as tf

y_true = tf.constant([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y_pred = tf.constant([[0.1, 0.8], [0.6, 0.3], [0.9, 0.2]])
for red in ['sum_over_batch_size', 'sum', None, 'none']:
    try:
        print(red, tf.keras.losses.MeanSquaredError(reduction=red)(y_true, y_pred))
    except Exception as e:
        print(red, type(e).__name__)
print(tf.keras.losses.BinaryCrossentropy(from_logits=False)(y_true, y_pred))
print(tf.keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred))
print(tf.keras.losses.KLDivergence()(y_true, y_pred), tf.keras.losses.SquaredHinge()(y_true, y_pred), tf.keras.losses.CategoricalHinge()(y_true, y_pred))
print(tf.keras.losses.Poisson()(y_true, y_pred))
print(tf.keras.losses.CosineSimilarity()(y_true, y_pred))
print(tf.keras.losses.LogCosh()(y_true, y_pred))
print(tf.keras.losses.Hinge()(y_true, y_pred))
print(tf.keras.losses.MeanAbsolutePercentageError()(y_true + 1, y_pred))
print(tf.keras.losses.MeanSquaredLogarithmicError()(y_true, y_pred))
m = tf.keras.metrics.Mean()
for v in [1.0, 2.0, 6.0]:
    m.update_state(v)
print(m.result(), m.count if hasattr(m, 'count') else '')
a = tf.keras.metrics.BinaryAccuracy()
a.update_state(y_true, y_pred)
print(a.result())
c = tf.keras.metrics.CategoricalAccuracy()
c.update_state(y_true, y_pred)
print(c.result())
auc_like = tf.keras.metrics.MeanAbsoluteError()
auc_like.update_state(y_true, y_pred)
print(auc_like.result())
