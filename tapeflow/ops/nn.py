"""Neural-network ops (``tf.nn``): activations, softmax, cross-entropies, dropout.

Fused ops exist where stability or speed asks for them, each still one forward plus
one VJP: ``log_softmax`` and the softmax/sigmoid cross-entropies (stable for large
logits), and ``dense`` (matmul + bias + activation in one step, the hot path of
every MLP).

Example:
    >>> import tapeflow as tf
    >>> tf.nn.relu([-1.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import reshape
from tapeflow.ops.convert import binary_operands, float_tensor, to_tensor
from tapeflow.ops.registry import primitive
from tapeflow.tensor import Tensor

# ------------------------------------------------------------------------- activations


def _act(name, forward, vjp, doc, floats=True):
    """A public activation; ``floats``: integer inputs are refused, as in TensorFlow
    (only relu and relu6 accept them)."""
    op = primitive(name)(forward)
    op.defvjp(vjp)
    convert = (lambda x: float_tensor(x, name)) if floats else to_tensor

    def public(features, *args, name=None, **kwargs):
        return op(convert(features), *args, **kwargs)
    public.__name__ = public.__qualname__ = name
    public.__doc__ = doc
    public.op = op
    return public


def _sigmoid(x):
    # exp of a negative argument only: no overflow for large |x|
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


relu = _act("relu", lambda x: np.maximum(x, 0), lambda g, out, x: (g * (out > 0),),
            "``max(x, 0)``.", floats=False)
relu6 = _act("relu6", lambda x: np.clip(x, 0, 6),
             lambda g, out, x: (g * ((x > 0) & (x < 6)),), "``min(max(x, 0), 6)``.",
             floats=False)
sigmoid = _act("sigmoid", _sigmoid, lambda g, out, x: (g * out * (1 - out),),
               "``1 / (1 + exp(-x))``, computed without overflow.")
softplus = _act("softplus", lambda x: np.logaddexp(0, x).astype(x.dtype, copy=False),
                lambda g, out, x: (g * _sigmoid(x),), "``log(1 + exp(x))``, stable.")
softsign = _act("softsign", lambda x: x / (1 + np.abs(x)),
                lambda g, out, x: (g / (1 + np.abs(x)) ** 2,), "``x / (1 + |x|)``.")
silu = _act("silu", lambda x: x * _sigmoid(x),
            lambda g, out, x: (g * (_sigmoid(x) * (1 + x * (1 - _sigmoid(x)))),),
            "``x * sigmoid(x)`` (also called swish).")
swish = silu
tanh = math_ops.tanh


@primitive("leaky_relu")
def _leaky_relu(x, alpha):
    return np.where(x > 0, x, x * np.asarray(alpha, x.dtype))


_leaky_relu.defvjp(lambda g, out, x, alpha: (np.where(x > 0, g, g * alpha),))


def leaky_relu(features, alpha=0.2, name=None):
    """``x`` if positive, else ``alpha * x`` (TensorFlow's default alpha is 0.2)."""
    return _leaky_relu(float_tensor(features, "leaky_relu"), alpha=float(alpha))


@primitive("elu")
def _elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


_elu.defvjp(lambda g, out, x, alpha: (np.where(x > 0, g, g * (out + alpha)),))


def elu(features, alpha=1.0, name=None):
    """``x`` if positive, else ``alpha * (exp(x) - 1)``."""
    return _elu(float_tensor(features, "elu"), alpha=float(alpha))


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(features, name=None):
    """``scale * elu(x, alpha)`` with the self-normalising constants."""
    return math_ops.multiply(_elu(float_tensor(features, "selu"), alpha=SELU_ALPHA), SELU_SCALE)


_SQRT2, _SQRT_2_OVER_PI = 2 ** 0.5, (2 / np.pi) ** 0.5  # Python floats: keep x's dtype


@primitive("gelu")
def _gelu(x, approximate):
    if approximate:
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + math_ops._erf_forward(x / _SQRT2))


