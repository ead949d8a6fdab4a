"""``keras.utils.split_dataset`` and the small datasets standing in for ``tf.data``.

``split_dataset`` and ``timeseries_dataset_from_array`` return small in-memory datasets standing in for ``tf.data.Dataset``: iterate them
for elements (tuples of ``tf.Tensor`` where Keras yields tuples), ``len()`` is the
cardinality, ``.batch(n)`` groups elements, ``.take(n)`` keeps the first ``n``,
``.as_numpy_iterator()`` yields NumPy values, and ``model.fit`` accepts them (a batched
one is a sequence of batches).

Example:
    >>> import numpy as np
    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(left), len(right)
    (8, 2)
    >>> [int(v) for v in right]
    [8, 9]
"""

from __future__ import annotations

import random

import numpy as np

from tapeflow.tensor import constant

__all__ = ["ArrayDataset", "BaseDataset", "split_dataset"]


def _map(structure, fn):
    if isinstance(structure, dict):
        return {k: _map(v, fn) for k, v in structure.items()}
    if isinstance(structure, (tuple, list)):
        return tuple(_map(v, fn) for v in structure)
    return fn(structure)


def _leaves(structure):
    if isinstance(structure, dict):
        return [leaf for v in structure.values() for leaf in _leaves(v)]
    if isinstance(structure, (tuple, list)):
        return [leaf for v in structure for leaf in _leaves(v)]
    return [structure]


class BaseDataset:
    """What the datasets here share: ``len``, indexing, iteration (as ``tf.Tensor``)."""

    def __len__(self):
        raise NotImplementedError

    def _numpy(self, i):
        raise NotImplementedError

    def cardinality(self):
        """Number of elements (batches when batched), as ``tf.data``'s ``cardinality``."""
        return len(self)

    def __getitem__(self, i):
        if not 0 <= i < len(self):
            raise IndexError(f"dataset index {i} out of range for {len(self)} elements")
        return _map(self._numpy(i), constant)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def as_numpy_iterator(self):
        """Yields the elements as NumPy values."""
        return (self._numpy(i) for i in range(len(self)))


class ArrayDataset(BaseDataset):
    """Elements (or batches) sliced from arrays along their first axis.

    Args:
        arrays: An array, or a tuple/list/dict of arrays of the same length.
        batch_size: None for single elements, else the batch size (last batch smaller).

    Example:
        >>> import numpy as np
        >>> ds = ArrayDataset((np.arange(5), np.arange(5) * 10)).batch(2)
        >>> len(ds), [y.tolist() for _, y in ds.as_numpy_iterator()]
        (3, [[0, 10], [20, 30], [40]])
    """

    def __init__(self, arrays, batch_size=None):
        self.arrays = _map(arrays, np.asarray)
        lengths = {len(a) for a in _leaves(self.arrays)}
        if len(lengths) != 1:
            raise ValueError(f"All arrays of a dataset need the same length (first "
                             f"dimension); received lengths {sorted(lengths)}.")
        self.num_samples = lengths.pop()
        self.batch_size = batch_size

    def __len__(self):
        if self.batch_size is None:
            return self.num_samples
        return -(-self.num_samples // self.batch_size)

    def _numpy(self, i):
        if self.batch_size is None:
            return _map(self.arrays, lambda a: a[i])
        sl = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return _map(self.arrays, lambda a: a[sl])

    def batch(self, batch_size):
        """The same data in batches of ``batch_size``."""
        if self.batch_size is not None:
            raise ValueError("This dataset is already batched.")
        return type(self)(self.arrays, batch_size)

    def take(self, count):
        """The first ``count`` elements (all of them for ``count=-1``)."""
        count = len(self) if count < 0 else min(count, len(self))
        size = count if self.batch_size is None else min(count * self.batch_size,
                                                           self.num_samples)
        return type(self)(_map(self.arrays, lambda a: a[:size]), self.batch_size)


def _samples(dataset):
    """(structure of arrays, number of samples) of a split_dataset input."""
    if isinstance(dataset, ArrayDataset):
        return dataset.arrays, dataset.num_samples
    if isinstance(dataset, np.ndarray) or hasattr(dataset, "numpy"):
        return np.asarray(dataset), len(dataset)
    if isinstance(dataset, (tuple, list)):
        arrays = tuple(np.asarray(a) for a in dataset)
        return arrays, len(arrays[0])
    raise TypeError("The `dataset` argument must be either a dataset object, or a "
                    f"list/tuple of arrays. Received: dataset={dataset!r:.80} of type "
                    f"{type(dataset)}")


def _check_size(name, size, total):
    if size is not None and type(size) not in (int, float):
        raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, "
                        f"Received: type({name})={type(size)}.")
    if (type(size) is int and not 0 < size < total) or (
            type(size) is float and not 0 < size < 1):
        raise ValueError(f"`{name}` should be either a positive integer smaller than "
                         f"{total}, or a float within the range `[0, 1]`. Received: "
                         f"{name}={size}")


def _split_sizes(left_size, right_size, total):
    """Keras's ``_rescale_dataset_split_sizes``."""
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    _check_size("left_size", left_size, total)
    _check_size("right_size", right_size, total)
    if type(left_size) is type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It "
                         "must be less than or equal to 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than "
                         f"the {total}. Received: left_size + right_size = {left + right}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and "
                             f"`right_size`={right}. Resulting {side} side dataset split "
                             "will be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset into a left and a right part, as ``keras.utils.split_dataset``.

    Args:
        dataset: An array, a tuple/list of arrays of the same length, or an
            ``ArrayDataset``.
        left_size: Fraction (float in (0, 1)) or number (int) of samples on the left;
            None: the complement of ``right_size``.
        right_size: Same for the right part (taken from the end).
        shuffle: Shuffle the samples first (Python's ``random`` with ``seed``, as Keras).
        seed: Seed of the shuffle.

    Returns:
        ``(left, right)`` unbatched ``ArrayDataset`` objects (batched like the input
        when the input was a batched ``ArrayDataset``).

    Example:
        >>> import numpy as np
        >>> left, right = split_dataset((np.arange(4), np.arange(4)), right_size=1)
        >>> [x.tolist() for x, _ in right.as_numpy_iterator()]
        [3]
    """
    arrays, total = _samples(dataset)
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be "
                         "specified. Received: left_size=None and right_size=None")
    order = list(range(total))
    if shuffle:
        random.Random(random.randint(0, int(1e6)) if seed is None else seed).shuffle(order)
    left, right = _split_sizes(left_size, right_size, total)
    order = np.asarray(order, dtype=np.int64)
    batch = dataset.batch_size if isinstance(dataset, ArrayDataset) else None
    parts = [ArrayDataset(_map(arrays, lambda a, ix=ix: a[ix]), batch)
             for ix in (order[:left], order[total - right:])]
    return parts[0], parts[1]
