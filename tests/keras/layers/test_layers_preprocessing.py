"""Resizing, CenterCrop and the random augmentation layers: Keras 3.15.1's outputs,
transforms checked by hand, training-only activity, seeds, replayed training steps
drawing fresh transforms, and the errors for bad arguments and inputs."""
import os
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.ops import augment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # any --import-mode
from layer_testlib import keras_layer_outputs as expected  # noqa: E402

L = keras.layers


@pytest.mark.parametrize("key, layer", [
    ("resize_bilinear", lambda: L.Resizing(4, 11)),
    ("resize_nearest", lambda: L.Resizing(8, 3, interpolation="nearest")),
    ("resize_crop", lambda: L.Resizing(4, 4, crop_to_aspect_ratio=True)),
    ("center_crop_up", lambda: L.CenterCrop(6, 9)),
])
def test_resizing_and_center_crop_match_keras(key, layer):
    e = expected()["layers"]
    got = layer()(np.asarray(e["x"], np.float32)).numpy()
    np.testing.assert_allclose(got, e[key], rtol=1e-5, atol=1e-6)


def test_resizing_gradient_reaches_input_and_unbatched_images():
    x = tf.constant(np.ones((1, 4, 4, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(L.Resizing(2, 2)(x))
    # 4 -> 2: each output averages a 2x2 block's centre (weights 1/2, 1/2 per axis)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), np.full((1, 4, 4, 1), 0.25))
    assert L.Resizing(3, 3)(np.zeros((5, 5, 2))).shape == (3, 3, 2)


def test_random_layers_are_identity_at_inference():
    x = np.random.default_rng(0).uniform(0, 1, (2, 5, 6, 3)).astype(np.float32)
    for layer in (L.RandomFlip(), L.RandomRotation(0.3), L.RandomZoom(0.4),
                  L.RandomTranslation(0.2, 0.2), L.RandomContrast(0.5, value_range=(0, 1))):
        np.testing.assert_array_equal(layer(x).numpy(), x)
        np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
        assert not np.array_equal(layer(x, training=True).numpy(), x)


def test_flip_picks_each_image_flipped_or_not():
    x = np.random.default_rng(1).normal(size=(16, 3, 4, 1)).astype(np.float32)
    y = L.RandomFlip("horizontal", seed=7)(x, training=True).numpy()
    flipped = [np.array_equal(b, a[:, ::-1]) for a, b in zip(x, y)]
    kept = [np.array_equal(b, a) for a, b in zip(x, y)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
    both = L.RandomFlip(seed=7)(x, training=True).numpy()
    assert all(np.array_equal(b, a) or np.array_equal(b, a[::-1, ::-1])
               for a, b in zip(x, both))


def test_seed_makes_draws_reproducible_and_calls_differ():
    x = np.random.default_rng(2).normal(size=(4, 6, 6, 2)).astype(np.float32)
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        layer = L.RandomRotation(0.2, seed=11)
        runs.append([layer(x, training=True).numpy() for _ in range(2)])
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert not np.array_equal(runs[0][0], runs[0][1])


def test_rotation_by_a_quarter_turn_is_rot90():
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
    y = L.RandomRotation((0.25, 0.25))(x, training=True).numpy()
    np.testing.assert_allclose(y[0, :, :, 0], np.rot90(x[0, :, :, 0], 1), atol=1e-4)


def test_zoom_and_translation_sample_where_keras_does():
    ramp = np.tile(np.arange(8, dtype=np.float32), (1, 3, 1)).reshape(1, 3, 8, 1)
    zoom = L.RandomZoom((-0.5, -0.5), (-0.5, -0.5))(ramp, training=True).numpy()
    # x' = 0.5 x + 3.5 * 0.5: the centre half of the ramp, stretched
    np.testing.assert_allclose(zoom[0, 1, :, 0], 0.5 * np.arange(8) + 1.75, atol=1e-5)
    shift = L.RandomTranslation((0, 0), (0.25, 0.25))(ramp, training=True).numpy()
    # 2 pixels to the right; "reflect" fills with d c b a | a b c d
    np.testing.assert_allclose(shift[0, 0, :, 0], [1, 0, 0, 1, 2, 3, 4, 5], atol=1e-5)


def test_contrast_scales_deviation_from_the_mean():
    x = np.random.default_rng(4).uniform(50, 200, (3, 4, 5, 2)).astype(np.float32)
    y = L.RandomContrast(0.5, seed=1)(x, training=True).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    ratio = (y - mean) / (x - mean)
    for r in ratio:  # one factor per image, in [1, 1.5] (Keras 3.15: factor=(0, 0.5))
        assert np.allclose(r, r.flat[0], rtol=1e-3) and 1.0 <= r.flat[0] <= 1.5
    assert L.RandomContrast(0.5).get_config()["factor"] == (0, 0.5)
    clipped = augment.contrast_images(np.array([[[[0.0]], [[1.0]]]]), np.array([3.0]),
                                      (0, 1), (1, 2)).numpy().ravel()
    np.testing.assert_allclose(clipped, [0.0, 1.0])  # 0.5 -/+ 1.5, clipped to [0, 1]


def test_random_crop_window_in_training_aspect_crop_at_inference():
    x = np.arange(6 * 8, dtype=np.float32).reshape(1, 6, 8, 1)
    layer = L.RandomCrop(3, 4, seed=2)
    y = layer(x, training=True).numpy()[0, :, :, 0]
    top, left = np.argwhere(x[0, :, :, 0] == y[0, 0])[0]
    np.testing.assert_array_equal(y, x[0, top:top + 3, left:left + 4, 0])
    np.testing.assert_allclose(layer(x).numpy(), L.Resizing(3, 4, crop_to_aspect_ratio=True)(
        x).numpy())
    assert isinstance(L.RandomCrop(2, 2).get_config()["seed"], int)


def test_replayed_training_steps_draw_new_transforms():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 6, 1)), L.RandomRotation(0.2, seed=1),
                              L.Flatten(), L.Dense(1)])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    x = np.random.default_rng(5).normal(size=(4, 6, 6, 1)).astype(np.float32)
    y = np.zeros((4, 1), np.float32)
    losses = [float(model.train_on_batch(x, y)) for _ in range(6)]
    assert model.make_train_function().replaying()
    assert len(set(losses[3:])) == 3  # each replayed step drew its own rotations


