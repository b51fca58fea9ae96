"""Graph passes and the executor: a traced Graph becomes generated Python source.

Passes (each returns a new equation list; the graph's values keep their numbers):

* ``simplify``: an ``identity``/``stop_gradient``, a same-dtype ``cast``, a
  ``reshape``/``broadcast_to`` to the input's own shape, ``x + 0`` and ``x * 1``
  (the zeros and ones a backward pass seeds) whose result has ``x``'s shape
  and dtype become aliases of ``x``;
* ``fold``: equations whose inputs are all constants run once, at compile time;
* ``cse``: equal equations (same primitive, inputs and parameters) run once;
* ``fuse_sums``: a sum of many same-shaped ``matmul``s (or ``reduce_sum``s over
  the leading axis), as a backward pass accumulates weight gradients over the
  steps of an unrolled loop, becomes one matmul (one reduction) of
  concatenated operands;
* ``dce``: equations whose outputs are unused disappear, except effectful ones
  (assignments, ``print``).

Stateful equations (variable reads, random draws, calls that assign) are never
merged or folded. ``compile_graph`` then writes one Python function that calls
the kernels (``prim.impl``) on arrays directly, Python operators inline for the
arithmetic kernels that are operators, and ``del``s each temporary after its
last use: no per-op dispatch, no tape.
"""
import operator
import numpy as np

from .. import errors
from .._core.dispatch import _kernel_error
from .._core.primitive import Primitive
from .tracer import EFFECTFUL, STATEFUL, Eqn, read_var_p

_INFIX = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
          operator.matmul: "@"}


def _alias_of(eq, consts, avals):
    """The input value that ``eq``'s single output equals, or None."""
    name = eq.prim.name
    if eq.prim.multiple_results or len(eq.outs) != 1:
        return None
    out = eq.outs[0]
    if name in ("identity", "stop_gradient"):
        return eq.ins[0]
    if name in ("cast", "reshape", "broadcast_to") and avals[eq.ins[0]] == avals[out]:
        return eq.ins[0]
    if name in ("add", "multiply") and len(eq.ins) == 2:
        neutral = 0 if name == "add" else 1
        for keep, other in ((0, 1), (1, 0)):
            c = consts.get(eq.ins[other])
            if c is not None and eq.ins[keep] not in consts and avals[eq.ins[keep]] == avals[out] \
                    and np.size(c) <= np.prod(avals[out][0]) and np.all(np.asarray(c) == neutral):
                return eq.ins[keep]
    return None


def simplify(eqns, consts, avals):
    alias = {}
    out = []
    for eq in eqns:
        if alias:
            eq.ins = [alias.get(i, i) for i in eq.ins]
        a = _alias_of(eq, consts, avals)
        if a is not None:
            alias[eq.outs[0]] = a
            continue
        out.append(eq)
    return out, alias


def fold(eqns, consts):
    out = []
    for eq in eqns:
        if eq.ins and eq.prim not in STATEFUL and all(i in consts for i in eq.ins) and eq.outs:
            try:
                r = eq.prim.impl(*[consts[i] for i in eq.ins], **eq.params)
            except Exception:  # leave the error for run time, where it names the op
                out.append(eq)
                continue
            for v, a in zip(eq.outs, r if eq.prim.multiple_results else (r,)):
                consts[v] = a
            continue
        out.append(eq)
    return out


def _params_key(params):
    try:
        key = tuple(sorted(params.items()))
        hash(key)
        return key
    except TypeError:
        return None


def cse(eqns):
    seen = {}
    alias = {}
    out = []
    for eq in eqns:
        if alias:
            eq.ins = [alias.get(i, i) for i in eq.ins]
        if eq.prim not in STATEFUL and eq.prim not in EFFECTFUL:
            pk = _params_key(eq.params)
            if pk is not None:
                key = (eq.prim, tuple(eq.ins), pk)
                prev = seen.get(key)
                if prev is not None:
                    alias.update(zip(eq.outs, prev.outs))
                    continue
                seen[key] = eq
        out.append(eq)
    return out, alias


_BLAS_SINGLE_THREAD = 262144  # OpenBLAS runs a GEMM with m*n*k below this on one thread


