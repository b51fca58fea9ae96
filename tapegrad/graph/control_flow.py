"""cond and while_loop inside a traced function: equations that run sub-graphs.

``tapegrad.cond`` with a symbolic predicate traces both branches into
sub-graphs (a symbolic tensor of the enclosing graph used in a branch becomes
an input of the ``cond`` equation) and the equation runs one of them. A branch
the trace-time values do not take may fail on those values with an op's error
(an index out of range: an ``errors.OpError``): its sub-graph then raises
``UntracedBranchError`` when, and only when, it runs, and ``function`` traces
again for those values. Other errors (TypeError, ValueError: a structure or
dtype mismatch) do not depend on the values and are raised at trace time, as
TF does. ``tapegrad.while_loop`` traces ``cond`` and ``body`` once and the
equation loops at run time.

Gradients. The ``cond`` rule is a ``cond`` over the branches' gradients. A
``while_loop`` traced while a tape records also outputs the loop variables of
every iteration (memory linear in the iteration count: the loop variables,
not the body's intermediates, which the backward pass recomputes); its rule is
a reverse ``while_loop`` that replays the body under a tape for iteration
``i = n-1 .. 0``. Both rules are written with ``cond``/``while_loop`` and
tapegrad ops, so they trace into graphs and differentiate again (higher order).
Gradients of unconnected inputs are None, as in eager mode. The saved iterations'
length changes from call to call without a new trace: the rules read them with
``take_p``, whose gradient takes its shape from the history when the graph runs,
and start sums with ``zeros_p``, zeros shaped like their input when it runs.
"""
import weakref

import numpy as np

from .. import errors
from .._core import nest
from .._core.context import state as _state
from .._core.dispatch import _TRAINABLE, execute
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from .._core.tensor import Tensor, convert_to_tensor
from .executor import Compiled
from .tracer import Eqn, Graph, RetraceNeeded, Tracer, mark_effects, tracing

DIFFERENTIABLE_VARIANT = weakref.WeakKeyDictionary()  # loop primitive -> its variant that saves iterations


def _float(t):
    return t._value.dtype in _TRAINABLE


class _Sub:
    """A traced sub-graph: the graph, the parent tensors it captures, its outputs' structure and values."""

    def __init__(self, graph, captures, structure, outputs):
        self.graph, self.captures, self.structure, self.outputs = graph, captures, structure, outputs
        self._compiled = None

    @property
    def run(self):
        if self._compiled is None:
            self._compiled = Compiled(self.graph)
        return self._compiled


class UntracedBranchError(RetraceNeeded):
    """A sub-graph runs whose tracing failed on the trace-time values (``error``)."""

    def __init__(self, error):
        super().__init__(None, "cond", (
            f"A branch of a cond/while_loop could not be traced with the values of the tracing call and is now "
            f"taken: tracing it raised {type(error).__name__}: {error}"))
        self.error = error


def _raise_impl(error, avals):
    raise UntracedBranchError(error)


raise_p = Primitive("raise_error", _raise_impl, differentiable=False, multiple_results=True, register=False)


def trace_subgraph(name, fn, args, taken=True, like=None, dynamic=()):
    """Traces ``fn(*placeholders for args)`` as a sub-graph of the graph being traced.

    ``dynamic``: the positions of ``args`` whose shapes may change while the graph runs.

    If ``taken`` is False and tracing fails with an op's error on the trace-time
    values, the sub-graph raises that error when it runs; ``like`` (a _Sub)
    gives its outputs' structure.
    """
    parent = _state.graph
    graph = Graph(name)
    sub = Tracer(graph, parent)
    placeholders = []
    for k, a in enumerate(args):
        p = Tensor(a._value)
        sub.placeholder(p, name)
        placeholders.append(p)
        if k in dynamic:
            sub.mark_dynamic(p)
    try:
        with tracing(sub):
            try:
                out = fn(*placeholders)
            finally:
                sub.finish()
    except errors.OpError as e:
        if taken or like is None:
            raise
        outs = [Tensor(o._value) for o in like.outputs]
        avals = [(o._value.shape, o._value.dtype) for o in outs]
        graph.eqns = [Eqn(raise_p, [], [sub._bind(o, "raise") for o in outs], {"error": e, "avals": avals})]
        graph.outputs = [sub.names[id(o)] for o in outs]
        return _Sub(graph, [t for t, _ in sub.captures], like.structure, outs)
    flat = nest.flatten(out)
    tensors = [None if x is None else convert_to_tensor(x) for x in flat]
    for t in tensors:
        if t is None:
            continue
        v = sub.value_of(t)
        graph.outputs.append(sub.const(t) if v is None else v)
    sub.fix_captured_reads()
    return _Sub(graph, [t for t, _ in sub.captures], out, [t for t in tensors if t is not None])


