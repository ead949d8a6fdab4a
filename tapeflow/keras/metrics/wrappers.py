"""Mean-of-a-function metrics: accuracies, regression errors, cross-entropies, hinges.

Each class is a :class:`MeanMetricWrapper` around a NumPy kernel, with Keras 3's
name, arguments and config.

Example:
    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
    >>> float(m.result())
    0.5
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]],
    ...                sample_weight=[0.7, 0.3])
    >>> round(float(m.result()), 4)  # (1 + 0.3) / (2 + 1)
    0.4333
"""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.metrics import kernels
from tapeflow.keras.metrics.base import Mean, MeanMetricWrapper, as_array
from tapeflow.tensor import Tensor

__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "MeanSquaredError",
           "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "RootMeanSquaredError", "LogCoshError", "CosineSimilarity", "KLDivergence",
           "Poisson", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "Hinge", "SquaredHinge", "CategoricalHinge"]


class _Wrapper(MeanMetricWrapper):
    """A built-in wrapper: config is name, dtype and the listed arguments."""

    _kernel_fn = None
    _args = ()
    _direction = "up"

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(type(self)._kernel_fn, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype}
        config.update({k: self._fn_kwargs[k] for k in self._args})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _simple(cls_name, kernel, default_name, doc, direction="down"):
    def __init__(self, name=default_name, dtype=None):
        _Wrapper.__init__(self, name=name, dtype=dtype)
    return keras_export("keras.metrics")(type(cls_name, (_Wrapper,), {
        "__init__": __init__, "_kernel_fn": staticmethod(kernel), "_direction": direction,
        "__doc__": doc, "__module__": __name__}))


Accuracy = _simple("Accuracy", kernels.accuracy, "accuracy",
                   "How often ``y_pred`` equals ``y_true`` exactly.", "up")
CategoricalAccuracy = _simple("CategoricalAccuracy", kernels.categorical_accuracy,
                              "categorical_accuracy",
                              "How often ``argmax(y_pred)`` matches one-hot ``y_true``.", "up")
SparseCategoricalAccuracy = _simple(
    "SparseCategoricalAccuracy", kernels.sparse_categorical_accuracy,
    "sparse_categorical_accuracy",
    "How often ``argmax(y_pred)`` equals integer ``y_true`` ((n,) or (n, 1)).", "up")


@keras_export("keras.metrics")
class BinaryAccuracy(_Wrapper):
    """How often ``y_pred > threshold`` matches the 0/1 labels.

    Example:
        >>> m = BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> float(m.result())
        0.75
    """

    _kernel_fn = staticmethod(kernels.binary_accuracy)
    _args = ("threshold",)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        # Any threshold, as in Keras 3: TF's transfer-learning tutorial uses threshold=0
        # on logits (BinaryAccuracy(threshold=0, name="accuracy")).
        super().__init__(name=name, dtype=dtype, threshold=threshold)


@keras_export("keras.metrics")
class TopKCategoricalAccuracy(_Wrapper):
    """How often the one-hot target is among the ``k`` highest predictions.

    Example:
        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    _kernel_fn = staticmethod(kernels.top_k_categorical_accuracy)
    _args = ("k",)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype, k=k)


@keras_export("keras.metrics")
class SparseTopKCategoricalAccuracy(_Wrapper):
    """How often the integer target is among the ``k`` highest predictions.

    Example:
        >>> m = SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    _kernel_fn = staticmethod(kernels.sparse_top_k_categorical_accuracy)
    _args = ("k", "from_sorted_ids")

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids)


MeanSquaredError = _simple("MeanSquaredError", kernels.mean_squared_error, "mean_squared_error",
                           "Running mean of ``mean((y_true - y_pred)**2, axis=-1)``.")
MeanAbsoluteError = _simple("MeanAbsoluteError", kernels.mean_absolute_error,
                            "mean_absolute_error",
                            "Running mean of ``mean(|y_true - y_pred|, axis=-1)``.")
MeanAbsolutePercentageError = _simple(
    "MeanAbsolutePercentageError", kernels.mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "Running mean of the percentage error.")
MeanSquaredLogarithmicError = _simple(
    "MeanSquaredLogarithmicError", kernels.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "Running mean of the squared log error.")
LogCoshError = _simple("LogCoshError", kernels.log_cosh, "logcosh",
                       "Running mean of ``log(cosh(y_pred - y_true))``.")
KLDivergence = _simple("KLDivergence", kernels.kl_divergence, "kl_divergence",
                       "Running mean of the KL divergence.")
Poisson = _simple("Poisson", kernels.poisson, "poisson", "Running mean of the Poisson loss.")
Hinge = _simple("Hinge", kernels.hinge, "hinge", "Running mean of the hinge loss.")
SquaredHinge = _simple("SquaredHinge", kernels.squared_hinge, "squared_hinge",
                       "Running mean of the squared hinge loss.")
CategoricalHinge = _simple("CategoricalHinge", kernels.categorical_hinge, "categorical_hinge",
                           "Running mean of the categorical hinge loss.")


@keras_export("keras.metrics")
class CosineSimilarity(_Wrapper):
    """Running mean of the cosine similarity along ``axis``."""

    _kernel_fn = staticmethod(kernels.cosine_similarity)
    _args = ("axis",)
    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(name=name, dtype=dtype, axis=axis)


@keras_export("keras.metrics")
class RootMeanSquaredError(Mean):
    """``sqrt(mean((y_pred - y_true)**2))`` over everything seen.

    Example:
        >>> m = RootMeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> float(m.result())  # sqrt((0.5 + 0) / 2)
        0.5
    """

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        yt, yp = kernels._floats(as_array(y_true), as_array(y_pred), "root_mean_squared_error")
        super().update_state(np.square(yp - yt), sample_weight=sample_weight)

    def result(self):
        return Tensor(np.sqrt(super().result().array))


@keras_export("keras.metrics")
class BinaryCrossentropy(_Wrapper):
    """Running mean of the binary cross-entropy."""

    _kernel_fn = staticmethod(kernels.binary_crossentropy)
    _args = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


@keras_export("keras.metrics")
class CategoricalCrossentropy(_Wrapper):
    """Running mean of the categorical cross-entropy."""

    _kernel_fn = staticmethod(kernels.categorical_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


@keras_export("keras.metrics")
class SparseCategoricalCrossentropy(_Wrapper):
    """Running mean of the sparse categorical cross-entropy.

    Example:
        >>> m = SparseCategoricalCrossentropy()
        >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)  # (-log 0.95 - log 0.1) / 2
        1.1769
    """

    _kernel_fn = staticmethod(kernels.sparse_categorical_crossentropy)
    _args = ("from_logits", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, axis=axis)
