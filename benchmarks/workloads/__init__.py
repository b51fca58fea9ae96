"""Workload registry. One module per workload family; each defines ``WORKLOAD``.

Adding a workload (W2 MLP train step, W3 CNN, W6 peak memory, the matmul
GFLOP/s row, ...): write ``benchmarks/workloads/<module>.py`` defining
``WORKLOAD = Workload(...)`` with

* ``builders``: ``{"tape": fn, "torch": fn, "jax": fn}`` (an API family, see
  benchmarks/frameworks.py) or a framework name such as ``"tapegrad"`` to
  override one framework. ``fn(ctx)`` does all setup and returns ``step``, a
  zero-argument callable that runs one timed call and returns its result
  (completed: JAX builders block_until_ready). A family without a builder shows
  "n/a"; a builder may raise ``Unsupported`` (e.g. via ``ctx.require``).
* ``reference()``: the expected result in float64 NumPy (checks tapegrad; the
  peers are checked against tapegrad's result).
* ``unit`` and ``scale``: the table shows ``seconds_per_call * scale`` in ``unit``.

then add the module name to ``MODULES``. Modules import only NumPy at module
level; framework imports happen inside builders (in the worker subprocess).
"""
import importlib

import numpy as np

MODULES = (
    "w1_op_chain",
    # "w2_mlp", "w3_cnn",            # to come
    "w4_rnn",
    "w5_hvp",
    # "w6_memory", "matmul_peak",   # to come; W6 uses benchmarks.memory
)


class Unsupported(Exception):
    """This framework cannot run this workload (missing op, mode not applicable)."""


class Workload:
    def __init__(self, id, title, unit, scale, builders, reference, *, rtol=1e-4, describe=""):
        self.id, self.title, self.unit, self.scale = id, title, unit, scale
        self.builders, self.reference, self.rtol, self.describe = builders, reference, rtol, describe

    def builder(self, fw):
        return self.builders.get(fw.name) or self.builders.get(fw.api)


class Context:
    """What a builder gets: the framework module, its graph wrapper / jit flag."""

    def __init__(self, fw, mod, wrap):
        self.fw, self.mod, self.wrap, self.jit = fw, mod, wrap, fw.jit
        self.name, self.label = fw.name, fw.label

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


def _load():
    reg = {}
    for m in MODULES:
        w = importlib.import_module(f"{__name__}.{m}").WORKLOAD
        if w is not None:
            reg[w.id] = w
    return reg


REGISTRY = _load()
