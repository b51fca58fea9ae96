"""Random ops inside a traced function: stateful equations that draw new numbers on every call.

Seeds follow TF's graph rules: an op's seeds are fixed when it is traced. With
a global seed and no op seed, the op seed comes from a sequence that restarts
for every traced graph (so two functions with the same random ops give the
same numbers, as TF's ``set_seed`` documents); each traced op then keeps its
own call counter, which ``set_seed`` resets. Unseeded ops use fresh entropy.
The trace itself peeks at the first draw without consuming it, so the first
call returns the numbers the trace saw.
"""
import random as _pyrandom

import numpy as np

from .._core.context import state as _state
from .._core.primitive import Primitive
from .._core.tensor import Tensor
from ..ops import random as _random
from .tracer import STATEFUL


class _Stream:
    """The generator sequence of one traced random op."""

    def __init__(self, kind, dtype, seeds):
        self.kind, self.dtype, self.seeds = kind, dtype, seeds
        self.calls, self.epoch = 0, _random._epoch[0]

    def generator(self, advance=True):
        global_seed, op_seed = self.seeds
        if global_seed is None:
            return _random._entropy
        if self.epoch != _random._epoch[0]:
            self.calls, self.epoch = 0, _random._epoch[0]
        n = self.calls
        if advance:
            self.calls += 1
        return np.random.Generator(np.random.PCG64([global_seed, op_seed, n]))


def _draw_impl(*arrays, stream, sample):
    with _random._lock:
        rng = stream.generator()
        return sample(rng, *arrays)


draw_p = Primitive("random_draw", _draw_impl, differentiable=False, register=False)
STATEFUL.add(draw_p)


def _seeds(op_seed):
    root = _state.graph.root
    if op_seed is None and _random._global_seed is not None:
        seq = getattr(root, "random_seeds", None)
        if seq is None:
            seq = root.random_seeds = _pyrandom.Random(_random._global_seed)
        return _random._global_seed % _random._MAXINT32, seq.randint(0, _random._MAXINT32) % _random._MAXINT32
    return _random._seeds(op_seed)


def traced_draw(kind, dtype, seed, sample, inputs):
    stream = _Stream(kind, dtype, _seeds(seed))
    with _random._lock:
        value = sample(stream.generator(advance=False), *[t._value for t in inputs])
    out = Tensor(value)
    _state.graph.add(draw_p, tuple(inputs), (out,), {"stream": stream, "sample": sample})
    return out
