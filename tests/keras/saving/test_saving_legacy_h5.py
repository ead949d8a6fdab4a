"""Reading Keras-2 (tf.keras 2.x) .h5 files, built here byte for byte as TF 2.x
writes them: root attributes model_config / training_config, model_weights/<layer>
groups listing their datasets in weight_names."""
import json

import numpy as np
import pytest

from tapeflow.keras import saving


def _dense(name, units, activation, first=False):
    config = {"name": name, "trainable": True, "dtype": "float32", "units": units,
              "activation": activation, "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None,
              "bias_constraint": None}
    if first:
        config["batch_input_shape"] = [None, 4]
    return {"class_name": "Dense", "config": config}


def _write(path, model_config, weights, training_config=None):
    import h5py
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.12.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [name.encode() for name in weights]
        for layer, arrays in weights.items():
            g = group.create_group(layer)
            names = [f"{layer}/{w}:0" for w in ("kernel", "bias")][:len(arrays)]
            g.attrs["weight_names"] = [n.encode() for n in names]
            for n, a in zip(names, arrays):
                g[n] = a
    return path


RNG = np.random.default_rng(0)
W1, B1 = RNG.normal(size=(4, 3)).astype(np.float32), RNG.normal(size=3).astype(np.float32)
W2, B2 = RNG.normal(size=(3, 2)).astype(np.float32), RNG.normal(size=2).astype(np.float32)
X = RNG.normal(size=(5, 4)).astype(np.float32)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


SEQUENTIAL = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    _dense("dense", 3, "relu", first=True),
    {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True,
                                         "dtype": "float32", "rate": 0.5,
                                         "noise_shape": None, "seed": None}},
    _dense("dense_1", 2, "softmax")]}}
TRAINING = {"loss": "sparse_categorical_crossentropy",
            "metrics": [[{"class_name": "MeanMetricWrapper",
                          "config": {"name": "accuracy", "dtype": "float32",
                                     "fn": "sparse_categorical_accuracy"}}]],
            "weighted_metrics": None, "loss_weights": None,
            "optimizer_config": {"class_name": "Adam", "config": {
                "name": "Adam", "learning_rate": 0.005, "decay": 0.0, "beta_1": 0.9,
                "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False,
                "is_legacy_optimizer": False}}}


def test_keras2_sequential_with_training_config(tmp_path):
    path = _write(tmp_path / "old.h5", SEQUENTIAL,
                  {"dense": [W1, B1], "dropout": [], "dense_1": [W2, B2]}, TRAINING)
    model = saving.load_model(path)
    want = _softmax(np.maximum(X @ W1 + B1, 0) @ W2 + B2)
    np.testing.assert_allclose(model.predict(X, verbose=0), want, atol=1e-6)
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.005)
    model.fit(X, np.array([0, 1, 0, 1, 1]), epochs=1, verbose=0)  # it trains on


def test_keras2_functional_with_concatenate(tmp_path):
    config = {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                    "ragged": False, "name": "input_1"}},
        {**_dense("dense", 3, "relu"), "name": "dense",
         "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"class_name": "Concatenate", "name": "concatenate",
         "config": {"name": "concatenate", "trainable": True, "dtype": "float32", "axis": -1},
         "inbound_nodes": [[["dense", 0, 0, {}], ["input_1", 0, 0, {}]]]},
        {**_dense("dense_1", 2, "linear"), "name": "dense_1",
         "inbound_nodes": [[["concatenate", 0, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
    w2 = RNG.normal(size=(7, 2)).astype(np.float32)
    path = _write(tmp_path / "func.h5", config, {"dense": [W1, B1], "dense_1": [w2, B2]})
    model = saving.load_model(path)
    hidden = np.concatenate([np.maximum(X @ W1 + B1, 0), X], axis=-1)
    np.testing.assert_allclose(model.predict(X, verbose=0), hidden @ w2 + B2, atol=1e-5)


def test_keras2_weights_into_a_model_built_in_code(tmp_path):
    from tapeflow import keras
    path = _write(tmp_path / "w.h5", SEQUENTIAL,
                  {"dense": [W1, B1], "dropout": [], "dense_1": [W2, B2]})
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, "relu"),
                              keras.layers.Dropout(0.5), keras.layers.Dense(2, "softmax")])
    saving.load_weights(model, path)
    np.testing.assert_array_equal(model.layers[2].kernel.numpy(), W2)
    wrong = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    with pytest.raises(saving.ModelFileError, match="w.h5.*2 layer"):
        saving.load_weights(wrong, path)


def test_legacy_file_errors(tmp_path):
    import h5py
    with h5py.File(tmp_path / "empty.h5", "w"):
        pass
    with pytest.raises(saving.ModelFileError, match="empty.h5.*no 'model_config'"):
        saving.load_model(tmp_path / "empty.h5")
    (tmp_path / "junk.h5").write_bytes(b"not hdf5")
    with pytest.raises(saving.ModelFileError, match="junk.h5.*not a valid HDF5"):
        saving.load_model(tmp_path / "junk.h5")
    path = _write(tmp_path / "bad.h5", {"class_name": "Sequential", "config": {
        "name": "s", "layers": [{"class_name": "Mystery", "config": {"name": "m"}}]}}, {})
    with pytest.raises(saving.UnknownObjectError, match="bad.h5.*'Mystery'"):
        saving.load_model(path)


# --- writing (model.save("x.h5"), as Keras 3 still allows) ---------------------------------
def _saved_h5(model, path):
    import warnings as warnings_module
    from tapeflow.keras.saving.legacy_h5_save import LEGACY_WARNING
    with warnings_module.catch_warnings(record=True) as caught:
        warnings_module.simplefilter("always")
        model.save(path)
    assert [str(w.message) for w in caught] == [LEGACY_WARNING]
    assert "This file format is considered legacy" in LEGACY_WARNING


def test_save_h5_writes_keras_legacy_layout_and_round_trips(tmp_path):
    import h5py
    import numpy as np
    from saving_testlib import functional_merge
    model = functional_merge()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = [np.ones((4, 3), "float32"), np.ones((4, 2), "float32")]
    model.fit(x, np.ones((4, 2), "float32"), verbose=0)
    _saved_h5(model, tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as f:
        assert set(f.attrs) == {"keras_version", "backend", "model_config",
                                "training_config"}
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Functional"
        assert all("module" not in layer for layer in config["config"]["layers"])
        training = json.loads(f.attrs["training_config"])
        assert training["optimizer_config"]["class_name"] == "Adam"
        assert "optimizer" not in training and training["loss"] == "mse"
        assert list(f["model_weights"].attrs["layer_names"]) == [
            layer.name for layer in model.layers]
        assert list(f["model_weights/out"].attrs["weight_names"]) == ["out/kernel",
                                                                    "out/bias"]
        assert "optimizer_weights" in f
    loaded = saving.load_model(tmp_path / "m.h5")
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.compiled_loss is not None or loaded.optimizer is not None


def test_save_h5_sequential_and_overwrite_false(tmp_path):
    import numpy as np
    from saving_testlib import seq_mlp
    model = seq_mlp()
    _saved_h5(model, tmp_path / "s.hdf5")
    other = seq_mlp()
    other.load_weights(tmp_path / "s.hdf5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(FileExistsError), pytest.warns(UserWarning):
        saving.save_model(model, tmp_path / "s.hdf5", overwrite=False)
