"""pad_sequences, split_dataset, timeseries_dataset_from_array, the image helpers and
keras.preprocessing's aliases: golden values worked out by hand from Keras's rules."""

from __future__ import annotations

import random

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.utils import dataset_utils


def test_pad_sequences_modes():
    seqs = [[1, 2, 3, 4], [5], []]
    assert keras.utils.pad_sequences(seqs, maxlen=3).tolist() == [
        [2, 3, 4], [0, 0, 5], [0, 0, 0]]
    assert keras.utils.pad_sequences(seqs, maxlen=3, padding="post",
                                     truncating="post").tolist() == [
        [1, 2, 3], [5, 0, 0], [0, 0, 0]]
    out = keras.utils.pad_sequences(seqs, value=-1.5, dtype="float32")
    assert out.shape == (3, 4) and out.dtype == np.float32 and out[1].tolist() == [
        -1.5, -1.5, -1.5, 5.0]
    assert keras.utils.pad_sequences([[[1, 2]], [[3, 4], [5, 6]]]).shape == (2, 2, 2)
    assert keras.utils.pad_sequences([["a"], ["b", "c"]], dtype=object,
                                     value="").tolist() == [["", "a"], ["b", "c"]]


@pytest.mark.parametrize("kwargs, message", [
    (dict(padding="middle"), 'Padding type "middle" not understood'),
    (dict(truncating="mid", maxlen=1), 'Truncating type "mid" not understood'),
    (dict(value="x"), "not compatible with `value`'s type"),
])
def test_pad_sequences_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras.utils.pad_sequences([[1, 2], [3]], **kwargs)
    with pytest.raises(ValueError, match="Found non-iterable: 3"):
        keras.utils.pad_sequences([[1], 3])


def test_preprocessing_aliases():
    from tapeflow.keras.preprocessing import image, sequence
    assert sequence.pad_sequences is keras.utils.pad_sequences
    assert image.load_img is keras.utils.load_img
    assert image.img_to_array is keras.utils.img_to_array
    assert image.array_to_img is keras.utils.array_to_img
    assert (tf.keras.preprocessing.timeseries_dataset_from_array
            is keras.utils.timeseries_dataset_from_array)


def test_split_dataset_sizes_and_shuffle():
    x, y = np.arange(10) * 10, np.arange(10)
    left, right = keras.utils.split_dataset((x, y), left_size=0.7, shuffle=True, seed=3)
    order = list(range(10))
    random.Random(3).shuffle(order)  # Keras: random.seed(seed); random.shuffle(samples)
    got_left = [int(b) for _, b in left.as_numpy_iterator()]
    got_right = [int(b) for _, b in right.as_numpy_iterator()]
    assert got_left == order[:7] and got_right == order[7:]
    first = next(iter(left))
    assert isinstance(first[0], tf.Tensor) and int(first[0]) == order[0] * 10
    left, right = keras.utils.split_dataset(np.ones((5, 2)), left_size=2, right_size=2)
    assert len(left) == 2 and len(right) == 2 and len(left.batch(1)) == 2
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        keras.utils.split_dataset(x)
    with pytest.raises(ValueError, match="sum of `left_size` and `right_size` is greater"):
        keras.utils.split_dataset(x, left_size=0.6, right_size=0.6)
    with pytest.raises(ValueError, match="`left_size` should be either a positive integer"):
        keras.utils.split_dataset(x, left_size=10)
    with pytest.raises(TypeError, match="Invalid `right_size` Type"):
        keras.utils.split_dataset(x, right_size="half")


def test_array_dataset_batches_and_take():
    ds = dataset_utils.ArrayDataset({"a": np.arange(5)}).batch(2)
    assert len(ds) == 3 and ds.cardinality() == 3
    assert [b["a"].tolist() for b in ds.as_numpy_iterator()] == [[0, 1], [2, 3], [4]]
    assert [b["a"].tolist() for b in ds.take(2).as_numpy_iterator()] == [[0, 1], [2, 3]]
    with pytest.raises(ValueError, match="same length"):
        dataset_utils.ArrayDataset((np.arange(3), np.arange(4)))


def test_timeseries_windows_targets_and_bounds():
    data, targets = np.arange(20), np.arange(20) * 100
    ds = keras.utils.timeseries_dataset_from_array(
        data, targets, sequence_length=3, sequence_stride=2, sampling_rate=2,
        batch_size=2, start_index=4, end_index=16)
    batches = list(ds.as_numpy_iterator())
    # windows start at 4 + 0, 2, 4, 6 (num_seqs = 16 - 4 - 2*2 = 8, stride 2)
    windows = np.concatenate([w for w, _ in batches]).tolist()
    assert windows == [[4, 6, 8], [6, 8, 10], [8, 10, 12], [10, 12, 14]]
    assert np.concatenate([t for _, t in batches]).tolist() == [400, 600, 800, 1000]
    assert len(ds) == 2 and len(ds.take(1)) == 1
    shuffled = keras.utils.timeseries_dataset_from_array(
        data, None, sequence_length=4, batch_size=None, shuffle=True, seed=7)
    starts = np.arange(17, dtype="int32")
    np.random.RandomState(7).shuffle(starts)
    assert [int(w[0]) for w in shuffled.as_numpy_iterator()] == starts.tolist()
    with pytest.raises(ValueError, match="`sampling_rate` must be higher than 0"):
        keras.utils.timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="`end_index` must be higher than `start_index`"):
        keras.utils.timeseries_dataset_from_array(data, None, 3, start_index=5, end_index=4)


def test_fit_on_a_timeseries_dataset():
    series = np.sin(np.arange(60, dtype="float32") / 5)
    ds = keras.utils.timeseries_dataset_from_array(series[:-4], series[4:], 4,
                                                   batch_size=16)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_image_helpers_round_trip(tmp_path):
    pytest.importorskip("PIL")
    x = np.zeros((4, 6, 3), dtype="float32")
    x[1, 2] = [255, 128, 0]
    path = str(tmp_path / "img.png")
    keras.utils.save_img(path, x, scale=False)
    img = keras.utils.load_img(path)
    assert img.size == (6, 4) and img.mode == "RGB"
    arr = keras.utils.img_to_array(img)
    assert arr.dtype == np.float32 and arr.shape == (4, 6, 3)
    assert arr[1, 2].tolist() == [255.0, 128.0, 0.0]
    gray = keras.utils.img_to_array(keras.utils.load_img(path, color_mode="grayscale",
                                                         target_size=(2, 3)))
    assert gray.shape == (2, 3, 1)
    assert keras.utils.img_to_array(img, data_format="channels_first").shape == (3, 4, 6)
    scaled = keras.utils.img_to_array(keras.utils.array_to_img(np.array([[[0.0], [0.5]]])))
    assert scaled[:, :, 0].tolist() == [[0.0, 255.0]]
    with pytest.raises(ValueError, match='color_mode must be "grayscale", "rgb", or "rgba"'):
        keras.utils.load_img(path, color_mode="cmyk")
