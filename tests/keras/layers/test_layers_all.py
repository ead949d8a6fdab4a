"""Every layer through the shared helper: output shape, weight shapes, config
round-trip and gradients to every trainable weight (see layer_testlib)."""
import os
import sys

import numpy as np
import pytest

from tapeflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # any --import-mode
from layer_testlib import run_layer_test  # noqa: E402

L = keras.layers


def times_two(x):
    return x * 2.0


CASES = [
    # (class, kwargs, input shape, output shape, n trainable, weight shapes)
    (L.Dense, {"units": 5}, (2, 4), (2, 5), 2, [(4, 5), (5,)]),
    (L.Dense, {"units": 3, "activation": "relu"}, (2, 4), (2, 3), 2, [(4, 3), (3,)]),
    (L.Dense, {"units": 3, "activation": "softmax", "use_bias": False}, (2, 4), (2, 3), 1,
     [(4, 3)]),
    (L.Dense, {"units": 3, "activation": "tanh"}, (2, 6, 4), (2, 6, 3), 2, [(4, 3), (3,)]),
    (L.Dense, {"units": 2, "activation": "elu", "kernel_initializer": "he_normal",
               "bias_initializer": "ones", "kernel_regularizer": "l2",
               "bias_regularizer": keras.regularizers.L1(0.1),
               "kernel_constraint": "max_norm", "bias_constraint": "non_neg",
               "activity_regularizer": "l1"}, (3, 4), (3, 2), 2, [(4, 2), (2,)]),
    (L.Flatten, {}, (2, 3, 4), (2, 12), 0, []),
    (L.Reshape, {"target_shape": (3, 2)}, (2, 6), (2, 3, 2), 0, []),
    (L.Reshape, {"target_shape": (-1, 2)}, (2, 3, 4), (2, 6, 2), 0, []),
    (L.Activation, {"activation": "sigmoid"}, (2, 3), (2, 3), 0, []),
    (L.Activation, {"activation": "gelu"}, (2, 3), (2, 3), 0, []),
    (L.Dropout, {"rate": 0.5, "seed": 1}, (4, 6), (4, 6), 0, []),
    (L.Identity, {}, (2, 3), (2, 3), 0, []),
    (L.Rescaling, {"scale": 0.5, "offset": 1.0}, (2, 3), (2, 3), 0, []),
    (L.ReLU, {}, (2, 3), (2, 3), 0, []),
    (L.ReLU, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.5}, (2, 3), (2, 3), 0,
     []),
    (L.LeakyReLU, {"negative_slope": 0.1}, (2, 3), (2, 3), 0, []),
    (L.ELU, {"alpha": 0.5}, (2, 3), (2, 3), 0, []),
    (L.Softmax, {"axis": -1}, (2, 3), (2, 3), 0, []),
    (L.Add, {}, [(2, 3), (2, 3)], (2, 3), 0, []),
    (L.Subtract, {}, [(2, 3), (2, 3)], (2, 3), 0, []),
    (L.Multiply, {}, [(2, 3), (2, 3), (2, 3)], (2, 3), 0, []),
    (L.Average, {}, [(2, 3), (2, 3)], (2, 3), 0, []),
    (L.Maximum, {}, [(2, 3), (2, 3)], (2, 3), 0, []),
    (L.Minimum, {}, [(2, 3), (2, 3)], (2, 3), 0, []),
    (L.Concatenate, {"axis": -1}, [(2, 3), (2, 2)], (2, 5), 0, []),
    (L.Concatenate, {"axis": 1}, [(2, 3, 4), (2, 1, 4)], (2, 4, 4), 0, []),
    (L.ZeroPadding2D, {}, (2, 3, 4, 2), (2, 5, 6, 2), 0, []),
    (L.ZeroPadding2D, {"padding": ((1, 0), (2, 3)), "data_format": "channels_first"},
     (2, 2, 3, 4), (2, 2, 4, 9), 0, []),
    (L.Cropping2D, {"cropping": ((1, 0), (1, 2))}, (2, 3, 4, 2), (2, 2, 1, 2), 0, []),
    (L.Cropping2D, {"cropping": 1, "data_format": "channels_first"}, (2, 2, 4, 5),
     (2, 2, 2, 3), 0, []),
    (L.UpSampling2D, {}, (2, 3, 4, 2), (2, 6, 8, 2), 0, []),
    (L.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2),
     (2, 6, 12, 2), 0, []),
    (L.Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3), 0, []),
    (L.RepeatVector, {"n": 3}, (2, 4), (2, 3, 4), 0, []),
    (L.LayerNormalization, {}, (2, 3), (2, 3), 2, [(3,), (3,)]),
    (L.LayerNormalization, {"axis": [1, 2], "center": False}, (2, 3, 4), (2, 3, 4), 1,
     [(3, 4)]),
    (L.LayerNormalization, {"rms_scaling": True, "epsilon": 0.1}, (2, 5), (2, 5), 1,
     [(5,)]),
    (L.Normalization, {"mean": [1.0, 2.0], "variance": [4.0, 1.0]}, (2, 2), (2, 2), 0, []),
    (L.Resizing, {"height": 3, "width": 5}, (2, 4, 4, 2), (2, 3, 5, 2), 0, []),
    (L.Resizing, {"height": 4, "width": 4, "interpolation": "nearest",
                  "crop_to_aspect_ratio": True, "data_format": "channels_first"},
     (2, 2, 5, 7), (2, 2, 4, 4), 0, []),
    (L.CenterCrop, {"height": 2, "width": 3}, (2, 4, 5, 1), (2, 2, 3, 1), 0, []),
    (L.RandomFlip, {"mode": "horizontal", "seed": 1}, (3, 4, 5, 2), (3, 4, 5, 2), 0, []),
    (L.RandomRotation, {"factor": 0.2, "seed": 2}, (2, 5, 5, 1), (2, 5, 5, 1), 0, []),
    (L.RandomZoom, {"height_factor": (-0.3, 0.2), "width_factor": 0.1,
                    "fill_mode": "constant"}, (2, 5, 6, 1), (2, 5, 6, 1), 0, []),
    (L.RandomTranslation, {"height_factor": 0.2, "width_factor": (-0.1, 0.3),
                           "interpolation": "nearest", "fill_mode": "wrap"},
     (2, 5, 6, 3), (2, 5, 6, 3), 0, []),
    (L.RandomContrast, {"factor": 0.3, "value_range": (-5, 5), "seed": 3}, (2, 4, 4, 3),
     (2, 4, 4, 3), 0, []),
    (L.RandomCrop, {"height": 4, "width": 4, "seed": 5}, (2, 6, 7, 2), (2, 4, 4, 2), 0, []),
]


