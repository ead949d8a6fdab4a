"""keras.utils.split_dataset returns two tf.data.Datasets, as Keras 3 splits: sizes
rescaled by Keras's rules (floats rounded with Python's round, ints kept), the
samples shuffled by ``random.seed(seed); random.shuffle``, left = the first
``left_size``, right = the last ``right_size``; a batched dataset is split by samples
and batched again. The size table was checked against Keras 3.15.1's
``_rescale_dataset_split_sizes``."""

from __future__ import annotations

import random

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

split = keras.utils.split_dataset


def _values(ds):
    return [v.tolist() if isinstance(v, np.ndarray) else
            tuple(p.tolist() for p in v) if isinstance(v, tuple) else v
            for v in ds.as_numpy_iterator()]


@pytest.mark.parametrize("left_size, right_size, left, right", [
    (None, 0.2, 8, 2), (0.8, None, 8, 2), (3, None, 3, 7), (None, 3, 7, 3),
    (0.25, 0.5, 2, 5), (2, 0.5, 2, 5), (0.5, 2, 5, 2), (0.5, 0.5, 5, 5),
    (0.45, None, 4, 6), (0.55, None, 6, 4),  # round(4.5) = 4, round(5.5) = 6
])
def test_sizes(left_size, right_size, left, right):
    a, b = split(np.arange(10), left_size=left_size, right_size=right_size)
    assert isinstance(a, tf.data.Dataset) and isinstance(b, tf.data.Dataset)
    assert (len(a), len(b)) == (left, right)
    assert int(a.cardinality()) == left and b.cardinality().numpy() == right
    assert _values(a) == list(range(left)) and _values(b) == list(range(10 - right, 10))


@pytest.mark.parametrize("left_size, right_size, error, message", [
    (None, None, ValueError, "At least one of the `left_size` or `right_size` must be "
                             "specified. Received: left_size=None and right_size=None"),
    (0, 0, ValueError, "Both `left_size` and `right_size` are zero"),
    (10, None, ValueError, "`left_size` should be either a positive integer smaller than "
                           "10, or a float within the range `\\[0, 1\\]`. Received: "
                           "left_size=10"),
    (1.0, None, ValueError, "Received: left_size=1.0"),
    (None, -1, ValueError, "`right_size` should be either a positive integer and smaller "
                           "than 10 or a float"),
    (0.6, 0.6, ValueError, "sum of `left_size` and `right_size` is greater than 1"),
    (6, 6, ValueError, "should be smaller than the 10. Received: left_size \\+ right_size "
                       "= 12.0 and total_length = 10"),
    (0.01, None, ValueError, "`left_size`=0 and `right_size`=10. Resulting left side "
                             "dataset split will be empty"),
    (True, None, TypeError, "Invalid `left_size` Type. Expected: int or float or None, "
                            "Received: type\\(left_size\\)=<class 'bool'>"),
    (None, np.int64(3), TypeError, "Invalid `right_size` Type"),
    ("a", "b", TypeError, "Invalid `left_size` and `right_size` Types"),
])
def test_size_errors(left_size, right_size, error, message):
    with pytest.raises(error, match="split_dataset: .*" + message):
        split(np.arange(10), left_size=left_size, right_size=right_size)


def test_shuffle_follows_python_random_and_reseeds_it():
    x, y = np.arange(10) * 10, np.arange(10)
    left, right = split((x, y), left_size=0.7, shuffle=True, seed=3)
    reference = random.Random(3)
    order = list(range(10))
    reference.shuffle(order)
    assert [b for _, b in _values(left)] == order[:7]
    assert [b for _, b in _values(right)] == order[7:]
    assert random.random() == reference.random()  # Keras calls random.seed(seed)
    first = next(iter(left))
    assert isinstance(first, tuple) and isinstance(first[0], tf.Tensor)
    assert int(first[0]) == order[0] * 10


