"""Control flow: cond, while_loop, switch_case.

In eager mode these run as Python (TF's eager semantics), and the tape records
the ops of the branch or iterations actually taken, so they are differentiable.
While a ``function`` is traced, a symbolic predicate makes ``cond`` (and
``switch_case``) an equation over traced branches, and ``while_loop`` is always
an equation looping over traced sub-graphs (tapegrad/graph/control_flow.py).
"""
from .._core import nest
from .._core.context import state as _state
from .._core.tensor import Tensor, Variable, convert_to_tensor


def _check_callable(fn, what):
    if not callable(fn):
        raise TypeError(f"'{what}' must be callable.")


def _scalar_bool(pred, op):
    if isinstance(pred, (Tensor, Variable)):
        if pred.shape.rank != 0:
            raise ValueError(f"{op}: the predicate must be a scalar, got shape {pred.shape}. Reduce it "
                             "first, e.g. with tapegrad.reduce_any or tapegrad.reduce_all.")
    return bool(pred)


def cond(pred, true_fn=None, false_fn=None, name=None):
    """Returns ``true_fn()`` if ``pred`` is true, else ``false_fn()``."""
    _check_callable(true_fn, "true_fn")
    _check_callable(false_fn, "false_fn")
    if _state.graph is not None and isinstance(pred, (Tensor, Variable)):
        from ..graph.tracer import is_symbolic
        p = convert_to_tensor(pred)
        if is_symbolic(p):
            if p.shape.rank != 0:
                _scalar_bool(p, "cond")
            from ..graph.control_flow import graph_cond
            return graph_cond(p, true_fn, false_fn)
    return true_fn() if _scalar_bool(pred, "cond") else false_fn()


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; returns the final loop_vars.

    Args:
      cond: callable returning a boolean scalar.
      body: callable returning loop variables with the same structure.
      loop_vars: a list or tuple (or other nest) of tensors / values.
      maximum_iterations: optional bound on the number of iterations.
    """
    _check_callable(cond, "cond")
    _check_callable(body, "body")
    if loop_vars is None or (isinstance(loop_vars, (list, tuple)) and not loop_vars):
        raise ValueError("'loop_vars' must be provided.")
    if not isinstance(loop_vars, (list, tuple)):
        raise TypeError(f"'loop_vars' must be a list or tuple of loop variables, got {type(loop_vars).__name__}.")
    if _state.graph is not None:
        from ..graph.control_flow import graph_while
        return graph_while(cond, body, loop_vars, shape_invariants, maximum_iterations)
    limit = None
    if maximum_iterations is not None:
        m = convert_to_tensor(maximum_iterations)
        if m.shape.rank != 0:
            raise ValueError(f"'maximum_iterations' must be a scalar. Received shape: {m.shape}")
        limit = int(m)
    # TF's eager loop: body's result must have loop_vars' structure (a bare tensor for a one-element
    # list is a TypeError: it is unpacked into cond), and the final values come back as tensors.
    structure = list(loop_vars)
    count = 0
    while (limit is None or count < limit) and _scalar_bool(cond(*loop_vars), "while_loop"):
        loop_vars = body(*loop_vars)
        nest.assert_same_structure(structure, list(loop_vars))
        count += 1
    return nest.map_structure(lambda v: v if _is_composite(v) else convert_to_tensor(v), loop_vars)


def _is_composite(v):
    return not isinstance(v, (Tensor, Variable)) and hasattr(v, "_to_components")


def switch_case(branch_index, branch_fns, default=None, name=None):
    """Calls ``branch_fns[branch_index]()``; an index out of range calls ``default`` (or the last branch).

    ``branch_fns`` is a list of callables, a list of (int, callable) pairs or a dict int -> callable.
    """
    if not isinstance(branch_index, (Tensor, Variable)):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    index = convert_to_tensor(branch_index)
    if index.dtype.name != "int32" or index.shape.rank != 0:
        raise TypeError(f"branch_index must be a scalar int32 Tensor, got shape {index.shape} and dtype "
                        f"{index.dtype.name}.")
    if isinstance(branch_fns, dict):
        pairs = sorted(branch_fns.items())
    elif branch_fns and all(isinstance(b, (tuple, list)) for b in branch_fns):
        pairs = sorted(branch_fns)
    else:
        pairs = list(enumerate(branch_fns))
    if not pairs:
        raise ValueError("branch_fns must not be empty.")
    for key, fn in pairs:
        _check_callable(fn, f"branch_fns[{key}]")
    fns = dict(pairs)
    if _state.graph is not None:
        from ..graph.tracer import is_symbolic
        if is_symbolic(index):
            return _switch_graph(index, pairs, default)
    i = int(index)
    if i in fns:
        return fns[i]()
    return (default if default is not None else pairs[-1][1])()


def _switch_graph(index, pairs, default):
    """switch_case on a symbolic index: a chain of conds (each differentiable, like any cond)."""
    from .math import equal
    fallback = default if default is not None else pairs[-1][1]
    fn = fallback
    for key, branch in reversed(pairs):
        fn = (lambda k, b, rest: lambda: cond(equal(index, k), b, rest))(key, branch, fn)
    return fn()


__all__ = ["cond", "while_loop", "switch_case"]
