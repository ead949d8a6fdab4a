"""Shared plumbing of the datasets Keras downloads as single files.

``imdb``, ``reuters``, ``boston_housing``, ``california_housing``, ``cifar10`` and
``cifar100`` each fetch one file from Keras's canonical host with the SHA-256 Keras
pins, into Keras's own cache (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``),
through ``keras.utils.get_file`` (verified, atomic). A file already there with the
right hash is used without any network access.

Example:
    >>> import numpy as np
    >>> from tapeflow.keras.datasets import keras_files
    >>> keras_files.remove_long_seq(3, [[1, 2], [1, 2, 3]], [0, 1])
    ([[1, 2]], [0])
    >>> (a, b), (c, d) = keras_files.shuffle_split(np.arange(5), np.arange(5), 0.2, 113)
    >>> len(a), len(c)
    (4, 1)
"""

from __future__ import annotations

import os

import numpy as np

from . import sources

__all__ = ["ORIGIN", "fetch", "remove_long_seq", "shuffle_split", "check_test_split"]

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(fname: str, origin: str, file_hash: str, extract: bool = False) -> str:
    """Path of ``fname`` in Keras's cache, downloaded from ``origin`` when missing.

    Args:
        fname: File name inside ``$KERAS_HOME/datasets`` or an absolute path.
        origin: The canonical URL.
        file_hash: The SHA-256 (or, for Keras's word-index files, MD5) Keras pins.
        extract: Unpack the archive (``get_file(extract=True)``) and return its directory.
    """
    from tapeflow.keras.utils.file_utils import get_file  # utils sits above datasets

    keras_home = os.path.dirname(sources.keras_dir())
    return get_file(fname=fname, origin=origin, file_hash=file_hash, extract=extract,
                    cache_dir=keras_home)


def check_test_split(test_split) -> None:
    """Keras's check: ``0 <= test_split < 1``."""
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. "
                         "It must be between 0 and 1 (exclusive of 1).")


def shuffle_split(x, y, test_split: float, seed: int):
    """Keras's shuffle (``RandomState(seed).shuffle`` of the indices) then split."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def remove_long_seq(maxlen: int, seq, label):
    """Keeps the sequences shorter than ``maxlen`` (strictly, as Keras does)."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def index_words(xs, start_char, index_from):
    """Prepends ``start_char`` and shifts every word index by ``index_from``."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def cut_vocabulary(xs, num_words, skip_top, oov_char):
    """Keras's vocabulary cut: words outside ``[skip_top, num_words)`` become OOV."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]

