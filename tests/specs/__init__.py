"""The spec table: every primitive has at least one OpSpec here.

An ``OpSpec`` names the primitive it covers, a function of tapegrad tensors
that exercises it, the argument shapes to try (pairs that broadcast are
welcome) and the input domain. ``grad=False`` marks a non-differentiable
primitive: its spec checks that the gradient through it is None.
"""
import dataclasses
from typing import Callable, Optional, Sequence


@dataclasses.dataclass
class OpSpec:
    prim: str                       # registry name of the primitive covered
    fn: Callable                    # function of tapegrad tensors
    shapes: Sequence[tuple]         # list of argument-shape tuples, one tuple per case
    domain: tuple = (-2.0, 2.0)     # uniform sampling range for float args
    order: int = 2                  # 1 or 2
    grad: bool = True               # False: the op is not differentiable (gradient is None)
    rtol: float = 1e-5
    atol: float = 1e-6
    args: Optional[Callable] = None  # rng -> list of NumPy args (overrides shapes/domain)
    id: str = ""

    def cases(self, rng):
        import numpy as np
        if self.args is not None:
            return [self.args(rng)]
        lo, hi = self.domain
        return [[rng.uniform(lo, hi, size=s) for s in shapes] for shapes in self.shapes]


def all_specs():
    from . import (array, array_extra, conv, core, fft, indexing, linalg, linalg_extra, manip, math, nn, nn_more,
                   random, reduce, special, special_extra)
    out = []
    for module in (core, math, array, reduce, random, nn, linalg, conv, indexing, manip, special, linalg_extra,
                   array_extra, special_extra, nn_more, fft):
        out.extend(module.SPECS)
    return out
