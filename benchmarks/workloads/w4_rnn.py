"""W4, vanilla tanh RNN: gradient of mean(final_state^2) w.r.t. the weights (BPTT); W4L, the same as a loop.

h_0 = 0; h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b) for t = 1..50; batch 16, input 32,
hidden 64; loss = mean(h_50^2); result: the gradients w.r.t. Wx, Wh, b
(concatenated, flattened). float32, fixed seed. The weights are trainable
Variables for the tape frameworks, leaves with requires_grad for torch, and
arguments for JAX. The inputs are a Python list of 50 per-step tensors (no
slicing op in the timed call). Milliseconds per call.

W4L computes the same with ``for t in tf.range(50)`` over one [50, 16, 32] input
tensor (``xs[t]``): under tf.function and tapegrad.function AutoGraph makes it a
while_loop, whose gradient is a reverse while_loop; eagerly it is a Python loop.
PyTorch runs a Python loop over ``xs[t]``, JAX a ``lax.fori_loop``.
"""
import numpy as np

from . import Workload

STEPS, BATCH, INPUT, HIDDEN = 50, 16, 32, 64
SEED = 4


def inputs():
    rng = np.random.default_rng(SEED)
    xs = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    wx = (rng.standard_normal((INPUT, HIDDEN)) / np.sqrt(INPUT)).astype(np.float32)
    wh = (rng.standard_normal((HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)).astype(np.float32)
    b = (0.1 * rng.standard_normal(HIDDEN)).astype(np.float32)
    return xs, wx, wh, b


def reference():
    """Hand-written backpropagation through time in float64."""
    xs, wx, wh, b = (a.astype(np.float64) for a in inputs())
    hs = [np.zeros((BATCH, HIDDEN))]
    for x in xs:
        hs.append(np.tanh(x @ wx + hs[-1] @ wh + b))
    dh = 2 * hs[-1] / hs[-1].size
    dwx, dwh, db = np.zeros_like(wx), np.zeros_like(wh), np.zeros_like(b)
    for t in range(STEPS, 0, -1):
        da = dh * (1 - hs[t] ** 2)
        dwx += xs[t - 1].T @ da
        dwh += hs[t - 1].T @ da
        db += da.sum(0)
        dh = da @ wh.T
    return np.concatenate([dwx.ravel(), dwh.ravel(), db])


def _tape_builder(ctx, graph_loop):
    """W4's step, or with ``graph_loop`` W4L's: ``for t in tf.range(T)`` over one [T, B, I] input, a Python
    loop eagerly and a while_loop (AutoGraph) under tf.function / tapegrad.function."""
    tf = ctx.mod
    ctx.require("tanh", "matmul", "reduce_mean", "Variable", "zeros", *(("range",) if graph_loop else ()))
    xs0, wx0, wh0, b0 = inputs()
    xs = tf.constant(xs0) if graph_loop else [tf.constant(x) for x in xs0]
    params = [tf.Variable(wx0), tf.Variable(wh0), tf.Variable(b0)]

    def cell(h, x):
        wx, wh, b = params
        return tf.tanh(tf.matmul(x, wx) + tf.matmul(h, wh) + b)

    def grad(xs):
        with tf.GradientTape() as tape:
            h = tf.zeros((BATCH, HIDDEN), dtype=tf.float32)
            if graph_loop:
                for t in tf.range(STEPS):
                    h = cell(h, xs[t])
            else:
                for x in xs:
                    h = cell(h, x)
            loss = tf.reduce_mean(h * h)
        return tape.gradient(loss, params)

    fn = ctx.wrap(grad)
    return lambda: fn(xs)


def tape_api(ctx):
    return _tape_builder(ctx, graph_loop=False)


def torch_api(ctx):
    torch = ctx.mod
    xs0, wx0, wh0, b0 = inputs()
    xs = [torch.from_numpy(x) for x in xs0]
    params = [torch.tensor(p, requires_grad=True) for p in (wx0, wh0, b0)]

    def step():
        wx, wh, b = params
        h = torch.zeros(BATCH, HIDDEN)
        for x in xs:
            h = torch.tanh(x @ wx + h @ wh + b)
        loss = (h * h).mean()
        return torch.autograd.grad(loss, params)

    return step


def jax_api(ctx):
    import jax
    import jax.numpy as jnp
    xs0, wx0, wh0, b0 = inputs()
    xs = [jnp.asarray(x) for x in xs0]
    params = tuple(jnp.asarray(p) for p in (wx0, wh0, b0))

    def loss(params, xs):
        wx, wh, b = params
        h = jnp.zeros((BATCH, HIDDEN), jnp.float32)
        for x in xs:
            h = jnp.tanh(x @ wx + h @ wh + b)
        return jnp.mean(h * h)

    g = jax.jit(jax.grad(loss)) if ctx.jit else jax.grad(loss)
    return lambda: jax.block_until_ready(g(params, xs))


WORKLOAD = Workload(
    "W4", f"vanilla tanh RNN: {STEPS} steps, batch {BATCH}, input {INPUT}, hidden {HIDDEN}, "
    "d mean(h_T^2) / d(Wx, Wh, b)",
    unit="ms", scale=1e3,
    builders={"tape": tape_api, "torch": torch_api, "jax": jax_api}, reference=reference,
    describe="milliseconds per forward + backward call")


# --- W4L: the same RNN as a graph loop -------------------------------------------------------------
def loop_tape_api(ctx):
    return _tape_builder(ctx, graph_loop=True)


def loop_torch_api(ctx):
    torch = ctx.mod
    xs0, wx0, wh0, b0 = inputs()
    xs = torch.from_numpy(xs0)
    params = [torch.tensor(p, requires_grad=True) for p in (wx0, wh0, b0)]

    def step():
        wx, wh, b = params
        h = torch.zeros(BATCH, HIDDEN)
        for t in range(STEPS):
            h = torch.tanh(xs[t] @ wx + h @ wh + b)
        loss = (h * h).mean()
        return torch.autograd.grad(loss, params)

    return step


def loop_jax_api(ctx):
    import jax
    import jax.numpy as jnp
    xs0, wx0, wh0, b0 = inputs()
    xs = jnp.asarray(xs0)
    params = tuple(jnp.asarray(p) for p in (wx0, wh0, b0))

    def loss(params, xs):
        wx, wh, b = params
        h = jax.lax.fori_loop(0, STEPS, lambda t, h: jnp.tanh(xs[t] @ wx + h @ wh + b),
                              jnp.zeros((BATCH, HIDDEN), jnp.float32))
        return jnp.mean(h * h)

    g = jax.jit(jax.grad(loss)) if ctx.jit else jax.grad(loss)
    return lambda: jax.block_until_ready(g(params, xs))


WORKLOADS = (WORKLOAD, Workload(
    "W4L", f"W4 as a graph loop: for t in tf.range({STEPS}) over a [{STEPS}, {BATCH}, {INPUT}] input",
    unit="ms", scale=1e3,
    builders={"tape": loop_tape_api, "torch": loop_torch_api, "jax": loop_jax_api}, reference=reference,
    describe="milliseconds per forward + backward call"))
