"""TextVectorization: vocabularies, outputs and configs, golden values checked against
Keras 3.15.1 (TensorFlow 2.21 backend) while developing; tf_idf from Keras's formula
idf = log(1 + num_documents / (1 + document_count)), OOV slot = mean idf."""
import math
import re
import string

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.layers import TextVectorization

CORPUS = ["The cat sat.", "the dog, the CAT!", "a b b a z"]


def _list(t):
    return t.numpy().tolist()


def test_vocabulary_by_frequency_then_token_high_to_low():
    layer = TextVectorization()
    layer.adapt(CORPUS)
    # counts: the 3, cat 2, b 2, a 2, then z, sat, dog 1: ties "cat" > "b" > "a"
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "cat", "b", "a", "z", "sat", "dog"]
    assert layer.get_vocabulary(include_special_tokens=False)[0] == "the"
    assert layer.vocabulary_size() == 9
    out = layer([["the cat ran"], ["z z dog"]])
    assert out.dtype == tf.int64 and _list(out) == [[2, 3, 1], [6, 6, 8]]
    assert _list(layer("the cat ran")) == [2, 3, 1]  # a scalar: one row
    assert _list(layer(["the cat ran", "a"])) == [[2, 3, 1], [5, 0, 0]]  # padded with 0


def test_keras_docstring_example_and_sequence_length():
    layer = TextVectorization(max_tokens=5000, output_mode="int", output_sequence_length=4)
    layer.adapt(tf.data.Dataset.from_tensor_slices(["foo bar", "bar baz",
                                                     "baz bada boom"]).batch(2))
    assert layer.get_vocabulary() == ["", "[UNK]", "baz", "bar", "foo", "boom", "bada"]
    assert _list(layer([["foo qux bar"], ["qux baz"]])) == [[4, 1, 3, 0], [1, 2, 0, 0]]
    assert _list(layer(["a b c d e f"])) == [[1, 1, 1, 1]]  # cut to 4


def test_max_tokens_keeps_the_most_frequent():
    layer = TextVectorization(max_tokens=4)
    layer.adapt(["d d d c c b a e e"])
    assert layer.get_vocabulary() == ["", "[UNK]", "d", "e"]


def test_given_vocabulary_and_file(tmp_path):
    layer = TextVectorization(vocabulary=["earth", "wind", "and", "fire"])
    assert layer.get_vocabulary() == ["", "[UNK]", "earth", "wind", "and", "fire"]
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\n")
    from_file = TextVectorization(vocabulary=str(path))
    assert from_file.get_vocabulary() == ["", "[UNK]", "earth", "wind"]
    assert _list(from_file(["Wind, earth; fire"])) == [[3, 2, 1]]
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary() == ["", "[UNK]", "x", "y"]
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        layer.adapt(["x"])


@pytest.mark.parametrize("mode, row0, row1", [
    ("multi_hot", [0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1], [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0]),
    ("count", [0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1], [3, 0, 2, 0, 0, 1, 0, 1, 0, 0, 0])])
def test_bigrams_multi_hot_and_count(mode, row0, row1):
    layer = TextVectorization(output_mode=mode, ngrams=2)
    layer.adapt(["a b b a z", "b c", "c c c"])
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "c c", "a", "z", "b c", "b b",
                                      "b a", "a z", "a b"]
    out = layer(["a b c", "b b z q"])
    assert out.dtype == tf.int64 and _list(out) == [row0, row1]


def test_tf_idf_follows_keras_formula():
    layer = TextVectorization(output_mode="tf_idf", ngrams=2)
    docs = ["a b b a z", "b c", "c c c"]
    layer.adapt(docs)
    vocab = layer.get_vocabulary()
    n = len(docs)
    doc_count = {t: sum(t in _grams(d) for d in docs) for t in vocab[1:]}
    idf = {t: math.log(1 + n / (1 + c)) for t, c in doc_count.items()}
    oov = np.mean(np.float32(list(idf.values())))
    out = layer(["a b c", "b b z q"]).numpy()
    assert out.dtype == np.float32
    # "b b z q": b twice; OOV: q, "b z", "z q" (3 x the mean idf)
    expected = np.zeros(len(vocab), np.float32)
    expected[0] = 3 * oov
    for token, count in [("b", 2), ("z", 1), ("b b", 1)]:
        expected[vocab.index(token)] = count * idf[token]
    np.testing.assert_allclose(out[1], expected, rtol=1e-6)
    np.testing.assert_allclose(out[0, vocab.index("c")], math.log(2), rtol=1e-6)  # 0.6931472
    assert out[1, 0] == pytest.approx(2.614986, rel=1e-6)  # Keras's number


