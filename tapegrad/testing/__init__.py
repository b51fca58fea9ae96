"""Testing utilities shipped with tapegrad: the gradient checker."""
from .gradcheck import check_grads, check_jvp, check_jvps, check_vjp, numerical_jvp

__all__ = ["check_grads", "check_jvp", "check_jvps", "check_vjp", "numerical_jvp"]
