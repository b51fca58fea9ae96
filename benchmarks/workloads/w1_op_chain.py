"""W1, tiny-op chain: per-op overhead of the framework (dispatch + tape), nothing else.

Scalar float32 x = 0.5; y = x; 200 times y = sin(y) * x + 0.5 * y; result dy/dx.
Four primitive ops per iteration (sin, mul, mul, add): 800 per call; the table
reports microseconds per primitive op, forward + backward. Every framework runs
the same Python loop (unrolled by tf.function and jax.jit).
"""
import math

from . import Workload

STEPS = 200
OPS = 4 * STEPS
X0 = 0.5


def reference():
    """dy/dx by forward-mode differentiation in float64."""
    y, dy = X0, 1.0
    for _ in range(STEPS):
        y, dy = math.sin(y) * X0 + 0.5 * y, math.cos(y) * dy * X0 + math.sin(y) + 0.5 * dy
    return [dy]


def tape_api(ctx):
    tf = ctx.mod
    x = tf.constant(X0, dtype=tf.float32)

    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x
            for _ in range(STEPS):
                y = tf.sin(y) * x + 0.5 * y
        return tape.gradient(y, x)

    fn = ctx.wrap(grad)
    return lambda: fn(x)


def torch_api(ctx):
    torch = ctx.mod
    x = torch.tensor(X0, dtype=torch.float32, requires_grad=True)

    def step():
        y = x
        for _ in range(STEPS):
            y = torch.sin(y) * x + 0.5 * y
        (g,) = torch.autograd.grad(y, x)
        return g

    return step


def jax_api(ctx):
    import jax
    import jax.numpy as jnp
    x = jnp.asarray(X0, dtype=jnp.float32)

    def f(x):
        y = x
        for _ in range(STEPS):
            y = jnp.sin(y) * x + 0.5 * y
        return y

    g = jax.jit(jax.grad(f)) if ctx.jit else jax.grad(f)
    return lambda: g(x).block_until_ready()


WORKLOAD = Workload(
    "W1", f"tiny-op chain: {STEPS} x (y = sin(y)*x + 0.5*y), scalar float32, dy/dx",
    unit="µs/op", scale=1e6 / OPS,
    builders={"tape": tape_api, "torch": torch_api, "jax": jax_api}, reference=reference,
    describe=f"microseconds per primitive op, forward + backward ({OPS} ops per call)")
