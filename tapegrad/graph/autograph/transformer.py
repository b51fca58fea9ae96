"""The AST rewrite behind AutoGraph (TF's converters, in the same order).

For each function (nested ``def``s included, each with its own scope):

1. ``break`` / ``continue`` become boolean flags (``break_``, ``continue_``):
   the statements after a jump are guarded by ``if not flag:``, a ``while``
   test gains ``not break_ and``, a ``for`` an extra test, and a loop's
   ``else:`` clause runs ``if not break_``.
2. ``return`` becomes ``do_return = True; retval_ = value`` with the same
   guarding (after TF's rewrite that moves the statements following an
   ``if`` that always returns into its other branch), and loops containing a
   return stop on ``do_return``.
3. Calls become ``ag__.converted_call(f, args, kwargs)``; ``and`` / ``or`` /
   ``not`` / ``a if c else b`` become ``ag__.and_`` etc. with lazy operands;
   reads of variables that may hold ``ag__.Undefined`` become ``ag__.ld(x)``.
4. ``if`` / ``while`` / ``for`` become calls to ``ag__.if_stmt`` /
   ``while_stmt`` / ``for_stmt`` with the block as a nested function and
   ``get_state`` / ``set_state`` closures over the variables the statement
   modifies and that are live around it (``analysis``).
"""
import ast
import copy

from .analysis import Analyzer

AG = "ag__"


class ConversionError(NotImplementedError):
    """A construct AutoGraph cannot convert; the message names the file and line."""


class Context:
    """Per-conversion state: the unique-name generator and the source file (for messages)."""

    def __init__(self, tree, filename, class_cell):
        self.filename = filename
        self.class_cell = class_cell  # the original function uses super(): rewrite super() to super(__class__, self)
        self._taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        self._taken |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        self._taken |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        self.flags = set()

    def new_name(self, base):
        name, k = base, 0
        while name in self._taken:
            k += 1
            name = f"{base}_{k}"
        self._taken.add(name)
        return name

    def new_flag(self, base):
        name = self.new_name(base)
        self.flags.add(name)
        return name

    def error(self, node, message):
        return ConversionError(f"{self.filename}:{getattr(node, 'lineno', '?')}: {message}")


# --- small AST helpers ---------------------------------------------------------------------------------------------

def _parse(src):
    return ast.parse(src).body


def _name(id_, ctx=None):
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _ag(attr):
    return ast.Attribute(value=_name(AG), attr=attr, ctx=ast.Load())


def _call(func, args, keywords=()):
    return ast.Call(func=func, args=list(args), keywords=list(keywords))


def _is_converted_call(node):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "converted_call"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == AG)


def _lambda(body):
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                         kwarg=None, defaults=[]), body=body)


def _assign(name, value):
    return ast.Assign(targets=[_name(name, ast.Store())], value=value)


def _not(expr):
    return ast.UnaryOp(op=ast.Not(), operand=expr)


def _and(*exprs):
    exprs = [e for e in exprs if e is not None]
    if not exprs:
        return None
    return exprs[0] if len(exprs) == 1 else ast.BoolOp(op=ast.And(), values=exprs)


def _at(nodes, ref):
    """Gives every node in ``nodes`` (and below) the source position of ``ref``."""
    for top in nodes:
        for n in ast.walk(top):
            if "lineno" in n._attributes:
                n.lineno = getattr(ref, "lineno", 1)
                n.end_lineno = getattr(ref, "end_lineno", n.lineno)
                n.col_offset = getattr(ref, "col_offset", 0)
                n.end_col_offset = getattr(ref, "end_col_offset", 0)
    return nodes


def _scope_nodes(stmts):
    """Nodes of ``stmts`` outside nested function and class scopes."""
    stack = list(stmts)
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(n))


def _is_generator(fn):
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _scope_nodes(fn.body))


# --- 1 and 2: lowering of break, continue and return ---------------------------------------------------------------

def _jumps_in(stmts, kinds, into_loops):
    """True when ``stmts`` hold a jump of ``kinds`` (inner loops only looked into when ``into_loops``)."""
    stack = list(stmts)
    while stack:
        n = stack.pop()
        if isinstance(n, kinds):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(n, (ast.While, ast.For)) and not into_loops:
            stack.extend(n.orelse)
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


