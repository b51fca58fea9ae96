"""Primitive: one op declared once (forward kernel, VJP rule, JVP slot, flags), and THE registry.

A VJP rule is either
  * a tuple with one rule per input, ``rule(g, out, *inputs, **params) -> cotangent``
    (None where the input has no gradient); the tape calls only the rules of
    inputs that lead to a requested source (a variadic primitive may give more
    rules than a call has inputs: rule i serves input i), or
  * one callable ``rule(g, out, *inputs, **params) -> sequence of cotangents``,
    for variadic primitives and rules whose inputs share work.
``g`` is the output cotangent (a tuple of them for ``multiple_results``);
``out`` is the output when ``save_output`` is set, and the inputs are the input
tensors when ``save_inputs`` is set, otherwise ``Spec`` objects holding only
shape and dtype. Rules are written with tapegrad ops, so an enclosing tape
records the backward pass (higher-order derivatives). Cotangents may have a
broadcast shape: the tape reduces them to the input's shape.

A JVP rule (forward mode, ``tapegrad/_core/forwardprop.py``) is one callable
``jvp(tangents, out, *inputs, **params) -> output tangent`` (a sequence, one per
output, for ``multiple_results``; None means zero). ``tangents`` has one entry
per input, None where the input has no tangent (integer inputs, or inputs that
do not depend on the watched primals); ``out`` and the inputs are the tensors
themselves. Rules are written with tapegrad ops, so that outer accumulators and
tapes differentiate through them; a tangent may have a shape that broadcasts to
the output's (the accumulator broadcasts it). Helpers build the common forms:
``linear_jvp(prim, **fixed)`` (an affine op on the tangents),
``multilinear_jvp(prim, positions)`` (the product rule), ``partials_jvp(*d)``
(elementwise, from partial derivatives), ``symmetric_jvp(vjp rules)`` (e.g. a
diagonal Jacobian: the VJP conjugated) and ``transposed_vjp(vjp)`` (a nested tape: only
for the primitives listed in tests/test_forward_mode.py). Without a rule, a
``linear`` primitive is applied to the tangents, and another primitive that has
a VJP (a user's, a custom_gradient) gets its transposed VJP, as TF does.
"""

REGISTRY = {}


class Primitive:
    """A registered operation. Create with ``Primitive(name, impl, vjp, ...)``.

    Args:
      name: unique name (used in error messages and the registry).
      impl: the kernel, ``impl(*arrays, **params) -> array`` (tuple if multiple_results).
      vjp: the VJP rule(s), see the module docstring. A differentiable
        primitive without one raises LookupError when a gradient reaches it
        (register one with ``RegisterGradient``).
      jvp: the JVP rule, see the module docstring.
      differentiable: False for round/argmax/comparisons: outputs are not recorded
        (and get no tangent in forward mode).
      linear: True when the op is linear in its (first) input. Without a ``jvp``
        rule, it is taken to be linear in all its floating inputs jointly (other
        inputs, e.g. indices, are constants) and applied to the tangents.
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

    def bind(self, *args, **params):
        """Runs the primitive on tensor-like ``args`` (converted with TF's rules)."""
        from .dispatch import execute
        from .tensor import convert_to_tensor
        return execute(self, tuple(convert_to_tensor(a) for a in args), params)

    def __repr__(self):
        return f"<Primitive {self.name}>"


def _lookup(op_type):
    prim = REGISTRY.get(op_type)
    if prim is None:
        raise KeyError(f"No primitive named {op_type!r} is registered; create it with "
                       "tapegrad.experimental.Primitive(name, impl) first.")
    return prim


class _Op:
    """What a TF-style gradient function sees: ``op.inputs``, ``op.outputs``, ``op.get_attr``."""

    def __init__(self, prim, inputs, outputs, params):
        self.type = self.name = prim.name
        self.inputs = list(inputs)
        self.outputs = list(outputs) if isinstance(outputs, tuple) else [outputs]
        self._params = params

    def get_attr(self, name):
        return self._params[name]


class RegisterGradient:
    """Decorator registering ``grad_fn(op, *output_grads) -> input grads`` for a primitive.

    >>> cube_p = tapegrad.experimental.Primitive("cube", lambda x: x ** 3)
    >>> @tapegrad.RegisterGradient("cube")
    ... def _cube_grad(op, grad):
    ...     return grad * 3 * op.inputs[0] ** 2
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError(f"op_type must be a string, got {op_type!r}")
        self._op_type = op_type

    def __call__(self, grad_fn):
        prim = _lookup(self._op_type)

        def rule(g, out, *inputs, **params):
            gs = g if prim.multiple_results else (g,)
            grads = grad_fn(_Op(prim, inputs, out, params), *gs)
            return list(grads) if isinstance(grads, (list, tuple)) else [grads]

        prim.vjp = rule
        prim.differentiable = True
        prim.save_inputs = prim.save_output = True
        return grad_fn


def no_gradient(op_type):
    """Marks the primitive ``op_type`` as not differentiable (its outputs carry no gradient)."""
    prim = _lookup(op_type)
    prim.differentiable = False
    prim.vjp = None


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
