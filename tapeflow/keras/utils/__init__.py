"""``keras.utils``: ``to_categorical``, ``normalize``, ``set_random_seed`` and
(loaded on first use) ``get_file`` and ``Progbar``.

Example:
    >>> from tapeflow import keras
    >>> keras.utils.to_categorical([1, 0]).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
"""
import importlib

from tapeflow.keras.utils.numerical_utils import normalize, set_random_seed, to_categorical

__all__ = ["to_categorical", "normalize", "set_random_seed", "get_file", "Progbar"]

_LAZY = {"get_file": "tapeflow.keras.utils.file_utils", "Progbar": "tapeflow.keras.progbar"}


def __getattr__(name):
    # file_utils (downloads) and the progress bar are imported only when asked for.
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tapeflow.keras.utils' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
