"""Tracing: the primitives a Python function runs, recorded as a Graph (TF's FuncGraph).

Tracing is *shape-specialized*: the function runs once on concrete input
values while a ``Tracer`` sits on the tape stack, so ``dispatch.execute`` runs
every kernel (shapes and dtypes come for free) and hands the tracer each op.
Tensors that depend on an input or a variable are *symbolic*: the tracer names
them, an op with a symbolic input becomes an equation ``(prim, ins, outs,
params)`` (the shape of a tape entry), and Python asking for their value
(``bool``, ``float``, iteration, ``.numpy()``) is TF's graph-mode error. Tensors
made from Python or NumPy values, and eager tensors captured by closure, are
constants. Variables are captured by reference: reads and assignments are
equations, so every call sees the current value and performs the updates. A
sub-graph (a cond branch, a loop body) reads a variable it does not assign
through its parent graph, as a captured input, and the tapes recording where
the sub-graph's equation runs watch it, as eager mode's would. Once a
sub-graph is traced, its tensors are out of scope: a parent graph that uses one
(a loop body's value appended to a Python list) raises TF's
InaccessibleTensorError.

The values a traced op sees are those of the tracing inputs; code that reads
``_value`` of a symbolic tensor outside a primitive bakes that value into the
graph. ``is_symbolic`` lets such code take a graph path instead; ``static_value``
reads the value under a guard (below) and ``value_check`` runs a check on it
every time the graph runs. NumPy conversion and ``__index__`` of a symbolic
tensor are errors, as in TF.

Guards: graphs are shape-specialized, so a shape that depends on a symbolic
tensor's *value* must not be reused for other values. An op whose output shape
depends on its inputs' values (``range``, ``where(x)``, ``unique``) records a
``guard_shape`` equation after its own; an op that needs such a value in Python
(the ``shape`` of ``zeros``, ``one_hot``'s ``depth``) reads it with
``static_value``, which records a ``guard_value`` equation. Guards are checks
with no outputs, kept even where nothing uses the guarded tensor (its shape may
have been read in Python: ``tf.shape(tf.range(n))`` is a constant). When a guard
fails, the graph raises ``RetraceNeeded`` and ``function`` traces again for the
call's values (tapegrad/graph/function.py). The shapes of a ``while_loop``'s
variables under relaxed ``shape_invariants``, of its saved iterations, and of
what is computed from them do change while the graph runs: the tracer marks
them *dynamic*, and ``tf.shape`` / ``tf.size`` of them are equations.
"""
import contextlib
import itertools
import weakref

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.context import state as _state
from .._core.primitive import Primitive
from .._core.tensor import Tensor, Variable, _wrap

EFFECTFUL = weakref.WeakSet()  # primitives that run even when their outputs are unused (assign, print)
STATEFUL = weakref.WeakSet()   # primitives never merged, folded or reordered (variable reads, random draws)
SUBGRAPHS = weakref.WeakKeyDictionary()  # primitive -> the graphs it runs (cond branches, loop bodies, calls)


def mark_effects(prim, *graphs):
    """Registers the graphs ``prim`` runs; it inherits their effects and state."""
    SUBGRAPHS[prim] = graphs
    if any(g.effectful() for g in graphs):
        EFFECTFUL.add(prim)
    if any(g.stateful() for g in graphs):
        STATEFUL.add(prim)


def is_symbolic(t):
    """True while tracing when ``t`` depends on the traced function's inputs or variables."""
    g = _state.graph
    return g is not None and g.lookup(t) is not None


def is_dynamic_shape(t):
    """True while tracing when the shape of ``t`` may change while the graph runs (see the module docstring)."""
    g = _state.graph
    return g is not None and g.is_dynamic(t)


def any_symbolic(*ts):
    g = _state.graph
    return g is not None and any(g.lookup(t) is not None for t in ts)


class Eqn:
    """One equation: ``outs = prim.impl(*ins, **params)`` over value numbers."""

    __slots__ = ("prim", "ins", "outs", "params")

    def __init__(self, prim, ins, outs, params):
        self.prim, self.ins, self.outs, self.params = prim, ins, outs, params

    def __repr__(self):
        return f"{self.outs} = {self.prim.name}{tuple(self.ins)} {self.params or ''}"


