"""``keras.ops.nn``: activations, softmax, one-hot, moments and the cross-entropies.

Keras 3's defaults: ``gelu(x, approximate=True)`` (``keras.activations.gelu`` defaults
to the exact form), ``leaky_relu(x, negative_slope=0.2)``. The cross-entropies are
``keras.losses``' own (``binary_crossentropy`` here is per entry, not averaged).

Example:
    >>> from tapeflow.keras import ops
    >>> ops.convert_to_numpy(ops.relu([-1.0, 2.0])), ops.shape(ops.one_hot([0, 2], 3))
    (array([0., 2.], dtype=float32), (2, 3))
"""
import tapeflow as tf
from tapeflow.keras import activations
from tapeflow.keras.ops.core import convert_to_tensor as _t

__all__ = ["relu", "relu6", "sigmoid", "softmax", "log_softmax", "gelu", "silu", "swish",
           "elu", "selu", "leaky_relu", "softplus", "softsign", "hard_sigmoid", "hard_silu",
           "hard_swish", "hard_tanh", "log_sigmoid", "squareplus", "normalize", "one_hot",
           "moments", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy"]

relu, relu6, sigmoid = activations.relu, activations.relu6, activations.sigmoid
silu, selu = activations.silu, activations.selu
swish, softplus, softsign = activations.swish, activations.softplus, activations.softsign
hard_sigmoid, hard_silu, hard_swish, hard_tanh = \
    activations.hard_sigmoid, activations.hard_silu, activations.hard_swish, activations.hard_tanh
log_sigmoid = activations.log_sigmoid


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return tf.nn.softmax(_t(x), axis=axis)


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    return tf.nn.log_softmax(_t(x), axis=axis)


def gelu(x, approximate=True):
    """Gaussian error linear unit (the tanh approximation by default, as Keras's op)."""
    return activations.gelu(x, approximate=approximate)


def elu(x, alpha=1.0):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``."""
    return activations.elu(x, alpha=alpha)


def leaky_relu(x, negative_slope=0.2):
    """``x`` if positive, else ``negative_slope * x``."""
    return activations.leaky_relu(x, negative_slope=negative_slope)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``: a smooth relu."""
    x = _t(x)
    return tf.multiply(tf.add(x, tf.sqrt(tf.add(tf.square(x), float(b)))), 0.5)


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its L2 norm along ``axis``."""
    if order != 2:
        raise NotImplementedError(f"tapeflow does not provide keras.ops.normalize with "
                                  f"order={order!r} yet; only order=2.")
    return tf.math.l2_normalize(_t(x), axis=axis, epsilon=epsilon or 1e-12)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot rows (float32 by default) for the integer labels ``x``."""
    if sparse:
        raise ValueError("keras.ops.one_hot: tapeflow has no sparse tensors; use "
                         "sparse=False.")
    return tf.one_hot(_t(x), int(num_classes), axis=axis, dtype=dtype or "float32")


def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``."""
    return tf.nn.moments(_t(x), axes=list(axes) if isinstance(axes, tuple) else axes,
                         keepdims=keepdims)


def binary_crossentropy(target, output, from_logits=False):
    """Per-entry binary cross-entropy (Keras's op; the loss averages it over the last
    axis)."""
    from tapeflow.keras.losses import binary_crossentropy as bce
    per = bce(tf.expand_dims(_t(target), -1), tf.expand_dims(_t(output), -1),
              from_logits=from_logits)  # the mean over a length-1 axis: each entry
    return per


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of one-hot (or probability) targets along ``axis``."""
    from tapeflow.keras.losses import categorical_crossentropy as cce
    return cce(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of integer class ids."""
    from tapeflow.keras.losses import sparse_categorical_crossentropy as scce
    return scce(target, output, from_logits=from_logits, axis=axis)
