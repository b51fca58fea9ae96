"""tapegrad: automatic differentiation with TensorFlow 2's GradientTape programming model.

``import tapegrad as tf`` runs TF 2 autodiff code unchanged. The top-level
namespace re-exports the public API; op families live in ``tapegrad.ops``
and each lists its public names in ``__all__``.
"""
import warnings as _warnings

from . import errors
from ._core import nest
from ._core.custom_gradient import custom_gradient, grad_pass_through
from ._core.dtypes import (DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16,  # noqa: A004
                           float32, float64, half, int8, int16, int32, int64, string, uint8, uint16,
                           uint32, uint64)
from ._core.indexed_slices import IndexedSlices
from ._core.primitive import RegisterGradient, no_gradient
from ._core.shape import TensorShape
from ._core.tape import GradientTape, UnconnectedGradients
from ._core.tensor import Tensor, Variable, constant, convert_to_tensor
from .graph.function import function
from .ops import operators as _operators  # noqa: F401 - installs Tensor/Variable operators
from .ops.array import *  # noqa: F401,F403
from .ops.control_flow import *  # noqa: F401,F403
from .ops.tensor_array import TensorArray  # noqa: F401
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import clip_by_global_norm, clip_by_norm, global_norm, norm  # noqa: F401
from .ops.logging import print  # noqa: F401,A004
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.manip import *  # noqa: F401,F403
from .ops.functional_ops import *  # noqa: F401,F403
from .ops.framework import *  # noqa: F401,F403
from .ops.array_extra import *  # noqa: F401,F403
from .ops.linalg_extra import eig, eigvals, sqrtm as matrix_square_root  # noqa: F401
from .ops.debugging import assert_equal, assert_greater, assert_less, assert_rank  # noqa: F401 - tf.assert_* aliases
from .ops.asserts import Assert  # noqa: F401
from . import debugging, linalg, math, nn, random, testing  # noqa: E402
from . import bitwise, dtypes  # noqa: E402
from . import signal  # noqa: E402
from . import experimental  # noqa: E402 - after every op module: it builds the batched-rule table
from .graph import autograph  # noqa: E402
from . import config  # noqa: E402
from . import autodiff  # noqa: E402
from . import keras  # noqa: E402
from .module import Module  # noqa: E402
from . import train  # noqa: E402
from . import data  # noqa: E402
from .graph.function import TensorSpec  # noqa: E402

newaxis = None

# TF computes inf/nan silently; NumPy's RuntimeWarnings from tapegrad's kernels are noise.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"tapegrad\.")
__version__ = "0.1.0"
