"""Specs for tapegrad/ops/array.py (composites get extra specs with an id, on the primitives they use)."""
import numpy as np

import tapegrad as tg
from tapegrad.ops import array

from . import OpSpec


def _with_indices(shape, indices):
    return lambda rng: [rng.uniform(-2, 2, size=shape), np.array(indices)]


def _complex_roundtrip(fn):
    """fn applied to x as complex128, back to float64 (real part): exercises conjugating rules."""
    return lambda x: tg.cast(fn(tg.cast(x, tg.complex128)), tg.float64)


SPECS = [
    OpSpec("transpose", lambda x: tg.transpose(x, [1, 2, 0]), [((2, 3, 4),)]),
    OpSpec("transpose", lambda x: tg.transpose(x), [((2, 3),)], id="transpose_default"),
    OpSpec("transpose", _complex_roundtrip(lambda z: tg.transpose(z, conjugate=True) * (1 + 2j)), [((2, 3),)],
           id="transpose_conjugate"),
    OpSpec("reshape", lambda x: tg.squeeze(tg.expand_dims(x, -1) * x[..., None], axis=[2]), [((2, 3),)],
           id="expand_dims_squeeze"),
    OpSpec("concat", lambda x, y: tg.concat([x, y, x], -1), [((2, 3), (2, 1))]),
    OpSpec("stack", lambda x, y: tg.stack([x, y], axis=1), [((2, 3), (2, 3)), ((3,), (3,))]),
    OpSpec("stack", lambda x, y: tg.stack([y, x, y]), [((), ())], id="stack_scalars"),
    OpSpec("split", lambda x: tg.split(x, [1, -1, 2], axis=1), [((2, 5),)]),
    OpSpec("split", lambda x: tg.split(x, 3, axis=0)[1] * 2.0, [((6, 2),)], id="split_one_output_used"),
    OpSpec("unstack", lambda x: tg.unstack(x, axis=-1)[::2], [((2, 3),)]),
    OpSpec("tile", lambda x: tg.tile(x, [2, 1, 3]), [((2, 1, 3),)]),
    OpSpec("pad", lambda x: tg.pad(x, [[1, 0], [2, 1]], constant_values=3.0), [((2, 3),)]),
    OpSpec("gather", lambda x: tg.pad(x, [[1, 1], [2, 0]], mode="REFLECT"), [((3, 3),)], id="pad_reflect"),
    OpSpec("gather", lambda x: tg.pad(x, [[2, 1], [0, 3]], mode="symmetric"), [((2, 3),)], id="pad_symmetric"),
    OpSpec("reverse", lambda x: tg.reverse(x, [0, -1]), [((2, 3),)]),
    OpSpec("gather", lambda p, i: tg.gather(p, i), [], args=_with_indices((4, 3), [[0, 3], [3, 1]])),
    OpSpec("gather", lambda p, i: tg.gather(p, i, axis=1), [], args=_with_indices((2, 3), [2, 2, 0]), id="gather_axis"),
    OpSpec("gather", lambda p, i: tg.gather(p, i, axis=2, batch_dims=1),
           [], args=_with_indices((2, 3, 4), [[1, 1], [0, 3]]), id="gather_batch_dims"),
    OpSpec("gather_grad", lambda g, i: array.gather_grad_p.bind(g, i, shape=(4, 2), axis=0, batch_dims=0),
           [], args=_with_indices((3, 2), [1, 1, 3])),
    OpSpec("gather_nd", lambda p, i: tg.gather_nd(p, i), [], args=_with_indices((3, 4), [[0, 1], [2, 3], [0, 1]])),
    OpSpec("gather_nd", lambda p, i: tg.gather_nd(p, i, batch_dims=1), [], args=_with_indices((2, 3, 2), [[1], [1]]),
           id="gather_nd_batch_dims"),
    OpSpec("gather_nd_grad", lambda g, i: array.gather_nd_grad_p.bind(g, i, shape=(3, 2), batch_dims=0),
           [], args=_with_indices((2, 2), [[1], [1]])),
    OpSpec("gather", lambda x: tg.boolean_mask(x, [[True, False, True], [False, True, True]]), [((2, 3, 2),)],
           id="boolean_mask"),
    OpSpec("strided_slice", lambda x: x[::-2, None, 1:], [((5, 3),)]),
    OpSpec("strided_slice", lambda x: x[..., -1] * x[1, ...], [((3, 3),)], id="getitem_ellipsis"),
    OpSpec("strided_slice_grad",
           lambda g: array.strided_slice_grad_p.bind(g, shape=(4, 3), key=(slice(None, None, -2),)), [((2, 3),)]),
    OpSpec("concat", lambda a, b: tg.linspace(a, b, 5, axis=-1), [((2,), ()), ((), ())], id="linspace"),
    OpSpec("one_hot", lambda on: tg.one_hot([0, 2, 5], 3, on_value=on), [((),)], grad=False),
    OpSpec("where_indices", lambda x: tg.where(x > 0.0), [((3, 2),)], grad=False),
    OpSpec("range", lambda s: tg.range(s, s + 3.0, 0.5), [((),)], grad=False),
]
