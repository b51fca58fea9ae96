"""IndexedSlices: a sparse cotangent, rows ``values[i]`` of a dense tensor at ``indices[i]``.

``gather`` along axis 0 returns its parameter gradient in this form, so a
large embedding table is not densified per step. The tape concatenates
slices with slices, densifies when a slice meets a dense cotangent or feeds
another op's rule, and returns slices to the caller as TF does;
``convert_to_tensor`` densifies (duplicate indices are summed).
"""
from .shape import TensorShape
from .tensor import Tensor


class IndexedSlices:
    """Sparse rows of a tensor of shape ``dense_shape``: ``values[i]`` belongs at row ``indices[i]``."""

    __array_priority__ = 100

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = None if dense_shape is None else tuple(int(d) for d in dense_shape)
        # TF's gradients give an int32 shape; a shape tensor given by the caller keeps its dtype
        self._shape_dtype = str(getattr(dense_shape, "dtype", "int32"))

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dtype = property(lambda self: self._values.dtype)

    @property
    def dense_shape(self):
        import numpy as np
        if self._dense_shape is None:
            return None
        dtype = np.int64 if "int64" in self._shape_dtype else np.int32
        return Tensor(np.asarray(self._dense_shape, dtype=dtype))

    @property
    def shape(self):
        return TensorShape(self._dense_shape)

    def _as_tensor(self):
        """The dense tensor (a differentiable scatter-add of the rows)."""
        from ..ops.array import gather_grad_p
        from .dispatch import execute
        return execute(gather_grad_p, (self._values, self._indices),
                       {"shape": self._dense_shape, "axis": 0, "batch_dims": 0})

    def __array__(self, dtype=None, copy=None):
        return self._as_tensor().__array__(dtype)

    def __neg__(self):
        from ..ops.math import negative
        return IndexedSlices(negative(self._values), self._indices, self._dense_shape)

    def __repr__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self.dense_shape!s}"
        return f"IndexedSlices(indices={self._indices!s}, values={self._values!s}{shape})"


def combine(a, b):
    """a + b where either may be IndexedSlices: slices concatenate, anything dense densifies."""
    from ..ops.array import concat
    from ..ops.math import add
    if type(a) is IndexedSlices and type(b) is IndexedSlices:
        return IndexedSlices(concat([a._values, b._values], 0), concat([a._indices, b._indices], 0),
                             a._dense_shape)
    a = a._as_tensor() if type(a) is IndexedSlices else a
    b = b._as_tensor() if type(b) is IndexedSlices else b
    return add(a, b)
