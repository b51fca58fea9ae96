"""``tapegrad.experimental``: defining primitives of your own.

>>> cube_p = tapegrad.experimental.Primitive("cube", lambda x: x ** 3)
>>> cube_p.bind(2.0)
<tapegrad.Tensor: shape=(), dtype=float32, numpy=8.0>

Give it a gradient with ``tapegrad.RegisterGradient("cube")`` or mark it with
``tapegrad.no_gradient("cube")``. The kernel receives NumPy arrays.

``register_batch_rule(prim, rule)`` makes ``tape.jacobian`` push all its
cotangents through ``prim``'s gradient at once: ``BROADCAST`` when the rule
only broadcasts ``g`` (an extra leading batch axis) against primal values,
else a rule ``rule(g, out, *inputs, **params)`` for a ``g`` with that axis.
Without one, the rule runs once per jacobian row (with a warning).
"""
from ._core.batching import BROADCAST, register as register_batch_rule  # noqa: F401
from ._core.primitive import Primitive  # noqa: F401