def _grams(doc):
    words = doc.split()
    return set(words) | {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}


def test_tf_idf_given_weights_and_padding():
    layer = TextVectorization(output_mode="tf_idf")
    layer.set_vocabulary(["a", "b"], idf_weights=[0.5, 1.5])
    assert layer.get_vocabulary() == ["[UNK]", "a", "b"]
    np.testing.assert_allclose(layer(["a b b c"]).numpy(), [[1.0, 0.5, 3.0]])  # OOV: mean
    with_special = TextVectorization(output_mode="tf_idf", vocabulary=["[UNK]", "a", "b"],
                                     idf_weights=[0.1, 0.5, 1.5])
    np.testing.assert_allclose(with_special(["a b b c"]).numpy(), [[0.1, 0.5, 3.0]])
    padded = TextVectorization(output_mode="tf_idf", max_tokens=10, pad_to_max_tokens=True)
    padded.adapt(["a b b a z", "b c", "c c c"])
    out = padded(["a b c"]).numpy()
    assert out.shape == (1, 10)
    np.testing.assert_allclose(out[0, :4], [0, math.log(2), math.log(2), math.log(2.5)],
                               rtol=1e-6)


def test_adapt_on_unbatched_and_batched_datasets_agree():
    texts = ["a b", "b", "c c c", "b"]
    batched, unbatched = (TextVectorization(output_mode="tf_idf") for _ in range(2))
    batched.adapt(tf.data.Dataset.from_tensor_slices(texts).batch(3))
    unbatched.adapt(tf.data.Dataset.from_tensor_slices(texts))
    assert batched.get_vocabulary() == unbatched.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    np.testing.assert_allclose(batched(["a b c"]).numpy(), unbatched(["a b c"]).numpy())
    np.testing.assert_allclose(batched(["a b c"]).numpy(),
                               [[0, math.log(3), math.log(2), math.log(3)]], rtol=1e-6)


def test_adapt_on_text_label_dataset_and_steps():
    ds = tf.data.Dataset.from_tensor_slices((["x y", "y", "z"], [0, 1, 0])).batch(1)
    layer = TextVectorization()
    layer.adapt(ds.map(lambda x, y: x), steps=2)
    assert layer.get_vocabulary() == ["", "[UNK]", "y", "x"]
    layer.adapt(ds)  # (text, label) batches: the text is read
    assert layer.get_vocabulary() == ["", "[UNK]", "y", "z", "x"]


def test_split_and_standardize_options():
    chars = TextVectorization(split="character", standardize=None)
    chars.adapt(["abcaé", "bB"])
    assert chars.get_vocabulary() == ["", "[UNK]", "b", "a", "é", "c", "B"]
    assert _list(chars(["aéb"])) == [[3, 4, 2]]
    whole = TextVectorization(split=None, output_sequence_length=3,
                              vocabulary=["hello world", "x"])
    assert _list(whole([["Hello, world!"], ["x"]])) == [[2, 0, 0], [3, 0, 0]]
    lower = TextVectorization(standardize="lower", vocabulary=["a.", "b"])
    assert _list(lower(["A. B!"])) == [[2, 1]]
    strip = TextVectorization(standardize="strip_punctuation", vocabulary=["A", "b"])
    assert _list(strip(["A. a b!"])) == [[2, 1, 3]]
    only = TextVectorization(ngrams=(2,))
    only.adapt(["a b c a b"])
    assert only.get_vocabulary() == ["", "[UNK]", "a b", "c a", "b c"]


def test_custom_callables_as_in_chollet():
    def standardize(text):
        return tf.strings.regex_replace(tf.strings.lower(text),
                                        f"[{re.escape(string.punctuation)}]", "")

    def split(text):
        return tf.strings.split(text)
    layer = TextVectorization(output_mode="int", standardize=standardize, split=split)
    layer.adapt(["I write, erase, rewrite", "Erase again, and then", "A poppy blooms."])
    vocabulary = layer.get_vocabulary()
    assert vocabulary == ["", "[UNK]", "erase", "write", "then", "rewrite", "poppy", "i",
                          "blooms", "and", "again", "a"]
    encoded = layer("I write, rewrite, and still rewrite again")
    assert _list(encoded) == [7, 3, 5, 9, 1, 5, 10]
    inverse = dict(enumerate(vocabulary))
    assert " ".join(inverse[int(i)] for i in encoded) == \
        "i write rewrite and [UNK] rewrite again"


