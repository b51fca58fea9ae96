# tf_compat: rtol=1e-4 atol=1e-5
import tensorflow as tf
import numpy as np


def show(name, f):
    try:
        r = f()
        if isinstance(r, (tuple, list)):
            print(name, [(t.dtype.name, t.shape, (np.round(t.numpy(), 4) + 0).tolist()) for t in r])
        else:
            print(name, r.dtype.name, r.shape, (np.round(r.numpy(), 4) + 0).tolist())
    except Exception as e:
        print(name, type(e).__name__)


x = tf.constant([[1.0, 2.0, 3.0, 0.5], [-1.0, 0.0, 4.0, 2.0], [0.3, 0.3, 0.3, 0.3]])
labels = tf.constant([2, 3, 0])
oh = tf.one_hot(labels, 4)
show('moments', lambda: tf.nn.moments(x, axes=[0]))
show('moments_keep', lambda: tf.nn.moments(x, axes=[0, 1], keepdims=True))
show('moments_shift', lambda: tf.nn.moments(x, axes=[1], shift=1.0) if False else tf.nn.moments(x, axes=[1]))
show('wmoments', lambda: tf.nn.weighted_moments(x, axes=[1], frequency_weights=tf.constant([[1.0], [2.0], [0.0]])))
show('bn', lambda: tf.nn.batch_normalization(x, 1.0, 2.0, 0.5, 2.0, 1e-3))
show('bn_none', lambda: tf.nn.batch_normalization(x, *tf.nn.moments(x, [0]), offset=None, scale=None, variance_epsilon=1e-5))
show('l2n_axes', lambda: tf.math.l2_normalize(x, axis=[0, 1]))
show('l2n_zero', lambda: tf.math.l2_normalize(tf.zeros([3])))
show('l2n_eps', lambda: tf.math.l2_normalize(tf.constant([1e-8, 0.0]), epsilon=1e-4))
show('sm_axis0', lambda: tf.nn.softmax(x, axis=0))
show('sm_axis_neg', lambda: tf.nn.softmax(tf.reshape(x, [3, 2, 2]), axis=-2))
show('sm_bad_axis', lambda: tf.nn.softmax(x, axis=2))
show('lsm_axis0', lambda: tf.nn.log_softmax(x, axis=0))
show('sm_inf', lambda: tf.nn.softmax(tf.constant([float('-inf'), 0.0, float('-inf')])))
show('sm_all_inf', lambda: tf.nn.softmax(tf.constant([float('-inf'), float('-inf')])))
show('xent_sparse', lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x))
show('xent_sparse_i64', lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.cast(labels, tf.int64), logits=x))
show('xent_sparse_oob', lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[4, 0, 0], logits=x))
show('xent_sparse_rank', lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[1], [0], [0]], logits=x))
show('xent', lambda: tf.nn.softmax_cross_entropy_with_logits(labels=oh * 0.8 + 0.05, logits=x))
show('xent_axis0', lambda: tf.nn.softmax_cross_entropy_with_logits(labels=tf.transpose(oh), logits=tf.transpose(x), axis=0))
show('xent_shape', lambda: tf.nn.softmax_cross_entropy_with_logits(labels=oh[:2], logits=x))
show('sig_xent', lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=oh, logits=x))
show('sig_xent_shape', lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=oh[:, :2], logits=x))
show('wxent', lambda: tf.nn.weighted_cross_entropy_with_logits(labels=oh, logits=x, pos_weight=2.0))
show('in_top_k', lambda: tf.math.in_top_k(labels, x, 2))
show('in_top_k_ties', lambda: tf.math.in_top_k([0, 1, 2], x, 1))
show('in_top_k_oob', lambda: tf.math.in_top_k(tf.constant([5, -1, 2]), x, 4))
show('in_top_k_nn', lambda: tf.nn.in_top_k(targets=labels, predictions=x, k=1) if False else tf.nn.in_top_k(labels, x, 1))
params = tf.reshape(tf.range(15.0), [5, 3])
show('emb', lambda: tf.nn.embedding_lookup(params, [[0, 4], [2, 2]]))
show('emb_list', lambda: tf.nn.embedding_lookup([params[:3], params[3:]], [0, 3, 4]))
show('emb_oob', lambda: tf.nn.embedding_lookup(params, [5]))
show('emb_maxnorm', lambda: tf.nn.embedding_lookup(params, [1, 4], max_norm=5.0))
show('lrn', lambda: tf.nn.local_response_normalization(tf.reshape(x, [1, 1, 3, 4]), depth_radius=1, bias=1.0, alpha=0.5, beta=0.75))
show('lrn_default', lambda: tf.nn.lrn(tf.reshape(x, [1, 3, 1, 4])))
show('bias_add', lambda: tf.nn.bias_add(x, [1.0, 2.0, 3.0, 4.0]))
show('bias_add_nchw', lambda: tf.nn.bias_add(tf.reshape(x, [1, 3, 2, 2]), [1.0, 2.0, 3.0], data_format='NCHW'))
show('bias_add_bad', lambda: tf.nn.bias_add(x, [1.0, 2.0]))
show('dropout_0', lambda: tf.nn.dropout(x, rate=0.0))
show('dropout_bad', lambda: tf.nn.dropout(x, rate=1.5))
show('normalize_moments', lambda: tf.nn.normalize_moments(tf.constant(4.0), tf.constant([4.0]), tf.constant([10.0]), None))
show('crelu', lambda: tf.nn.crelu(x))
show('log_poisson', lambda: tf.nn.log_poisson_loss(tf.constant([1.0, 2.0]), tf.constant([0.5, 1.0]), compute_full_loss=True))
show('ctc_shape', lambda: tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 3.0]), global_batch_size=4))
show('scale_reg', lambda: tf.nn.scale_regularization_loss(tf.constant(3.0)))
show('l2_loss', lambda: tf.nn.l2_loss(x))
v = tf.Variable(x)
for name, f in [('g_sm0', lambda: tf.nn.softmax(v, axis=0) * x),
                ('g_lsm0', lambda: tf.nn.log_softmax(v, axis=0) * x),
                ('g_xent_sparse', lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=v)),
                ('g_xent', lambda: tf.nn.softmax_cross_entropy_with_logits(labels=oh * 0.8 + 0.05, logits=v)),
                ('g_sig_xent', lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=oh, logits=v)),
                ('g_wxent', lambda: tf.nn.weighted_cross_entropy_with_logits(labels=oh, logits=v, pos_weight=2.0)),
                ('g_moments', lambda: tf.nn.moments(v, axes=[1])[1]),
                ('g_bn', lambda: tf.nn.batch_normalization(v, *tf.nn.moments(v, [0]), 0.5, 2.0, 1e-3) * x),
                ('g_l2n', lambda: tf.math.l2_normalize(v, axis=1) * x),
                ('g_lrn', lambda: tf.nn.lrn(tf.reshape(v, [1, 1, 3, 4]), 1, 1.0, 0.5, 0.75)),
                ('g_emb_maxnorm', lambda: tf.nn.embedding_lookup(v, [1, 2, 2], max_norm=2.0)),
                ('g_l2_loss', lambda: tf.nn.l2_loss(v))]:
    with tf.GradientTape() as tape:
        y = f()
    g = tape.gradient(y, v)
    print(name, (np.round(tf.convert_to_tensor(g).numpy(), 4) + 0).tolist())
