"""Static analysis of one function body for AutoGraph: which names each ``if``/``while``/``for`` reads and writes.

Runs on structured Python (after break/continue/return were lowered to flags),
so dataflow follows the statement tree instead of a control-flow graph, as in
TF's ``liveness`` and ``reaching_definitions`` passes. For every control-flow
statement it records, in ``Info``:

* ``modified``: names (and ``a.b`` attribute paths) bound inside it, nested
  function scopes excluded;
* ``live_in`` / ``live_out``: names that may be read before being rebound,
  entering / leaving the statement (loops iterate to a fixpoint);
* ``defined_in``: names possibly bound before it (a definition anywhere in an
  enclosing loop reaches it through the back edge);
* ``definitely_defined``: names bound on every path before it.

Approximations are conservative (``try`` keeps everything it reads live); a
name wrongly thought live only becomes an extra loop or branch variable.
"""
import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class Info:
    """Analysis results for one control-flow statement."""

    __slots__ = ("modified", "live_in", "live_out", "defined_in", "definitely_defined")

    def __init__(self):
        self.modified = set()
        self.live_in = set()
        self.live_out = set()
        self.defined_in = set()
        self.definitely_defined = set()


def composite_name(node):
    """'a.b.c' for an attribute chain rooted at a Name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return None
    return ".".join([node.id] + parts[::-1])


def reads(node):
    """Names read in an expression (or statement), nested scopes included (their free names)."""
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def target_binds(target):
    """Names and attribute paths an assignment target binds (subscripts bind nothing)."""
    out = set()
    stack = [target]
    while stack:
        t = stack.pop()
        if isinstance(t, ast.Name):
            out.add(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            stack.extend(t.elts)
        elif isinstance(t, ast.Starred):
            stack.append(t.value)
        elif isinstance(t, ast.Attribute):
            name = composite_name(t)
            if name:
                out.add(name)
    return out


def _walk_scope(nodes):
    """Nodes of statements ``nodes`` without descending into nested function/class scopes."""
    stack = list(nodes)[::-1]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES) or isinstance(node, _COMPREHENSIONS):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def bound_in(stmts):
    """Every name / attribute path bound by statements ``stmts`` (nested scopes contribute their own name)."""
    out = set()
    for node in _walk_scope(stmts):
        if isinstance(node, (ast.Assign,)):
            for t in node.targets:
                out |= target_binds(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            if not (isinstance(node, ast.AnnAssign) and node.value is None):
                out |= target_binds(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            out |= target_binds(node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            out |= target_binds(node.optional_vars)
        elif isinstance(node, ast.NamedExpr):
            out |= target_binds(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out


def _basic(names):
    return {n for n in names if "." not in n}


class Analyzer:
    """Computes ``Info`` for every if/while/for of one function body (not of nested functions)."""

    def __init__(self, fn):
        self.info = {}
        self.declared_global = set()
        self.declared_nonlocal = set()
        for node in _walk_scope(fn.body):
            if isinstance(node, ast.Global):
                self.declared_global |= set(node.names)
            elif isinstance(node, ast.Nonlocal):
                self.declared_nonlocal |= set(node.names)
        args = fn.args
        params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        self.params = params
        known = params | self.declared_global | self.declared_nonlocal
        self._defs(fn.body, set(known), set(known))
        self._block(fn.body, set())

    def _get(self, node):
        info = self.info.get(node)
        if info is None:
            info = self.info[node] = Info()
        return info

    # -- forward: possibly / definitely defined names ------------------------------------------------------------------

    def _defs(self, stmts, possible, definite):
        """Walks ``stmts`` forward; updates the two sets in place to their values after the block."""
        for s in stmts:
            if isinstance(s, (ast.If, ast.While, ast.For)):
                info = self._get(s)
                info.modified = bound_in([s])
                if isinstance(s, ast.If):
                    info.defined_in, info.definitely_defined = set(possible), set(definite)
                    p1, d1 = set(possible), set(definite)
                    self._defs(s.body, p1, d1)
                    p2, d2 = set(possible), set(definite)
                    self._defs(s.orelse, p2, d2)
                    possible |= p1 | p2
                    definite |= d1 & d2
                    continue
                inside = possible | info.modified  # inside the loop, its definitions reach back
                info.defined_in, info.definitely_defined = set(possible), set(definite)
                p1, d1 = set(inside), set(definite)
                if isinstance(s, ast.For):
                    d1 |= target_binds(s.target)
                self._defs(s.body, p1, d1)
                self._defs(s.orelse, set(inside), set(definite))
                possible |= info.modified
                continue
            if isinstance(s, (ast.With, ast.AsyncWith)):
                for item in s.items:
                    if item.optional_vars is not None:
                        b = target_binds(item.optional_vars)
                        possible |= b
                        definite |= b
                self._defs(s.body, possible, definite)
                continue
            if isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
                p, d = set(possible), set(definite)
                self._defs(s.body, p, d)
                for h in s.handlers:
                    self._defs(h.body, set(p | bound_in(s.body)), set(definite))
                self._defs(s.orelse, p, d)
                possible |= bound_in([s])
                fin_d = set(definite)
                self._defs(s.finalbody, possible, fin_d)
                definite |= fin_d
                continue
            b = bound_in([s])
            possible |= b
            definite |= b

    # -- backward: liveness -------------------------------------------------------------------------------------------

    def _block(self, stmts, live_out):
        live = set(live_out)
        for s in reversed(stmts):
            live = self._stmt(s, live)
        return live

    def _stmt(self, s, live_out):
        if isinstance(s, ast.If):
            info = self._get(s)
            info.live_out = set(live_out)
            live = reads(s.test) | self._block(s.body, live_out) | self._block(s.orelse, live_out)
            info.live_in = set(live)
            return live
        if isinstance(s, ast.While):
            info = self._get(s)
            info.live_out = set(live_out)
            exit_live = self._block(s.orelse, live_out)
            head = reads(s.test) | exit_live
            while True:
                new = reads(s.test) | exit_live | self._block(s.body, head)
                if new == head:
                    break
                head = new
            info.live_in = set(head)
            return head
        if isinstance(s, ast.For):
            info = self._get(s)
            info.live_out = set(live_out)
            targets = _basic(target_binds(s.target))
            target_reads = reads(s.target) | reads(getattr(s, "ag_extra_test", None))  # break/return flags
            exit_live = self._block(s.orelse, live_out)
            head = exit_live | target_reads
            while True:
                new = exit_live | (self._block(s.body, head) - targets) | target_reads
                if new == head:
                    break
                head = new
            info.live_in = head | reads(s.iter)
            return set(info.live_in)
        if isinstance(s, (ast.With, ast.AsyncWith)):
            live = self._block(s.body, live_out)
            for item in reversed(s.items):
                if item.optional_vars is not None:
                    live = (live - _basic(target_binds(item.optional_vars))) | reads(item.optional_vars)
                live |= reads(item.context_expr)
            return live
        if isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            everything = set(live_out) | reads(s)
            for block in [s.body, s.orelse, s.finalbody] + [h.body for h in s.handlers]:
                self._block(block, everything)
            return everything
        if isinstance(s, (ast.Assign, ast.AnnAssign)):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            if isinstance(s, ast.AnnAssign) and s.value is None:
                return set(live_out)
            live = set(live_out)
            for t in targets:
                live -= _basic(target_binds(t))
            live |= reads(s.value)
            for t in targets:
                live |= reads(t)  # subscript indices and attribute bases are read
            return live
        if isinstance(s, ast.AugAssign):
            return set(live_out) | reads(s.value) | reads(s.target) | _basic(target_binds(s.target))
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return (set(live_out) - {s.name}) | reads(s)
        if isinstance(s, ast.Return):
            return reads(s.value)
        if isinstance(s, (ast.Import, ast.ImportFrom)):
            return set(live_out) - bound_in([s])
        return set(live_out) | reads(s)  # Expr, Assert, Raise, Delete, Pass, Global, Match, ...
