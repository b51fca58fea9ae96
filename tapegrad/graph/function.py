"""``tapegrad.function``: trace a Python function into a graph once per input signature, then run the graph.

Tracing (tapegrad/graph/tracer.py) runs the Python function once on the call's
values with a tracer at the bottom of the tape stack; the recorded graph is
optimized and compiled into generated Python (tapegrad/graph/executor.py).
Later calls with the same signature run the compiled graph: no Python of the
user's function, no per-op dispatch, no tape.

Cache key, as TF's: for each argument, the dtype and shape of tensors (NumPy
arrays count as tensors), the identity of Variables, the value of Python
objects (numbers, strings, tuples, hashable objects; the identity of others),
and the nesting structure. ``input_signature`` (``TensorSpec``s, None for any
size) fixes the key; ``reduce_retracing`` relaxes dimensions that changed.

Shape-specialized graphs: a graph is traced for concrete shapes. A call
whose shapes fit an existing signature (a None dimension of
``input_signature`` or ``reduce_retracing``) but were not traced yet traces
again without counting as a new trace in ``experimental_get_tracing_count``;
Python side effects then run again, unlike TF, and ``x.shape`` shows the
concrete size where TF shows None.

Value-specialized graphs: where a shape depends on a tensor's value
(``tf.range(n)``, ``tf.zeros([n])``, a slice ``x[:n]``), the graph holds for the
traced value only and guards it (tapegrad/graph/tracer.py); so does a graph
with a ``cond`` branch that could not be traced with the traced values. A call
whose values fail a guard (or take such a branch) traces again for its values,
as TF retraces for a new Python value: the call's variable assignments made
before the guard failed are undone, but its ``tf.print`` output and random
draws are not. These retraces count towards TF's retracing warning but not
towards ``experimental_get_tracing_count``. A guard that fails even in a trace
made for the call's own values (a value that changes between loop iterations)
is an InvalidArgumentError.

Variables: a first trace that creates Variables is followed, as in TF, by a
second one that must not (TF's ValueError for a Variable created on every
call); the second trace is the graph that runs.

Differentiation: a GradientTape inside the function records at trace time and
its backward pass becomes part of the graph. A call under an *outer* tape is
recorded as one tape entry whose gradient runs a backward function (the
forward graph replayed under a tape, then differentiated), itself a
``function``, traced once per signature and differentiable again (higher
order). There is one for each set of inputs that need a cotangent and outputs
that have one: it computes nothing else. Unconnected gradients are None in
graphs, as they are eagerly.
"""
import functools
import inspect
import warnings
import weakref

import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core import nest
from .._core.context import state as _state
from .._core.dispatch import _TRAINABLE, execute
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from .._core.tape import SelectiveVJP
from .._core.indexed_slices import IndexedSlices
from .._core.tensor import Tensor, Variable, convert_to_tensor
from .control_flow import DIFFERENTIABLE_VARIANT, raise_p
from .executor import Compiled
from .tracer import (EFFECTFUL, SUBGRAPHS, Graph, RetraceNeeded, Tracer, assign_var_p, guard_shape_p, guard_value_p,
                     mark_effects, read_var_p, tracing)

RETRACING_WARNING_THRESHOLD = 5


class TensorSpec:
    """Describes a tensor argument: shape (None for any size) and dtype.

    >>> tapegrad.TensorSpec(shape=[None, 3], dtype=tapegrad.float32)
    TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
    """

    def __init__(self, shape, dtype=_dt.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = _dt.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, x):
        if isinstance(x, TensorSpec):
            return self.dtype == x.dtype and self.shape.is_compatible_with(x.shape)
        return self.dtype == x.dtype and self.shape.is_compatible_with(x.shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape.dims == other.shape.dims
                and self.dtype == other.dtype and self.name == other.name)

    def __hash__(self):
        return hash((None if self.shape.dims is None else tuple(self.shape.dims), self.dtype.name, self.name))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype.name}, name={self.name!r})"


