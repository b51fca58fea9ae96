import tensorflow as tf

logits = tf.constant([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
labels = tf.constant([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
print(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
print(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([0, 1]), logits=logits))
print(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
print(tf.nn.weighted_cross_entropy_with_logits(labels=labels, logits=logits, pos_weight=2.0))
print(tf.nn.softmax(logits))
print(tf.nn.log_softmax(logits, axis=0))
print(tf.nn.l2_loss(logits))
print(tf.nn.l2_normalize(logits, axis=1))
print(tf.nn.relu6(tf.constant([-1.0, 3.0, 8.0])), tf.nn.leaky_relu(tf.constant([-1.0, 2.0])))
print(tf.nn.elu(tf.constant([-1.0, 2.0])), tf.nn.selu(tf.constant([-1.0, 2.0])))
print(tf.nn.gelu(tf.constant([-1.0, 2.0])), tf.nn.silu(tf.constant([-1.0, 2.0])))
print(tf.nn.softsign(tf.constant([-1.0, 2.0])))
print(tf.nn.bias_add(tf.ones([2, 3]), tf.constant([1.0, 2.0, 3.0])))
print(tf.nn.moments(logits, axes=[0]))
w = tf.Variable(logits)
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=w))
print(tape.gradient(loss, w))
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2, 0], logits=w))
print(tape.gradient(loss, w))
try:
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([0, 3]), logits=logits)
except Exception as e:
    print(type(e).__name__)
try:
    tf.nn.softmax_cross_entropy_with_logits(labels=[[1.0, 0.0]], logits=logits)
except Exception as e:
    print(type(e).__name__)
print(tf.nn.dropout(tf.ones([3]), rate=0.0))
print(tf.nn.top_k(tf.constant([1.0, 5.0, 3.0]), k=2))
print(tf.nn.in_top_k(tf.constant([0, 1]), logits, 1) if False else tf.math.in_top_k(tf.constant([0, 1]), logits, 1))
