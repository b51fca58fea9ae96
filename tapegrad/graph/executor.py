"""Graph passes and the executor: a traced Graph becomes generated Python source.

Passes (each returns a new equation list; the graph's values keep their
numbers, new values get new numbers and avals):

* ``simplify``: an ``identity``/``stop_gradient``, a same-dtype ``cast``, a
  ``reshape``/``broadcast_to`` to the input's own shape, ``x + 0`` and ``x * 1``
  (the zeros and ones a backward pass seeds) whose result has ``x``'s shape
  and dtype become aliases of ``x``;
* ``fold``: equations whose inputs are all constants run once, at compile time;
* ``dedup_consts``: equal small constants become one value;
* ``cse``: equal equations (same primitive, inputs and parameters) run once;
* ``fuse_sums``: a sum of many same-shaped ``matmul``s (or ``reduce_sum``s over
  the leading axis), as a backward pass accumulates weight gradients over the
  steps of an unrolled loop, becomes one matmul (one reduction) of
  concatenated operands;
* ``batch`` (horizontal fusion): many small equations computing the same
  function of different values that are all available before the first of
  them (``x_t @ W`` for every step of an unrolled loop; ``1 - h_t**2`` for
  every saved activation in its backward pass) become one equation on the
  row-wise concatenation of their operands; its row slices (views) are their
  values. Concatenations are written in one order per set of values, so that
  ``cse`` shares them between ``fuse_sums`` and ``batch``;
* ``dce``: equations whose outputs are unused disappear, except effectful ones
  (assignments, ``print``);
* ``hoist``: an operand that many small ops use transposed (matmul) or
  broadcast (a bias) is transposed / broadcast once into a contiguous array.

Stateful equations (variable reads, random draws, calls that assign) are never
merged, folded or batched. ``_generate`` then writes one Python function that
calls the kernels (``prim.impl``) on arrays directly, Python operators inline
for the arithmetic kernels that are operators, ``del``s each temporary after
its last use, and writes an elementwise result into the array of an operand
that dies there (``v1 += v2``) when nothing else can see that array: no per-op
dispatch, no tape, few allocations. Mid-sized matmuls run in single-threaded
BLAS pieces (``_gemm``).

All rewrites compute the same function. ``fuse_sums`` and the contraction
pieces of ``_gemm`` add in another order (the last bits of rounding differ);
elementwise kernels give the same values on a batch as on its parts, and a
BLAS product's rows do not depend on how many rows it has on the builds we
measured (not a BLAS guarantee).
"""
import math
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


def dedup_consts(eqns, consts):
    """Equal small constants (the 1s and 2s that each step of a backward pass creates) become one value,
    so that ``cse`` and ``batch`` see equal operands."""
    seen, alias = {}, {}
    for eq in eqns:
        for j, v in enumerate(eq.ins):
            c = consts.get(v)
            if c is None or v in alias:
                continue
            c = np.asarray(c)
            if c.size > 64 or c.dtype.kind not in _NUMERIC:
                continue
            alias[v] = seen.setdefault((c.dtype.str, c.shape, c.tobytes()), v)
    alias = {k: v for k, v in alias.items() if k != v}
    if alias:
        for eq in eqns:
            eq.ins = [alias.get(i, i) for i in eq.ins]
    return alias


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


_BLAS_SINGLE_THREAD = 262144  # OpenBLAS runs a GEMM with m*n*k up to this on one thread, larger ones on all
_THREADS_PAY = 1 << 23        # m*n*k: below this, a GEMM runs in single-threaded pieces (see _gemm)
_SMALL = 16384                # elements: an op this small costs more in call overhead than in arithmetic
_BATCH_LIMIT = 1 << 22        # elements: the most a batched op (horizontal fusion) may produce


