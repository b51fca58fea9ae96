"""Workload registry. One module per workload family; each defines ``WORKLOAD`` (or ``WORKLOADS``).

Adding a workload: write ``benchmarks/workloads/<module>.py`` defining
``WORKLOAD = Workload(...)`` (or a tuple ``WORKLOADS``, e.g. the matmul rows)
with

* ``builders``: ``{"tape": fn, "torch": fn, "jax": fn}`` (an API family, see
  benchmarks/frameworks.py) or a framework name such as ``"tapegrad"`` to
  override one framework. ``fn(ctx)`` does all setup and returns ``step``, a
  zero-argument callable that runs one timed call and returns its result
  (completed: JAX builders block_until_ready). A family without a builder shows
  "n/a"; a builder may raise ``Unsupported`` (e.g. via ``ctx.require``);
  ``skip={"tf_function": "why"}`` makes a framework "n/a" with that reason.
  An optional framework (``frameworks.Framework(optional=True)``, e.g.
  ``torch_vectorized``) runs only under a builder keyed by its own name.
* ``reference()``: the expected result in float64 NumPy (checks tapegrad; the
  peers are checked against tapegrad's result).
* ``unit`` and ``scale`` (a number, or a function of the size parameters):
  what the table shows, by ``kind``:
  ``"time"`` (default) ``seconds_per_call * scale``; ``"rate"`` ``scale /
  seconds_per_call`` (e.g. GFLOP/s with scale = GFLOP per call); ``"memory"``
  ``peak bytes above baseline * scale`` (the worker measures the peak resident
  memory of single calls instead of timing them, see ``worker.run_memory``).

Optional: ``sizes={"full": {...}, "quick": {...}}`` (``ctx.size`` in builders,
keyword arguments of ``reference`` and ``summarize``; ``--quick`` uses the
small ones), ``summarize(array, **size)`` (shrinks the step's result, as one
flat NumPy array, to the few numbers that are checked and stored), ``error``
(``rel_error`` by default, or ``componentwise_rel_error``) and ``derive(rows,
quick)`` (extra lines under the table, e.g. W2's FLOP count and GEMM bound).

then add the module name to ``MODULES``. Modules import only NumPy at module
level; framework imports happen inside builders (in the worker subprocess).
"""
import importlib

import numpy as np

MODULES = (
    "w1_op_chain",
    "w2_mlp",
    "w3_cnn",
    "w4_rnn",
    "w5_hvp",
    "w6_memory",
    "jacobian",                      # JAC
    "matmul",                        # MM512, MM2048: the hardware's limit
    "data_pipeline",                 # DATA: tf.data-style input pipeline
)
KINDS = ("time", "rate", "memory")


class Unsupported(Exception):
    """This framework cannot run this workload (missing op, mode not applicable)."""


class Workload:
    def __init__(self, id, title, unit, scale, builders, reference, *, rtol=1e-4, describe="",
                 kind="time", sizes=None, summarize=None, error=None, derive=None, skip=None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.id, self.title, self.unit, self.scale = id, title, unit, scale
        self.builders, self.reference, self.rtol, self.describe = builders, reference, rtol, describe
        self.kind, self.sizes, self._summarize = kind, sizes, summarize
        self.error = error or rel_error
        self.derive, self.skip = derive, dict(skip or {})

    def builder(self, fw):
        """The builder for framework ``fw``: by its name, else by its API family (not for an
        optional framework: a variant runs only where a workload names it)."""
        by_name = self.builders.get(fw.name)
        if by_name is not None or getattr(fw, "optional", False):
            return by_name
        return self.builders.get(fw.api)

    def size(self, quick=False):
        """The size parameters for a full or a ``--quick`` run ({} when the workload has none)."""
        if not self.sizes:
            return {}
        return dict(self.sizes["quick" if quick else "full"])

    def expected(self, quick=False):
        """The float64 reference result at the run's sizes."""
        return np.asarray(self.reference(**self.size(quick)), np.float64).ravel()

    def summarize(self, result, quick=False):
        """The checked and stored numbers of a step's result (a flat NumPy array)."""
        if self._summarize is None:
            return result
        return np.asarray(self._summarize(result, **self.size(quick)), np.float64).ravel()

    def value(self, measure, quick=False):
        """The table's number from seconds per call (time, rate) or peak bytes (memory).

        ``scale`` may be a function of the size parameters (e.g. FLOP per call).
        """
        scale = self.scale(**self.size(quick)) if callable(self.scale) else self.scale
        if self.kind == "rate":
            return scale / measure if measure else float("inf")
        return measure * scale


class Context:
    """What a builder gets: the framework module, its graph wrapper / jit flag."""

    def __init__(self, fw, mod, wrap, size=None, quick=False):
        self.fw, self.mod, self.wrap, self.jit = fw, mod, wrap, fw.jit
        self.name, self.label = fw.name, fw.label
        self.size, self.quick = dict(size or {}), quick

    def require(self, *names):
        """Raises Unsupported unless the framework module has all of ``names``."""
        missing = [n for n in names if not hasattr(self.mod, n)]
        if missing:
            raise Unsupported(f"{self.fw.module} has no {', '.join(missing)} yet")


def rel_error(got, ref):
    """max |got - ref| / max |ref| (norm-wise, so near-zero entries do not dominate)."""
    got, ref = np.asarray(got, np.float64).ravel(), np.asarray(ref, np.float64).ravel()
    if got.shape != ref.shape:
        return float("inf")
    scale = np.max(np.abs(ref)) if ref.size else 0.0
    err = np.max(np.abs(got - ref)) if ref.size else 0.0
    if not np.isfinite(err):
        return float("inf")
    return float(err / scale) if scale > 0 else float(err)


def componentwise_rel_error(got, ref):
    """max over entries of |got - ref| / |ref|: for results made of a few unrelated numbers
    (a loss and a gradient norm), where a norm-wise error would let the largest hide the others."""
    got, ref = np.asarray(got, np.float64).ravel(), np.asarray(ref, np.float64).ravel()
    if got.shape != ref.shape:
        return float("inf")
    if not ref.size:
        return 0.0
    err = np.abs(got - ref)
    if not np.all(np.isfinite(err)):
        return float("inf")
    scale = np.abs(ref)
    rel = np.where(scale > 0, err / np.where(scale > 0, scale, 1.0), err)
    return float(np.max(rel))


def _load():
    reg = {}
    for m in MODULES:
        mod = importlib.import_module(f"{__name__}.{m}")
        ws = getattr(mod, "WORKLOADS", None) or (getattr(mod, "WORKLOAD", None),)
        for w in ws:
            if w is not None:
                reg[w.id] = w
    return reg


REGISTRY = _load()
