"""Convolution and pooling layers: hand-checked values, Keras 3.15.1's configs, outputs,
summaries and files (tests/fixtures/keras3/conv_*, made by
scripts/make_keras_conv_fixtures.py), the errors for bad inputs, and the traced fit step."""
import json
import os

import numpy as np
import pytest

from tapeflow import keras

L = keras.layers
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras3")


@pytest.fixture(scope="module")
def expected():
    with open(os.path.join(FIXTURES, "conv_expected.json")) as f:
        return json.load(f)


def intro_convnet():
    return keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(128, 3, activation="relu"), L.Flatten(), L.Dense(10, activation="softmax")])


def test_conv2d_by_hand():
    layer = L.Conv2D(1, 2, kernel_initializer="ones", bias_initializer="ones")
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    # each output: the sum of a 2x2 window, plus 1
    assert layer(x).numpy()[0, :, :, 0].tolist() == [[9.0, 13.0], [21.0, 25.0]]


def test_pooling_by_hand():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    assert L.MaxPooling2D()(x).numpy().ravel().tolist() == [5.0, 7.0, 13.0, 15.0]
    assert L.AveragePooling2D(2)(x).numpy().ravel().tolist() == [2.5, 4.5, 10.5, 12.5]
    assert L.GlobalMaxPooling2D()(x).numpy().tolist() == [[15.0]]
    assert L.GlobalAveragePooling2D(keepdims=True)(x).shape == (1, 1, 1, 1)
    assert L.GlobalAveragePooling1D()(x[0]).numpy().ravel().tolist() == [1.5, 5.5, 9.5, 13.5]


def test_weights_names_shapes_and_order():
    def built(layer, shape):
        layer.build(shape)
        return [(w.name, tuple(w.shape)) for w in layer.weights]
    assert built(L.Conv1D(4, 3), (None, 8, 3)) == [("kernel", (3, 3, 4)), ("bias", (4,))]
    assert built(L.Conv2DTranspose(4, 3), (None, 8, 8, 3)) == [("kernel", (3, 3, 4, 3)),
                                                              ("bias", (4,))]
    assert built(L.DepthwiseConv2D(3, depth_multiplier=2), (None, 8, 8, 3)) == [
        ("kernel", (3, 3, 3, 2)), ("bias", (6,))]


def test_keras_aliases():
    assert L.Convolution2D is L.Conv2D and L.MaxPool2D is L.MaxPooling2D
    assert L.AvgPool2D is L.AveragePooling2D and L.GlobalAvgPool2D is L.GlobalAveragePooling2D
    assert L.GlobalMaxPool1D is L.GlobalMaxPooling1D


def test_configs_match_keras_key_for_key(expected):
    for name, configs in expected["configs"].items():
        for want in configs:
            layer = getattr(L, name).from_config(dict(want))
            assert json.loads(json.dumps(layer.get_config())) == want, name


