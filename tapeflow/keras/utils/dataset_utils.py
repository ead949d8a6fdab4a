"""``keras.utils.split_dataset``: a left and a right ``tf.data.Dataset`` from one dataset.

As Keras 3 does it: the samples of ``dataset`` (a NumPy array, a list/tuple of NumPy
arrays of the same length, or a ``tf.data.Dataset``, unbatched first when it is batched)
are listed, shuffled with Python's ``random`` (``random.seed(seed)``, as Keras, which
reseeds the global generator), then the first ``left_size`` go left and the last
``right_size`` go right. Each side is ``Dataset.from_tensor_slices`` of its samples,
batched again with the input's batch size when the input was batched.

Example:
    >>> import numpy as np
    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> int(left.cardinality()), len(right)
    (8, 2)
    >>> [int(v) for v in right]
    [8, 9]
"""

from __future__ import annotations

import random

import numpy as np

from tapeflow.data import structure
from tapeflow.data.dataset import Dataset

__all__ = ["split_dataset", "is_batched", "get_batch_size"]

_NAME = "split_dataset"


def is_batched(dataset):
    """Whether ``dataset`` is a batched ``tf.data.Dataset`` (Keras's test: it has a
    ``_batch_size``, as ``batch`` and ``padded_batch`` datasets do)."""
    return hasattr(dataset, "_batch_size")


def get_batch_size(dataset):
    """The batch size of a batched dataset, else None."""
    return dataset._batch_size if is_batched(dataset) else None


def _check_arrays(arrays, kind):
    """Keras's checks of a list/tuple of arrays: non-empty, NumPy, one length."""
    if len(arrays) == 0:
        raise ValueError(f"{_NAME}: Received an empty {kind} dataset. Please provide a "
                         f"non-empty {kind} of arrays.")
    for i, element in enumerate(arrays):
        if not isinstance(element, np.ndarray):
            raise ValueError(f"{_NAME}: Expected a {kind} of `numpy.ndarray` objects, "
                             f"Received: {type(element)} at index {i}.")
        if element.ndim == 0 or element.shape[0] != arrays[0].shape[0]:
            raise ValueError(f"{_NAME}: Received a {kind} of NumPy arrays with different "
                             f"lengths. Mismatch found at index {i}, Expected shape="
                             f"{arrays[0].shape} Received shape={element.shape}. Please "
                             f"provide a {kind} of NumPy arrays of the same length.")
    return tuple(arrays)


def _stack(template, elements):
    """The leaves of a list of samples stacked, each sample's shape checked."""
    if not elements:
        raise ValueError(f"{_NAME}: Received an empty dataset. Argument `dataset` must be "
                         f"a non-empty list/tuple of `numpy.ndarray` objects or "
                         f"`tf.data.Dataset` objects.")
    columns = list(zip(*[structure.leaves(e) for e in elements]))
    for column in columns:
        first = column[0].shape
        for i, leaf in enumerate(column):
            if leaf.shape != first:
                raise ValueError(f"{_NAME}: All `dataset` samples must have same shape, "
                                 f"Expected shape: {first} Received shape: {leaf.shape} "
                                 f"at index {i}.")
    return structure.pack(template, [np.stack(column) for column in columns])


def _check_shapes(columns, first_axis):
    """Keras's check that every sample has the first sample's shape (axes from
    ``first_axis`` on; 1 for batches)."""
    for column in columns:
        first = column[0].shape[first_axis:]
        for i, leaf in enumerate(column):
            if leaf.shape[first_axis:] != first:
                raise ValueError(f"{_NAME}: All `dataset` samples must have same shape, "
                                 f"Expected shape: {first} Received shape: "
                                 f"{leaf.shape[first_axis:]} at index {i}.")


def _stack(elements, first_axis=0):
    """Samples (or batches of them, ``first_axis=1``) joined into one structure."""
    if not elements:
        raise ValueError(f"{_NAME}: Received an empty dataset. Argument `dataset` must be "
                         f"a non-empty list/tuple of `numpy.ndarray` objects or "
                         f"`tf.data.Dataset` objects.")
    columns = list(zip(*[structure.leaves(e) for e in elements]))
    _check_shapes(columns, first_axis)
    join = np.concatenate if first_axis else np.stack
    return structure.pack(elements[0], [join(column) for column in columns])


def _dataset_samples(dataset):
    """All samples of a ``tf.data.Dataset`` (unbatched), as one structure of arrays."""
    if is_batched(dataset):
        return _stack(list(dataset._elements()), first_axis=1)
    source = dataset._index_source()
    if source is not None and hasattr(source, "_gather"):
        index = [chunk for chunk in dataset._index_chunks() if len(chunk)]
        if index:
            return source._gather(np.concatenate(index))
    return _stack(list(dataset._elements()))


def _samples(dataset):
    """``dataset`` as one structure of arrays with the samples along axis 0."""
    if isinstance(dataset, (tuple, list)):
        return _check_arrays(dataset, type(dataset).__name__)
    if isinstance(dataset, np.ndarray):
        return dataset if dataset.ndim and len(dataset) else _stack([])
    return _dataset_samples(dataset)


