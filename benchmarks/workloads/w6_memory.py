"""W6, peak memory of forward + backward: 20-layer MLP, width 1024, batch 256, float32.

h_0 = x; h_i = relu(h_{i-1} @ W_i) for i < 20, h_20 = h_19 @ W_20 (no bias, no
relu on the output); loss = mean(h_20^2); result: the loss and the 20 weight
gradients. Weights are Variables (tape frameworks), leaves with requires_grad
(torch), arguments of jax.grad (JAX). He-normal weights, x ~ N(0, 1), fixed seed.

Kind "memory": the worker (``benchmarks.worker.run_memory``) measures, in a
fresh process per framework, with ``benchmarks.memory.measure_peak``, the peak
resident memory of single calls above the resident memory after setup
(imports, weights, inputs; ``tf.function`` traced with
``get_concrete_function``, ``jax.jit`` compiled ahead with
``lower().compile()``); the table shows the median over the calls after the
first, in MiB (the first call, with its one-time costs, is the "1st call"
column). Memory kept between calls (TensorFlow's allocator keeps its pool)
counts. What to expect: the
weights (80 MiB) are allocated before the baseline; a call holds the saved
activations (256 x 1024 float32 = 1 MiB per tensor, a few per layer) and
produces the 20 gradients (80 MiB, alive at the end of the call). A tape that
frees saved values as the backward pass walks peaks near 80 MiB + a few layers'
activations; one that keeps them all until the end near 80 MiB + all of them.

The check compares the loss and the norms of the 20 gradients with a float64
reference, entry by entry (1e-4 relative).
"""
import numpy as np

from . import Workload, componentwise_rel_error

FULL = {"layers": 20, "width": 1024, "batch": 256}
QUICK = {"layers": 4, "width": 64, "batch": 16}
SEED = 6


def inputs(layers, width, batch):
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((batch, width)).astype(np.float32)
    ws = [(rng.standard_normal((width, width)) * np.sqrt(2.0 / width)).astype(np.float32) for _ in range(layers)]
    return x, ws


def reference(layers, width, batch):
    """[loss, ||dL/dW_1||, ..., ||dL/dW_L||] by hand-written backpropagation in float64."""
    x, ws = inputs(layers, width, batch)
    ws = [w.astype(np.float64) for w in ws]
    hs, pre = [x.astype(np.float64)], []
    for i, w in enumerate(ws):
        a = hs[-1] @ w
        pre.append(a)
        hs.append(np.maximum(a, 0) if i < layers - 1 else a)
    out = hs[-1]
    loss = np.mean(out ** 2)
    d = 2 * out / out.size
    norms = [0.0] * layers
    for i in range(layers - 1, -1, -1):
        if i < layers - 1:
            d = d * (pre[i] > 0)
        norms[i] = np.linalg.norm(hs[i].T @ d)
        d = d @ ws[i].T
    return [loss] + norms


def summarize(result, layers, width, batch):
    """(loss, 20 flattened gradients) -> [loss, the 20 gradient norms]."""
    result = np.asarray(result, np.float64)
    grads = result[1:].reshape(layers, width * width)
    return [result[0]] + list(np.linalg.norm(grads, axis=1))


def tape_api(ctx):
    tf = ctx.mod
    ctx.require("matmul", "reduce_mean", "Variable", "nn")
    x0, w0 = inputs(**ctx.size)
    x = tf.constant(x0)
    ws = [tf.Variable(w) for w in w0]

    def fwd_bwd(x):
        with tf.GradientTape() as tape:
            h = x
            for i, w in enumerate(ws):
                h = tf.matmul(h, w)
                if i < len(ws) - 1:
                    h = tf.nn.relu(h)
            loss = tf.reduce_mean(h * h)
        return [loss] + list(tape.gradient(loss, ws))

    fn = ctx.wrap(fwd_bwd)
    if hasattr(fn, "get_concrete_function"):  # graph mode: trace during setup, before the baseline
        fn.get_concrete_function(x)
    return lambda: fn(x)


def torch_api(ctx):
    torch = ctx.mod
    x0, w0 = inputs(**ctx.size)
    x = torch.from_numpy(x0)
    ws = [torch.tensor(w, requires_grad=True) for w in w0]

    def step():
        h = x
        for i, w in enumerate(ws):
            h = h @ w
            if i < len(ws) - 1:
                h = torch.relu(h)
        loss = (h * h).mean()
        return [loss.detach()] + list(torch.autograd.grad(loss, ws))

    return step


def jax_api(ctx):
    import jax
    import jax.numpy as jnp
    x0, w0 = inputs(**ctx.size)
    x = jnp.asarray(x0)
    ws = [jnp.asarray(w) for w in w0]

    def loss_fn(ws, x):
        h = x
        for i, w in enumerate(ws):
            h = h @ w
            if i < len(ws) - 1:
                h = jax.nn.relu(h)
        return jnp.mean(h * h)

    g = jax.value_and_grad(loss_fn)
    if ctx.jit:  # compile during setup, before the baseline
        g = jax.jit(g).lower(ws, x).compile()

    def step():
        loss, grads = g(ws, x)
        return jax.block_until_ready([loss] + list(grads))

    return step


WORKLOAD = Workload(
    "W6", "peak memory of forward + backward: {layers}-layer relu MLP, width {width}, batch {batch}, "
    "loss mean(out^2)".format(**FULL),
    unit="MiB", scale=1 / 2 ** 20, kind="memory",
    builders={"tape": tape_api, "torch": torch_api, "jax": jax_api}, reference=reference,
    sizes={"full": FULL, "quick": QUICK}, summarize=summarize, error=componentwise_rel_error,
    describe="peak resident memory of one call above the resident memory after setup (fresh process)")
