"""``keras.optimizers``: SGD, RMSprop, Adagrad, Adam, AdamW, Nadam, Adamax and schedules.

Updates run in place on each variable's NumPy buffer (``out=`` into preallocated
scratch), in Keras 3's order and with Keras 3's defaults and formulas.

Example:
    >>> from tapeflow import keras
    >>> opt = keras.optimizers.get("rmsprop")
    >>> type(opt).__name__, float(opt.learning_rate)
    ('RMSprop', 0.0010000000474974513)
"""
from tapeflow.keras._objects import classes_only, deserialize_object, serialize_object
from tapeflow.keras.api_export import public_names
from tapeflow.keras.optimizers import schedules  # noqa: F401
from tapeflow.keras.optimizers.adagrad import Adagrad
from tapeflow.keras.optimizers.adam import Adam, AdamW
from tapeflow.keras.optimizers.adamax import Adamax
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.nadam import Nadam
from tapeflow.keras.optimizers.rmsprop import RMSprop
from tapeflow.keras.optimizers.sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adam", "AdamW", "Nadam", "Adamax",
           "schedules", "get", "serialize", "deserialize"]

ALL_OBJECTS = tuple(classes_only(public_names("keras.optimizers")).values())
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer):
    """The optimizer's Keras 3 config dict (``{"module": "keras.optimizers", ...}``).

    Example:
        >>> serialize(SGD())["config"]["momentum"]
        0.0
    """
    return serialize_object(optimizer)


def deserialize(config, custom_objects=None):
    """Rebuild an optimizer from a name or a config dict (class names are
    case-insensitive, as in Keras)."""
    if isinstance(config, dict) and str(config.get("class_name", "")).lower() in ALL_OBJECTS_DICT:
        config = dict(config, class_name=config["class_name"].lower())
    elif isinstance(config, str) and config.lower() in ALL_OBJECTS_DICT:
        config = config.lower()
    return deserialize_object(config, {k: v for k, v in ALL_OBJECTS_DICT.items()
                                       if k != "optimizer"}, "optimizer", custom_objects)


def get(identifier):
    """An optimizer from a name (``"sgd"``, ``"rmsprop"``, ``"adagrad"``, ``"adam"``,
    ``"adamw"``, ``"nadam"``, ``"adamax"``), a config dict, or an instance (returned
    as is). Unknown names raise an error listing the valid ones.

    Example:
        >>> get("adam").name
        'adam'
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Pass a name "
                     f"such as 'rmsprop' or 'adam', or an optimizer instance.")


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
