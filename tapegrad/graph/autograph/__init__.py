"""AutoGraph: Python control flow on tensors becomes ``tapegrad.cond`` / ``tapegrad.while_loop`` (``tf.autograph``).

>>> def f(x):
...     while x > 1.0:
...         x = x / 2.0
...     return x
>>> print(tapegrad.autograph.to_code(f))  # doctest: +SKIP

``convert(f)`` returns the converted function (what ``tapegrad.function``
traces); called eagerly it computes exactly what ``f`` computes. Functions
called from converted code are converted when called, except tapegrad's,
NumPy's, the standard library's and those marked ``do_not_convert``.
Functions whose source is unavailable run unconverted, with a warning.
"""
import enum as _enum

from .conversion import convert, converted_call, do_not_convert, to_code_of
from .transformer import ConversionError

_verbosity = 0


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """The converted version of ``entity`` (TF's ``tf.autograph.to_graph``)."""
    return convert(entity)


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The source of the converted ``entity``, as a string (TF's ``tf.autograph.to_code``)."""
    return to_code_of(entity)


def set_verbosity(level, alsologtostdout=False):
    """Accepted for compatibility; AutoGraph here logs nothing."""
    global _verbosity
    _verbosity = level


def trace(*args):
    """Prints its arguments (TF's ``tf.autograph.trace``)."""
    print(*args)


class _Experimental:
    """``tapegrad.autograph.experimental``."""

    class Feature(_enum.Enum):
        ALL = "ALL"
        AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
        ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
        BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
        EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
        LISTS = "LISTS"
        NAME_SCOPES = "NAME_SCOPES"

    do_not_convert = staticmethod(do_not_convert)

    @staticmethod
    def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                         shape_invariants=None):
        """A directive read by the converter from the top of a loop body; does nothing when called."""


experimental = _Experimental()

__all__ = ["convert", "converted_call", "do_not_convert", "to_code", "to_graph", "set_verbosity", "trace",
           "experimental", "ConversionError"]
