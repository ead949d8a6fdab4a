"""``keras.utils.timeseries_dataset_from_array``: a ``tf.data.Dataset`` of sliding windows.

Window ``i`` starts at position ``p_i`` of ``data[start_index:end_index]`` (``p_i = i *
sequence_stride``, or a shuffled order of them) and holds ``sequence_length`` steps taken
every ``sampling_rate``; its target is ``targets[start_index:end_index][p_i]``, so
``targets[k]`` belongs to the window that starts at ``data[k]``. The windows are a
row-index source (:mod:`tapeflow.data`): ``batch`` gathers each batch of windows with
one fancy index, and ``map``, ``take``, ``unbatch``, ``prefetch`` ... work as on any
dataset.

Example:
    >>> import numpy as np
    >>> ds = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10,
    ...                                    sequence_length=3, batch_size=4)
    >>> x, y = next(iter(ds))
    >>> x.numpy().tolist(), y.numpy().tolist()
    ([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [0, 10, 20, 30])
    >>> ds.element_spec[0], int(ds.cardinality())
    (TensorSpec(shape=(None, None), dtype=tf.int64, name=None), 2)
"""

from __future__ import annotations

import numpy as np

from tapeflow.data import structure
from tapeflow.data.dataset import Dataset
from tapeflow.data.structure import TensorSpec

__all__ = ["timeseries_dataset_from_array"]

_NAME = "timeseries_dataset_from_array"


class _WindowsDataset(Dataset):
    """Row ``i`` is the window starting at ``starts[i]`` of ``steps`` (and its target).

    What Keras builds as ``zip(range, positions).map(tf.range ...).map(tf.gather ...)``;
    the window axis has an unknown length in the element spec, as TensorFlow infers it.
    """

    _tf_name = "_ParallelMapDataset"

    def __init__(self, steps, targets, starts, offsets):
        self._steps, self._targets = steps, targets
        self._starts, self._offsets = starts, offsets

    def _index_source(self):
        return self

    def _index_chunks(self):
        yield np.arange(len(self._starts))

    def _cardinality(self):
        return len(self._starts)

    def _spec(self):
        window = TensorSpec((None,) + self._steps.shape[1:], self._steps.dtype)
        if self._targets is None:
            return window
        return window, TensorSpec(self._targets.shape[1:], self._targets.dtype)

    def _element_at(self, i):
        start = self._starts[i]
        window = self._steps.take(start + self._offsets, axis=0)
        return window if self._targets is None else (window, self._targets[start, ...])

    def _gather(self, idx, pool=None):
        starts = self._starts[idx]
        windows = self._steps.take(np.add.outer(starts, self._offsets), axis=0)
        if self._targets is None:
            return windows
        return windows, self._targets.take(starts, axis=0)


def _check_index(name, value, data_len):
    if value >= data_len:
        raise ValueError(f"{_NAME}: `{name}` must be lower than the length of the data. "
                         f"Received: {name}={value}, for data of length {data_len}")


def _check_bounds(start_index, end_index, data_len):
    """Keras's checks of ``start_index`` and ``end_index`` (0 and None are unset)."""
    if start_index:
        if start_index < 0:
            raise ValueError(f"{_NAME}: `start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        _check_index("start_index", start_index, data_len)
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"{_NAME}: `end_index` must be higher than `start_index`. "
                             f"Received: start_index={start_index}, and "
                             f"end_index={end_index}")
        _check_index("end_index", end_index, data_len)
        if end_index <= 0:
            raise ValueError(f"{_NAME}: `end_index` must be higher than 0. Received: "
                             f"end_index={end_index}")


