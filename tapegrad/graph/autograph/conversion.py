"""Converting functions: source -> rewritten AST -> a function with the original globals and closure cells.

The rewritten ``def`` is compiled inside a factory whose parameters are
``ag__`` and the original's free variables, so that every name keeps its
meaning; the function is then built from the code object with the
*original* closure cells (so ``nonlocal`` writes reach the caller), globals
and defaults. The code keeps the user's file name and line numbers, so
tracebacks point at the user's source. Conversions are cached per code
object; functions are converted lazily at call time (``converted_call``).
"""
import ast
import functools
import inspect
import sys
import textwrap
import types
import warnings
import weakref

from . import operators
from .transformer import AG, Context, convert_function

_CODE_CACHE = {}                           # original code object -> (converted code object, source)
_CONVERTED_CODE = set()                    # code objects produced by conversion (never converted again)
_FUNCTIONS = weakref.WeakKeyDictionary()   # original function -> converted function, or None (run as is)
_DO_NOT_CONVERT_ATTR = "__autograph_do_not_convert__"
_SKIPPED_MODULES = ("tapegrad", "numpy", "scipy", "ml_dtypes", "cupy", "tensorflow", "torch", "jax", "pytest",
                    "_pytest", "IPython", "tqdm", "matplotlib")


def _stdlib(module):
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top == "builtins"


def _allowlisted(fn):
    """Functions AutoGraph leaves alone: tapegrad's, NumPy's, the standard library's, marked ones."""
    if getattr(fn, _DO_NOT_CONVERT_ATTR, False):
        return True
    # The defining module (functools.wraps copies a wrapped function's __module__ onto its wrapper).
    module = getattr(fn, "__globals__", {}).get("__name__") or getattr(fn, "__module__", None) or ""
    return module.split(".")[0] in _SKIPPED_MODULES or _stdlib(module)


def _source_tree(fn):
    """The dedented source of ``fn`` parsed, lines numbered as in its file, and its def node."""
    source = textwrap.dedent(inspect.getsource(fn.__code__))  # the code's own source, not a __wrapped__ one
    tree = ast.parse(source)
    ast.increment_lineno(tree, fn.__code__.co_firstlineno - 1)
    node = tree.body[0]
    if isinstance(node, ast.AsyncFunctionDef):
        raise NotImplementedError("async functions are not supported by AutoGraph")
    if not isinstance(node, ast.FunctionDef) or node.name != fn.__code__.co_name:
        raise ValueError(f"could not find the source of {fn.__qualname__} (lambda or dynamically created "
                         "function)")
    return tree, node


def _strip_signature(node):
    """Drops decorators, annotations and default values (defaults come from the original function)."""
    node.decorator_list = []
    node.returns = None
    args = node.args
    args.defaults, args.kw_defaults = [], [None] * len(args.kwonlyargs)
    for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
        if a is not None:
            a.annotation = None


def _convert_code(fn):
    """(converted code object, converted source) for ``fn``'s code, cached."""
    cached = _CODE_CACHE.get(fn.__code__)
    if cached is not None:
        return cached
    tree, node = _source_tree(fn)
    _strip_signature(node)
    freevars = fn.__code__.co_freevars
    ctx = Context(tree, fn.__code__.co_filename, "__class__" in freevars)
    params = node.args.posonlyargs + node.args.args
    convert_function(node, ctx, params[0].arg if params else None)
    node.name = f"tf__{fn.__code__.co_name}"
    factory = ast.FunctionDef(
        name="ag__factory",
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in (AG,) + freevars], vararg=None,
                           kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=[node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))], decorator_list=[], returns=None,
        type_params=[])
    ast.copy_location(factory, node)
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    code = compile(module, fn.__code__.co_filename, "exec", dont_inherit=True)
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    fn_code = next(c for c in factory_code.co_consts if isinstance(c, types.CodeType) and c.co_name == node.name)
    _register(fn_code)
    operators.CONVERTED_CODE.update(_CONVERTED_CODE)
    result = (fn_code, ast.unparse(node))
    _CODE_CACHE[fn.__code__] = result
    return result


def _register(code):
    _CONVERTED_CODE.add(code)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _register(c)


def _build(fn):
    code, _ = _convert_code(fn)
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    cells[AG] = types.CellType(operators_namespace)
    converted = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__,
                                   tuple(cells[name] for name in code.co_freevars))
    converted.__kwdefaults__ = fn.__kwdefaults__
    converted.__qualname__ = fn.__qualname__
    converted.__doc__ = fn.__doc__
    converted.__module__ = fn.__module__
    converted.__wrapped__ = fn
    return converted


