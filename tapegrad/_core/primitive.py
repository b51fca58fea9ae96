"""Primitive: one op declared once (forward kernel, VJP rule, JVP slot, flags), and THE registry.

A VJP rule is either
  * a tuple with one rule per input, ``rule(g, out, *inputs, **params) -> cotangent``
    (None where the input has no gradient); the tape calls only the rules of
    inputs that lead to a requested source, or
  * one callable ``rule(g, out, *inputs, **params) -> sequence of cotangents``,
    for variadic primitives and rules whose inputs share work.
``g`` is the output cotangent (a tuple of them for ``multiple_results``);
``out`` is the output when ``save_output`` is set, and the inputs are the input
tensors when ``save_inputs`` is set, otherwise ``Spec`` objects holding only
shape and dtype. Rules are written with tapegrad ops, so an enclosing tape
records the backward pass (higher-order derivatives). Cotangents may have a
broadcast shape: the tape reduces them to the input's shape.
"""

REGISTRY = {}


class Primitive:
    """A registered operation. Create with ``Primitive(name, impl, vjp, ...)``.

    Args:
      name: unique name (used in error messages and the registry).
      impl: the kernel, ``impl(*arrays, **params) -> array`` (tuple if multiple_results).
      vjp: the VJP rule(s), see the module docstring. None with
        ``differentiable=False`` marks an op whose outputs carry no gradient.
      jvp: forward-mode rule slot (``jvp(tangents, out, *inputs, **params)``).
      differentiable: False for round/argmax/comparisons: outputs are not recorded.
      linear: True when the op is linear in its (first) input.
      save_inputs, save_output: what the rule reads; the rest is not kept.
      multiple_results: impl returns a tuple of arrays.
      kinds: allowed dtype kinds of the first input ('f' float, 'c' complex,
        'i'/'u' integers, 'b' bool), or None for any.
      register: False for one-off primitives (custom gradients).
    """

    __slots__ = ("name", "impl", "vjp", "jvp", "differentiable", "linear", "save_inputs",
                 "save_output", "multiple_results", "kinds", "__weakref__")

    def __init__(self, name, impl, vjp=None, *, jvp=None, differentiable=True, linear=False,
                 save_inputs=True, save_output=False, multiple_results=False, kinds=None, register=True):
        if differentiable and vjp is None:
            raise ValueError(f"Primitive {name!r} is differentiable but has no VJP rule; "
                             "pass vjp=... or differentiable=False.")
        self.name = name
        self.impl = impl
        self.vjp = vjp
        self.jvp = jvp
        self.differentiable = differentiable
        self.linear = linear
        self.save_inputs = save_inputs
        self.save_output = save_output
        self.multiple_results = multiple_results
        self.kinds = kinds
        if register:
            if name in REGISTRY:
                raise ValueError(f"A primitive named {name!r} is already registered.")
            REGISTRY[name] = self

    def __repr__(self):
        return f"<Primitive {self.name}>"


class Spec:
    """Shape and dtype of a tensor a rule does not need the value of."""

    __slots__ = ("shape", "_np_dtype")

    def __init__(self, shape, np_dtype):
        self.shape = shape
        self._np_dtype = np_dtype

    @property
    def dtype(self):
        from .dtypes import from_numpy
        return from_numpy(self._np_dtype)

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"Spec(shape={self.shape}, dtype={self.dtype.name})"