def test_config_round_trip():
    layer = TextVectorization(max_tokens=8, ngrams=2, output_mode="count",
                              pad_to_max_tokens=True, name="tv")
    layer.adapt(["a b b c"])
    config = layer.get_config()
    assert {k: config[k] for k in ("max_tokens", "standardize", "split", "ngrams",
                                   "output_mode", "output_sequence_length",
                                   "pad_to_max_tokens", "sparse", "ragged", "vocabulary",
                                   "idf_weights", "encoding", "vocabulary_size")} == {
        "max_tokens": 8, "standardize": "lower_and_strip_punctuation", "split": "whitespace",
        "ngrams": 2, "output_mode": "count", "output_sequence_length": None,
        "pad_to_max_tokens": True, "sparse": False, "ragged": False, "vocabulary": None,
        "idf_weights": None, "encoding": "utf-8", "vocabulary_size": 7}
    clone = TextVectorization.from_config(config)
    assert clone.get_config() == {**config, "vocabulary_size": 1}  # vocabulary: assets
    given = TextVectorization(vocabulary=["x", "y"], ngrams=(1, 2))
    config = given.get_config()
    assert config["vocabulary"] == ["x", "y"] and config["vocabulary_size"] == 4
    config["ngrams"] = [1, 2]  # as JSON gives it back
    again = TextVectorization.from_config(config)
    assert again.get_vocabulary() == ["", "[UNK]", "x", "y"] and again._ngrams == (1, 2)


def test_in_functional_model_and_save_load(tmp_path):
    layer = TextVectorization(max_tokens=10, output_sequence_length=3)
    layer.adapt(["a b b c", "c d"])
    inputs = keras.Input(shape=(1,), dtype="string")
    outputs = layer(inputs)
    assert outputs.shape == (None, 3) and outputs.dtype == "int64"
    model = keras.Model(inputs, outputs)
    data = tf.constant([["a c d z"], ["b"]])
    assert _list(model(data)) == [[5, 2, 4], [3, 0, 0]]
    path = tmp_path / "m.keras"
    model.save(path)
    import zipfile
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert zipfile.ZipFile(path).read(
        "assets/layers/text_vectorization/vocabulary.txt") == b"\n[UNK]\nc\nb\nd\na"
    loaded = keras.models.load_model(path)
    assert loaded.layers[1].get_vocabulary() == layer.get_vocabulary()
    assert _list(loaded(data)) == _list(model(data))


def test_tf_idf_weights_survive_save(tmp_path):
    layer = TextVectorization(output_mode="tf_idf")
    layer.adapt(["a b b c", "c d"])
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, layer(inputs))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    data = tf.constant([["a c d z"]])
    np.testing.assert_array_equal(loaded(data).numpy(), model(data).numpy())
    import h5py
    import io
    import zipfile
    with zipfile.ZipFile(tmp_path / "m.keras") as zf, \
            h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as h5:
        assert h5["layers/text_vectorization/vars/idf_weights"].shape == (5,)


def test_multi_hot_symbolic_shape():
    layer = TextVectorization(output_mode="multi_hot", vocabulary=["a", "b"])
    out = layer(keras.Input(shape=(1,), dtype="string"))
    assert out.shape == (None, 3)  # the runtime shape (Keras 3.15's spec says (None, 1, 3))


def test_clear_errors_name_the_layer():
    with pytest.raises(ValueError, match="output_sequence_length.*must not be set"):
        TextVectorization(output_mode="multi_hot", output_sequence_length=4)
    with pytest.raises(ValueError, match="output_sequence_length.*integer"):
        TextVectorization(output_sequence_length=2.5)
    with pytest.raises(ValueError, match="`standardize` must be one of"):
        TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="`split` must be one of"):
        TextVectorization(split="comma")
    with pytest.raises(ValueError, match="ngrams"):
        TextVectorization(ngrams=[1, 2])
    with pytest.raises(ValueError, match="RaggedTensor"):
        TextVectorization(ragged=True)
    layer = TextVectorization(name="vec")
    with pytest.raises(TypeError, match=r'Layer "vec" \(TextVectorization\) expects strings'):
        layer.adapt(np.array([[1.0, 2.0]]))
    with pytest.raises(TypeError, match="Wrap one string in a list"):
        layer.adapt("just one string")
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        TextVectorization(vocabulary=["a"])([["a", "b"]])
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary"):
        TextVectorization(output_mode="multi_hot")(["a"])