def _warn_unconverted(fn, cause):
    warnings.warn(f"AutoGraph could not transform {fn!r} and will run it as-is.\nCause: {cause}\nTo silence this "
                  "warning, decorate the function with @tapegrad.autograph.experimental.do_not_convert",
                  stacklevel=3)


def _converted_function(fn):
    """The converted version of a plain Python function, or None to call it as is."""
    try:
        return _FUNCTIONS[fn]
    except KeyError:
        pass
    except TypeError:  # not weak-referenceable
        return None
    converted = None
    if fn.__code__ in _CONVERTED_CODE or _allowlisted(fn):
        converted = None
    elif fn.__name__ == "<lambda>":
        converted = None  # lambdas are expressions: they keep Python semantics
    else:
        try:
            converted = _build(fn)
        except (OSError, TypeError, ValueError, SyntaxError, NotImplementedError, IndentationError) as e:
            if isinstance(e, NotImplementedError) and type(e).__name__ == "ConversionError":
                raise
            _warn_unconverted(fn, e)
    _FUNCTIONS[fn] = converted
    return converted


def convert(entity):
    """The AutoGraph version of ``entity`` (a function, method or callable object); ``entity`` itself when it
    cannot or must not be converted (built-ins, tapegrad and NumPy functions, functions without source, which
    also warn)."""
    from ..function import Function
    if isinstance(entity, Function):
        return convert(entity.python_function)
    if isinstance(entity, functools.partial):
        return functools.partial(convert(entity.func), *entity.args, **entity.keywords)
    if inspect.ismethod(entity):
        converted = convert(entity.__func__)
        return entity if converted is entity.__func__ else types.MethodType(converted, entity.__self__)
    if inspect.isfunction(entity):
        if fn_is_lambda_without_source(entity):
            _warn_unconverted(entity, "could not get source code")
            return entity
        converted = _converted_function(entity)
        return entity if converted is None else converted
    call = getattr(type(entity), "__call__", None)
    if inspect.isfunction(call) and not inspect.isclass(entity):
        converted = _converted_function(call)
        if converted is not None:
            return types.MethodType(converted, entity)
    return entity


def fn_is_lambda_without_source(fn):
    if fn.__name__ != "<lambda>":
        return False
    try:
        inspect.getsource(fn)
        return False
    except (OSError, TypeError):
        return True


def to_code_of(entity):
    """The converted source of a function (after ``convert``)."""
    from ..function import Function
    if isinstance(entity, Function):
        entity = entity.python_function
    if inspect.ismethod(entity):
        entity = entity.__func__
    if not inspect.isfunction(entity):
        call = getattr(type(entity), "__call__", None)
        if not inspect.isfunction(call):
            raise TypeError(f"to_code expects a function, got {entity!r}")
        entity = call
    return _convert_code(entity)[1] + "\n"


def converted_call(f, args, kwargs):
    """Calls ``f(*args, **kwargs)`` from converted code, converting ``f`` first when it is user code."""
    kwargs = kwargs or {}
    try:
        overload = operators.BUILTINS.get(f)
    except TypeError:  # unhashable callable
        overload = None
    if overload is not None:
        return overload(*args, **kwargs)
    if inspect.isfunction(f):
        converted = _converted_function(f)
        return (converted or f)(*args, **kwargs)
    if inspect.ismethod(f) and inspect.isfunction(f.__func__):
        converted = _converted_function(f.__func__)
        if converted is not None:
            return converted(f.__self__, *args, **kwargs)
        return f(*args, **kwargs)
    if isinstance(f, functools.partial):
        return converted_call(f.func, f.args + tuple(args), {**f.keywords, **kwargs})
    return f(*args, **kwargs)


def do_not_convert(func=None):
    """Decorator: AutoGraph calls ``func`` as it is, never converting it."""
    if func is None:
        return do_not_convert
    try:
        setattr(func, _DO_NOT_CONVERT_ATTR, True)
    except AttributeError:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        setattr(wrapper, _DO_NOT_CONVERT_ATTR, True)
        return wrapper
    return func


operators_namespace = types.SimpleNamespace(
    converted_call=converted_call, if_stmt=operators.if_stmt, while_stmt=operators.while_stmt,
    for_stmt=operators.for_stmt, for_iterable=operators.for_iterable, and_=operators.and_, or_=operators.or_,
    not_=operators.not_, if_exp=operators.if_exp, ld=operators.ld, ldu=operators.ldu, retval=operators.retval,
    Undefined=operators.Undefined, UndefinedReturnValue=operators.UndefinedReturnValue)
