"""Loss classes with Keras 3's names, defaults and configs.

Each class wraps one per-sample function with its keyword arguments; the base
class applies sample weights and the reduction.

Example:
    >>> scce = SparseCategoricalCrossentropy()
    >>> round(float(scce([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])), 3)
    1.177
    >>> sorted(scce.get_config())
    ['from_logits', 'ignore_class', 'name', 'reduction']
"""
import numpy as np

from tapeflow.keras._objects import deserialize_function, serialize_object
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.losses import regression
from tapeflow.keras.losses import xent
from tapeflow.keras.losses.loss import Loss, as_float_tensor, squeeze_or_expand_to_same_rank
from tapeflow.tensor import Tensor

__all__ = ["LossFunctionWrapper", "SparseCategoricalCrossentropy", "CategoricalCrossentropy",
           "BinaryCrossentropy", "MeanSquaredError", "MeanAbsoluteError",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Huber", "LogCosh",
           "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge"]

BUILTIN_FUNCTIONS = {f.__name__: f for f in (
    xent.sparse_categorical_crossentropy, xent.categorical_crossentropy, xent.binary_crossentropy,
    regression.mean_squared_error, regression.mean_absolute_error,
    regression.mean_absolute_percentage_error, regression.mean_squared_logarithmic_error,
    regression.huber, regression.log_cosh, regression.kl_divergence, regression.poisson,
    regression.hinge, regression.squared_hinge, regression.categorical_hinge)}


@keras_export("keras.losses")
class LossFunctionWrapper(Loss):
    """A Loss around a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Custom functions receive float32 tensors with Keras's rank fix applied
    (``(n,)`` labels against ``(n, 1)`` predictions become ``(n, 1)``).

    Example:
        >>> import tapeflow as tf
        >>> def l1(y_true, y_pred):
        ...     return tf.reduce_sum(tf.abs(y_true - y_pred), axis=-1)
        >>> float(LossFunctionWrapper(l1)([1.0, 2.0], [[1.5], [1.0]]))
        0.75
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if BUILTIN_FUNCTIONS.get(getattr(self.fn, "__name__", None)) is self.fn:
            return self.fn(y_true, y_pred, **self._fn_kwargs)
        y_true = as_float_tensor(y_true, self._dtype._np)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        out = self.fn(y_true, y_pred, **self._fn_kwargs)
        return out if isinstance(out, Tensor) else as_float_tensor(out, self._dtype._np)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_object(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, (dict, str)):
            fn = deserialize_function(fn, BUILTIN_FUNCTIONS)
        return cls(fn, **config)

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, " \
               f"kwargs={self._fn_kwargs})>"


class _Builtin(LossFunctionWrapper):
    """A wrapper whose config lists its own arguments, as Keras's built-in classes do."""

    _fn = None
    _args = ()

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        config = Loss.get_config(self)
        config.update({k: self._fn_kwargs[k] for k in self._args})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras_export("keras.losses")
class SparseCategoricalCrossentropy(_Builtin):
    """Cross-entropy for integer labels of shape (n,) or (n, 1).

    Args:
        from_logits: ``y_pred`` holds logits (no softmax applied).
        ignore_class: a label value excluded from the loss and from the average.
        reduction, name, dtype: see :class:`Loss`.

    Example:
        >>> loss = SparseCategoricalCrossentropy(from_logits=True)
        >>> round(float(loss([0, 1], [[2.0, 0.0], [0.0, 2.0]])), 4)
        0.1269
    """

    _fn = staticmethod(xent.sparse_categorical_crossentropy)
    _args = ("from_logits", "ignore_class")

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype,
                         from_logits=bool(from_logits), ignore_class=ignore_class)

    def call(self, y_true, y_pred):
        values, valid = xent._masked_sparse(y_true, y_pred, self.from_logits,
                                            self.ignore_class, -1)
        return values if valid is None else (values, valid)


@keras_export("keras.losses")
class CategoricalCrossentropy(_Builtin):
    """Cross-entropy for one-hot (or probability) targets.

    Args:
        from_logits: ``y_pred`` holds logits.
        label_smoothing: targets become ``t * (1 - s) + s / num_classes``.
        axis: the class axis.

    Example:
        >>> round(float(CategoricalCrossentropy()([[0, 1]], [[0.25, 0.75]])), 4)
        0.2877
    """

    _fn = staticmethod(xent.categorical_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype,
                         from_logits=bool(from_logits), label_smoothing=float(label_smoothing),
                         axis=axis)


