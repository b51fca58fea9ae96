"""``KerasVariable``: a tapegrad Variable named as Keras 3 names its variables.

Keras 3 variables have a bare ``name`` (``'kernel'``, no ``':0'``), a ``path``
made of the name scopes open when they were created (``'dense/kernel'``,
``'sequential/dense/kernel'``), a settable ``trainable`` flag (a layer's
``trainable = False`` clears it on its variables, so tapes stop watching them)
and an optional ``regularizer``.
"""
import random
import threading

from .._core.tensor import Variable

_scopes = threading.local()


def _stack():
    stack = getattr(_scopes, "stack", None)
    if stack is None:
        stack = _scopes.stack = []
    return stack


class name_scope:  # noqa: N801 - a context manager named as Keras' backend.name_scope
    """Pushes ``name`` on the Keras name-scope stack (not again when ``caller`` already opened the top one)."""

    def __init__(self, name, caller=None):
        self.name = name
        self.caller = caller
        self._pushed = False

    def __enter__(self):
        stack = _stack()
        if not (self.caller is not None and stack and stack[-1][1] is self.caller):
            stack.append((self.name, self.caller))
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _stack().pop()
        return False


def current_path():
    """The open name scopes joined by '/' ('' when none is open)."""
    return "/".join(name for name, _ in _stack())


class KerasVariable(Variable):
    """A Variable with Keras 3's ``name`` (no ':0'), ``path``, settable ``trainable`` and ``regularizer``."""

    def __init__(self, initial_value, dtype=None, trainable=True, name="variable", path=None, constraint=None,
                 regularizer=None):
        super().__init__(initial_value, trainable=trainable, name=name, dtype=dtype, constraint=constraint)
        self._name = name
        if path is None:
            prefix = current_path()
            path = f"{prefix}/{name}" if prefix else name
        self.path = path
        self.regularizer = regularizer

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    def __repr__(self):
        return (f"<Variable path={self.path}, shape={tuple(self._value.shape)}, dtype={self.dtype.name}, "
                f"value={self._value}>")

    __str__ = __repr__


class SeedGenerator:
    """Keras 3's ``keras.random.SeedGenerator`` as layers hold it: the RNG state of a random layer
    (``Dropout``), a non-trainable int64 variable ``[seed, 0]`` named ``seed_generator_state``. Keras lists it in
    a layer's ``variables`` and ``non_trainable_variables`` but not in its ``weights``. Without a seed, the seed
    is Keras' ``make_default_seed`` (Python's global ``random``, which ``keras.utils.set_random_seed`` seeds)."""

    def __init__(self, seed=None, name="seed_generator"):
        from .._core import dtypes
        self.seed = seed
        value = [int(seed) if seed is not None else make_default_seed(), 0]
        with name_scope(name):
            self.state = KerasVariable(value, dtype=dtypes.int64, trainable=False, name="seed_generator_state")

    def next(self):
        """The state as a stateless ops' seed, then the state's counter advanced by one (Keras' ``next()``)."""
        seed = self.state.read_value()
        self.state.assign_add([0, 1])
        return seed


def make_default_seed():
    """Keras' seed for an unseeded initializer or random layer: Python's global ``random``."""
    return random.randint(1, int(1e9))
