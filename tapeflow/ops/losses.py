"""Keras's per-sample loss formulas, each one NumPy forward with its VJP beside it.

``keras.losses`` (the functions and the ``Loss`` classes) call these ops on tensors;
the metrics (``keras.metrics.kernels``) call their ``forward`` on NumPy arrays, so
each formula is written once. The log-softmax and sigmoid forms used with
``from_logits=True`` are the ``tf.nn`` cross-entropy ops (:mod:`tapeflow.ops.nn`).

On probabilities Keras clips to ``[EPSILON, 1 - EPSILON]`` (and, for the categorical
cross-entropies, first renormalises over the class axis); the gradient is zero where
the clip was active, as it is through ``clip_by_value``.

Example:
    >>> import numpy as np
    >>> huber.forward(np.zeros((1, 2)), np.array([[0.5, 3.0]]), delta=1.0)
    array([1.3125])
"""
import numpy as np

from tapeflow.ops import nn as nn_ops
from tapeflow.ops.registry import primitive

__all__ = ["EPSILON", "mean_squared_error", "huber", "binary_crossentropy",
           "sparse_categorical_crossentropy", "categorical_crossentropy"]

EPSILON = 1e-7  # Keras's backend.epsilon()
_HI = 1.0 - EPSILON


# ------------------------------------------------------------------- regression

@primitive("keras_mean_squared_error")
def mean_squared_error(y_true, y_pred):
    """``mean((y_true - y_pred)**2, axis=-1)`` (a scalar pair: the squared error)."""
    d = y_true - y_pred
    if not d.ndim:
        return np.square(d)
    return np.add.reduce(np.square(d, out=d), axis=-1) / d.shape[-1]


@mean_squared_error.defvjp
def _mse_vjp(g, out, y_true, y_pred, needs=(True, True)):
    # d/dy_pred mean((t - p)^2) = 2 (p - t) / n, per sample g spread over the last axis
    d = y_pred - y_true
    if not d.ndim:
        d = d * (g * 2)
    else:
        d *= (g * (2 / d.shape[-1]))[..., None]
    return (-d if needs[0] else None), d


@primitive("keras_huber")
def huber(y_true, y_pred, delta):
    """``0.5 * e**2`` where ``|e| <= delta``, else ``delta * |e| - 0.5 * delta**2``
    (``e = y_pred - y_true``), averaged over the last axis."""
    err = y_pred - y_true
    abs_err = np.abs(err)
    quad = np.square(err) * 0.5
    lin = abs_err * delta - 0.5 * delta * delta
    return np.add.reduce(np.where(abs_err <= delta, quad, lin), axis=-1) / err.shape[-1]


@huber.defvjp
def _huber_vjp(g, out, y_true, y_pred, delta):
    err = y_pred - y_true
    slope = np.where(np.abs(err) <= delta, err, delta * np.sign(err))
    d = slope * (g / err.shape[-1])[..., None]
    return -d, d


# ------------------------------------------------------- cross-entropy, binary

def _binary_terms(y_true, y_pred):
    p = np.clip(y_pred, EPSILON, _HI)
    return p, np.log(p), np.log(1.0 - p)


@primitive("keras_binary_crossentropy")
def binary_crossentropy(y_true, y_pred, axis, from_logits):
    """``mean(-(t log p + (1 - t) log(1 - p)), axis)`` with ``p`` clipped; on logits,
    the stable ``sigmoid_cross_entropy_with_logits`` form."""
    if from_logits:
        per_entry = nn_ops._sig_xent.forward(y_true, y_pred)
    else:
        _, log_p, log_q = _binary_terms(y_true, y_pred)
        per_entry = -(y_true * log_p + (1.0 - y_true) * log_q)
    return np.add.reduce(per_entry, axis=axis) / per_entry.shape[axis]


@binary_crossentropy.defvjp
def _binary_crossentropy_vjp(g, out, y_true, y_pred, axis, from_logits, needs=(True, True)):
    g = np.expand_dims(g, axis) / y_pred.shape[axis]
    if from_logits:
        return (-g * y_pred if needs[0] else None), g * (nn_ops._sigmoid(y_pred) - y_true)
    # each term as the chain rule through the composed formula rounds it
    p, log_p, log_q = _binary_terms(y_true, y_pred)
    g_true = g * log_q - g * log_p if needs[0] else None
    live = (y_pred >= EPSILON) & (y_pred <= _HI)
    return g_true, (g * (1.0 - y_true) / (1.0 - p) - g * y_true / p) * live


# -------------------------------------------- cross-entropy on probabilities

def _pick(probs, labels):
    """``probs[..., label]`` per sample, by flat fancy indexing (faster than
    take_along_axis for the small batches of training)."""
    flat = probs.reshape(-1, probs.shape[-1])
    lab = labels.reshape(-1)
    return flat, lab, flat[np.arange(lab.size), lab]


@primitive("keras_sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(labels, probs):
    """``-log(clip(probs[label] / sum(probs)))`` per sample (classes last); ``labels``
    are checked integer class ids."""
    flat, _, picked = _pick(probs, labels.astype(np.intp, copy=False))
    q = picked / flat.sum(axis=-1)
    np.maximum(q, EPSILON, out=q)
    np.minimum(q, _HI, out=q)
    np.log(q, out=q)
    return np.negative(q, out=q).reshape(labels.shape)


@sparse_categorical_crossentropy.defvjp
def _sparse_xent_vjp(g, out, labels, probs):
    # d/dy_j of -log(y_l / s) = 1/s - [j == l]/y_l, zero where the clip was active.
    flat, lab, picked = _pick(probs, labels.astype(np.intp, copy=False))
    s = flat.sum(axis=-1)
    q = picked / s
    live = np.reshape(g, -1) * ((q >= EPSILON) & (q <= _HI))
    grad = np.empty_like(flat)
    grad[...] = (live / s)[:, None]
    at_label = np.divide(live, picked, out=np.zeros_like(live), where=live != 0)
    grad[np.arange(lab.size), lab] -= at_label
    return None, grad.reshape(probs.shape)


@primitive("keras_categorical_crossentropy")
def categorical_crossentropy(targets, probs, axis):
    """``-sum(targets * log(clip(probs / sum(probs))))`` along ``axis``."""
    q = probs / np.sum(probs, axis=axis, keepdims=True)
    return -np.sum(targets * np.log(np.clip(q, EPSILON, _HI)), axis=axis)


@categorical_crossentropy.defvjp
def _xent_vjp(g, out, targets, probs, axis, needs=(True, True)):
    g = np.expand_dims(g, axis)
    s = np.sum(probs, axis=axis, keepdims=True)
    q = probs / s
    c = np.clip(q, EPSILON, _HI)
    g_targets = -g * np.log(c) if needs[0] else None
    if not needs[1]:
        return g_targets, None
    a = -targets * ((q >= EPSILON) & (q <= _HI)) / c     # dL/dq before the renormalisation
    g_probs = g * (a - np.sum(a * q, axis=axis, keepdims=True)) / s
    return g_targets, g_probs
