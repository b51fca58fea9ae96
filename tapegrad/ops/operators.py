"""Python operators on Tensor and Variable, mapped to tapegrad ops as TF maps them."""
from .._core.tensor import Tensor, Variable, _variable_getitem, convert_to_tensor
from . import array, math
from ._util import pair


def _binary(fn):
    def op(self, other):
        return fn(self, other)

    def rop(self, other):
        return fn(other, self)

    return op, rop


def _eq(self, other):
    """Elementwise equality (TF 2); ``x == None`` is False, shapes that do not broadcast give a scalar False."""
    if other is None:
        return False
    x, y = pair("Equal", self, other)
    if not _broadcastable(x, y):
        return convert_to_tensor(False)
    return math.equal(x, y)


def _ne(self, other):
    """Elementwise inequality; ``x != None`` is True, shapes that do not broadcast give a scalar True."""
    if other is None:
        return True
    x, y = pair("NotEqual", self, other)
    if not _broadcastable(x, y):
        return convert_to_tensor(True)
    return math.not_equal(x, y)


def _broadcastable(x, y):
    a, b = x.shape.as_list(), y.shape.as_list()
    return all(p == q or p == 1 or q == 1 or p is None or q is None for p, q in zip(a[::-1], b[::-1]))


_OPS = {
    "add": lambda x, y: math.add(x, y),
    "sub": lambda x, y: math.subtract(x, y),
    "mul": lambda x, y: math.multiply(x, y),
    "truediv": lambda x, y: math.truediv(x, y),
    "floordiv": lambda x, y: math.floordiv(x, y),
    "mod": lambda x, y: math.floormod(x, y),
    "pow": lambda x, y: math.pow(x, y),
    "matmul": lambda x, y: math.matmul(x, y),
    "and": lambda x, y: math.logical_and(x, y) if _is_bool(x, y) else math.bitwise_and(x, y),
    "or": lambda x, y: math.logical_or(x, y) if _is_bool(x, y) else math.bitwise_or(x, y),
    "xor": lambda x, y: math.logical_xor(x, y) if _is_bool(x, y) else math.bitwise_xor(x, y),
}


def _is_bool(x, y):
    t = x if isinstance(x, (Tensor, Variable)) else y
    return t.dtype.is_bool


def _radd(self, other):
    """``other + tensor``: ``other`` must convert to the tensor's dtype (TypeError otherwise), as in TF."""
    x, y = pair("add", other, self)
    return math.add(x, y)


def _install(cls):
    for name, fn in _OPS.items():
        op, rop = _binary(fn)
        setattr(cls, f"__{name}__", op)
        setattr(cls, f"__r{name}__", rop)
    cls.__radd__ = _radd
    cls.__lt__ = lambda self, other: math.less(self, other)
    cls.__le__ = lambda self, other: math.less_equal(self, other)
    cls.__gt__ = lambda self, other: math.greater(self, other)
    cls.__ge__ = lambda self, other: math.greater_equal(self, other)
    cls.__eq__ = _eq
    cls.__ne__ = _ne
    cls.__neg__ = lambda self: math.negative(self)
    cls.__pos__ = lambda self: self
    cls.__abs__ = lambda self: math.abs(self)
    cls.__invert__ = lambda self: math.logical_not(self) if self.dtype.is_bool else math.invert(self)
    cls.__getitem__ = lambda self, key: array.getitem(self, key)


_install(Tensor)
_install(Variable)
Variable.__getitem__ = _variable_getitem  # variable[key] has TF's .assign(value)
# Defining __eq__ removes the inherited __hash__; both types stay unhashable on purpose (use .ref()).
Tensor.__hash__ = Tensor.__dict__.get("__hash__") or (lambda self: _unhashable("Tensor"))
Variable.__hash__ = lambda self: _unhashable("Variable")


def _unhashable(kind):
    raise TypeError(f"{kind} is unhashable. Instead, use {kind.lower()}.ref() as the key.")
