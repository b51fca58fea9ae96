"""``tapegrad.experimental``: defining primitives of your own.

>>> cube_p = tapegrad.experimental.Primitive("cube", lambda x: x ** 3)
>>> cube_p.bind(2.0)
<tapegrad.Tensor: shape=(), dtype=float32, numpy=8.0>

Give it a gradient with ``tapegrad.RegisterGradient("cube")`` or mark it with
``tapegrad.no_gradient("cube")``. The kernel receives NumPy arrays.
"""
from ._core.primitive import Primitive  # noqa: F401