def _concat_matmul(*arrays, n, axes):
    """sum_i op(a_i) @ op(b_i) as few matmuls: the a_i and b_i concatenated along the contracted axis.

    The contraction is cut into pieces small enough for a single-threaded BLAS
    call: a threaded GEMM on a loaded machine costs more than it saves here.
    """
    a = np.concatenate(arrays[:n], axis=axes[0])
    b = np.concatenate(arrays[n:], axis=axes[1])
    a = a.T if axes[0] == 0 else a      # [m, K]
    b = b.T if axes[1] == 1 else b      # [K, n]
    m, k = a.shape
    step = max(1, _BLAS_SINGLE_THREAD // max(1, m * b.shape[1]) - 1)
    out = a[:, :step] @ b[:step]
    for start in range(step, k, step):
        out += a[:, start:start + step] @ b[start:start + step]
    return out


def _concat_sum(*arrays, keepdims):
    return np.add.reduce(np.concatenate(arrays, axis=0), axis=0, keepdims=keepdims)


_concat_matmul_p = Primitive("fused_matmul_sum", _concat_matmul, register=False)
_concat_sum_p = Primitive("fused_reduce_sum", _concat_sum, register=False)
# (adjoint_a, adjoint_b) -> axes along which a_i and b_i are concatenated (the contracted ones)
_MATMUL_AXES = {(True, False): (0, 0), (False, False): (1, 0), (False, True): (1, 1)}


def fuse_sums(eqns, outputs, avals, min_terms=3):
    """Rewrites add-trees of >= ``min_terms`` same-shaped matmuls / leading-axis reduce_sums (see above)."""
    producer, uses = {}, {}
    for eq in eqns:
        for o in eq.outs:
            producer[o] = eq
        for i in eq.ins:
            uses[i] = uses.get(i, 0) + 1
    for o in outputs:
        uses[o] = uses.get(o, 0) + 1

    def same_add(e):
        return e.prim.name == "add" and len(e.ins) == 2 and avals[e.ins[0]] == avals[e.ins[1]] == avals[e.outs[0]]

    def inner_add(v):  # an add whose only use is another add of the tree
        e = producer.get(v)
        return e is not None and same_add(e) and uses.get(v) == 1

    consumed_by_add = set()
    for eq in eqns:
        if same_add(eq):
            consumed_by_add.update(eq.ins)
    removed, rewrite = set(), {}
    for eq in eqns:
        if not same_add(eq) or (eq.outs[0] in consumed_by_add and uses.get(eq.outs[0]) == 1):
            continue  # not the root of an add tree
        tree, leaves, stack = [eq], [], list(eq.ins)
        while stack:
            v = stack.pop()
            if inner_add(v):
                tree.append(producer[v])
                stack.extend(producer[v].ins)
            else:
                leaves.append(v)
        if len(leaves) < min_terms:
            continue
        groups = {}
        for v in leaves:
            e = producer.get(v)
            if e is None or uses.get(v) != 1 or avals[v][1].kind != "f" or avals[v][1].itemsize < 4:
                continue
            if e.prim.name == "matmul" and len(avals[e.ins[0]][0]) == 2 and len(avals[e.ins[1]][0]) == 2:
                flags = (e.params.get("adjoint_a"), e.params.get("adjoint_b"))
                if flags in _MATMUL_AXES:
                    groups.setdefault(("mm",) + flags, []).append(e)
            elif e.prim.name == "reduce_sum" and tuple(e.params.get("axes", ())) == (0,):
                groups.setdefault(("rs", e.params.get("keepdims")), []).append(e)
        chain, terms, fused_leaves = [], [], set()
        for key, es in groups.items():
            if len(es) < min_terms:
                continue
            if key[0] == "mm":
                fused = Eqn(_concat_matmul_p, [e.ins[0] for e in es] + [e.ins[1] for e in es],
                            [es[0].outs[0]], {"n": len(es), "axes": _MATMUL_AXES[key[1:]]})
            else:
                fused = Eqn(_concat_sum_p, [e.ins[0] for e in es], [es[0].outs[0]], {"keepdims": key[1]})
            chain.append(fused)
            terms.append(es[0].outs[0])
            fused_leaves.update(e.outs[0] for e in es)
            removed.update(id(e) for e in es)
        if not chain:
            continue
        terms += [v for v in leaves if v not in fused_leaves]
        if len(terms) == 1:  # the whole sum is one fused equation: it computes the root's value
            chain[-1].outs = [eq.outs[0]]
        acc = terms[0]
        for k, t in enumerate(terms[1:]):
            target = eq.outs[0] if k == len(terms) - 2 else tree[k + 1].outs[0]
            chain.append(Eqn(eq.prim, [acc, t], [target], eq.params))
            acc = target
        removed.update(id(e) for e in tree)
        rewrite[id(eq)] = chain
    if not rewrite:
        return eqns
    out = []
    for e in eqns:
        if id(e) in rewrite:
            out.extend(rewrite[id(e)])
        elif id(e) not in removed:
            out.append(e)
    return out


def dce(eqns, outputs):
    live = set(outputs)
    kept = []
    for eq in reversed(eqns):
        if eq.prim in EFFECTFUL or not live.isdisjoint(eq.outs):
            live.update(eq.ins)
            kept.append(eq)
    kept.reverse()
    return kept


def optimize(graph):
    """(equations, outputs, consts) of ``graph`` after the passes; the graph itself is unchanged."""
    from .tracer import Eqn
    consts = dict(graph.consts)
    eqns = [Eqn(e.prim, list(e.ins), list(e.outs), e.params) for e in graph.eqns]
    outputs = list(graph.outputs)
    eqns, alias1 = simplify(eqns, consts, graph.avals)
    eqns = fold(eqns, consts)
    eqns, alias2 = cse(eqns)
    alias = alias1
    for k, v in alias2.items():
        alias[k] = v
    outputs = [_resolve(alias, o) for o in outputs]
    eqns = dce(eqns, outputs)
    eqns = fuse_sums(eqns, outputs, graph.avals)
    return eqns, outputs, consts


def _resolve(alias, v):
    while v in alias:
        v = alias[v]
    return v


class Compiled:
    """A compiled graph: ``run(*input arrays) -> list of output arrays``, plus what it needs to report errors."""

    def __init__(self, graph):
        eqns, outputs, consts = optimize(graph)
        self.eqns = eqns
        self.n_eqns = len(eqns)
        src, namespace, self.line_to_eqn = _generate(graph, eqns, outputs, consts)
        self.source = src
        self.filename = f"<tapegrad.function {graph.name} #{id(self):x}>"
        code = compile(src, self.filename, "exec")
        exec(code, namespace)
        self.run = namespace["run"]

    def __call__(self, *arrays):
        try:
            return self.run(*arrays)
        except errors.OpError:
            raise
        except Exception as e:
            located = self._failing_eqn(e)
            if located is None:
                raise
            eq, inputs = located
            raise _kernel_error(eq.prim, inputs, eq.params, e) from e

    def _failing_eqn(self, exc):
        """(equation, its input Tensors) where ``exc`` was raised in the generated code."""
        from .._core.tensor import Tensor
        tb, frame, line = exc.__traceback__, None, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                frame, line = tb.tb_frame, tb.tb_lineno
            tb = tb.tb_next
        hit = self.line_to_eqn.get(line)
        if hit is None:
            return None
        eq, arg_names = hit
        values = [frame.f_locals.get(n, frame.f_globals.get(n)) for n in arg_names]
        return eq, [Tensor(np.asarray(v)) for v in values]


def _plain_matmul(eq, avals):
    """A matmul of two real float32/float64 matrices: ``a @ b`` (``.T`` for adjoints) is its kernel."""
    (sa, da), (sb, db) = avals[eq.ins[0]], avals[eq.ins[1]]
    return len(sa) == 2 and len(sb) == 2 and da == db and da in (np.float32, np.float64)


def _generate(graph, eqns, outputs, consts):
    ns = {"__name__": "tapegrad.graph.generated"}  # under tapegrad's RuntimeWarning filter, like the kernels
    names = {}
    for k, v in enumerate(graph.inputs):
        names[v] = f"a{k}"
    const_names = {}

    def ref(v):
        n = names.get(v)
        if n is not None:
            return n
        if v in consts:
            n = const_names.get(v)
            if n is None:
                n = const_names[v] = f"c{v}"
                ns[n] = consts[v]
            return n
        raise KeyError(f"graph value {v} is used before it is computed")

    last_use = {}
    for k, eq in enumerate(eqns):
        for i in eq.ins:
            last_use[i] = k
    out_set = set(outputs)
    lines = [f"def run({', '.join(names[v] for v in graph.inputs)}):"]
    line_to_eqn = {}
    for k, eq in enumerate(eqns):
        prim = eq.prim
        args = [ref(i) for i in eq.ins]
        for o in eq.outs:
            names[o] = f"v{o}"
        if prim is read_var_p:
            vname = f"V{k}"
            ns[vname] = eq.params["var"]
            call = f"{vname}._value"
        elif prim.name == "matmul" and _plain_matmul(eq, graph.avals):
            ta = ".T" if eq.params.get("adjoint_a") else ""
            tb = ".T" if eq.params.get("adjoint_b") else ""
            call = f"{args[0]}{ta} @ {args[1]}{tb}"
        else:
            kname = f"k{k}"
            ns[kname] = prim.impl
            op = _INFIX.get(prim.impl)
            if op is not None and len(args) == 2 and not eq.params:
                call = f"{args[0]} {op} {args[1]}"
            else:
                for key, value in eq.params.items():
                    pname = f"p{k}_{key}"
                    ns[pname] = value
                    args.append(f"{key}={pname}")
                call = f"{kname}({', '.join(args)})"
        if prim.multiple_results:
            if eq.outs:
                lhs = ", ".join(names[o] for o in eq.outs) + ("," if len(eq.outs) == 1 else "")
                lines.append(f"    {lhs} = {call}")
            else:
                lines.append(f"    {call}")
        else:
            lines.append(f"    {names[eq.outs[0]]} = {call}")
        line_to_eqn[len(lines)] = (eq, [ref(i) for i in eq.ins])
        dead = [names[i] for i in dict.fromkeys(eq.ins) if last_use.get(i) == k and i not in out_set
                and i in names and not names[i].startswith(("a", "c"))]
        dead += [names[o] for o in eq.outs if o not in last_use and o not in out_set]
        if dead:
            lines.append(f"    del {', '.join(dead)}")
    lines.append(f"    return [{', '.join(ref(o) for o in outputs)}]")
    return "\n".join(lines) + "\n", ns, line_to_eqn
