"""W5, second order: Hessian-vector product of f(x) = sum(tanh(x)^3), x float32[1000].

Reverse-over-reverse everywhere: nested GradientTapes (tapegrad, TF; the outer
tape pulls back v through the inner gradient, ``output_gradients=v``),
``torch.autograd.grad(create_graph=True)`` then ``grad(g, x, grad_outputs=v)``,
and ``jax.grad`` of ``vdot(grad f(x), v)`` (jitted or not). Checked result:
the HVP vector. Milliseconds per call.
"""
import numpy as np

from . import Workload

N = 1000
SEED = 0


def inputs():
    rng = np.random.default_rng(SEED)
    return rng.standard_normal(N).astype(np.float32), rng.standard_normal(N).astype(np.float32)


def reference():
    """H v with H = diag(f''(x)), f'' = (6t - 12t^3)(1 - t^2), t = tanh(x), in float64."""
    x, v = (a.astype(np.float64) for a in inputs())
    t = np.tanh(x)
    return (6 * t - 12 * t ** 3) * (1 - t ** 2) * v


def tape_api(ctx):
    tf = ctx.mod
    ctx.require("tanh", "reduce_sum")
    x0, v0 = inputs()
    x, v = tf.constant(x0), tf.constant(v0)

    def hvp(x, v):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(tf.tanh(x) ** 3)
            g = inner.gradient(y, x)
        return outer.gradient(g, x, output_gradients=v)

    fn = ctx.wrap(hvp)
    return lambda: fn(x, v)


def torch_api(ctx):
    torch = ctx.mod
    x0, v0 = inputs()
    x, v = torch.tensor(x0, requires_grad=True), torch.tensor(v0)

    def step():
        y = (torch.tanh(x) ** 3).sum()
        (g,) = torch.autograd.grad(y, x, create_graph=True)
        (h,) = torch.autograd.grad(g, x, grad_outputs=v)
        return h

    return step


def jax_api(ctx):
    import jax
    import jax.numpy as jnp
    x0, v0 = inputs()
    x, v = jnp.asarray(x0), jnp.asarray(v0)

    def f(x):
        return jnp.sum(jnp.tanh(x) ** 3)

    def hvp(x, v):
        return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)

    fn = jax.jit(hvp) if ctx.jit else hvp
    return lambda: fn(x, v).block_until_ready()


WORKLOAD = Workload(
    "W5", f"second order: Hessian-vector product of sum(tanh(x)^3), x float32[{N}], nested tapes",
    unit="ms", scale=1e3,
    builders={"tape": tape_api, "torch": torch_api, "jax": jax_api}, reference=reference,
    describe="milliseconds per HVP call (reverse-over-reverse)")
