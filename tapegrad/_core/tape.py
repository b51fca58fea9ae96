"""GradientTape: recording and the iterative backward pass (TF's tape.h in Python).

A tape holds a list of entries in execution order (already a topological
order) and the set of tensor ids it tracks: watched sources plus outputs of
recorded entries. An entry is ``(prim, in_ids, out_ids, saved, kept, params)``
where ``in_ids[i]`` is None for inputs the tape does not track, ``saved`` are
the inputs (or their Specs) and ``kept`` the output(s) if the rule needs them.

A rule whose inputs share work (a loop's reverse pass) can be a ``SelectiveVJP``:
the backward pass then tells it which inputs need a cotangent (those that lead
to a requested source) and which outputs have none, so that it computes no more.
"""
import enum
import warnings

import numpy as np

from . import dtypes as _dt
from . import nest
from .indexed_slices import IndexedSlices, combine
from .context import state as _state
from .dispatch import _TRAINABLE, execute
from .shape import TensorShape
from .tensor import Tensor, Variable, convert_to_tensor


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source not connected to the target."""

    NONE = "none"
    ZERO = "zero"


class SelectiveVJP:
    """A VJP rule told which inputs need a cotangent: ``rule(needed, g, out, *inputs, **params)``.

    ``needed`` is a list of bools, one per input, and for a primitive with multiple
    results ``g`` has None for the outputs that got no cotangent. Called as a plain
    rule, ``SelectiveVJP(rule)(g, out, *inputs)``, it gets ``needed=None`` (every
    input) and zeros for such outputs.
    """

    __slots__ = ("rule",)

    def __init__(self, rule):
        self.rule = rule

    def __call__(self, g, out, *inputs, **params):
        return self.rule(None, g, out, *inputs, **params)


class GradientTape:
    """Records operations for automatic differentiation.

    Args:
      persistent: if True, ``gradient`` may be called more than once.
      watch_accessed_variables: if True, trainable variables read while the
        tape is recording are watched automatically.

    >>> x = tapegrad.Variable(3.0)
    >>> with tapegrad.GradientTape() as tape:
    ...     y = x * x
    >>> print(tape.gradient(y, x))
    tapegrad.Tensor(6.0, shape=(), dtype=float32)
    """

    _forward = False  # on the tape stack beside ForwardAccumulators (True there)

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recording = False
        self._entries = None  # None: no tape yet, or consumed by a non-persistent gradient
        self._tracked = None
        self._watched = None  # id -> Variable, in watch order

    # --- context -------------------------------------------------------
    def __enter__(self):
        self._push_tape()
        return self

    def __exit__(self, typ, value, traceback):
        if self._recording:
            self._pop_tape()

    def _ensure_tape(self):
        if self._entries is None:
            self._entries = []
            self._tracked = set()
            self._watched = {}
            self._blocked = {}  # output id -> (op name, input ids) of non-differentiable ops on tracked inputs

    def _push_tape(self):
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an "
                             "already-active tape.")
        self._ensure_tape()
        _state.tapes.append(self)
        self._recording = True

    def _pop_tape(self):
        if not self._recording:
            raise ValueError("Tape is not recording.")
        unstack(self)
        self._recording = False

    # --- watching ------------------------------------------------------
    def watch(self, tensor):
        """Ensures ``tensor`` (a Tensor, Variable or any nest of them) is tracked."""
        self._ensure_tape()
        for t in nest.flatten(tensor):
            if not isinstance(t, (Tensor, Variable)):
                raise ValueError(f"Passed in object {t!r} of type {type(t).__name__!r}, not tf.Tensor or "
                                 "tf.Variable or ExtensionType.")
            if t._value.dtype not in _TRAINABLE:
                warnings.warn(f"The dtype of the watched tensor must be floating (e.g. tf.float32), "
                              f"got {t.dtype!r}", stacklevel=2)
                continue  # tracked ids are trainable only: such a tensor gets a None gradient
            if isinstance(t, Variable):
                self._watched.setdefault(t._id, t)
            self._tracked.add(t._id)

    def _variable_accessed(self, var):
        if self._watch_accessed_variables and var._trainable and var._value.dtype in _TRAINABLE:
            self._watched.setdefault(var._id, var)
            self._tracked.add(var._id)

    def watched_variables(self):
        """The variables watched by this tape, in the order they were created."""
        return tuple(sorted(self._watched.values(), key=lambda v: v._id)) if self._watched else ()

    # --- control -------------------------------------------------------
    def stop_recording(self):
        """A context manager that temporarily stops recording on this tape."""
        return _StopRecording(self)

    def reset(self):
        """Clears everything recorded so far and keeps recording (only inside the tape's context)."""
        self._pop_tape()
        self._entries = None
        self._push_tape()

    # --- differentiation -----------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """Gradient of ``target`` with respect to ``sources``.

        Args:
          target: a Tensor, Variable or nest of them; several or non-scalar
            targets mean the gradient of their sum.
          sources: a Tensor, Variable or nest of them; the result has this structure.
          output_gradients: optional cotangents, one per flattened target
            (None entries mean ones); each must have its target's dtype and
            (or broadcast to) its target's shape.
          unconnected_gradients: 'none' (default) or 'zero' for sources that the
            target does not depend on.

        Returns:
          Gradients with the structure of ``sources``; None (or zeros) where unconnected.

        Raises:
          RuntimeError: a non-persistent tape was already used.
          ValueError: an unknown ``unconnected_gradients``.
          InvalidArgumentError: an output gradient of another dtype or shape (as TF's backward ops).
          TypeError, AttributeError: a target or source that is not a Tensor or Variable (TF's types).
        """
        if self._entries is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        self._leave_context()
        unconnected = _unconnected(unconnected_gradients)
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of Tensors, Variables or "
                            "CompositeTensors to be differentiated, but received None.")
        flat_targets = [_as_target(t) for t in nest.flatten(target)]
        flat_sources = nest.flatten(sources)
        source_ids = _source_ids(flat_sources)
        seeds = _seeds(flat_targets, output_gradients)
        entries = self._entries
        if not self._persistent:
            self._entries = None
        cots = backward(entries, seeds, {i for i in source_ids if i is not None}, self._persistent)
        grads = []
        for s, sid in zip(flat_sources, source_ids):
            g = cots.get(sid) if sid is not None else None
            if g is None and unconnected is UnconnectedGradients.ZERO:
                from ..ops.array import zeros
                g = zeros(s._value.shape, dtype=s.dtype)
            grads.append(g)
        return nest.pack_sequence_as(sources, grads)

    def _leave_context(self):
        """Before differentiating: a non-persistent tape stops recording; a persistent one warns."""
        if self._recording:
            if not self._persistent:
                self._pop_tape()
            else:
                _warn_once("Calling GradientTape.gradient on a persistent tape inside its context is "
                           "significantly less efficient than calling it outside the context (it causes "
                           "the gradient ops to be recorded on the tape, leading to increased CPU and "
                           "memory usage). Only call GradientTape.gradient inside the context if you "
                           "actually want to trace the gradient in order to compute higher order derivatives.")

    def _jacobian_entries(self, what, use_pfor):
        """The record for jacobian/batch_jacobian (a non-persistent tape gives it up), with TF's checks."""
        if not use_pfor and not self._persistent:
            raise RuntimeError(f"GradientTape must be created with persistent=True to compute the {what} with "
                               "eager execution enabled and with experimental_use_pfor set to False.")
        self._leave_context()
        entries = self._entries
        if not self._persistent:
            self._entries = None
        return entries

    def _stacked_gradients(self, entries, target, seeds, sources, source_ids, use_pfor, chunk):
        """Cotangents of ``sources`` for the stacked ``seeds`` ([n] + target.shape): [n] + source.shape each.

        With ``use_pfor``, one backward pass through the batched rules per ``chunk``
        seeds; else one backward pass per seed. None for an unconnected source.
        """
        from ..ops.array import concat, stack, zeros
        from .batching import Batch
        ids = {i for i in source_ids if i is not None}
        n = seeds.shape[0]
        step = max(1, min(n, chunk or n)) if use_pfor else 1
        persistent = self._persistent or step < n
        parts = []  # (rows, cotangents): one backward pass each
        for lo in range(0, n, step):
            part = seeds[lo:lo + step]
            if use_pfor:
                cots = backward(entries, [(target._id, Tensor(part))], ids, persistent, Batch(len(part)))
            else:
                cots = backward(entries, [(target._id, Tensor(part[0]))], ids, persistent=True)
            parts.append((len(part), [_dense(cots.get(i)) if i is not None else None for i in source_ids]))
        out = []
        for j, s in enumerate(sources):
            col = [(rows, gs[j]) for rows, gs in parts]
            if not col or all(g is None for _, g in col):
                out.append(None)
                continue
            shape = s._value.shape
            if use_pfor:  # [rows] + shape per pass
                col = [zeros((rows,) + shape, dtype=s.dtype) if g is None else g for rows, g in col]
                out.append(col[0] if len(col) == 1 else concat(col, 0))
            else:
                out.append(stack([zeros(shape, dtype=s.dtype) if g is None else g for _, g in col]))
        return out

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Jacobian of ``target`` with respect to each source: shape ``target.shape + source.shape``.

        One backward pass pushes the stacked basis cotangents (one per element of
        ``target``) through batched VJP rules; a rule without a batched form runs
        once per element (with a warning). The pass is recorded by enclosing tapes,
        so Hessians come from the jacobian of a gradient.

        Args:
          target: a single Tensor or Variable (not a list).
          sources: a Tensor, Variable or nest of them; the result has this structure.
          unconnected_gradients: 'none' (default: None for an unconnected source) or 'zero'.
          parallel_iterations: at most this many rows per backward pass (bounds the memory).
          experimental_use_pfor: False: one backward pass per element of ``target``
            (needs a persistent tape, as in TF).

        Raises:
          RuntimeError: a used non-persistent tape, or ``experimental_use_pfor=False`` on a non-persistent one.
          TypeError (also an AttributeError, as TF raises): a target that is not a Tensor.

        >>> with tapegrad.GradientTape() as g:
        ...     x = tapegrad.constant([1.0, 2.0])
        ...     g.watch(x)
        ...     y = x * x
        >>> g.jacobian(y, x)   # [[2., 0.], [0., 4.]]
        """
        from ..ops.array import reshape, zeros
        if self._entries is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        t = _single_target(target, "jacobian")
        unconnected = _unconnected(unconnected_gradients)
        flat_sources = nest.flatten(sources)
        source_ids = _source_ids(flat_sources)
        entries = self._jacobian_entries("jacobian", experimental_use_pfor)
        shape, size = t._value.shape, int(t._value.size)
        seeds = np.eye(size, dtype=t._value.dtype).reshape((size,) + shape)
        cols = self._stacked_gradients(entries, t, seeds, flat_sources, source_ids, experimental_use_pfor,
                                       parallel_iterations)
        out = []
        for s, g in zip(flat_sources, cols):
            if g is None:
                if unconnected is UnconnectedGradients.ZERO or (size == 0 and source_ids):
                    g = zeros(shape + s._value.shape, dtype=s.dtype)
            else:
                g = reshape(g, shape + s._value.shape)
            out.append(g)
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: ``[b] + target.shape[1:] + source.shape[1:]``.

        Assumes example ``i`` of ``target`` depends only on example ``i`` of ``source``
        (then it is ``stack([jacobian(target[i], source[i]) for i in range(b)])``): one
        backward pass of ``prod(target.shape[1:])`` stacked cotangents. As in TF, an
        unconnected source gives zeros (of the target's dtype), whatever ``unconnected_gradients``.

        Raises:
          ValueError: target or source of rank < 2, or different first (batch) dimensions.
          RuntimeError: as ``jacobian``.
        """
        from ..ops.array import reshape, transpose, zeros
        if self._entries is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        t = _single_target(target, "batch_jacobian")
        _unconnected(unconnected_gradients)
        if not isinstance(source, (Tensor, Variable)):
            raise AttributeError(f"'{type(source).__name__}' object has no attribute 'shape': batch_jacobian's "
                                 "source must be a Tensor or Variable.")
        ys, xs = t._value.shape, source._value.shape
        for s in (ys, xs):
            if len(s) < 2:
                raise ValueError(f"Shape {TensorShape(s)} must have rank at least 2")
        if ys[0] != xs[0]:
            raise ValueError(f"Need first dimension of target shape ({TensorShape(ys)}) and source shape "
                             f"({TensorShape(xs)}) to match: it is the batch dimension.")
        source_ids = _source_ids([source])
        entries = self._jacobian_entries("batch_jacobian", experimental_use_pfor)
        b, rows = ys[0], ys[1:]
        m = int(np.prod(rows, dtype=np.int64))
        eye = np.eye(m, dtype=t._value.dtype).reshape((m, 1) + rows)
        seeds = np.ascontiguousarray(np.broadcast_to(eye, (m,) + ys))
        g = self._stacked_gradients(entries, t, seeds, [source], source_ids, experimental_use_pfor,
                                    parallel_iterations)[0]
        new_shape = (b,) + rows + xs[1:]
        if g is None:
            return zeros(new_shape, dtype=t.dtype)
        g = transpose(g, (1, 0) + tuple(range(2, g._value.ndim)))
        return reshape(g, new_shape)

    def explain(self, target, source):
        """Says in words why the gradient of ``target`` with respect to ``source`` is (or is not) None.

        Call it before ``gradient`` on a non-persistent tape (``gradient`` frees
        the record), or on a persistent tape at any time.

        >>> with tapegrad.GradientTape(persistent=True) as tape:
        ...     y = tapegrad.round(x)
        >>> print(tape.explain(y, x))   # names the non-differentiable op 'round'
        """
        return _explain(self, target, source)


def unstack(recorder):
    """Removes ``recorder`` (a tape or a ForwardAccumulator) from this thread's stack, innermost first."""
    tapes = _state.tapes
    for i in range(len(tapes) - 1, -1, -1):
        if tapes[i] is recorder:
            del tapes[i]
            break


class _StopRecording:
    def __init__(self, tape):
        self._tape = tape

    def __enter__(self):
        if self._tape._entries is None:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        self._tape._pop_tape()

    def __exit__(self, *exc):
        self._tape._push_tape()


_warned = set()


def _warn_once(msg):
    if msg not in _warned:
        _warned.add(msg)
        warnings.warn(msg, stacklevel=3)


def _unconnected(value):
    try:
        return UnconnectedGradients(value.value if isinstance(value, UnconnectedGradients) else value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}; use 'none' or 'zero' "
                         "(tapegrad.UnconnectedGradients.NONE / ZERO).") from None


def _not_a_tensor(x):
    """TF's error for a non-tensor gradient target or source: a TypeError for None and strings (taken for a
    dtype), an AttributeError for other objects."""
    if x is None or isinstance(x, (str, bytes)):
        return TypeError(f"Cannot convert the argument `type_value`: {x!r} to a TensorFlow DType. "
                         "GradientTape targets and sources must be Tensors or Variables.")
    return AttributeError(f"'{type(x).__name__}' object has no attribute '_id': GradientTape targets and sources "
                          "must be Tensors or Variables.")


def _as_target(t):
    if isinstance(t, Variable):
        return t._read()
    if not isinstance(t, Tensor):
        raise _not_a_tensor(t)
    if t._value.dtype not in _TRAINABLE:
        warnings.warn(f"The dtype of the target tensor must be floating (e.g. tf.float32) when calling "
                      f"GradientTape.gradient, got {t.dtype!r}", stacklevel=3)
    return t


def _single_target(target, what):
    if not isinstance(target, (Tensor, Variable)):
        raise AttributeError(f"'{type(target).__name__}' object has no attribute 'shape': GradientTape.{what} "
                             f"differentiates a single Tensor or Variable; for several targets, stack them or call "
                             f"{what} once per target.")
    return _as_target(target)


def _source_ids(flat_sources):
    """Tape ids of the sources; None (with a warning) for a source of a dtype that carries no gradient."""
    ids = []
    for s in flat_sources:
        if not isinstance(s, (Tensor, Variable)):
            raise _not_a_tensor(s)
        if s._value.dtype not in _TRAINABLE:
            warnings.warn(f"The dtype of the source tensor must be floating (e.g. tf.float32) when "
                          f"calling GradientTape.gradient, got {s.dtype!r}", stacklevel=3)
            ids.append(None)
        else:
            ids.append(s._id)
    return ids


def _seeds(targets, output_gradients):
    """(id, cotangent) for each target: ones, or its output gradient.

    As in TF, output gradients pair with the flattened targets in order (missing ones are ones, extra ones
    are ignored) and broadcast to their target's shape; another shape or dtype is an InvalidArgumentError.
    """
    from .. import errors
    from ..ops.array import broadcast_to, ones_like
    ogs = [] if output_gradients is None else nest.flatten(output_gradients)
    ogs = (ogs + [None] * len(targets))[:len(targets)]
    seeds = []
    for t, og in zip(targets, ogs):
        if t._value.dtype not in _TRAINABLE:
            continue
        if og is None:
            og = ones_like(t)
        else:
            og = og._read() if isinstance(og, Variable) else og
            og = og if isinstance(og, Tensor) else convert_to_tensor(og, dtype_hint=t.dtype)
            if og.dtype is not t.dtype:
                raise _dt.mismatch_error("Mul", 1, og.dtype, t.dtype, ("x", "y"),
                                         "output_gradients must have their target's dtype.")
            if og._value.shape != t._value.shape:
                try:
                    if np.broadcast_shapes(og._value.shape, t._value.shape) != t._value.shape:
                        raise ValueError
                except ValueError:
                    raise errors.InvalidArgumentError(None, "Mul", (
                        f"Incompatible shapes: {list(og._value.shape)} vs. {list(t._value.shape)} [Op:Mul]: an "
                        "output gradient must have (or broadcast to) its target's shape.")) from None
                og = broadcast_to(og, t._value.shape)
        seeds.append((t._id, og))
    return seeds


def backward(entries, seeds, source_ids, persistent, batch=None):
    """Walks ``entries`` backwards from ``seeds``; returns {tensor id: cotangent}.

    Only rules of inputs that lead to a source run. Cotangents of sources are
    kept; others are dropped once consumed; a non-persistent tape's entries are
    freed as the walk passes them. With ``batch`` (a ``batching.Batch``), every
    cotangent has a leading batch axis and the rules are the batched ones.
    """
    from ..ops.math import add_p
    n = len(entries)
    relevant = set(source_ids)
    for k in range(n):
        e = entries[k]
        if not relevant.isdisjoint(e[1]):
            relevant.update(e[2])
    relevant.discard(None)
    cots = {}
    for tid, g in seeds:
        if tid in relevant:
            prev = cots.get(tid)
            cots[tid] = g if prev is None else execute(add_p, (prev, g), {})
    for k in range(n - 1, -1, -1):
        prim, in_ids, out_ids, saved, kept, params = entries[k]
        if not persistent:
            entries[k] = None
        if prim.multiple_results:
            gs = [cots.get(o) if o in source_ids else cots.pop(o, None) for o in out_ids]
            if all(g is None for g in gs):
                continue
            if batch is None and type(prim.vjp) is SelectiveVJP:
                g = tuple(gs)
            else:
                zeros = _zeros_for if batch is None else batch.zeros
                g = tuple(zeros(kept[i]) if gi is None else gi for i, gi in enumerate(gs))
        else:
            oid = out_ids[0]
            g = cots.get(oid) if oid in source_ids else cots.pop(oid, None)
            if g is None:
                continue
        if type(g) is IndexedSlices:
            g = g._as_tensor()
        elif type(g) is tuple and any(type(gi) is IndexedSlices for gi in g):
            g = tuple(gi._as_tensor() if type(gi) is IndexedSlices else gi for gi in g)
        rules = prim.vjp
        if rules is None:
            raise LookupError(f"No gradient defined for operation '{prim.name}'. Register one with "
                              f"tapegrad.RegisterGradient('{prim.name}'), or mark the op with "
                              f"tapegrad.no_gradient('{prim.name}') if it has none.")
        if batch is not None:
            rules = batch.rules(prim)
        if type(rules) is tuple:
            grads = [rules[i](g, kept, *saved, **params) if iid in relevant and rules[i] is not None else None
                     for i, iid in enumerate(in_ids)]
        elif relevant.isdisjoint(in_ids):
            continue
        elif type(rules) is SelectiveVJP:
            grads = rules.rule([iid in relevant for iid in in_ids], g, kept, *saved, **params)
        else:
            grads = rules(g, kept, *saved, **params)
        for iid, gi, x in zip(in_ids, grads, saved):
            if gi is None or iid not in relevant:
                continue
            prev = cots.get(iid)
            if type(gi) is IndexedSlices:
                cots[iid] = gi if prev is None else combine(prev, gi)
                continue
            shape = x._value.shape if type(x) is Tensor else x.shape
            if batch is not None:
                gi = batch.unbroadcast(gi, shape)
            elif gi._value.shape != shape:
                gi = _unbroadcast(gi, shape)
            if prev is None:
                cots[iid] = gi
            else:
                cots[iid] = execute(add_p, (prev, gi), {}) if type(prev) is Tensor else combine(prev, gi)
    return cots


def _dense(g):
    return g._as_tensor() if type(g) is IndexedSlices else g


def _zeros_for(x):
    from ..ops.array import zeros
    return zeros(x._value.shape if type(x) is Tensor else x.shape, dtype=x.dtype)


def _unbroadcast(g, shape):
    """Sums a broadcast cotangent back to ``shape``."""
    from ..ops.array import reshape
    from ..ops.reduce import reduce_sum
    gshape = g._value.shape
    lead = len(gshape) - len(shape)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and gshape[lead + i] != 1]
    if axes:
        g = reduce_sum(g, axis=axes)
    return reshape(g, shape) if g._value.shape != shape else g


def _explain(tape, target, source):
    name = getattr(source, "name", None) if isinstance(source, Variable) else None
    what = f"variable {name!r}" if name else "the source"
    if not isinstance(source, (Tensor, Variable)) or not isinstance(target, (Tensor, Variable)):
        return "target and source must be Tensors or Variables."
    if source._value.dtype not in _TRAINABLE:
        return (f"{what} has dtype {source.dtype.name}: only floating and complex tensors carry gradients. "
                "Cast it to a float dtype before the computation.")
    if target._value.dtype not in _TRAINABLE:
        return (f"the target has dtype {target.dtype.name}: gradients flow only into floating and complex "
                "targets (an int cast, argmax or comparison produced it).")
    if tape._entries is None:
        return ("this tape's record is gone (a non-persistent tape frees it in gradient()); call explain "
                "before gradient, or use GradientTape(persistent=True).")
    if source._id not in tape._tracked:
        if isinstance(source, Variable) and not source.trainable:
            return f"{what} has trainable=False, so the tape does not watch it: call tape.watch(v)."
        if isinstance(source, Variable) and not tape._watch_accessed_variables:
            return f"{what} is not watched (watch_accessed_variables=False): call tape.watch(v)."
        return (f"{what} is not watched by this tape: watch it with tape.watch(x) (tensors are not watched "
                "automatically), or use a trainable tf.Variable read inside the tape's `with` block.")
    producers = {}
    for entry in tape._entries:
        for oid in entry[2]:
            producers[oid] = (None, entry[1])
    producers.update(tape._blocked)
    blocked_by = _find_path(producers, target._id, source._id)
    if blocked_by is None:
        return ("the target does not depend on the source in this tape's record: it was computed before "
                "the source was watched, outside the `with` block or in stop_recording(), or it does not "
                "use the source at all.")
    if blocked_by:
        ops = ", ".join(sorted(set(blocked_by)))
        return (f"every path from {what} to the target goes through a non-differentiable op ({ops}); the "
                "gradient there is None, as in TensorFlow. Use a differentiable formulation, "
                "tapegrad.grad_pass_through (straight-through) or a custom_gradient.")
    return f"the target is connected to {what} through differentiable ops: its gradient is not None."


def _find_path(producers, target_id, source_id):
    """Non-differentiable op names on a path target <- source (preferring a clean path); None if none."""
    best = {target_id: ()}
    stack = [target_id]
    found = None
    while stack:
        tid = stack.pop()
        blocked = best[tid]
        if tid == source_id:
            if not blocked:
                return []
            found = list(blocked) if found is None else found
            continue
        op_name, in_ids = producers.get(tid, (None, ()))
        nxt = blocked + ((op_name,) if op_name is not None else ())
        for iid in in_ids:
            if iid is not None and (iid not in best or len(nxt) < len(best[iid])):
                best[iid] = nxt
                stack.append(iid)
    return found
