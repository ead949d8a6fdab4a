"""``tf.data.Dataset``: a lazy, re-iterable pipeline of elements over NumPy.

Every method returns a new dataset that remembers its input and its step; nothing is
computed until the dataset is iterated. Each ``for`` loop over a dataset starts a new
pass (a new shuffle order, when ``reshuffle_each_iteration``). Elements inside the
pipeline are NumPy arrays (:mod:`tapeflow.data.structure`); iteration hands out
``tf.Tensor`` leaves and ``as_numpy_iterator()`` NumPy values, as in TensorFlow.

A dataset that is ``from_tensor_slices`` followed only by ``shuffle``, ``take``,
``skip``, ``repeat`` and ``cache`` runs on row indices, and ``batch`` then gathers each
batch with one NumPy fancy index per array instead of one Python object per sample.

Example:
    >>> import tapeflow as tf
    >>> ds = tf.data.Dataset.range(10).filter(lambda x: x % 2 == 0).map(lambda x: x * 10)
    >>> [int(v) for v in ds]
    [0, 20, 40, 60, 80]
    >>> list(ds.batch(2, drop_remainder=True).as_numpy_iterator())[1]
    array([40, 60])
"""
import numpy as np

from tapeflow.data import structure
from tapeflow.tensor import Tensor

__all__ = ["Dataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Options"]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class Options:
    """``tf.data.Options``: accepted and stored; tapeflow's pipelines need no tuning.

    Any attribute (``deterministic``, ``experimental_distribute.auto_shard_policy`` ...)
    can be set and read back.
    """

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = Options()
        object.__setattr__(self, name, value)
        return value

    def merge(self, options):
        """``self`` updated with the attributes set on ``options``."""
        merged = Options()
        merged.__dict__.update(self.__dict__)
        merged.__dict__.update(getattr(options, "__dict__", {}))
        return merged