class _Jumps:
    """Replaces the jumps of one kind in a block by a flag, guarding what follows them."""

    def __init__(self, ctx, kinds, flag, replace, into_loops, on_loop=None):
        self.ctx, self.kinds, self.flag, self.replace = ctx, kinds, flag, replace
        self.into_loops, self.on_loop = into_loops, on_loop

    def block(self, stmts):
        out = []
        for i, s in enumerate(stmts):
            if isinstance(s, self.kinds):
                out.extend(self.replace(s))
                return out  # what follows a jump is unreachable
            if not _jumps_in([s], self.kinds, self.into_loops):
                out.append(s)
                continue
            self.stmt(s)
            out.append(s)
            rest = self.block(stmts[i + 1:])
            if rest:
                guard = ast.If(test=_at([_not(_name(self.flag))], rest[0])[0], body=rest, orelse=[])
                out.append(ast.copy_location(guard, rest[0]))
            return out
        return out

    def stmt(self, s):
        if isinstance(s, ast.If):
            s.body = self.block(s.body) or [ast.Pass()]
            s.orelse = self.block(s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            s.body = self.block(s.body) or [ast.Pass()]
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            s.body = self.block(s.body) or [ast.Pass()]
            for h in s.handlers:
                h.body = self.block(h.body) or [ast.Pass()]
            s.orelse = self.block(s.orelse)
            s.finalbody = self.block(s.finalbody)
        elif isinstance(s, (ast.While, ast.For)):
            s.body = self.block(s.body) or [ast.Pass()]
            self.on_loop(s)
        else:
            what = type(self.kinds()).__name__.lower()
            raise self.ctx.error(s, f"a '{what}' statement inside a '{type(s).__name__.lower()}' statement is not "
                                    "supported by AutoGraph")


def _add_loop_test(loop, test):
    if isinstance(loop, ast.While):
        _at([test], loop.test)
        loop.test = ast.BoolOp(op=ast.And(), values=[test, loop.test])
    else:
        _at([test], loop)
        loop.ag_extra_test = _and(test, getattr(loop, "ag_extra_test", None))


def _lower_loops(stmts, ctx):
    """Lowers break/continue of every loop in ``stmts`` (innermost first); returns the new statements."""
    out = []
    for s in stmts:
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(s, field, None), list) and not isinstance(s, (ast.FunctionDef,
                                                                                 ast.AsyncFunctionDef,
                                                                                 ast.ClassDef)):
                setattr(s, field, _lower_loops(getattr(s, field), ctx))
        for h in getattr(s, "handlers", []):
            h.body = _lower_loops(h.body, ctx)
        if isinstance(s, (ast.While, ast.For)):
            out.extend(_lower_loop(s, ctx))
        else:
            out.append(s)
    return out


def _lower_loop(loop, ctx):
    if _jumps_in(loop.body, ast.Continue, False):
        flag = ctx.new_flag("continue_")
        body = _Jumps(ctx, ast.Continue, flag, lambda s: _at([_assign(flag, ast.Constant(True))], s),
                      False).block(loop.body)
        loop.body = _at([_assign(flag, ast.Constant(False))], loop.body[0]) + body
    pre, post = [], loop.orelse
    if _jumps_in(loop.body, ast.Break, False):
        flag = ctx.new_flag("break_")
        loop.body = _Jumps(ctx, ast.Break, flag, lambda s: _at([_assign(flag, ast.Constant(True))], s),
                           False).block(loop.body)
        loop.body = loop.body or [ast.Pass()]
        pre = _at([_assign(flag, ast.Constant(False))], loop)
        _add_loop_test(loop, _not(_name(flag)))
        if post:
            post = [ast.copy_location(ast.If(test=_at([_not(_name(flag))], post[0])[0], body=post, orelse=[]),
                                      post[0])]
    loop.orelse = []
    return pre + [loop] + post


