"""The physical limit rows: float32 matmul GFLOP/s of each framework's backend, N = 512 and 2048.

C = A @ B, A and B float32[N, N] ~ N(0, 1) (fixed seed), 2 N^3 FLOP per call.
tapegrad's row is NumPy's ``matmul`` (tapegrad's backend: its ``matmul`` hands
the arrays to it), TensorFlow's is ``tf.matmul`` (eager; tf.function runs the
same kernel), PyTorch's ``a @ b``, JAX's ``jax.jit(jnp.matmul)`` (without jit
the same XLA dot). The table shows GFLOP/s (higher is better);
tapegrad/peer is still the time ratio, i.e. the peer's GFLOP/s / NumPy's.

Checked result: a 32 x 32 sample of C and its row sums (float64 reference).
W2 uses these rows for its GEMM lower bound.
"""
import numpy as np

from . import Workload

SEED = 12
SKIP = {"tapegrad_function": "matmul rows: tapegrad's backend is NumPy (the tapegrad row)",
        "tf_function": "same kernel as TF eager",
        "jax": "same XLA dot as JAX jit"}


def inputs(n):
    rng = np.random.default_rng(SEED + n)
    return rng.standard_normal((n, n)).astype(np.float32), rng.standard_normal((n, n)).astype(np.float32)


def _sample(c, n):
    step = max(1, n // 32)
    return np.concatenate([c[::step, ::step].ravel(), c.sum(axis=1)])


def reference(n):
    a, b = inputs(n)
    return _sample(a.astype(np.float64) @ b.astype(np.float64), n)


def summarize(result, n):
    return _sample(np.asarray(result, np.float64).reshape(n, n), n)


def numpy_api(ctx):
    a, b = inputs(**ctx.size)
    return lambda: np.matmul(a, b)


def tf_api(ctx):
    tf = ctx.mod
    a0, b0 = inputs(**ctx.size)
    a, b = tf.constant(a0), tf.constant(b0)
    return lambda: tf.matmul(a, b)


def torch_api(ctx):
    torch = ctx.mod
    a0, b0 = inputs(**ctx.size)
    a, b = torch.from_numpy(a0), torch.from_numpy(b0)
    return lambda: a @ b


def jax_api(ctx):
    import jax
    import jax.numpy as jnp
    a0, b0 = inputs(**ctx.size)
    a, b = jnp.asarray(a0), jnp.asarray(b0)
    mm = jax.jit(jnp.matmul)
    return lambda: mm(a, b).block_until_ready()


def _workload(n, quick_n):
    return Workload(
        f"MM{n}", f"float32 matmul {n}x{n} @ {n}x{n} (the backend's GEMM: NumPy for tapegrad)",
        unit="GFLOP/s", scale=lambda n: 2 * n ** 3 / 1e9, kind="rate",
        builders={"tapegrad": numpy_api, "tf_eager": tf_api, "torch": torch_api, "jax_jit": jax_api},
        reference=reference, sizes={"full": {"n": n}, "quick": {"n": quick_n}}, summarize=summarize,
        skip=SKIP, describe="GFLOP/s, 2*N^3 FLOP per call (higher is better)")


WORKLOADS = (_workload(512, 64), _workload(2048, 128))
