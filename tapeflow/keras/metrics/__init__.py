"""``keras.metrics``: stateful metrics computed with NumPy (no tape, no Tensor overhead).

``get`` turns a name (``"mse"``, ``"sparse_categorical_accuracy"``, ``"AUC"``...),
a class, an instance, a config dict or a function into a ``Metric``; a string
name becomes the metric's name. ``resolve_accuracy`` applies Keras's shape rule
for ``"accuracy"``/``"acc"``.

Example:
    >>> import numpy as np
    >>> m = resolve_accuracy(np.array([1, 0]), np.array([[0.2, 0.8], [0.4, 0.6]]))
    >>> type(m).__name__, m.name
    ('SparseCategoricalAccuracy', 'accuracy')
    >>> float(m(np.array([1, 0]), np.array([[0.2, 0.8], [0.4, 0.6]])))
    0.5
"""
import inspect

import numpy as np

from tapeflow.keras._objects import classes_only, deserialize_object, serialize_object
from tapeflow.keras.api_export import keras_export, public_names
from tapeflow.keras.metrics import kernels
from tapeflow.keras.metrics.base import Mean, MeanMetricWrapper, Metric, Sum, as_array
from tapeflow.keras.metrics.confusion import (AUC, FalseNegatives, FalsePositives, Precision,
                                              Recall, TrueNegatives, TruePositives)
from tapeflow.keras.metrics.wrappers import (
    Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy, CategoricalCrossentropy,
    CategoricalHinge, CosineSimilarity, Hinge, KLDivergence, LogCoshError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
    RootMeanSquaredError, SparseCategoricalAccuracy, SparseCategoricalCrossentropy,
    SparseTopKCategoricalAccuracy, SquaredHinge, TopKCategoricalAccuracy)
from tapeflow.keras.utils.naming import to_snake_case
from tapeflow.tensor import Tensor

CLASSES = (Metric, Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy,
           SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
           Precision, Recall, AUC, TruePositives, FalsePositives, TrueNegatives, FalseNegatives,
           MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
           MeanSquaredLogarithmicError, RootMeanSquaredError, LogCoshError, CosineSimilarity,
           KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
           SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge)


def _public(kernel):
    def fn(y_true, y_pred, **kwargs):
        return Tensor(np.asarray(kernel(as_array(y_true), as_array(y_pred), **kwargs)))
    fn.__name__ = fn.__qualname__ = kernel.__name__
    fn.__doc__ = f"Per-sample ``{kernel.__name__}`` as a Tensor ({kernel.__doc__ or ''})."
    fn._kernel = True
    return keras_export("keras.metrics")(fn)


binary_accuracy = _public(kernels.binary_accuracy)
categorical_accuracy = _public(kernels.categorical_accuracy)
sparse_categorical_accuracy = _public(kernels.sparse_categorical_accuracy)
top_k_categorical_accuracy = _public(kernels.top_k_categorical_accuracy)
sparse_top_k_categorical_accuracy = _public(kernels.sparse_top_k_categorical_accuracy)
mean_squared_error = mse = _public(kernels.mean_squared_error)
mean_absolute_error = mae = _public(kernels.mean_absolute_error)
mean_absolute_percentage_error = mape = _public(kernels.mean_absolute_percentage_error)
mean_squared_logarithmic_error = msle = _public(kernels.mean_squared_logarithmic_error)
binary_crossentropy = _public(kernels.binary_crossentropy)
categorical_crossentropy = _public(kernels.categorical_crossentropy)
sparse_categorical_crossentropy = _public(kernels.sparse_categorical_crossentropy)
kl_divergence = _public(kernels.kl_divergence)
poisson = _public(kernels.poisson)
hinge = _public(kernels.hinge)
squared_hinge = _public(kernels.squared_hinge)
categorical_hinge = _public(kernels.categorical_hinge)
log_cosh = _public(kernels.log_cosh)
huber = _public(kernels.huber)


for _alias, _fn in {"mse": mean_squared_error, "mae": mean_absolute_error,
                    "mape": mean_absolute_percentage_error,
                    "msle": mean_squared_logarithmic_error}.items():
    keras_export("keras.metrics", name=_alias)(_fn)

# Every exported metric class by its name and its snake_case name, then Keras's aliases.
_EXPORTED = classes_only(public_names("keras.metrics"))
ALL_OBJECTS_DICT = dict(_EXPORTED)
ALL_OBJECTS_DICT.update({to_snake_case(name): cls for name, cls in _EXPORTED.items()})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy, "mse": MeanSquaredError,
    "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "auc": AUC, "kld": KLDivergence, "KLD": KLDivergence, "logcosh": LogCoshError,
    "log_cosh": LogCoshError, "rmse": RootMeanSquaredError})
_NOT_BY_NAME = {"metric", "mean_metric_wrapper", "Metric", "MeanMetricWrapper"}


def serialize(metric):
    """A metric's Keras 3 config dict (``{"module": "keras.metrics", ...}``)."""
    return serialize_object(metric)


def deserialize(config, custom_objects=None):
    """Rebuild a metric from a name or a config dict (inverse of :func:`serialize`)."""
    table = {k: v for k, v in ALL_OBJECTS_DICT.items() if k not in _NOT_BY_NAME}
    if isinstance(config, dict) and config.get("class_name") == "MeanMetricWrapper":
        return MeanMetricWrapper.from_config(config.get("config", {}))
    return deserialize_object(config, table, "metric", custom_objects)


def get(identifier):
    """Any metric identifier as a ``Metric`` (``None`` stays ``None``).

    A string gives its class named after the string (``get("mse").name == "mse"``);
    note that ``"accuracy"`` means exact equality here, as in Keras; ``compile``
    resolves ``"accuracy"``/``"acc"`` by shapes with :func:`resolve_accuracy`.

    Example:
        >>> type(get("mae")).__name__, get("mae").name
        ('MeanAbsoluteError', 'mae')
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        obj = deserialize(identifier)
        obj.name = identifier
        return obj
    if isinstance(identifier, dict):
        return get(deserialize(identifier))  # a function's dict gives the function
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Pass a metric "
                     f"name such as 'accuracy' or 'mae', a Metric instance or class, or a "
                     f"function f(y_true, y_pred).")


def resolve_accuracy(y_true, y_pred, name="accuracy"):
    """The accuracy metric Keras picks for ``"accuracy"``/``"acc"`` from the shapes of
    the first batch: prediction last dim 1 -> BinaryAccuracy; labels of lower rank, or
    labels' last dim 1 while the prediction's is > 1 -> SparseCategoricalAccuracy;
    otherwise CategoricalAccuracy. The metric is named ``name``.
    """
    t_shape, p_shape = np.shape(as_array(y_true)), np.shape(as_array(y_pred))
    t_last = t_shape[-1] if t_shape else None
    p_last = p_shape[-1] if p_shape else None
    if p_last == 1:
        return BinaryAccuracy(name=name)
    if len(t_shape) < len(p_shape) or (t_last == 1 and p_last is not None and p_last > 1):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
