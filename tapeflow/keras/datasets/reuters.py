"""Reuters newswire topics, as ``keras.datasets.reuters``.

11,228 newswires, each a list of word indices, labelled with one of 46 topics; split
80/20 after a seeded shuffle. The file is Keras's ``reuters.npz``, read with the
restricted reader of ``safe_pickle``.

Example:
    >>> from tapeflow.keras.datasets import reuters
    >>> reuters.get_label_names()[:3]
    ('cocoa', 'grain', 'veg-oil')
    >>> (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), len(x_test)  # doctest: +SKIP
    (8982, 2246)
"""

from __future__ import annotations

import json

import numpy as np

from . import keras_files, safe_pickle

__all__ = ["get_label_names", "get_word_index", "load_data"]

SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass",
    "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum",
    "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi",
    "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem",
    "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None,
              test_split=0.2, seed=113, start_char=1, oov_char=2, index_from=3):
    """Loads the Reuters dataset exactly as Keras 3 does.

    Args:
        path: File name in ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``).
        num_words: Keep the ``num_words`` most frequent words; rarer ones become
            ``oov_char``. None keeps all.
        skip_top: Also replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: Drop sequences of ``maxlen`` words or more.
        test_split: Fraction of the shuffled newswires kept for the test set.
        seed: Seed of the shuffle.
        start_char: Index marking each sequence's start (None: no marker).
        oov_char: Index of cut-out words (None: drop them).
        index_from: Offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of ints and
        int label arrays (topics 0-45).

    Example:
        >>> from tapeflow.keras.datasets import reuters
        >>> (x, y), _ = reuters.load_data(num_words=10000)  # doctest: +SKIP
    """
    path = keras_files.fetch(path, keras_files.ORIGIN + "reuters.npz", SHA256)
    f = safe_pickle.load_npz(path)
    xs, labels = f["x"], f["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    xs = keras_files.index_words(xs, start_char, index_from)
    if maxlen:
        xs, labels = keras_files.remove_long_seq(maxlen, xs, labels)
    xs = keras_files.cut_vocabulary(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    x_train, y_train = np.array(xs[:idx], dtype="object"), np.array(labels[:idx])
    x_test, y_test = np.array(xs[idx:], dtype="object"), np.array(labels[idx:])
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="reuters_word_index.json"):
    """The dict word -> index (1 = most frequent) of the Reuters dataset.

    Example:
        >>> from tapeflow.keras.datasets import reuters
        >>> reuters.get_word_index()["the"]  # doctest: +SKIP
        1
    """
    path = keras_files.fetch(path, keras_files.ORIGIN + "reuters_word_index.json",
                             WORD_INDEX_MD5)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order (as Keras's ``get_label_names``).

    Example:
        >>> len(get_label_names())
        46
    """
    return LABEL_NAMES