def _always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ast.Return):
        return True
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def _move_rest_into_branches(stmts):
    """TF's ConditionalReturnRewriter: ``if c: return a`` + rest  ->  ``if c: return a`` / ``else: rest``."""
    out = []
    for i, s in enumerate(stmts):
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(s, field, None), list) and not isinstance(s, (ast.FunctionDef,
                                                                                 ast.AsyncFunctionDef,
                                                                                 ast.ClassDef)):
                setattr(s, field, _move_rest_into_branches(getattr(s, field)))
        for h in getattr(s, "handlers", []):
            h.body = _move_rest_into_branches(h.body)
        out.append(s)
        if isinstance(s, ast.If) and i + 1 < len(stmts):
            rest = stmts[i + 1:]
            body_returns, else_returns = _always_returns(s.body), _always_returns(s.orelse)
            if body_returns and else_returns:
                return out
            if body_returns:
                s.orelse = _move_rest_into_branches(s.orelse + rest)
                return out
            if else_returns:
                s.body = _move_rest_into_branches(s.body + rest)
                return out
    return out


def _lower_returns(fn, ctx):
    returns = [n for n in _scope_nodes(fn.body) if isinstance(n, ast.Return)]
    if not returns or (len(returns) == 1 and fn.body[-1] is returns[0]):
        return
    fn.body = _move_rest_into_branches(fn.body)
    do_return, retval = ctx.new_flag("do_return"), ctx.new_name("retval_")
    ctx.flags.add(retval)

    def replace(s):
        value = s.value if s.value is not None else ast.Constant(None)
        stmts = [_assign(do_return, ast.Constant(True)), _assign(retval, value)]
        _at([stmts[0], stmts[1].targets[0]], s)
        stmts[1] = ast.copy_location(stmts[1], s)
        return stmts

    def on_loop(loop):
        _add_loop_test(loop, _not(_name(do_return)))

    body = _Jumps(ctx, ast.Return, do_return, replace, True, on_loop).block(fn.body)
    head = _at([_assign(do_return, ast.Constant(False)),
                _assign(retval, _call(_ag("UndefinedReturnValue"), []))], fn.body[0])
    tail = _at([ast.Return(value=_call(_ag("retval"), [_name(retval)]))], fn.body[-1])
    fn.body = head + body + tail


# --- 3: expressions --------------------------------------------------------------------------------------------------

class _Expressions(ast.NodeTransformer):
    """Calls, logical operators, conditional expressions and reads of possibly undefined variables."""

    def __init__(self, ctx, maybe_undefined, first_arg):
        self.ctx, self.maybe_undefined, self.first_arg = ctx, maybe_undefined, first_arg

    def visit_FunctionDef(self, node):
        return node  # converted on its own

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.maybe_undefined:
            return ast.copy_location(_call(_ag("ld"), [node]), node)
        return node

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == AG:
            return node  # produced by the converter
        if (isinstance(func, ast.Name) and func.id == "super" and not node.args and not node.keywords
                and self.ctx.class_cell and self.first_arg):
            node.args = [_name("__class__"), _name(self.first_arg)]  # zero-argument super() needs the class cell
        self.generic_visit(node)
        args = ast.Tuple(elts=node.args, ctx=ast.Load())
        if node.keywords:
            kwargs = ast.Dict(keys=[ast.Constant(k.arg) if k.arg else None for k in node.keywords],
                              values=[k.value for k in node.keywords])
        else:
            kwargs = ast.Constant(None)
        out = _call(_ag("converted_call"), [node.func, args, kwargs])
        _at([out], node)
        out.args = [node.func, args, kwargs]
        return out

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        op = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = _call(_ag(op), [_lambda(value), _lambda(result)])
        return self._located(result, node)

    def _located(self, new, ref):
        for n in ast.walk(new):
            if "lineno" in n._attributes and not hasattr(n, "lineno"):
                ast.copy_location(n, ref)
        return new

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return self._located(_call(_ag("not_"), [node.operand]), node)
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        text = ast.unparse(node.test)
        return self._located(_call(_ag("if_exp"), [node.test, _lambda(node.body), _lambda(node.orelse),
                                                   ast.Constant(text)]), node)


# --- 4: control flow -------------------------------------------------------------------------------------------------

