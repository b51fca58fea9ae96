"""AutoGraph's runtime (``ag__`` in converted code): the functional forms of if/while/for and friends.

Each helper dispatches on the value it is given, as TF's
``autograph/operators`` do: a Tensor predicate or iterable stages the
statement with the public ``tapegrad.cond`` / ``tapegrad.while_loop``; a Python
value runs plain Python. Eagerly, cond and while_loop run the branch or
iterations taken, so a converted function computes what the original does;
while a ``function`` is traced they build graph ops.

A ``return`` inside a staged loop (which TF refuses) works: the function's
return value is a loop variable, a ``_NoReturnYet`` until a staged body gives
it a type, and the loop is then staged again with a placeholder of that type.

Statements exchange their variables through ``get_state`` / ``set_state``
closures written by the converter (TF's protocol): the loop or branch
functions take no arguments and rebind the function's locals via
``nonlocal``.
"""
import functools
import sys

import numpy as np

from ... import errors
from ..._core import nest
from ..._core import dtypes as _dt
from ..._core.dispatch import execute
from ..._core.tensor import Tensor, Variable, convert_to_tensor
from ...ops import array as _array
from ...ops import control_flow as _cf
from ...ops import math as _math
from ...ops.tensor_array import TensorArray
from ..tracer import is_symbolic

CONVERTED_CODE = set()  # code objects of converted functions (filled by ``conversion``)


def _located(message):
    """``message`` with the user's file and line of the statement being run (the innermost converted frame)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code not in CONVERTED_CODE:
        frame = frame.f_back
    if frame is None:
        return message
    return f"{message}\n  in user code: File \"{frame.f_code.co_filename}\", line {frame.f_lineno}"


def _with_location(check):
    """Makes the errors ``check`` raises name the user's file and line."""
    @functools.wraps(check)
    def checked(*args):
        try:
            return check(*args)
        except (ValueError, TypeError, NotImplementedError) as e:
            raise type(e)(_located(str(e))) from None
    return checked


class Undefined:
    """The value of a variable that is not bound yet (TF's ``ag__.Undefined``)."""

    __slots__ = ("symbol_name",)

    def __init__(self, symbol_name):
        self.symbol_name = symbol_name

    def read(self):
        raise UnboundLocalError(f"'{self.symbol_name}' is used before assignment")

    def __repr__(self):
        return f"<undefined {self.symbol_name}>"


def _raise_unbound(self, *args, **kwargs):
    self.read()


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift",
            "rshift"):
    for _form in ("__%s__", "__r%s__", "__i%s__"):
        setattr(Undefined, _form % _op, _raise_unbound)