@pytest.mark.parametrize("make, match", [
    (lambda: L.RandomRotation(1.5), r"RandomRotation: the `factor` argument.*\[-1, 1\]"),
    (lambda: L.RandomRotation((0.1, 0.2, 0.3)), r"factor=\(0.1, 0.2, 0.3\)"),
    (lambda: L.RandomZoom(-1.0), r"RandomZoom: the `height_factor` argument.*\(-1, 1\]"),
    (lambda: L.RandomTranslation(0.1, "a"), r"RandomTranslation: the `width_factor`"),
    (lambda: L.RandomContrast(-0.2), r"RandomContrast: the `factor`.*\[0, 1\]"),
    (lambda: L.RandomContrast(0.2, value_range=(1, 0)), r"`value_range` must be"),
    (lambda: L.RandomFlip("diagonal"), r"RandomFlip: `mode` must be one of"),
    (lambda: L.RandomRotation(0.1, fill_mode="edge"), r"unknown `fill_mode` 'edge'"),
    (lambda: L.RandomZoom(0.1, interpolation="cubic"), r"unknown `interpolation`"),
    (lambda: L.Resizing(-3, 4), r"Resizing: `height` must be a positive integer"),
    (lambda: L.CenterCrop(4, 0), r"CenterCrop: `width` must be a positive integer"),
    (lambda: L.RandomCrop(2.5, 4), r"RandomCrop: `height` must be a positive integer"),
    (lambda: L.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
     r"only one of"),
])
def test_bad_arguments(make, match):
    with pytest.raises((ValueError, NotImplementedError), match=match):
        make()


@pytest.mark.parametrize("layer", [L.Resizing(2, 2), L.CenterCrop(2, 2), L.RandomFlip(),
                                   L.RandomRotation(0.1), L.RandomCrop(2, 2)])
def test_wrong_rank_names_layer_shape_and_fix(layer):
    with pytest.raises(ValueError, match=r'Layer ".*" \(.*\) expects images of rank 4 .*'
                                         r'received an input of shape \(28, 28\).*x\[\.\.\., '
                                         r'None\]'):
        layer(np.zeros((28, 28), np.float32))
