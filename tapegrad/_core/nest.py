"""Flatten and rebuild nested structures (lists, tuples, namedtuples, dicts), like ``tf.nest``.

Dicts are flattened in sorted-key order; everything that is not a list,
tuple or mapping (tensors, variables, numbers, None) is a leaf.

Composite values (a ``TensorArray``) are leaves too, unless
``expand_composites=True``: then they flatten to their component tensors
(``x._to_components()``) and are rebuilt from them
(``template._from_components(components)``), as TF does for a while_loop's
loop variables.
"""
import collections.abc


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x):
    """True for lists, tuples and mappings."""
    return isinstance(x, (list, tuple, collections.abc.Mapping))


def _children(x):
    if isinstance(x, collections.abc.Mapping):
        return [x[k] for k in _sorted_keys(x)]
    return list(x)


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError as e:
        raise TypeError(f"nest only supports dicts with sortable keys: {e}") from None


def _is_composite(x):
    return hasattr(type(x), "_to_components")


def flatten(structure, expand_composites=False):
    """The leaves of ``structure`` in order (a list). A leaf gives ``[leaf]``."""
    out = []
    stack = [structure]
    while stack:
        x = stack.pop()
        if is_nested(x):
            stack.extend(reversed(_children(x)))
        elif expand_composites and _is_composite(x):
            stack.extend(reversed(x._to_components()))
        else:
            out.append(x)
    return out


def _rebuild(template, children):
    if isinstance(template, collections.abc.Mapping):
        by_key = dict(zip(_sorted_keys(template), children))
        if isinstance(template, collections.defaultdict):
            result = collections.defaultdict(template.default_factory)
            result.update((k, by_key[k]) for k in template)
            return result
        return type(template)((k, by_key[k]) for k in template)
    if _is_namedtuple(template):
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """Rebuilds ``structure`` with the leaves taken in order from ``flat_sequence``."""
    flat = list(flat_sequence)
    n = len(flatten(structure, expand_composites))
    if n != len(flat):
        raise ValueError(f"Could not pack sequence. Structure had {n} atoms, but flat_sequence had "
                         f"{len(flat)} items. Structure: {structure!r}")
    it = iter(flat)

    def build(x):
        if is_nested(x):
            return _rebuild(x, [build(c) for c in _children(x)])
        if expand_composites and _is_composite(x):
            return x._from_components([build(c) for c in x._to_components()])
        return next(it)

    return build(structure)


def assert_same_structure(a, b):
    """Raises ValueError when ``a`` and ``b`` are not nested the same way."""
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures don't have the same nested structure: {a!r} vs {b!r}")
    if is_nested(a):
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb):
            raise ValueError(f"The two structures don't have the same number of elements: {a!r} vs {b!r}")
        for x, y in zip(ca, cb):
            assert_same_structure(x, y)


def map_structure(func, *structures):
    """Applies ``func`` leaf-wise to structures of the same shape."""
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*xs) for xs in zip(*flats)])
