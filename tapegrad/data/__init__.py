"""``tapegrad.data``: input pipelines with ``tf.data``'s API (``Dataset``, ``AUTOTUNE``, cardinality constants).

>>> ds = tapegrad.data.Dataset.range(5).map(lambda x: x * 2).batch(2)
>>> [b.numpy().tolist() for b in ds]
[[0, 2], [4, 6], [8]]
"""
from . import experimental
from .dataset import (AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, NumpyIterator, Options,
                      OwnedIterator)
from .structure import TensorSpec

Iterator = OwnedIterator
DatasetV2 = Dataset

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "DatasetV2", "Iterator",
           "NumpyIterator", "Options", "OwnedIterator", "TensorSpec", "experimental"]
