"""JAC, full Jacobian: J of f(x) = tanh(W @ x), W float32[50, 50], x float32[50] (fixed seed).

* tapegrad and TensorFlow: ``tape.jacobian(y, x)`` with the default arguments
  (eager, and inside ``tf.function``). With the default
  ``experimental_use_pfor=True`` both vectorize: TensorFlow rewrites the 50
  backward passes with pfor; tapegrad runs one backward pass of 50 stacked
  cotangents through batched VJP rules (``tapegrad/_core/batching.py``).
* PyTorch: ``torch.autograd.functional.jacobian(f, x)``, its default
  ``vectorize=False`` (a loop of ``autograd.grad`` calls, one per output) in
  the "PyTorch eager" row; ``vectorize=True`` (one batched backward pass through
  vmap) in the extra "PyTorch vectorized" row (framework ``torch_vectorized``).
* JAX: ``jax.jacrev(f)`` (a vmapped VJP), without and with ``jax.jit``.

Checked result: the whole 50x50 Jacobian against the analytic one,
``(1 - tanh(W x)^2)[:, None] * W`` in float64, at 1e-4 (norm-wise).
Milliseconds per call.
"""
import numpy as np

from . import Unsupported, Workload

FULL = {"n": 50}
QUICK = {"n": 8}
SEED = 4


def inputs(n):
    """W float32[n, n] (entries ~ N(0, 1/n), so W x is O(1) and tanh is not saturated), x float32[n]."""
    rng = np.random.default_rng(SEED)
    w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    x = rng.standard_normal(n).astype(np.float32)
    return w, x


def reference(n):
    """dy_i/dx_j = (1 - tanh(W x)_i^2) W_ij, in float64."""
    w, x = (a.astype(np.float64) for a in inputs(n))
    t = np.tanh(w @ x)
    return (1 - t ** 2)[:, None] * w


def tape_api(ctx):
    tf = ctx.mod
    ctx.require("tanh", "linalg", "GradientTape")
    w0, x0 = inputs(**ctx.size)
    w, x = tf.constant(w0), tf.constant(x0)

    def jac(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(tf.linalg.matvec(w, x))
        return tape.jacobian(y, x)

    fn = ctx.wrap(jac)
    return lambda: fn(x)


def _torch_builder(vectorize):
    def build(ctx):
        torch = ctx.mod
        from torch.autograd.functional import jacobian
        import inspect
        if vectorize and "vectorize" not in inspect.signature(jacobian).parameters:
            raise Unsupported(f"torch {torch.__version__}: autograd.functional.jacobian has no vectorize")
        w0, x0 = inputs(**ctx.size)
        w, x = torch.from_numpy(w0), torch.from_numpy(x0)

        def f(x):
            return torch.tanh(w @ x)

        return lambda: jacobian(f, x, vectorize=vectorize)

    return build


def jax_api(ctx):
    import jax
    import jax.numpy as jnp
    w0, x0 = inputs(**ctx.size)
    w, x = jnp.asarray(w0), jnp.asarray(x0)

    def f(x):
        return jnp.tanh(w @ x)

    fn = jax.jit(jax.jacrev(f)) if ctx.jit else jax.jacrev(f)
    return lambda: fn(x).block_until_ready()


WORKLOAD = Workload(
    "JAC", f"Jacobian of tanh(W @ x), W float32[{FULL['n']}x{FULL['n']}]: tape.jacobian, "
           "autograd.functional.jacobian, jax.jacrev",
    unit="ms", scale=1e3,
    builders={"tape": tape_api, "torch": _torch_builder(False), "torch_vectorized": _torch_builder(True),
              "jax": jax_api},
    reference=reference, sizes={"full": FULL, "quick": QUICK},
    describe="milliseconds per full Jacobian (50 outputs x 50 inputs); PyTorch eager: vectorize=False")
