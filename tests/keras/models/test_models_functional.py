"""Functional models: graphs with several inputs/outputs, shared layers, the plan,
errors and Keras 3's config format."""
import json

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

L = keras.layers
RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()


def two_inputs_two_outputs():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = L.Add()([L.Dense(4, activation="tanh")(a), L.Dense(4)(b)])
    c = L.Concatenate()([h, a])
    out1 = L.Dense(2, name="out1")(c)
    out2 = L.Dense(1, name="out2")(h)
    return keras.Model([a, b], [out1, out2], name="two")


def test_several_inputs_and_outputs():
    model = two_inputs_two_outputs()
    xa, xb = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    y1, y2 = model([xa, xb])
    assert y1.shape == (5, 2) and y2.shape == (5, 1)
    assert model.output_names == ["out1", "out2"] and model.input_names == ["a", "b"]
    assert model.input_shape == [(None, 3), (None, 2)]
    assert model.output_shape == [(None, 2), (None, 1)]
    # dict inputs by input name, predict keeps the output structure
    d1, d2 = model({"a": xa, "b": xb})
    np.testing.assert_array_equal(d1.numpy(), y1.numpy())
    p1, p2 = model.predict([xa, xb], batch_size=2, verbose=0)
    np.testing.assert_allclose(p1, y1.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="expects 2 input\\(s\\), but it received 1"):
        model(xa)


def test_layer_order_is_topological_like_keras():
    model = two_inputs_two_outputs()
    assert [layer.name for layer in model.layers] == [
        "a", "b", "dense", "dense_1", "add", "concatenate", "out1", "out2"]


def test_shared_layer_and_intermediate_models():
    shared = L.Dense(3, name="shared")
    a, b = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([a, b], L.Add()([shared(a), shared(b)]))
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    want = 2 * (x @ shared.kernel.numpy() + shared.bias.numpy())
    np.testing.assert_allclose(model([x, x]).numpy(), want, rtol=1e-5)
    assert len(model.weights) == 2 and len(shared._inbound_nodes) == 2
    inputs = keras.Input((4,))
    hidden = L.Dense(5, name="h")(inputs)
    full = keras.Model(inputs, L.Dense(2)(hidden))
    head = keras.Model(hidden, full.outputs[0])  # from an intermediate tensor
    features = keras.Model(inputs, hidden)
    x = RNG.standard_normal((2, 4))
    np.testing.assert_allclose(head(features(x)).numpy(), full(x).numpy(), rtol=1e-6)


def test_model_as_a_layer():
    inputs = keras.Input((4,))
    inner = keras.Model(inputs, L.Dense(3)(inputs), name="inner")
    outer = keras.Sequential([inner, L.Softmax()])
    x = RNG.standard_normal((2, 4))
    np.testing.assert_allclose(outer(x).numpy(), tf.nn.softmax(inner(x)).numpy(), rtol=1e-6)
    z = keras.Input((4,))
    wrapped = keras.Model(z, L.Dense(1)(inner(z)))
    assert wrapped.output_shape == (None, 1) and len(wrapped.weights) == 4


def test_disconnected_output_names_the_layer():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    out = L.Dense(2, name="dense_b")(b)
    with pytest.raises(ValueError) as err:
        keras.Model(a, out)
    msg = str(err.value)
    assert msg.startswith("Graph disconnected: cannot find parent for tensor")
    assert 'at layer "dense_b"' in msg and 'comes from layer "b"' in msg


def test_inputs_must_be_keras_tensors_and_names_unique():
    with pytest.raises(ValueError, match="All `inputs` values must be KerasTensors"):
        keras.Model(np.ones((2, 3)), keras.Input((3,)))
    a = keras.Input((3,))
    x = L.Dense(3, name="same")(a)
    with pytest.raises(ValueError, match='The name "same" is used 2 times'):
        keras.Model(a, L.Dense(3, name="same")(x))


def test_training_flag_in_functional():
    a = keras.Input((200,))
    model = keras.Model(a, L.Dropout(0.5)(a))
    x = np.ones((1, 200), np.float32)
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()


def test_config_matches_keras3_format():
    a = keras.Input((4,), name="a")
    out = L.Dense(2, name="d")(a)
    model = keras.Model(a, out, name="f")
    config = model.get_config()
    assert config["name"] == "f" and config["trainable"] is True
    assert config["input_layers"] == ["a", 0, 0] and config["output_layers"] == ["d", 0, 0]
    first, second = config["layers"]
    assert first == {"module": "keras.layers", "class_name": "InputLayer",
                     "config": {"batch_shape": (None, 4), "dtype": "float32", "sparse": False,
                                "ragged": False, "name": "a", "optional": False},
                     "registered_name": None, "name": "a", "inbound_nodes": []}
    assert second["build_config"] == {"input_shape": (None, 4)}
    assert second["inbound_nodes"] == [{"args": [{"class_name": "__keras_tensor__", "config": {
        "shape": (None, 4), "dtype": "float32", "keras_history": ["a", 0, 0]}}],
        "kwargs": {}}]
    listed = keras.Model([a], [out]).get_config()
    assert listed["input_layers"] == [["a", 0, 0]] and listed["output_layers"] == [["d", 0, 0]]


def test_config_round_trip_with_shared_layers_and_merges():
    model = two_inputs_two_outputs()
    config = json.loads(json.dumps(model.get_config()))
    clone = keras.Model.from_config(config)  # Keras routes a functional config
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    xa, xb = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 2))
    for p, q in zip(clone([xa, xb]), model([xa, xb])):
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert json.loads(json.dumps(clone.get_config())) == config
    serialized = keras.layers.serialize(model)
    assert serialized["module"] == "keras.src.models.functional"
    assert serialized["registered_name"] == "Functional"
    assert serialized["build_config"] == {"input_shape": None}
    shared = L.Dense(2, name="s")
    a = keras.Input((2,), name="in")
    twice = keras.Model(a, shared(shared(a)))
    back = type(twice).from_config(json.loads(json.dumps(twice.get_config())))
    back.set_weights(twice.get_weights())
    x = RNG.standard_normal((2, 2))
    np.testing.assert_array_equal(back(x).numpy(), twice(x).numpy())


def test_run_is_a_precomputed_plan():
    model = two_inputs_two_outputs()
    assert len(model._steps) == 6  # two Dense, Add, Concatenate, two heads
    layer, single, template, kwargs, outs = model._steps[0]
    assert single is not None and template is None


def test_a_model_subclass_built_from_inputs_and_outputs_is_functional(tmp_path):
    """Keras's guide to customizing fit(): CustomModel(inputs, outputs) with train_step."""
    calls = []

    class CustomModel(keras.Model):
        def train_step(self, data):
            calls.append(1)
            return super().train_step(data)

    inputs = keras.Input(shape=(4,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    assert isinstance(model, keras.models.Functional) and model.inputs is not None
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 4), np.float32)
    model.fit(x, np.zeros((8, 1), np.float32), batch_size=4, epochs=2, verbose=0)
    assert len(calls) == 4 and model.predict(x, verbose=0).shape == (8, 1)
    model.save(tmp_path / "custom.keras")
    back = keras.models.load_model(tmp_path / "custom.keras",
                                   custom_objects={"CustomModel": CustomModel})
    assert type(back) is CustomModel
    np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0))
