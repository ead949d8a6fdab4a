"""Save then load: identical weights, predictions, compile settings and training."""
import zipfile

import numpy as np
import pytest
from saving_testlib import functional_merge, h5_listing, seq_mlp, seq_shapes

from tapeflow import keras
from tapeflow.keras import saving

L = keras.layers


def _same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("build, inputs", [
    (seq_mlp, lambda: np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)),
    (seq_shapes, lambda: np.linspace(-1, 1, 18, dtype=np.float32).reshape(3, 2, 3)),
    (functional_merge, lambda: [np.ones((2, 3), np.float32), np.full((2, 2), .5, np.float32)]),
])
def test_round_trip_identical_weights_and_predictions(build, inputs, tmp_path):
    model = build()
    path = tmp_path / "m.keras"
    saving.save_model(model, path)
    loaded = saving.load_model(path)
    assert type(loaded) is type(model)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    _same_weights(model, loaded)
    np.testing.assert_array_equal(loaded.predict(inputs(), verbose=0),
                                  model.predict(inputs(), verbose=0))


def test_round_trip_of_a_file_object(tmp_path):
    import io
    model = seq_mlp()
    buffer = io.BytesIO()
    saving.save_model(model, buffer)
    buffer.seek(0)
    _same_weights(model, saving.load_model(buffer))


def test_unzipped_directory_loads(tmp_path):
    model = seq_mlp()
    saving.save_model(model, tmp_path / "m.keras")
    zipfile.ZipFile(tmp_path / "m.keras").extractall(tmp_path / "unzipped")
    _same_weights(model, saving.load_model(tmp_path / "unzipped"))


@saving.register_keras_serializable(package="tests")
class Scale(L.Layer):
    """A custom layer with its own weight and a sub-layer."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.inner = L.Dense(2)

    def build(self, input_shape):
        self.alpha = self.add_weight(shape=(1,), initializer="ones", name="alpha")
        self.inner.build(input_shape)

    def call(self, x):
        return self.inner(x) * self.alpha * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@saving.register_keras_serializable(package="tests")
class TwoLayer(keras.Model):
    """A subclassed model revived from get_config."""

    def __init__(self, hidden=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.first = L.Dense(hidden, activation="relu")
        self.second = L.Dense(2)

    def call(self, x):
        return self.second(self.first(x))

    def get_config(self):
        return {"hidden": self.hidden, "name": self.name}


def test_registered_custom_layer_inside_sequential(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Scale(3.0, name="scale")])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    before = model.predict(x, verbose=0)
    saving.save_model(model, tmp_path / "c.keras")
    import json
    layer_cfg = json.loads(zipfile.ZipFile(tmp_path / "c.keras").read("config.json"))[
        "config"]["layers"][1]
    assert layer_cfg["registered_name"] == "tests>Scale"
    assert layer_cfg["module"] == __name__
    names = h5_listing(zipfile.ZipFile(tmp_path / "c.keras").read("model.weights.h5"))
    # Keras's layout: the layer's own weight, then its sub-layer under the attribute
    assert names["layers/scale/vars/0"][1] == (1,)
    assert names["layers/scale/inner/vars/0"][1] == (3, 2)
    loaded = saving.load_model(tmp_path / "c.keras")
    assert type(loaded.layers[0]) is Scale and loaded.layers[0].factor == 3.0
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)


def test_subclassed_model_round_trip(tmp_path):
    model = TwoLayer(hidden=5)
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    before = model.predict(x, verbose=0)
    saving.save_model(model, tmp_path / "s.keras")
    names = h5_listing(zipfile.ZipFile(tmp_path / "s.keras").read("model.weights.h5"))
    # Keras walks attributes in sorted order, and a subclassed model's `layers`
    # property sorts between "first" and "second": second lands in layers/dense_1.
    assert names["first/vars/0"][1] == (3, 5)
    assert names["layers/dense_1/vars/1"][1] == (2,)
    assert "second" not in {k.split("/")[0] for k in names}
    loaded = saving.load_model(tmp_path / "s.keras")
    assert isinstance(loaded, TwoLayer) and loaded.hidden == 5
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), before)


def test_unregistered_custom_class_needs_custom_objects(tmp_path):
    class Local(L.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input((2,)), Local(name="local")])
    saving.save_model(model, tmp_path / "u.keras")
    with pytest.raises(saving.ModelFileError, match="Local.*custom_objects"):
        saving.load_model(tmp_path / "u.keras")
    loaded = saving.load_model(tmp_path / "u.keras", custom_objects={"Local": Local})
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2), np.float32), verbose=0),
                                  [[2.0, 2.0]])


def test_save_weights_load_weights(tmp_path):
    a, b = seq_shapes(), seq_shapes()
    path = tmp_path / "w.weights.h5"
    saving.save_weights(a, path)
    saving.load_weights(b, path)
    _same_weights(a, b)
    c = seq_shapes()  # weights inside a .keras archive load too
    saving.save_model(a, tmp_path / "a.keras")
    saving.load_weights(c, tmp_path / "a.keras")
    _same_weights(a, c)


def test_load_weights_skip_mismatch(tmp_path):
    small = keras.Sequential([keras.Input((4,)), L.Dense(5), L.Dense(3)])
    other = keras.Sequential([keras.Input((4,)), L.Dense(5), L.Dense(2)])
    saving.save_weights(small, tmp_path / "w.weights.h5")
    with pytest.raises(saving.ModelFileError, match=r"\(5, 2\) in the model but \(5, 3\)"):
        saving.load_weights(other, tmp_path / "w.weights.h5")
    with pytest.warns(UserWarning, match="do not match"):
        saving.load_weights(other, tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].kernel.numpy(),
                                  small.layers[0].kernel.numpy())


def test_model_that_never_saw_data_still_saves_with_warning(tmp_path):
    model = keras.Sequential([L.Dense(2)])
    with pytest.warns(UserWarning, match="not yet been built"):
        saving.save_model(model, tmp_path / "unbuilt.keras")
    assert not saving.load_model(tmp_path / "unbuilt.keras").built


def _halved_mse(y_true, y_pred):
    return keras.losses.mean_squared_error(y_true, y_pred) / 2.0


def test_custom_loss_function_needs_custom_objects(tmp_path):
    model = seq_mlp()
    model.compile(optimizer="sgd", loss=_halved_mse)
    x, y = np.ones((4, 4), np.float32), np.ones((4, 3), np.float32)
    model.fit(x, y, verbose=0)
    saving.save_model(model, tmp_path / "loss.keras")
    with pytest.raises(saving.UnknownObjectError, match="_halved_mse"):
        saving.load_model(tmp_path / "loss.keras")
    loaded = saving.load_model(tmp_path / "loss.keras",
                               custom_objects={"_halved_mse": _halved_mse})
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    # compile=False needs no custom objects at all
    assert saving.load_model(tmp_path / "loss.keras", compile=False).optimizer is None
