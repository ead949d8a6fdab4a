"""Regression, probabilistic and hinge losses as per-sample functions.

Each is one fused op of :mod:`tapeflow.ops.losses` (a NumPy forward with its VJP beside
it, in the registry) whose forward the metrics call too, so each formula is written once.
``y_true`` and ``y_pred`` get Keras's rank fix ((n,) against (n, 1) is fine) and must
then have the same shape; a mismatch names both shapes instead of broadcasting.

Example:
    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.5], dtype=float32)
"""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.losses.loss import as_float_tensor, squeeze_or_expand_to_same_rank
from tapeflow.ops import losses as loss_ops
from tapeflow.ops import math as math_ops
from tapeflow.ops.registry import value_read
from tapeflow.tensor import Tensor

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "huber", "log_cosh", "kl_divergence", "poisson",
           "hinge", "squared_hinge", "categorical_hinge"]


def _shape(x):
    return tuple(x.array.shape)


def _pair(y_true, y_pred, fn):
    """Both as float tensors of y_pred's dtype, ranks fixed, shapes checked."""
    y_pred = as_float_tensor(y_pred)
    dt = y_pred.array.dtype
    if isinstance(y_true, Tensor):
        yt = y_true if y_true.array.dtype == dt else math_ops.cast(y_true, dt)
    else:
        yt = Tensor(np.asarray(y_true, dtype=dt))
    yt, yp = squeeze_or_expand_to_same_rank(yt, y_pred)
    if _shape(yt) != _shape(yp):
        raise ValueError(f"{fn}: y_true and y_pred must have the same shape; got y_true "
                         f"{np.shape(y_true.array if isinstance(y_true, Tensor) else y_true)} "
                         f"and y_pred {_shape(y_pred)}. (Keras would broadcast them silently, "
                         f"which is almost always a bug.)")
    return yt, yp


@keras_export("keras.losses")
def mean_squared_error(y_true, y_pred):
    """``mean((y_true - y_pred)**2, axis=-1)``.

    Example:
        >>> mean_squared_error([1.0, 2.0], [1.5, 2.0]).numpy()
        np.float32(0.125)
    """
    yt, yp = _pair(y_true, y_pred, "mean_squared_error")
    return loss_ops.mean_squared_error(yt, yp)


@keras_export("keras.losses")
def mean_absolute_error(y_true, y_pred):
    """``mean(|y_true - y_pred|, axis=-1)``.

    Example:
        >>> mean_absolute_error([[1.0, 2.0]], [[1.5, 1.0]]).numpy()
        array([0.75], dtype=float32)
    """
    yt, yp = _pair(y_true, y_pred, "mean_absolute_error")
    return loss_ops.mean_absolute_error(yt, yp)


@keras_export("keras.losses")
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7), axis=-1)``.

    Example:
        >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]]).numpy()
        array([37.5], dtype=float32)
    """
    yt, yp = _pair(y_true, y_pred, "mean_absolute_percentage_error")
    return loss_ops.mean_absolute_percentage_error(yt, yp)


@keras_export("keras.losses")
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1))**2, axis=-1)``.

    Example:
        >>> round(float(mean_squared_logarithmic_error([[np.e - 1]], [[0.0]])[0]), 5)
        1.0
    """
    yt, yp = _pair(y_true, y_pred, "mean_squared_logarithmic_error")
    return loss_ops.mean_squared_logarithmic_error(yt, yp)


@keras_export("keras.losses")
def huber(y_true, y_pred, delta=1.0):
    """Quadratic ``0.5 * e**2`` for ``|e| <= delta``, linear ``delta * |e| - 0.5 * delta**2``
    beyond, averaged over the last axis (``e = y_pred - y_true``).

    Example:
        >>> huber([[0.0, 0.0]], [[0.5, 3.0]]).numpy()
        array([1.3125], dtype=float32)
    """
    yt, yp = _pair(y_true, y_pred, "huber")
    return loss_ops.huber(yt, yp, delta=float(delta))


@keras_export("keras.losses")
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as
    ``x + softplus(-2x) - log(2)`` so large errors do not overflow.

    Example:
        >>> round(float(log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])[0]), 4)
        0.2169
    """
    yt, yp = _pair(y_true, y_pred, "log_cosh")
    return loss_ops.log_cosh(yt, yp)


@keras_export("keras.losses")
def kl_divergence(y_true, y_pred):
    """``sum(t * log(t / p), axis=-1)`` with both clipped to ``[1e-7, 1]``.

    Example:
        >>> round(float(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])[0]), 5)
        0.14384
    """
    yt, yp = _pair(y_true, y_pred, "kl_divergence")
    return loss_ops.kl_divergence(yt, yp)


@keras_export("keras.losses")
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)``.

    Example:
        >>> round(float(poisson([[1.0]], [[np.e]])[0]), 5)
        1.71828
    """
    yt, yp = _pair(y_true, y_pred, "poisson")
    return loss_ops.poisson(yt, yp)


def _hinge_labels_read():
    """Keras's 0/1 -> -1/1 label rule looks at the labels' values: a traced step stays
    eager (the op itself applies the rule to each batch)."""
    value_read("hinge: the 0/1 -> -1/1 label rule looks at the labels")


@keras_export("keras.losses")
def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels become -1/1.

    Example:
        >>> hinge([[1.0, 0.0]], [[0.3, -2.0]]).numpy()
        array([0.35], dtype=float32)
    """
    yt, yp = _pair(y_true, y_pred, "hinge")
    _hinge_labels_read()
    return loss_ops.hinge(yt, yp, squared=False)


@keras_export("keras.losses")
def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0)**2, axis=-1)``; 0/1 labels become -1/1.

    Example:
        >>> round(float(squared_hinge([[1.0, 0.0]], [[0.3, -2.0]])[0]), 6)
        0.245
    """
    yt, yp = _pair(y_true, y_pred, "squared_hinge")
    _hinge_labels_read()
    return loss_ops.hinge(yt, yp, squared=True)


@keras_export("keras.losses")
def categorical_hinge(y_true, y_pred):
    """``max(neg - pos + 1, 0)`` with ``pos = sum(y_true * y_pred)`` and
    ``neg = max((1 - y_true) * y_pred)`` over the last axis.

    Example:
        >>> categorical_hinge([[0.0, 1.0, 0.0]], [[0.2, 0.5, 0.7]]).numpy()
        array([1.2], dtype=float32)
    """
    yt, yp = _pair(y_true, y_pred, "categorical_hinge")
    return loss_ops.categorical_hinge(yt, yp)