class Graph:
    """A traced function over numbered values.

    ``inputs``: placeholder values in order; ``eqns``: equations in execution
    order; ``consts``: value -> baked array; ``avals``: value -> (shape, numpy
    dtype) as traced; ``outputs``: result values (flat); ``labels``: value ->
    TF-style name ('mul_1:0') for printing.
    """

    def __init__(self, name="graph"):
        self.name = name
        self.inputs = []
        self.eqns = []
        self.consts = {}
        self.avals = {}
        self.outputs = []
        self.labels = {}
        self._counter = itertools.count()

    def new_value(self, value):
        v = next(self._counter)
        self.avals[v] = (np.shape(value), value.dtype)
        return v

    def effectful(self):
        """True when running the graph does more than compute its outputs (assign, print)."""
        return any(e.prim in EFFECTFUL for e in self.eqns)

    def stateful(self):
        return any(e.prim in STATEFUL for e in self.eqns)

    def __repr__(self):
        lines = [f"graph {self.name}({', '.join(f'v{i}' for i in self.inputs)}):"]
        lines += [f"  {e!r}" for e in self.eqns]
        lines.append(f"  return {self.outputs}")
        return "\n".join(lines)


# --- equations that are not ops of the public API --------------------------------
def _read_impl(var):
    return var._value


def _assign_impl(value, var):
    var._set(value, "assign")
    return ()


read_var_p = Primitive("read_variable", _read_impl, differentiable=False, register=False)
assign_var_p = Primitive("assign_variable", _assign_impl, differentiable=False, multiple_results=True,
                         register=False)
STATEFUL.update((read_var_p, assign_var_p))
EFFECTFUL.add(assign_var_p)


