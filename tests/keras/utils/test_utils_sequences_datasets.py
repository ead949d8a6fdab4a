"""pad_sequences, the image helpers, fitting on a timeseries dataset and
keras.preprocessing's aliases: golden values worked out by hand from Keras's rules."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


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