@_gelu.defvjp
def _gelu_vjp(g, out, x, approximate):
    if approximate:
        c = _SQRT_2_OVER_PI
        t = np.tanh(c * (x + 0.044715 * x ** 3))
        d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
    else:
        cdf = 0.5 * (1 + math_ops._erf_forward(x / _SQRT2))
        d = cdf + x * np.exp(-0.5 * x * x) / (2 * np.pi) ** 0.5
    return (g * d,)


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: exact erf form, or the tanh approximation."""
    return _gelu(float_tensor(features, "gelu"), approximate=bool(approximate))


# ---------------------------------------------------------------------------- softmax

def _log_softmax_np(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@primitive("softmax")
def _softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


_softmax.defvjp(lambda g, out, x, axis:
                (out * (g - np.sum(g * out, axis=axis, keepdims=True)),))

_log_softmax = primitive("log_softmax")(_log_softmax_np)
_log_softmax.defvjp(lambda g, out, x, axis:
                    (g - np.exp(out) * np.sum(g, axis=axis, keepdims=True),))


def softmax(logits, axis=-1, name=None):
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max for stability."""
    return _softmax(float_tensor(logits, "softmax"), axis=int(axis))


def log_softmax(logits, axis=-1, name=None):
    """``x - logsumexp(x)`` along ``axis``, computed stably."""
    return _log_softmax(float_tensor(logits, "log_softmax"), axis=int(axis))


# -------------------------------------------------------------------- cross-entropies

def _flat_labels(labels, logits, n):
    """Rows of ``logits`` as a 2-D view, and the labels as flat checked intp ids."""
    lab = labels.reshape(-1).astype(np.intp, copy=False)
    if lab.size and (np.minimum.reduce(lab) < 0 or np.maximum.reduce(lab) >= n):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels must be in "
                         f"[0, {n}); got min {lab.min()} and max label {lab.max()}.")
    return logits.reshape(-1, n), lab


@primitive("sparse_softmax_cross_entropy_with_logits")
def _sparse_xent(labels, logits):
    # flat fancy indexing and ufunc reductions: take_along_axis and np.max cost more
    # than the arithmetic at training's batch sizes
    flat, lab = _flat_labels(labels, logits, logits.shape[-1])
    shifted = flat - np.maximum.reduce(flat, axis=1, keepdims=True)
    lse = np.log(np.add.reduce(np.exp(shifted), axis=1))
    return (lse - shifted[np.arange(lab.size), lab]).reshape(labels.shape)


@_sparse_xent.defvjp
def _sparse_xent_vjp(g, out, labels, logits):
    flat, lab = _flat_labels(labels, logits, logits.shape[-1])
    grad = np.exp(flat - np.maximum.reduce(flat, axis=1, keepdims=True))
    grad /= np.add.reduce(grad, axis=1, keepdims=True)      # softmax
    grad[np.arange(lab.size), lab] -= 1
    grad *= np.reshape(g, (-1, 1))
    return None, grad.reshape(logits.shape)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Per-example ``-log softmax(logits)[label]`` for integer ``labels``.

    Example:
        >>> round(float(sparse_softmax_cross_entropy_with_logits([0], [[0.0, 0.0]])[0]), 4)
        0.6931
    """
    logits = to_tensor(logits, dtypes.float32)
    labels = to_tensor(labels)
    lv = labels._value
    n = logits._value.shape[-1]
    if lv.dtype.kind not in "iu":
        raise TypeError(f"sparse_softmax_cross_entropy_with_logits: labels must be integer "
                        f"class ids; got dtype {lv.dtype.name}. For one-hot labels use "
                        f"softmax_cross_entropy_with_logits.")
    if lv.shape != logits._value.shape[:-1]:
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels of shape "
                         f"{lv.shape} must match logits' shape without the last axis, "
                         f"{logits._value.shape[:-1]}.")
    return _sparse_xent(labels, logits)  # the op checks the label range (every replay too)


@primitive("softmax_cross_entropy_with_logits")
def _xent(labels, logits, axis):
    return -np.sum(labels * _log_softmax_np(logits, axis), axis=axis)


@_xent.defvjp
def _xent_vjp(g, out, labels, logits, axis):
    g = np.expand_dims(g, axis)
    logp = _log_softmax_np(logits, axis)
    g_logits = g * (np.exp(logp) * np.sum(labels, axis=axis, keepdims=True) - labels)
    return -g * logp, g_logits


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Per-example ``-sum(labels * log_softmax(logits))`` for probability ``labels``."""
    labels, logits = binary_operands(labels, to_tensor(logits, dtypes.float32),
                                     "softmax_cross_entropy_with_logits")
    return _xent(labels, logits, axis=int(axis))


@primitive("sigmoid_cross_entropy_with_logits")
def _sig_xent(labels, logits):
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


