"""Cross-entropy losses (sparse, categorical, binary) as per-sample functions.

On probabilities, Keras renormalises ``y_pred`` over the class axis (categorical),
clips it to ``[1e-7, 1 - 1e-7]`` and takes the log: fused ops of
:mod:`tapeflow.ops.losses` do exactly that, each one forward plus one VJP (why fused:
the softmax-then-cross-entropy step of every classifier is the hot path, and one op
records and differentiates ~7x faster than the seven composed ones). With
``from_logits=True`` the stable fused ops of ``tf.nn`` are used (log-softmax /
sigmoid forms, no clipping). This module adds Keras's label handling and checks.

Example:
    >>> import tapeflow as tf
    >>> loss = sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> [round(v, 4) for v in loss.numpy().tolist()]
    [0.0513, 2.3026]
"""
import warnings

import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.losses.loss import as_float_tensor, squeeze_or_expand_to_same_rank
from tapeflow.ops import losses as loss_ops
from tapeflow.ops import math as math_ops
from tapeflow.ops import nn as nn_ops
from tapeflow.ops.registry import primitive
from tapeflow.tensor import Tensor

__all__ = ["sparse_categorical_crossentropy", "categorical_crossentropy",
           "binary_crossentropy", "sparse_labels"]

_sparse_xent = loss_ops.sparse_categorical_crossentropy  # on probabilities
_xent = loss_ops.categorical_crossentropy


# ------------------------------------------------------------------------- labels

def _shape(x):
    return tuple(x.array.shape) if isinstance(x, Tensor) else np.shape(x)


def _array(x):
    return x.array if isinstance(x, Tensor) else np.asarray(x)


def sparse_labels(y_true, pred_shape, fn="sparse_categorical_crossentropy", ignore_class=None):
    """Integer class ids of shape ``pred_shape[:-1]``, checked, as an intp array.

    Accepts shape (n,) or (n, 1) and float-valued integers, as Keras does; one-hot
    labels and out-of-range ids raise errors that name the fitting loss.
    """
    lab = _array(y_true)
    n = pred_shape[-1] if pred_shape else 0
    if n == 1:
        raise ValueError(
            f"{fn}: y_pred has shape {tuple(pred_shape)}, a single unit on its class axis, so "
            f"there is only one class. For 0/1 labels use binary_crossentropy with a sigmoid "
            f"output; otherwise give the last layer one unit per class, e.g. "
            f"Dense(num_classes, activation='softmax').")
    if lab.ndim == len(pred_shape) and lab.ndim and lab.shape[-1] == 1:
        lab = lab.reshape(lab.shape[:-1])
    elif lab.ndim == len(pred_shape) and lab.shape == tuple(pred_shape) and n > 1:
        raise ValueError(
            f"{fn}: y_true has shape {lab.shape}, the same as y_pred: these look like one-hot "
            f"labels, but {fn} expects integer class ids of shape {tuple(pred_shape[:-1])} or "
            f"{tuple(pred_shape[:-1]) + (1,)}. Use categorical_crossentropy "
            f"(CategoricalCrossentropy) for one-hot labels, or np.argmax(y_true, axis=-1).")
    if lab.shape != tuple(pred_shape[:-1]):
        raise ValueError(f"{fn}: y_true of shape {_shape(y_true)} does not match y_pred of "
                         f"shape {tuple(pred_shape)}: expected integer labels of shape "
                         f"{tuple(pred_shape[:-1])} (one class id per sample).")
    if lab.dtype.kind == "f":
        if lab.size and not np.all(np.floor(lab) == lab):
            raise ValueError(f"{fn}: labels must be integer class ids; got non-integer values "
                             f"such as {lab[np.floor(lab) != lab].flat[0]!r}. For probability "
                             f"targets use categorical_crossentropy.")
    elif lab.dtype.kind not in "iub":
        raise TypeError(f"{fn}: labels must be integers; got dtype {lab.dtype}.")
    lab = lab.astype(np.intp, copy=False)
    check = lab if ignore_class is None else lab[lab != ignore_class]
    if check.size:
        lo, hi = check.min(), check.max()
        if hi >= n or lo < 0:
            got = f"max label {hi}" if hi >= n else f"min label {lo}"
            raise ValueError(f"{fn}: labels must be integers in [0, {n}); got {got} — did you "
                             f"mean categorical_crossentropy with one-hot labels? (y_pred has "
                             f"{n} classes on its last axis.)")
    return lab


@primitive("sparse_categorical_crossentropy")  # the name its errors start with
def _checked_labels(y_true, pred_shape):
    """:func:`sparse_labels` as an op (no gradient), so that a replayed step
    (tapeflow.trace) checks every batch's labels."""
    return sparse_labels(y_true, pred_shape)


# ------------------------------------------------------------------- public functions