for _name in ("__neg__", "__pos__", "__abs__", "__invert__", "__bool__", "__len__", "__iter__", "__getitem__",
              "__call__", "__float__", "__int__", "__index__", "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(Undefined, _name, _raise_unbound)


class UndefinedReturnValue:
    """The return value of a function that has not returned yet."""

    __slots__ = ()

    def __repr__(self):
        return "<undefined return value>"


class _NoReturnYet(Tensor):
    """A stand-in for ``UndefinedReturnValue`` that converts like a tensor (a float32 zero).

    A branch that did not return, staged before the branch that did, gives this
    so that staging can go on; the other branch then asks for a second staging
    with a placeholder of the right type. It is never read: ``do_return`` is
    False wherever it flows, and ``retval`` turns it into None.
    """

    __slots__ = ()

    def __init__(self):
        super().__init__(np.zeros((), np.float32))


def _no_return(value):
    return isinstance(value, (UndefinedReturnValue, _NoReturnYet))


def ld(value):
    """A variable read in converted code: reading an ``Undefined`` is Python's UnboundLocalError."""
    if isinstance(value, Undefined):
        return value.read()
    return value


def ldu(load, name):
    """Reads a variable that may be unbound: its value, or ``Undefined(name)``."""
    try:
        return load()
    except (NameError, AttributeError):
        return Undefined(name)


def retval(value):
    """The value a converted function returns (None when it fell off its end)."""
    return None if _no_return(value) else value


def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _is_none_or_undef(value):
    return value is None or isinstance(value, Undefined) or _no_return(value)


# --- logical operators and conditional expressions ----------------------------------------------------------------

def and_(a, b):
    """``a and b`` with lazy ``b``: ``cond(a, b, lambda: a)`` for a Tensor ``a``."""
    value = a()
    if _is_tensor(value):
        return _cf.cond(value, b, lambda: value)
    return value and b()


def or_(a, b):
    """``a or b`` with lazy ``b``: ``cond(a, lambda: a, b)`` for a Tensor ``a``."""
    value = a()
    if _is_tensor(value):
        return _cf.cond(value, lambda: value, b)
    return value or b()


def not_(a):
    """``not a``: ``logical_not`` for a Tensor."""
    if _is_tensor(a):
        return _math.logical_not(a)
    return not a


def if_exp(cond, if_true, if_false, expr_repr):
    """``if_true() if cond else if_false()``; a Tensor ``cond`` becomes ``tapegrad.cond``."""
    if _is_tensor(cond):
        return _cf.cond(_verify_tf_condition(cond, f"if expression {expr_repr!r}"), if_true, if_false)
    return if_true() if cond else if_false()


# --- checks (TF's messages) ----------------------------------------------------------------------------------------

@_with_location
def _verify_tf_condition(cond, tag):
    """A scalar bool tensor from ``cond``, or TF's ValueError."""
    cond = convert_to_tensor(cond)
    hint = "to check for None, use `is not None`"
    if cond.dtype != _dt.bool:
        raise ValueError(f"condition of {tag} expected to be `tf.bool` scalar, got {cond}; to use as boolean "
                         f"Tensor, use `tf.cast`; {hint}")
    if cond.shape.rank:
        if int(np.prod(cond.shape.as_list())) > 1:
            raise ValueError(f"condition of {tag} expected to be `tf.bool` scalar, got {cond}; {hint}")
        cond = _array.reshape(cond, [])
    return cond


def _as_checked(value):
    if isinstance(value, (bool, int, float, np.ndarray, np.generic)):
        return convert_to_tensor(value)
    return value


def _same_structure(a, b):
    try:
        nest.assert_same_structure(a, b)
        return None
    except (ValueError, TypeError) as e:
        return e


def _verify_single_loop_var(name, check_shape, entry, exit_, invariant):
    if exit_ is None:
        raise ValueError(f"'{name}' is None at the end of the iteration.")
    entry, exit_ = _as_checked(entry), _as_checked(exit_)
    if not (_is_tensor(entry) and _is_tensor(exit_)):
        return
    if entry.dtype != exit_.dtype:
        raise TypeError(f"'{name}' has dtype {entry.dtype.name} before the loop, but dtype {exit_.dtype.name} "
                        "after one iteration")
    if not check_shape:
        return
    if invariant is None:
        if not _is_subshape(exit_.shape, entry.shape):
            raise ValueError(f"'{name}' has shape {entry.shape} before the loop, but shape {exit_.shape} after one "
                             "iteration. Use tf.autograph.experimental.set_loop_options to set shape invariants.")
    elif not _is_subshape(exit_.shape, invariant):
        raise ValueError(f"'{name}' has shape {exit_.shape} after one iteration, which does not conform with the "
                         f"shape invariant {invariant}.")


def _is_subshape(left, right):
    from ..._core.shape import TensorShape
    left, right = TensorShape(left), TensorShape(right)
    if right.rank is None:
        return True
    if left.rank != right.rank:
        return False
    return all(r is None or l == r for l, r in zip(left.dims, right.dims))


@_with_location
def _verify_tf_loop_vars(init_vars, entry_vars, exit_vars, symbol_names, invariants):
    for name, init, entry, exit_, invariant in zip(symbol_names, init_vars, entry_vars, exit_vars, invariants):
        if _no_return(init) or _no_return(entry):
            continue  # the function's return value, before the function returned
        for a, b in ((init, entry), (entry, exit_)):
            e = _same_structure(_as_checked(a), _as_checked(b))
            if e is not None:
                raise TypeError(f"'{name}' does not have the same nested structure after one iteration.\n\n{e}")
        if invariant is not None:
            _verify_single_loop_var(name, True, entry, exit_, invariant)
            continue
        for entry_leaf, exit_leaf in zip(nest.flatten(entry), nest.flatten(exit_)):
            _verify_single_loop_var(name, True, entry_leaf, exit_leaf, None)


@_with_location
def _verify_loop_init_vars(init_vars, symbol_names):
    for name, value in zip(symbol_names, init_vars):
        if value is None:
            raise ValueError(f"'{name}' is not allowed to be None before the loop")
        if isinstance(value, Undefined):
            raise ValueError(f"'{name}' must be defined before the loop")


@_with_location
def _verify_cond_branch_vars(values, symbol_names, branch_name):
    for name, value in zip(symbol_names, values):
        if isinstance(value, Undefined):
            raise ValueError(f"'{name}' must also be initialized in the {branch_name} branch")


@_with_location
def _verify_cond_vars(body_vars, orelse_vars, symbol_names):
    for name, a, b in zip(symbol_names, body_vars, orelse_vars):
        if _no_return(a) or _no_return(b):
            continue
        e = _same_structure(_as_checked(a), _as_checked(b))
        if e is not None:
            raise TypeError(f"'{name}' must have the same nested structure in the main and else branches:\n\n{e}")
        for x, y in zip(nest.flatten(a), nest.flatten(b)):
            if x is None:
                raise ValueError(f"'{name}' is None at the end of the main branch.")
            if y is None:
                raise ValueError(f"'{name}' is None at the end of the else branch.")
            x, y = _as_checked(x), _as_checked(y)
            if _is_tensor(x) and _is_tensor(y) and x.dtype != y.dtype:
                raise TypeError(f"'{name}' has dtype {x.dtype.name} in the main branch, but dtype {y.dtype.name} "
                                "in the else branch")


def _placeholder(like):
    """A zero value shaped like ``like`` (a loop or branch result) for a variable that has no value yet."""
    if _is_none_or_undef(like):
        return like
    if isinstance(like, bool):
        return False
    if isinstance(like, (int, float)):
        return type(like)(0)
    if _is_tensor(like):
        return _array.zeros(like.shape.as_list(), like.dtype)
    if isinstance(like, TensorArray):
        return like
    if isinstance(like, (list, tuple, dict)):
        return nest.map_structure(_placeholder, like)
    raise TypeError(f"Found an unsupported type '{type(like).__name__}' while creating placeholder for {like}. "
                    "Supported types include Tensor, int, float, bool, list, tuple or dict.")


# --- if -----------------------------------------------------------------------------------------------------------

class _Retry(BaseException):
    """One branch of a staged cond gave a value a previous branch could not shape: stage the cond again.

    A BaseException, so that no staging machinery mistakes it for an error of the branch."""


def if_stmt(cond, body, orelse, get_state, set_state, symbol_names, nouts):
    """Functional ``if``: ``body()`` or ``orelse()``; a Tensor ``cond`` stages ``tapegrad.cond``."""
    if _is_tensor(cond):
        _tf_if_stmt(cond, body, orelse, get_state, set_state, symbol_names, nouts)
    elif cond:
        body()
    else:
        orelse()


def _staged_cond(pred, make_branches):
    """``cond(pred, *make_branches(known))``, staged again while a branch raises ``_Retry``.

    ``known`` is a dict the branches fill with values that shape the
    placeholders of later attempts. Eagerly only one branch runs, so there is
    never a retry.
    """
    known = {}
    while True:
        try:
            return _cf.cond(pred, *make_branches(known))
        except _Retry:
            continue


def _tf_if_stmt(cond, body, orelse, get_state, set_state, symbol_names, nouts):
    cond = _verify_tf_condition(cond, "if statement")
    if not nouts:  # a cond with no outputs still runs its branches' side effects; give it one output
        prev_get, prev_set = get_state, set_state
        get_state = lambda: (0,) + tuple(prev_get())  # noqa: E731
        set_state = lambda v: prev_set(tuple(v)[1:])  # noqa: E731
        symbol_names = ("<unused dummy>",) + tuple(symbol_names)
        nouts = 1
    init_vars = tuple(get_state())

    def make_branches(known):
        results = {}

        def staged(branch, name, other_name):
            def run():
                set_state(init_vars)
                branch()
                values = list(get_state())[:nouts]
                other = results.get(other_name)
                staged_values = list(values)
                for i, v in enumerate(values):
                    # The return value is read only once the function returned: where this branch did not
                    # return, any value of the right type (zeros) will do.
                    if _no_return(v):
                        if i in known:
                            staged_values[i] = _placeholder(known[i])
                        elif other is not None and not _no_return(other[i]):
                            staged_values[i] = _placeholder(other[i])
                        else:
                            staged_values[i] = _NoReturnYet()
                    elif other is not None and _no_return(other[i]) and i not in known:
                        known[i] = v
                        raise _Retry()
                _verify_cond_branch_vars(values, symbol_names, name)
                if other is not None:
                    main, orelse_ = (values, other) if name == "main" else (other, values)
                    _verify_cond_vars(main, orelse_, symbol_names)
                results[name] = values
                return tuple(staged_values)
            return run

        return staged(body, "main", "else"), staged(orelse, "else", "main")

    final = _staged_cond(cond, make_branches)
    set_state(tuple(final) + init_vars[nouts:])


# --- while --------------------------------------------------------------------------------------------------------

def while_stmt(test, body, get_state, set_state, symbol_names, opts):
    """Functional ``while``: a Tensor condition stages ``tapegrad.while_loop``, otherwise a Python loop."""
    init_test = test()
    if _is_tensor(init_test):
        _tf_while_stmt(test, body, get_state, set_state, symbol_names, opts)
        return
    if not init_test:
        return
    body()
    _py_while_stmt(test, body)


def _py_while_stmt(test, body):
    while _python_bool(test(), "The condition of while loop started as non-Tensor, then changed to Tensor. This "
                               "may happen either because variables changed type, or when a break or return "
                               "statement inside the loop depends on a Tensor condition. In both cases, changing "
                               "to a TF loop should remove the error."):
        body()


def _python_bool(value, message):
    try:
        return bool(value)
    except errors.OperatorNotAllowedInGraphError as e:
        raise NotImplementedError(message) from e


class _ReturnTyped(BaseException):
    """A staged loop body gave the function's return value a type the loop did not carry: stage the loop again.

    A BaseException, so that no staging machinery (and no enclosing ``if``'s ``_Retry``) mistakes it for its own."""

    def __init__(self, index, value):
        super().__init__(index)
        self.index, self.value = index, value


def _tf_while_stmt(test, body, get_state, set_state, symbol_names, opts):
    """Stages the loop; again, once per return value, when the staged body gives the function's return value
    (carried as a ``_NoReturnYet`` until then) its type."""
    init_vars = tuple(get_state())
    returns = {}  # position of a return value among the loop variables -> a value of its type
    while True:
        try:
            _staged_while(test, body, get_state, set_state, tuple(symbol_names), opts, init_vars, returns)
            return
        except _ReturnTyped as e:
            returns[e.index] = e.value
            set_state(init_vars)


def _staged_while(test, body, get_state, set_state, symbol_names, opts, init_vars, returns):
    ret = {k for k, v in enumerate(init_vars) if _no_return(v)}
    nulls = [_is_none_or_undef(v) for v in init_vars]
    require_one_iteration = None
    if any(nulls):
        init_vars, require_one_iteration = _first_iteration(test, body, get_state, set_state, init_vars, nulls,
                                                            symbol_names, returns)
    if not init_vars:  # a loop with side effects only still needs one loop variable
        prev_get, prev_set = get_state, set_state
        get_state = lambda: (0,) + tuple(prev_get())  # noqa: E731
        set_state = lambda v: prev_set(v[1:])  # noqa: E731
        symbol_names = ("<internal dummy>",)
        init_vars = (0,)
    invariants = _positional_invariants(opts.get("shape_invariants"), init_vars)

    def aug_test(*loop_vars):
        set_state(loop_vars)
        return _verify_tf_condition(test(), "while loop")

    def aug_body(*loop_vars):
        # the body runs only while the function has not returned: its return value is not set yet
        set_state(tuple(_NoReturnYet() if k in ret else v for k, v in enumerate(loop_vars)))
        body()
        new_vars = list(get_state())
        for k in ret:
            if _no_return(new_vars[k]):
                new_vars[k] = loop_vars[k]
            elif k not in returns and not _no_return(loop_vars[k]) and not _same_type(new_vars[k], loop_vars[k]):
                raise _ReturnTyped(k, new_vars[k])
        _verify_tf_loop_vars(init_vars, loop_vars, new_vars, symbol_names, invariants)
        return tuple(new_vars)

    kwargs = {}
    if opts.get("maximum_iterations") is not None:
        kwargs["maximum_iterations"] = opts["maximum_iterations"]
    if opts.get("shape_invariants"):
        kwargs["shape_invariants"] = list(invariants)
    final = _cf.while_loop(aug_test, aug_body, list(init_vars), **kwargs)
    set_state(tuple(final))
    if require_one_iteration is not None:
        from ...ops import debugging as _debugging
        iterated, message = require_one_iteration
        _debugging.assert_equal(iterated, True, message=message)


def _same_type(a, b):
    """Whether loop values ``a`` and ``b`` have the same structure and the same dtypes and shapes."""
    a, b = nest.map_structure(_as_checked, a), nest.map_structure(_as_checked, b)
    if _same_structure(a, b) is not None:
        return False
    for x, y in zip(nest.flatten(a), nest.flatten(b)):
        if _is_tensor(x) != _is_tensor(y) or (_is_tensor(x) and (
                x.dtype != y.dtype or x.shape.as_list() != y.shape.as_list())):
            return False
    return True


def _first_iteration(test, body, get_state, set_state, init_vars, nulls, symbol_names, returns):
    """Runs the first iteration of a loop whose variables are not all defined yet, under ``cond(test(), ...)``.

    The iteration gives the undefined variables their type; when the loop does
    not run they get zeros of that type (TF's placeholders) and, in a graph,
    the loop must run at least once unless the only undefined variable is the
    function's return value (read only after the function returned), as in TF.
    Eagerly a loop that does not run leaves them unbound, as Python does. A
    return value the iteration does not set is a placeholder of the type in
    ``returns``, or a ``_NoReturnYet``.
    """
    def no_return_yet(values):
        return tuple((_placeholder(returns[k]) if k in returns else _NoReturnYet()) if _no_return(v) else v
                     for k, v in enumerate(values))

    def make_branches(known):
        state = {}

        def run():
            set_state(init_vars)
            body()
            values = no_return_yet(get_state())
            known["first"] = values
            if state.get("skipped_blind"):
                raise _Retry()
            return (True,) + values

        def skip():
            first = known.get("first")
            if first is None:
                state["skipped_blind"] = True
                return (False,) + no_return_yet(init_vars)
            return (False,) + tuple(_placeholder(f) if n else v for v, n, f in zip(init_vars, nulls, first))

        return run, skip

    pred = _verify_tf_condition(test(), "while loop")
    try:
        staged = tuple(_staged_cond(pred, make_branches))
    except (UnboundLocalError, TypeError, ValueError, KeyError) as e:
        set_state(init_vars)
        note = f"\nNote: AutoGraph tried to define it automatically, but ran into a {type(e).__name__}: {e}"
        for name, value in zip(symbol_names, init_vars):
            if isinstance(value, Undefined):
                raise ValueError(_located(f"'{name}' must be defined before the loop{note}")) from e
        raise
    iterated, values = staged[0], staged[1:]
    set_state(values)
    if isinstance(iterated, bool):  # eager: the loop ran once, or not at all (its variables stay unbound)
        return values, None
    _verify_loop_init_vars(values, symbol_names)
    missing = [n for n, v, null in zip(symbol_names, init_vars, nulls)
               if null and not _no_return(v)]
    check = (iterated, f"loop must iterate at least once to initialize {', '.join(missing)}") if missing else None
    return values, check


def _positional_invariants(pairs, init_vars):
    if not pairs:
        return (None,) * len(init_vars)
    by_id = {id(v): s for v, s in pairs}
    return tuple(by_id.get(id(v)) for v in init_vars)


# --- for ----------------------------------------------------------------------------------------------------------

class TensorRange:
    """The iterable of ``for i in tapegrad.range(...)`` (or ``range`` of a Tensor): the range's arguments.

    ``for_iterable`` makes it instead of the range, so that the loop runs over
    a scalar iterate and the range's length is never baked into a graph.
    """

    def __init__(self, start, limit=None, delta=1, dtype=None, name=None):
        self.start, self.limit, self.delta = _array.range_arguments(start, limit, delta, dtype)


def for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, opts):
    """Functional ``for``: iterating a Tensor stages a ``while_loop`` over its first dimension."""
    if isinstance(iter_, TensorRange):
        _tf_range_for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, opts)
    elif _is_tensor(iter_):
        _tf_for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, opts)
    elif isinstance(iter_, TensorArray):
        raise TypeError("Cannot iterate over a TensorArray; iterate over ta.stack() or use a range and ta.read().")
    else:
        _py_for_stmt(iter_, extra_test, body)


