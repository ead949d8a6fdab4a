"""Text-layer models saved by real Keras 3.15.1 (TensorFlow backend) load in tapeflow
with Keras's vocabularies and outputs: the vocabulary comes from the archive's
assets/<layer path>/vocabulary.txt, tf-idf weights from the named ``idf_weights``
dataset (fixtures made by scripts/make_keras_text_fixtures.py)."""
import json
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "keras3")
with open(os.path.join(FIXTURES, "text_expected.json")) as f:
    EXPECTED = json.load(f)


@pytest.mark.parametrize("name", ["text_int", "text_tf_idf", "text_lookup"])
def test_keras_text_model_loads_with_its_outputs(name, tmp_path):
    model = keras.models.load_model(os.path.join(FIXTURES, name + ".keras"))
    expected = EXPECTED[name]
    assert model.layers[1].get_vocabulary() == expected["vocabulary"]
    out = model(tf.constant(expected["inputs"])).numpy()
    np.testing.assert_allclose(out, np.array(expected["outputs"]), rtol=1e-6)
    model.save(tmp_path / "again.keras")  # and back through tapeflow's writer
    again = keras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again(tf.constant(expected["inputs"])).numpy(), out)
