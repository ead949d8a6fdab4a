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
    """``tf.data.experimental``: ``AUTOTUNE``, ``cardinality``, ``Counter``,
    ``CsvDataset``, ``make_csv_dataset``, the
    cardinality constants and the function forms of ``sample_from_datasets``,
    ``choose_from_datasets``, ``rejection_resample``, ``scan``, ``group_by_window`` and
    ``bucket_by_sequence_length`` (for ``dataset.apply``)."""

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
    def CsvDataset(filenames, record_defaults, compression_type=None,  # noqa: N802
                   buffer_size=None, header=False, field_delim=",", use_quote_delim=True,
                   na_value="", select_cols=None, exclude_cols=None, name=None):
        """The lines of CSV files as tuples typed by ``record_defaults``."""
        from tapeflow.data.csv import CsvDataset
        return CsvDataset(filenames, record_defaults, compression_type, buffer_size, header,
                          field_delim, use_quote_delim, na_value, select_cols, exclude_cols)

    @staticmethod
    def make_csv_dataset(file_pattern, batch_size, **kwargs):
        """Batches of ``(features_dict, label)`` from CSV files with a header."""
        from tapeflow.data.csv import make_csv_dataset
        return make_csv_dataset(file_pattern, batch_size, **kwargs)

    @staticmethod
    def get_structure(dataset):
        """``dataset.element_spec``."""
        return dataset.element_spec

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
        """``Dataset.sample_from_datasets``."""
        return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False):
        """``Dataset.choose_from_datasets`` (experimental default: empty datasets are
        skipped)."""
        return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)

    @staticmethod
    def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
        """A function for ``dataset.apply``: ``Dataset.rejection_resample``."""
        return lambda dataset: dataset.rejection_resample(class_func, target_dist,
                                                          initial_dist, seed)

    @staticmethod
    def scan(initial_state, scan_func):
        """A function for ``dataset.apply``: ``Dataset.scan``."""
        return lambda dataset: dataset.scan(initial_state, scan_func)

    @staticmethod
    def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
        """A function for ``dataset.apply``: ``Dataset.group_by_window``."""
        return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size,
                                                       window_size_func)

    @staticmethod
    def bucket_by_sequence_length(element_length_func, bucket_boundaries,
                                  bucket_batch_sizes, padded_shapes=None,
                                  padding_values=None, pad_to_bucket_boundary=False,
                                  no_padding=False, drop_remainder=False):
        """A function for ``dataset.apply``: ``Dataset.bucket_by_sequence_length``."""
        return lambda dataset: dataset.bucket_by_sequence_length(
            element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
            padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
