"""The loading entry points of ``keras.saving``, at the top of the house.

Reading a config is a look-up in the table of built-ins
(:mod:`tapeflow.keras.api_export`), which each built-in fills when its module is
imported. ``tapeflow.keras`` loads its packages lazily, so before reading anything
this module imports every built-in package; it is the one place that does, and
nothing below imports it.

Example:
    >>> from tapeflow import keras
    >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> type(model_from_json(m.to_json())).__name__
    'Sequential'
"""
import tapeflow.keras.activations  # noqa: F401  (each import fills the built-in table)
import tapeflow.keras.applications.imagenet_utils  # noqa: F401
import tapeflow.keras.callbacks  # noqa: F401
import tapeflow.keras.constraints  # noqa: F401
import tapeflow.keras.initializers  # noqa: F401
import tapeflow.keras.layers  # noqa: F401
import tapeflow.keras.losses  # noqa: F401
import tapeflow.keras.metrics  # noqa: F401
import tapeflow.keras.models  # noqa: F401
import tapeflow.keras.optimizers  # noqa: F401
import tapeflow.keras.regularizers  # noqa: F401
from tapeflow.keras.saving.keras_file import load_model, model_from_json  # noqa: F401
from tapeflow.keras.serialization_lib import deserialize_keras_object  # noqa: F401

__all__ = ["load_model", "model_from_json", "deserialize_keras_object"]
