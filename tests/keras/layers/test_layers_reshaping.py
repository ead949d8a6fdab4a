"""ZeroPadding2D, Cropping2D, UpSampling2D, Permute, RepeatVector, Reshape: values by
hand, Keras 3.15.1's outputs, summary and files (tests/fixtures/keras3/layers_*, made by
scripts/make_keras_layer_fixtures.py), and the errors for bad arguments and inputs."""
import os
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # any --import-mode
from layer_testlib import keras_layer_outputs as expected  # noqa: E402

L = keras.layers


def test_zero_padding_and_cropping_by_hand():
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1)
    padded = L.ZeroPadding2D(((1, 0), (0, 2)))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(padded, [[0, 0, 0, 0, 0], [0, 1, 2, 0, 0],
                                           [3, 4, 5, 0, 0]])
    cropped = L.Cropping2D(((0, 1), (1, 1)))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(cropped, [[1]])


def test_padding_and_cropping_gradients_are_slices():
    x = tf.constant(np.ones((1, 3, 3, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = L.Cropping2D(((1, 0), (0, 1)))(L.ZeroPadding2D(1)(x))
        loss = tf.reduce_sum(y)
    g = tape.gradient(loss, x).numpy()[0, :, :, 0]
    # padded 5x5, crop keeps rows 1..4, cols 0..3: original rows 0..2, cols 0..2 minus none
    np.testing.assert_array_equal(g, np.ones((3, 3)))


def test_upsampling_nearest_and_bilinear_by_hand():
    x = np.array([0.0, 1.0], np.float32).reshape(1, 1, 2, 1)
    near = L.UpSampling2D((1, 2))(x).numpy().ravel()
    np.testing.assert_array_equal(near, [0, 0, 1, 1])
    # half-pixel centres: sample points -0.25, 0.25, 0.75, 1.25 clamped to [0, 1]
    bil = L.UpSampling2D((1, 2), interpolation="bilinear")(x).numpy().ravel()
    np.testing.assert_allclose(bil, [0, 0.25, 0.75, 1], atol=1e-7)


def test_upsampling_bilinear_matches_keras():
    e = expected()["layers"]
    x = np.asarray(e["x"], np.float32)
    got = L.UpSampling2D((2, 3), interpolation="bilinear")(x).numpy()
    np.testing.assert_allclose(got, e["up_bilinear"], rtol=1e-5, atol=1e-6)


def test_permute_and_repeat_vector_values():
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    np.testing.assert_array_equal(L.Permute((2, 1))(x).numpy()[0], x[0].T)
    r = L.RepeatVector(2)(np.array([[1.0, 2.0]])).numpy()
    np.testing.assert_array_equal(r, [[[1, 2], [1, 2]]])


def test_reshape_minus_one_like_keras():
    assert L.Reshape((-1, 2))(np.zeros((3, 4, 5))).shape == (3, 10, 2)
    assert L.Reshape((-1,)).compute_output_shape((None, 4, 5)) == (None, 20)
    assert keras.Input((4, 5)).shape == (None, 4, 5)
    assert L.Reshape((2, -1))(keras.Input((None, 4))).shape == (None, 2, None)
    with pytest.raises(ValueError, match="reshape"):
        L.Reshape((3, -1))(np.zeros((1, 4, 5)))


@pytest.mark.parametrize("make, match", [
    (lambda: L.ZeroPadding2D(-1), r"ZeroPadding2D: `padding` must be .*non-negative"),
    (lambda: L.ZeroPadding2D((1, 2, 3)), r"ZeroPadding2D: `padding`.*got padding=\(1, 2, 3\)"),
    (lambda: L.Cropping2D(((1, -2), (0, 0))), r"Cropping2D: `cropping` must be"),
    (lambda: L.UpSampling2D(0), r"UpSampling2D: `size` must be a positive int"),
    (lambda: L.UpSampling2D(interpolation="bicubic"), r"'nearest' or 'bilinear'"),
    (lambda: L.Permute((1, 3)), r"Permute Layer.*dims=\(1, 3\)"),
    (lambda: L.RepeatVector(0), r"RepeatVector: expected `n` to be a positive integer"),
    (lambda: L.ZeroPadding2D(data_format="nhwc"), r"data_format must be 'channels_last'"),
])
def test_bad_arguments(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_crop_larger_than_input_names_layer_shapes_and_fix():
    with pytest.raises(ValueError, match=r'"cropping2d.*" \(Cropping2D\).*removes 4 of the 3 '
                                         r'pixels.*\(1, 3, 5, 1\).*Crop less'):
        L.Cropping2D(2)(np.zeros((1, 3, 5, 1)))
    with pytest.raises(ValueError, match=r"Crop less"):
        L.Cropping2D(((0, 0), (3, 3)))(keras.Input((8, 6, 1)))


@pytest.mark.parametrize("layer", [L.ZeroPadding2D(), L.Cropping2D(), L.UpSampling2D()])
def test_wrong_rank_names_layer_and_shapes(layer):
    with pytest.raises(ValueError, match=r'layer ".*" is incompatible.*expected ndim=4, found '
                                         r'ndim=3. Full shape received: \(2, 3, 4\)'):
        layer(np.zeros((2, 3, 4), np.float32))


def test_save_and_reload_round_trip(tmp_path):
    model = keras.Sequential([keras.Input((4, 5, 2)), L.ZeroPadding2D(((1, 2), (0, 1))),
                              L.Cropping2D(((1, 0), (2, 1))), L.UpSampling2D(),
                              L.Permute((2, 1, 3)), L.Flatten(), L.Dense(3),
                              L.RepeatVector(2)])
    x = np.random.default_rng(0).standard_normal((2, 4, 5, 2)).astype(np.float32)
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