class Tracer:
    """Records into ``graph`` while it is ``_state.graph`` (and the bottom of ``_state.tapes``).

    A sub-graph tracer (a branch of ``cond``, the body of ``while_loop``) has a
    ``parent``: a symbolic tensor of the parent becomes a captured input.
    """

    def __init__(self, graph, parent=None):
        self.graph = graph
        self.parent = parent
        self.root = self if parent is None else parent.root
        self.names = {}      # id(tensor) -> value number
        self.keep = []       # the named tensors, kept alive so that their id() stays unique
        self.captures = []   # (parent tensor, value) for sub-graphs
        self.dynamic = set()  # values whose shape may change while the graph runs (see the module docstring)
        self.restore = {}    # root only: id(Variable) -> (Variable, its value before the trace)
        self.created = []    # root only: Variables created while tracing
        self._op_names = {}
        self._consts = {}    # id(tensor) -> (tensor, value) of constants used so far
        self.undo = {}       # id(Variable) -> (Variable, value before this tracer assigned it)
        self.assigned = set()       # ids of the Variables this graph assigns
        self.captured_reads = {}    # sub-graphs: captured value -> Variable it reads
        self.context = ((), ())     # sub-graphs: the tapes and watchers recording where the sub-graph's op runs
        self.local = []             # sub-graphs: the tensors defined here (placeholders and equation outputs)
        self.out_of_scope = {}      # root only: id(tensor) -> (tensor, graph name) of finished sub-graphs' tensors

    # --- lookup ----------------------------------------------------------
    def lookup(self, t):
        """The value of tensor ``t`` if it is symbolic here (or in a parent), else None."""
        v = self.names.get(id(t))
        if v is None and self.parent is not None and self.parent.lookup(t) is not None:
            return -1
        return v

    def value_of(self, t):
        """Like ``lookup``, capturing a parent's symbolic tensor as an input of this sub-graph.

        A tensor of a finished sub-graph (a loop body's value appended to a Python list) is TF's
        InaccessibleTensorError."""
        v = self.names.get(id(t))
        if v is None and self.parent is None:
            gone = self.out_of_scope.get(id(t))
            if gone is not None and gone[0] is t:
                raise InaccessibleTensorError(
                    f"The tensor of shape {t.shape} and dtype {t.dtype.name} cannot be accessed from "
                    f"{self.graph.name}, because it was defined in {gone[1]}, which is out of scope.")
        if v is None and self.parent is not None and self.parent.value_of(t) is not None:
            v = self._bind(t, self.parent.label(t).split(":")[0])
            self.graph.inputs.append(v)
            self.captures.append((t, v))
            if self.parent.is_dynamic(t):
                self.dynamic.add(v)
        return v

    def is_dynamic(self, t):
        """Whether the shape of symbolic ``t`` may change while the graph runs."""
        v = self.names.get(id(t))
        if v is None:
            return self.parent is not None and self.parent.is_dynamic(t)
        return v in self.dynamic

    def mark_dynamic(self, t):
        v = self.names.get(id(t))
        if v is not None:  # a constant's shape is known
            self.dynamic.add(v)

    def const(self, t):
        hit = self._consts.get(id(t))
        if hit is not None and hit[0] is t:
            return hit[1]
        v = self.graph.new_value(t._value)
        self.graph.consts[v] = t._value
        self._consts[id(t)] = (t, v)
        return v

    def label(self, t):
        v = self.names.get(id(t))
        if v is None:
            return self.parent.label(t) if self.parent is not None else "Const:0"
        return self.graph.labels[v]

    def _bind(self, t, name):
        v = self.graph.new_value(t._value)
        self.names[id(t)] = v
        self.keep.append(t)
        k = self._op_names.get(name, 0)
        self._op_names[name] = k + 1
        self.graph.labels[v] = f"{name}:0" if k == 0 else f"{name}_{k}:0"
        return v

    def placeholder(self, t, name):
        v = self._bind(t, name)
        self.graph.inputs.append(v)
        self.local.append(t)
        return v

    # --- recording (called by dispatch._record and Variable) ---------------
    def add(self, prim, inputs, outs, params):
        if prim.impl is None:  # custom_gradient's second record: its outputs are traced already
            return
        ins = [self.value_of(t) for t in inputs]
        if prim not in STATEFUL and all(i is None for i in ins):
            return  # every input is a constant: so are the outputs (folded while tracing)
        ins = [self.const(t) if i is None else i for i, t in zip(ins, inputs)]
        out_values = [self._bind(o, prim.name) for o in outs]
        self.local.extend(outs)
        self.graph.eqns.append(Eqn(prim, ins, out_values, params))
        if self.dynamic and not self.dynamic.isdisjoint(ins):
            self.dynamic.update(out_values)

    def _variable_accessed(self, var):
        """A read of ``var``: its cached read tensor becomes the output of a read equation.

        In a sub-graph, a variable the sub-graph has not assigned is read by the
        parent and captured, and the tapes (and custom_gradient watchers) recording
        where the sub-graph's equation runs see the read, as they would see it in
        eager mode: they watch a trainable variable, and the equation's gradient
        rule gives its cotangent. ``fix_captured_reads`` turns such a capture back
        into a local read if the sub-graph assigns it later.
        """
        t = var._cache
        if t is None:
            t = var._cache = _wrap(var._value, var._id)
        if id(t) in self.names:
            return
        self.root.restore.setdefault(id(var), (var, var._value))
        if self.parent is not None and id(var) not in self.assigned:
            tapes, watchers = self.context
            for tape in tapes:
                if tape is not self.parent:
                    tape._variable_accessed(var)
            for watcher in watchers:
                watcher._variable_accessed(var)
            self.parent._variable_accessed(var)
            self.value_of(t)
            self.captured_reads[self.names[id(t)]] = var
            return
        name = var._name.split(":")[0]
        self.graph.eqns.append(Eqn(read_var_p, [], [self._bind(t, name)], {"var": var}))

    def fix_captured_reads(self):
        """Captured reads of variables this sub-graph assigns become reads at the sub-graph's start."""
        for v, var in list(self.captured_reads.items()):
            if id(var) in self.assigned:
                self.graph.inputs.remove(v)
                self.captures = [(t, c) for t, c in self.captures if c != v]
                self.graph.eqns.insert(0, Eqn(read_var_p, [], [v], {"var": var}))

    def assign(self, var, value, op):
        """``var.assign*`` while tracing: an assign equation; the variable keeps its value after the trace."""
        from ..ops import math as _math
        from .._core.tensor import convert_to_tensor
        value = convert_to_tensor(value, dtype=var.dtype)
        if op == "assign_add":
            value = _math.add(var._read(), value)
        elif op == "assign_sub":
            value = _math.subtract(var._read(), value)
        self.root.restore.setdefault(id(var), (var, var._value))
        self.undo.setdefault(id(var), (var, var._value))
        self.assigned.add(id(var))
        if value._value.shape != var._value.shape and var._validate_shape:
            var._set(value._value, op)  # raises TF's shape error
        v = self.value_of(value)
        if v is None:
            v = self.const(value)
        self.graph.eqns.append(Eqn(assign_var_p, [v], [], {"var": var}))
        var._set(value._value, op)
        return var

    def variable_created(self, var):
        self.root.created.append(var)

    def finish(self):
        """Undoes the trace's assignments (the graph performs them when it runs); a sub-graph's tensors go out
        of scope."""
        for var, value in (self.restore if self.parent is None else self.undo).values():
            var._value = value
            var._cache = None
        if self.parent is not None:
            self.root.out_of_scope.update((id(t), (t, self.graph.name)) for t in self.local)

    def snapshot(self, graphs):
        """Before running ``graphs`` concretely while tracing: remember the variables they assign."""
        from .function import _walk
        for g in graphs:
            for eq in _walk(g):
                if eq.prim is assign_var_p:
                    var = eq.params["var"]
                    self.root.restore.setdefault(id(var), (var, var._value))
                    self.undo.setdefault(id(var), (var, var._value))


