"""``tf.data``: input pipelines over NumPy (``Dataset``, ``AUTOTUNE``, ``Options``).

Example:
    >>> import numpy as np
    >>> import tapeflow as tf
    >>> x, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    >>> ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(6, seed=1).batch(4)
    >>> [tuple(b.shape) for b, _ in ds]
    [(4, 2), (2, 2)]
    >>> int(ds.cardinality()), tf.data.AUTOTUNE
    (2, -1)
"""
from tapeflow.data.dataset import (AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY,
                                   Dataset, Iterator, Options)
from tapeflow.data.sources import TextLineDataset
from tapeflow.data.structure import TensorSpec

__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Options",
           "Iterator", "TextLineDataset", "TensorSpec", "experimental"]


class experimental:  # noqa: N801 - TensorFlow's module name
    """``tf.data.experimental``: ``AUTOTUNE``, ``cardinality``, ``Counter`` and the
    cardinality constants."""

    AUTOTUNE = AUTOTUNE
    INFINITE_CARDINALITY = INFINITE_CARDINALITY
    UNKNOWN_CARDINALITY = UNKNOWN_CARDINALITY

    @staticmethod
    def cardinality(dataset):
        """``dataset.cardinality()``."""
        return dataset.cardinality()

    @staticmethod
    def Counter(start=0, step=1, dtype="int64", name=None):  # noqa: N802 - TF's name
        """An infinite dataset counting from ``start`` by ``step``."""
        from tapeflow.data.sources import CounterDataset
        return CounterDataset(start, step, dtype)

    @staticmethod
    def get_structure(dataset):
        """``dataset.element_spec``."""
        return dataset.element_spec


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
