"""Forward mode: ForwardAccumulator and the helpers that build JVP rules.

An accumulator sits on the tape stack (``_state.tapes``) beside the GradientTapes, in the order their
contexts were entered, and ``dispatch._record`` hands it every op run while it is active. For an op
with an input that has a tangent, it computes the outputs' tangents with the primitive's JVP rule
while the stack holds only what was entered before it (TF's strict nesting):

* an outer tape records the tangent computation: reverse-over-forward;
* an outer accumulator differentiates it: forward-over-forward (``outer.jvp(inner.jvp(y))``);
* inner tapes and accumulators do not see it, so a tape inside an accumulator records only the
  primal computation, and its backward pass, run inside the accumulator, carries tangents:
  forward-over-reverse Hessian-vector products.

Tangents are kept per tensor id, and dropped when the tensor is garbage collected, so the
accumulator does not hold on to intermediate values (forward mode's memory advantage).
"""
import warnings
import weakref

from . import nest
from .context import state as _state
from .dispatch import _TRAINABLE, execute
from .indexed_slices import IndexedSlices
from .tape import GradientTape, UnconnectedGradients, _unbroadcast, _unconnected, unstack
from .tensor import Tensor, Variable, convert_to_tensor


class ForwardAccumulator:
    """Computes Jacobian-vector products ("JVPs") with forward-mode autodiff (``tf.autodiff.ForwardAccumulator``).

    Args:
      primals: a Tensor or Variable, or a nest of them, to watch.
      tangents: the vector(s) of the JVP, with the structure of ``primals``; each is converted to its
        primal's dtype and must have its primal's shape (TF broadcasts a wrong-shaped tangent silently;
        tapegrad raises ValueError).

    Raises:
      ValueError: a primal is listed twice, the structures differ, or a tangent's shape is not its primal's.

    >>> x = tapegrad.constant([1.0, 2.0])
    >>> with tapegrad.autodiff.ForwardAccumulator(x, tapegrad.constant([1.0, 0.0])) as acc:
    ...     y = tapegrad.reduce_sum(x ** 3.0)
    >>> print(acc.jvp(y))
    tapegrad.Tensor(3.0, shape=(), dtype=float32)
    """

    _forward = True  # dispatch._record calls _accumulate (GradientTape has _forward = False)

    def __init__(self, primals, tangents):
        self._recording = False
        self._tangents = {}  # tensor (or variable) id -> tangent
        self._refs = {}      # id -> weak reference whose callback forgets the tangent
        seen = set()
        for primal in nest.flatten(primals):
            if id(primal) in seen:
                raise ValueError(f"Tensor {primal} was specified as a primal multiple times. This may indicate "
                                 "an error. If it was intended, please sum the corresponding tangents.")
            seen.add(id(primal))
        self._watch(primals, tangents)

    # --- context -------------------------------------------------------
    def __enter__(self):
        if self._recording:
            raise ValueError("Accumulator is already recording.")
        _state.tapes.append(self)
        self._recording = True
        return self

    def __exit__(self, typ, value, traceback):
        if self._recording:
            unstack(self)
            self._recording = False

    # --- watching ------------------------------------------------------
    def _watch(self, primals, tangents):
        """Watches ``primals`` with ``tangents``; watching a tensor again adds the new tangent to its JVP."""
        nest.assert_same_structure(primals, tangents)
        flat_tangents = nest.flatten(tangents)
        for k, primal in enumerate(nest.flatten(primals)):
            if not isinstance(primal, (Tensor, Variable)):
                raise TypeError(f"ForwardAccumulator primals must be Tensors or Variables, got {primal!r} of "
                                f"type {type(primal).__name__}.")
            if primal._value.dtype not in _TRAINABLE:
                warnings.warn(f"The dtype of the watched primal must be floating (e.g. tf.float32), got "
                              f"{primal.dtype!r}", stacklevel=3)
                continue
            tangent = convert_to_tensor(flat_tangents[k], dtype=primal.dtype)
            if tangent._value.shape != primal._value.shape:
                raise ValueError(f"The tangent of primal {k} has shape {tangent.shape} but the primal has shape "
                                 f"{primal.shape}: a tangent must have its primal's shape (TensorFlow would "
                                 "broadcast it silently).")
            prev = self._tangents.get(primal._id)
            if prev is not None:
                from ..ops.math import add
                tangent = add(prev, tangent)
            self._set(primal, tangent)

    def _set(self, tensor, tangent):
        tid = tensor._id
        if tid not in self._refs:
            self._refs[tid] = weakref.ref(tensor, _forget(tid, self._tangents, self._refs))
        self._tangents[tid] = tangent

    def _variable_accessed(self, var):
        """Variable reads carry the variable's id, so they carry its tangent: nothing to do."""

    # --- results -------------------------------------------------------
    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The JVPs computed for ``primals`` (a Tensor, Variable or nest of them); no computation happens.

        Returns:
          Tangents with the structure, shapes and dtypes of ``primals``; None (or zeros with
          ``unconnected_gradients='zero'``) where no JVP was computed.
        """
        unconnected = _unconnected(unconnected_gradients)

        def fetch(primal):
            tangent = self._tangents.get(primal._id) if isinstance(primal, (Tensor, Variable)) else None
            if tangent is None and unconnected is UnconnectedGradients.ZERO:
                from ..ops.array import zeros_like
                tangent = zeros_like(primal)
            return tangent

        return nest.map_structure(fetch, primals)

    # --- called by dispatch._record --------------------------------------
    def _accumulate(self, prim, inputs, outs, params):
        tangents = self._tangents
        ts = [tangents.get(t._id) for t in inputs]
        if ts.count(None) == len(ts) or not prim.differentiable:
            return
        stack = _state.tapes
        _state.tapes = stack[:stack.index(self)]  # only what was entered before this accumulator sees the JVP
        try:
            result = output_tangents(prim, ts, inputs, outs, params)
        finally:
            _state.tapes = stack
        for o, t in zip(outs, result):
            if t is not None and o._value.dtype in _TRAINABLE:
                self._set(o, t)


def _forget(tid, tangents, refs):
    def callback(_):
        tangents.pop(tid, None)
        refs.pop(tid, None)
    return callback


def output_tangents(prim, tangents, inputs, outs, params):
    """The tangents of ``outs`` (a tuple, None for zero) from those of ``inputs`` (None for zero).

    The rule is ``prim.jvp``; without one, a linear primitive is applied to the tangents, and any other
    primitive with a VJP (a user's primitive, a custom_gradient) gets the transposed VJP, as in TF.
    """
    rule = prim.jvp
    if rule is None:
        if prim.linear:
            result = _apply_linear(prim, tangents, inputs, params)
            return result if prim.multiple_results else (result,)
        if prim.vjp is None:
            raise LookupError(f"No JVP (and no gradient to transpose) defined for operation '{prim.name}'. "
                              f"Register a gradient with tapegrad.RegisterGradient('{prim.name}').")
        rule = transposed_vjp(prim.vjp, prim.multiple_results)
    if prim.multiple_results:
        result = tuple(rule(tangents, outs, *inputs, **params))
    else:
        result = (rule(tangents, outs[0], *inputs, **params),)
    if any(t is not None and t._value.shape != o._value.shape for o, t in zip(outs, result)):
        from ..ops.array import broadcast_to  # a rule may leave a tangent in a broadcastable shape
        result = tuple(t if t is None or t._value.shape == o._value.shape else broadcast_to(t, o._value.shape)
                       for o, t in zip(outs, result))
    return result


def _apply_linear(prim, tangents, inputs, params):
    """A linear primitive on the tangents: zeros for floating inputs without one, other inputs as they are."""
    from ..ops.array import zeros_like
    args = tuple(t if t is not None else (zeros_like(x) if x._value.dtype in _TRAINABLE else x)
                 for x, t in zip(inputs, tangents))
    return execute(prim, args, params)


def linear_jvp(prim, **fixed):
    """The JVP rule of a primitive affine in its floating inputs: the primitive on the tangents.

    ``fixed`` overrides params that add a constant (e.g. ``padding=0``: a fill value has no tangent).
    """
    def rule(tangents, out, *inputs, **params):
        return _apply_linear(prim, tangents, inputs, dict(params, **fixed))
    return rule


def partials_jvp(*partials):
    """The JVP rule of an elementwise primitive from its partial derivatives, as JAX's ``defjvp``.

    ``partials[i](out, *inputs)`` is ``df/dx_i`` (None: no tangent flows from input i); the JVP is
    ``sum_i t_i * df/dx_i``.
    """
    def rule(tangents, out, *inputs, **params):
        from ..ops.math import add, multiply
        total = None
        for d, t in zip(partials, tangents):
            if t is None or d is None:
                continue
            term = multiply(t, d(out, *inputs, **params))
            total = term if total is None else add(total, term)
        return total
    return rule


def multilinear_jvp(prim, positions=None):
    """The JVP rule of ``prim``, linear in each input separately (the product rule).

    ``sum_i prim(x_1, ..., t_i, ..., x_n)`` over the inputs ``i`` with a tangent, restricted to
    ``positions`` when given (the op is piecewise constant in the other inputs).
    """
    def rule(tangents, out, *inputs, **params):
        from ..ops.math import add
        total = None
        for i, t in enumerate(tangents):
            if t is None or (positions is not None and i not in positions):
                continue
            term = execute(prim, inputs[:i] + (t,) + inputs[i + 1:], params)
            total = term if total is None else add(total, term)
        return total
    return rule


def symmetric_jvp(vjp_rules):
    """The JVP rule of a primitive with a symmetric Jacobian per input, from its VJP rules (one per input).

    Elementwise ops have diagonal Jacobians (softmax and prod_others symmetric ones): ``J = J^T``, and
    the VJP rules multiply by ``conj(J)`` (TF's convention), so ``J t = conj(vjp(conj(t)))``, summed
    over the inputs. Valid for real and holomorphic functions (not, e.g., for ``abs`` of a complex
    number), and for VJP rules that follow the convention.
    """
    def rule(tangents, out, *inputs, **params):
        from ..ops.math import _c, add
        total = None
        for vjp, t in zip(vjp_rules, tangents):
            if t is None or vjp is None:
                continue
            term = _c(vjp(_c(t), out, *inputs, **params))
            total = term if total is None else add(total, term)
        return total
    return rule


def transposed_vjp(vjp, multiple_results=False):
    """A JVP rule computed from the VJP rule(s) ``vjp`` (either form of primitive.py) by transposition.

    The VJP is linear in the cotangent ``u``; running it on ``u = 0`` under a nested tape and pulling the
    input tangents back through it gives ``(J^H)^H t = J t``. Two passes instead of one: used for the
    primitives listed in tests/test_forward_mode.py (qr, svd, eigh), for users' primitives that have
    only a gradient, and for ``custom_gradient`` functions (their JVP is the transposed custom VJP).
    """
    def rule(tangents, out, *inputs, **params):
        from ..ops.array import zeros_like
        outs = tuple(out) if multiple_results else (out,)
        us = [zeros_like(o) for o in outs]
        live = [u for u in us if u._value.dtype in _TRAINABLE]
        targets, seeds = [], []
        with GradientTape() as tape:
            tape.watch(live)
            g = tuple(us) if multiple_results else us[0]
            if type(vjp) is tuple:
                cots = [r(g, out, *inputs, **params) if r is not None and t is not None else None
                        for r, t in zip(vjp, tangents)]
            else:
                cots = vjp(g, out, *inputs, **params)
            for c, t, x in zip(cots, tangents, inputs):
                if c is None or t is None:
                    continue
                c = c._as_tensor() if type(c) is IndexedSlices else convert_to_tensor(c)
                if c._value.shape != x._value.shape:
                    c = _unbroadcast(c, x._value.shape)
                targets.append(c)
                seeds.append(t)
        if not targets:
            return (None,) * len(outs) if multiple_results else None
        grads = iter(tape.gradient(targets, live, output_gradients=seeds))
        result = tuple(next(grads) if u._value.dtype in _TRAINABLE else None for u in us)
        result = tuple(g._as_tensor() if type(g) is IndexedSlices else g for g in result)
        return result if multiple_results else result[0]
    return rule
