"""The ``Loss`` base class and Keras's reductions.

A loss object turns ``(y_true, y_pred)`` into per-sample values with ``call`` and
reduces them (after sample weights) to one scalar. The default reduction,
``"sum_over_batch_size"``, divides the weighted sum by the number of values, as in
Keras 3.

Example:
    >>> from tapeflow.keras.losses.loss import reduce_weighted_values
    >>> import tapeflow as tf
    >>> float(reduce_weighted_values(tf.constant([1.0, 2.0, 3.0]), [1.0, 0.0, 1.0]))
    1.3333333730697632
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.utils.naming import auto_name
from tapeflow.ops import array as array_ops
from tapeflow.ops import math as math_ops
from tapeflow.ops.registry import value_read
from tapeflow.tensor import Tensor

__all__ = ["Loss", "EPSILON", "REDUCTIONS", "reduce_weighted_values", "standardize_reduction",
           "squeeze_or_expand_to_same_rank", "as_float_tensor"]

EPSILON = 1e-7  # keras.backend.epsilon(): the clipping margin of every Keras loss
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Validate ``reduction`` against Keras's allowed values."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{list(REDUCTIONS)}. Received: reduction={reduction!r}")
    return reduction


def as_float_tensor(x, npdtype=np.float32):
    """``x`` as a floating Tensor: float tensors pass through (no copy), anything else
    is converted to ``npdtype`` (a differentiable cast for tensors)."""
    if isinstance(x, Tensor):
        if x.array.dtype.kind == "f":
            return x
        return math_ops.cast(x, npdtype)
    arr = np.asarray(x)
    return Tensor(arr if arr.dtype == npdtype else arr.astype(npdtype))


def _shape(x):
    return tuple(x.array.shape) if isinstance(x, Tensor) else np.shape(x)


def _drop_last(x):
    shape = _shape(x)[:-1]
    return array_ops.reshape(x, shape) if isinstance(x, Tensor) else np.reshape(x, shape)


def _add_last(x):
    shape = _shape(x) + (1,)
    return array_ops.reshape(x, shape) if isinstance(x, Tensor) else np.reshape(x, shape)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank fix: when ranks differ by one and the longer has a trailing 1,
    squeeze it (or expand a rank-1 partner). Works on Tensors and NumPy arrays."""
    r1, r2 = len(_shape(x1)), len(_shape(x2))
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and _shape(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _add_last(x2)
        else:
            x1 = _drop_last(x1)
    if r2 == r1 + 1 and _shape(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _add_last(x1)
        else:
            x2 = _drop_last(x2)
    return x1, x2


def _weights_like(values, sample_weight):
    """``sample_weight`` as a float array of the values' dtype, ranks matched."""
    sw = sample_weight.array if isinstance(sample_weight, Tensor) else np.asarray(sample_weight)
    sw = sw.astype(values.array.dtype, copy=False)
    _, sw = squeeze_or_expand_to_same_rank(values.array, sw)
    try:
        np.broadcast_shapes(sw.shape, values.array.shape)
    except ValueError:
        raise ValueError(f"sample_weight of shape {sw.shape} cannot be broadcast to the "
                         f"per-sample losses of shape {tuple(values.array.shape)}; give one "
                         f"weight per sample (shape {tuple(values.array.shape)[:1]}).") from None
    return sw


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size"):
    """Weight per-sample ``values`` (a Tensor) and reduce them as Keras does.

    ``"sum"`` sums; ``"sum_over_batch_size"`` and ``"mean"`` divide the weighted sum by
    the number of values; ``"mean_with_sample_weight"`` by the sum of the weights;
    ``"none"``/``None`` return the weighted values. ``mask`` (bool, like ``values``)
    drops entries and, for the averaging reductions, divides by the valid count.
    """
    reduction = standardize_reduction(reduction)
    if mask is not None:
        mask = np.asarray(mask, values.array.dtype)
        if reduction in ("mean", "sum_over_batch_size"):
            valid = mask.sum()
            mask = mask * (mask.size / valid if valid else 0.0)
        sample_weight = mask if sample_weight is None else \
            _weights_like(values, sample_weight) * mask
    if sample_weight is not None:
        sw = _weights_like(values, sample_weight)
        values = math_ops.multiply(values, Tensor(sw))
    if reduction in (None, "none") or values.array.shape in ((), (0,)):
        return values
    if reduction == "sum":
        return math_ops.reduce_sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        value_read("a loss divided by the sum of the sample weights")  # a NumPy constant
        total = float(np.sum(sw))
        return math_ops.multiply(math_ops.reduce_sum(values), 1.0 / total if total else 0.0)
    return math_ops.reduce_mean(values)


@keras_export("keras.losses")
class Loss:
    """Base class of every loss: ``call`` gives per-sample values, ``__call__`` reduces.

    Args:
        name: the loss's name (snake_case of the class by default).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: computation dtype (float32 by default).

    Subclasses implement ``call(y_true, y_pred)`` returning a Tensor of per-sample
    losses (or a pair ``(values, mask)`` to drop ignored entries).

    Example:
        >>> import tapeflow as tf
        >>> class Squares(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)
        >>> float(Squares()([[0.0, 0.0]], [[1.0, 3.0]]))
        5.0
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(type(self))
        self.reduction = standardize_reduction(reduction)
        self._dtype = dtypes.as_dtype(dtype or "float32")

    @property
    def dtype(self):
        return self._dtype.name

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss: a scalar Tensor, differentiable in ``y_pred``."""
        y_pred = as_float_tensor(y_pred, self._dtype._np)
        if y_pred.array.dtype != self._dtype._np:
            y_pred = math_ops.cast(y_pred, self._dtype._np)
        out = self.call(y_true, y_pred)
        mask = None
        if isinstance(out, tuple):
            out, mask = out
        if not isinstance(out, Tensor):
            out = as_float_tensor(out, self._dtype._np)
        return reduce_weighted_values(out, sample_weight, mask, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"