class _ControlFlow(ast.NodeTransformer):
    """if / while / for as calls to ``ag__.if_stmt`` / ``while_stmt`` / ``for_stmt``."""

    def __init__(self, ctx, analyzer, expressions):
        self.ctx, self.an, self.expressions = ctx, analyzer, expressions

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def state_of(self, node, modified):
        """(state variables, input-only ones, names that need an Undefined initial value) of a statement."""
        info = self.an.info[node]
        escaping = self.an.declared_global | self.an.declared_nonlocal
        basic = {v for v in modified if "." not in v
                 and (v in info.live_in or v in info.live_out or v in escaping)}
        rebound = {v for v in modified if "." not in v}
        composite = {v for v in modified if "." in v and v.split(".")[0] not in rebound
                     and v.split(".")[0] in info.live_in | info.live_out | self.an.params}
        input_only = {v for v in basic if v in info.live_in and v not in info.live_out}
        state = sorted(basic | composite, key=lambda v: (v in input_only, v))
        undefined = sorted(v for v in basic if v not in info.defined_in and v not in escaping)
        return state, input_only, undefined

    def _declarations(self, names):
        names = [n for n in names if "." not in n]
        glob = [n for n in names if n in self.an.declared_global]
        nonloc = [n for n in names if n not in self.an.declared_global]
        out = []
        if glob:
            out += _parse(f"global {', '.join(glob)}")
        if nonloc:
            out += _parse(f"nonlocal {', '.join(nonloc)}")
        return out

    def _state_functions(self, node, state, undefined):
        info = self.an.info[node]
        get, set_ = self.ctx.new_name("get_state"), self.ctx.new_name("set_state")
        loads = []
        for v in state:
            sure = v in info.definitely_defined or v in undefined or v in self.ctx.flags
            loads.append(v if sure and "." not in v else f"{AG}.ldu(lambda: {v}, {v!r})")
        tuple_src = f"({', '.join(loads)},)" if loads else "()"
        targets = f"({', '.join(state)},)" if state else None
        stmts = _parse(f"def {get}():\n    return {tuple_src}\n")
        setter = _parse(f"def {set_}(vars_):\n    {targets or 'pass'}{' = vars_' if targets else ''}\n")
        setter[0].body = self._declarations(state) + setter[0].body
        inits = [_parse(f"{v} = {AG}.Undefined({v!r})")[0] for v in undefined]
        return inits + stmts + setter, get, set_

    def _prologue(self, node):
        """Converts the blocks inside ``node``; returns its state, input-only names and state functions."""
        self.generic_visit(node)
        state, input_only, undefined = self.state_of(node, self.an.info[node].modified)
        helpers, get, set_ = self._state_functions(node, state, undefined)
        return state, input_only, helpers, get, set_

    def _function(self, name, body, state, params=()):
        fn = _parse(f"def {name}({', '.join(params)}):\n    pass\n")[0]
        fn.body = self._declarations(state) + (body or [ast.Pass()])
        return fn

    def visit_If(self, node):
        state, input_only, helpers, get, set_ = self._prologue(node)
        body_name, else_name = self.ctx.new_name("if_body"), self.ctx.new_name("else_body")
        body_fn = self._function(body_name, [], state)
        else_fn = self._function(else_name, [], state)
        call = _parse(f"{AG}.if_stmt(_test, {body_name}, {else_name}, {get}, {set_}, {tuple(state)!r}, "
                      f"{len(state) - len(input_only)})")
        out = _at(helpers + [body_fn, else_fn] + call, node)
        body_fn.body[len(body_fn.body) - 1:] = node.body if node.body else [ast.Pass()]
        else_fn.body[len(else_fn.body) - 1:] = node.orelse if node.orelse else _at([ast.Pass()], node)
        call[0].value.args[0] = node.test
        return out

    def visit_While(self, node):
        state, _, helpers, get, set_ = self._prologue(node)
        body_name, test_name = self.ctx.new_name("loop_body"), self.ctx.new_name("loop_test")
        body_fn = self._function(body_name, [], state)
        test_fn = _parse(f"def {test_name}():\n    return _test\n")[0]
        call = _parse(f"{AG}.while_stmt({test_name}, {body_name}, {get}, {set_}, {tuple(state)!r}, {{}})")
        out = _at(helpers + [body_fn, test_fn] + call, node)
        body_fn.body[len(body_fn.body) - 1:] = node.body
        test_fn.body[0].value = node.test
        call[0].value.args[5] = self._options(node)
        return out

    def visit_For(self, node):
        extra = getattr(node, "ag_extra_test", None)
        state, _, helpers, get, set_ = self._prologue(node)
        body_name = self.ctx.new_name("loop_body")
        itr = self.ctx.new_name("itr")
        body_fn = self._function(body_name, [], state, [itr])
        target = ast.Assign(targets=[node.target], value=_name(itr))
        extra_fn, extra_name = [], "None"
        if extra is not None:
            extra_name = self.ctx.new_name("extra_test")
            extra_fn = [_parse(f"def {extra_name}():\n    return _test\n")[0]]
        iterate_names = ", ".join(sorted(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)))
        call = _parse(f"{AG}.for_stmt(_iter, {extra_name}, {body_name}, {get}, {set_}, {tuple(state)!r}, {{}})")
        out = _at(helpers + [body_fn] + extra_fn + call, node)
        _at([target], node)
        target.targets = [node.target]
        body_fn.body[len(body_fn.body) - 1:] = [target] + node.body
        if extra_fn:
            extra_fn[0].body[0].value = self.expressions.visit(extra)
        call[0].value.args[0] = node.iter
        if _is_converted_call(node.iter):  # a range there is not built (ag__.for_iterable)
            node.iter.func = _at([_ag("for_iterable")], node.iter)[0]
        options = self._options(node)
        options.keys.append(ast.Constant("iterate_names"))
        options.values.append(ast.Constant(iterate_names))
        call[0].value.args[6] = options
        return out

    def _options(self, loop):
        """Loop options from a ``set_loop_options(...)`` call at the top of the loop body (TF's directive)."""
        keys, values = [], []
        for s in loop.body[:3]:
            call = getattr(s, "value", None)
            if not isinstance(s, ast.Expr) or not isinstance(call, ast.Call):
                continue
            target = call.args[0] if (isinstance(call.func, ast.Attribute) and call.func.attr == "converted_call"
                                      and call.args) else call.func
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
            if name != "set_loop_options":
                continue
            kw = call.args[2] if target is not call.func else None
            pairs = (zip(kw.keys, kw.values) if isinstance(kw, ast.Dict)
                     else ((ast.Constant(k.arg), k.value) for k in call.keywords))
            for k, v in pairs:
                if isinstance(k, ast.Constant) and k.value in ("maximum_iterations", "shape_invariants"):
                    keys.append(ast.Constant(k.value))
                    values.append(copy.deepcopy(v))
        return ast.Dict(keys=keys, values=values)