def _union(*lists):
    seen, out = {}, []
    for lst in lists:
        for t in lst:
            if id(t) not in seen:
                seen[id(t)] = len(out)
                out.append(t)
    return out, seen


def _check_same(a, b, what):
    try:
        nest.assert_same_structure(a.structure, b.structure)
    except ValueError as e:
        raise ValueError(f"{what} must have the same number, type, and overall structure of return values. "
                         f"{e}") from None
    if [x is None for x in nest.flatten(a.structure)] != [x is None for x in nest.flatten(b.structure)]:
        raise ValueError(f"{what} must have the same number, type, and overall structure of return values "
                         "(None in one and a tensor in the other).")
    for x, y in zip(a.outputs, b.outputs):
        if x._value.dtype != y._value.dtype:
            raise TypeError(f"{what} must return tensors of the same dtypes: {x.dtype.name} vs {y.dtype.name}.")


def _pack(structure, outs):
    it = iter(outs)
    return nest.pack_sequence_as(structure, [None if x is None else next(it) for x in nest.flatten(structure)])


# --- cond ---------------------------------------------------------------------------
def graph_cond(pred, true_fn, false_fn):
    """``cond`` with a symbolic predicate: one equation running one of two traced branches."""
    take = bool(pred._value)
    first, second = (true_fn, false_fn) if take else (false_fn, true_fn)
    s_first = trace_subgraph("cond_true" if take else "cond_false", lambda: first(), [])
    s_second = trace_subgraph("cond_false" if take else "cond_true", lambda: second(), [], taken=False,
                              like=s_first)
    st, sf = (s_first, s_second) if take else (s_second, s_first)
    _check_same(st, sf, "true_fn and false_fn arguments to tf.cond")
    caps, index = _union(st.captures, sf.captures)
    it = [index[id(t)] for t in st.captures]
    if_ = [index[id(t)] for t in sf.captures]

    def impl(p, *args):
        if p:
            return tuple(st.run(*[args[i] for i in it]))
        return tuple(sf.run(*[args[i] for i in if_]))

    prim = Primitive("cond", impl, _cond_rule(st, sf, it, if_), multiple_results=True, register=False)
    mark_effects(prim, st.graph, sf.graph)
    _state.graph.snapshot([st.graph, sf.graph])
    outs = execute(prim, (pred,) + tuple(caps), {})
    return _pack(st.structure, outs)


def _cond_rule(st, sf, it, if_):
    def rule(gs, kept, pred, *caps):
        fl = [i for i, c in enumerate(caps) if _float(c)]
        if not fl:
            return [None] * (1 + len(caps))
        from ..ops.control_flow import cond
        res = cond(pred, _branch_grad(st, it, caps, fl, gs), _branch_grad(sf, if_, caps, fl, gs))
        out = [None] * (1 + len(caps))
        for k, i in enumerate(fl):
            out[1 + i] = res[k]
        return out
    return rule


