"""NumPy kernels behind the metrics: per-sample accuracy and loss values.

Each kernel takes NumPy arrays and returns NumPy arrays, so a metric update costs
a few array operations and no tape or Tensor overhead. The loss kernels call the NumPy
forward of the loss ops that ``keras.losses`` calls (:mod:`tapeflow.ops.losses`,
``tf.nn``'s logits forms), so each formula is written once.

Example:
    >>> sparse_categorical_accuracy(np.array([2, 1]), np.array([[0.1, 0.6, 0.3],
    ...                                                          [0.05, 0.95, 0.0]]))
    array([0., 1.], dtype=float32)
"""
import numpy as np

from tapeflow.keras import losses
from tapeflow.keras.losses import xent
from tapeflow.ops import losses as loss_ops
from tapeflow.ops import nn as nn_ops

F32 = np.float32


def same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank fix for NumPy arrays (see ``losses.squeeze_or_expand_to_same_rank``)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def _floats(y_true, y_pred, fn):
    yp = y_pred if y_pred.dtype.kind == "f" else y_pred.astype(F32)
    yt = y_true.astype(yp.dtype, copy=False)
    yt, yp = same_rank(yt, yp)
    if yt.shape != yp.shape:
        raise ValueError(f"{fn}: y_true and y_pred must have the same shape; got y_true "
                         f"{y_true.shape} and y_pred {y_pred.shape}.")
    return yt, yp


# ------------------------------------------------------------------------ accuracy

