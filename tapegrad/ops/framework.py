"""Framework-level names of TF 2: eager queries, scopes, devices, assertions, case, py_function/numpy_function,
recompute_grad, the TF1 gradient entry points (which TF 2 refuses eagerly), initializers and enums.
"""
import contextlib
import enum
import re
import threading

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core import nest
from .._core.context import state as _state
from .._core.custom_gradient import custom_gradient
from .._core.indexed_slices import IndexedSlices
from .._core.tensor import Tensor, Variable, constant, convert_to_tensor
from ..graph.tracer import host_call, is_symbolic, value_check


# --- eager queries ------------------------------------------------------------------
def executing_eagerly():
    """True unless a ``tapegrad.function`` is being traced."""
    return _state.graph is None


def is_tensor(x):
    """Whether ``x`` is a tapegrad tensor-like object (Tensor, Variable or IndexedSlices), not a NumPy array."""
    return isinstance(x, (Tensor, Variable, IndexedSlices))


def get_static_value(tensor, partial=False):
    """The NumPy value of an eager Tensor; None for a Variable or a symbolic tensor; non-tensors unchanged."""
    if not is_tensor(tensor):
        return tensor
    if isinstance(tensor, (Variable, IndexedSlices)) or not isinstance(tensor._value, (np.ndarray, np.generic)) \
            or is_symbolic(tensor):
        return None
    return np.asarray(tensor._value).copy()


def no_op(name=None):
    """Does nothing (TF's graph no-op; None eagerly)."""
    return None


def group(*inputs, **kwargs):
    """Groups ops for graph execution; eagerly every input has already run, so it returns None."""
    return None


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """Orders ops in a graph; eagerly ops run in program order, so only callables in ``control_inputs`` run."""
    for c in control_inputs or ():
        if callable(c):
            c()
    yield None


# --- name scopes --------------------------------------------------------------------
class _Scopes(threading.local):
    def __init__(self):
        self.stack = [""]


_scopes = _Scopes()


class name_scope:  # noqa: N801 - TF's public name
    """A context manager naming ops; entering it returns the full scope, e.g. ``'outer/inner/'``.

    A name ending in ``/`` is taken as an absolute scope and ``''`` resets to the root.
    """

    def __init__(self, name):
        if not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        self._name = name

    @property
    def name(self):
        return self._name

    def __enter__(self):
        name = self._name
        if not name or name.endswith("/"):
            scope = name
        else:
            scope = _scopes.stack[-1] + name + "/"
        _scopes.stack.append(scope)
        return scope

    def __exit__(self, *exc):
        _scopes.stack.pop()
        return False


def get_current_name_scope():
    """The current name scope without its trailing ``/`` (``''`` at the root)."""
    return _scopes.stack[-1].rstrip("/") if _scopes.stack[-1] != "/" else ""


# --- devices ----------------------------------------------------------------------------
_DEVICE_PART = re.compile(r"^(job:[^/]+|replica:\d+|task:\d+|(device:)?[A-Za-z_]+:(\d+|\*))$")


class _Devices(threading.local):
    def __init__(self):
        self.stack = []


_devices = _Devices()


@contextlib.contextmanager
def device(device_name):
    """Places ops on ``device_name`` ('/CPU:0', '/GPU:0', ...) with soft placement.

    tapegrad computes with NumPy, so every op runs on the CPU, which is what TF's soft placement does
    for a device that does not exist; a malformed name is a ValueError, as in TF.
    """
    if callable(device_name):
        raise RuntimeError("tf.device does not support functions when eager execution is enabled.")
    if device_name is not None and not isinstance(device_name, str):
        raise TypeError(f"device_name must be a string or None, got {device_name!r}")
    for part in (device_name or "").split("/"):
        if part and not _DEVICE_PART.match(part):
            raise ValueError(f"Unknown attribute '{part}' is encountered while parsing the device spec: "
                             f"'{device_name}'.")
    _devices.stack.append(device_name or "")
    try:
        yield None
    finally:
        _devices.stack.pop()