def _check_dataset_type(dataset):
    if not isinstance(dataset, (tuple, list, np.ndarray, Dataset)):
        raise TypeError(f"{_NAME}: Unsupported dataset type: {type(dataset)}. The `dataset` "
                        f"argument must be a `tf.data.Dataset`, a NumPy array, or a "
                        f"list/tuple of NumPy arrays of the same length (for a dict of "
                        f"arrays, split tf.data.Dataset.from_tensor_slices(the_dict)).")


def _check_types(left_size, right_size):
    bad_left = left_size is not None and type(left_size) not in (int, float)
    bad_right = right_size is not None and type(right_size) not in (int, float)
    if bad_left and bad_right:
        raise TypeError(f"{_NAME}: Invalid `left_size` and `right_size` Types. Expected: "
                        f"integer or float or None, Received: type(left_size)="
                        f"{type(left_size)} and type(right_size)={type(right_size)}")
    for name, size, bad in (("left_size", left_size, bad_left),
                            ("right_size", right_size, bad_right)):
        if bad:
            raise TypeError(f"{_NAME}: Invalid `{name}` Type. Expected: int or float or "
                            f"None, Received: type({name})={type(size)}.")


def _check_ranges(left_size, right_size, total):
    if left_size == 0 and right_size == 0:
        raise ValueError(f"{_NAME}: Both `left_size` and `right_size` are zero. At least one "
                         f"of the split sizes must be non-zero.")
    for name, size, wording in (("left_size", left_size, f"smaller than {total},"),
                                ("right_size", right_size, f"and smaller than {total}")):
        if (type(size) is int and not 0 < size < total) or (
                type(size) is float and not 0 < size < 1):
            raise ValueError(f"{_NAME}: `{name}` should be either a positive integer "
                             f"{wording} or a float within the range `[0, 1]`. Received: "
                             f"{name}={size}")
    if type(left_size) is type(right_size) is float and left_size + right_size > 1:
        raise ValueError(f"{_NAME}: The sum of `left_size` and `right_size` is greater "
                         f"than 1. It must be less than or equal to 1.")


def _rescale_sizes(left_size, right_size, total):
    """Keras's ``_rescale_dataset_split_sizes``: the two sizes as sample counts."""
    _check_types(left_size, right_size)
    _check_ranges(left_size, right_size, total)
    # Keras turns int sizes into floats (its messages then read e.g. 12.0).
    left = round(left_size * total) if type(left_size) is float else (
        None if left_size is None else float(left_size))
    right = round(right_size * total) if type(right_size) is float else (
        None if right_size is None else float(right_size))
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"{_NAME}: The sum of `left_size` and `right_size` should be "
                         f"smaller than the {total}. Received: left_size + right_size = "
                         f"{left + right} and total_length = {total}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"{_NAME}: With `dataset` of length={total}, `left_size`={left} "
                             f"and `right_size`={right}. Resulting {side} side dataset "
                             f"split will be empty. Adjust any of the aforementioned "
                             f"parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None,
                  preferred_backend=None):
    """Splits a dataset into a left and a right ``tf.data.Dataset``, as Keras does.

    Args:
        dataset: A NumPy array, a list/tuple of NumPy arrays of the same length (each
            sample is a tuple of their rows), or a ``tf.data.Dataset`` (a batched one is
            split by samples and both sides are batched again).
        left_size: Fraction (float in (0, 1)) or number (int) of samples on the left;
            None: the complement of ``right_size``.
        right_size: The same for the right side (its samples are the last ones).
        shuffle: Shuffle the samples before splitting (``random.seed(seed)`` then
            ``random.shuffle``, as Keras).
        seed: Seed of the shuffle (drawn from ``random`` when None).
        preferred_backend: None or ``"tensorflow"``; tapeflow builds tf.data datasets.

    Returns:
        ``(left, right)``: two ``tf.data.Dataset`` objects.

    Raises:
        TypeError: ``dataset`` of another type, sizes neither int, float nor None.
        ValueError: no size, sizes out of range or summing past the total, an empty
            side, an empty dataset, arrays of different lengths.

    Example:
        >>> import numpy as np
        >>> left, right = split_dataset((np.arange(4), np.arange(4) * 10), right_size=1)
        >>> [(int(x), int(y)) for x, y in right]
        [(3, 30)]
    """
    if preferred_backend not in (None, "tensorflow", "jax", "numpy"):
        raise ValueError(f"{_NAME}: tapeflow builds tf.data datasets; preferred_backend "
                         f"must be None or 'tensorflow'. Received: "
                         f"preferred_backend={preferred_backend!r}")
    _check_dataset_type(dataset)
    if left_size is None and right_size is None:
        raise ValueError(f"{_NAME}: At least one of the `left_size` or `right_size` must be "
                         f"specified. Received: left_size=None and right_size=None")
    samples = _samples(dataset)
    total = len(structure.leaves(samples)[0])
    if total == 0:
        _stack([])
    order = list(range(total))
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.seed(seed)
        random.shuffle(order)
    left, right = _rescale_sizes(left_size, right_size, total)
    order = np.asarray(order, dtype=np.int64)
    sides = []
    for index in (order[:left], order[total - right:]):
        side = Dataset.from_tensor_slices(
            structure.map_leaves(lambda a, ix=index: a.take(ix, axis=0), samples))
        if isinstance(dataset, Dataset) and get_batch_size(dataset) is not None:
            side = side.batch(get_batch_size(dataset))
        sides.append(side)
    return sides[0], sides[1]
