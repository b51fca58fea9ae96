"""tapegrad.debugging: numeric checks with provenance, and TF's assertions.

``enable_check_numerics()`` wraps every registered primitive's kernel, so the
first op that turns finite inputs into NaN/Inf raises at that op, forward or
backward (rules run the same primitives), naming the op, its inputs and which
of them were already non-finite. Disabled, it costs nothing.
"""
import numpy as np

from .. import errors
from .._core.primitive import REGISTRY
from ..graph.tracer import deferred_check
from ._util import dtype_of, tensor

_ORIGINAL = {}  # primitive -> its unchecked kernel while checks are on


def _count_bad(a):
    a = np.asarray(a)
    if a.dtype.kind not in "fcV":
        return ""
    a = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    parts = []
    for label, mask in (("NaN", np.isnan(a)), ("+Inf", np.isposinf(a.real)), ("-Inf", np.isneginf(a.real))):
        n = int(mask.sum())
        if n:
            parts.append(f"{n} {label}")
    return ", ".join(parts)


def _checked(prim, kernel):
    def run(*arrays, **params):
        out = kernel(*arrays, **params)
        outs = out if prim.multiple_results else (out,)
        for k, o in enumerate(outs):
            bad = _count_bad(o)
            if bad:
                ins = "\n".join(f"    input {i}: {_describe(a)}" + (f"  <- already had {b}" if (b := _count_bad(a)) else "")
                                for i, a in enumerate(arrays))
                origin = ("This op is where the non-finite values first appear (its inputs are finite)."
                          if not any(_count_bad(a) for a in arrays) else
                          "An input was already non-finite: an earlier op produced it.")
                raise errors.InvalidArgumentError(None, prim.name, (
                    f"\n\n!!! Detected Infinity or NaN in output {k} of eagerly-executing op \"{prim.name}\" "
                    f"(# of outputs: {len(outs)}) !!!\n  output: {_describe(o)}: {bad}\n{ins}\n  {origin}\n"
                    f" : Tensor had non-finite values [Op:{prim.name}]"))
        return out
    return run


def _describe(a):
    a = np.asarray(a)
    return f"{a.dtype.name}{list(a.shape)}"


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Raise InvalidArgumentError at the first op (forward or backward) producing NaN or Inf."""
    for prim in REGISTRY.values():
        if prim not in _ORIGINAL and prim.impl is not None:
            _ORIGINAL[prim] = prim.impl
            prim.impl = _checked(prim, prim.impl)


def disable_check_numerics():
    """Undo ``enable_check_numerics``."""
    for prim, kernel in _ORIGINAL.items():
        prim.impl = kernel
    _ORIGINAL.clear()


def check_numerics(tensor_, message, name=None):
    """Returns ``tensor_`` unchanged; InvalidArgumentError if it holds NaN or Inf."""
    t = tensor(tensor_)
    if deferred_check(lambda a: check_numerics(a, message), t):
        return t
    bad = _count_bad(t._value)
    if bad:
        kind = "NaN" if "NaN" in bad else "Inf"
        raise errors.InvalidArgumentError(None, "CheckNumerics",
                                          f"{message} : Tensor had {kind} values [Op:CheckNumerics]")
    return t


def assert_all_finite(t, msg, name=None, x=None, message=None):
    """``check_numerics`` under TF's assertion name."""
    return check_numerics(t if x is None else x, msg if message is None else message)


def _values(x, y):
    return np.asarray(tensor(x)._value), np.asarray(tensor(y)._value)


