"""Exception classes with TensorFlow's names (``tf.errors``).

``OpError`` subclasses carry the failing op's name in ``op`` and a readable
``message``; the generic Python exceptions (TypeError, ValueError) are raised
where TensorFlow raises them.
"""


class OpError(Exception):
    """Base class for errors raised by an op at run time."""

    def __init__(self, node_def=None, op=None, message="", *args):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message

    def __str__(self):
        return self.message


def _make(name, doc):
    return type(name, (OpError,), {"__doc__": doc, "__module__": __name__})


CancelledError = _make("CancelledError", "An operation was cancelled.")
UnknownError = _make("UnknownError", "Unknown error.")
InvalidArgumentError = _make("InvalidArgumentError", "An op received an invalid argument.")
DeadlineExceededError = _make("DeadlineExceededError", "A deadline expired.")
NotFoundError = _make("NotFoundError", "A requested entity (e.g. a kernel for a dtype) was not found.")
AlreadyExistsError = _make("AlreadyExistsError", "An entity already exists.")
PermissionDeniedError = _make("PermissionDeniedError", "Permission denied.")
UnauthenticatedError = _make("UnauthenticatedError", "Unauthenticated request.")
ResourceExhaustedError = _make("ResourceExhaustedError", "A resource was exhausted.")
FailedPreconditionError = _make("FailedPreconditionError", "The system is not in a state for the operation.")
AbortedError = _make("AbortedError", "An operation was aborted.")
OutOfRangeError = _make("OutOfRangeError", "An operation iterated past the valid range.")
UnimplementedError = _make("UnimplementedError", "An operation is not implemented.")
InternalError = _make("InternalError", "An internal invariant was broken.")
UnavailableError = _make("UnavailableError", "The service is unavailable.")
DataLossError = _make("DataLossError", "Unrecoverable data loss or corruption.")



class OperatorNotAllowedInGraphError(TypeError):
    """A Python operation (``bool``, iteration) needs a tensor's value while a ``function`` is traced."""


OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS = range(7)
PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE = range(7, 12)
UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED = range(12, 17)
