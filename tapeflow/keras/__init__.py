"""``tf.keras``: Keras 3's layers, models, losses, metrics, optimizers and training loop.

Reachable as ``tapeflow.keras``, ``tf.keras`` and ``from tapeflow import keras``.
Submodules load on first use so that ``import tapeflow`` stays light.

Example:
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> model.count_params()
    10
"""
import importlib

from tapeflow._version import keras_version as _keras_version

__version__ = _keras_version()  # "3.15.0+tapeflow.0.1.0": the Keras version followed, by tapeflow

_SUBMODULES = {"activations", "applications", "backend", "callbacks", "constraints", "datasets",
               "initializers", "layers", "losses", "metrics", "models", "ops", "optimizers",
               "preprocessing", "random", "regularizers", "saving", "utils"}
_NAMES = {
    "Model": "tapeflow.keras.models", "Sequential": "tapeflow.keras.models",
    "Input": "tapeflow.keras.layers", "Layer": "tapeflow.keras.layers",
    "Variable": "tapeflow.tensor", "KerasTensor": "tapeflow.keras.layers",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"tapeflow.keras.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)


def __dir__():
    return sorted(_SUBMODULES | set(_NAMES))
