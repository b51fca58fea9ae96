"""Random ops inside a traced function: stateful equations that draw new numbers on every call.

Seeds follow TF's graph rules (``random_seed.get_seed`` in a graph): an op's seeds are fixed when it is
traced. With a global seed and no op seed, the op seed is the number of such ops traced before it in
the same graph (0, 1, 2, ...), so two functions with the same random ops give the same numbers, as TF's
``set_seed`` documents. Each traced op then keeps its own Philox generator (TF's kernel), which
``set_seed`` restarts. Unseeded ops use fresh entropy. The trace itself peeks at the first draw
without consuming it, so the first call returns the numbers the trace saw.
"""
from .._core.context import state as _state
from .._core.primitive import Primitive
from .._core.tensor import Tensor
from ..ops import random as _random
from ..ops import random_philox as _philox
from .tracer import STATEFUL


class _Stream:
    """The generator of one traced random op: ``samples`` counter steps per call."""

    def __init__(self, seeds, samples):
        self.seeds, self.samples = seeds, samples
        self.epoch = self.gen = None

    def generator(self, advance=True):
        if self.seeds[0] is None:
            return _random.entropy_generator()
        if self.epoch != _random._epoch[0]:
            self.gen, self.epoch = _philox.Philox.from_seeds(*self.seeds), _random._epoch[0]
        gen = self.gen
        if advance:
            self.gen = gen.skipped(self.samples)
        return gen


def _draw_impl(*arrays, stream, sample):
    with _random._lock:
        gen = stream.generator()
    return sample(gen, *arrays)


draw_p = Primitive("random_draw", _draw_impl, differentiable=False, register=False)
STATEFUL.add(draw_p)


def _seeds(op_seed):
    root = _state.graph.root
    if op_seed is None and _random._global_seed is not None:
        count = getattr(root, "random_seeds", 0)
        root.random_seeds = count + 1
        return _random._pair(_random._global_seed, count)
    return _random._seeds(op_seed)


def traced_draw(seed, samples, sample, inputs):
    stream = _Stream(_seeds(seed), samples)
    with _random._lock:
        gen = stream.generator(advance=False)
    out = Tensor(sample(gen, *[t._value for t in inputs]))
    _state.graph.add(draw_p, tuple(inputs), (out,), {"stream": stream, "sample": sample})
    return out
