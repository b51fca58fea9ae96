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
equation loops at run time. A TensorArray loop variable (or branch result) is
carried as its stack; one without an element shape takes the shape of what a
first trace of the body writes to it (a ``dynamic_size`` one grows: its stack
has a dynamic shape).

Gradients. The ``cond`` rule is a ``cond`` over the branches' gradients. A
``while_loop`` traced while a tape records also outputs the loop variables of
every iteration (memory linear in the iteration count: the loop variables,
not the body's intermediates, which the backward pass recomputes); its rule is
a reverse ``while_loop`` that replays the body under a tape for iteration
``i = n-1 .. 0``. Both rules are written with ``cond``/``while_loop`` and
tapegrad ops, so they trace into graphs and differentiate again (higher order).
A variable a branch or a body reads is captured by reference: the parent graph
reads it, and the tapes recording there watch it as they would eagerly
(tapegrad/graph/tracer.py). The rules are ``SelectiveVJP``s: they compute the
cotangents of the inputs the backward pass needs, from the outputs that have
one. Gradients of unconnected inputs are None, as in eager mode (what each
output depends on: ``_dependencies``); a path through the branch not taken, or
through iterations this call does not run, gives zeros (TF's graphs too).
The saved iterations' length changes from call to call without a new trace:
the rules read them with ``take_p``, whose gradient takes its shape from the
history when the graph runs, and start sums with ``zeros_p``, zeros shaped like
their input when it runs; the sums over iterations that follow a reverse loop
(``sum_matmul_p``, ``sum_stack_p``, ``scatter_slices_p``) also read the stacks'
lengths when they run.
"""
import functools
import weakref

import numpy as np

from .. import errors
from .._core import nest
from .._core.context import state as _state
from .._core.dispatch import _TRAINABLE, _kernel_error, execute
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from .._core.tape import SelectiveVJP
from .._core.tensor import Tensor, convert_to_tensor
from ..ops.tensor_array import TensorArray
from .executor import Compiled, _gemm
from .tracer import STATEFUL, Eqn, Graph, RetraceNeeded, Tracer, mark_effects, tracing, untraced

DIFFERENTIABLE_VARIANT = weakref.WeakKeyDictionary()  # loop primitive -> its variant that saves iterations
DEPENDENCIES = weakref.WeakKeyDictionary()  # cond/loop primitive -> fn(inputs' dependencies) -> outputs' (below)


def _float(t):
    return t._value.dtype in _TRAINABLE


class _Sub:
    """A traced sub-graph: the graph, the parent tensors it captures, its outputs' structure and values, and
    the positions of the outputs whose shapes may change while the graph runs."""

    def __init__(self, graph, captures, structure, outputs, dynamic=frozenset()):
        self.graph, self.captures, self.structure, self.outputs = graph, captures, structure, outputs
        self.dynamic = dynamic
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
                out = _shaped_like(fn(*placeholders), like)
                flat = nest.flatten(out, expand_composites=True)  # a TensorArray's stack is traced here
                out = nest.pack_sequence_as(out, flat, expand_composites=True)
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
    tensors = [None if x is None else convert_to_tensor(x) for x in flat]
    for t in tensors:
        if t is None:
            continue
        v = sub.value_of(t)
        graph.outputs.append(sub.const(t) if v is None else v)
    sub.fix_captured_reads()
    dynamic = frozenset(k for k, v in enumerate(graph.outputs) if v in sub.dynamic)
    return _Sub(graph, [t for t, _ in sub.captures], out, [t for t in tensors if t is not None], dynamic)


def _unshaped(x):
    return isinstance(x, TensorArray) and not x.element_shape.is_fully_defined()


def _shaped_like(out, like):
    """``out`` with the element shape of ``like``'s TensorArray given to each TensorArray that has none yet
    (a branch or loop body that passes an empty TensorArray through, while the other one writes to it)."""
    if like is None:
        return out
    flat, other = nest.flatten(out), nest.flatten(like.structure)
    if len(flat) != len(other):
        return out
    return nest.pack_sequence_as(out, [_shaped(x, y) for x, y in zip(flat, other)])


def _shaped(x, like):
    """TensorArray ``x`` with the element shape of TensorArray ``like`` when it has none itself."""
    if _unshaped(x) and isinstance(like, TensorArray) and not _unshaped(like):
        return x._derive(element_shape=like.element_shape)
    return x


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
    if [x is None for x in nest.flatten(a.structure, True)] != [x is None for x in nest.flatten(b.structure, True)]:
        raise ValueError(f"{what} must have the same number, type, and overall structure of return values "
                         "(None in one and a tensor in the other).")
    for x, y in zip(a.outputs, b.outputs):
        if x._value.dtype != y._value.dtype:
            raise TypeError(f"{what} must return tensors of the same dtypes: {x.dtype.name} vs {y.dtype.name}.")


def _pack(structure, outs):
    it = iter(outs)
    flat = [None if x is None else next(it) for x in nest.flatten(structure, expand_composites=True)]
    return nest.pack_sequence_as(structure, flat, expand_composites=True)


# --- cond ---------------------------------------------------------------------------
def graph_cond(pred, true_fn, false_fn):
    """``cond`` with a symbolic predicate: one equation running one of two traced branches."""
    take = bool(pred._value)
    first, second = (true_fn, false_fn) if take else (false_fn, true_fn)
    s_first = trace_subgraph("cond_true" if take else "cond_false", lambda: first(), [])
    s_second = trace_subgraph("cond_false" if take else "cond_true", lambda: second(), [], taken=False,
                              like=s_first)
    if any(_unshaped(x) for x in nest.flatten(s_first.structure)):
        s_first = trace_subgraph("cond_true" if take else "cond_false", lambda: first(), [], like=s_second)
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
    DEPENDENCIES[prim] = functools.partial(_cond_dependencies, st, sf, it, if_)
    _state.graph.snapshot([st.graph, sf.graph])
    outs = execute(prim, (pred,) + tuple(caps), {})
    return _pack(st.structure, outs)


def _cond_rule(st, sf, it, if_):
    def rule(needed, gs, kept, pred, *caps):
        live = [o for o, g in enumerate(gs) if g is not None]
        dt, df = _dependencies(st.graph), _dependencies(sf.graph)
        conn = {it[p] for o in live for p in dt[o]} | {if_[p] for o in live for p in df[o]}
        fl = [i for i, c in enumerate(caps) if i in conn and (needed is None or needed[1 + i])]
        out = [None] * (1 + len(caps))
        if not fl:
            return out
        from ..ops.control_flow import cond
        res = cond(pred, _branch_grad(st, it, caps, fl, gs), _branch_grad(sf, if_, caps, fl, gs))
        for k, i in enumerate(fl):
            out[1 + i] = res[k]
        return out
    return SelectiveVJP(rule)


def _branch_grad(sub, index, caps, fl, gs):
    """The branch's cotangents of the captures ``fl`` (zeros for those it does not use)."""
    def fn():
        from .._core.tape import GradientTape
        from .function import replay
        xs = [caps[i] for i in index]
        wanted = set(fl)
        srcs = [i for i in dict.fromkeys(index) if i in wanted]
        with GradientTape() as tape:
            tape.watch([caps[i] for i in srcs])
            outs = replay(sub.graph, xs, {})
        pairs = [(o, g) for o, g in zip(outs, gs) if g is not None and _float(o)]
        grads = tape.gradient([o for o, _ in pairs], [caps[i] for i in srcs],
                              output_gradients=[g for _, g in pairs]) if pairs and srcs else [None] * len(srcs)
        by_cap = dict(zip(srcs, grads))
        return [by_cap.get(i) if by_cap.get(i) is not None else _zeros(caps[i]) for i in fl]
    return fn


def _dependencies(graph, inputs=None):
    """For each output of ``graph``: the inputs it depends on through differentiable equations with
    floating results, the paths along which a tape carries gradients (a cotangent elsewhere is None).

    ``inputs``: one set per input of ``graph`` that its dependencies stand for (default: its position).
    A cond or loop equation maps its inputs' dependencies through its sub-graphs; another equation
    that runs sub-graphs (a call) counts as depending on all its inputs.
    """
    deps = {}
    for k, v in enumerate(graph.inputs):
        if graph.avals[v][1] in _TRAINABLE:
            deps[v] = frozenset((k,)) if inputs is None else inputs[k]
    for eq in graph.eqns:
        if not eq.prim.differentiable:
            continue
        rule = DEPENDENCIES.get(eq.prim)
        if rule is not None:
            for o, d in zip(eq.outs, rule([deps.get(i, _NONE) for i in eq.ins])):
                if d and graph.avals[o][1] in _TRAINABLE:
                    deps[o] = d
            continue
        d = _NONE.union(*[deps.get(i, _NONE) for i in eq.ins])
        if d:
            for o in eq.outs:
                if graph.avals[o][1] in _TRAINABLE:
                    deps[o] = d
    return [deps.get(o, _NONE) for o in graph.outputs]


_NONE = frozenset()


def _cond_dependencies(st, sf, it, if_, ins):
    caps = ins[1:]
    a = _dependencies(st.graph, [caps[i] for i in it])
    b = _dependencies(sf.graph, [caps[i] for i in if_])
    return [x | y for x, y in zip(a, b)]


def _while_dependencies(sb, n, nc, nb, ne, save, ragged, ins):
    """A loop's outputs depend on their initial values and, through the iterations of the body, on what the
    body's outputs depend on; so do its emitted values and (with ``save``) its saved iterations."""
    inits, bcaps = ins[:n], ins[n + nc:n + nc + nb]
    body = _dependencies(sb.graph)
    acc = list(inits)

    def through(d):
        return _NONE.union(*[acc[p] if p < n else bcaps[p - n] for p in d])

    grow = True
    while grow:
        grow = False
        for k in range(n):
            d = acc[k] | through(body[k])
            if d != acc[k]:
                acc[k], grow = d, True
    emitted = [through(body[n + e]) for e in range(ne)]
    return acc + emitted + (acc + [_NONE] * (1 + len(ragged)) if save else [])


# --- while_loop --------------------------------------------------------------------------
def _call_with(template, fn):
    def call(*ts):
        packed = nest.pack_sequence_as(template, list(ts), expand_composites=True)
        return fn(*packed)
    return call


def graph_while(cond, body, loop_vars, shape_invariants=None, maximum_iterations=None, emit=False):
    """``while_loop`` inside a trace: one equation looping over traced cond/body sub-graphs.

    ``emit`` (for gradient rules): ``body`` returns ``(loop_vars, values)`` and the result is
    ``(loop_vars, stacks)``: ``stacks[e]`` holds ``values[e]`` of every iteration along a new leading axis.
    """
    loop_vars = _shape_tensor_arrays(body, loop_vars)
    flat = nest.flatten(loop_vars, expand_composites=True)  # a TensorArray is carried as its stack
    template = nest.pack_sequence_as(loop_vars, flat, expand_composites=True)
    inits = [convert_to_tensor(x) for x in flat]
    n = len(inits)
    invariants = None if shape_invariants is None else nest.flatten(shape_invariants)
    growing = {id(x.stack()) for x in nest.flatten(template) if isinstance(x, TensorArray) and x.dynamic_size}
    dynamic = {k for k, x in enumerate(inits) if _state.graph.is_dynamic(x) or id(x) in growing or (
        invariants is not None and not TensorShape(invariants[k]).is_fully_defined())}
    sc = trace_subgraph("while_cond", _call_with(template, cond), inits, dynamic=dynamic)
    if len(sc.outputs) != 1 or sc.outputs[0]._value.dtype != np.bool_ or sc.outputs[0]._value.ndim != 0:
        raise ValueError("while_loop: cond must return a scalar boolean tensor, got "
                         f"{sc.structure!r}.")
    runs = bool(sc.outputs[0]._value) and (maximum_iterations is None or _max_positive(maximum_iterations))

    def body_flat(*ts):
        out = _call_with(template, body)(*ts)
        values = []
        if emit:
            out, values = out
        if not nest.is_nested(out):  # TF: a single loop variable may be returned bare
            out = [out]
        nest.assert_same_structure(list(template), list(out))
        flat = nest.flatten(list(out), expand_composites=True)
        if len(flat) != n:
            raise ValueError(f"while_loop body returned {len(flat)} loop variables but loop_vars has {n}; "
                             "they must match.")
        return flat + [convert_to_tensor(v) for v in values]

    sb = trace_subgraph("while_body", body_flat, inits, taken=runs,
                        like=None if emit else _Sub(None, [], inits, inits), dynamic=dynamic)
    for k, (x, y) in enumerate(zip(inits, sb.outputs)):
        if x._value.dtype != y._value.dtype:
            raise TypeError(f"while_loop: loop variable {k} enters the loop as {x.dtype.name} but the body "
                            f"returns {y.dtype.name}; the dtypes must match.")
        if invariants is None and k not in dynamic and x._value.shape != y._value.shape:
            raise ValueError(f"Input tensor 'loop_var_{k}:0' enters the loop with shape {x.shape}, but has shape "
                             f"{y.shape} after one iteration. To allow the shape to vary across iterations, use "
                             "the `shape_invariants` argument of tf.while_loop to specify a less-specific shape.")
    save = len(_state.tapes) > 1 and any(_float(t) for t in inits)
    nc, nb, ne = len(sc.captures), len(sb.captures), len(sb.outputs) - n
    extra = [] if maximum_iterations is None else [convert_to_tensor(maximum_iterations)]
    static = {k for k in range(n + ne) if k not in dynamic and k not in sb.dynamic}
    plain, saving = _while_prims(sc, sb, n, nc, nb, ne, bool(extra), static)
    _state.graph.snapshot([sc.graph, sb.graph])
    outs = execute(saving if save else plain,
                   tuple(inits) + tuple(sc.captures) + tuple(sb.captures) + tuple(extra), {})
    for k, t in enumerate(outs[:2 * n + ne] if save else outs):  # emitted values and saved iterations grow
        if k >= n or k in dynamic:
            _state.graph.mark_dynamic(t)
    result = nest.pack_sequence_as(template, list(outs[:n]), expand_composites=True)
    return (result, list(outs[n:n + ne])) if emit else result


def _shape_tensor_arrays(body, loop_vars):
    """``loop_vars`` with an element shape for each TensorArray that has none, taken from what a first trace of
    ``body`` writes to it (a TensorArray is carried as its stack, which needs the shape of its elements)."""
    if not any(_unshaped(x) for x in nest.flatten(loop_vars)):
        return loop_vars
    others = [convert_to_tensor(x) for x in nest.flatten(loop_vars) if not isinstance(x, TensorArray)]

    def probe(*ts):
        it = iter(ts)
        flat = [x if isinstance(x, TensorArray) else next(it) for x in nest.flatten(loop_vars)]
        out = body(*nest.pack_sequence_as(loop_vars, flat))
        return tuple(x for x in nest.flatten(list(out)) if isinstance(x, TensorArray))

    written = iter(trace_subgraph("while_body", probe, others).structure)
    flat = [x if not isinstance(x, TensorArray) else _shaped(x, next(written)) for x in nest.flatten(loop_vars)]
    return nest.pack_sequence_as(loop_vars, flat)


def _while_prims(sc, sb, n, nc, nb, ne, has_max, static):
    """The loop equation's primitive, and its variant that also outputs every iteration's loop variables.

    Outputs: the loop variables (n), the stacks of emitted values (ne), then for the variant the loop
    variables of every iteration (n, the last one included), the iteration count and, for each loop
    variable whose shape may change (``ragged``: not in ``static``, the positions, loop variables then
    emitted values, whose shapes are the same in every iteration), the shape of every iteration: its
    history is padded to the largest (``_pad_stack``).
    """
    emitted = [sb.graph.avals[v] for v in sb.graph.outputs[n:]]
    ragged = [k for k in range(n) if k not in static]

    def make(save):
        def impl(*arrays):
            xs = list(arrays[:n])
            cc, bc = arrays[n:n + nc], arrays[n + nc:n + nc + nb]
            limit = arrays[-1] if has_max else None
            run_c, run_b = sc.run.run, sb.run.run  # the generated functions: errors are located below
            hist = [] if save else None
            em = []
            i = 0
            try:
                while (limit is None or i < limit) and run_c(*xs, *cc)[0]:
                    if save:
                        hist.append(xs)
                    xs = run_b(*xs, *bc)
                    if ne:
                        em.append(xs[n:])
                        xs = xs[:n]
                    i += 1
            except errors.OpError:
                raise
            except Exception as e:
                for compiled in (sc.run, sb.run):
                    located = compiled._failing_eqn(e)
                    if located is not None:
                        raise _kernel_error(located[0].prim, located[1], located[0].params, e) from e
                raise
            out = tuple(xs)
            if ne:
                out += tuple(_stack([e[k] for e in em], shape, dtype) for k, (shape, dtype) in enumerate(emitted))
            if not save:
                return out
            hist.append(xs)
            stacks = {k: _pad_stack([h[k] for h in hist]) for k in ragged}
            return (out + tuple(stacks[k][0] if k in stacks else _stack([h[k] for h in hist]) for k in range(n))
                    + (np.asarray(i, np.int32),) + tuple(stacks[k][1] for k in ragged))

        prim = Primitive("while", impl, _while_rule(sb, n, nc, nb, ne, static) if save else None, multiple_results=True,
                         register=False, save_output=True)
        mark_effects(prim, sc.graph, sb.graph)
        DEPENDENCIES[prim] = functools.partial(_while_dependencies, sb, n, nc, nb, ne, save, ragged)
        return prim

    plain, saving = make(False), make(True)
    DIFFERENTIABLE_VARIANT[plain] = saving
    return plain, saving


def _stack(arrays, shape=None, dtype=None):
    """``np.stack(arrays)``, at half its cost for the many small arrays of a loop's iterations."""
    if not arrays:
        return np.zeros((0,) + shape, dtype)
    first = arrays[0].shape
    if not first:
        return np.array(arrays, dtype=arrays[0].dtype)
    for a in arrays:
        if a.shape != first:
            return np.stack(arrays)  # shapes that change (shape_invariants): np.stack says what is wrong
    return np.concatenate(arrays).reshape((len(arrays),) + first)


def _pad_stack(arrays):
    """The iterations of a loop variable whose shape changes: ``(padded, shapes)``, ``padded[t]`` holding
    ``arrays[t]`` in its leading corner (zeros elsewhere) and ``shapes[t]`` its shape."""
    ranks = {a.ndim for a in arrays}
    if len(ranks) > 1:
        raise ValueError(f"while_loop: a loop variable changes rank across iterations ({sorted(ranks)}); "
                         "tapegrad differentiates loops whose loop variables keep their rank.")
    shapes = np.array([a.shape for a in arrays], np.int64).reshape(len(arrays), ranks.pop())
    padded = np.zeros((len(arrays),) + tuple(shapes.max(0)), arrays[0].dtype)
    for t, a in enumerate(arrays):
        padded[(t,) + _corner(a.shape)] = a
    return padded, shapes


def _corner(shape):
    return tuple(slice(0, int(d)) for d in shape)


def _take_ragged_impl(h, i, shapes):
    return h[i][_corner(shapes[i])]


def _put_ragged_impl(g, i, shapes, like):
    out = np.zeros_like(like)
    out[(int(i),) + _corner(shapes[i])] = g
    return out


take_ragged_p = Primitive("take_ragged_iteration", _take_ragged_impl,
                          (lambda g, out, h, i, shapes: execute(put_ragged_p, (g, i, shapes, h), {}), None, None),
                          linear=True, save_inputs=True, register=False)
put_ragged_p = Primitive("put_ragged_iteration", _put_ragged_impl,
                         (lambda g, out, x, i, shapes, like: execute(take_ragged_p, (g, i, shapes), {}),
                          None, None, None), linear=True, save_inputs=True, register=False)


def _max_positive(m):
    try:
        return int(np.asarray(m._value if isinstance(m, Tensor) else m)) > 0
    except (TypeError, ValueError):
        return True


def _absent(g):
    """True for no cotangent: None, or zeros known while tracing (a plain rule call fills them in)."""
    from .tracer import is_symbolic
    return g is None or (not is_symbolic(g) and not np.any(g._value))


def _put_impl(g, i, like):
    out = np.zeros_like(like)
    out[i] = g
    return out


take_p = Primitive("take_iteration", lambda h, i: h[i], (lambda g, out, h, i: execute(put_p, (g, i, h), {}), None),
                   linear=True, save_inputs=True, register=False)
put_p = Primitive("put_iteration", _put_impl, (lambda g, out, x, i, like: execute(take_p, (g, i), {}), None, None),
                  linear=True, save_inputs=True, register=False)


zeros_p = Primitive("zeros_like_at_run_time", np.zeros_like, differentiable=False, register=False)


def _zeros(x):
    """Zeros shaped like ``x`` when the graph runs (a loop's history has no fixed length)."""
    return execute(zeros_p, (x,), {})


def _take(h, i, static=False, shapes=None):
    """``h[i]``: iteration ``i`` of a while loop's saved history (or stacked values).

    ``static``: every iteration has the shape traced (only the history's length changes); ``shapes``:
    the iterations' shapes of a padded history (``_pad_stack``).
    """
    t = execute(take_p, (h, i), {}) if shapes is None else execute(take_ragged_p, (h, i, shapes), {})
    tracer = _state.graph
    if static and tracer is not None:
        tracer.dynamic.discard(tracer.names.get(id(t)))
    return t


def _sum_stack_grad(g, out, s):
    return execute(spread_p, (g, s), {})


sum_stack_p = Primitive("sum_iterations", lambda s: s.sum(0), (_sum_stack_grad,), linear=True, register=False)
spread_p = Primitive("spread_iterations", lambda g, like: np.broadcast_to(g, like.shape),
                     (lambda g, out, x, like: execute(sum_stack_p, (g,), {}), None), linear=True, register=False)


def _scatter_slices_impl(values, indices, like):
    out = np.zeros_like(like)
    np.add.at(out, indices, values)
    return out


scatter_slices_p = Primitive("sum_slices", _scatter_slices_impl,
                             (lambda g, out, v, i, like: execute(gather_slices_p, (g, i), {}), None, None),
                             linear=True, register=False)
gather_slices_p = Primitive("gather_slices", lambda g, i: np.take(g, i, axis=0),
                            (lambda g, out, x, i: execute(scatter_slices_p, (g, i, x), {}), None),
                            linear=True, register=False)


def _sum_matmul_impl(a, b, adjoint_a, adjoint_b):
    """sum_t op(a[t]) @ op(b[t]) (op: the transpose where adjoint): one GEMM over the iterations' rows."""
    i, j = a.shape[2 if adjoint_a else 1], b.shape[1 if adjoint_b else 2]
    if a.shape[0] == 0:
        return np.zeros((i, j), a.dtype)
    a2 = a.reshape(-1, i).T if adjoint_a else a.transpose(1, 0, 2).reshape(i, -1)  # a[t]: [r, i] or [i, r]
    b2 = b.transpose(0, 2, 1).reshape(-1, j) if adjoint_b else b.reshape(-1, j)  # b[t]: [j, r] or [r, j]
    return _gemm(a2, b2)


def _sum_matmul_grad(i):
    def rule(g, out, a, b, adjoint_a, adjoint_b):  # g of every iteration's product: the matmul rules, broadcast
        from ..ops.math import _matmul_grad_a, _matmul_grad_b
        return (_matmul_grad_a, _matmul_grad_b)[i](g, None, a, b, adjoint_a, adjoint_b)
    return rule


sum_matmul_p = Primitive("sum_matmul_iterations", _sum_matmul_impl, (_sum_matmul_grad(0), _sum_matmul_grad(1)),
                         register=False)


def _while_rule(sb, n, nc, nb, ne, static):
    """The reverse loop: iteration ``i = count-1 .. 0`` replays the body on the saved loop variables under a tape.

    Only the inputs the backward pass needs get cotangents (``SelectiveVJP``), and only
    the loop variables whose cotangents lead to them are carried; a capture that no
    floating output depends on gets None, as in eager mode. A capture's cotangent is a
    sum over iterations: its terms that are matmuls, linear maps or IndexedSlices of
    per-iteration values are not summed in the loop: the reverse loop emits their
    operands and one product (one reduction, one scatter) over the stacked iterations
    follows it (``_SumPlanner``); other terms accumulate in loop variables. The body's
    backward pass reads the loop variables an iteration computed from the saved
    iterations rather than recomputing them (``_reuse_saved``).
    """
    def rule(needed, gs, kept, *inputs):
        from .._core.tape import GradientTape
        from ..ops.math import add, greater_equal, maximum, minimum, subtract
        from .function import replay
        hists, count = kept[n + ne:2 * n + ne], kept[2 * n + ne]
        shapes = dict(zip([k for k in range(n) if k not in static], kept[2 * n + ne + 1:]))

        def iteration(k, h, i):  # loop variable k of iteration i in a history h (or in its cotangent)
            return _take(h, i, k in static, shapes.get(k))

        bcaps = inputs[n + nc:n + nc + nb]
        out = [None] * len(inputs)
        deps = _dependencies(sb.graph)
        fl = [k for k in range(n) if _float(inputs[k])]
        ge = {e: gs[n + e] for e in range(ne) if _float(kept[n + e]) and not _absent(gs[n + e])}
        # the loop variables that cotangents reach: from the outputs and saved iterations that have one
        live = {k for k in fl if gs[k] is not None or not _absent(gs[n + ne + k])}
        reach = _NONE.union(*[deps[n + e] for e in ge])
        grow = True
        while grow:
            reach = reach.union(*[deps[k] for k in live])
            grow = [p for p in reach if p < n and p in fl and p not in live]
            live.update(grow)
        fc = [j for j in range(nb) if n + j in reach and (needed is None or needed[n + nc + j])]
        carried = {k for k in live if needed is None or needed[k]}
        wanted = carried | {n + j for j in fc}
        grow = True
        while grow:  # a loop variable whose cotangent flows to a wanted one is carried
            grow = [k for k in live if k not in carried and not deps[k].isdisjoint(wanted)]
            carried.update(grow)
            wanted.update(grow)
        carried, emits = sorted(carried), sorted(ge)
        if not carried and not fc:
            return out
        ghist = [None if _absent(gs[n + ne + k]) else gs[n + ne + k] for k in carried]
        g0 = []
        for k, gh in zip(carried, ghist):  # the cotangent of the last iteration's loop variables
            last = None if gh is None else iteration(k, gh, count)
            g = gs[k] if last is None else last if gs[k] is None else add(gs[k], last)
            g0.append(_zeros(kept[k]) if g is None else g)
        m = len(carried)
        hoist = _state.graph is not None
        if hoist and any(k in shapes for k in carried):
            if ge or any(gh is not None for gh in ghist):
                _first_order_only()
            res = execute(_ragged_reverse(sb, n, carried, fc, list(shapes)),
                          (count,) + tuple(hists) + tuple(shapes.values()) + tuple(g0) + tuple(bcaps), {})
            for k, g in zip(carried + [n + nc + j for j in fc], res):
                if k >= n or needed is None or needed[k]:
                    out[k] = g
            return out
        acc0 = [_zeros(bcaps[j]) for j in fc]
        plans = []

        def rcond(i, *rest):
            return greater_equal(i, 0)

        def rbody(i, *rest):
            gv, acc = rest[:m], rest[m:]
            at = maximum(i, 0)
            xs = [iteration(k, h, at) for k, h in enumerate(hists)]
            srcs = [xs[k] for k in carried] + [bcaps[j] for j in fc]
            if hoist:  # the loop variables this iteration computed, as saved
                nxt = minimum(add(at, 1), count)
                saved = {k: iteration(k, hists[k], nxt) for k in fl}
                start = len(_state.graph.graph.eqns)
            with GradientTape() as tape:
                tape.watch(srcs)
                outs = replay(sb.graph, xs + list(bcaps), {})
            if hoist:
                end = len(_state.graph.graph.eqns)
            grads = tape.gradient([outs[k] for k in carried] + [outs[n + e] for e in emits], srcs,
                                  output_gradients=list(gv) + [_take(ge[e], at, n + e in static) for e in emits],
                                  unconnected_gradients="zero")
            if hoist:
                _reuse_saved(_state.graph, start, end, [(outs[k], saved[k]) for k in fl])
            gx = [g if gh is None else add(g, iteration(k, gh, at)) for g, gh, k in zip(grads[:m], ghist, carried)]
            planner = _SumPlanner(1 + len(rest)) if hoist else None
            new_acc = []
            for a, g in zip(acc, grads[m:]):
                plan = planner.plan(g) if hoist else None
                plans.append(plan)
                for d in ([g] if plan is None else plan[0]):
                    a = add(a, d)
                new_acc.append(a)
            loop_vars = [subtract(i, 1)] + gx + new_acc
            return (loop_vars, list(planner.emitted.values())) if hoist else loop_vars

        init = [subtract(count, 1)] + g0 + acc0
        if hoist:  # the cotangent of a loop variable whose shape changes changes shape too
            invariants = [TensorShape([None] * t.shape.rank) if 0 < p <= m and carried[p - 1] in shapes else t.shape
                          for p, t in enumerate(init)]
            res, stacks = graph_while(rcond, rbody, init, shape_invariants=invariants, emit=True)
        else:
            from ..ops.control_flow import while_loop
            res, stacks = while_loop(rcond, rbody, init), []
        for idx, k in enumerate(carried):
            if needed is None or needed[k]:
                out[k] = res[1 + idx]
        for idx, (j, plan) in enumerate(zip(fc, plans)):
            total = None if plan is not None and not plan[0] else res[1 + m + idx]
            for term in ([] if plan is None else plan[1]):
                t = _sum_term(term, stacks, bcaps[j])
                total = t if total is None else add(total, t)
            out[n + nc + j] = total if total is not None else _zeros(bcaps[j])
        return out
    return SelectiveVJP(rule)


def _first_order_only(*args, **params):
    raise NotImplementedError(
        "tapegrad differentiates a while_loop whose loop variables change shape (shape_invariants) to first order "
        "only inside tf.function; here a higher-order gradient reaches it. Compute it eagerly, or keep the loop "
        "variables' shapes fixed (pad them).")


def _ragged_reverse(sb, n, carried, fc, ragged):
    """The reverse pass of a loop whose loop variables change shape, as one equation that runs it eagerly when
    the graph runs (the body's gradient rules then see each iteration's shapes). Its inputs: the iteration
    count, the histories, the shapes of the ragged ones, the cotangents of the ``carried`` loop variables
    and the body's captures; its outputs: the cotangents of the carried initial values and captures ``fc``."""
    def impl(count, *arrays):
        from .._core.tape import GradientTape
        from .function import replay
        hists, rest = arrays[:n], arrays[n + len(ragged):]
        shapes = dict(zip(ragged, arrays[n:n + len(ragged)]))
        gv, bcaps = [Tensor(a) for a in rest[:len(carried)]], [Tensor(a) for a in rest[len(carried):]]
        acc = [np.zeros_like(bcaps[j]._value) for j in fc]
        with untraced():
            for i in range(int(count) - 1, -1, -1):
                xs = [Tensor(_take_ragged_impl(h, i, shapes[k]) if k in shapes else h[i]) for k, h in enumerate(hists)]
                srcs = [xs[k] for k in carried] + [bcaps[j] for j in fc]
                with GradientTape() as tape:
                    tape.watch(srcs)
                    outs = replay(sb.graph, xs + bcaps, {})
                grads = tape.gradient([outs[k] for k in carried], srcs, output_gradients=gv,
                                      unconnected_gradients="zero")
                gv = grads[:len(carried)]
                acc = [a + convert_to_tensor(g)._value for a, g in zip(acc, grads[len(carried):])]
        return tuple(g._value for g in gv) + tuple(acc)

    return Primitive("while_grad_changing_shapes", impl, _first_order_only, multiple_results=True, register=False)


def _reuse_saved(tracer, start, end, saved):
    """The backward pass (the equations after ``end``) reads the loop variables an iteration computed from
    the saved iterations: ``saved`` pairs the tensors the replay (equations ``start:end``) computed with them.
    The equal values the forward loop saved replace the recomputed ones, which become dead code where
    nothing else needs them (a tanh's output, and the matmuls before it)."""
    eqns = tracer.graph.eqns
    made = {o for eq in eqns[start:end] for o in eq.outs}
    swap = {}
    for t, s in saved:
        v = tracer.names.get(id(t))
        if v in made:
            swap[v] = tracer.names[id(s)]
    if swap:
        for eq in eqns[end:]:
            eq.ins = [swap.get(i, i) for i in eq.ins]


class _SumPlanner:
    """Splits capture cotangents, traced in the reverse loop's body, into the terms summed in the loop and those
    summed after it. Built once the body's backward pass is traced; ``emitted`` (value number -> Tensor, in
    emission order) gathers the per-iteration values the later sums read from their stacks."""

    def __init__(self, n_placeholders):
        self.tracer = tracer = _state.graph
        graph = tracer.graph
        self.tensors = {tracer.names[id(t)]: t for t in tracer.keep if id(t) in tracer.names}
        self.producer = {o: eq for eq in graph.eqns for o in eq.outs}
        variant = set(graph.inputs[:n_placeholders])
        for eq in graph.eqns:
            if not variant.isdisjoint(eq.ins):
                variant.update(eq.outs)
        self.variant = variant - tracer.dynamic  # values whose shape changes between iterations do not stack
        self.emitted = {}

    def _slot(self, v, t=None):
        if v not in self.emitted:
            self.emitted[v] = self.tensors[v] if t is None else t
        return list(self.emitted).index(v)

    def _tensor(self, v):
        return self.tensors[v] if v in self.tensors else Tensor(self.tracer.graph.consts[v])

    def plan(self, g):
        """``(dense, terms)``: ``g`` is the sum of the tensors ``dense`` and of the terms ``_sum_term`` sums."""
        from .._core.indexed_slices import IndexedSlices
        tracer, variant = self.tracer, self.variant
        if type(g) is IndexedSlices:  # the slices of every iteration, scattered once after the loop
            vi, vv = tracer.value_of(g.indices), tracer.value_of(g.values)
            if vv in variant and vi not in tracer.dynamic:
                key = ("indices", id(g.indices)) if vi is None else vi
                return [], [("slices", self._slot(vv), self._slot(key, g.indices))]
            return [g._as_tensor()], []
        v = tracer.value_of(g)
        if v is None:
            return [g], []
        dense, terms = [], []
        self._split(v, [], dense, terms)
        return dense, terms

    def _split(self, v, chain, dense, terms):
        """A sum of matmuls and of linear maps (``chain``, innermost first) of per-iteration values."""
        from ..ops.math import add_p, matmul_p
        eq, av, variant = self.producer.get(v), self.tracer.graph.avals, self.variant
        if eq is not None and v in variant:
            p = eq.prim
            if p is add_p and av[eq.ins[0]] == av[eq.ins[1]] == av[v]:
                self._split(eq.ins[0], chain, dense, terms)
                self._split(eq.ins[1], chain, dense, terms)
                return
            if p is matmul_p and all(len(av[i][0]) == 2 and av[i][1].kind == "f" and i in self.tensors
                                     and i not in self.tracer.dynamic for i in eq.ins):
                terms.append(("matmul", self._slot(eq.ins[0]), self._slot(eq.ins[1]), eq.params, chain))
                return
            if p.linear and len(eq.ins) == 1 and not p.multiple_results and p not in STATEFUL:
                self._split(eq.ins[0], [(p, eq.params)] + chain, dense, terms)
                return
        if chain and v in variant and v in self.tensors:
            terms.append(("linear", self._slot(v), chain))
            return
        t = self._tensor(v)
        for p, params in chain:  # a linear map of a value all iterations share: applied in the loop
            t = execute(p, (t,), params)
        dense.append(t)


def _sum_term(term, stacks, like):
    """The sum over iterations of one term of ``_SumPlanner.plan``, from the stacks of emitted values."""
    if term[0] == "slices":
        return execute(scatter_slices_p, (stacks[term[1]], stacks[term[2]], like), {})
    if term[0] == "matmul":
        _, a, b, params, chain = term
        t = execute(sum_matmul_p, (stacks[a], stacks[b]), {"adjoint_a": bool(params.get("adjoint_a")),
                                                           "adjoint_b": bool(params.get("adjoint_b"))})
    else:
        _, x, chain = term
        t = execute(sum_stack_p, (stacks[x],), {})
    for p, params in chain:
        t = execute(p, (t,), params)
    return t
