"""tf.strings: the functions TF's text tutorials call, golden values checked against
TensorFlow 2.21 while developing (TF's own results are in the comments)."""
import re
import string

import numpy as np
import pytest

import tapeflow as tf


def _list(t):
    return t.numpy().tolist()


def test_constant_strings_are_utf8_bytes():
    t = tf.constant(["a", "é"])
    assert t.dtype == tf.string and t.numpy().dtype == object
    assert _list(t) == [b"a", b"\xc3\xa9"]
    assert tf.constant("x").numpy() == b"x"
    assert tf.constant(["a"], dtype=tf.string).numpy().tolist() == [b"a"]
    assert isinstance(tf.constant(["ab", "c"])[0].numpy(), (bytes, np.ndarray))
    assert tf.constant(["ab", "c"])[0].shape == ()


def test_lower_is_ascii_only_by_default():
    assert tf.strings.lower("ÉAb").numpy() == b"\xc3\x89ab"  # TF: b'\xc3\x89ab'
    assert tf.strings.lower("ÉAb", encoding="utf-8").numpy() == "éab".encode()
    assert tf.strings.upper(["ab"]).numpy().tolist() == [b"AB"]


def test_tutorial_standardization():
    lowercase = tf.strings.lower(tf.constant(["A <br />GREAT film, isn't it?"]))
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    out = tf.strings.regex_replace(stripped_html, "[%s]" % re.escape(string.punctuation), "")
    assert _list(out) == [b"a  great film isnt it"]
    assert tf.strings.regex_replace("a.b!c", "[%s]" % re.escape(string.punctuation),
                                    "").numpy() == b"abc"
    assert tf.strings.regex_replace("aaa", "a", "b", replace_global=False).numpy() == b"baa"
    assert tf.strings.regex_replace("ab", "(a)(b)", r"\2\1").numpy() == b"ba"


def test_split_dense_and_scalar():
    # TF: <tf.RaggedTensor [[b'a', b'b'], [b'c']]>; here its .to_tensor()
    assert _list(tf.strings.split(["a  b", " c "])) == [[b"a", b"b"], [b"c", b""]]
    assert _list(tf.strings.split("a b")) == [b"a", b"b"]
    assert _list(tf.strings.split(["a,b,,c"], sep=",")) == [[b"a", b"b", b"", b"c"]]
    assert _list(tf.strings.split("a\tb\nc")) == [b"a", b"b", b"c"]
    assert tf.strings.split(["", ""]).shape == (2, 0)


def test_unicode_split_and_ngrams():
    assert _list(tf.strings.unicode_split(["aé", "b"], "UTF-8")) == [[b"a", "é".encode()],
                                                                   [b"b", b""]]
    # TF: [b'a', b'b', b'c', b'a b', b'b c']
    assert _list(tf.strings.ngrams(["a", "b", "c"], (1, 2))) == [b"a", b"b", b"c", b"a b",
                                                                 b"b c"]
    assert _list(tf.strings.ngrams([["a", "b", "c"]], 2, separator="_")) == [[b"a_b",
                                                                              b"b_c"]]
    assert _list(tf.strings.ngrams(["a", "b"], 2, pad_values="#")) == [b"# a", b"a b",
                                                                       b"b #"]


def test_join_length_substr():
    assert tf.strings.join(["a", "b"], separator="-").numpy() == b"a-b"
    assert _list(tf.strings.join([["a", "b"], ["c", "d"]])) == [b"ac", b"bd"]
    assert _list(tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1,
                                        separator=" ")) == [b"a b", b"c d"]
    assert tf.strings.reduce_join(["a", "b"]).numpy() == b"ab"
    assert _list(tf.strings.length(["ab", "é"])) == [2, 2]  # bytes
    assert _list(tf.strings.length(["é"], unit="UTF8_CHAR")) == [1]
    assert tf.strings.length(["ab"]).dtype == tf.int32
    assert tf.strings.substr("hello", 1, 3).numpy() == b"ell"
    assert tf.strings.substr("hello", -3, 2).numpy() == b"ll"
    assert tf.strings.substr("héllo", 1, 2, unit="UTF8_CHAR").numpy() == "él".encode()


def test_numbers_and_strip():
    assert _list(tf.strings.as_string([1, 22])) == [b"1", b"22"]
    assert _list(tf.strings.as_string([1.5])) == [b"1.500000"]
    assert _list(tf.strings.to_number(["1.5", "2"])) == [1.5, 2.0]
    assert tf.strings.to_number(["3"], out_type=tf.int32).dtype == tf.int32
    assert tf.strings.strip("  a b \n").numpy() == b"a b"
    assert _list(tf.strings.regex_full_match(["ab", "abc"], "a.")) == [True, False]


def test_bad_input_names_the_function():
    with pytest.raises(TypeError, match=r"tf.strings.lower: expected a string tensor.*float"):
        tf.strings.lower(tf.constant([1.0]))
    with pytest.raises(ValueError, match="unit"):
        tf.strings.length("a", unit="WORD")
    with pytest.raises(ValueError, match="cannot parse"):
        tf.strings.to_number(["x"])


def test_strings_work_in_dataset_map():
    ds = tf.data.Dataset.from_tensor_slices(["Hello World", "FOO"]).map(tf.strings.lower)
    assert [x.numpy() for x in ds] == [b"hello world", b"foo"]


def test_to_hash_bucket_fast_is_farmhash_fingerprint64():
    words = [b"", b"a", b"ab", b"abc", b"abcd", b"hello", b"abcdefgh", b"abcdefghijklmnop",
             b"abcdefghijklmnopq", b"x" * 32, b"y" * 33, b"z" * 64, b"q" * 65,
             bytes(range(200)), "é".encode() * 50, b"w" * 128, b"v" * 129]
    # TensorFlow 2.21: tf.strings.to_hash_bucket_fast(words, 2**62) and (words, 7)
    assert _list(tf.strings.to_hash_bucket_fast(words, 2**62)) == [
        1936946117179621455, 3694432073954588131, 3066228220894225694, 2640714258260161385,
        1897425971756105985, 3786372426573024488, 4533385575889643785, 1469030743107030717,
        2171023947900359592, 3678204687145032709, 3999049019338133246, 294799756062990872,
        3080958293828885289, 525935771297148851, 2456893889797950300, 1651997402916279192,
        3651744563223810619]
    assert _list(tf.strings.to_hash_bucket_fast(words, 7)) == [6, 5, 0, 1, 5, 5, 2, 2, 6, 1,
                                                               0, 1, 5, 2, 5, 4, 6]