# --- driver ----------------------------------------------------------------------------------------------------------

def convert_function(fn, ctx, first_arg=None):
    """Rewrites ``fn`` (an ast.FunctionDef) in place; nested defs are converted too."""
    if isinstance(fn, ast.AsyncFunctionDef):
        raise ctx.error(fn, f"async function '{fn.name}' is not supported by AutoGraph")
    if _is_generator(fn):
        return  # generators keep Python semantics (TF does not convert them either)
    for node in list(_scope_nodes(fn.body)):
        if isinstance(node, ast.FunctionDef) and node is not fn:
            args = node.args.posonlyargs + node.args.args
            convert_function(node, ctx, args[0].arg if args else None)
    fn.body = _lower_loops(fn.body, ctx)
    _lower_returns(fn, ctx)
    analyzer = Analyzer(fn)
    control = _ControlFlow(ctx, analyzer, None)
    maybe_undefined = set()  # variables that may hold ag__.Undefined: their reads go through ag__.ld
    for node, info in analyzer.info.items():
        state, _, undefined = control.state_of(node, info.modified)
        maybe_undefined |= set(undefined) | {v for v in state if "." not in v and v not in info.definitely_defined}
    maybe_undefined -= ctx.flags
    expressions = _Expressions(ctx, maybe_undefined, first_arg)
    control.expressions = expressions
    fn.body = [expressions.visit(s) for s in fn.body]
    new_body = []
    for s in fn.body:
        r = control.visit(s)
        new_body.extend(r if isinstance(r, list) else [r])
    fn.body = new_body


__all__ = ["convert_function", "Context", "ConversionError"]
