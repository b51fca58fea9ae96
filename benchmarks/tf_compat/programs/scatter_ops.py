import tensorflow as tf

print(tf.scatter_nd([[1], [3]], [10, 30], [5]))
print(tf.scatter_nd([[0, 1], [0, 1]], [1.0, 2.0], [2, 2]))
print(tf.scatter_nd([[1]], [[1, 2, 3]], tf.constant([3, 3])))
t = tf.zeros([4])
print(tf.tensor_scatter_nd_update(t, [[0], [2]], [5.0, 6.0]))
print(tf.tensor_scatter_nd_add(tf.ones([2, 2]), [[0, 0], [0, 0]], [1.0, 1.0]))
print(tf.tensor_scatter_nd_sub(tf.ones([3]), [[1]], [5.0]))
print(tf.tensor_scatter_nd_max(tf.constant([1, 5, 3]), [[0], [1]], [4, 4]))
print(tf.tensor_scatter_nd_min(tf.constant([1, 5, 3]), [[0], [1]], [4, 4]))
print(tf.tensor_scatter_nd_update(tf.zeros([2, 3]), [[1]], [[1.0, 2.0, 3.0]]))
try:
    tf.tensor_scatter_nd_update(tf.zeros([3]), [[5]], [1.0])
except Exception as e:
    print(type(e).__name__)
x = tf.Variable([1.0, 2.0, 3.0])
u = tf.Variable([10.0, 20.0])
with tf.GradientTape() as tape:
    y = tf.tensor_scatter_nd_update(x, [[0], [2]], u)
    loss = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0]))
print(tape.gradient(loss, [x, u]))
with tf.GradientTape() as tape:
    y = tf.scatter_nd([[0], [0]], u, [3])
print(tape.gradient(y, u))
print(tf.math.unsorted_segment_sum([1.0, 2.0, 3.0, 4.0], [0, 1, 0, 1], num_segments=2))
print(tf.math.segment_mean([1.0, 2.0, 3.0, 4.0], [0, 0, 1, 1]))
print(tf.math.unsorted_segment_max([1, 5, 3], [1, 1, 0], 3))
