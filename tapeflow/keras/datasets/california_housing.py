"""California housing prices, as ``keras.datasets.california_housing``.

20,640 districts of the 1990 census, 8 features each, target the median house value;
``version="small"`` keeps the first 600. Split 80/20 after a seeded shuffle.

Example:
    >>> from tapeflow.keras.datasets import california_housing
    >>> (x_train, y_train), _ = california_housing.load_data(version="small")  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (480, 8)
"""

from __future__ import annotations

import numpy as np

from . import keras_files

__all__ = ["load_data"]

SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads the California housing dataset exactly as Keras 3 does.

    Args:
        version: ``"large"`` (all 20,640 samples) or ``"small"`` (the first 600).
        path: File name in ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``).
        test_split: Fraction of the shuffled samples kept for the test set, in [0, 1).
        seed: Seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` float arrays.

    Example:
        >>> load_data(version="tiny")  # doctest: +SKIP
        Traceback (most recent call last):
        ...
        ValueError: Argument `version` must be one of 'small', 'large'. Received: version=tiny
    """
    keras_files.check_test_split(test_split)
    path = keras_files.fetch(path, keras_files.ORIGIN + "california_housing.npz", SHA256)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    return keras_files.shuffle_split(x, y, test_split, seed)