def _branch_grad(sub, index, caps, fl, gs):
    def fn():
        from .._core.tape import GradientTape
        from .function import replay
        xs = [caps[i] for i in index]
        floats = [i for i, x in zip(index, xs) if _float(x)]
        with GradientTape() as tape:
            tape.watch([caps[i] for i in floats])
            outs = replay(sub.graph, xs, {})
        pairs = [(o, g) for o, g in zip(outs, gs) if _float(o)]
        grads = tape.gradient([o for o, _ in pairs], [caps[i] for i in floats],
                              output_gradients=[g for _, g in pairs]) if pairs else [None] * len(floats)
        by_cap = dict(zip(floats, grads))
        return [by_cap.get(i) if by_cap.get(i) is not None else _zeros(caps[i]) for i in fl]
    return fn


# --- while_loop --------------------------------------------------------------------------
def _call_with(template, fn):
    def call(*ts):
        packed = nest.pack_sequence_as(template, list(ts))
        return fn(*packed)
    return call


def graph_while(cond, body, loop_vars, shape_invariants=None, maximum_iterations=None):
    """``while_loop`` inside a trace: one equation looping over traced cond/body sub-graphs."""
    template = loop_vars
    inits = [convert_to_tensor(x) for x in nest.flatten(loop_vars)]
    n = len(inits)
    invariants = None if shape_invariants is None else nest.flatten(shape_invariants)
    dynamic = {k for k, x in enumerate(inits) if _state.graph.is_dynamic(x) or (
        invariants is not None and not TensorShape(invariants[k]).is_fully_defined())}
    sc = trace_subgraph("while_cond", _call_with(template, cond), inits, dynamic=dynamic)
    if len(sc.outputs) != 1 or sc.outputs[0]._value.dtype != np.bool_ or sc.outputs[0]._value.ndim != 0:
        raise ValueError("while_loop: cond must return a scalar boolean tensor, got "
                         f"{sc.structure!r}.")
    runs = bool(sc.outputs[0]._value) and (maximum_iterations is None or _max_positive(maximum_iterations))

    def body_flat(*ts):
        out = _call_with(template, body)(*ts)
        if not isinstance(out, (list, tuple)) or (hasattr(type(out), "_fields") and not isinstance(template, tuple)):
            out = [out]
        flat = nest.flatten(list(out))
        if len(flat) != n:
            raise ValueError(f"while_loop body returned {len(flat)} loop variables but loop_vars has {n}; "
                             "they must match.")
        return flat

    sb = trace_subgraph("while_body", body_flat, inits, taken=runs, like=_Sub(None, [], inits, inits),
                        dynamic=dynamic)
    for k, (x, y) in enumerate(zip(inits, sb.outputs)):
        if x._value.dtype != y._value.dtype:
            raise TypeError(f"while_loop: loop variable {k} enters the loop as {x.dtype.name} but the body "
                            f"returns {y.dtype.name}; the dtypes must match.")
        if invariants is None and x._value.shape != y._value.shape:
            raise ValueError(f"Input tensor 'loop_var_{k}:0' enters the loop with shape {x.shape}, but has shape "
                             f"{y.shape} after one iteration. To allow the shape to vary across iterations, use "
                             "the `shape_invariants` argument of tf.while_loop to specify a less-specific shape.")
    save = len(_state.tapes) > 1 and any(_float(t) for t in inits)
    nc, nb = len(sc.captures), len(sb.captures)
    extra = [] if maximum_iterations is None else [convert_to_tensor(maximum_iterations)]
    plain, saving = _while_prims(sc, sb, n, nc, nb, bool(extra))
    _state.graph.snapshot([sc.graph, sb.graph])
    outs = execute(saving if save else plain,
                   tuple(inits) + tuple(sc.captures) + tuple(sb.captures) + tuple(extra), {})
    for k, t in enumerate(outs[:-1] if save else outs):  # the saved iterations grow with the iteration count
        if k >= n or k in dynamic:
            _state.graph.mark_dynamic(t)
    return nest.pack_sequence_as(template, list(outs[:n]))


