"""``tapegrad.dtypes``: TF's ``tf.dtypes`` namespace (the DType objects, ``as_dtype``, ``cast``, ...)."""
from ._core.dtypes import (DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16,  # noqa: F401,A004
                           float32, float64, half, int8, int16, int32, int64, string, uint8, uint16, uint32,
                           uint64)
from .ops.manip import saturate_cast  # noqa: F401
from .ops.math import cast, complex  # noqa: F401,A004

__all__ = ["DType", "as_dtype", "cast", "saturate_cast", "complex", "bfloat16", "bool", "complex64", "complex128",
           "double", "float16", "float32", "float64", "half", "int8", "int16", "int32", "int64", "string", "uint8",
           "uint16", "uint32", "uint64"]
