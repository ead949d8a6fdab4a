"""``keras.ops.math``: logsumexp, erf, top_k, in_top_k, rsqrt.

Example:
    >>> from tapeflow.keras import ops
    >>> values, indices = ops.top_k([[1.0, 5.0, 3.0]], k=2)
    >>> ops.convert_to_numpy(values), ops.convert_to_numpy(indices)
    (array([[5., 3.]], dtype=float32), array([[1, 2]], dtype=int32))
"""
import numpy as np

import tapeflow as tf
from tapeflow.keras.ops.core import convert_to_tensor as _t
from tapeflow.keras.ops.numpy import logsumexp, rsqrt  # noqa: F401  (Keras lists them here)

__all__ = ["logsumexp", "erf", "rsqrt", "top_k", "in_top_k"]


def erf(x):
    """The error function."""
    x = _t(x)
    return tf.math.erf(x if x.dtype.is_floating else tf.cast(x, "float32"))


def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis, largest
    first; the values carry gradients back to ``x``."""
    x = _t(x)
    n = x.shape[-1]
    order = np.argsort(-x.array, axis=-1, kind="stable")[..., :int(k)]
    rows = np.arange(order.size // max(int(k), 1)).reshape(order.shape[:-1] + (1,)) * n
    flat = tf.reshape(x, [-1])
    values = tf.reshape(tf.gather(flat, (rows + order).reshape(-1)), order.shape)
    return values, tf.constant(order.astype(np.int32))


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions (ties at the
    boundary count as in)."""
    p = _t(predictions).array
    t = np.asarray(_t(targets).array).astype(np.intp)
    score = np.take_along_axis(p, t[:, None], -1)
    return tf.constant(np.sum(p > score, axis=-1) < int(k))
