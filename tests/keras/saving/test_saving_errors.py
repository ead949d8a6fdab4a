"""Bad input: each problem is a clear error naming the file and what is wrong."""
import io
import json
import os
import zipfile

import numpy as np
import pytest
from saving_testlib import fixture_path, seq_mlp

from tapeflow import keras
from tapeflow.keras import saving
from tapeflow.keras.saving import keras_file

L = keras.layers


def _archive(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return str(path)


def _members(source=fixture_path("seq_mlp.keras")):
    zf = zipfile.ZipFile(source)
    return {name: zf.read(name) for name in zf.namelist()}


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.keras"
    with pytest.raises(FileNotFoundError, match="nowhere.keras"):
        saving.load_model(path)
    with pytest.raises(FileNotFoundError, match="nowhere.weights.h5"):
        saving.load_weights(seq_mlp(), tmp_path / "nowhere.weights.h5")


def test_not_a_zip(tmp_path):
    path = tmp_path / "fake.keras"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(saving.ModelFileError, match=r"fake\.keras.*not a zip archive"):
        saving.load_model(path)


def test_zip_without_config(tmp_path):
    members = _members()
    del members["config.json"]
    path = _archive(tmp_path / "noconfig.keras", members)
    with pytest.raises(saving.ModelFileError, match=r"noconfig\.keras.*no config\.json"):
        saving.load_model(path)


def test_zip_without_weights(tmp_path):
    members = _members()
    del members["model.weights.h5"]
    path = _archive(tmp_path / "noweights.keras", members)
    with pytest.raises(saving.ModelFileError, match=r"no model\.weights\.h5"):
        saving.load_model(path)


def test_config_not_json(tmp_path):
    members = _members()
    members["config.json"] = b"{not json"
    with pytest.raises(saving.ModelFileError, match="config.json is not valid JSON"):
        saving.load_model(_archive(tmp_path / "bad.keras", members))


def test_unknown_class_is_named(tmp_path):
    members = _members()
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["class_name"] = "FancyDense"
    members["config.json"] = json.dumps(config)
    path = _archive(tmp_path / "unknown.keras", members)
    with pytest.raises(saving.UnknownObjectError) as info:
        saving.load_model(path)
    message = str(info.value)
    assert "unknown.keras" in message and "'FancyDense'" in message
    assert "register_keras_serializable" in message and "custom_objects" in message
    assert isinstance(info.value, ValueError)


def test_weights_of_wrong_shape(tmp_path):
    import h5py
    members = _members()
    buffer = io.BytesIO()
    with h5py.File(io.BytesIO(members["model.weights.h5"]), "r") as src, \
            h5py.File(buffer, "w") as dst:
        for key in src:
            src.copy(key, dst)
        del dst["layers/dense/vars/0"]
        dst["layers/dense/vars/0"] = np.zeros((4, 7), np.float32)
    members["model.weights.h5"] = buffer.getvalue()
    path = _archive(tmp_path / "shapes.keras", members)
    with pytest.raises(saving.ModelFileError) as info:
        saving.load_model(path)
    message = str(info.value)
    assert "shapes.keras" in message and "layers/dense/vars" in message
    assert "(4, 5) in the model but (4, 7) in the file" in message


def test_wrong_suffix_for_save(tmp_path):
    model = seq_mlp()
    for name in ("model", "model.zip"):
        with pytest.raises(ValueError, match=r"\.keras"):
            saving.save_model(model, tmp_path / name)
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        saving.save_weights(model, tmp_path / "model.h5")
    assert os.listdir(tmp_path) == []


def test_weights_file_given_to_load_model(tmp_path):
    model = seq_mlp()
    saving.save_weights(model, tmp_path / "m.weights.h5")
    with pytest.raises(saving.ModelFileError, match="load_weights"):
        saving.load_model(tmp_path / "m.weights.h5")


def _double(x):
    return x * 2.0


@pytest.mark.parametrize("safe_mode", [True, False])
def test_lambda_layer_is_refused_with_advice(tmp_path, safe_mode):
    model = keras.Sequential([keras.Input((2,)), L.Lambda(lambda x: x * 2.0, name="twice")])
    saving.save_model(model, tmp_path / "lambda.keras")
    with pytest.raises(saving.UnsafeObjectError) as info:
        saving.load_model(tmp_path / "lambda.keras", safe_mode=safe_mode)
    message = str(info.value)
    assert "'twice'" in message and "lambda" in message
    if safe_mode:
        assert "safe mode forbids" in message and "pass safe_mode=False" in message
    else:
        assert "even with safe_mode=False" in message
    assert "named function" in message


def test_lambda_layer_with_named_function_loads_through_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((2,)), L.Lambda(_double, name="twice")])
    saving.save_model(model, tmp_path / "named.keras")
    with pytest.raises(saving.ModelFileError, match="_double"):
        saving.load_model(tmp_path / "named.keras")
    loaded = saving.load_model(tmp_path / "named.keras", custom_objects={"_double": _double})
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2), np.float32), verbose=0),
                                  [[2.0, 2.0]])


def test_interrupted_save_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.keras"
    saving.save_model(seq_mlp(), path)
    before = path.read_bytes()
    real = zipfile.ZipFile.writestr

    def writestr(self, name, data, *args, **kwargs):
        real(self, name, data, *args, **kwargs)
        if name == "model.weights.h5":
            raise KeyboardInterrupt  # e.g. Ctrl-C while the archive is half written
    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
    with pytest.raises(KeyboardInterrupt):
        saving.save_model(seq_mlp(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.keras"]  # no temporary file left behind


def test_interrupted_weights_save_keeps_previous_file(tmp_path, monkeypatch):
    from tapeflow.keras.saving import saving_api
    path = tmp_path / "w.weights.h5"
    saving.save_weights(seq_mlp(), path)
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(saving_api, "write_model_state", explode)
    with pytest.raises(OSError, match="disk full"):
        saving.save_weights(seq_mlp(), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["w.weights.h5"]


def test_overwrite_false(tmp_path):
    saving.save_model(seq_mlp(), tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        saving.save_model(seq_mlp(), tmp_path / "m.keras", overwrite=False)


def test_h5py_is_imported_only_when_needed():
    import subprocess
    import sys
    code = ("import sys, tapeflow, tapeflow.keras.saving as s; "
            "print('h5py' in sys.modules, 'onnx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_archive_helpers_reject_zip_bomb_declarations(tmp_path):
    info = zipfile.ZipInfo("config.json")
    with zipfile.ZipFile(tmp_path / "z.keras", "w") as zf:
        zf.writestr(info, b"{}")
    zf = zipfile.ZipFile(tmp_path / "z.keras")
    zf.getinfo("config.json").file_size = 1 << 40  # a forged header
    with pytest.raises(saving.ModelFileError, match="too large"):
        keras_file._read_member(zf, "config.json", "z.keras", keras_file._MAX_CONFIG_BYTES)