def _masked_sparse(y_true, y_pred, from_logits, ignore_class, axis):
    y_pred = as_float_tensor(y_pred)
    if axis not in (-1, y_pred.ndim - 1):
        from tapeflow.ops.array import transpose
        perm = [i for i in range(y_pred.ndim) if i != axis % y_pred.ndim] + [axis % y_pred.ndim]
        y_pred = transpose(y_pred, perm)
    if ignore_class is None and isinstance(y_true, Tensor):
        valid, lt = None, _checked_labels(y_true, pred_shape=_shape(y_pred))  # an op: replayable
    else:
        labels = sparse_labels(y_true, _shape(y_pred), ignore_class=ignore_class)
        valid = None
        if ignore_class is not None:
            valid = labels != ignore_class
            labels = np.where(valid, labels, 0)
        lt = Tensor(labels)
    out = nn_ops._sparse_xent(lt, y_pred) if from_logits else _sparse_xent(lt, y_pred)
    if valid is not None:
        out = math_ops.multiply(out, Tensor(valid.astype(out.array.dtype)))
    return out, valid


@keras_export("keras.losses")
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Per-sample cross-entropy for integer labels: ``-log p[label]``.

    Args:
        y_true: integer class ids, shape (n,) or (n, 1) (float-valued integers work).
        y_pred: probabilities (or logits with ``from_logits=True``), shape (n, classes).
        from_logits: treat ``y_pred`` as logits (stable log-softmax form).
        ignore_class: a label value whose samples get zero loss.
        axis: the class axis.

    Returns:
        A Tensor of shape (n,).

    Example:
        >>> [round(v, 4) for v in sparse_categorical_crossentropy(
        ...     [0], [[2.0, 1.0]], from_logits=True).numpy().tolist()]
        [0.3133]
    """
    return _masked_sparse(y_true, y_pred, from_logits, ignore_class, axis)[0]


def _targets(y_true, y_pred, fn):
    yt = y_true if isinstance(y_true, Tensor) else Tensor(np.asarray(y_true))
    if yt.array.dtype != y_pred.array.dtype:
        yt = math_ops.cast(yt, y_pred.array.dtype)
    yt, yp = squeeze_or_expand_to_same_rank(yt, y_pred)
    if _shape(yt) != _shape(yp):
        ts, ps = _shape(yt), _shape(yp)
        if len(ts) < len(ps) or (ts and ts[-1] == 1 and ps[-1] > 1):
            raise ValueError(
                f"{fn}: expects one-hot y_true shaped like y_pred {ps}; got y_true of shape "
                f"{_shape(y_true)} — integer class labels? Use sparse_categorical_crossentropy "
                f"for integer labels, or one-hot encode them with "
                f"keras.utils.to_categorical(y, {ps[-1]}).")
        raise ValueError(f"{fn}: y_true and y_pred must have the same shape; got y_true "
                         f"{_shape(y_true)} and y_pred {ps}.")
    return yt, yp


@keras_export("keras.losses")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample cross-entropy for one-hot (or probability) targets.

    ``label_smoothing`` replaces targets by ``t * (1 - s) + s / num_classes``.

    Example:
        >>> loss = categorical_crossentropy([[0, 1, 0], [0, 0, 1]],
        ...                                 [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> [round(v, 4) for v in loss.numpy().tolist()]
        [0.0513, 2.3026]
    """
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type "
                         f"{type(axis)}")
    y_pred = as_float_tensor(y_pred)
    y_true, y_pred = _targets(y_true, y_pred, "categorical_crossentropy")
    if _shape(y_pred)[-1] == 1:
        warnings.warn(f"In loss categorical_crossentropy, expected y_pred.shape to be "
                      f"(batch_size, num_classes) with num_classes > 1. Received: "
                      f"y_pred.shape={_shape(y_pred)}. Consider using 'binary_crossentropy' "
                      f"if you only have 2 classes.", SyntaxWarning, stacklevel=2)
    if label_smoothing:
        k = _shape(y_true)[axis]
        y_true = math_ops.add(math_ops.multiply(y_true, 1.0 - label_smoothing),
                              label_smoothing / k)
    if from_logits:
        return nn_ops._xent(y_true, y_pred, axis=int(axis))
    return _xent(y_true, y_pred, axis=int(axis))


@keras_export("keras.losses")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``.

    Probabilities are clipped to ``[1e-7, 1 - 1e-7]`` (no renormalisation);
    ``label_smoothing`` squeezes targets towards 0.5: ``t * (1 - s) + 0.5 * s``.

    Example:
        >>> loss = binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> [round(v, 3) for v in loss.numpy().tolist()]
        [0.916, 0.714]
    """
    y_pred = as_float_tensor(y_pred)
    y_true, y_pred = _targets(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = math_ops.add(math_ops.multiply(y_true, 1.0 - label_smoothing),
                              0.5 * label_smoothing)
    return loss_ops.binary_crossentropy(y_true, y_pred, axis=int(axis),
                                        from_logits=bool(from_logits))