@pytest.mark.parametrize("name,make", [
    ("conv_same_s2", lambda: L.Conv2D(2, 4, strides=2, padding="same")),
    ("conv_same_s3_k2", lambda: L.Conv2D(2, 2, strides=3, padding="same")),
    ("transpose_same_s2", lambda: L.Conv2DTranspose(2, 4, strides=2, padding="same")),
    ("transpose_same_s2_op1", lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same",
                                                        output_padding=1)),
    ("transpose_valid_s3", lambda: L.Conv2DTranspose(2, 2, strides=3)),
    ("avg_same", lambda: L.AveragePooling2D(3, strides=2, padding="same")),
    ("max_same", lambda: L.MaxPooling2D(2, padding="same")),
    ("depthwise_same_s2", lambda: L.DepthwiseConv2D(3, strides=2, padding="same",
                                                    depth_multiplier=2)),
])
def test_single_layers_match_keras(expected, name, make):
    x = np.asarray(expected["layers"]["x"], np.float32)
    want = expected["layers"][name]
    layer = make()
    layer.build(x.shape)
    if want["weights"]:
        layer.set_weights([np.asarray(w, np.float32) for w in want["weights"]])
    np.testing.assert_allclose(layer(x).numpy(), want["output"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["conv_2d", "conv_1d", "conv_channels_first"])
def test_keras_saved_models_load_with_same_predictions_and_summary(expected, monkeypatch,
                                                                   name):
    monkeypatch.setenv("COLUMNS", "80")
    want = expected["models"][name]
    model = keras.models.load_model(os.path.join(FIXTURES, f"{name}.keras"))
    got = model.predict(np.asarray(want["inputs"], np.float32), verbose=0)
    np.testing.assert_allclose(got, want["predictions"], rtol=1e-5, atol=1e-6)
    text = []
    model.summary(print_fn=text.append)
    assert text[0] == want["summary"]


def test_intro_convnet_summary_is_keras_text(expected, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    keras.backend.clear_session()
    model = intro_convnet()
    assert model.count_params() == 104202
    text = []
    model.summary(print_fn=text.append)
    assert text[0] == expected["models"]["conv_intro"]["summary"]


def test_save_and_reload_round_trip(tmp_path):
    model = keras.Sequential([keras.Input((8, 8, 2)), L.SeparableConv2D(3, 3, padding="same"),
                              L.Conv2DTranspose(2, 2, strides=2), L.AveragePooling2D(2),
                              L.DepthwiseConv2D(3), L.GlobalMaxPooling2D(), L.Dense(2)])
    x = np.random.default_rng(0).standard_normal((2, 8, 8, 2)).astype(np.float32)
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("make,x,match", [
    (lambda: L.Conv2D(4, 3), np.zeros((28, 28), np.float32),
     r'"conv2d.*" \(Conv2D\) received an input of shape \(28, 28\), but it expects rank 4 '
     r'inputs \(batch, height, width, channels\): add a batch and a channel axis'),
    (lambda: L.Conv2D(4, 3), np.zeros((5, 28, 28), np.float32),
     r"shape \(5, 28, 28\).*add a channel axis: x\[\.\.\., None\]"),
    (lambda: L.MaxPooling2D(2), np.zeros((5, 28, 28), np.float32),
     r"\(MaxPooling2D\).*add a channel axis"),
    (lambda: L.Conv2D(4, 5), np.zeros((1, 3, 3, 1), np.float32),
     r"kernel_size \(5, 5\).*larger than the input's spatial size \(3, 3\).*padding=\"same\""),
    (lambda: L.MaxPooling2D(4), np.zeros((1, 3, 3, 1), np.float32),
     r"pool_size \(4, 4\).*larger"),
])
def test_bad_inputs_are_explained(make, x, match):
    with pytest.raises(ValueError, match=match):
        make()(x)


def test_channels_mismatching_the_built_kernel():
    layer = L.Conv2D(4, 3)
    layer(np.zeros((1, 5, 5, 1), np.float32))
    with pytest.raises(ValueError, match=r"shape \(1, 5, 5, 3\).*built for inputs with 1 "
                                         r"channels, shape \(batch, None, None, 1\)"):
        layer(np.zeros((1, 5, 5, 3), np.float32))


@pytest.mark.parametrize("make,match", [
    (lambda: L.Conv2D(4, 3, strides=0), r"Conv2D: the `strides` argument.*> 0.*strides=0"),
    (lambda: L.Conv2D(4, 3, strides=(1, -2)), r"strides=\(1, -2\)"),
    (lambda: L.MaxPooling2D(2, strides=-1), r"MaxPooling2D: the `strides`"),
    (lambda: L.Conv2D(0, 3), r"Conv2D: invalid value for argument `filters`"),
    (lambda: L.Conv2D(4, 3, padding="full"), r"`padding` argument must be one of"),
    (lambda: L.Conv2D(4, 3, padding="causal"), r"`padding` argument must be one of"),
    (lambda: L.Conv2D(4, 3, strides=2, dilation_rate=2), r"strides > 1.*dilation_rate > 1"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_fit_traces_and_replays_a_convnet():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 3, activation="relu"),
                              L.MaxPooling2D(2), L.Flatten(), L.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((64, 8, 8, 1)).astype(np.float32), rng.integers(0, 3, 64)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert model.make_train_function().replaying()
    assert history.history["loss"][1] < history.history["loss"][0]
