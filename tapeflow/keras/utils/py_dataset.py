"""``keras.utils.PyDataset`` (and its Keras-2 name ``Sequence``): a Python dataset of
batches that ``fit`` / ``evaluate`` / ``predict`` index, ``len(dataset)`` batches per
epoch, calling ``on_epoch_end()`` after each.

``workers``, ``use_multiprocessing`` and ``max_queue_size`` are accepted and kept, as
Keras 3 does; tapeflow reads the batches in order on the training thread.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> class Batches(keras.utils.PyDataset):
    ...     def __init__(self, x, y, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x, self.y, self.batch_size = x, y, batch_size
    ...     def __len__(self):
    ...         return int(np.ceil(len(self.x) / self.batch_size))
    ...     def __getitem__(self, idx):
    ...         s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
    ...         return self.x[s], self.y[s]
    >>> data = Batches(np.zeros((10, 3)), np.zeros((10, 1)), batch_size=4, workers=2)
    >>> len(data), data.num_batches, data.workers, data[2][0].shape
    (3, 3, 2, (2, 3))
"""
from tapeflow.keras.api_export import keras_export

__all__ = ["PyDataset", "Sequence"]


@keras_export("keras.utils")
class PyDataset:
    """Base class for datasets of batches: implement ``__getitem__(index)`` (a batch:
    ``x``, ``(x, y)`` or ``(x, y, sample_weight)``) and ``__len__`` (the number of
    batches)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return self.__dict__.get("_workers", 1)

    @property
    def use_multiprocessing(self):
        return self.__dict__.get("_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return self.__dict__.get("_max_queue_size", 10)

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  f"__getitem__(index), returning one batch.")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__, the "
                                  f"number of batches.")

    @property
    def num_batches(self):
        """``len(self)`` (None when ``__len__`` is not implemented)."""
        try:
            return len(self)
        except NotImplementedError:
            return None

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch."""


Sequence = PyDataset