def _check_impl(*arrays, check):
    check(*arrays)
    return ()


check_p = Primitive("runtime_check", _check_impl, differentiable=False, multiple_results=True, register=False)
EFFECTFUL.add(check_p)
STATEFUL.add(check_p)


def deferred_check(check, *tensors):
    """While tracing with a symbolic tensor among ``tensors``: record ``check(*arrays)`` to run on every
    call (an assertion raises when the graph runs, not at trace time) and return True."""
    g = _state.graph
    if g is None:
        return False
    from .._core.tensor import convert_to_tensor
    ts = [convert_to_tensor(t) for t in tensors]
    if all(g.lookup(t) is None for t in ts):
        return False
    g.add(check_p, ts, (), {"check": check})
    return True


class InaccessibleTensorError(ValueError):
    """A traced function uses a tensor of a cond branch or loop body outside it (TF's error of that name)."""


class RetraceNeeded(errors.InvalidArgumentError):
    """A graph runs on values its trace does not hold for (a guard failed, an untraced branch is taken).

    ``function`` then traces again for the call's values; raised by that new trace too, it reaches the user.
    """


def _guard_shape_impl(x, shape, what):
    if x.shape != shape:
        raise RetraceNeeded(None, "guard_shape", f"{what} had shape {list(shape)} when the function was traced "
                                                 f"and has shape {list(x.shape)} now.")
    return ()


def _guard_value_impl(x, value, what):
    if x.shape != value.shape or not np.array_equal(x, value):
        raise RetraceNeeded(None, "guard_value", f"{what} was {value.tolist()} when the function was traced and "
                                                 f"is {x.tolist()} now.")
    return ()


guard_shape_p = Primitive("guard_shape", _guard_shape_impl, differentiable=False, multiple_results=True,
                          register=False)
guard_value_p = Primitive("guard_value", _guard_value_impl, differentiable=False, multiple_results=True,
                          register=False)
EFFECTFUL.update((guard_shape_p, guard_value_p))


def guard_shape(t, what):
    """Returns ``t``, whose shape depends on input values; while tracing, a graph run where that shape differs
    traces again. ``what`` names ``t`` in the message ('The output of range')."""
    g = _state.graph
    if g is not None and g.lookup(t) is not None:
        g.add(guard_shape_p, [t], (), {"shape": t._value.shape, "what": f"{what} ({g.label(t)})"})
    return t


def static_value(t, what):
    """The NumPy value of Tensor ``t`` for Python to use (a shape, a count, an axis).

    While tracing, a symbolic ``t`` is read at its trace-time value, and a graph
    run where ``t`` has another value traces again. ``what`` names the argument
    in the message ('the shape argument of zeros').
    """
    g = _state.graph
    if g is None:
        return t._value
    t = t._read() if isinstance(t, Variable) else t
    if g.lookup(t) is not None:
        g.add(guard_value_p, [t], (), {"value": t._value, "what": f"{what} ({g.label(t)})"})
    return t._value


def value_check(check, *tensors):
    """Runs ``check(*arrays)`` on the tensors' values: now, or every time the graph runs when one of them is
    symbolic (an op's index-range check must hold for every call's values, not the traced ones)."""
    if not deferred_check(check, *tensors):
        check(*[t._value for t in tensors])


def _host_impl(*arrays, fn, template):
    it = iter(arrays)
    out = fn(*[Tensor(next(it)) if type(a) is Tensor else a for a in template])
    if out is None:
        return ()
    return tuple(np.asarray(o._value if isinstance(o, Tensor) else o) for o in (out if type(out) is tuple else (out,)))


host_p = Primitive("host_call", _host_impl, differentiable=False, multiple_results=True, register=False)
host_effect_p = Primitive("host_call", _host_impl, differentiable=False, multiple_results=True, register=False)
STATEFUL.update((host_p, host_effect_p))
EFFECTFUL.add(host_effect_p)


