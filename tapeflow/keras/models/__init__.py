"""``keras.models``: Model, Sequential and Functional (plus saving entry points).

Example:
    >>> from tapeflow import keras
    >>> model = keras.models.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> type(model).__name__, model.count_params()
    ('Sequential', 10)
"""
import importlib

from tapeflow.keras._objects import deserialize_layer, serialize_layer
from tapeflow.keras.models.functional import Functional
from tapeflow.keras.models.model import Model
from tapeflow.keras.models.sequential import Sequential

__all__ = ["Model", "Sequential", "Functional", "model_from_config", "clone_model"]


def model_from_config(config, custom_objects=None):
    """A model (or layer) from its Keras 3 config dict."""
    return deserialize_layer(config, custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights."""
    return deserialize_layer(serialize_layer(model))


def __getattr__(name):
    # saving entry points live in tapeflow.keras.saving (written separately)
    if name in ("load_model", "save_model", "model_from_json"):
        return getattr(importlib.import_module("tapeflow.keras.saving"), name)
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