def _py_for_stmt(iter_, extra_test, body):
    if extra_test is None:
        for target in iter_:
            body(target)
        return
    message = ("break and return statements which depend on a TF condition are not supported in Python for "
               "loops. Did you intend to make it a TF loop?")
    if not _python_bool(extra_test(), message):
        return
    for target in iter_:
        body(target)
        if not _python_bool(extra_test(), message):
            break


def _tf_for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, opts):
    if iter_.shape.rank == 0:
        raise TypeError("Cannot iterate over a scalar tensor.")
    n = _array.shape(iter_)[0]  # a tensor: a traced length stays tied to its input (tapegrad.range(n))
    elements = []
    index = 0

    def element(i):
        k = _concrete_index(i)
        if k is None:
            return execute(_array.gather_p, (iter_, i), {"axis": 0, "batch_dims": 0})  # i < n: no check
        if not elements:
            elements.extend(_array.unstack(iter_))
        return elements[k]

    def aug_get_state():
        return (index,) + tuple(get_state())

    def aug_set_state(values):
        nonlocal index
        index = values[0]
        set_state(tuple(values[1:]))

    def aug_body():
        nonlocal index
        body(element(index))
        index = index + 1

    def aug_test():
        main = index < n
        if extra_test is not None:
            return _cf.cond(main, extra_test, lambda: False) if _is_tensor(main) else (main and extra_test())
        return main

    index = convert_to_tensor(0)
    _tf_while_stmt(aug_test, aug_body, aug_get_state, aug_set_state, ("<internal iterate>",) + tuple(symbol_names),
                   opts)


