"""``tapegrad.autodiff``: TF's ``tf.autodiff`` (GradientTape, ForwardAccumulator) and functional helpers.

Beyond TF: ``jvp`` and ``vjp`` in functional form, ``hessian`` and ``hvp``
(forward-over-reverse Hessian-vector product).
"""
from ._core import nest
from ._core.forwardprop import ForwardAccumulator
from ._core.tape import GradientTape
from ._core.tensor import Tensor, Variable, convert_to_tensor


def _primal(x):
    return x if isinstance(x, (Tensor, Variable)) else convert_to_tensor(x)


def jvp(f, primals, tangents):
    """``(f(*primals), J t)``: the outputs of ``f`` and their JVPs along ``tangents`` (forward mode).

    Args:
      f: a function of tapegrad tensors returning a tensor or a nest of them.
      primals: a list or tuple of ``f``'s positional arguments (tensors, variables or tensor-likes).
      tangents: one tangent per primal (the same structure).

    Returns:
      ``(outputs, output_tangents)``; tangents are zeros where an output does not depend on the primals.

    >>> y, dy = tapegrad.autodiff.jvp(tapegrad.sin, [0.5], [2.0])   # dy = 2 cos(0.5)
    """
    primals = [nest.map_structure(_primal, p) for p in primals]
    with ForwardAccumulator(primals, list(tangents)) as acc:
        out = f(*primals)
    return out, acc.jvp(out, unconnected_gradients="zero")


def vjp(f, *primals):
    """``(f(*primals), vjp_fn)`` where ``vjp_fn(cotangents)`` gives one gradient per primal (reverse mode).

    ``cotangents`` has the structure of the outputs; ``vjp_fn`` may be called more than once.
    Unconnected primals get zeros.

    >>> y, vjp_fn = tapegrad.autodiff.vjp(lambda x: x * x, tapegrad.constant(3.0))
    >>> vjp_fn(tapegrad.constant(1.0))   # (6.0,)
    """
    xs = [_primal(p) for p in primals]
    tape = GradientTape(persistent=True)
    with tape:
        tape.watch(xs)
        out = f(*xs)

    def vjp_fn(cotangents):
        return tuple(tape.gradient(out, xs, output_gradients=nest.flatten(cotangents),
                                   unconnected_gradients="zero"))

    return out, vjp_fn


def _scalar_output(f, x):
    y = f(x)
    if not isinstance(y, (Tensor, Variable)) or y._value.ndim != 0:
        shape = getattr(y, "shape", None)
        raise ValueError(f"hessian and hvp need a function with a scalar tensor output; got {y!r} "
                         f"(shape {shape}). Reduce it first, e.g. with tapegrad.reduce_sum.")
    return y


def hessian(f, x):
    """The Hessian of a scalar function ``f`` at ``x``: shape ``x.shape + x.shape``.

    ``x`` may be a nest of tensors; then ``H[i][j]`` (over the flattened nest) has shape
    ``x_i.shape + x_j.shape``. Computed as the (vectorized) jacobian of the gradient.

    >>> tapegrad.autodiff.hessian(lambda x: tapegrad.reduce_sum(x ** 3.0), tapegrad.constant([1.0, 2.0]))
    """
    x = nest.map_structure(_primal, x)
    flat = nest.flatten(x)
    with GradientTape(persistent=True) as outer:
        outer.watch(flat)
        with GradientTape() as inner:
            inner.watch(flat)
            y = _scalar_output(f, x)
        grads = inner.gradient(y, flat, unconnected_gradients="zero")
    rows = [outer.jacobian(g, flat, unconnected_gradients="zero") for g in grads]
    if not nest.is_nested(x):
        return rows[0][0]
    return nest.pack_sequence_as(x, [nest.pack_sequence_as(x, row) for row in rows])


def hvp(f, x, v):
    """The Hessian-vector product ``H v`` of a scalar function ``f`` at ``x`` (forward-over-reverse).

    ``x`` and ``v`` may be nests of the same structure; the result has that structure. No Hessian is
    formed: one backward pass run inside a ForwardAccumulator.

    >>> tapegrad.autodiff.hvp(lambda x: tapegrad.reduce_sum(x ** 3.0), tapegrad.constant([1.0, 2.0]),
    ...                       tapegrad.constant([1.0, 0.0]))   # [6., 0.]
    """
    x = nest.map_structure(_primal, x)
    with ForwardAccumulator(x, v) as acc:
        with GradientTape() as tape:
            tape.watch(nest.flatten(x))
            y = _scalar_output(f, x)
        grads = tape.gradient(y, x, unconnected_gradients="zero")
    return acc.jvp(grads, unconnected_gradients="zero")


__all__ = ["ForwardAccumulator", "GradientTape", "jvp", "vjp", "hessian", "hvp"]
