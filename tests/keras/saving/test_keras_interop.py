"""Interoperability with real Keras 3 (3.15.1), through files Keras wrote.

The fixtures under tests/fixtures/keras3 were written once by
scripts/make_keras_fixtures.py in a scratch environment with Keras installed;
expected.json holds the predictions and weights Keras computed. Keras itself is
never needed here, except by the last test, which is skipped without it.
"""
import json
import re
import zipfile

import numpy as np
import pytest
from saving_testlib import BUILDERS, as_inputs, fixture_path, h5_listing

from tapeflow.keras import saving

KERAS_FILES = ["seq_mlp", "functional_merge", "seq_shapes"]


@pytest.mark.parametrize("name", KERAS_FILES)
def test_loads_keras_file_and_reproduces_its_predictions(name, expected):
    entry = expected["models"][name]
    model = saving.load_model(fixture_path(f"{name}.keras"))
    for got, want in zip(model.get_weights(), entry["weights"], strict=True):
        np.testing.assert_array_equal(got, np.array(want, np.float32))
    pred = model.predict(as_inputs(entry), verbose=0)
    np.testing.assert_allclose(pred, np.array(entry["predictions"]), atol=1e-5, rtol=0)


def test_loads_keras_weights_file(expected):
    model = BUILDERS["seq_mlp"]()
    saving.load_weights(model, fixture_path("seq_mlp.weights.h5"))
    pred = model.predict(as_inputs(expected["models"]["seq_mlp"]), verbose=0)
    np.testing.assert_allclose(pred, np.array(expected["models"]["seq_mlp"]["predictions"]),
                               atol=1e-5, rtol=0)


def test_loads_keras_weights_file_with_optimizer_state(expected):
    from saving_testlib import trained_adam
    entry = expected["models"]["trained_adam"]
    model = trained_adam()
    model.optimizer.build(model.trainable_variables)  # slots must exist to be filled
    saving.load_weights(model, fixture_path("trained_adam.weights.h5"))
    for got, want in zip(model.optimizer.variables, entry["optimizer_variables"],
                         strict=True):
        np.testing.assert_array_equal(got.numpy(), np.array(want, got.numpy().dtype))


def test_loads_legacy_h5_written_by_keras(expected):
    entry = expected["models"]["legacy_mlp"]
    model = saving.load_model(fixture_path("legacy_mlp.h5"))
    pred = model.predict(as_inputs(entry), verbose=0)
    np.testing.assert_allclose(pred, np.array(entry["predictions"]), atol=1e-5, rtol=0)


def _normalise(tree, key=None):
    """Mask what legitimately differs between two saves: auto names, object ids."""
    if isinstance(tree, dict):
        return {k: _normalise(v, k) for k, v in tree.items() if k != "shared_object_id"}
    if isinstance(tree, list):
        if key in ("keras_history",) or (key in ("input_layers", "output_layers") and
                                         tree and isinstance(tree[0], str)):
            return ["<name>"] + tree[1:]
        return [_normalise(v, key) for v in tree]
    return "<name>" if key == "name" else tree


def _config(path):
    return json.loads(zipfile.ZipFile(path).read("config.json"))


@pytest.mark.parametrize("name", KERAS_FILES)
def test_written_config_has_exactly_keras_structure(name, tmp_path):
    path = tmp_path / f"{name}.keras"
    saving.save_model(BUILDERS[name](), path)
    ours, theirs = _config(path), _config(fixture_path(f"{name}.keras"))
    if name != "functional_merge":
        ours["config"]["name"] = theirs["config"]["name"]
    assert _normalise(ours) == _normalise(theirs)


@pytest.mark.parametrize("name", KERAS_FILES)
def test_written_weights_have_exactly_keras_layout(name, tmp_path):
    path = tmp_path / f"{name}.keras"
    saving.save_model(BUILDERS[name](), path)
    ours = h5_listing(zipfile.ZipFile(path).read("model.weights.h5"))
    theirs = h5_listing(zipfile.ZipFile(fixture_path(f"{name}.keras"))
                        .read("model.weights.h5"))
    assert ours == theirs
    # spot-check the documented names: kernel then bias, empty groups, root vars
    if name == "seq_shapes":
        assert ours["layers/dense/vars/0"][1] == (6, 6)
        assert ours["layers/dense_2/vars/1"][1] == (3,)
        assert ours["layers/dropout/vars"] == ("Group", None, ["name"])
        assert ours["vars"] == ("Group", None, ["name"])