def _check_steps(sequence_length, sequence_stride, sampling_rate, data_len):
    for name, value in (("sampling_rate", sampling_rate),
                        ("sequence_stride", sequence_stride)):
        if value <= 0:
            raise ValueError(f"{_NAME}: `{name}` must be higher than 0. Received: "
                             f"{name}={value}")
        _check_index(name, value, data_len)
    if sequence_length <= 0:
        raise ValueError(f"{_NAME}: `sequence_length` must be higher than 0 (the number of "
                         f"timesteps in each window). Received: "
                         f"sequence_length={sequence_length}")


def _window_starts(num_seqs, sequence_stride, shuffle, seed):
    """Keras's start positions: int32 unless huge, shuffled by ``RandomState(seed)``."""
    index_dtype = "int32" if num_seqs < 2147483647 else "int64"
    starts = np.arange(0, num_seqs, sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    return starts, seed


def _targets_slice(targets, starts, start_index, end_index):
    targets = targets[start_index:end_index]
    if len(starts) and int(starts.max()) >= len(targets):
        raise ValueError(f"{_NAME}: the window starting at position {int(starts.max())} of "
                         f"data[{start_index}:{end_index}] has no target: "
                         f"targets[{start_index}:{end_index}] has only {len(targets)} rows. "
                         f"targets[k] is the target of the window starting at data[k]; "
                         f"pass targets as long as data (or start_index=None).")
    return targets


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False,
                                  seed=None, start_index=None, end_index=None, format="tf"):
    """Sliding windows over a series as a ``tf.data.Dataset``, as Keras builds them.

    Args:
        data: Array or tensor of timesteps (axis 0 is time).
        targets: Targets aligned with ``data`` (``targets[k]`` goes with the window
            starting at ``data[k]``), or None (the dataset yields only windows).
        sequence_length: Timesteps per window.
        sequence_stride: Distance between the starts of successive windows.
        sampling_rate: Distance between the timesteps within a window.
        batch_size: Windows per batch (the last batch may be smaller); None yields
            single windows.
        shuffle: Shuffle the windows: their starts by ``np.random.RandomState(seed)``
            (as Keras), then at each pass through a buffer of ``8 * batch_size``
            windows (1024 unbatched) seeded by ``seed`` (tapeflow's generator, not
            TensorFlow's bits).
        seed: Seed of the shuffles (drawn when None).
        start_index: First timestep used (inclusive).
        end_index: Last timestep used (exclusive).
        format: ``"tf"``, the only format tapeflow builds.

    Returns:
        A ``tf.data.Dataset`` of ``(windows, targets)`` (just windows when ``targets``
        is None), batched unless ``batch_size`` is None; windows have the element spec
        ``(None, None) + data.shape[1:]`` (batched) in ``data``'s dtype.

    Example:
        >>> import numpy as np
        >>> ds = timeseries_dataset_from_array(np.arange(6), None, 2, sampling_rate=2,
        ...                                    batch_size=None)
        >>> [w.tolist() for w in ds.as_numpy_iterator()]
        [[0, 2], [1, 3], [2, 4], [3, 5]]
    """
    if format != "tf":
        raise ValueError(f'{_NAME}: `format` should be "tf" (tapeflow builds tf.data '
                         f'datasets; "grain" is not available). Received: format={format}')
    data = structure.to_array(data)
    _check_bounds(start_index, end_index, len(data))
    _check_steps(sequence_length, sequence_stride, sampling_rate, len(data))
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = structure.to_array(targets)
        num_seqs = min(num_seqs, len(targets))
    starts, seed = _window_starts(num_seqs, sequence_stride, shuffle, seed)
    if targets is not None:
        targets = _targets_slice(targets, starts, start_index, end_index)
    offsets = np.arange(sequence_length, dtype=starts.dtype) * starts.dtype.type(sampling_rate)
    dataset = _WindowsDataset(data[start_index:end_index], targets, starts, offsets)
    if batch_size is None:
        return dataset.shuffle(1024, seed=seed) if shuffle else dataset
    if shuffle:
        dataset = dataset.shuffle(batch_size * 8, seed=seed)
    return dataset.batch(batch_size)
