"""Property tests (hypothesis): gradients of broadcasting binary ops have the inputs' shapes and values.

The tape sums broadcast cotangents back to each input's shape in one place;
these tests drive it with random broadcastable shape pairs.
"""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tapegrad as tf

OPS = {
    "add": (tf.add, lambda x, y, g: (g, g)),
    "subtract": (tf.subtract, lambda x, y, g: (g, -g)),
    "multiply": (tf.multiply, lambda x, y, g: (g * y, g * x)),
    "divide": (tf.divide, lambda x, y, g: (g / y, -g * x / y ** 2)),
    "maximum": (tf.maximum, lambda x, y, g: (g * (x >= y), g * (x < y))),
}


def _sum_to(g, shape):
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


@settings(max_examples=60, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3),
       op=st.sampled_from(sorted(OPS)), data=st.data())
def test_broadcast_gradients(shapes, op, data):
    fn, ref = OPS[op]
    sx, sy = shapes.input_shapes
    x = data.draw(hnp.arrays(np.float64, sx, elements=st.floats(0.5, 2.0)))
    y = data.draw(hnp.arrays(np.float64, sy, elements=st.floats(0.5, 2.0)))
    g = data.draw(hnp.arrays(np.float64, shapes.result_shape, elements=st.floats(-2.0, 2.0)))
    tx, ty = tf.constant(x), tf.constant(y)
    with tf.GradientTape() as tape:
        tape.watch([tx, ty])
        out = fn(tx, ty)
    gx, gy = tape.gradient(out, [tx, ty], output_gradients=tf.constant(g))
    assert gx.shape == sx and gy.shape == sy
    ex, ey = ref(np.broadcast_to(x, shapes.result_shape), np.broadcast_to(y, shapes.result_shape), g)
    np.testing.assert_allclose(gx.numpy(), _sum_to(ex, sx).reshape(sx), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gy.numpy(), _sum_to(ey, sy).reshape(sy), rtol=1e-12, atol=1e-12)