# --- case ---------------------------------------------------------------
def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Calls the function of the first pair whose predicate is true, else ``default()``.

    Without a default, no true predicate is an InvalidArgumentError, as in TF. While a ``function`` is
    traced, symbolic predicates make it a chain of ``cond``s (TF's graph ``case``).
    """
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    if not isinstance(pred_fn_pairs, (list, tuple)):
        raise TypeError("pred_fn_pairs must be a list or tuple of (predicate, function) pairs")
    preds = []
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in pred_fn_pairs must be a 2-tuple, got {pair!r}")
        pred, fn = pair
        if not callable(fn):
            raise TypeError("fn for pred %s must be callable." % getattr(pred, "name", pred))
        p = pred if is_tensor(pred) else convert_to_tensor(pred)
        if p.dtype != _dt.bool:
            raise TypeError(f"pred must be Tensor of type bool: {p}")
        preds.append(p)
    fns = [fn for _, fn in pred_fn_pairs]
    if any(is_symbolic(p) for p in preds):
        return _graph_case(preds, fns, default)
    for p, fn in zip(preds, fns):
        if bool(p):
            return fn()
    if default is not None:
        return default()
    _none_true([p._value for p in preds])


def _none_true(values):
    from .asserts import _tf_str
    raise errors.InvalidArgumentError(None, "Assert", (
        f"Expected '{_tf_str(convert_to_tensor(False))}' to be true. Summarized data: b'Input error: None of "
        "conditions evaluated as True:'\n" + ", ".join(str(bool(v)) for v in values)))


def _graph_case(preds, fns, default):
    """``case`` on symbolic predicates: nested conds; without a default, TF's: the last function, asserting that
    its predicate holds when the graph runs."""
    from .control_flow import cond
    if default is None:
        every, last = list(preds), fns[-1]

        def default():
            value_check(lambda *vs: None if vs[-1] else _none_true(vs), *every)
            return last()
        preds, fns = preds[:-1], fns[:-1]
    branch = default
    for p, fn in reversed(list(zip(preds, fns))):
        branch = (lambda p, fn, rest: lambda: cond(p, fn, rest))(p, fn, branch)
    return branch()


# --- TF1 gradients -------------------------------------------------------------------------
_NO_GRADIENTS = "tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead."


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False, aggregation_method=None,
              stop_gradients=None, unconnected_gradients="none"):
    """TF 1's symbolic gradients: a RuntimeError in TF 2's eager mode (use GradientTape)."""
    raise RuntimeError(_NO_GRADIENTS)


def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    """TF 1's symbolic Hessians: a RuntimeError in TF 2's eager mode (use nested GradientTapes)."""
    raise RuntimeError(_NO_GRADIENTS)


@contextlib.contextmanager
def _tapes_paused():
    saved = list(_state.tapes)
    del _state.tapes[:]
    if _state.graph is not None:  # a function being traced still records (only tapes pause)
        _state.tapes.append(_state.graph)
    try:
        yield
    finally:
        _state.tapes[:] = saved


def recompute_grad(f):
    """Wraps ``f`` so that its forward activations are not kept: the backward pass runs ``f`` again.

    Gradients (to the arguments and to variables ``f`` reads) equal those of ``f``; memory is traded
    for a second forward pass.
    """
    from .._core.tape import GradientTape

    @custom_gradient
    def inner(*args, **kwargs):
        with _tapes_paused():
            result = f(*args, **kwargs)

        def grad(*dresult, variables=None):
            xs = [convert_to_tensor(a) for a in args]
            variables = list(variables or [])
            with GradientTape(watch_accessed_variables=False) as tape:
                tape.watch(xs + variables)
                out = f(*xs, **kwargs)
            grads = tape.gradient(out, xs + variables, output_gradients=nest.pack_sequence_as(out, list(dresult)))
            return (grads[:len(xs)], grads[len(xs):]) if variables else grads[:len(xs)]
        return result, grad

    return inner


# --- py_function / numpy_function -------------------------------------------------------------
def _convert_outputs(op, outputs, Tout, cast):
    single = not isinstance(Tout, (list, tuple))
    touts = [Tout] if single else list(Tout)
    outs = [outputs] if single else (list(outputs) if isinstance(outputs, (list, tuple)) else [outputs])
    if outputs is None and not touts:
        return []
    if len(outs) != len(touts):
        raise errors.InvalidArgumentError(None, op, (
            f"ValueError: The {op} function returned {len(outs)} values, but Tout has {len(touts)} [Op:{op}]"))
    converted = []
    for value, dtype in zip(outs, touts):
        dtype = _dt.as_dtype(dtype)
        try:
            if cast:
                converted.append(convert_to_tensor(value, dtype=dtype))
            else:
                converted.append(constant(np.asarray(value)))
        except (TypeError, ValueError) as e:
            raise errors.InvalidArgumentError(None, op, f"{type(e).__name__}: {e} [Op:{op}]") from None
    return converted[0] if single else converted


def py_function(func=None, inp=None, Tout=None, name=None):  # noqa: N803 - TF's argument names
    """Calls ``func`` on the tensors in ``inp`` (eagerly; usable as a decorator with ``Tout=``).

    The outputs are converted to ``Tout`` (a dtype, or a list of them). ``func`` runs tapegrad ops, so an
    active GradientTape records them and gradients flow through, as in TF.
    """
    if Tout is None:
        raise TypeError("Missing required argument: 'Tout'\n  If using tf.py_function as a decorator, set `Tout`\n"
                        "  **by name** above the function:\n  `@tf.py_function(Tout=tout)`")
    if func is None:
        return lambda f: (lambda *args: py_function(f, list(args), Tout=Tout, name=name))
    args = [a if is_tensor(a) else convert_to_tensor(a) for a in (inp or [])]
    return _convert_outputs("EagerPyFunc", func(*args), Tout, cast=True)


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):  # noqa: N803
    """Calls ``func`` on NumPy copies of ``inp``; its outputs become new tensors (no gradient flows through)."""
    if Tout is None:
        raise TypeError("Missing required argument: 'Tout'")
    if func is None:
        return lambda f: (lambda *args: numpy_function(f, list(args), Tout=Tout, stateful=stateful, name=name))
    def run(*args):  # on every call of a traced function, with that call's values
        out = _convert_outputs("PyFunc", func(*[np.array(a._value) for a in args]), Tout, cast=False)
        return tuple(out) if isinstance(out, list) else out

    out = host_call(run, *[a if is_tensor(a) else convert_to_tensor(a) for a in inp or []])
    return list(out) if isinstance(out, tuple) else out


# --- enums -------------------------------------------------------------------------------------
class AggregationMethod:
    """How gradients of a tensor used several times are summed (tapegrad always adds them pairwise)."""
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


class VariableAggregationV2(enum.Enum):
    """How distributed updates of a variable are combined (accepted by Variable; one replica in tapegrad)."""
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization(enum.Enum):
    """When a distributed variable is synchronized (accepted by Variable; one replica in tapegrad)."""
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


VariableAggregation = VariableAggregationV2


# --- initializers (TF 2's tf.*_initializer classes) ----------------------------------------------
class Initializer:
    """Base class: ``initializer(shape, dtype)`` returns a tensor; configs round-trip through from_config."""

    def __call__(self, shape, dtype=None, **kwargs):
        raise NotImplementedError("Initializer subclasses must implement __call__")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)


def _numeric_or_bool(dtype):
    dtype = _dt.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer or dtype.is_complex or dtype.is_bool):
        raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {dtype!r}.")
    return dtype


class zeros_initializer(Initializer):  # noqa: N801 - TF's public names
    """Initializer producing zeros."""

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        from .array import zeros
        return zeros(shape, dtype=_numeric_or_bool(dtype))


class ones_initializer(Initializer):  # noqa: N801
    """Initializer producing ones."""

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        from .array import ones
        return ones(shape, dtype=_numeric_or_bool(dtype))


class constant_initializer(Initializer):  # noqa: N801
    """Initializer producing ``tf.constant(value, dtype, shape)``: a scalar fills, a list must match the size."""

    def __init__(self, value=0):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray)) or is_tensor(value)):
            raise TypeError(f"Invalid type for initial value: {type(value).__name__} (expected Python scalar, list or "
                            "tuple of values, or numpy.ndarray).")
        self.value = value

    def __call__(self, shape, dtype=None, **kwargs):
        shape = tuple(int(d) for d in shape)
        value = np.asarray(self.value.numpy() if is_tensor(self.value) else self.value)
        if value.size != 1 and value.size != int(np.prod(shape)):
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor {value} (converted from "
                            f"{self.value}) has {value.size} elements, but got `shape` {shape} with "
                            f"{int(np.prod(shape))} elements).")
        return constant(self.value, dtype=None if dtype is None else _dt.as_dtype(dtype), shape=shape)

    def get_config(self):
        return {"value": self.value}


class random_normal_initializer(Initializer):  # noqa: N801
    """Initializer drawing from N(mean, stddev^2) (``tapegrad.random.normal``)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        from . import random
        return random.normal(shape, self.mean, self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class random_uniform_initializer(Initializer):  # noqa: N801
    """Initializer drawing uniformly from [minval, maxval) (``tapegrad.random.uniform``)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=_dt.float32, **kwargs):
        from . import random
        return random.uniform(shape, self.minval, self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


__all__ = ["executing_eagerly", "is_tensor", "get_static_value", "no_op", "group", "control_dependencies",
           "name_scope", "get_current_name_scope", "device", "case", "gradients", "hessians",
           "recompute_grad", "py_function", "numpy_function", "AggregationMethod", "VariableAggregation",
           "VariableSynchronization", "zeros_initializer", "ones_initializer", "constant_initializer",
           "random_normal_initializer", "random_uniform_initializer"]
