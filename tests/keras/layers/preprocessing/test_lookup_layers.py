"""StringLookup and IntegerLookup (the index_lookup core): golden values checked
against Keras 3.15.1 (TensorFlow 2.21 backend) while developing."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.layers import IntegerLookup, StringLookup


def _list(t):
    return t.numpy().tolist()


def test_string_lookup_adapt_and_oov():
    layer = StringLookup()
    layer.adapt([["a", "b", "b"], ["c", "a", "a"]])
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    out = layer([["a", "x"]])
    assert out.dtype == tf.int64 and _list(out) == [[1, 0]]
    assert layer.vocabulary_size() == 4


def test_string_lookup_mask_multi_hot_drops_the_mask():
    layer = StringLookup(mask_token="", output_mode="multi_hot")
    layer.adapt(["a", "b", "b"])
    assert layer.get_vocabulary() == ["[UNK]", "b", "a"]  # no mask index outside "int"
    assert _list(layer([["a", "x", ""]])) == [[1, 0, 1]]
    masked = StringLookup(mask_token="[MASK]", vocabulary=["a"])
    assert masked.get_vocabulary() == ["[MASK]", "[UNK]", "a"]
    assert _list(masked(["a", "[MASK]", "q"])) == [2, 0, 1]


def test_string_lookup_invert_one_hot_count():
    inverse = StringLookup(vocabulary=["a", "b"], invert=True)
    assert _list(inverse([[0, 1, 2, 5]])) == [[b"[UNK]", b"a", b"b", b"[UNK]"]]
    one_hot = StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    assert _list(one_hot(["a", "b", "z"])) == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert _list(one_hot([["a"], ["z"]])) == [[0, 1, 0], [1, 0, 0]]  # (n, 1) -> (n, 3)
    count = StringLookup(vocabulary=["a", "b"], output_mode="count")
    assert _list(count([["a", "b", "a"]])) == [[0, 2, 1]]
    padded = StringLookup(vocabulary=["a"], output_mode="multi_hot", max_tokens=4,
                          pad_to_max_tokens=True)
    assert _list(padded([["a", "a"]])) == [[0, 1, 0, 0]]


def test_integer_lookup_adapt_ties_high_to_low():
    layer = IntegerLookup()
    layer.adapt([3, 3, 5, 7, 7, 7, 0, -1])  # -1 is the OOV token: not counted
    assert layer.get_vocabulary() == [-1, 7, 3, 5, 0]
    assert _list(layer([3, 7, 9, 0, -1])) == [2, 1, 0, 4, 0]


def test_integer_lookup_mask_and_floormod_oov():
    layer = IntegerLookup(mask_token=0, num_oov_indices=2, vocabulary=[10, 20])
    assert layer.get_vocabulary() == [0, -1, -1, 10, 20]
    assert _list(layer([10, 20, 0, 4, 5])) == [3, 4, 0, 1, 2]  # 4 % 2 + 1, 5 % 2 + 1
    assert _list(IntegerLookup(vocabulary=[10, 20], invert=True)([0, 1, 2, 3])) == \
        [-1, 10, 20, -1]


def test_several_oov_slots_hash_as_tensorflow():
    multi = StringLookup(mask_token="", num_oov_indices=2, output_mode="multi_hot")
    multi.adapt(["a", "b", "b"])
    assert _list(multi([["a", "x", ""]])) == [[1, 0, 0, 1]]  # "x" -> slot 0
    layer = StringLookup(vocabulary=["a"], num_oov_indices=3)
    assert layer.get_vocabulary() == ["[UNK]", "[UNK]", "[UNK]", "a"]
    assert _list(layer(["a", "x", "hello", "yy", "é", "z" * 70])) == [3, 2, 1, 1, 1, 2]
    farm = IntegerLookup(vocabulary=[10], num_oov_indices=3, oov_method="farmhash")
    assert _list(farm([10, 4, 5, 123456789, -7])) == [3, 2, 1, 2, 2]


def test_tf_idf_lookup():
    layer = StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "b"], ["b", "b"], ["c", "c"]])
    # b in 2 of 3 documents: log(1 + 3/3); a, c: log(1 + 3/2)
    assert layer.get_vocabulary() == ["[UNK]", "b", "c", "a"]
    idf_b, idf_a = np.log(2.0), np.log(2.5)
    oov = np.mean(np.float32([idf_b, idf_a, idf_a]))
    np.testing.assert_allclose(layer([["b", "b", "a", "q"]]).numpy(),
                               [[oov, 2 * idf_b, 0, idf_a]], rtol=1e-6)


def test_configs():
    config = StringLookup(mask_token="", num_oov_indices=2, output_mode="multi_hot",
                          name="s").get_config()
    assert config == {
        "name": "s", "trainable": True,
        "dtype": {"module": "keras", "class_name": "DTypePolicy",
                  "config": {"name": "float32"}, "registered_name": None},
        "invert": False, "max_tokens": None, "num_oov_indices": 2, "oov_token": "[UNK]",
        "mask_token": "", "output_mode": "multi_hot", "sparse": False,
        "pad_to_max_tokens": False, "idf_weights": None, "vocabulary": None,
        "vocabulary_size": None, "oov_method": "floormod", "salt": None,
        "encoding": "utf-8"}
    int_config = IntegerLookup(mask_token=0, num_oov_indices=2, vocabulary=[10, 20],
                               name="i").get_config()
    assert int_config["vocabulary"] == [10, 20] and int_config["vocabulary_dtype"] == "int64"
    assert int_config["vocabulary_size"] == 5
    clone = IntegerLookup.from_config(int_config)
    assert clone.get_vocabulary() == [0, -1, -1, 10, 20]


def test_lookup_in_model_saves_vocabulary_asset(tmp_path):
    layer = StringLookup()
    layer.adapt(["b", "a", "b"])
    model = keras.Sequential([keras.Input((1,), dtype="string"), layer])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].get_vocabulary() == ["[UNK]", "b", "a"]
    assert _list(loaded(tf.constant([["a"], ["q"]]))) == [[2], [0]]


def test_errors():
    with pytest.raises(ValueError, match="max_tokens"):
        StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match="repeated term"):
        StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="`invert` is true"):
        StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="idf_weights"):
        StringLookup(output_mode="tf_idf", vocabulary=["a"])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])
    with pytest.raises(NotImplementedError, match="SipHash"):
        StringLookup(vocabulary=["a"], num_oov_indices=2, salt=3)(["b"])
    with pytest.raises(ValueError, match="salt"):
        IntegerLookup(salt=3)
    with pytest.raises(TypeError, match=r'Layer "ints" \(IntegerLookup\) expects integers'):
        IntegerLookup(name="ints").adapt(["a", "b"])
    with pytest.raises(ValueError, match="larger than the maximum"):
        StringLookup(max_tokens=2, vocabulary=["a", "b"])