_sig_xent.defvjp(lambda g, out, labels, logits: (-g * logits, g * (_sigmoid(logits) - labels)))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Element-wise binary cross-entropy of ``sigmoid(logits)``, computed stably."""
    labels, logits = binary_operands(labels, to_tensor(logits, dtypes.float32),
                                     "sigmoid_cross_entropy_with_logits")
    return _sig_xent(labels, logits)


# ------------------------------------------------------------------ fused dense layer

_DENSE_ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh")


@primitive("dense")
def _dense(x, kernel, bias, activation):
    z = np.matmul(x, kernel)
    np.add(z, bias, out=z)
    if activation == "relu":
        np.maximum(z, 0, out=z)
    elif activation == "sigmoid":
        z = _sigmoid(z)
    elif activation == "tanh":
        np.tanh(z, out=z)
    return z


@_dense.defvjp
def _dense_vjp(g, out, x, kernel, bias, activation, needs=(True, True, True),
               into=(None, None, None)):
    if activation == "relu":
        g = g * (out > 0)
    elif activation == "sigmoid":
        g = g * out * (1 - out)
    elif activation == "tanh":
        g = g * (1 - out * out)
    gx = g @ kernel.T if needs[0] else None
    # the kernel's gradient is the one big array of a step: written into the caller's
    # buffer when one is given (see GradientTape.gradient's ``buffers``)
    gk = np.matmul(x.T, g, out=into[1]) if needs[1] else None
    gb = np.add.reduce(g, axis=0, out=into[2]) if needs[2] else None
    return gx, gk, gb


def dense(x, kernel, bias=None, activation="linear"):
    """``activation(x @ kernel + bias)`` for a 2-D ``x`` in one fused op.

    ``activation`` is one of "linear", "relu", "sigmoid", "tanh". Other ranks and
    activations are composed from matmul and add by the caller (keras.layers.Dense).
    """
    if activation not in _DENSE_ACTIVATIONS:
        raise ValueError(f"dense: activation must be one of {_DENSE_ACTIVATIONS}; got "
                         f"{activation!r}.")
    x, kernel = binary_operands(x, kernel, "dense")
    if x.ndim != 2 or kernel.ndim != 2 or x._value.shape[1] != kernel._value.shape[0]:
        raise ValueError(f"dense: cannot multiply input of shape {tuple(x.shape)} by kernel "
                         f"of shape {tuple(kernel.shape)}.")
    if bias is None:
        bias = _zero_bias(kernel._value.shape[1], kernel._value.dtype)
    return _dense(x, kernel, to_tensor(bias), activation=activation)


_ZERO_BIASES = {}


def _zero_bias(units, dtype):
    """One shared zero bias per size (the same object each step keeps a trace valid)."""
    key = (units, np.dtype(dtype))
    if key not in _ZERO_BIASES:
        _ZERO_BIASES[key] = Tensor(np.zeros(units, dtype))
    return _ZERO_BIASES[key]


# ---------------------------------------------------------------------------- dropout

def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each entry with probability ``rate``; scale the kept ones by 1/(1-rate)."""
    x = to_tensor(x)
    if not 0 <= float(rate) < 1:
        raise ValueError(f"dropout: rate must be in [0, 1); got {rate}.")
    if float(rate) == 0:
        return x
    shape = x._value.shape if noise_shape is None else tuple(
        x._value.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
    scale = _dropout_scale(shape=shape, rate=float(rate), seed=seed, dtype=x._value.dtype)
    return math_ops.multiply(x, scale)


@primitive("dropout_scale")
def _dropout_scale(shape, rate, seed, dtype):
    """0 with probability ``rate``, else ``1 / (1 - rate)``: an op (not a constant) so
    that a replayed step (tapeflow.trace) draws a fresh mask each time."""
    from tapeflow.ops import random as rnd
    keep = rnd._generator(seed).random(shape) >= rate
    return (keep / (1 - rate)).astype(dtype)


_dropout_scale.stateful = True  # it draws from the random stream: replayed even if unused


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2``."""
    return math_ops.multiply(math_ops.reduce_sum(math_ops.square(t)), 0.5)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of ``x`` over ``axes``."""
    mean = math_ops.reduce_mean(x, axis=axes, keepdims=True)
    var = math_ops.reduce_mean(math_ops.square(math_ops.subtract(x, mean)), axis=axes,
                               keepdims=keepdims)
    if not keepdims:  # the same mean, without its kept axes (not computed twice)
        mean = reshape(mean, var._value.shape)
    return mean, var