def _train_like_keras(entry):
    from saving_testlib import trained_adam
    model = trained_adam()
    model.fit(np.array(entry["train_x"], np.float32), np.array(entry["train_y"], np.int32),
              epochs=2, batch_size=8, shuffle=False, verbose=0)
    return model


def test_written_compiled_model_matches_keras_structure(tmp_path, expected):
    model = _train_like_keras(expected["models"]["trained_adam"])
    path = tmp_path / "trained.keras"
    saving.save_model(model, path)
    ours, theirs = _config(path), _config(fixture_path("trained_adam.keras"))
    # Keras resolves jit_compile="auto" per backend (True on JAX); tapeflow never jits.
    assert ours["compile_config"].pop("jit_compile") is False
    theirs["compile_config"].pop("jit_compile")
    assert _normalise(ours) == _normalise(theirs)
    listing = h5_listing(zipfile.ZipFile(path).read("model.weights.h5"))
    assert listing == h5_listing(zipfile.ZipFile(fixture_path("trained_adam.keras"))
                                 .read("model.weights.h5"))
    assert [listing[f"optimizer/vars/{i}"][1] for i in range(4)] == [(), (), (4, 6), (4, 6)]


def test_written_archive_members_and_metadata(tmp_path):
    path = tmp_path / "m.keras"
    saving.save_model(BUILDERS["seq_mlp"](), path)
    ours, theirs = zipfile.ZipFile(path), zipfile.ZipFile(fixture_path("seq_mlp.keras"))
    assert ours.namelist() == theirs.namelist() == ["metadata.json", "config.json",
                                                    "model.weights.h5"]
    assert [i.compress_type for i in ours.infolist()] == [zipfile.ZIP_STORED] * 3
    meta = json.loads(ours.read("metadata.json"))
    assert set(meta) == set(json.loads(theirs.read("metadata.json"))) == {
        "keras_version", "date_saved"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d", meta["date_saved"])


def test_keras_file_with_optimizer_state(expected):
    """trained_adam.keras: compiled, trained 2 epochs (3 steps each) with Adam."""
    pytest.importorskip("tapeflow.keras.metrics")
    entry = expected["models"]["trained_adam"]
    model = saving.load_model(fixture_path("trained_adam.keras"))
    assert type(model.optimizer).__name__ == "Adam"
    state = [v.numpy() for v in model.optimizer.variables]
    assert int(state[0]) == 6  # 24 samples / batch 8 = 3 steps, times 2 epochs
    for got, want in zip(state, entry["optimizer_variables"], strict=True):
        np.testing.assert_allclose(got, np.array(want), rtol=0, atol=0)
    pred = model.predict(as_inputs(entry), verbose=0)
    np.testing.assert_allclose(pred, np.array(entry["predictions"]), atol=1e-5, rtol=0)


def test_resumes_training_where_keras_stopped(expected):
    """One more epoch here (shuffle=False) ends at the weights Keras reached."""
    pytest.importorskip("tapeflow.keras.metrics")
    entry = expected["models"]["trained_adam"]
    model = saving.load_model(fixture_path("trained_adam.keras"))
    x = np.array(entry["train_x"], np.float32)
    y = np.array(entry["train_y"], np.int32)
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), entry["weights_after_one_more_epoch"],
                         strict=True):
        np.testing.assert_allclose(got, np.array(want), atol=1e-5, rtol=0)


def test_real_keras_loads_tapeflow_files(tmp_path, expected):
    """Optional: with Keras installed (never a test dependency), Keras reads our files
    and computes the same predictions."""
    keras = pytest.importorskip("keras")
    if not hasattr(keras, "models"):  # tests/keras itself can shadow the name
        pytest.skip("real Keras is not installed")
    for name in KERAS_FILES:
        model = BUILDERS[name]()
        path = tmp_path / f"{name}.keras"
        saving.save_model(model, path)
        inputs = as_inputs(expected["models"][name])
        theirs = keras.models.load_model(str(path))
        np.testing.assert_allclose(np.asarray(theirs.predict(inputs, verbose=0)),
                                   model.predict(inputs, verbose=0), atol=1e-5, rtol=0)
    # a trained model: Keras restores the Adam state and trains on exactly as we do
    entry = expected["models"]["trained_adam"]
    model = _train_like_keras(entry)
    saving.save_model(model, tmp_path / "trained.keras")
    theirs = keras.models.load_model(str(tmp_path / "trained.keras"))
    assert int(theirs.optimizer.iterations) == 6
    x, y = np.array(entry["train_x"], np.float32), np.array(entry["train_y"], np.int32)
    theirs.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(theirs.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(np.asarray(a), b, atol=1e-5, rtol=0)