def _gemm(a, b):
    """``a @ b`` for matrices, cut into pieces that OpenBLAS runs on one thread when the whole is small.

    OpenBLAS hands every GEMM above a fixed tiny size (m*n*k > 262144) to all
    its threads. For a product of a few MFLOP the threads' start-up and
    synchronization cost about what they save on an idle machine, and on a busy
    one a GEMM waits for its slowest thread to be scheduled (milliseconds). As
    TF's Eigen kernels size their parallelism by the op's cost, products below
    ``_THREADS_PAY`` (16 MFLOP) run on the calling thread: in row blocks, else
    in blocks of the contraction, accumulated. The process's thread settings
    are not touched.
    """
    m, k = a.shape
    n = b.shape[1]
    if m * n * k <= _BLAS_SINGLE_THREAD or m * n * k > _THREADS_PAY:
        return a.dot(b)
    rows = (_BLAS_SINGLE_THREAD - 1) // (n * k)
    if rows >= 8:
        out = np.empty_like(a, shape=(m, n), order="C")  # a and b have one dtype (a plain matmul's)
        for start in range(0, m, rows):
            np.dot(a[start:start + rows], b, out=out[start:start + rows])
        return out
    step = (_BLAS_SINGLE_THREAD - 1) // (m * n)
    if step < 8:
        return a.dot(b)
    out = a[:, :step].dot(b[:step])
    for start in range(step, k, step):
        out += a[:, start:start + step].dot(b[start:start + step])
    return out


def _concat(*xs, axis):
    return np.concatenate(xs, axis)


def _rows(x, start, stop):
    return x[start:stop]


def _sum_matmul(a, b, adjoint_a, adjoint_b):
    """``op(a) @ op(b)``: the concatenated terms of a sum of matmuls (one long contraction)."""
    return _gemm(a.T if adjoint_a else a, b.T if adjoint_b else b)