def accuracy(y_true, y_pred):
    """``mean(y_true == y_pred, axis=-1)`` after the rank fix."""
    yt, yp = same_rank(y_true, y_pred)
    return np.mean(yt == yp, axis=-1, dtype=F32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``mean(y_true == (y_pred > threshold), axis=-1)``."""
    yt, yp = same_rank(y_true, y_pred)
    return np.mean(yt == (yp > threshold), axis=-1, dtype=F32)


def categorical_accuracy(y_true, y_pred):
    """``argmax(y_true) == argmax(y_pred)`` per sample."""
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(F32)


def sparse_categorical_accuracy(y_true, y_pred):
    """``y_true == argmax(y_pred)`` per sample; labels of shape (n,) or (n, 1)."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
        y_true = y_true[..., 0]
    matches = (y_true == np.argmax(y_pred, axis=-1)).astype(F32)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


def _in_top_k(targets, predictions, k):
    """TensorFlow's rule: a target is in the top k when fewer than k classes score
    strictly higher (ties at the boundary count as in)."""
    predictions = predictions.reshape(-1, predictions.shape[-1])
    targets = targets.reshape(-1).astype(np.intp)
    score = np.take_along_axis(predictions, targets[:, None], -1)
    return (np.sum(predictions > score, axis=-1) < k).astype(F32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the one-hot target is among the ``k`` highest predictions."""
    targets = np.argmax(y_true, axis=-1)
    return _in_top_k(targets, y_pred, k).reshape(targets.shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Whether the integer target is among the ``k`` highest predictions (or, with
    ``from_sorted_ids``, among the first ``k`` ids of ``y_pred``)."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
        y_true = y_true[..., 0]
    if from_sorted_ids:
        return np.any(y_pred[..., :k] == y_true[..., None], axis=-1).astype(F32)
    return _in_top_k(y_true, y_pred, k).reshape(y_true.shape)


# ------------------------------------------------------------------ loss kernels

def mean_squared_error(y_true, y_pred):
    yt, yp = _floats(y_true, y_pred, "mean_squared_error")
    return loss_ops.mean_squared_error.forward(yt, yp)


def mean_absolute_error(y_true, y_pred):
    return loss_ops.mean_absolute_error.forward(*_floats(y_true, y_pred, "mean_absolute_error"))


def mean_absolute_percentage_error(y_true, y_pred):
    return loss_ops.mean_absolute_percentage_error.forward(
        *_floats(y_true, y_pred, "mean_absolute_percentage_error"))


def mean_squared_logarithmic_error(y_true, y_pred):
    return loss_ops.mean_squared_logarithmic_error.forward(
        *_floats(y_true, y_pred, "mean_squared_logarithmic_error"))


def log_cosh(y_true, y_pred):
    return loss_ops.log_cosh.forward(*_floats(y_true, y_pred, "log_cosh"))


def huber(y_true, y_pred, delta=1.0):
    yt, yp = _floats(y_true, y_pred, "huber")
    return loss_ops.huber.forward(yt, yp, delta=float(delta))


def kl_divergence(y_true, y_pred):
    return loss_ops.kl_divergence.forward(*_floats(y_true, y_pred, "kl_divergence"))


def poisson(y_true, y_pred):
    return loss_ops.poisson.forward(*_floats(y_true, y_pred, "poisson"))


def hinge(y_true, y_pred):
    return loss_ops.hinge.forward(*_floats(y_true, y_pred, "hinge"), squared=False)


def squared_hinge(y_true, y_pred):
    return loss_ops.hinge.forward(*_floats(y_true, y_pred, "squared_hinge"), squared=True)


def categorical_hinge(y_true, y_pred):
    return loss_ops.categorical_hinge.forward(*_floats(y_true, y_pred, "categorical_hinge"))


def cosine_similarity(y_true, y_pred, axis=-1):
    yt, yp = _floats(y_true, y_pred, "cosine_similarity")
    yt = yt / np.sqrt(np.maximum(np.sum(yt * yt, axis=axis, keepdims=True), 1e-12))
    yp = yp / np.sqrt(np.maximum(np.sum(yp * yp, axis=axis, keepdims=True), 1e-12))
    return np.sum(yt * yp, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    yp = y_pred if y_pred.dtype.kind == "f" else y_pred.astype(F32)
    if axis not in (-1, yp.ndim - 1):
        yp = np.moveaxis(yp, axis, -1)
    labels = xent.sparse_labels(y_true, yp.shape, ignore_class=ignore_class)
    valid = None if ignore_class is None else labels != ignore_class
    if valid is not None:
        labels = np.where(valid, labels, 0)
    xent_op = nn_ops._sparse_xent if from_logits else loss_ops.sparse_categorical_crossentropy
    out = xent_op.forward(labels, yp)
    return out if valid is None else out * valid


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    yt, yp = _floats(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        yt = yt * (1.0 - label_smoothing) + label_smoothing / yt.shape[axis]
    xent_op = nn_ops._xent if from_logits else loss_ops.categorical_crossentropy
    return xent_op.forward(yt, yp, axis=axis)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    yt, yp = _floats(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        yt = yt * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return loss_ops.binary_crossentropy.forward(yt, yp, axis=axis, from_logits=bool(from_logits))


ACCURACY_KERNELS = (accuracy, binary_accuracy, categorical_accuracy,
                    sparse_categorical_accuracy, top_k_categorical_accuracy,
                    sparse_top_k_categorical_accuracy)
LOSS_KERNELS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
                mean_squared_logarithmic_error, log_cosh, huber, kl_divergence, poisson,
                hinge, squared_hinge, categorical_hinge, cosine_similarity,
                sparse_categorical_crossentropy, categorical_crossentropy,
                binary_crossentropy)
KERNELS = {f.__name__: f for f in ACCURACY_KERNELS + LOSS_KERNELS}
FUNCTIONS = dict(KERNELS)  # name -> callable, for MeanMetricWrapper.from_config


def kernel_for(fn):
    """The NumPy kernel computing ``fn`` (a kernel, a public metric function or a
    built-in loss function), or None for a user function."""
    name = getattr(fn, "__name__", None)
    if name not in KERNELS:
        return None
    if fn is KERNELS[name] or fn is getattr(losses, name, None) or getattr(fn, "_kernel", None):
        return KERNELS[name]
    return None
