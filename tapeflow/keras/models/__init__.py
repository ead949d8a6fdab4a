"""``keras.models``: Model, Sequential and Functional (plus saving entry points).

Example:
    >>> from tapeflow import keras
    >>> model = keras.models.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> type(model).__name__, model.count_params()
    ('Sequential', 10)
"""
import importlib

from tapeflow.keras.layers.serialization import register
from tapeflow.keras.models.functional import Functional
from tapeflow.keras.models.model import Model
from tapeflow.keras.models.sequential import Sequential

__all__ = ["Model", "Sequential", "Functional", "model_from_config", "clone_model"]

register(Model, Sequential, module="keras")
register(Functional, module="keras.src.models.functional", registered_name="Functional")


def model_from_config(config, custom_objects=None):
    """A model (or layer) from its Keras 3 config dict."""
    from tapeflow.keras.layers.serialization import deserialize
    return deserialize(config, custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights."""
    from tapeflow.keras.layers.serialization import deserialize, serialize
    config = serialize(model)
    return deserialize(config)


def __getattr__(name):
    # saving entry points live in tapeflow.keras.saving (written separately)
    if name in ("load_model", "save_model", "model_from_json"):
        return getattr(importlib.import_module("tapeflow.keras.saving"), name)
    raise AttributeError(f"module 'tapeflow.keras.models' has no attribute {name!r}")