def _sum_leading(x, block, keepdims):
    """The sum over axis 0 of ``x``, the concatenation of terms of ``block`` rows each (None: unequal terms).

    With equal terms, the terms are first added elementwise (long contiguous
    rows: fast), then the rows of their sum: NumPy reduces a tall, narrow
    array along axis 0 one short row at a time.
    """
    if block is not None and x.ndim >= 1 and block and x.shape[0] % block == 0:
        x = np.add.reduce(x.reshape(x.shape[0] // block, -1), axis=0).reshape((block,) + x.shape[1:])
    return np.add.reduce(x, axis=0, keepdims=keepdims)


def _transpose_copy(x):
    return x.T.copy()  # always a copy (ascontiguousarray returns a vector's transpose itself)


def _broadcast_copy(x, shape):
    return np.broadcast_to(x, shape).copy()


_concat_p = Primitive("fused_concat", _concat, register=False)
_rows_p = Primitive("rows", _rows, register=False)                      # a view: x[start:stop]
_sum_matmul_p = Primitive("fused_matmul_sum", _sum_matmul, register=False)
_sum_leading_p = Primitive("fused_reduce_sum", _sum_leading, register=False)
_transpose_copy_p = Primitive("transpose_copy", _transpose_copy, register=False)
_broadcast_copy_p = Primitive("broadcast_copy", _broadcast_copy, register=False)
# (adjoint_a, adjoint_b) -> axes along which a_i and b_i are concatenated (the contracted ones)
_MATMUL_AXES = {(True, False): (0, 0), (False, False): (1, 0), (False, True): (1, 1)}
_ELEMENTWISE_OPS = (operator.add, operator.sub, operator.mul, operator.truediv)
_COMMUTATIVE = (operator.add, operator.mul)
_UFUNC = {operator.add: np.add, operator.sub: np.subtract, operator.mul: np.multiply,
          operator.truediv: np.true_divide}
_NUMERIC = "fciub"


class _Values:
    """New graph values for the passes: extends a copy of the graph's avals."""

    def __init__(self, avals):
        self.avals = dict(avals)
        self._next = max(self.avals, default=-1) + 1

    def new(self, shape, dtype):
        v = self._next
        self._next += 1
        self.avals[v] = (tuple(shape), dtype)
        return v


def _elementwise(eq, avals):
    """True for a parameterless elementwise kernel (an arithmetic operator or a NumPy ufunc) of numbers."""
    impl = eq.prim.impl
    if eq.params or eq.prim.multiple_results or len(eq.outs) != 1:
        return False
    if impl in _ELEMENTWISE_OPS:
        ok = len(eq.ins) == 2
    else:
        ok = isinstance(impl, np.ufunc) and impl.nout == 1 and impl.nin == len(eq.ins)
    return ok and all(avals[v][1].kind in _NUMERIC for v in (*eq.ins, eq.outs[0]))


def _fresh_kernel(eq, avals):
    """True when ``eq``'s kernel returns a new array that aliases none of its inputs."""
    if eq.prim in (_concat_p, _sum_matmul_p, _sum_leading_p, _transpose_copy_p, _broadcast_copy_p):
        return True
    return _elementwise(eq, avals) or (eq.prim.name == "matmul" and _plain_matmul(eq, avals))


class _Orders:
    """The order in which values are concatenated, shared by the passes so that equal concatenations are
    written alike (and ``cse`` merges them): a sum's terms may come in any order, a batch's members too."""

    def __init__(self, eqns):
        self.known = {}   # (axis, frozenset of values) -> the order of an existing concatenation
        self.rows = {}    # value -> (source, start, stop): a row slice of source
        self.pos = {}     # value -> index of the equation computing it (graph inputs and constants: -1)
        for k, eq in enumerate(eqns):
            for o in eq.outs:
                self.pos[o] = k
            if eq.prim is _concat_p:
                self.known.setdefault((eq.params["axis"], frozenset(eq.ins)), list(eq.ins))
            elif eq.prim is _rows_p:
                self.rows[eq.outs[0]] = (eq.ins[0], eq.params["start"], eq.params["stop"])

    def _key_of(self, values, axis):
        """A sort key per value when ``values`` have a natural order (row slices, a known concatenation)."""
        src = [self.rows.get(v) for v in values]
        if axis == 0 and all(s is not None for s in src) and len({s[0] for s in src}) == 1 \
                and len(set(values)) == len(values):
            return [s[1] for s in src]
        order = self.known.get((axis, frozenset(values)))
        if order is not None and len(order) == len(values) == len(set(values)):
            rank = {v: i for i, v in enumerate(order)}
            return [rank[v] for v in values]
        return None

    def permutation(self, lists, axes):
        """One order for parallel lists of values (term i is ``lists[j][i]``)."""
        n = len(lists[0])
        for values, axis in zip(lists, axes):
            key = self._key_of(values, axis)
            if key is not None:
                return sorted(range(n), key=key.__getitem__)
        first = lists[0]
        return sorted(range(n), key=lambda i: (self.pos.get(first[i], -1), first[i]))

    def concat(self, values, axis, values_, emit):
        """The value holding ``values`` concatenated along ``axis``: a row slice's source (or a slice of
        it) when they are consecutive slices of one array, else a new concatenation ``emit``ted."""
        src = [self.rows.get(v) for v in values]
        if axis == 0 and all(s is not None for s in src) and len({s[0] for s in src}) == 1 \
                and all(a[2] == b[1] for a, b in zip(src, src[1:])):
            source, start, stop = src[0][0], src[0][1], src[-1][2]
            shape, dtype = values_.avals[source]
            if start == 0 and stop == shape[0]:
                return source
            out = values_.new((stop - start,) + tuple(shape[1:]), dtype)
            emit(Eqn(_rows_p, [source], [out], {"start": start, "stop": stop}))
            self.rows[out] = (source, start, stop)
            return out
        shapes = [values_.avals[v][0] for v in values]
        shape = list(shapes[0])
        shape[axis] = sum(s[axis] for s in shapes)
        out = values_.new(shape, values_.avals[values[0]][1])
        emit(Eqn(_concat_p, list(values), [out], {"axis": axis}))
        self.known.setdefault((axis, frozenset(values)), list(values))
        return out


def fuse_sums(eqns, outputs, values, min_terms=3):
    """Rewrites add-trees of >= ``min_terms`` same-shaped matmuls / leading-axis reduce_sums (see above)."""
    avals = values.avals
    orders = _Orders(eqns)
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
    roots = []  # (root add, the adds of its tree, its leaves, {kind: [leaf equations]})
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
            elif e.prim.name == "reduce_sum" and e.params.get("axes") == (0,) \
                    and len(avals[e.ins[0]][0]) >= 1:
                groups.setdefault(("rs", e.params.get("keepdims")), []).append(e)
        groups = {k: es for k, es in groups.items() if len(es) >= min_terms}
        if groups:
            roots.append((eq, tree, leaves, groups))
    # The matmul sums are written first: their terms are ordered by their first operands (the steps'
    # inputs or states, in step order), and a reduction of the same cotangents then takes that order.
    chains, terms = {}, {}
    for kind in ("mm", "rs"):
        for eq, tree, leaves, groups in roots:
            chain = chains.setdefault(id(eq), [])
            for key, es in groups.items():
                if key[0] != kind:
                    continue
                out = values.new(*avals[es[0].outs[0]])
                if kind == "mm":
                    axes = _MATMUL_AXES[key[1:]]
                    lists = [[e.ins[0] for e in es], [e.ins[1] for e in es]]
                    perm = orders.permutation(lists, axes)
                    a = orders.concat([lists[0][i] for i in perm], axes[0], values, chain.append)
                    b = orders.concat([lists[1][i] for i in perm], axes[1], values, chain.append)
                    chain.append(Eqn(_sum_matmul_p, [a, b], [out], {"adjoint_a": key[1], "adjoint_b": key[2]}))
                else:
                    xs = [e.ins[0] for e in es]
                    xs = [xs[i] for i in orders.permutation([xs], [0])]
                    shapes = {avals[x][0] for x in xs}
                    block = next(iter(shapes))[0] if len(shapes) == 1 else None
                    c = orders.concat(xs, 0, values, chain.append)
                    chain.append(Eqn(_sum_leading_p, [c], [out], {"block": block, "keepdims": key[1]}))
                terms.setdefault(id(eq), []).append((out, es))
    removed, rewrite = set(), {}
    for eq, tree, leaves, groups in roots:
        chain, fused = chains[id(eq)], terms[id(eq)]
        fused_leaves = {e.outs[0] for _, es in fused for e in es}
        removed.update(id(e) for _, es in fused for e in es)
        summands = [out for out, _ in fused] + [v for v in leaves if v not in fused_leaves]
        if len(summands) == 1:  # the whole sum is one fused equation: it computes the root's value
            chain[-1].outs = [eq.outs[0]]
        acc = summands[0]
        for k, t in enumerate(summands[1:]):
            target = eq.outs[0] if k == len(summands) - 2 else tree[k + 1].outs[0]
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


def _batch_key(eq, avals):
    """Equations with equal keys may run as one (see ``batch``); None: this one may not."""
    if eq.prim in STATEFUL or eq.prim in EFFECTFUL or len(eq.outs) != 1:
        return None
    shape, dtype = avals[eq.outs[0]]
    if not shape or shape[0] == 0 or math.prod(shape) > _SMALL:
        return None
    if eq.prim.name == "matmul":  # a_i @ b with a shared b: the rows of concat(a_i) @ b
        if not _plain_matmul(eq, avals) or eq.params.get("adjoint_a"):
            return None
        return (eq.prim, bool(eq.params.get("adjoint_b")), eq.ins[1], avals[eq.ins[0]])
    if not _elementwise(eq, avals):
        return None
    key = [eq.prim]
    for v in eq.ins:
        s = avals[v][0]
        if s == shape:
            key.append(avals[v])           # varies from member to member
        elif len(s) < len(shape) or s[0] == 1:
            key.append(("shared", v))      # broadcast along the rows: the same for all members
        else:
            return None
    return tuple(key)


def batch(eqns, outputs, values, min_matmuls=4, min_elementwise=8):
    """Horizontal fusion: small equations that compute the same function of different values, all of them
    available before the first one runs (a matmul by the same weights at every step of an unrolled loop,
    the elementwise factors a backward pass computes per step from saved activations), become one
    equation on their operands concatenated along the rows, whose row slices are their values."""
    avals = values.avals
    orders = _Orders(eqns)
    pos = dict(orders.pos)
    groups = {}
    for k, eq in enumerate(eqns):
        key = _batch_key(eq, avals)
        if key is not None:
            groups.setdefault(key, []).append(k)
    before = {}       # equation index -> equations emitted before it
    replaced = set()  # indices of equations now computed by a batch
    for members in sorted(groups.values(), key=lambda m: m[0]):
        # a batch pays for concatenating its operands and slicing its result: small elementwise ops
        # need more members than matmuls to gain
        min_terms = min_matmuls if eqns[members[0]].prim.name == "matmul" else min_elementwise
        if len(members) < min_terms:
            continue
        for chosen in _available(members, eqns, pos, min_terms):
            es = [eqns[k] for k in chosen]
            first = chosen[0]
            emitted = before.setdefault(first, [])
            shared = [j for j, v in enumerate(es[0].ins) if avals[v][0] != avals[es[0].outs[0]][0]]
            if es[0].prim.name == "matmul":
                shared = [1]
            varying = [j for j in range(len(es[0].ins)) if j not in shared]
            lists = [[e.ins[j] for e in es] for j in varying]
            perm = orders.permutation(lists, [0] * len(lists))
            es = [es[i] for i in perm]
            shape, dtype = avals[es[0].outs[0]]
            n_rows = shape[0]
            if len(es) * math.prod(shape) > _BATCH_LIMIT:
                continue
            ins = list(es[0].ins)
            for j in varying:
                ins[j] = orders.concat([e.ins[j] for e in es], 0, values, emitted.append)
            out = values.new((len(es) * n_rows,) + tuple(shape[1:]), dtype)
            emitted.append(Eqn(es[0].prim, ins, [out], es[0].params))
            for i, e in enumerate(es):
                rows = (out, i * n_rows, (i + 1) * n_rows)
                emitted.append(Eqn(_rows_p, [out], [e.outs[0]], {"start": rows[1], "stop": rows[2]}))
                orders.rows[e.outs[0]] = rows
                pos[e.outs[0]] = first - 0.5
            replaced.update(chosen)
    if not replaced:
        return eqns
    out = []
    for k, eq in enumerate(eqns):
        out.extend(before.get(k, ()))
        if k not in replaced:
            out.append(eq)
    return out


def _window(a, b):
    """(sequence, offset of a, offset of b) when lists ``a`` and ``b`` are overlapping runs of one
    sequence of distinct values (overlapping by at least half the shorter one), else None."""
    at = {v: i for i, v in enumerate(a)}
    d = at.get(b[0])
    if d is None:
        bt = {v: i for i, v in enumerate(b)}
        e = bt.get(a[0])
        if e is None:
            return None
        r = _window(b, a)
        return None if r is None else (r[0], r[2], r[1])
    overlap = min(len(a) - d, len(b))
    if overlap < max(1, min(len(a), len(b)) // 2) or a[d:d + overlap] != b[:overlap]:
        return None
    seq = list(a) + list(b[overlap:])
    return (seq, 0, d) if len(set(seq)) == len(seq) else None


def merge_windows(eqns, values, max_concats=64):
    """Two row-wise concatenations of overlapping runs of one sequence of equal blocks (the states
    h_0..h_{T-1} and h_1..h_T of an unrolled recurrence: one for the weight gradient, one for the
    activation's derivative) become row slices of one concatenation of the whole sequence."""
    avals = values.avals
    cands = [k for k, eq in enumerate(eqns) if eq.prim is _concat_p and eq.params["axis"] == 0
             and len({avals[v] for v in eq.ins}) == 1 and len(set(eq.ins)) == len(eq.ins)]
    if len(cands) < 2 or len(cands) > max_concats:
        return eqns
    pos = {o: k for k, eq in enumerate(eqns) for o in eq.outs}
    replace = {}
    for i, ka in enumerate(cands):
        for kb in cands[i + 1:]:
            if ka in replace or kb in replace:
                continue
            ea, eb = eqns[ka], eqns[kb]
            if avals[ea.ins[0]] != avals[eb.ins[0]]:
                continue
            w = _window(ea.ins, eb.ins)
            if w is None or any(pos.get(v, -1) >= ka for v in w[0]):
                continue  # not one sequence, or not all of it computed where the first is needed
            seq, oa, ob = w
            shape, dtype = avals[ea.ins[0]]
            whole = values.new((len(seq) * shape[0],) + tuple(shape[1:]), dtype)
            replace[ka] = [Eqn(_concat_p, seq, [whole], {"axis": 0}),
                           Eqn(_rows_p, [whole], ea.outs, {"start": oa * shape[0],
                                                           "stop": (oa + len(ea.ins)) * shape[0]})]
            replace[kb] = [Eqn(_rows_p, [whole], eb.outs, {"start": ob * shape[0],
                                                           "stop": (ob + len(eb.ins)) * shape[0]})]
    if not replace:
        return eqns
    out = []
    for k, eq in enumerate(eqns):
        out.extend(replace.get(k, (eq,)))
    return out


def _available(members, eqns, pos, min_terms):
    """Batches of ``members`` (equation indices, ascending): each batch starts at its first member and
    holds the later members whose inputs are all computed before it."""
    ready_at = sorted(members, key=lambda k: max((pos.get(v, -1) for v in eqns[k].ins), default=-1))
    latest = [max((pos.get(v, -1) for v in eqns[k].ins), default=-1) for k in ready_at]
    used, pool, j = set(), [], 0
    for start in members:
        if start in used:
            continue
        while j < len(ready_at) and latest[j] < start:
            pool.append(ready_at[j])
            j += 1
        pool = [k for k in pool if k >= start and k not in used]
        if len(pool) >= min_terms:
            chosen = sorted(pool)
            used.update(chosen)
            pool = []
            yield chosen


def hoist(eqns, consts, values):
    """Loop-invariant operands used many times by small ops are prepared once: a matrix that several
    matmuls use transposed is transposed into a contiguous copy (BLAS runs small products of a
    transposed operand slower), and a bias that several arithmetic ops broadcast along rows is
    broadcast into a full array (NumPy's broadcasting loop costs more than the arithmetic on small
    arrays; scalars cost nothing, and ``power`` has fast paths for them). The values are those of the
    original ops, bit for bit."""
    avals = values.avals
    uses = {}  # (kind, value, shape) -> [(equation index, operand index)]
    for k, eq in enumerate(eqns):
        if eq.prim.name == "matmul" and _plain_matmul(eq, avals):
            for j, flag in ((0, "adjoint_a"), (1, "adjoint_b")):
                v = eq.ins[j]
                if eq.params.get(flag) and math.prod(avals[v][0]) <= 4 * _SMALL:
                    uses.setdefault(("T", v, None), []).append((k, j))
        elif _elementwise(eq, avals) and eq.prim.impl in _ELEMENTWISE_OPS:
            shape = avals[eq.outs[0]][0]
            if 0 < math.prod(shape) <= _SMALL:
                for j, v in enumerate(eq.ins):  # scalars cost nothing to broadcast: arrays along rows do
                    if avals[v][0] != shape and math.prod(avals[v][0]) > 1:
                        uses.setdefault(("B", v, shape), []).append((k, j))
    before = {}
    for (kind, v, shape), sites in uses.items():
        if len(sites) < 2:
            continue
        vshape, dtype = avals[v]
        if kind == "T":
            new = values.new(vshape[::-1], dtype)
            eq = Eqn(_transpose_copy_p, [v], [new], {})
        else:
            new = values.new(shape, dtype)
            eq = Eqn(_broadcast_copy_p, [v], [new], {"shape": shape})
        if v in consts:
            consts[new] = eq.prim.impl(consts[v], **eq.params)
        else:
            before.setdefault(sites[0][0], []).append(eq)
        for k, j in sites:
            e = eqns[k]
            e.ins = list(e.ins)
            e.ins[j] = new
            if kind == "T":
                e.params = dict(e.params, **{("adjoint_a", "adjoint_b")[j]: False})
    if not before:
        return eqns
    out = []
    for k, eq in enumerate(eqns):
        out.extend(before.get(k, ()))
        out.append(eq)
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
    """(equations, outputs, consts, avals) of ``graph`` after the passes; the graph itself is unchanged.

    ``avals`` extends the graph's with the values the passes introduce.
    """
    consts = dict(graph.consts)
    values = _Values(graph.avals)
    eqns = [Eqn(e.prim, list(e.ins), list(e.outs), e.params) for e in graph.eqns]
    outputs = list(graph.outputs)
    eqns, alias1 = simplify(eqns, consts, graph.avals)
    eqns = fold(eqns, consts)
    alias = alias1
    alias.update(dedup_consts(eqns, consts))
    eqns, alias2 = cse(eqns)
    alias.update(alias2)
    outputs = [_resolve(alias, o) for o in outputs]
    eqns = dce(eqns, outputs)
    eqns = fuse_sums(eqns, outputs, values)
    eqns = batch(eqns, outputs, values)
    eqns, alias3 = cse(eqns)  # the concatenations that fuse_sums and batch wrote alike
    outputs = [_resolve(alias3, o) for o in outputs]
    eqns = dce(eqns, outputs)
    eqns = merge_windows(eqns, values)
    eqns = hoist(eqns, consts, values)
    return eqns, outputs, consts, values.avals


def _resolve(alias, v):
    while v in alias:
        v = alias[v]
    return v


class Compiled:
    """A compiled graph: ``run(*input arrays) -> list of output arrays``, plus what it needs to report errors."""

    def __init__(self, graph):
        eqns, outputs, consts, avals = optimize(graph)
        self.eqns = eqns
        self.n_eqns = len(eqns)
        src, namespace, self.line_to_eqn = _generate(graph, eqns, outputs, consts, avals)
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


def _in_place(eq, k, avals, last_use, reusable):
    """The index of an operand whose array ``eq`` may overwrite with its result, or None: a fresh
    temporary at its last use, with the result's shape and dtype (see ``_generate``)."""
    if not _elementwise(eq, avals):
        return None
    out = avals[eq.outs[0]]
    if not out[0]:  # NumPy returns scalars, not 0-d arrays, from arithmetic: nothing to write into
        return None
    for j in range(len(eq.ins)):
        v = eq.ins[j]
        if v in reusable and last_use.get(v) == k and avals[v] == out and eq.ins.count(v) == 1:
            return j
    return None


def _generate(graph, eqns, outputs, consts, avals):
    """The source of ``run``, its namespace, and a map from line number to (equation, argument names).

    Each temporary is deleted after its last use. A fresh temporary (the result of an arithmetic
    kernel, never a view, never stored elsewhere: all its uses are arithmetic kernels) at its last use
    by an elementwise op of the same shape and dtype receives that op's result in place
    (``v1 += v2``, ``np.tanh(v1, out=v1)``): no new array.
    """
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
    fresh = {eq.outs[0] for eq in eqns if len(eq.outs) == 1 and _fresh_kernel(eq, avals)}
    for eq in eqns:  # a value some other kernel sees may be aliased by its result (a view, a stored value)
        if not _fresh_kernel(eq, avals):
            fresh.difference_update(eq.ins)
    reusable = (fresh - out_set - set(graph.inputs)) - set(consts)
    lines = [f"def run({', '.join(names[v] for v in graph.inputs)}):"]
    line_to_eqn = {}
    for k, eq in enumerate(eqns):
        prim = eq.prim
        args = [ref(i) for i in eq.ins]
        reused = None
        j = _in_place(eq, k, avals, last_use, reusable)
        if j is not None:
            reused = eq.ins[j]
            target = names[reused]
            op = _INFIX.get(prim.impl)
            if op is not None and (j == 0 or prim.impl in _COMMUTATIVE):
                call = f"{target} {op}= {args[1 - j]}"
            else:
                op = None
                kname = f"k{k}"
                ns[kname] = _UFUNC.get(prim.impl, prim.impl)
                call = f"{kname}({', '.join(args)}, out={target})"
            names[eq.outs[0]] = target
            lines.append(f"    {call}" if op is not None else f"    {target} = {call}")
        else:
            for o in eq.outs:
                names[o] = f"v{o}"
            if prim is read_var_p:
                vname = f"V{k}"
                ns[vname] = eq.params["var"]
                call = f"{vname}._value"
            elif prim is _rows_p:
                call = f"{args[0]}[{eq.params['start']}:{eq.params['stop']}]"
            elif prim.name == "matmul" and _plain_matmul(eq, avals):
                ta = ".T" if eq.params.get("adjoint_a") else ""
                tb = ".T" if eq.params.get("adjoint_b") else ""
                (rows, inner), cols = avals[eq.ins[0]][0][::-1 if ta else 1], avals[eq.ins[1]][0][0 if tb else 1]
                if _BLAS_SINGLE_THREAD < rows * inner * cols <= _THREADS_PAY:
                    ns["gemm"] = _gemm
                    call = f"gemm({args[0]}{ta}, {args[1]}{tb})"
                else:  # ndarray.dot: the same BLAS call as @, with less dispatch
                    call = f"{args[0]}{ta}.dot({args[1]}{tb})"
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
        line_to_eqn[len(lines)] = (eq, [ref(i) for i in eq.ins] if reused is None else args)
        dead = [names[i] for i in dict.fromkeys(eq.ins) if last_use.get(i) == k and i not in out_set
                and i != reused and i in names and not names[i].startswith(("a", "c"))]
        dead += [names[o] for o in eq.outs if o not in last_use and o not in out_set]
        if dead:
            lines.append(f"    del {', '.join(dead)}")
    lines.append(f"    return [{', '.join(ref(o) for o in outputs)}]")
    return "\n".join(lines) + "\n", ns, line_to_eqn