# --- arguments: keys and leaves ----------------------------------------------------------
class _Leaf:
    """Marks a tensor position in the argument template."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _arg_key(x, tensors):
    """A hashable key for one argument; tensors (and arrays) are appended to ``tensors``."""
    t = type(x)
    if t is Tensor:
        tensors.append(x)
        return ("T", x._value.shape, x._value.dtype)
    if t in (int, float, bool, str, type(None)):
        return (t, x)
    if isinstance(x, Variable):
        return ("V", id(x))
    if isinstance(x, (np.ndarray, np.generic)):
        x = Tensor(np.asarray(x))
        tensors.append(x)
        return ("T", x._value.shape, x._value.dtype)
    if isinstance(x, Tensor):
        tensors.append(x)
        return ("T", x._value.shape, x._value.dtype)
    if isinstance(x, (list, tuple)):
        return (t, tuple(_arg_key(c, tensors) for c in x))
    if isinstance(x, dict):
        keys = sorted(x)
        return (t, tuple(keys), tuple(_arg_key(x[k], tensors) for k in keys))
    if isinstance(x, TensorSpec):
        return ("S", x)
    try:
        hash(x)
        return (t, x)
    except TypeError:
        return ("id", id(x))


def _template(x, counter):
    """``x`` with tensor leaves replaced by _Leaf markers (same traversal order as _arg_key)."""
    if isinstance(x, Tensor) or isinstance(x, (np.ndarray, np.generic)):
        leaf = _Leaf(counter[0])
        counter[0] += 1
        return leaf
    if isinstance(x, Variable):
        return x
    if isinstance(x, (list, tuple)):
        children = [_template(c, counter) for c in x]
        return type(x)(*children) if hasattr(type(x), "_fields") else type(x)(children)
    if isinstance(x, dict):
        out = type(x)() if type(x) is dict else dict()
        for k in sorted(x):
            out[k] = _template(x[k], counter)
        return type(x)((k, out[k]) for k in x) if type(x) is not dict else {k: out[k] for k in x}
    return x


def _fill(template, tensors):
    if isinstance(template, _Leaf):
        return tensors[template.index]
    if isinstance(template, (list, tuple)):
        children = [_fill(c, tensors) for c in template]
        return type(template)(*children) if hasattr(type(template), "_fields") else type(template)(children)
    if isinstance(template, dict):
        return type(template)((k, _fill(v, tensors)) for k, v in template.items())
    return template


def _describe_key(k):
    if k[0] == "T":
        return f"a tensor of shape {tuple(k[1])} and dtype {_dt.from_numpy(k[2]).name}"
    if k[0] == "V":
        return "a different tf.Variable"
    if k[0] == "id":
        return "a different (unhashable) Python object"
    if k[0] in (list, tuple, dict):
        return f"a {k[0].__name__} with another structure or contents"
    return f"the Python value {k[1]!r}"


def _relax(old, new):
    """The key generalizing ``old`` and ``new`` (differing tensor dimensions become None), or None."""
    if old[0] == "T" and new[0] == "T":
        if old[2] != new[2] or len(old[1]) != len(new[1]):
            return None
        return ("T", tuple(a if a == b else None for a, b in zip(old[1], new[1])), old[2])
    if old[0] in (list, tuple) and old[0] == new[0] and len(old[1]) == len(new[1]):
        parts = [_relax(a, b) for a, b in zip(old[1], new[1])]
        return None if any(p is None for p in parts) else (old[0], tuple(parts))
    if old[0] is dict and new[0] is dict and old[1] == new[1]:
        parts = [_relax(a, b) for a, b in zip(old[2], new[2])]
        return None if any(p is None for p in parts) else (dict, old[1], tuple(parts))
    return old if old == new else None


def _fits(general, key):
    if general[0] == "T" and key[0] == "T":
        return general[2] == key[2] and len(general[1]) == len(key[1]) and all(
            g is None or g == d for g, d in zip(general[1], key[1]))
    if general[0] in (list, tuple) and general[0] == key[0] and len(general[1]) == len(key[1]):
        return all(_fits(a, b) for a, b in zip(general[1], key[1]))
    if general[0] is dict and key[0] is dict and general[1] == key[1]:
        return all(_fits(a, b) for a, b in zip(general[2], key[2]))
    return general == key


class Function:
    """A callable made by ``tapegrad.function``; see the module docstring."""

    def __init__(self, python_function, input_signature=None, autograph=True, jit_compile=None,
                 reduce_retracing=False, name=None):
        if not callable(python_function):
            raise TypeError(f"function expects a callable, got {python_function!r}")
        self._python_function = python_function
        self.input_signature = None if input_signature is None else tuple(input_signature)
        self._signature_structure = input_signature
        self._specs = None if input_signature is None else nest.flatten(input_signature)
        for spec in self._specs or ():
            if not isinstance(spec, TensorSpec):
                raise TypeError(f"input_signature must be a possibly nested sequence of TensorSpec objects, "
                                f"got {spec!r}")
        self._autograph = autograph
        self._jit_compile = jit_compile
        self._reduce_retracing = reduce_retracing
        self._name = name or getattr(python_function, "__name__", "function")
        self._descriptor_cache = weakref.WeakKeyDictionary()
        self._concrete = {}       # exact key -> ConcreteFunction
        self._signatures = []     # the (possibly relaxed) keys traced, in order: the tracing count
        self._value_retraces = 0  # traces for a call whose values failed a guard of its signature's graph
        self._converted = None
        try:
            self._sig = inspect.signature(python_function)
        except (TypeError, ValueError):
            self._sig = None
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self):
        return self._python_function

    def experimental_get_tracing_count(self):
        """How many times the Python function was traced for a new signature."""
        return len(self._signatures)

    # --- arguments -----------------------------------------------------------
    def _canonical(self, args, kwargs):
        """(positional args, keyword args) bound to the signature, defaults applied (TF's canonicalization)."""
        if self._sig is None:
            return args, kwargs
        if not kwargs and self.input_signature is None and len(args) == len(self._sig.parameters) and all(
                p.kind is p.POSITIONAL_OR_KEYWORD for p in self._sig.parameters.values()):
            return args, kwargs
        try:
            bound = self._sig.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self._name}() {e}") from None
        bound.apply_defaults()
        return bound.args, bound.kwargs

    def _apply_signature(self, args, kwargs):
        """Arguments converted to the ``input_signature``'s dtypes, checked against its shapes."""
        from .._core.tensor import convert_to_tensor
        if kwargs:
            raise TypeError(f"{self._name}: with an input_signature, pass the arguments positionally.")
        specs, n = self._specs, len(self._signature_structure)
        params = list(self._sig.parameters.values())[n:] if self._sig is not None else []
        if len(args) > n and len(params) >= len(args) - n and all(  # the parameters after the signature's:
                a is p.default for a, p in zip(args[n:], params)):  # their defaults, Python values as in TF
            args, rest = args[:n], args[n:]
        else:
            rest = ()
        flat = _flatten_up_to(list(self._signature_structure), list(args))
        if flat is None or len(flat) != len(specs):
            raise TypeError(f"{self._name}() takes {len(specs)} tensor arguments as given by its input_signature "
                            f"{specs}, but got {args!r}.")
        out = []
        for i, (x, spec) in enumerate(zip(flat, specs)):
            try:
                t = convert_to_tensor(x, dtype=spec.dtype)
            except (TypeError, ValueError):
                t = None
            if t is None or not spec.shape.is_compatible_with(t.shape):
                got = (f"TensorSpec(shape={t.shape}, dtype=tf.{t.dtype.name}, name=None)" if t is not None
                       else repr(x))
                raise TypeError(f"Binding inputs to tf.function `{self._name}` failed due to `Can not cast "
                                f"{got} to {spec}`. Received args: {args} and kwargs: {kwargs} for signature: "
                                f"{self._signature_text()}.")
            out.append(t)
        return tuple(nest.pack_sequence_as(list(self._signature_structure), out)) + rest, {}

    def _signature_text(self):
        names = list(self._sig.parameters) if self._sig is not None else []
        parts = [f"{n}: {s}" for n, s in zip(names, self._specs)]
        return "(" + ", ".join(parts) + ")"

    def _python_callable(self):
        if not self._autograph:
            return self._python_function
        if self._converted is None:
            try:
                from . import autograph
                convert = autograph.convert
            except (ImportError, AttributeError):
                convert = None
            self._converted = self._python_function if convert is None else convert(self._python_function)
        return self._converted

    # --- calls ---------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        from ..config import functions_run_eagerly
        if functions_run_eagerly():  # tf.config.run_functions_eagerly(True): TF calls the Python function as is
            return self._python_function(*args, **kwargs)
        if self.input_signature is not None:
            args, kwargs = self._apply_signature(*self._canonical(args, kwargs))
        else:
            args, kwargs = self._canonical(args, kwargs)
        tensors = []
        key = (tuple(_arg_key(a, tensors) for a in args),
               tuple((k, _arg_key(v, tensors)) for k, v in sorted(kwargs.items())))
        concrete = self._concrete.get(key)
        if concrete is None:
            concrete = self._trace(args, kwargs, key)
        try:
            return concrete._call_flat(tensors)
        except RetraceNeeded as e:
            concrete = self._retrace_for_values(args, kwargs, key, e)
        try:
            return concrete._call_flat(tensors)
        except RetraceNeeded as e:
            raise _changing_value(e) from None

    def _signature_for(self, key):
        """The signature ``key`` is counted under: an existing one it fits, or a new (maybe relaxed) one."""
        if self.input_signature is not None:
            return ("input_signature",), False
        for sig in self._signatures:
            if _fits((tuple, sig[0]), (tuple, key[0])) and sig[1] == key[1]:
                return sig, False
        if self._reduce_retracing and self._signatures:
            last = self._signatures[-1]
            relaxed = _relax((tuple, last[0]), (tuple, key[0]))
            if relaxed is not None and last[1] == key[1]:
                return (relaxed[1], key[1]), True
        return key, True

    def _trace(self, args, kwargs, key):
        sig, new = self._signature_for(key)
        if self.input_signature is not None and not self._signatures:
            new = True
        first = not self._signatures
        concrete = ConcreteFunction._trace(self, self._python_callable(), args, kwargs, allow_variables=first)
        if first and concrete.created_variables:  # TF traces again: this trace must not create variables
            concrete = ConcreteFunction._trace(self, self._python_callable(), args, kwargs, allow_variables=False)
        if new:
            self._signatures.append(sig)
            if len(self._signatures) + self._value_retraces > RETRACING_WARNING_THRESHOLD:
                self._warn_retracing()
        self._concrete[key] = concrete
        return concrete

    def _retrace_for_values(self, args, kwargs, key, error):
        """A new graph for ``key``, traced with these arguments' values because the cached one fails a guard."""
        concrete = ConcreteFunction._trace(self, self._python_callable(), args, kwargs, allow_variables=False)
        self._concrete[key] = concrete
        self._value_retraces += 1
        if len(self._signatures) + self._value_retraces > RETRACING_WARNING_THRESHOLD:
            self._warn_retracing(f" The last retrace came from a value the graph was specialized to: {error.message}")
        return concrete

    def _warn_retracing(self, cause=""):
        a, b = self._signatures[-2:] if len(self._signatures) > 1 else (None, None)
        names = list(self._sig.parameters) if self._sig is not None else []
        if not cause and isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], tuple):
            for i, (ka, kb) in enumerate(zip(a[0], b[0])):
                if ka != kb:
                    name = names[i] if i < len(names) else f"#{i}"
                    cause = f" The last retrace came from argument '{name}', which changed from {_describe_key(ka)} to {_describe_key(kb)}."
                    break
            else:
                for (na, ka), (nb, kb) in zip(a[1], b[1]):
                    if ka != kb or na != nb:
                        cause = (f" The last retrace came from argument '{nb}', which changed from "
                                 f"{_describe_key(ka)} to {_describe_key(kb)}.")
                        break
        n = len(self._signatures) + self._value_retraces
        warnings.warn(
            f"{n} calls to {self._python_function!r} triggered tf.function retracing. Tracing is expensive and "
            "the excessive number of tracings could be due to (1) creating @tf.function repeatedly in a loop, "
            "(2) passing tensors with different shapes, (3) passing Python objects instead of tensors. For (1), "
            "please define your @tf.function outside of the loop. For (2), @tf.function has "
            "reduce_retracing=True option that can avoid unnecessary retracing. For (3), please refer to "
            "https://www.tensorflow.org/guide/function#controlling_retracing." + cause, stacklevel=3)

    def get_concrete_function(self, *args, **kwargs):
        """The ConcreteFunction (traced graph) for these arguments; TensorSpecs stand for tensors."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(nest.pack_sequence_as(self._signature_structure,
                                               [_spec_value(s) for s in self._specs]))
            if not isinstance(self._signature_structure, (list, tuple)):
                args = (args,)
        args = nest.map_structure(lambda x: _spec_value(x) if isinstance(x, TensorSpec) else x, list(args))
        kwargs = {k: nest.map_structure(lambda x: _spec_value(x) if isinstance(x, TensorSpec) else x, v)
                  for k, v in kwargs.items()}
        if self.input_signature is not None:
            args, kwargs = self._apply_signature(*self._canonical(tuple(args), kwargs))
        else:
            args, kwargs = self._canonical(tuple(args), kwargs)
        tensors = []
        key = (tuple(_arg_key(a, tensors) for a in args),
               tuple((k, _arg_key(v, tensors)) for k, v in sorted(kwargs.items())))
        concrete = self._concrete.get(key)
        return concrete if concrete is not None else self._trace(args, kwargs, key)

    def __get__(self, instance, owner):
        if instance is None:
            return self
        bound = self._descriptor_cache.get(instance)
        if bound is None:
            bound = Function(self._python_function.__get__(instance, owner), self._signature_structure,
                             self._autograph, self._jit_compile, self._reduce_retracing, self._name)
            self._descriptor_cache[instance] = bound
        return bound

    def __repr__(self):
        return f"<tapegrad.function {getattr(self._python_function, '__qualname__', self._python_function)!r}>"


def _flatten_up_to(structure, value):
    """The parts of ``value`` matching the TensorSpec leaves of ``structure``, or None if it does not fit."""
    if isinstance(structure, TensorSpec):
        return [value]
    if nest.is_nested(structure):
        if not nest.is_nested(value) or len(structure) != len(value):
            return None
        out = []
        items = zip(structure, value) if not isinstance(structure, dict) else (
            (structure[k], value.get(k)) for k in sorted(structure))
        for s, v in items:
            part = _flatten_up_to(s, v)
            if part is None:
                return None
            out.extend(part)
        return out
    return None


class _Slices:
    """An IndexedSlices result: its values and indices are graph outputs, its dense shape is static."""

    def __init__(self, like, values, indices):
        self.dense_shape, self.values, self.indices = like.dense_shape, values, indices

    def build(self, outs):
        return IndexedSlices(outs[self.values], outs[self.indices], self.dense_shape)


def _output_leaf(x, tracer, graph, fn):
    """One leaf of a traced function's result, as TF returns it: None stays None, IndexedSlices stay sparse,
    and every other leaf (a tensor, a Variable's value, a NumPy or Python number) becomes a graph output."""
    if x is None:
        return None
    if isinstance(x, IndexedSlices):
        return _Slices(x, _output_leaf(x.values, tracer, graph, fn).index,
                       _output_leaf(x.indices, tracer, graph, fn).index)
    if isinstance(x, Variable):
        x = x.read_value()
    try:
        t = convert_to_tensor(x)
    except (TypeError, ValueError):
        raise TypeError(
            "To be compatible with tf.function, Python functions must return zero or more Tensors or "
            f"ExtensionTypes or None values; in compilation of {fn!r}, found return value of type "
            f"{type(x).__name__}, which is not a Tensor or ExtensionType.") from None
    v = tracer.value_of(t)
    if v is None:
        v = tracer.const(t)
    graph.outputs.append(v)
    return _Leaf(len(graph.outputs) - 1)


def _spec_value(spec):
    """A tensor standing for a TensorSpec when tracing from it (None dimensions become 2)."""
    shape = [2 if d is None else d for d in (spec.shape.dims or [])]
    return Tensor(np.zeros(shape, dtype=spec.dtype._np))


class ConcreteFunction:
    """One traced graph: ``graph``, ``structured_outputs``; callable with tensors of the traced signature."""

    def __init__(self, function, graph, out_template, variables):
        self._function = function
        self.graph = graph
        self._out_template = out_template
        self._variables = variables  # captured variables read (never assigned) by the graph, in order
        self._n_args = len(graph.inputs)
        self._compiled = None
        self._backward_functions = {}  # (inputs that need a cotangent, outputs that have one) -> backward Function
        self._prim = Primitive(f"call_{graph.name}", self._impl, SelectiveVJP(self._vjp), multiple_results=True,
                               register=False)
        mark_effects(self._prim, graph)
        eqns = list(_walk(graph))
        # a run that fails a guard undoes its assignments before the function traces again
        self._undo = [] if not any(e.prim in _GUARDS for e in eqns) else list(
            {id(e.params["var"]): e.params["var"] for e in eqns if e.prim is assign_var_p}.values())

    @staticmethod
    def _trace(function, python_callable, args, kwargs, allow_variables=True):
        name = function._name if function is not None else "fn"
        graph = Graph(name)
        tracer = Tracer(graph)
        counter = [0]
        template_args = _template(list(args), counter)
        template_kwargs = {k: _template(v, counter) for k, v in kwargs.items()}
        tensors = []
        for a in args:
            _arg_key(a, tensors)
        for k in sorted(kwargs):
            _arg_key(kwargs[k], tensors)
        names = _arg_names(function, args, kwargs)
        placeholders = []
        for i, t in enumerate(tensors):
            p = Tensor(t._value)
            tracer.placeholder(p, names[i] if i < len(names) else f"args_{i}")
            placeholders.append(p)
        call_args = _fill(template_args, placeholders)
        call_kwargs = {k: _fill(v, placeholders) for k, v in template_kwargs.items()}
        with tracing(tracer):
            try:
                result = python_callable(*call_args, **call_kwargs)
                leaves = [_output_leaf(x, tracer, graph, python_callable) for x in nest.flatten(result)]
            except RetraceNeeded as e:  # the trace's own values fail a guard: a loop's next iteration
                raise _changing_value(e) from None
            finally:
                tracer.finish()
        if tracer.created and not allow_variables:
            raise ValueError(
                "tf.function only supports singleton tf.Variables created on the first call. Make sure the "
                "tf.Variable is only created once or created outside tf.function. See "
                "https://www.tensorflow.org/guide/function#creating_tfvariables for more information.")
        out_template = (result, leaves)
        concrete = ConcreteFunction(function, graph, out_template, _captured_variables(graph))
        concrete.created_variables = bool(tracer.created)
        return concrete

    @property
    def structured_outputs(self):
        return self._out_template[0]

    @property
    def compiled(self):
        if self._compiled is None:
            self._compiled = Compiled(self.graph)
        return self._compiled

    def __call__(self, *args, **kwargs):
        tensors = []
        for a in args:
            _arg_key(a, tensors)
        for k in sorted(kwargs):
            _arg_key(kwargs[k], tensors)
        if len(tensors) != self._n_args:
            raise TypeError(f"ConcreteFunction {self.graph.name} takes {self._n_args} tensors, got {len(tensors)}.")
        for i, (t, v) in enumerate(zip(tensors, self.graph.inputs)):
            if t._value.dtype != self.graph.avals[v][1]:
                raise errors.InvalidArgumentError(
                    None, self.graph.name, f"cannot compute {self.graph.name} as input #{i}(zero-based) was expected "
                    f"to be a {_dt.from_numpy(self.graph.avals[v][1]).name} tensor but is a {t.dtype.name} tensor")
            if t._value.shape != self.graph.avals[v][0]:
                if self._function is not None:
                    return self._function(*args, **kwargs)
                raise TypeError(f"ConcreteFunction {self.graph.name} was traced for "
                                f"{self.graph.avals[v]}, got {t._value.shape} {t._value.dtype}.")
        try:
            return self._call_flat(tensors)
        except RetraceNeeded:
            if self._function is None:
                raise
            return self._function(*args, **kwargs)

    def _call_flat(self, tensors):
        saved = [(v, v._value) for v in self._undo]
        try:
            if _state.tapes:
                if _state.graph is not None:
                    _state.graph.snapshot([self.graph])
                inputs = tuple(tensors) + tuple(v._read() for v in self._variables)
                outs = execute(self._prim, inputs, {})
            else:
                outs = [Tensor(a) for a in self.compiled(*[t._value for t in tensors])]
        except RetraceNeeded:
            for var, value in saved:
                var._set(value, "assign")
            raise
        result, leaves = self._out_template
        if not leaves:
            return result
        flat = [outs[x.index] if type(x) is _Leaf else None if x is None else x.build(outs) for x in leaves]
        return nest.pack_sequence_as(result, flat) if nest.is_nested(result) else flat[0]

    def _impl(self, *arrays):
        return tuple(self.compiled(*arrays[:self._n_args]))

    # --- gradient of a call --------------------------------------------------
    def _vjp(self, needed, gs, kept, *inputs):
        """Cotangents of the call's inputs (args, then captured variables) that the backward pass ``needed``,
        from the outputs that have one: runs the backward function traced for them."""
        graph = self.graph
        outs = tuple(i for i, v in enumerate(graph.outputs) if graph.avals[v][1] in _TRAINABLE and gs[i] is not None)
        wanted = tuple(x._value.dtype in _TRAINABLE and (needed is None or needed[k]) for k, x in enumerate(inputs))
        if not outs:
            return [None] * len(inputs)
        fn = self._backward_functions.get((wanted, outs))
        if fn is None:
            fn = self._backward_functions[wanted, outs] = Function(self._backward_python(outs, wanted),
                                                                   autograph=False, name=f"{graph.name}_grad")
        return list(fn(*inputs, *[gs[i] for i in outs]))

    def _backward_python(self, outs, wanted):
        from .._core.tape import GradientTape
        graph, n_in = self.graph, self._n_args + len(self._variables)
        variables = self._variables

        def backward(*xs_and_gs):
            xs, gs = list(xs_and_gs[:n_in]), list(xs_and_gs[n_in:])
            sources = [x for x, w in zip(xs, wanted) if w]
            with GradientTape() as tape:
                tape.watch(sources)
                values = replay(graph, xs[:self._n_args], dict(zip(map(id, variables), xs[self._n_args:])))
            grads = iter(tape.gradient([values[i] for i in outs], sources, output_gradients=gs))
            return [next(grads) if w else None for w in wanted]

        return backward


def _changing_value(error):
    """The error for a guard that fails in a graph traced with the call's own values."""
    return errors.InvalidArgumentError(None, error.op, (
        f"{error.message} This happens even in a graph traced for this call's arguments: the value changes while "
        "the graph runs (for example from one loop iteration to the next). tapegrad's graphs are shape-specialized: "
        "compute shapes and static arguments from Python values or from static shapes (x.shape), or move the "
        "value-dependent op out of the loop."))


def _arg_names(function, args, kwargs):
    """A label per tensor leaf: the parameter name, with an index for nested leaves."""
    sig = function._sig if function is not None else None
    params = list(sig.parameters) if sig is not None else []
    out = []
    for i, a in enumerate(args):
        base = params[i] if i < len(params) and sig.parameters[params[i]].kind is not inspect.Parameter.VAR_POSITIONAL \
            else f"args_{i}"
        n = len([x for x in nest.flatten(a) if isinstance(x, (Tensor, np.ndarray, np.generic))
                 and not isinstance(x, Variable)])
        out.extend([base] * n)
    for k in sorted(kwargs):
        n = len([x for x in nest.flatten(kwargs[k]) if isinstance(x, (Tensor, np.ndarray, np.generic))
                 and not isinstance(x, Variable)])
        out.extend([k] * n)
    return out


_GUARDS = (guard_shape_p, guard_value_p, raise_p)


def _walk(graph):
    for eq in graph.eqns:
        yield eq
        for g in SUBGRAPHS.get(eq.prim, ()):
            yield from _walk(g)


def _captured_variables(graph):
    """Variables the graph reads and never assigns, in first-read order: differentiable call inputs."""
    read, assigned = {}, set()
    for eq in _walk(graph):
        if eq.prim is read_var_p:
            read.setdefault(id(eq.params["var"]), eq.params["var"])
        elif eq.prim is assign_var_p:
            assigned.add(id(eq.params["var"]))
    return [v for k, v in read.items() if k not in assigned]


def replay(graph, inputs, var_values):
    """Runs ``graph`` op by op through ``execute`` (so tapes and tracers see it); returns its outputs.

    ``var_values``: id(Variable) -> Tensor used for reads of that variable.
    Assignments are skipped: a replay computes values (a backward pass), it
    does not repeat the forward call's effects; guards are kept.
    """
    env = dict(zip(graph.inputs, inputs))
    consts = graph.consts

    def get(v):
        t = env.get(v)
        if t is None:
            t = env[v] = Tensor(consts[v])
        return t

    for eq in graph.eqns:
        prim = eq.prim
        if prim is read_var_p:
            var = eq.params["var"]
            t = var_values.get(id(var))
            env[eq.outs[0]] = t if t is not None else var._read()
            continue
        if prim is raise_p:  # a branch untraced for these values: never taken here (the call would have raised)
            env.update((o, Tensor(np.zeros(shape, dtype))) for o, (shape, dtype) in zip(eq.outs, eq.params["avals"]))
            continue
        if prim in EFFECTFUL and not eq.outs and prim not in _GUARDS:
            continue
        if len(_state.tapes) > (_state.graph is not None):  # a tape records: loops must save iterations
            prim = DIFFERENTIABLE_VARIANT.get(prim, prim)
        out = execute(prim, tuple(get(i) for i in eq.ins), eq.params)
        if prim.multiple_results:
            env.update(zip(eq.outs, out))
        else:
            env[eq.outs[0]] = out
    return [get(v) for v in graph.outputs]


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_implements=None, experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None, experimental_follow_type_hints=None):
    """Decorator making a ``Function``; usable with and without arguments.

    >>> @tapegrad.function
    ... def f(x):
    ...     return x * x
    """
    if experimental_relax_shapes:
        reduce_retracing = True

    def decorate(f):
        return Function(f, input_signature, autograph, jit_compile, reduce_retracing)

    return decorate if func is None else decorate(func)