def _tf_range_for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, opts):
    """``for i in tapegrad.range(start, limit, delta)``: a loop over a scalar iterate (TF's ``_tf_range_for_stmt``),
    so the range's length may change from call to call of a graph. As in TF, the target is ``start`` after a loop
    that does not run."""
    start, limit, delta = iter_.start, iter_.limit, iter_.delta
    iterate = start
    names = tuple(symbol_names)

    def aug_get_state():
        return (iterate,) + tuple(iterate if name == opts.get("iterate_names") and isinstance(v, Undefined) else v
                                  for name, v in zip(names, get_state()))

    def aug_set_state(values):
        nonlocal iterate
        iterate = values[0]
        set_state(tuple(values[1:]))

    def aug_body():
        nonlocal iterate
        body(iterate)
        iterate = _math.add(iterate, delta)

    def aug_test():
        if not is_symbolic(delta):
            main = _math.less(iterate, limit) if delta._value >= 0 else _math.greater(iterate, limit)
        else:
            main = _math.logical_or(_math.logical_and(_math.greater_equal(delta, 0), _math.less(iterate, limit)),
                                    _math.logical_and(_math.less(delta, 0), _math.greater(iterate, limit)))
        if extra_test is not None:
            return _cf.cond(main, extra_test, lambda: False)
        return main

    _tf_while_stmt(aug_test, aug_body, aug_get_state, aug_set_state, ("<internal iterate>",) + names, opts)