@contextlib.contextmanager
def untraced():
    """Runs its block eagerly: no tracer, tape or watcher sees the ops in it."""
    saved = (_state.tapes, _state.watchers, _state.graph)
    _state.tapes, _state.watchers, _state.graph = [], [], None
    try:
        yield
    finally:
        _state.tapes, _state.watchers, _state.graph = saved


def host_call(fn, *args, touches=()):
    """``fn(*args)``, evaluated on every call of a traced function (like ``tf.py_function``).

    For host-side scalar work that reads variables' current values with NumPy
    (optimizer coefficients, schedules): traced, it would be baked. ``fn``
    returns a Tensor, a tuple of them, or None; Tensor arguments are passed as
    the call's values; Variables are passed as they are and read by ``fn``
    when it runs. ``touches``: Variables ``fn`` assigns (the equation then
    always runs; the trace itself leaves them unchanged).
    """
    g = _state.graph
    if g is None:
        return fn(*args)
    for v in touches:
        g.root.restore.setdefault(id(v), (v, v._value))
        g.undo.setdefault(id(v), (v, v._value))
    with untraced():
        out = fn(*args)
    single = type(out) is not tuple
    outs = () if out is None else tuple(Tensor(o._value if isinstance(o, Tensor) else np.asarray(o))
                                        for o in ((out,) if single else out))
    g.add(host_effect_p if touches else host_p, [a for a in args if type(a) is Tensor], outs,
          {"fn": fn, "template": list(args)})
    if out is None:
        return None
    return outs[0] if single else outs


class tracing:
    """Context manager: ``tracer`` records everything run inside (tapes of the caller are hidden)."""

    def __init__(self, tracer):
        self.tracer = tracer

    def __enter__(self):
        self.saved = (_state.tapes, _state.watchers, _state.graph)
        self.tracer.context = self.saved[:2]
        _state.tapes, _state.watchers, _state.graph = [self.tracer], [], self.tracer
        return self.tracer

    def __exit__(self, *exc):
        _state.tapes, _state.watchers, _state.graph = self.saved
        self.tracer.context = ((), ())


# --- what Python may not do with a symbolic tensor ------------------------------------
def _name(t):
    return _state.graph.label(t)


def check_concrete(t, what):
    """Raises TF's graph-mode error when Python needs the value of symbolic ``t``."""
    g = _state.graph
    if g is None or g.lookup(t) is None:
        return
    if what == "bool":
        raise errors.OperatorNotAllowedInGraphError(
            f"Using a symbolic `tf.Tensor` ({_name(t)}) as a Python `bool` is not allowed in a traced "
            "tapegrad.function: its value is only known when the graph runs. Use tapegrad.cond (or let "
            "AutoGraph convert the `if`/`while`), or compute the condition from Python values.")
    if what == "iter":
        raise errors.OperatorNotAllowedInGraphError(
            f"Iterating over a symbolic `tf.Tensor` ({_name(t)}) is not allowed in a traced "
            "tapegrad.function. Use tapegrad.unstack, tapegrad.while_loop, or AutoGraph's `for`.")
    if what == "array":
        raise NotImplementedError(
            f"Cannot convert a symbolic tf.Tensor ({_name(t)}) to a numpy array. This error may indicate that "
            "you're trying to pass a Tensor to a NumPy call, which is not supported.")
    if what == "index":
        raise TypeError(f"A symbolic tf.Tensor ({_name(t)}) cannot be used as a Python index inside a traced "
                        "tapegrad.function: its value is only known when the graph runs.")
    if what == "numpy":
        raise AttributeError(
            f"'SymbolicTensor' object has no attribute 'numpy': {_name(t)} is a symbolic tensor inside a "
            "traced tapegrad.function. Return it from the function (or use tapegrad.print) to see its value.")
    raise TypeError(f"{what}() argument must be a concrete value, not the symbolic tensor {_name(t)} "
                    "(inside a traced tapegrad.function the value is only known when the graph runs).")


def symbolic_str(t, is_repr):
    g = _state.graph
    if g is None or g.lookup(t) is None:
        return None
    shape, dtype = str(t.shape), _dt.from_numpy(t._value.dtype).name
    if is_repr:
        return f"<tf.Tensor '{_name(t)}' shape={shape} dtype={dtype}>"
    return f'Tensor("{_name(t)}", shape={shape}, dtype={dtype})'
