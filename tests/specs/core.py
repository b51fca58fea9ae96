"""Specs for the engine's own primitives (identity, stop_gradient, cast, conj, where, basic arithmetic)."""
import numpy as np

import tapegrad as tg

from . import OpSpec

BINARY_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2))]

SPECS = [
    OpSpec("add", tg.add, BINARY_SHAPES),
    OpSpec("subtract", tg.subtract, BINARY_SHAPES),
    OpSpec("multiply", tg.multiply, BINARY_SHAPES),
    OpSpec("negative", tg.negative, [((4,),)]),
    OpSpec("realdiv", tg.divide, BINARY_SHAPES, domain=(0.5, 2.0)),
    OpSpec("sin", tg.sin, [((4,),), ((2, 3),)]),
    OpSpec("cos", tg.cos, [((4,),)]),
    OpSpec("exp", tg.exp, [((4,),)]),
    OpSpec("log", tg.math.log, [((4,),)], domain=(0.5, 3.0)),
    OpSpec("square", tg.square, [((4,),)]),
    OpSpec("sqrt", tg.sqrt, [((4,),)], domain=(0.5, 3.0)),
    OpSpec("pow", tg.pow, [((3,), (3,)), ((2, 3), ())], domain=(0.5, 2.0)),
    OpSpec("identity", tg.identity, [((3,),)]),
    OpSpec("stop_gradient", tg.stop_gradient, [((3,),)], grad=False),
    OpSpec("cast", lambda x: tg.cast(tg.cast(x, tg.complex128), tg.float64), [((3,),)]),
    OpSpec("conj", lambda x: tg.cast(tg.math.conj(tg.cast(x, tg.complex128)), tg.float64), [((3,),)]),
    OpSpec("where", lambda x, y: tg.where(x > y, x, y), [((3,), (3,)), ((2, 3), (3,))]),
    OpSpec("greater", lambda x, y: tg.math.greater(x, y), [((3,), (3,))], grad=False),
    OpSpec("not_equal", lambda x, y: tg.math.not_equal(x, y), [((3,), (3,))], grad=False),
    OpSpec("reshape", lambda x: tg.reshape(x, [3, 2]), [((2, 3),)]),
    OpSpec("broadcast_to", lambda x: tg.broadcast_to(x, [2, 3]), [((3,),), ((2, 1),)]),
    OpSpec("reduce_sum", lambda x: tg.reduce_sum(x, axis=1), [((2, 3),)]),
]
