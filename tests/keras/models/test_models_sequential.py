"""Sequential: ways to build it, editing, structure, config, errors."""
import json

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

L = keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()


def test_built_from_input_layer_or_input_shape_or_lazily():
    a = keras.Sequential([keras.Input((4,)), L.Dense(2)])
    b = keras.Sequential([L.Dense(2, input_shape=(4,))])
    c = keras.Sequential([L.Dense(2)])
    assert a.built and b.built and not c.built
    assert a.input_shape == b.input_shape == (None, 4)
    assert c(np.ones((3, 4))).shape == (3, 2)
    assert c.built and c.input_shape == (None, 4) and c.output_shape == (None, 2)
    d = keras.Sequential([L.Dense(2)])
    d.build((None, 4))
    assert d.count_params() == 10 and d.layers[0].kernel.shape == (4, 2)


def test_add_pop_and_layers():
    model = keras.Sequential()
    model.add(keras.Input((3,)))
    model.add(L.Dense(4, name="a"))
    model.add(L.Dense(2, name="b"))
    assert [layer.name for layer in model.layers] == ["a", "b"]  # InputLayer not listed
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.name == "b" and model.output_shape == (None, 4)
    assert model.get_layer("a") is model.layers[0] and model.get_layer(index=0).name == "a"
    model.pop()
    with pytest.raises(TypeError, match="There are no layers in the model"):
        model.pop()


def test_add_errors():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, name="x")])
    with pytest.raises(ValueError, match="Name 'x' is already the name of a layer"):
        model.add(L.Dense(2, name="x"))
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")
    with pytest.raises(ValueError, match="already been configured to use input shape"):
        model.add(keras.Input((5,)))
    with pytest.raises(ValueError, match="No such layer: zz"):
        model.get_layer("zz")
    with pytest.raises(ValueError, match="only has 1 layers"):
        model.get_layer(index=3)


def test_inputs_outputs_and_names():
    model = keras.Sequential([keras.Input((3,), name="inp"), L.Dense(2, name="out")])
    assert [t.shape for t in model.inputs] == [(None, 3)]
    assert model.outputs[0].shape == (None, 2)
    assert model.output_names == ["out"]
    assert model.layers[0].output is model.outputs[0]


def test_training_flag_reaches_dropout():
    model = keras.Sequential([keras.Input((100,)), L.Dropout(0.5, seed=1)])
    x = np.ones((2, 100), np.float32)
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()


def test_config_format_and_round_trip():
    model = keras.Sequential([keras.Input((4,)), L.Dense(5, activation="relu"),
                              L.Dropout(0.2), L.Dense(3, activation="softmax")], name="seq")
    config = model.get_config()
    assert list(config) == ["name", "trainable", "dtype", "layers", "build_input_shape"]
    assert config["name"] == "seq" and config["build_input_shape"] == (None, 4)
    assert [c["class_name"] for c in config["layers"]] == ["InputLayer", "Dense", "Dropout",
                                                           "Dense"]
    assert config["layers"][1]["build_config"] == {"input_shape": (None, 4)}
    assert "build_config" not in config["layers"][2]  # weightless, no build() of its own
    restored = keras.Sequential.from_config(json.loads(json.dumps(config)))
    assert restored.built and restored.output_shape == (None, 3)
    restored.set_weights(model.get_weights())
    x = np.random.default_rng(0).standard_normal((2, 4))
    np.testing.assert_array_equal(restored(x).numpy(), model(x).numpy())
    serialized = keras.layers.serialize(model)
    assert serialized["module"] == "keras" and serialized["class_name"] == "Sequential"
    assert serialized["build_config"] == {"input_shape": (None, 4)}
    clone = keras.models.clone_model(model)
    assert clone.count_params() == model.count_params() and clone is not model


def test_unbuilt_config_has_no_build_shape():
    config = keras.Sequential([L.Dense(2)]).get_config()
    assert "build_input_shape" not in config
    assert keras.Sequential.from_config(config).built is False


def test_integer_input_is_cast_to_float32():
    model = keras.Sequential([keras.Input((2, 2)), L.Flatten(), L.Dense(1)])
    assert model(np.ones((1, 2, 2), np.uint8)).dtype == tf.float32


def test_predict_batches_and_trainable_weights():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    x = np.random.default_rng(0).standard_normal((70, 3)).astype(np.float32)
    out = model._predict_batches(x, batch_size=32)
    assert isinstance(out, np.ndarray) and out.shape == (70, 2)
    np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-6)
    assert [w.path for w in model.trainable_weights] == ["dense/kernel", "dense/bias"]


def test_nested_sequential_shares_weights():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3)], name="inner")
    outer = keras.Sequential([inner, L.Dense(1)])
    assert outer.input_shape == (None, 4)
    assert len(outer.weights) == 4 and outer.weights[0] is inner.weights[0]
    assert outer.get_layer("inner") is inner