def _assert_elementwise(x, y, holds, symbol, message, summarize):
    if deferred_check(lambda a, b: _assert_elementwise(a, b, holds, symbol, message, summarize), x, y):
        return None
    a, b = _values(x, y)
    try:
        ok = holds(a, b)
    except ValueError:
        raise ValueError(f"Shapes {list(a.shape)} and {list(b.shape)} are incompatible") from None
    if np.all(ok):
        return None
    bad = np.argwhere(~np.broadcast_to(ok, np.broadcast_shapes(a.shape, b.shape)))
    n = summarize or 3
    ab, bb = np.broadcast_arrays(a, b)
    lines = [message] if message else []
    lines += [f"Condition x {symbol} y did not hold.", f"Indices of first {min(len(bad), n)} different values:",
              str(bad[:n]), "Corresponding x values:", str(ab[tuple(bad[:n].T)]), "Corresponding y values:",
              str(bb[tuple(bad[:n].T)]), f"First {min(a.size, n)} elements of x:", str(a.reshape(-1)[:n]),
              f"First {min(b.size, n)} elements of y:", str(b.reshape(-1)[:n])]
    raise errors.InvalidArgumentError(None, "assert", "\n".join(lines))


def assert_equal(x, y, message=None, summarize=None, name=None):
    """InvalidArgumentError unless x == y elementwise (with broadcasting)."""
    return _assert_elementwise(x, y, np.equal, "==", message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    return _assert_elementwise(x, y, np.not_equal, "!=", message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    return _assert_elementwise(x, y, np.less, "<", message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    return _assert_elementwise(x, y, np.less_equal, "<=", message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    return _assert_elementwise(x, y, np.greater, ">", message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    return _assert_elementwise(x, y, np.greater_equal, ">=", message, summarize)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """InvalidArgumentError unless |x - y| <= atol + rtol * |y| (defaults: 10 * eps of the dtype)."""
    x = tensor(x)
    eps = float(np.finfo(np.float64 if dtype_of(x).name == "float64" else np.float32).eps)
    rtol = 10 * eps if rtol is None else float(rtol)
    atol = 10 * eps if atol is None else float(atol)
    if deferred_check(lambda a, b: assert_near(a, b, rtol, atol, message, summarize), x, y):
        return None
    a, b = _values(x, y)
    if np.all(np.abs(a - b) <= atol + rtol * np.abs(b)):
        return None
    raise errors.InvalidArgumentError(None, "assert_near", (
        (message + "\n" if message else "") +
        f"x and y not equal to tolerance rtol = {rtol:g}, atol = {atol:g}\n"
        f"x (shape={tuple(a.shape)} dtype={dtype_of(x).name}) = {a}\ny (shape={tuple(b.shape)}) = {b}"))


def assert_rank(x, rank, message=None, name=None):
    """ValueError unless ``x`` has the given rank."""
    x = tensor(x)
    if x.ndim != int(rank):
        raise ValueError(f"{message or ''}Tensor must have rank {int(rank)}.  Received rank {x.ndim}, "
                         f"shape {tuple(x._value.shape)}")


def assert_type(tensor_, tf_type, message=None, name=None):
    """TypeError unless the tensor's dtype is ``tf_type``."""
    t = tensor(tensor_)
    if t.dtype != tf_type:
        raise TypeError(f"{message or ''}: tensor has dtype {t.dtype.name}, expected {tf_type!r}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Checks symbolic shape constraints: ``[(x, ('N', 3)), (y, ('N',))]`` with consistent symbols."""
    sizes = {}
    for x, spec in shapes:
        shape = tuple(tensor(x)._value.shape)
        spec = tuple(spec)
        if len(spec) != len(shape):
            raise ValueError(f"{message or ''}Specified by tensor {_describe(tensor(x)._value)} dimension count "
                             f"{len(shape)} does not match {len(spec)} in spec {spec}")
        for d, s in zip(shape, spec):
            if isinstance(s, int):
                if d != s:
                    raise ValueError(f"{message or ''}Shape {shape} does not match spec {spec}")
            elif sizes.setdefault(s, d) != d:
                raise ValueError(f"{message or ''}Dimension {s!r} is {sizes[s]} in one tensor and {d} in another "
                                 f"(shape {shape}, spec {spec})")


__all__ = ["enable_check_numerics", "disable_check_numerics", "check_numerics", "assert_all_finite",
           "assert_equal", "assert_none_equal", "assert_less", "assert_less_equal", "assert_greater",
           "assert_greater_equal", "assert_near", "assert_rank", "assert_type", "assert_shapes"]
