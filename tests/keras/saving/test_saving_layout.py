"""The weights-file walk against what real Keras 3.15.1 wrote for the same model.

The expected listing below was produced by Keras 3.15.1 for exactly this subclassed
model (attributes zeta, alpha, blocks=[Block]; Block has inner and extra=[Dense,
Dropout]), compiled with SGD(momentum=0.9) and trained one step.
"""
import zipfile

import numpy as np
from saving_testlib import h5_listing

from tapeflow import keras
from tapeflow.keras import saving
from tapeflow.keras.saving.walk import saveable_paths

L = keras.layers

KERAS_LISTING = {
    "alpha/vars/0": (4, 2), "alpha/vars/1": (2,),
    "blocks/block/extra/dense/vars/0": (2, 2), "blocks/block/extra/dense/vars/1": (2,),
    "blocks/block/extra/dropout/vars": None,
    "blocks/block/inner/vars/0": (2, 2), "blocks/block/inner/vars/1": (2,),
    "blocks/block/vars/0": (1,),
    "layers/dense/vars/0": (3, 4), "layers/dense/vars/1": (4,),
    "optimizer/vars/0": (), "optimizer/vars/1": (), "optimizer/vars/2": (3, 4),
    "optimizer/vars/3": (4,), "optimizer/vars/4": (4, 2), "optimizer/vars/5": (2,),
    "optimizer/vars/6": (1,), "optimizer/vars/7": (2, 2), "optimizer/vars/8": (2,),
    "optimizer/vars/9": (2, 2), "optimizer/vars/10": (2,),
    "vars": None,
}


@saving.register_keras_serializable(package="layout")
class Block(L.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = L.Dense(units)
        self.extra = [L.Dense(2), L.Dropout(0.1)]

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(1,), initializer="ones", name="scale")
        self.inner.build(input_shape)
        self.extra[0].build((None, self.units))

    def call(self, x):
        return self.extra[0](self.inner(x) * self.scale)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@saving.register_keras_serializable(package="layout")
class MyModel(keras.Model):
    def __init__(self, hidden=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.zeta = L.Dense(hidden, activation="relu")
        self.alpha = L.Dense(2)
        self.blocks = [Block(2)]

    def call(self, x):
        return self.blocks[0](self.alpha(self.zeta(x)))

    def get_config(self):
        return {"hidden": self.hidden, "name": self.name}


def _trained():
    keras.utils.set_random_seed(0)
    model = MyModel()
    model.compile(optimizer=keras.optimizers.SGD(momentum=0.9), loss="mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), verbose=0)
    return model


def test_nested_containers_and_attribute_order_match_keras(tmp_path):
    model = _trained()
    saving.save_weights(model, tmp_path / "m.weights.h5")
    listing = h5_listing(open(tmp_path / "m.weights.h5", "rb").read())
    datasets = {k: v[1] for k, v in listing.items() if v[0] == "Dataset"}
    empty_vars = {k: None for k, v in listing.items()
                  if k.endswith("vars") and v[0] == "Group" and
                  not any(d.startswith(k + "/") for d in datasets)}
    assert {**datasets, **empty_vars} == KERAS_LISTING


def test_paths_in_walk_order():
    paths = [p for p, _ in saveable_paths(_trained())]
    assert paths == ["", "alpha", "blocks/block", "blocks/block/extra/dense",
                     "blocks/block/extra/dropout", "blocks/block/inner", "layers/dense",
                     "optimizer"]


def test_subclassed_model_with_containers_round_trips(tmp_path):
    model = _trained()
    saving.save_model(model, tmp_path / "m.keras")
    assert "build_config" in __import__("json").loads(
        zipfile.ZipFile(tmp_path / "m.keras").read("config.json"))
    loaded = saving.load_model(tmp_path / "m.keras")
    x = np.linspace(0, 1, 6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
