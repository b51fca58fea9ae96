"""GradientTape: recording and the iterative backward pass (TF's tape.h in Python).

A tape holds a list of entries in execution order (already a topological
order) and the set of tensor ids it tracks: watched sources plus outputs of
recorded entries. An entry is ``(prim, in_ids, out_ids, saved, kept, params)``
where ``in_ids[i]`` is None for inputs the tape does not track, ``saved`` are
the inputs (or their Specs) and ``kept`` the output(s) if the rule needs them.
"""
import enum
import warnings

import numpy as np

from . import nest
from .indexed_slices import IndexedSlices, combine
from .context import state as _state
from .dispatch import _TRAINABLE, execute
from .tensor import Tensor, Variable, convert_to_tensor


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source not connected to the target."""

    NONE = "none"
    ZERO = "zero"


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
        tapes = _state.tapes
        for i in range(len(tapes) - 1, -1, -1):
            if tapes[i] is self:
                del tapes[i]
                break
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
            (None entries mean ones); shapes and dtypes must match the targets.
          unconnected_gradients: 'none' (default) or 'zero' for sources that the
            target does not depend on.

        Returns:
          Gradients with the structure of ``sources``; None (or zeros) where unconnected.

        Raises:
          RuntimeError: a non-persistent tape was already used.
          ValueError: malformed ``output_gradients`` or ``unconnected_gradients``.
        """
        if self._entries is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        if self._recording:
            if not self._persistent:
                self._pop_tape()
            else:
                _warn_once("Calling GradientTape.gradient on a persistent tape inside its context is "
                           "significantly less efficient than calling it outside the context (it causes "
                           "the gradient ops to be recorded on the tape, leading to increased CPU and "
                           "memory usage). Only call GradientTape.gradient inside the context if you "
                           "actually want to trace the gradient in order to compute higher order derivatives.")
        unconnected = _unconnected(unconnected_gradients)
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of Tensors, Variables or "
                            "CompositeTensors to be differentiated, but received None.")
        flat_targets = [_as_target(t) for t in nest.flatten(target)]
        flat_sources = nest.flatten(sources)
        source_ids = []
        for s in flat_sources:
            if not isinstance(s, (Tensor, Variable)):
                raise ValueError(f"GradientTape.gradient sources must be Tensors or Variables, got {s!r} "
                                 f"of type {type(s).__name__}.")
            if s._value.dtype not in _TRAINABLE:
                warnings.warn(f"The dtype of the source tensor must be floating (e.g. tf.float32) when "
                              f"calling GradientTape.gradient, got {s.dtype!r}", stacklevel=2)
                source_ids.append(None)
            else:
                source_ids.append(s._id)
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


    def _rows(self, target, sources, seeds_np):
        """One backward pass per seed (a NumPy cotangent for ``target``); rows[i][j] for source j."""
        if self._entries is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")
        if self._recording and not self._persistent:
            self._pop_tape()
        target = _as_target(target)
        ids = {s._id for s in sources}
        entries = self._entries
        rows = []
        for seed in seeds_np:
            cots = backward(entries, [(target._id, Tensor(seed))], ids, persistent=True)
            rows.append([_dense(cots.get(s._id)) for s in sources])
        if not self._persistent:
            self._entries = None
        return rows

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Jacobian of ``target`` with respect to each source: shape ``target.shape + source.shape``.

        Computed with one backward pass per element of ``target`` (recorded by an
        enclosing tape, so Hessians come from the jacobian of a gradient).
        """
        from ..ops.array import reshape, stack, zeros
        unconnected = _unconnected(unconnected_gradients)
        flat_sources = nest.flatten(sources)
        t = _as_target(target)
        shape, np_dtype = t._value.shape, t._value.dtype
        size = int(t._value.size)
        seeds = (np.eye(size, dtype=np_dtype)[i].reshape(shape) for i in range(size))
        rows = self._rows(t, flat_sources, seeds)
        out = []
        for j, s in enumerate(flat_sources):
            col = [r[j] for r in rows]
            if all(g is None for g in col) and unconnected is UnconnectedGradients.NONE:
                out.append(None)
                continue
            col = [zeros(s._value.shape, dtype=s.dtype) if g is None else g for g in col]
            full = stack(col) if col else zeros((0,) + s._value.shape, dtype=s.dtype)
            out.append(reshape(full, shape + s._value.shape))
        return nest.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: ``[b] + target.shape[1:] + source.shape[1:]``.

        Assumes example ``i`` of ``target`` depends only on example ``i`` of ``source``.
        """
        from ..ops.array import reshape, stack, zeros
        _unconnected(unconnected_gradients)
        t = _as_target(target)
        ys, xs = t._value.shape, source._value.shape
        if not ys or not xs or ys[0] != xs[0]:
            raise ValueError(f"batch_jacobian needs target and source with the same leading (batch) "
                             f"dimension; got target shape {t.shape} and source shape {source.shape}.")
        b, m = ys[0], int(np.prod(ys[1:], dtype=np.int64))
        seeds = (np.eye(m, dtype=t._value.dtype)[np.zeros(b, dtype=int) + i].reshape(ys) for i in range(m))
        col = [r[0] for r in self._rows(t, [source], seeds)]
        if all(g is None for g in col):
            return zeros((b,) + ys[1:] + xs[1:], dtype=source.dtype)
        col = [zeros(xs, dtype=source.dtype) if g is None else g for g in col]
        return reshape(stack(col, axis=1), (b,) + ys[1:] + xs[1:])


    def explain(self, target, source):
        """Says in words why the gradient of ``target`` with respect to ``source`` is (or is not) None.

        Call it before ``gradient`` on a non-persistent tape (``gradient`` frees
        the record), or on a persistent tape at any time.

        >>> with tapegrad.GradientTape(persistent=True) as tape:
        ...     y = tapegrad.round(x)
        >>> print(tape.explain(y, x))   # names the non-differentiable op 'round'
        """
        return _explain(self, target, source)


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


