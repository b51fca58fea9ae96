import tensorflow as tf

def err(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__)

i = tf.constant([7, -7, 0])
print(i // 2, i % 3, i / 2, (i / 2).dtype)
print(tf.math.abs(i), -i, tf.math.negative(i), tf.square(i))
print(tf.constant([2**31 - 1]) + 1)
print(tf.constant([100], tf.int8) * 2)
print(tf.constant([250], tf.uint8) + tf.constant([10], tf.uint8))
print(tf.math.pow(tf.constant([2, 3]), 3), tf.constant([2]) ** tf.constant([10]))
err(lambda: tf.constant([2]) ** -1)
print(tf.reduce_sum(tf.constant([2**30, 2**30, 2**30])))
print(tf.reduce_mean(tf.constant([1, 2])), tf.reduce_mean(tf.constant([1.0, 2.0])))
print(tf.math.reduce_prod(tf.constant([1000, 1000, 1000, 10])))
print(tf.bitwise.bitwise_and(tf.constant([12]), tf.constant([10])) if hasattr(tf, 'bitwise') else 'no bitwise')
print(tf.math.floordiv(tf.constant([-7.5]), 2.0), tf.math.mod(tf.constant([-7]), 3))
print(tf.cast(tf.constant([3]), tf.float32) / tf.constant([2.0]))
err(lambda: tf.math.sqrt(tf.constant([4])))
err(lambda: tf.nn.softmax(tf.constant([1, 2])))
err(lambda: tf.math.reduce_std(tf.constant([1, 2])))
err(lambda: tf.math.log(tf.constant([1], tf.int64)))
print(tf.math.maximum(tf.constant([1, 5]), 3), tf.math.minimum(tf.constant([1, 5]), tf.constant([3, 3])))
print(tf.math.sign(tf.constant([-3, 0, 3])), tf.math.square(tf.constant([3], tf.int64)))
print(tf.math.argmax(tf.constant([1, 3, 2])).dtype, tf.math.argmin(tf.constant([[1, 3], [4, 0]]), axis=1))