@pytest.mark.parametrize("cls, kwargs, in_shape, out_shape, n_train, shapes", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_layer(cls, kwargs, in_shape, out_shape, n_train, shapes):
    run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_train, expected_weight_shapes=shapes)


def test_batch_normalization_layer_contract():
    run_layer_test(L.BatchNormalization, {"momentum": 0.9}, input_shape=(4, 3),
                   expected_output_shape=(4, 3), expected_num_trainable_weights=2,
                   expected_num_non_trainable_weights=2,
                   expected_weight_shapes=[(3,), (3,), (3,), (3,)])
    run_layer_test(L.BatchNormalization, {"axis": 1, "center": False}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=1,
                   expected_num_non_trainable_weights=2,
                   expected_weight_shapes=[(3,), (3,), (3,)])


def test_batch_normalization_matches_keras_formulas():
    """Keras 3.15.1 printed these for the same input (training, then inference)."""
    layer = L.BatchNormalization()
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_allclose(layer(x, training=True).numpy()[:, 0],
                               [-1.3415811, -0.44719368, 0.44719374, 1.3415811], rtol=1e-6)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.045, 0.055, 0.065], rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), [1.1025] * 3, rtol=1e-6)
    np.testing.assert_allclose(layer(x, training=False).numpy()[0],
                               [-0.04283772, 0.89959216, 1.8420221], rtol=1e-6)
    # by hand: (x - mean) / sqrt(var + eps) with the running statistics
    want = (x[0] - layer.moving_mean.numpy()) / np.sqrt(layer.moving_variance.numpy() + 1e-3)
    np.testing.assert_allclose(layer(x).numpy()[0], want, rtol=1e-6)


def test_batch_normalization_trains_in_fit():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), L.Dense(4), L.BatchNormalization(),
                              L.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    history = model.fit(x, x[:, :1], batch_size=8, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert not np.allclose(model.layers[1].moving_mean.numpy(), 0.0)


def test_lambda_with_named_function():
    # a Lambda comes back from its config only through custom_objects
    run_layer_test(L.Lambda, {"function": times_two}, input_shape=(2, 3),
                   expected_output_shape=(2, 3), custom_objects={"times_two": times_two})


def test_nested_model_as_layer():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu"), L.Dense(2)])
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    outer = keras.Sequential([inner, L.Softmax()])
    assert outer.output_shape == (None, 2)
    y = outer(x).numpy()
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-6)
    assert len(outer.trainable_weights) == 4
