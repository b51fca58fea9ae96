"""``tapegrad.function``.

Graph tracing (symbolic tensors, AutoGraph, a compiled executor) is not built
yet: a ``function`` runs its Python function eagerly on every call, exactly as
TensorFlow does under ``tf.config.run_functions_eagerly(True)``. Values and
gradients are those of graph mode; Python side effects run on every call
rather than only at trace time.
"""
import functools
import weakref


class Function:
    """A callable made by ``tapegrad.function``; see the module docstring."""

    def __init__(self, python_function, input_signature=None, autograph=True, jit_compile=None,
                 reduce_retracing=False):
        if not callable(python_function):
            raise TypeError(f"function expects a callable, got {python_function!r}")
        self._python_function = python_function
        self.input_signature = input_signature
        self._autograph = autograph
        self._jit_compile = jit_compile
        self._reduce_retracing = reduce_retracing
        self._descriptor_cache = weakref.WeakKeyDictionary()
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self):
        return self._python_function

    def __call__(self, *args, **kwargs):
        return self._python_function(*args, **kwargs)

    def __get__(self, instance, owner):
        if instance is None:
            return self
        bound = self._descriptor_cache.get(instance)
        if bound is None:
            bound = Function(self._python_function.__get__(instance, owner), self.input_signature,
                             self._autograph, self._jit_compile, self._reduce_retracing)
            self._descriptor_cache[instance] = bound
        return bound

    def __repr__(self):
        return f"<tapegrad.function {getattr(self._python_function, '__qualname__', self._python_function)!r} (eager)>"


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_implements=None, experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None, experimental_follow_type_hints=None):
    """Decorator making a ``Function``; usable with and without arguments.

    >>> @tapegrad.function
    ... def f(x):
    ...     return x * x
    """
    def decorate(f):
        return Function(f, input_signature, autograph, jit_compile, reduce_retracing)

    return decorate if func is None else decorate(func)
