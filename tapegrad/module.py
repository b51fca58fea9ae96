"""``tapegrad.Module``: TF 2's ``tf.Module`` (variable and submodule tracking by attribute).

A Module finds its Variables and submodules by walking its attributes, as TF
does: attributes in sorted name order, each attribute's value flattened the way
``tf.nest`` flattens it (lists and tuples in order, dicts by sorted key, nested),
a module's own leaves before those of its submodules (which are then walked in
the order found), each object reported once.
"""
import re

from ._core.tensor import Variable
from .ops import framework as _framework

_IGNORED = frozenset(("_self_unconditional_checkpoint_dependencies", "_self_unconditional_dependency_names"))
_VALID_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def _camel_to_snake(name):
    s = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _sort_key(k):
    return (type(k).__name__, k) if not isinstance(k, str) else ("", k)


def flatten_with_paths(value, path=()):
    """``[(path, leaf)]`` of a nested structure: lists/tuples in order, dicts by sorted key."""
    if isinstance(value, dict):
        out = []
        try:
            keys = sorted(value)
        except TypeError:
            keys = sorted(value, key=_sort_key)
        for k in keys:
            out.extend(flatten_with_paths(value[k], path + (k,)))
        return out
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        out = []
        for i, v in enumerate(value):
            out.extend(flatten_with_paths(v, path + (i,)))
        return out
    if isinstance(value, tuple):  # a namedtuple: fields in declaration order
        out = []
        for f, v in zip(value._fields, value):
            out.extend(flatten_with_paths(v, path + (f,)))
        return out
    return [(path, value)]


def _flatten_module(module, predicate, recursive=True, with_path=False, module_path=(), seen=None, stack=None):
    if seen is None:
        seen = {id(module)}
    if stack is None:
        stack = []
    if id(module) in stack:
        recursive = False
    submodules = []
    attrs = vars(module)
    for key in sorted(attrs):
        if key in _IGNORED:
            continue
        for leaf_path, leaf in flatten_with_paths(attrs[key], (key,)):
            if not with_path:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (module_path + leaf_path, leaf) if with_path else leaf
            if recursive and isinstance(leaf, Module):
                submodules.append((module_path + leaf_path, leaf))
    stack.append(id(module))
    for sub_path, sub in submodules:
        yield from _flatten_module(sub, predicate, recursive, with_path, sub_path, seen, stack)
    stack.pop()


class Module:
    """Base class for models and layers (``tf.Module``).

    ``variables``, ``trainable_variables`` and ``submodules`` are collected from
    the attributes (Variables, Modules, and lists/tuples/dicts of them, nested),
    in TF's order. ``name_scope`` is a ``tapegrad.name_scope`` (variable names are
    prefixed by it, as in TF).
    """

    def __init__(self, name=None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not _VALID_NAME.match(name):
            raise ValueError(f"'{name}' is not a valid module name. Module names must be valid Python identifiers "
                             "(e.g. a valid class name).")
        self._name = name
        self._scope_name = _framework._scopes.stack[-1] + name + "/"

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        """A ``name_scope`` for this module (the scope open at its creation, then its name): variables created
        in it are named ``'module_name/var:0'``, as in TF."""
        return _framework.name_scope(self._scope_name)

    @property
    def variables(self):
        """Every Variable of this module and its submodules (each once), in TF's order."""
        return tuple(self._flatten(predicate=lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self):
        """The trainable Variables among ``variables``."""
        return tuple(self._flatten(predicate=lambda v: isinstance(v, Variable) and v.trainable))

    @property
    def non_trainable_variables(self):
        return tuple(self._flatten(predicate=lambda v: isinstance(v, Variable) and not v.trainable))

    @property
    def submodules(self):
        """Every Module reachable from this one (not itself), breadth first, each once."""
        return tuple(self._flatten(predicate=lambda m: isinstance(m, Module)))

    def _flatten(self, recursive=True, predicate=None, with_path=False):
        """Like ``tf.Module._flatten``: leaves satisfying ``predicate`` (with their attribute paths)."""
        if predicate is None:
            def predicate(_):
                return True
        return _flatten_module(self, predicate, recursive=recursive, with_path=with_path)

    @classmethod
    def with_name_scope(cls, method):
        """Decorator accepted for compatibility (a no-op scope)."""
        return method

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"
