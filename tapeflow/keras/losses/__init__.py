"""``keras.losses``: Keras 3's loss functions and classes.

Per-sample functions (``categorical_crossentropy(y_true, y_pred)`` -> one value per
sample) and ``Loss`` classes that weight and reduce them to a scalar. ``get``
turns any identifier (a name such as ``"sparse_categorical_crossentropy"`` or
``"mse"``, a class, an instance, a config dict or a plain function) into a callable
``Loss`` object.

Example:
    >>> from tapeflow import keras
    >>> loss = keras.losses.get("sparse_categorical_crossentropy")
    >>> round(float(loss([0, 1], [[0.9, 0.1], [0.2, 0.8]])), 4)
    0.1643
"""
import inspect

from tapeflow.keras._objects import classes_only, deserialize_object, serialize_object
from tapeflow.keras.api_export import keras_export, public_names
from tapeflow.keras.losses.classes import (  # noqa: F401
    CLASS_OF_FUNCTION, CLASSES, AutoCrossentropy, BinaryCrossentropy, CategoricalCrossentropy,
    CategoricalHinge, Hinge, Huber, KLDivergence, LogCosh, LossFunctionWrapper,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge)
from tapeflow.keras.losses.loss import (  # noqa: F401
    Loss, reduce_weighted_values)
from tapeflow.keras.losses.regression import (  # noqa: F401
    categorical_hinge, hinge, huber, kl_divergence, log_cosh, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
    poisson, squared_hinge)
from tapeflow.keras.losses.xent import (  # noqa: F401
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy)

# Keras's short aliases (functions).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
bce = BCE = binary_crossentropy

ALIASES = {"mse": "mean_squared_error", "MSE": "mean_squared_error",
           "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
           "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
           "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error",
           "kld": "kl_divergence", "KLD": "kl_divergence",
           "bce": "binary_crossentropy", "BCE": "binary_crossentropy"}

for _alias, _name in ALIASES.items():
    keras_export("keras.losses", name=_alias)(globals()[_name])

# Every exported loss class by name, then each function's name and alias -> its class.
ALL_OBJECTS_DICT = classes_only(public_names("keras.losses"))
ALL_OBJECTS_DICT.update(CLASS_OF_FUNCTION)
ALL_OBJECTS_DICT.update({alias: CLASS_OF_FUNCTION[name] for alias, name in ALIASES.items()})


def serialize(loss):
    """A loss's Keras 3 config dict (``{"module": "keras.losses", "class_name", ...}``).

    Example:
        >>> serialize(MeanSquaredError())["class_name"]
        'MeanSquaredError'
    """
    return serialize_object(loss)


def deserialize(config, custom_objects=None):
    """Rebuild a loss from a name or a Keras config dict (inverse of :func:`serialize`)."""
    return deserialize_object(config, ALL_OBJECTS_DICT, "loss", custom_objects)


def get(identifier):
    """Any loss identifier as a callable ``Loss`` object (``None`` stays ``None``).

    Names map to their class (``"mse"`` -> ``MeanSquaredError(name="mse")``);
    ``"crossentropy"``/``"ce"`` pick binary, sparse or categorical cross-entropy
    from the first batch's shapes; plain functions are wrapped in
    :class:`LossFunctionWrapper`.

    Example:
        >>> get("mse").name, type(get("mse")).__name__
        ('mse', 'MeanSquaredError')
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in ("crossentropy", "ce"):
            return AutoCrossentropy(name=identifier)
        cls = ALL_OBJECTS_DICT.get(identifier)
        if cls is None:  # a name from a custom_object_scope, or an error listing names
            return get(deserialize_object(identifier, ALL_OBJECTS_DICT, "loss"))
        if identifier in ALIASES or identifier in CLASS_OF_FUNCTION:
            return cls(name=identifier)
        return cls()
    if isinstance(identifier, dict):
        return get(deserialize(identifier))  # a function's dict gives the function
    if inspect.isclass(identifier) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        cls = CLASS_OF_FUNCTION.get(getattr(identifier, "__name__", None))
        if cls is not None and cls._fn is identifier:
            return cls()
        return LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Pass a loss name "
                     f"such as 'sparse_categorical_crossentropy', a Loss instance or class, "
                     f"or a function f(y_true, y_pred).")


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
