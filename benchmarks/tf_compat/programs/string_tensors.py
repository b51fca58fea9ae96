import tensorflow as tf

s = tf.constant('hello')
print(s, s.dtype, s.shape)
print(tf.constant(['a', 'bc']))
print(tf.strings.length(tf.constant(['a', 'bc'])))
