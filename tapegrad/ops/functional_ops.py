"""Higher-order functions over the leading dimension: map_fn, scan, foldl, foldr, vectorized_map.

They run ``fn`` once per slice in Python (eagerly, or unrolled while a ``function`` is traced) on slices
cut by ``unstack`` and join results with ``stack``, so gradients flow through those primitives.
``vectorized_map`` computes what ``map_fn`` does (TF's pfor vectorization is a speed optimization).
"""
from .. import errors
from .._core import dtypes as _dt
from .._core import nest
from .._core.tensor import Variable, convert_to_tensor
from . import array as _array
from ._util import Tensor


def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _slices(elems, what="elems"):
    """The flat tensors of ``elems`` and, for each, its list of slices along axis 0 (all of one length)."""
    flat = [_array.identity(e) if _is_tensor(e) else convert_to_tensor(e) for e in nest.flatten(elems)]
    if not flat:
        raise ValueError(f"{what} must be a Tensor or (possibly nested) sequence of Tensors. Got {elems}, which does "
                         "not contain any Tensors.")
    for t in flat:
        if t._value.ndim == 0:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    n = flat[0]._value.shape[0]
    for t in flat[1:]:
        if t._value.shape[0] != n:
            raise ValueError(f"Dimensions {n} and {t._value.shape[0]} are not compatible")
    return flat, n, [_array.unstack(t) for t in flat]


def _element(elems, pieces, i):
    return nest.pack_sequence_as(elems, [p[i] for p in pieces])


def _signature_dtypes(signature):
    """The flat dtypes of an fn_output_signature (DTypes, TensorSpecs or anything with a dtype), or None."""
    if signature is None:
        return None
    return [s if isinstance(s, _dt.DType) else _dt.as_dtype(getattr(s, "dtype", s)) for s in nest.flatten(signature)]


def _stack_results(results, structure, dtypes):
    """Stacks per-element results (each with ``structure``) into one structure of tensors."""
    flat_results = []
    for r in results:
        try:
            nest.assert_same_structure(structure, r)
        except (TypeError, ValueError) as e:
            raise ValueError(f"The two structures don't have the same nested structure.\n\n{e}") from None
        flat_results.append([convert_to_tensor(v) if not _is_tensor(v) else v for v in nest.flatten(r)])
    columns = list(zip(*flat_results))
    if dtypes is not None:
        for col, dtype in zip(columns, dtypes):
            for v in col:
                if v.dtype != dtype:
                    raise errors.InvalidArgumentError(None, "TensorListSetItem", (
                        f"TensorArray dtype is {dtype.name} but Op is trying to write dtype {v.dtype.name} "))
    return nest.pack_sequence_as(structure, [_array.stack(list(c)) for c in columns])


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False, infer_shape=True,
           name=None, fn_output_signature=None):
    """``stack([fn(e) for e in unstack(elems)])``, over (possibly nested) ``elems`` of one leading length.

    ``fn_output_signature`` (or the deprecated ``dtype``) gives fn's output structure and dtypes when
    they differ from ``elems``'; an output of another dtype is an InvalidArgumentError, as in TF.

    >>> tapegrad.map_fn(lambda x: x * x, tapegrad.constant([1, 2, 3])).numpy().tolist()
    [1, 4, 9]
    """
    if not callable(fn):
        raise TypeError(f"The provided function {getattr(fn, '__name__', fn)} is not callable.fn must be callable.")
    signature = fn_output_signature if fn_output_signature is not None else dtype
    flat, n, pieces = _slices(elems)
    structure = elems if signature is None else signature
    dtypes = _signature_dtypes(signature) if signature is not None else [t.dtype for t in flat]
    if n == 0:
        return nest.pack_sequence_as(structure, [_array.zeros([0], dtype=d) for d in dtypes])
    results = [fn(_element(elems, pieces, i)) for i in range(n)]
    if signature is None:
        structure = results[0]
        if nest.is_nested(elems) != nest.is_nested(structure) or (
                nest.is_nested(elems) and len(nest.flatten(elems)) != len(nest.flatten(structure))):
            try:
                nest.assert_same_structure(elems, structure)
            except (TypeError, ValueError) as e:
                raise ValueError(f"The two structures don't have the same nested structure.\n\n{e}") from None
        dtypes = None
    return _stack_results(results, structure, dtypes)


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """``map_fn(fn, elems)`` with fn's own output structure (TF vectorizes it; the values are the same)."""
    flat, n, pieces = _slices(elems)
    results = [fn(_element(elems, pieces, i)) for i in range(n)]
    return _stack_results(results, results[0], None)


def _scan_loop(fn, elems, initializer, reverse):
    flat, n, pieces = _slices(elems)
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    if initializer is None:
        if not order:
            raise ValueError("elems must have at least one element along the first dimension when no initializer "
                             "is given.")
        acc = _element(elems, pieces, order[0])
        outputs = [acc]
        order = order[1:]
    else:
        acc = nest.map_structure(lambda v: v if _is_tensor(v) else convert_to_tensor(v), initializer)
        outputs = []
    for i in order:
        acc = fn(acc, _element(elems, pieces, i))
        outputs.append(acc)
    return acc, outputs


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, infer_shape=True,
         reverse=False, name=None):
    """The stacked accumulators ``a_i = fn(a_{i-1}, elems[i])`` (a_0 from ``initializer``, else elems[0]).

    >>> tapegrad.scan(lambda a, x: a + x, tapegrad.constant([1, 2, 3])).numpy().tolist()
    [1, 3, 6]
    """
    if not callable(fn):
        raise TypeError(f"{fn} is not callable. Please provide a callable function.")
    acc, outputs = _scan_loop(fn, elems, initializer, reverse)
    if not outputs:
        return nest.map_structure(lambda a: _array.zeros([0] + list(a._value.shape), dtype=a.dtype), acc)
    if reverse:
        outputs = outputs[::-1]
    return _stack_results(outputs, outputs[0], None)


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """The final accumulator of ``a = fn(a, x)`` over ``elems`` from first to last."""
    if not callable(fn):
        raise TypeError(f"{fn} is not callable. Please provide a callable function.")
    return _scan_loop(fn, elems, initializer, False)[0]


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """The final accumulator of ``a = fn(a, x)`` over ``elems`` from last to first."""
    if not callable(fn):
        raise TypeError(f"{fn} is not callable. Please provide a callable function.")
    return _scan_loop(fn, elems, initializer, True)[0]


__all__ = ["map_fn", "vectorized_map", "scan", "foldl", "foldr"]
