"""Models saved by Keras 3.15.1 with the reshaping, normalization, embedding and image
preprocessing layers (tests/fixtures/keras3/layers_*, made by
scripts/make_keras_layer_fixtures.py) load here with Keras's predictions and the same
``summary()`` text, and their configs come back key for key after a round trip."""
import json
import os
import zipfile

import numpy as np
import pytest

from tapeflow import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras3")
NAMES = {"layers_reshaping": np.float32, "layers_norms": np.int32,
         "layers_preprocessing": np.float32}


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k != "shared_object_id"}
    if isinstance(obj, (list, tuple)):
        return [_strip(v) for v in obj]
    return obj


@pytest.mark.parametrize("name", sorted(NAMES))
def test_predictions_and_summary_match_keras(name, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # the width the fixtures' summaries were made at
    with open(os.path.join(FIXTURES, "layers_expected.json")) as f:
        want = json.load(f)["models"][name]
    model = keras.models.load_model(os.path.join(FIXTURES, f"{name}.keras"))
    got = model.predict(np.asarray(want["inputs"], NAMES[name]), verbose=0)
    np.testing.assert_allclose(got, want["predictions"], rtol=1e-5, atol=1e-6)
    for ours, theirs in zip(model.get_weights(), want["weights"]):
        np.testing.assert_array_equal(ours, np.asarray(theirs, ours.dtype))
    text = []
    model.summary(print_fn=text.append)
    assert text[0] == want["summary"]


@pytest.mark.parametrize("name", sorted(NAMES))
def test_config_round_trips_to_keras_json(name):
    with zipfile.ZipFile(os.path.join(FIXTURES, f"{name}.keras")) as z:
        config = json.loads(z.read("config.json"))
    model = keras.models.model_from_config(config)
    ours = _strip(json.loads(json.dumps(keras.layers.serialize(model))))
    theirs = _strip({k: v for k, v in config.items() if k != "compile_config"})
    for a, b in zip(ours["config"]["layers"], theirs["config"]["layers"]):
        assert a == b
    assert ours == theirs
