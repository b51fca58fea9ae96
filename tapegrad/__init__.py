"""tapegrad: automatic differentiation with TensorFlow 2's GradientTape programming model.

``import tapegrad as tf`` runs TF 2 autodiff code unchanged.
"""
from . import errors
from ._core import nest as _nest
from ._core.custom_gradient import custom_gradient, grad_pass_through
from ._core.dtypes import (DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16,  # noqa: A004
                           float32, float64, half, int8, int16, int32, int64, string, uint8, uint16,
                           uint32, uint64)
from ._core.shape import TensorShape
from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor, Variable, constant, convert_to_tensor
from .ops import operators as _operators  # noqa: F401 - installs Tensor/Variable operators
from .ops.array import (broadcast_to, fill, identity, ones, ones_like, reshape, stop_gradient, zeros,
                        zeros_like)
from .ops.math import (add, cast, cos, divide, exp, multiply, negative, pow, sin, sqrt, square,  # noqa: A004
                       subtract, truediv, where)
from .ops.reduce import reduce_sum
from . import math, testing  # noqa: E402

nest = _nest
newaxis = None
__version__ = "0.1.0"