def _while_prims(sc, sb, n, nc, nb, has_max):
    """The loop equation's primitive, and its variant that also outputs every iteration's loop variables."""
    def make(save):
        def impl(*arrays):
            xs = list(arrays[:n])
            cc, bc = arrays[n:n + nc], arrays[n + nc:n + nc + nb]
            limit = arrays[-1] if has_max else None
            run_c, run_b = sc.run, sb.run
            hist = [] if save else None
            i = 0
            while (limit is None or i < limit) and run_c(*xs, *cc)[0]:
                if save:
                    hist.append(xs)
                xs = run_b(*xs, *bc)
                i += 1
            if not save:
                return tuple(xs)
            hist.append(xs)
            stacked = tuple(np.stack([h[k] for h in hist]) for k in range(n))
            return tuple(xs) + stacked + (np.asarray(i, np.int32),)

        prim = Primitive("while", impl, _while_rule(sb, n, nc, nb) if save else None, multiple_results=True,
                         register=False, save_output=True)
        mark_effects(prim, sc.graph, sb.graph)
        return prim

    plain, saving = make(False), make(True)
    DIFFERENTIABLE_VARIANT[plain] = saving
    return plain, saving


def _max_positive(m):
    try:
        return int(np.asarray(m._value if isinstance(m, Tensor) else m)) > 0
    except (TypeError, ValueError):
        return True


def _zero_constant(t):
    from .tracer import is_symbolic
    return not is_symbolic(t) and not np.any(t._value)


def _put_impl(g, i, like):
    out = np.zeros_like(like)
    out[i] = g
    return out


take_p = Primitive("take_iteration", lambda h, i: h[i], (lambda g, out, h, i: execute(put_p, (g, i, h), {}),),
                   linear=True, save_inputs=True, register=False)
put_p = Primitive("put_iteration", _put_impl, (lambda g, out, x, i, like: execute(take_p, (g, i), {}),),
                  linear=True, save_inputs=True, register=False)


zeros_p = Primitive("zeros_like_at_run_time", np.zeros_like, differentiable=False, register=False)


def _zeros(x):
    """Zeros shaped like ``x`` when the graph runs (a loop's history has no fixed length)."""
    return execute(zeros_p, (x,), {})


def _take(h, i):
    """``h[i]``: iteration ``i`` of a while loop's saved history."""
    return execute(take_p, (h, i), {})


def _while_rule(sb, n, nc, nb):
    def rule(gs, kept, *inputs):
        from .._core.tape import GradientTape
        from ..ops.control_flow import while_loop
        from ..ops.math import add, greater_equal, maximum, subtract
        from .function import replay
        hists, count = kept[n:2 * n], kept[2 * n]
        bcaps = inputs[n + nc:n + nc + nb]
        fl = [k for k in range(n) if _float(inputs[k])]
        fc = [j for j in range(nb) if _float(bcaps[j])]
        out = [None] * len(inputs)
        if not fl:
            return out
        ghist = [None if _zero_constant(gs[n + k]) else gs[n + k] for k in fl]
        g0 = [gs[k] if gh is None else add(gs[k], _take(gh, count)) for k, gh in zip(fl, ghist)]
        acc0 = [_zeros(bcaps[j]) for j in fc]

        def rcond(i, *rest):
            return greater_equal(i, 0)

        def rbody(i, *rest):
            gv, acc = rest[:len(fl)], rest[len(fl):]
            at = maximum(i, 0)
            xs = [_take(h, at) for h in hists]
            srcs = [xs[k] for k in fl] + [bcaps[j] for j in fc]
            with GradientTape() as tape:
                for s in srcs:
                    tape.watch(s)
                outs = replay(sb.graph, xs + list(bcaps), {})
            grads = tape.gradient([outs[k] for k in fl], srcs, output_gradients=list(gv),
                                  unconnected_gradients="zero")
            prev = subtract(i, 1)
            gx = [g if gh is None else add(g, _take(gh, at)) for g, gh in zip(grads[:len(fl)], ghist)]
            return [prev] + gx + [add(a, g) for a, g in zip(acc, grads[len(fl):])]

        res = while_loop(rcond, rbody, [subtract(count, 1)] + g0 + acc0)
        for idx, k in enumerate(fl):
            out[k] = res[1 + idx]
        for idx, j in enumerate(fc):
            out[n + nc + j] = res[1 + len(fl) + idx]
        return out
    return rule
