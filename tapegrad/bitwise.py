"""``tapegrad.bitwise``: TF's ``tf.bitwise`` (elementwise bit operations on integer tensors)."""
from .ops.math import bitwise_and, bitwise_or, bitwise_xor, invert, left_shift, right_shift  # noqa: F401

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
