"""Write the Keras 3 fixtures for the text layers: tests/fixtures/keras3/text_*.keras
(TextVectorization in "int" and "tf_idf" mode, a StringLookup) and text_expected.json
(inputs and Keras's outputs).

Keras's text layers need TensorFlow, so run ONCE in a scratch environment with real
Keras 3.15.1 and TensorFlow (tensorflow backend); the tests never import either:

    KERAS_BACKEND=tensorflow /tmp/tfenv/bin/python scripts/make_keras_text_fixtures.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "keras3")
CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "a b b c", "c d"]
INPUTS = [["the cat ate a z"], ["b b c c d"], ["Unknown words only"]]


def _model(layer):
    inputs = keras.Input(shape=(1,), dtype="string")
    return keras.Model(inputs, layer(inputs))


def main():
    expected = {"inputs": INPUTS}
    layers = {
        "text_int": keras.layers.TextVectorization(max_tokens=12, output_sequence_length=6),
        "text_tf_idf": keras.layers.TextVectorization(output_mode="tf_idf", ngrams=2),
        "text_lookup": keras.layers.StringLookup(mask_token="", num_oov_indices=2)}
    for name, layer in layers.items():
        if name == "text_lookup":
            layer.adapt(tf.strings.split(CORPUS).flat_values)
        else:
            layer.adapt(CORPUS)
        model = _model(layer)
        model.save(os.path.join(OUT, name + ".keras"))
        data = INPUTS if name != "text_lookup" else [["cat"], ["the"], ["zebra"], [""]]
        expected[name] = {"vocabulary": layer.get_vocabulary(),
                          "inputs": data,
                          "outputs": model(tf.constant(data)).numpy().tolist()}
    with open(os.path.join(OUT, "text_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
