"""CIFAR-10 and CIFAR-100 (Krizhevsky, Toronto), as ``keras.datasets.cifar10/cifar100``.

Keras reads the "python version" archives from www.cs.toronto.edu: pickled dicts
(Python 2) holding a (N, 3072) uint8 array in R, G, B planes, label lists and file
names. They are read here with ``safe_pickle``'s restricted reader, which admits only
that structure; images come out as (N, 32, 32, 3) uint8 (channels_last) or
(N, 3, 32, 32) (channels_first), labels as (N, 1) arrays, exactly as in Keras.

Example:
    >>> from tapeflow.keras.datasets import cifar10
    >>> cifar10.CLASS_NAMES[:3]
    ('airplane', 'automobile', 'bird')
"""

from __future__ import annotations

import os

import numpy as np

from . import keras_files, safe_pickle

__all__ = ["load_batch", "load_cifar"]


def load_batch(fpath, label_key="labels"):
    """Reads one CIFAR python batch file.

    Args:
        fpath: The batch file (``data_batch_1`` ... or ``train``/``test`` for CIFAR-100).
        label_key: ``"labels"``, ``"fine_labels"`` or ``"coarse_labels"``.

    Returns:
        ``(data, labels)``: uint8 array (N, 3, 32, 32) and the list of int labels.

    Raises:
        tapeflow.keras.datasets.safe_pickle.UnsafePickleError: The file is not a dict
            with a uint8 ``data`` array and a list of int labels.

    Example:
        >>> data, labels = load_batch("cifar-10-batches-py/data_batch_1")  # doctest: +SKIP
    """
    with open(fpath, "rb") as f:
        d = safe_pickle.load(f, encoding="bytes")
    if type(d) is not dict:
        raise safe_pickle.UnsafePickleError(
            f"{fpath}: expected a pickled dict (a CIFAR batch); found {type(d).__name__}.")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data, labels = d.get("data"), d.get(label_key)
    if not (isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 2
            and data.shape[1] == 3072):
        raise safe_pickle.UnsafePickleError(
            f"{fpath}: 'data' must be a uint8 array of shape (N, 3072); found "
            f"{getattr(data, 'dtype', type(data).__name__)} {getattr(data, 'shape', '')}.")
    if type(labels) is not list or len(labels) != len(data) or not all(
            type(v) is int for v in labels):
        raise safe_pickle.UnsafePickleError(
            f"{fpath}: {label_key!r} must be a list of {len(data)} ints.")
    return data.reshape(data.shape[0], 3, 32, 32), labels


def load_cifar(dirname, origin, sha256, inner, train_files, test_file, label_key,
               label_dtype):
    """Fetches and reads a CIFAR archive into Keras's arrays (see ``cifar10``).

    Labels come as ``label_dtype``: Keras gives CIFAR-10 uint8, CIFAR-100 int64 labels.
    """
    from tapeflow.keras import backend

    path = os.path.join(keras_files.fetch(dirname, origin, sha256, extract=True), inner)
    parts = [load_batch(os.path.join(path, name), label_key) for name in train_files]
    x_train = np.concatenate([x for x, _ in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(y, label_dtype) for _, y in parts])
    x_test, y_test = load_batch(os.path.join(path, test_file), label_key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(np.asarray(y_test, label_dtype), (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
