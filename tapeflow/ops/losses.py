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
           "sparse_categorical_crossentropy", "categorical_crossentropy",
           "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "log_cosh", "kl_divergence", "poisson",
           "hinge_labels", "hinge", "categorical_hinge"]

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


# -------------------------------------------------- regression, probabilistic
# Each VJP applies the chain rule in the order the per-op VJPs of the composed formula
# would (tapeflow.ops.math), so gradients match that composition bit for bit.

def _spread(g, x):
    """The per-sample gradient of a mean over the last axis, on every entry of ``x``."""
    out = np.empty(x.shape, g.dtype)
    out[...] = (g / x.shape[-1])[..., None]
    return out


def _mean_last(x):
    return np.add.reduce(x, axis=-1) / x.shape[-1]


@primitive("keras_mean_absolute_error")
def mean_absolute_error(y_true, y_pred):
    """``mean(|y_true - y_pred|, axis=-1)``."""
    return _mean_last(np.abs(y_true - y_pred))


@mean_absolute_error.defvjp
def _mae_vjp(g, out, y_true, y_pred):
    g_diff = _spread(g, y_pred) * np.sign(y_true - y_pred)
    return g_diff, -g_diff


def _percentage_terms(y_true, y_pred):
    scale = np.maximum(np.abs(y_true), EPSILON)
    return scale, (y_true - y_pred) / scale


@primitive("keras_mean_absolute_percentage_error")
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, EPSILON), axis=-1)``."""
    _, ratio = _percentage_terms(y_true, y_pred)
    return _mean_last(np.abs(ratio)) * 100.0


@mean_absolute_percentage_error.defvjp
def _mape_vjp(g, out, y_true, y_pred):
    scale, ratio = _percentage_terms(y_true, y_pred)
    g_ratio = _spread(g * 100.0, y_pred) * np.sign(ratio)
    g_diff = g_ratio / scale
    g_scale = -g_ratio * ratio / scale * (np.abs(y_true) >= EPSILON)
    return g_diff + g_scale * np.sign(y_true), -g_diff


def _log1p_terms(x):
    shifted = np.maximum(x, EPSILON) + 1.0
    return shifted, np.log(shifted)


@primitive("keras_mean_squared_logarithmic_error")
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, EPSILON) + 1) - log(max(y_true, EPSILON) + 1))**2, -1)``."""
    diff = _log1p_terms(y_pred)[1] - _log1p_terms(y_true)[1]
    return _mean_last(np.square(diff))


@mean_squared_logarithmic_error.defvjp
def _msle_vjp(g, out, y_true, y_pred):
    (pred_shift, pred_log), (true_shift, true_log) = _log1p_terms(y_pred), _log1p_terms(y_true)
    g_diff = 2 * _spread(g, y_pred) * (pred_log - true_log)
    return -g_diff / true_shift * (y_true >= EPSILON), g_diff / pred_shift * (y_pred >= EPSILON)


_LOG2 = float(np.log(2.0))


@primitive("keras_log_cosh")
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)`` as ``x + softplus(-2x) - log 2``."""
    x = y_pred - y_true
    return _mean_last(x + nn_ops.softplus.op.forward(x * -2.0) - _LOG2)


@log_cosh.defvjp
def _log_cosh_vjp(g, out, y_true, y_pred):
    x = y_pred - y_true
    g_val = _spread(g, y_pred)
    g_x = g_val + g_val * nn_ops._sigmoid(x * -2.0) * -2.0
    return -g_x, g_x


def _clip_unit(x):
    return np.clip(x, EPSILON, 1.0)


@primitive("keras_kl_divergence")
def kl_divergence(y_true, y_pred):
    """``sum(t * log(t / p), axis=-1)`` with both clipped to ``[EPSILON, 1]``."""
    t, p = _clip_unit(y_true), _clip_unit(y_pred)
    return np.sum(t * np.log(t / p), axis=-1)


@kl_divergence.defvjp
def _kl_vjp(g, out, y_true, y_pred):
    t, p = _clip_unit(y_true), _clip_unit(y_pred)
    ratio = t / p
    g_each = np.empty(t.shape, g.dtype)
    g_each[...] = g[..., None]
    g_ratio = g_each * t / ratio
    g_t = g_each * np.log(ratio) + g_ratio / p
    g_p = -g_ratio * ratio / p
    return (g_t * ((y_true >= EPSILON) & (y_true <= 1.0)),
            g_p * ((y_pred >= EPSILON) & (y_pred <= 1.0)))


@primitive("keras_poisson")
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + EPSILON), axis=-1)``."""
    return _mean_last(y_pred - y_true * np.log(y_pred + EPSILON))


@poisson.defvjp
def _poisson_vjp(g, out, y_true, y_pred):
    g_each = _spread(g, y_pred)
    shifted = y_pred + EPSILON
    return -g_each * np.log(shifted), g_each + -g_each * y_true / shifted


# ---------------------------------------------------------------------- hinge

def hinge_labels(y_true):
    """Keras's rule: 0/1 labels become -1/1 (only when every label is 0 or 1)."""
    binary = bool(np.all((y_true == 0) | (y_true == 1)))
    return (y_true * 2.0 - 1.0 if binary else y_true), binary


def _hinge_margin(y_true, y_pred):
    labels, binary = hinge_labels(y_true)
    return labels, binary, 1.0 - labels * y_pred


@primitive("keras_hinge")
def hinge(y_true, y_pred, squared):
    """``mean(max(1 - t * y_pred, 0)**k, axis=-1)``, ``k = 2`` if ``squared`` else 1;
    0/1 labels ``t`` become -1/1."""
    margin = np.maximum(_hinge_margin(y_true, y_pred)[2], 0.0)
    return _mean_last(np.square(margin) if squared else margin)


@hinge.defvjp
def _hinge_vjp(g, out, y_true, y_pred, squared):
    labels, binary, margin = _hinge_margin(y_true, y_pred)
    g_each = _spread(g, y_pred)
    if squared:
        g_each = 2 * g_each * np.maximum(margin, 0.0)
    g_margin = g_each * (margin >= 0.0)
    g_labels = -g_margin * y_pred
    return (g_labels * 2.0 if binary else g_labels), -g_margin * labels


@primitive("keras_categorical_hinge")
def categorical_hinge(y_true, y_pred):
    """``max(max((1 - t) * p) - sum(t * p) + 1, 0)`` over the last axis."""
    pos = np.sum(y_true * y_pred, axis=-1)
    neg = np.max((1.0 - y_true) * y_pred, axis=-1)
    return np.maximum(neg - pos + 1.0, 0.0)


@categorical_hinge.defvjp
def _categorical_hinge_vjp(g, out, y_true, y_pred):
    pos = np.sum(y_true * y_pred, axis=-1)
    others = (1.0 - y_true) * y_pred
    neg = np.max(others, axis=-1)
    g_out = g * (neg - pos + 1.0 >= 0.0)
    g_pos = np.empty(y_pred.shape, g.dtype)
    g_pos[...] = -g_out[..., None]
    ties = (others == neg[..., None]).astype(others.dtype)
    g_others = np.empty(y_pred.shape, g.dtype)
    g_others[...] = g_out[..., None]
    g_others = g_others * ties / np.sum(ties, axis=-1, keepdims=True)
    return g_pos * y_pred + -(g_others * y_pred), g_pos * y_true + g_others * (1.0 - y_true)
