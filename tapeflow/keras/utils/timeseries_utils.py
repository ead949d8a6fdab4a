"""``keras.utils.timeseries_dataset_from_array``: sliding windows over a series.

Example:
    >>> import numpy as np
    >>> ds = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10,
    ...                                    sequence_length=3, batch_size=4)
    >>> [(x.tolist(), y.tolist()) for x, y in ds.as_numpy_iterator()][0]
    ([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [0, 10, 20, 30])
"""

from __future__ import annotations

import numpy as np

from tapeflow.keras.utils.dataset_utils import BaseDataset

__all__ = ["TimeseriesDataset", "timeseries_dataset_from_array"]


class TimeseriesDataset(BaseDataset):
    """Windows ``data[p + k * sampling_rate]`` for each start ``p``, gathered per batch."""

    def __init__(self, data, targets, starts, sequence_length, sampling_rate, batch_size):
        self.data, self.targets, self.starts = data, targets, starts
        self.offsets = np.arange(sequence_length) * sampling_rate
        self.batch_size = batch_size

    def __len__(self):
        if self.batch_size is None:
            return len(self.starts)
        return -(-len(self.starts) // self.batch_size)

    def _numpy(self, i):
        if self.batch_size is None:
            starts = self.starts[i]
        else:
            starts = self.starts[i * self.batch_size:(i + 1) * self.batch_size]
        windows = self.data[np.add.outer(starts, self.offsets)]
        if self.targets is None:
            return windows
        return windows, self.targets[starts]

    def take(self, count):
        """The first ``count`` elements or batches."""
        per = 1 if self.batch_size is None else self.batch_size
        starts = self.starts if count < 0 else self.starts[:count * per]
        out = TimeseriesDataset(self.data, self.targets, starts, 1, 1, self.batch_size)
        out.offsets = self.offsets
        return out


def _check(name, value, data_len, low_message="higher than 0"):
    if value <= 0:
        raise ValueError(f"`{name}` must be {low_message}. Received: {name}={value}")
    if value >= data_len:
        raise ValueError(f"`{name}` must be lower than the length of the data. Received: "
                         f"{name}={value}, for data of length {data_len}")


def _check_bounds(start_index, end_index, data_len):
    if start_index:
        if start_index < 0:
            raise ValueError("`start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        if start_index >= data_len:
            raise ValueError("`start_index` must be lower than the length of the data. "
                             f"Received: start_index={start_index}, for data of length "
                             f"{data_len}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        _check("end_index", end_index, data_len)


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False,
                                  seed=None, start_index=None, end_index=None):
    """Sliding windows over a series, as Keras's ``timeseries_dataset_from_array``.

    Window ``i`` starts at ``p_i = i * sequence_stride`` (within
    ``data[start_index:end_index]``) and holds ``sequence_length`` steps taken every
    ``sampling_rate``; its target is ``targets[start_index + p_i]``.

    Args:
        data: Array of timesteps (first axis is time).
        targets: Array of targets aligned with ``data``, or None (windows only).
        sequence_length: Steps per window.
        sequence_stride: Distance between window starts.
        sampling_rate: Distance between steps within a window.
        batch_size: Windows per batch; None yields single windows.
        shuffle: Shuffle window starts (``np.random.RandomState(seed)``, as Keras does
            first; tf.data's extra in-buffer shuffle is not reproduced).
        seed: Seed of the shuffle.
        start_index: First timestep used (inclusive).
        end_index: Last timestep used (exclusive).

    Returns:
        A dataset of ``(windows, targets)`` batches (just windows if ``targets`` is
        None); iterate it, index it, or pass it to ``fit``.

    Example:
        >>> import numpy as np
        >>> ds = timeseries_dataset_from_array(np.arange(6), None, 2, sampling_rate=2,
        ...                                    batch_size=None)
        >>> [w.tolist() for w in ds.as_numpy_iterator()]
        [[0, 2], [1, 3], [2, 4], [3, 5]]
    """
    data = np.asarray(data)
    _check_bounds(start_index, end_index, len(data))
    _check("sampling_rate", sampling_rate, len(data))
    _check("sequence_stride", sequence_stride, len(data))
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)[start_index:end_index]
        num_seqs = min(num_seqs, len(targets))
    index_dtype = "int32" if num_seqs < 2147483647 else "int64"
    starts = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    return TimeseriesDataset(data[start_index:end_index], targets, starts,
                             sequence_length, sampling_rate, batch_size)
