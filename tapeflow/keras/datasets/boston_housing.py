"""Boston housing prices, as ``keras.datasets.boston_housing``.

506 samples of 13 features (Carnegie Mellon's StatLib copy), targets in k$; split
80/20 after a seeded shuffle: 404 training and 102 test samples.

Example:
    >>> from tapeflow.keras.datasets import boston_housing
    >>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
"""

from __future__ import annotations

import numpy as np

from . import keras_files

__all__ = ["load_data"]

SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing dataset exactly as Keras 3 does.

    Args:
        path: File name in ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``).
        test_split: Fraction of the shuffled samples kept for the test set, in [0, 1).
        seed: Seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` float64 arrays.

    Example:
        >>> load_data(test_split=1.0)
        Traceback (most recent call last):
        ...
        ValueError: Invalid `test_split` argument: 1.0. It must be between 0 and 1 (exclusive of 1).
    """
    keras_files.check_test_split(test_split)
    path = keras_files.fetch(path, keras_files.ORIGIN + "boston_housing.npz", SHA256)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return keras_files.shuffle_split(x, y, test_split, seed)
