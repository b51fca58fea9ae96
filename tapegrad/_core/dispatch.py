"""execute(): the single choke point every op goes through.

1. while a ``function`` is traced, the tracer sits at the bottom of the tape
   stack, so ``_record`` hands it every op (tapegrad/graph/tracer.py);
2. run the backend kernel, turning kernel failures into InvalidArgumentError
   that names the op, the shapes and the dtypes;
3. if a tape is recording, let each recording tape that tracks an input of a
   trainable dtype append an entry, and each forward accumulator (on the same
   stack) compute the outputs' tangents. With neither, this costs one check.
"""
import numpy as np

from .. import errors
from . import dtypes as _dt
from .context import state as _state
from .primitive import Spec
from .tensor import Tensor

_TRAINABLE = frozenset(np.dtype(d) for d in ("float16", "float32", "float64", "complex64", "complex128"))
if _dt.bfloat16 is not None:
    _TRAINABLE = _TRAINABLE | {_dt.bfloat16._np}


def execute(prim, inputs, params):
    """Runs ``prim`` on a tuple of Tensors; returns a Tensor (a tuple if multiple_results)."""
    if prim.kinds is not None and _KIND[inputs[0]._value.dtype] not in prim.kinds:
        raise _no_kernel(prim, inputs[0])
    try:
        n = 0 if params else len(inputs)
        if n == 2:  # direct calls: building the argument list costs 5x the kernel on scalars
            out = prim.impl(inputs[0]._value, inputs[1]._value)
        elif n == 1:
            out = prim.impl(inputs[0]._value)
        else:
            out = prim.impl(*[t._value for t in inputs], **params)
    except errors.OpError:
        raise
    except Exception as e:  # a kernel's own failure: say which op, on what
        raise _kernel_error(prim, inputs, params, e) from e
    if prim.multiple_results:
        outs = tuple(Tensor(o) for o in out)
        if _state.tapes:
            _record(prim, inputs, outs, params, outs)
        return outs
    out = Tensor(out)
    if _state.tapes:
        _record(prim, inputs, (out,), params, out)
    return out


def _no_kernel(prim, x):
    dt = _dt.from_numpy(x._value.dtype)
    allowed = ", ".join(d.name for d in _dt._NP.values() if d._kind in prim.kinds)
    return errors.InvalidArgumentError(None, prim.name, (
        f"Value for attr 'T' of {dt.name} is not in the list of allowed values: {allowed}. "
        f"Cast the input with tapegrad.cast first. [Op:{prim.name}]"))


def describe(inputs):
    """'float32[2, 3], int32[]' for error messages."""
    return ", ".join(f"{_dt.from_numpy(t._value.dtype).name}{list(t._value.shape)}" for t in inputs)


def _kernel_error(prim, inputs, params, exc):
    desc = describe(inputs)
    extra = "".join(f", {k}={v!r}" for k, v in params.items())
    return errors.InvalidArgumentError(None, prim.name, (
        f"{prim.name} failed on inputs ({desc}{extra}): {exc} [Op:{prim.name}]"))


_KIND_NAMES = {"f": "floating", "c": "complex", "i": "signed integer", "u": "unsigned integer", "b": "bool"}
_KIND = {np_dtype: dt._kind for np_dtype, dt in _dt._NP.items()}


def _record(prim, inputs, outs, params, out):
    """Appends an entry to every recording tape that tracks one of ``inputs``.

    Tapes track only trainable (float/complex) tensors, so a tracked input
    always carries gradient; outputs of other dtypes are not tracked. Where a
    tracked tensor enters a non-differentiable op (or one whose outputs cannot
    carry gradient), the tape notes it in ``_blocked`` for ``explain``.
    """
    entry = None
    graph = _state.graph
    for tape in _state.tapes:
        if tape is graph:
            graph.add(prim, inputs, outs, params)
            continue
        if tape._forward:  # a ForwardAccumulator: computes the outputs' tangents (forwardprop.py)
            tape._accumulate(prim, inputs, outs, params)
            continue
        tracked = tape._tracked
        in_ids = [t._id if t._id in tracked else None for t in inputs]
        if in_ids.count(None) == len(in_ids):
            blocked = tape._blocked
            if blocked and any(t._id in blocked for t in inputs):  # downstream of a blocked op
                for o in outs:
                    blocked[o._id] = (None, [t._id for t in inputs if t._id in blocked])
            continue
        if not prim.differentiable or (out._value.dtype not in _TRAINABLE if not prim.multiple_results
                                       else all(o._value.dtype not in _TRAINABLE for o in outs)):
            for o in outs:
                tape._blocked[o._id] = (prim.name, in_ids)
            continue
        if entry is None:
            if prim.multiple_results:
                out_ids = [o._id if o._value.dtype in _TRAINABLE else None for o in outs]
                kept = out if prim.save_output else tuple([Spec(o._value.shape, o._value.dtype) for o in outs])
            else:
                out_ids = (out._id,)
                kept = out if prim.save_output else None
            saved = inputs if prim.save_inputs else tuple([Spec(t._value.shape, t._value.dtype) for t in inputs])
            entry = (prim, in_ids, out_ids, saved, kept, params)
        elif in_ids != entry[1]:
            entry = (prim, in_ids) + entry[2:]
        tracked.update(out_ids)  # a None among them is harmless: no tensor has id None
        tape._entries.append(entry)