def test_arrays_tuples_and_lists_keep_rows_and_dtypes():
    x = np.arange(12, dtype="float32").reshape(6, 2)
    left, right = split(x, right_size=2)
    assert left.element_spec == tf.data.TensorSpec((2,), tf.float32)
    assert _values(right) == [[8.0, 9.0], [10.0, 11.0]]
    for pair in [(x, np.arange(6)), [x, np.arange(6)]]:
        left, right = split(pair, left_size=4)
        assert left.element_spec == (tf.data.TensorSpec((2,), tf.float32),
                                     tf.data.TensorSpec((), tf.int64))
        assert _values(right) == [([8.0, 9.0], 4), ([10.0, 11.0], 5)]
    assert len(left.batch(3)) == 2 and len(left.batch(1)) == 4


def test_unbatched_tf_data_dataset():
    ds = tf.data.Dataset.from_tensor_slices({"a": np.arange(6), "b": np.arange(6) * 2.0})
    left, right = split(ds, left_size=4)
    assert list(right.as_numpy_iterator())[1] == {"a": 5, "b": 10.0}
    assert left.element_spec == {"a": tf.data.TensorSpec((), tf.int64),
                                 "b": tf.data.TensorSpec((), tf.float64)}
    mapped = tf.data.Dataset.range(5).map(lambda v: (v, v * 3))  # no row-index source
    left, right = split(mapped, right_size=0.4, shuffle=True, seed=0)
    order = list(range(5))
    random.Random(0).shuffle(order)
    assert _values(left) == [(i, 3 * i) for i in order[:3]]
    assert _values(right) == [(i, 3 * i) for i in order[3:]]


def test_batched_dataset_is_split_by_samples_and_batched_again():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(10), np.arange(10) % 2)).batch(3)
    left, right = split(ds, left_size=0.6)
    assert len(left) == 2 and len(right) == 2  # 6 and 4 samples in batches of 3
    assert [b[0].tolist() for b in left.as_numpy_iterator()] == [[0, 1, 2], [3, 4, 5]]
    assert [b[0].tolist() for b in right.as_numpy_iterator()] == [[6, 7, 8], [9]]
    assert left.element_spec[0] == tf.data.TensorSpec((None,), tf.int64)
    windows = keras.utils.timeseries_dataset_from_array(np.arange(10), np.arange(10), 3,
                                                        batch_size=4)
    left, right = split(windows, right_size=3)
    assert len(left) == 2 and [w.tolist() for w, _ in right.as_numpy_iterator()] == [
        [[5, 6, 7], [6, 7, 8], [7, 8, 9]]]


def test_dataset_errors():
    with pytest.raises(TypeError, match="split_dataset: Unsupported dataset type: <class "
                                        "'dict'>.*from_tensor_slices"):
        split({"a": np.arange(4)}, left_size=2)
    with pytest.raises(ValueError, match="Received a tuple of NumPy arrays with different "
                                         "lengths. Mismatch found at index 1, Expected "
                                         "shape=\\(4,\\) Received shape=\\(3,\\)"):
        split((np.arange(4), np.arange(3)), left_size=2)
    with pytest.raises(ValueError, match="Expected a list of `numpy.ndarray` objects, "
                                         "Received: <class 'list'> at index 1"):
        split([np.arange(4), [1, 2, 3, 4]], left_size=2)
    with pytest.raises(ValueError, match="Received an empty list dataset"):
        split([], left_size=2)
    with pytest.raises(ValueError, match="Received an empty dataset"):
        split(tf.data.Dataset.range(0), left_size=0.5)
    ragged = tf.data.Dataset.from_generator(
        lambda: iter([np.zeros(2), np.zeros(3)]),
        output_signature=tf.data.TensorSpec((None,), tf.float64))
    with pytest.raises(ValueError, match="All `dataset` samples must have same shape, "
                                         "Expected shape: \\(2,\\) Received shape: \\(3,\\)"):
        split(ragged, left_size=1)
    with pytest.raises(ValueError, match="preferred_backend"):
        split(np.arange(4), left_size=2, preferred_backend="torch")