class Dataset:
    """A sequence of elements, each a (nested tuple/dict) structure of tensors.

    Build one with a source (:meth:`from_tensor_slices`, :meth:`from_tensors`,
    :meth:`from_generator`, :meth:`range`, :meth:`zip`) and chain transformations.
    """

    _tf_name = "_Dataset"

    # --- what every node provides -------------------------------------------------------
    def _elements(self):
        """A generator of this pass's elements (NumPy structures)."""
        source = self._index_source()
        element_at = source._element_at
        for chunk in self._index_chunks():
            for i in chunk.tolist():
                yield element_at(i)

    def _index_source(self):
        """The slices dataset whose rows ``_index_chunks`` names, or None."""
        return None

    def _index_chunks(self):
        raise NotImplementedError

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _spec(self):
        first = next(iter(self._elements()), None)
        if first is None:
            return None
        return structure.spec_of(first)

    def _inputs(self):
        return []

    # --- iteration ------------------------------------------------------------------------
    def __iter__(self):
        return Iterator(self)

    def as_numpy_iterator(self):
        """Iterate over NumPy values: arrays, NumPy scalars for scalars, ``bytes`` for
        strings.

        Example:
            >>> list(Dataset.from_tensor_slices({"a": [1, 2]}).as_numpy_iterator())
            [{'a': np.int32(1)}, {'a': np.int32(2)}]
        """
        return (structure.to_numpy(e) for e in self._elements())

    def __bool__(self):
        return True

    def __len__(self):
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return int(n)

    def __repr__(self):
        return f"<{self._tf_name} element_spec={self.element_spec!r}>"

    @property
    def element_spec(self):
        """The structure of ``tf.TensorSpec`` of one element."""
        return self._spec()

    def cardinality(self):
        """The number of elements as an int64 tensor: -1 infinite, -2 unknown.

        Example:
            >>> int(Dataset.range(10).batch(3).cardinality())
            4
        """
        return Tensor(np.array(self._cardinality(), np.int64))

    def options(self):
        """The ``tf.data.Options`` set with :meth:`with_options` along the pipeline."""
        merged = Options()
        for parent in self._inputs():
            merged = merged.merge(parent.options())
        return merged.merge(getattr(self, "_options", None))

    def with_options(self, options, name=None):
        """The same dataset with ``options`` attached (they change nothing here)."""
        return _transforms().OptionsDataset(self, options)

    def reduce(self, initial_state, reduce_func, name=None):
        """Fold the elements: ``state = reduce_func(state, element)``, the element passed
        whole (a tuple element is one argument, as in TensorFlow).

        Example:
            >>> ds = Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
            >>> int(ds.reduce(0, lambda state, value: state + value))
            22
            >>> pairs = Dataset.from_tensor_slices(([1, 2], [10, 20]))
            >>> int(pairs.reduce(0, lambda state, xy: state + xy[0] * xy[1]))
            50
        """
        state = structure.wrap(structure.to_arrays(initial_state))
        for element in self._elements():
            state = reduce_func(state, structure.wrap(element))
        return structure.wrap(structure.to_arrays(state))

    def get_single_element(self, name=None):
        """The only element of a one-element dataset."""
        it = iter(self._elements())
        first = next(it, None)
        if first is None or next(it, None) is not None:
            raise ValueError("Dataset.get_single_element() needs a dataset of exactly one "
                             "element.")
        return structure.wrap(first)

    # --- sources ----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """Slices of ``tensors`` along their first axis, one element per row.

        Tuples and dicts keep their structure (every array needs the same number of
        rows); a list is one tensor, as in TensorFlow.

        Example:
            >>> [x.numpy().tolist() for x in Dataset.from_tensor_slices([[1, 2], [3, 4]])]
            [[1, 2], [3, 4]]
        """
        return _sources().TensorSlicesDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element: ``tensors`` whole."""
        return _sources().TensorsDataset(tensors)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """Elements from ``generator()`` (called anew for each pass), checked against
        ``output_signature`` (a structure of ``tf.TensorSpec``) or ``output_types`` /
        ``output_shapes``.

        Example:
            >>> import tapeflow as tf
            >>> def gen():
            ...     yield from ([1, 2], [3, 4])
            >>> ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec((2,), tf.int32))
            >>> [x.numpy().tolist() for x in ds]
            [[1, 2], [3, 4]]
        """
        return _sources().GeneratorDataset(generator, output_types, output_shapes, args,
                                           output_signature)

    @staticmethod
    def range(*args, dtype="int64", name=None):
        """``range(stop)``, ``range(start, stop[, step])`` as int64 scalars."""
        return _sources().RangeDataset(*args, dtype=dtype)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements of several datasets side by side (a tuple or dict of datasets)."""
        if len(datasets) == 1:
            datasets = datasets[0]
        return _sources().ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """The file names matching a glob pattern, sorted, shuffled unless
        ``shuffle=False``."""
        return _sources().list_files(file_pattern, shuffle, seed)

    def concatenate(self, dataset, name=None):
        """This dataset's elements followed by ``dataset``'s (same structure and types)."""
        return _sources().ConcatenateDataset(self, dataset)

    # --- transformations ---------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Apply ``map_func`` to each element (a tuple element is passed as arguments).

        ``num_parallel_calls`` (``tf.data.AUTOTUNE`` or a number) is accepted; the calls
        run in order on the iterating thread (``prefetch`` overlaps them with training).
        """
        return _transforms().MapDataset(self, map_func)

    def filter(self, predicate, name=None):
        """Keep the elements for which ``predicate`` returns True."""
        return _transforms().FilterDataset(self, predicate)

    def flat_map(self, map_func, name=None):
        """Map each element to a dataset and chain those datasets."""
        return _transforms().FlatMapDataset(self, map_func)

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None, name=None):
        """Map each element to a dataset and interleave ``block_length`` elements of
        ``cycle_length`` of them at a time."""
        return _transforms().InterleaveDataset(self, map_func, cycle_length, block_length)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Stack ``batch_size`` consecutive elements (the last batch may be smaller
        unless ``drop_remainder``)."""
        return _batching().BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Batch elements of different shapes, padding each to the longest in the batch
        (or to ``padded_shapes``) with ``padding_values`` (0 by default)."""
        return _batching().PaddedBatchDataset(self, batch_size, padded_shapes,
                                               padding_values, drop_remainder)

    def unbatch(self, name=None):
        """Split each element along its first axis into rows."""
        return _batching().UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        """Batches of ``batch_size`` rows from this batched dataset (as ``unbatch()``
        then ``batch()``, without per-row work)."""
        return _batching().RebatchDataset(self, batch_size, drop_remainder)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of ``size`` elements (every ``stride``-th), starting ``shift``
        elements apart; each window is a dataset per component (use ``flat_map`` with
        ``batch`` to turn them into tensors).

        Example:
            >>> windows = Dataset.range(6).window(3, shift=2, drop_remainder=True)
            >>> [b.numpy().tolist() for b in windows.flat_map(lambda w: w.batch(3))]
            [[0, 1, 2], [2, 3, 4]]
        """
        return _batching().WindowDataset(self, size, shift, stride, drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffle through a buffer of ``buffer_size`` elements, as TensorFlow does.

        Each output is drawn uniformly from the buffer, whose slot is then refilled
        with the next input element; a buffer at least the dataset's size gives a
        uniform permutation. ``seed`` (or ``tf.random.set_seed`` before building
        the dataset) makes the orders reproducible; ``reshuffle_each_iteration=False``
        repeats the first order at every pass.
        """
        return _shuffle().ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        """Repeat the dataset ``count`` times (forever when None or -1)."""
        return _transforms().RepeatDataset(self, count)

    def take(self, count, name=None):
        """The first ``count`` elements (all of them for -1)."""
        return _transforms().TakeDataset(self, count)

    def skip(self, count, name=None):
        """All but the first ``count`` elements."""
        return _transforms().SkipDataset(self, count)

    def take_while(self, predicate, name=None):
        """Elements up to (not including) the first for which ``predicate`` is False."""
        return _transforms().TakeWhileDataset(self, predicate)

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element, starting at ``index``."""
        return _transforms().ShardDataset(self, num_shards, index)

    def cache(self, filename="", name=None):
        """Keep the elements of the first complete pass in memory and replay them."""
        return _transforms().CacheDataset(self)

    def prefetch(self, buffer_size, name=None):
        """Produce up to ``buffer_size`` elements ahead in a background thread
        (``tf.data.AUTOTUNE`` picks 2), overlapping the pipeline with training."""
        return _prefetch().PrefetchDataset(self, buffer_size)

    def enumerate(self, start=0, name=None):
        """Pairs ``(index, element)`` with an int64 index from ``start``."""
        return _transforms().EnumerateDataset(self, start)

    def apply(self, transformation_func):
        """``transformation_func(self)``, for chaining."""
        return transformation_func(self)

    def scan(self, initial_state, scan_func, name=None):
        """Carry a state along the elements: ``scan_func(state, element)`` returns
        ``(new_state, output_element)``.

        Example:
            >>> ds = Dataset.range(4).scan(np.int64(0), lambda s, x: (s + x, s * 10))
            >>> [int(x) for x in ds]
            [0, 0, 10, 30]
        """
        return _grouping().ScanDataset(self, initial_state, scan_func)

    def group_by_window(self, key_func, reduce_func, window_size=None,
                        window_size_func=None, name=None):
        """Group elements by ``key_func(element)`` (an int64 scalar) into windows of
        ``window_size`` and replace each window by ``reduce_func(key, window_dataset)``;
        partial windows are reduced at the end of the input, by key."""
        return _grouping().GroupByWindowDataset(self, key_func, reduce_func, window_size,
                                                window_size_func)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                  bucket_batch_sizes, padded_shapes=None,
                                  padding_values=None, pad_to_bucket_boundary=False,
                                  no_padding=False, drop_remainder=False, name=None):
        """Batch elements of similar length together: lengths in
        ``[bucket_boundaries[i-1], bucket_boundaries[i])`` are padded and batched by
        ``bucket_batch_sizes[i]`` (one more size than boundaries).

        Example:
            >>> import tapeflow as tf
            >>> ds = Dataset.from_generator(lambda: ([1] * n for n in [1, 5, 2, 6, 1]),
            ...     output_signature=tf.TensorSpec((None,), tf.int32))
            >>> ds = ds.bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3], [2, 2])
            >>> [b.numpy().tolist() for b in ds]
            [[[1, 0], [1, 1]], [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]], [[1]]]
        """
        return _grouping().bucket_by_sequence_length(
            self, element_length_func, bucket_boundaries, bucket_batch_sizes,
            padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
            drop_remainder)

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                           name=None):
        """``(class, element)`` pairs resampled so that the classes
        (``class_func(element)``) follow ``target_dist``."""
        return _grouping().rejection_resample(self, class_func, target_dist, initial_dist,
                                              seed)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        """Elements drawn at random from ``datasets`` with probabilities ``weights``
        (uniform by default); an exhausted dataset drops out, or ends the whole dataset
        when ``stop_on_empty_dataset``.

        Example:
            >>> ds = Dataset.sample_from_datasets([Dataset.range(3), Dataset.range(10, 13)],
            ...                                   seed=1)
            >>> sorted(int(x) for x in ds)
            [0, 1, 2, 10, 11, 12]
        """
        return _grouping().SampleFromDatasets(datasets, weights, seed,
                                              stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Element ``k`` is the next element of ``datasets[choice_k]`` (``choice_dataset``
        gives int64 scalars).

        Example:
            >>> a, b = Dataset.from_tensors("a").repeat(), Dataset.from_tensors("b").repeat()
            >>> choice = Dataset.range(2).repeat(2)
            >>> [x.numpy() for x in Dataset.choose_from_datasets([a, b], choice)]
            [b'a', b'b', b'a', b'b']
        """
        return _grouping().ChooseFromDatasets(datasets, choice_dataset,
                                              stop_on_empty_dataset)


class Iterator:
    """``iter(dataset)``: the elements of one pass as ``tf.Tensor`` structures."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._generator = dataset._elements()

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return structure.wrap(next(self._generator))

    def get_next(self):
        """The next element (``StopIteration`` at the end)."""
        return next(self)

    def get_next_as_optional(self):
        raise NotImplementedError("tf.experimental.Optional is not available in tapeflow; "
                                  "use next(iterator, None).")


def _sources():
    from tapeflow.data import sources
    return sources


def _transforms():
    from tapeflow.data import transforms
    return transforms


def _batching():
    from tapeflow.data import batching
    return batching


def _shuffle():
    from tapeflow.data import shuffle
    return shuffle


def _grouping():
    from tapeflow.data import grouping
    return grouping


def _prefetch():
    from tapeflow.data import prefetch
    return prefetch
