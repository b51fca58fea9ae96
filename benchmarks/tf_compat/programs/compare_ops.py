import tensorflow as tf

a = tf.constant([1.0, 2.0, 3.0])
print(a == 2.0, a != 2.0, a < 2, a >= 2)
print(tf.equal(a, [1.0, 0.0, 3.0]), tf.not_equal(a, a))
print(a == None, a != None)
print(tf.constant([1, 2]) == tf.constant([1.0, 2.0]) if False else '')
try:
    print(tf.constant([1, 2]) == tf.constant([1.0, 2.0]))
except Exception as e:
    print(type(e).__name__)
try:
    print(tf.equal(tf.constant([1, 2]), tf.constant([1.0, 2.0])))
except Exception as e:
    print(type(e).__name__)
try:
    print(tf.constant([1, 2]) == tf.constant([1, 2, 3]))
except Exception as e:
    print(type(e).__name__)
try:
    print(tf.constant([1, 2]) < tf.constant([1.0, 2.0]))
except Exception as e:
    print(type(e).__name__)
print(tf.constant([1, 2]) == 1.5 if False else '')
print(tf.math.logical_not(a > 1), tf.logical_or(a > 2, a < 2), tf.math.logical_xor(a > 1, a > 2))
print((a > 1) & (a < 3), (a > 2) | (a < 2), ~(a > 1))
print(tf.reduce_all(a == a), bool(tf.reduce_any(a > 2)))
try:
    bool(a > 1)
except Exception as e:
    print(type(e).__name__)
try:
    if a:
        pass
except Exception as e:
    print(type(e).__name__)
print(tf.math.approx_max_k if False else '', tf.experimental.numpy if False else '')
print(tf.debugging.assert_equal(a, a))
try:
    tf.debugging.assert_equal(a, a + 1)
except Exception as e:
    print(type(e).__name__)
try:
    tf.debugging.assert_positive(a - 2)
except Exception as e:
    print(type(e).__name__)
try:
    tf.debugging.check_numerics(a / 0, 'bad')
except Exception as e:
    print(type(e).__name__)
try:
    tf.debugging.assert_shapes([(a, ('N',)), (tf.zeros([2, 3]), ('N', 'M'))])
except Exception as e:
    print(type(e).__name__)
print(tf.math.equal(tf.constant(True), True))
