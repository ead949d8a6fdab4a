"""IMDB movie-review sentiment, as ``keras.datasets.imdb``.

25,000 training and 25,000 test reviews, each a list of word indices (by frequency),
labelled 1 (positive) or 0 (negative). The file is Keras's ``imdb.npz``, read with the
restricted reader of ``safe_pickle`` (its ragged arrays are pickled object arrays).

Example:
    >>> from tapeflow.keras.datasets import imdb
    >>> (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), x_train[0][:3]  # doctest: +SKIP
    (25000, [1, 14, 22])
    >>> imdb.SHA256[:12]
    '69664113be75'
"""

from __future__ import annotations

import json

import numpy as np

from . import keras_files, safe_pickle

__all__ = ["get_word_index", "load_data"]

SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the IMDB dataset exactly as Keras 3 does.

    Args:
        path: File name in ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``).
        num_words: Keep the ``num_words`` most frequent words; rarer ones become
            ``oov_char``. None keeps all.
        skip_top: Also replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: Drop sequences of ``maxlen`` words or more (after ``start_char``).
        seed: Seed of the shuffle (``np.random.RandomState``).
        start_char: Index marking each sequence's start (None: no marker).
        oov_char: Index of cut-out words (None: drop them).
        index_from: Offset added to every word index.
        **kwargs: Accepted and ignored, as in Keras.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of ints and
        int label arrays.

    Raises:
        ValueError: ``maxlen`` kept no sequence.
        tapeflow.keras.datasets.safe_pickle.UnsafePickleError: The file holds anything
            but arrays of lists of ints.

    Example:
        >>> from tapeflow.keras.datasets import imdb
        >>> (x, y), _ = imdb.load_data(num_words=10000, maxlen=200)  # doctest: +SKIP
    """
    path = keras_files.fetch(path, keras_files.ORIGIN + "imdb.npz", SHA256)
    f = safe_pickle.load_npz(path)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    x_train = keras_files.index_words(x_train, start_char, index_from)
    x_test = keras_files.index_words(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = keras_files.remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = keras_files.remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen="
                             f"{maxlen}, no sequence was kept. Increase maxlen.")
    xs = keras_files.cut_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    x_train, y_train = np.array(xs[:idx], dtype="object"), labels[:idx]
    x_test, y_test = np.array(xs[idx:], dtype="object"), labels[idx:]
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="imdb_word_index.json"):
    """The dict word -> index (1 = most frequent) of the IMDB dataset.

    Indices in ``load_data``'s sequences are these plus ``index_from`` (3).

    Example:
        >>> from tapeflow.keras.datasets import imdb
        >>> word_index = imdb.get_word_index()  # doctest: +SKIP
        >>> word_index["the"]  # doctest: +SKIP
        1
    """
    path = keras_files.fetch(path, keras_files.ORIGIN + "imdb_word_index.json",
                             WORD_INDEX_MD5)
    with open(path, encoding="utf-8") as f:
        return json.load(f)