def _as_target(t):
    if isinstance(t, Variable):
        return t._read()
    if not isinstance(t, Tensor):
        raise ValueError(f"GradientTape.gradient target must be a Tensor or Variable, got {t!r} of type "
                         f"{type(t).__name__}.")
    if t._value.dtype not in _TRAINABLE:
        warnings.warn(f"The dtype of the target tensor must be floating (e.g. tf.float32) when calling "
                      f"GradientTape.gradient, got {t.dtype!r}", stacklevel=3)
    return t


def _seeds(targets, output_gradients):
    """(id, cotangent) for each target: ones, or the validated output gradient."""
    from ..ops.array import ones_like
    if output_gradients is None:
        ogs = [None] * len(targets)
    else:
        ogs = nest.flatten(output_gradients)
        if len(ogs) != len(targets):
            raise ValueError(f"output_gradients has {len(ogs)} entries but target has {len(targets)}: "
                             "pass one per (flattened) target, or None for ones.")
    seeds = []
    for k, (t, og) in enumerate(zip(targets, ogs)):
        if t._value.dtype not in _TRAINABLE:
            continue
        if og is None:
            og = ones_like(t)
        else:
            try:
                og = convert_to_tensor(og, dtype=t.dtype)
            except (TypeError, ValueError) as e:
                raise ValueError(f"output_gradients[{k}] must have the target's dtype {t.dtype.name}: {e}") from None
            if og._value.shape != t._value.shape:
                raise ValueError(f"output_gradients[{k}] has shape {og.shape} but target {k} has shape "
                                 f"{t.shape}; they must be equal.")
        seeds.append((t._id, og))
    return seeds


def backward(entries, seeds, source_ids, persistent):
    """Walks ``entries`` backwards from ``seeds``; returns {tensor id: cotangent}.

    Only rules of inputs that lead to a source run. Cotangents of sources are
    kept; others are dropped once consumed; a non-persistent tape's entries are
    freed as the walk passes them.
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
            g = tuple(_zeros_for(kept[i]) if gi is None else gi for i, gi in enumerate(gs))
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
        if type(rules) is tuple:
            grads = [rules[i](g, kept, *saved, **params) if iid in relevant and rules[i] is not None else None
                     for i, iid in enumerate(in_ids)]
        elif relevant.isdisjoint(in_ids):
            continue
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
            if gi._value.shape != shape:
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
