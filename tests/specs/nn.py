"""Specs for tapegrad/ops/nn.py."""
import numpy as np

import tapegrad as tg

from tapegrad._core.dispatch import execute
from tapegrad.ops.nn import relu_grad_p

from . import OpSpec


def _distribution(raw, axis=-1):
    """Positive ``raw`` normalized along ``axis``: TF's softmax cross entropy gradient assumes such labels."""
    return raw / tg.reduce_sum(raw, axis, keepdims=True)


def _logits_and(labels_shape, logits_shape=(3, 4)):
    return lambda rng: [rng.uniform(-3, 3, size=logits_shape), rng.uniform(0.5, 2.0, size=labels_shape)]


SPECS = [
    OpSpec("relu", tg.nn.relu, [((5,),), ((2, 3),)]),
    OpSpec("relu_grad", lambda g, y: execute(relu_grad_p, (g, y), {}), [((5,), (5,)), ((2, 3), (2, 3))],
           args=lambda rng: [rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, (2, 3))]),
    OpSpec("relu6", tg.nn.relu6, [((8,),)], domain=(-2.0, 8.0)),
    OpSpec("leaky_relu", lambda x: tg.nn.leaky_relu(x, alpha=0.3), [((5,),)]),
    OpSpec("elu", tg.nn.elu, [((5,),), ((2, 3),)]),
    OpSpec("selu", tg.nn.selu, [((5,),)]),
    OpSpec("softsign", tg.nn.softsign, [((5,),)]),
    OpSpec("softmax", tg.nn.softmax, [((4,),), ((2, 3),)]),
    OpSpec("softmax", lambda x: tg.nn.softmax(x, axis=0), [((3, 2),)], id="softmax_axis0"),
    OpSpec("log_softmax", tg.nn.log_softmax, [((4,),), ((2, 3),)]),
    OpSpec("log_softmax", lambda x: tg.nn.log_softmax(x, axis=1), [((2, 3, 2),)], id="log_softmax_axis1"),
    OpSpec("softmax_cross_entropy_with_logits",
           lambda x, r: tg.nn.softmax_cross_entropy_with_logits(labels=_distribution(r), logits=x),
           [], args=_logits_and((3, 4))),
    OpSpec("softmax_cross_entropy_with_logits",
           lambda x, r: tg.nn.softmax_cross_entropy_with_logits(labels=_distribution(r, 0), logits=x, axis=0),
           [], args=_logits_and((3, 4)), id="softmax_xent_axis0"),
    OpSpec("softmax_cross_entropy_with_logits",
           lambda x, r: tg.nn.softmax_cross_entropy_with_logits(labels=_distribution(r), logits=x),
           [], args=_logits_and((4,)), id="softmax_xent_broadcast_labels"),
    OpSpec("sparse_softmax_cross_entropy_with_logits",
           lambda x, z: tg.nn.sparse_softmax_cross_entropy_with_logits(labels=z, logits=x),
           [], args=lambda rng: [rng.uniform(-3, 3, size=(2, 3, 4)), np.array([[0, 3, 1], [2, 2, 0]])]),
    OpSpec("sigmoid_cross_entropy_with_logits",
           lambda x, z: tg.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), [((5,), (5,)), ((2, 3), (2, 3))]),
    OpSpec("weighted_cross_entropy_with_logits",
           lambda x, z, q: tg.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=q),
           [((5,), (5,), ()), ((2, 3), (2, 3), (3,))]),
    OpSpec("l2_loss", tg.nn.l2_loss, [((3,),), ((2, 3),)]),
    OpSpec("bias_add", tg.nn.bias_add, [((2, 3), (3,)), ((2, 2, 3), (3,))]),
    OpSpec("bias_add", lambda v, b: tg.nn.bias_add(v, b, data_format="NCHW"), [((2, 3, 4), (3,))], id="bias_add_nchw"),
]
