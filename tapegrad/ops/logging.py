"""tapegrad.print: TF's formatting of tensors (summarized, %g floats)."""
import sys

import numpy as np

from .._core import nest
from .._core.context import state as _state
from .._core.primitive import Primitive
from .._core.tensor import Tensor, Variable, convert_to_tensor
from ..graph.tracer import EFFECTFUL, STATEFUL


def _format_array(a, summarize, indent=1):
    if a.ndim == 0:
        v = a[()]
        if a.dtype.kind == "b":
            return "1" if v else "0"
        if a.dtype.kind == "f" or a.dtype.kind == "V":
            return format(float(v), "g")
        return str(v)
    n = a.shape[0]
    if summarize is not None and summarize >= 0 and n > 2 * summarize:
        idx = list(range(summarize)) + [None] + list(range(n - summarize, n))
    else:
        idx = list(range(n))
    parts = ["..." if i is None else _format_array(a[i], summarize, indent + 1) for i in idx]
    sep = " " if a.ndim == 1 else "\n" + " " * indent
    return "[" + sep.join(parts) + "]"


def _format(x, summarize):
    if isinstance(x, (Tensor, Variable)):
        return _format_array(np.asarray(x._value), summarize)
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_format(v, summarize)}" for k, v in x.items()) + "}"
    if isinstance(x, (list, tuple)) and any(isinstance(v, (Tensor, Variable)) for v in nest.flatten(x)):
        inner = ", ".join(_format(v, summarize) for v in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    return str(x)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """Prints tensors (and other values) like ``tf.print``: to stderr by default, summarized.

    ``summarize`` is the number of leading and trailing elements kept per
    dimension (-1 or None for all). ``output_stream``: ``sys.stderr`` (the
    default), ``sys.stdout`` or any object with a ``write`` method. As in TF,
    ``sys.stdout``/``sys.stderr`` name a stream: the text goes to whichever
    object ``sys.stdout`` is when it is written, also from a function traced
    earlier. TF's kernel writes to file descriptor 1 or 2 instead; writing to
    Python's objects keeps the order with ``print`` and also reaches notebooks
    and ``contextlib.redirect_stdout``, which TF's output bypasses.
    """
    stream = output_stream
    if stream is None or stream is sys.stderr:
        stream = _STDERR
    elif stream is sys.stdout:
        stream = _STDOUT
    if _state.graph is not None:  # inside a traced function: print on every call, not at trace time
        flat = nest.flatten(list(inputs))
        tensors = [convert_to_tensor(x) for x in flat if isinstance(x, (Tensor, Variable))]
        _state.graph.add(_print_p, tensors, (), {"template": list(inputs), "options": (
            stream, summarize, sep, end)})
        return None
    _write(inputs, stream, summarize, sep, end)


_STDOUT, _STDERR = "stdout", "stderr"  # the current sys.stdout / sys.stderr when the text is written


def _write(inputs, stream, summarize, sep, end):
    stream = sys.stdout if stream is _STDOUT else sys.stderr if stream is _STDERR else stream
    if summarize is not None and summarize < 0:
        summarize = None
    stream.write(sep.join(_format(x, summarize) for x in inputs) + end)


def _print_impl(*arrays, template, options):
    it = iter(arrays)
    flat = [Tensor(next(it)) if isinstance(x, (Tensor, Variable)) else x for x in nest.flatten(template)]
    output_stream, summarize, sep, end = options
    _write(nest.pack_sequence_as(template, flat), output_stream, summarize, sep, end)
    return ()


_print_p = Primitive("print", _print_impl, differentiable=False, multiple_results=True, register=False)
EFFECTFUL.add(_print_p)
STATEFUL.add(_print_p)

__all__ = ["print"]
