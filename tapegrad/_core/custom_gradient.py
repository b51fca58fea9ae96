"""custom_gradient and grad_pass_through.

As in TF, the decorated function's ops are recorded and its outputs pass
through an identity; then, on every tape that tracks an argument (or a
variable it read), the outputs are recorded again as one entry whose rule
calls the user's gradient function. The later entry wins in the backward
pass; on a tape that tracks no argument, the forward ops give the gradient. Because that
function runs tapegrad ops, an enclosing tape records it, and a
custom_gradient used inside a gradient function is honoured at second order.

Forward mode follows the custom gradient too (TF's eager ForwardAccumulator
ignores it): the one-entry record reaches active ForwardAccumulators, which
override the outputs' tangents with the transposed custom VJP
(``forwardprop.transposed_vjp``: ``grad_fn`` run on zero cotangents under a
nested tape, pulled back along the inputs' tangents), so ``<J v, u> = <v, J^T u>``
holds with the user's ``J^T``. ``grad_fn`` must be linear in its cotangents and
written with tapegrad ops for this (as for higher-order gradients).
"""
import functools
import inspect

from . import nest
from .context import state as _state
from .dispatch import _record
from .primitive import Primitive
from .tensor import Variable, convert_to_tensor


class _VariableWatcher:
    """Collects the variables read while it is active (in first-read order)."""

    def __init__(self):
        self.variables = {}

    def _variable_accessed(self, var):
        self.variables.setdefault(var._id, var)


def _accepts_variables(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)


def custom_gradient(f=None):
    """Decorator defining a function with a custom gradient.

    ``f(*args)`` returns ``(y, grad_fn)``; ``grad_fn(*dys)`` returns one
    gradient per positional argument of ``f`` (a single one for one argument).
    If ``f`` reads variables that are not arguments, ``grad_fn`` must accept a
    ``variables`` keyword and return ``(arg_grads, variable_grads)``.

    >>> @tapegrad.custom_gradient
    ... def log1pexp(x):
    ...     e = tapegrad.exp(x)
    ...     def grad(upstream):
    ...         return upstream * (1 - 1 / (1 + e))
    ...     return tapegrad.math.log(1 + e), grad
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        watcher = _VariableWatcher()
        _state.watchers.append(watcher)
        try:
            result, grad_fn = f(*args, **kwargs)
        finally:
            _state.watchers.pop()
        variables = [v for v in watcher.variables.values() if not any(v is a for a in args)]
        if variables and not _accepts_variables(grad_fn):
            raise TypeError("@custom_gradient grad_fn must accept keyword argument 'variables', since "
                            f"function uses variables: {[v.name for v in variables]}")
        if not _state.tapes:
            return result
        from ..ops.array import identity
        outs = tuple(identity(r) for r in nest.flatten(result))
        inputs = tuple(convert_to_tensor(a) for a in args) + tuple(v._read() for v in variables)
        prim = Primitive(getattr(f, "__name__", "custom_gradient"), None,
                         _rule(grad_fn, len(args), variables, result),
                         save_inputs=False, multiple_results=True, register=False)
        _record(prim, inputs, outs, {}, outs)
        return nest.pack_sequence_as(result, list(outs))

    return decorated


def _rule(grad_fn, n_args, variables, result):
    def rule(gs, kept, *inputs):
        dys = nest.pack_sequence_as(result, list(gs))
        dys = list(dys) if isinstance(dys, (list, tuple)) else [dys]
        if variables:
            input_grads, variable_grads = grad_fn(*dys, variables=variables)
            variable_grads = list(variable_grads)
            if len(variable_grads) != len(variables):
                raise ValueError("Must return gradient for each variable from @custom_gradient grad_fn: "
                                 f"got {len(variable_grads)} for {len(variables)} variables.")
        else:
            input_grads, variable_grads = grad_fn(*dys), []
        flat = nest.flatten(input_grads)
        if len(flat) != n_args:
            raise ValueError(f"custom_gradient function expected to return {n_args} gradients, but "
                             f"returned {len(flat)} instead.")
        return [None if g is None else convert_to_tensor(g) for g in flat + variable_grads]
    return rule


def grad_pass_through(f):
    """Wraps ``f`` so that its gradient is the identity (straight-through).

    The arguments and results of ``f`` must have matching structures.
    """
    @custom_gradient
    def _pass_through(*args, **kwargs):
        def grad(*dys, **kw):
            if kw.get("variables") is not None:
                return dys, [None] * len(kw["variables"])
            return dys
        return f(*args, **kwargs), grad

    return functools.wraps(f)(_pass_through)


__all__ = ["custom_gradient", "grad_pass_through", "Variable"]
