"""Against real Keras 3.15.1 output (tests/fixtures/keras3, made by
scripts/make_keras_fixtures.py): models rebuilt from Keras's config.json give Keras's
predictions with Keras's weights, and serialise back to the same config."""
import json
import os
import zipfile

import numpy as np
import pytest

from tapeflow import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras3")
NAMES = ["seq_mlp", "functional_merge", "seq_shapes"]

pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(FIXTURES, "expected.json")),
                                reason="Keras 3 fixtures not present")


def _load(name):
    with zipfile.ZipFile(os.path.join(FIXTURES, f"{name}.keras")) as z:
        config = json.loads(z.read("config.json"))
    with open(os.path.join(FIXTURES, "expected.json")) as f:
        expected = json.load(f)["models"][name]
    return config, expected


def _strip(obj):
    # shared_object_id is the saving library's bookkeeping, not part of a layer config
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k != "shared_object_id"}
    if isinstance(obj, (list, tuple)):
        return [_strip(v) for v in obj]
    return obj


@pytest.mark.parametrize("name", NAMES)
def test_predictions_match_keras(name):
    config, expected = _load(name)
    model = keras.models.model_from_config(config)
    model.set_weights([np.asarray(w, np.float32) for w in expected["weights"]])
    inputs = [np.asarray(x, np.float32) for x in expected["inputs"]]
    got = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    np.testing.assert_allclose(got, np.asarray(expected["predictions"]), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trips_to_keras_json(name):
    config, _ = _load(name)
    model = keras.models.model_from_config(config)
    ours = _strip(json.loads(json.dumps(keras.layers.serialize(model))))
    theirs = _strip({k: v for k, v in config.items() if k != "compile_config"})
    assert ours == theirs