def _concrete_index(i):
    try:
        return int(i)
    except (TypeError, ValueError):
        return None


# --- builtins (TF's py_builtins) ----------------------------------------------------------------------------------

def len_(s):
    """``len``: the static first dimension of a Tensor, or its dynamic one; ``size()`` of a TensorArray."""
    if isinstance(s, TensorArray):
        return s.size()
    if _is_tensor(s):
        if s.shape.rank == 0:
            raise ValueError(f"len requires a non-scalar tensor, got one of shape {s.shape}")
        if s.shape[0] is not None:
            return s.shape[0]
        return _array.shape(s)[0]
    return len(s)


def for_iterable(f, args, kwargs):
    """The iterable of a ``for`` statement, ``converted_call(f, args, kwargs)``, except a ``tapegrad.range`` (or a
    ``range`` with a Tensor argument), which stays a ``TensorRange``: nothing else can see it."""
    if f is _array.range or (f is range and any(_is_tensor(a) for a in args)):
        return TensorRange(*args, **(kwargs or {}))
    from .conversion import converted_call
    return converted_call(f, args, kwargs)


def range_(start_or_stop, stop=None, step=None):
    """``range``: ``tapegrad.range`` when an argument is a Tensor."""
    args = [a for a in (start_or_stop, stop, step) if a is not None]
    if any(_is_tensor(a) for a in args):
        return _array.range(*args)
    return range(*args)


def abs_(x):
    return _math.abs(x) if _is_tensor(x) else abs(x)


def int_(x=0, *base):
    if _is_tensor(x) and not base:
        return _math.cast(x, _dt.int32)
    return int(x, *base)


def float_(x=0):
    return _math.cast(x, _dt.float32) if _is_tensor(x) else float(x)


BUILTINS = {abs: abs_, float: float_, int: int_, len: len_, range: range_}