@keras_export("keras.losses")
class BinaryCrossentropy(_Builtin):
    """Binary cross-entropy (probabilities clipped, or stable from logits), averaged
    over the last axis.

    Example:
        >>> bce = BinaryCrossentropy(from_logits=True)
        >>> round(float(bce([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])), 3)
        0.865
    """

    _fn = staticmethod(xent.binary_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype,
                         from_logits=bool(from_logits), label_smoothing=float(label_smoothing),
                         axis=axis)


def _simple(cls_name, fn, default_name, doc):
    def __init__(self, reduction="sum_over_batch_size", name=default_name, dtype=None):
        _Builtin.__init__(self, reduction=reduction, name=name, dtype=dtype)
    return keras_export("keras.losses")(type(cls_name, (_Builtin,), {
        "__init__": __init__, "_fn": staticmethod(fn), "__doc__": doc, "__module__": __name__}))


MeanSquaredError = _simple("MeanSquaredError", regression.mean_squared_error, "mean_squared_error",
                           "``mean((y_true - y_pred)**2)`` per sample, then reduced.")
MeanAbsoluteError = _simple("MeanAbsoluteError", regression.mean_absolute_error,
                            "mean_absolute_error",
                            "``mean(|y_true - y_pred|)`` per sample, then reduced.")
MeanAbsolutePercentageError = _simple(
    "MeanAbsolutePercentageError", regression.mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "``100 * mean(|e| / max(|y_true|, 1e-7))`` per sample.")
MeanSquaredLogarithmicError = _simple(
    "MeanSquaredLogarithmicError", regression.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "``mean((log1p(y_pred) - log1p(y_true))**2)``.")
LogCosh = _simple("LogCosh", regression.log_cosh, "log_cosh",
                  "``mean(log(cosh(y_pred - y_true)))``.")
KLDivergence = _simple("KLDivergence", regression.kl_divergence, "kl_divergence",
                       "``sum(t * log(t / p))`` with both clipped to [1e-7, 1].")
Poisson = _simple("Poisson", regression.poisson, "poisson",
                  "``mean(y_pred - y_true * log(y_pred))``.")
Hinge = _simple("Hinge", regression.hinge, "hinge", "``mean(max(1 - y_true * y_pred, 0))``.")
SquaredHinge = _simple("SquaredHinge", regression.squared_hinge, "squared_hinge",
                       "``mean(max(1 - y_true * y_pred, 0)**2)``.")
CategoricalHinge = _simple("CategoricalHinge", regression.categorical_hinge, "categorical_hinge",
                           "``max(max((1 - t) * p) - sum(t * p) + 1, 0)``.")


@keras_export("keras.losses")
class Huber(_Builtin):
    """Huber loss: quadratic within ``delta`` of the target, linear beyond.

    Example:
        >>> round(float(Huber()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 3)
        0.155
    """

    _fn = staticmethod(regression.huber)
    _args = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, delta=float(delta))


CLASSES = [SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy,
           MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
           MeanSquaredLogarithmicError, Huber, LogCosh, KLDivergence, Poisson, Hinge,
           SquaredHinge, CategoricalHinge]
CLASS_OF_FUNCTION = {c._fn.__name__: c for c in CLASSES}


class AutoCrossentropy(Loss):
    """``"crossentropy"``/``"ce"``: picks binary, sparse or categorical cross-entropy
    from the shapes of the first batch, by Keras's rule."""

    def __init__(self, name="crossentropy", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self._chosen = None

    def call(self, y_true, y_pred):
        if self._chosen is None:
            ts, ps = np.shape(getattr(y_true, "array", y_true)), tuple(y_pred.array.shape)
            if ps[-1:] == (1,):
                self._chosen = xent.binary_crossentropy
            elif len(ts) < len(ps) or (ts[-1:] == (1,) and ps[-1] > 1):
                self._chosen = xent.sparse_categorical_crossentropy
            else:
                self._chosen = xent.categorical_crossentropy
        return self._chosen(y_true, y_pred)
