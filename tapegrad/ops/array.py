"""Creation and shape ops: zeros/ones/fill, reshape, broadcast_to, identity, stop_gradient, ..."""
import numpy as np

from .. import errors
from .._core import dtypes as _dt
from .._core.primitive import Primitive
from .._core.shape import TensorShape
from ._util import NO_PARAMS, Tensor, dtype_of, execute
from ._util import tensor as as_tensor


def _shape_arg(shape, op):
    """A tuple of ints from a list, tuple, TensorShape, int or 1-D integer tensor."""
    if isinstance(shape, TensorShape):
        dims = shape.as_list()
    elif hasattr(shape, "_value"):
        dims = np.asarray(shape._value).reshape(-1).tolist()
    elif isinstance(shape, (int, np.integer)):
        dims = [shape]
    else:
        dims = list(shape)
    try:
        dims = tuple(int(d) for d in dims)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape must be a list of integers, got {shape!r}") from None
    return dims


# --- creation -------------------------------------------------------------------
def zeros(shape, dtype=_dt.float32, name=None, layout=None):
    """A tensor of zeros with the given shape and dtype (default float32)."""
    return Tensor(np.zeros(_shape_arg(shape, "zeros"), dtype=_dt.as_dtype(dtype)._np))


def ones(shape, dtype=_dt.float32, name=None, layout=None):
    """A tensor of ones with the given shape and dtype (default float32)."""
    return Tensor(np.ones(_shape_arg(shape, "ones"), dtype=_dt.as_dtype(dtype)._np))


def zeros_like(input, dtype=None, name=None, layout=None):  # noqa: A002 - TF's argument name
    """Zeros with the shape (and, by default, dtype) of ``input``."""
    x = as_tensor(input)
    return Tensor(np.zeros(x._value.shape, dtype=x._value.dtype if dtype is None else _dt.as_dtype(dtype)._np))


def ones_like(input, dtype=None, name=None, layout=None):  # noqa: A002
    """Ones with the shape (and, by default, dtype) of ``input``."""
    x = as_tensor(input)
    return Tensor(np.ones(x._value.shape, dtype=x._value.dtype if dtype is None else _dt.as_dtype(dtype)._np))


def fill(dims, value, name=None, layout=None):
    """A tensor of shape ``dims`` filled with the scalar ``value`` (its dtype is value's)."""
    v = as_tensor(value)
    if v._value.ndim != 0:
        raise errors.InvalidArgumentError(None, "fill", f"value must be a scalar, got shape {v.shape} [Op:Fill]")
    return Tensor(np.full(_shape_arg(dims, "fill"), v._value, dtype=v._value.dtype))


# --- identity and gradient blocking ------------------------------------------------
identity_p = Primitive("identity", lambda x: x, (lambda g, out, x: g,), linear=True, save_inputs=False)


def identity(input, name=None):  # noqa: A002
    """Returns a tensor with the same value (a new tensor for the tape)."""
    return execute(identity_p, (as_tensor(input),), NO_PARAMS)


stop_gradient_p = Primitive("stop_gradient", lambda x: x, None, differentiable=False, linear=True)


def stop_gradient(input, name=None):  # noqa: A002
    """The same value, with gradients blocked (the gradient through it is None)."""
    return execute(stop_gradient_p, (as_tensor(input),), NO_PARAMS)


# --- shape ops --------------------------------------------------------------------
def _reshape_impl(x, shape):
    return np.reshape(x, shape)


reshape_p = Primitive("reshape", _reshape_impl, (lambda g, out, x, shape: reshape(g, x.shape),),
                      linear=True, save_inputs=False)


def reshape(tensor, shape, name=None):
    """Reshapes; one dimension may be -1 and is inferred."""
    x = as_tensor(tensor)
    shape = _shape_arg(shape, "reshape")
    if x._value.shape == shape:
        return x
    size = x._value.size
    known = 1
    for d in shape:
        if d != -1:
            known *= d
    if shape.count(-1) > 1 or (-1 not in shape and known != size) or (-1 in shape and (known == 0 or size % known)):
        raise errors.InvalidArgumentError(None, "reshape", (
            f"Input to reshape is a tensor with {size} values, but the requested shape {list(shape)} "
            f"{'has ' + str(known) if -1 not in shape else 'cannot be inferred from'} {known} [Op:Reshape]"))
    return execute(reshape_p, (x,), {"shape": shape})


broadcast_to_p = Primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
                           (lambda g, out, x, shape: g,),  # the tape sums g back to x's shape
                           linear=True, save_inputs=False)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts ``input`` to ``shape`` with NumPy's rules."""
    x = as_tensor(input)
    shape = _shape_arg(shape, "broadcast_to")
    try:
        np.broadcast_shapes(x._value.shape, shape)
    except ValueError:
        raise errors.InvalidArgumentError(None, "broadcast_to", (
            f"Unable to broadcast tensor of shape {list(x._value.shape)} to tensor of shape {list(shape)} "
            "[Op:BroadcastTo]")) from None
    if x._value.shape == shape:
        return x
    return execute(broadcast_to_p, (x,), {"shape": shape})


def shape_of(x):
    """Shape tuple of a Tensor or Spec (for rules)."""
    return x._value.shape if type(x) is Tensor else x.shape


__all__ = ["zeros", "ones", "zeros_like", "ones_like", "fill", "identity", "stop_gradient", "reshape",
           "broadcast_to"]
