"""``keras.activations``: element-wise functions a layer applies to its output.

Each one is composed from tapeflow's differentiable ops, so gradients flow through
all of them (``step`` on purpose has a zero gradient everywhere). Layers take an
activation as a function, a name (``"relu"``) or ``None`` (linear); :func:`get`
turns any of those into the function and :func:`serialize` back into its name.

Example:
    >>> import tapeflow as tf
    >>> from tapeflow.keras import activations
    >>> activations.get("relu")(tf.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    >>> activations.serialize(activations.get(None))
    'linear'
"""
from tapeflow.keras._objects import deserialize_layer, deserialize_object, serialize_layer
from tapeflow.keras.api_export import (export_info, get_registered_name, keras_export,
                                       public_names)
from tapeflow.ops import math as math_ops
from tapeflow.ops import nn
from tapeflow.ops.array import clip_by_value
from tapeflow.ops.convert import to_tensor

__all__ = ["relu", "relu6", "leaky_relu", "elu", "selu", "sigmoid", "hard_sigmoid",
           "tanh", "softmax", "log_softmax", "softplus", "softsign", "silu", "swish",
           "hard_silu", "hard_swish", "gelu", "exponential", "mish", "linear", "step",
           "hard_tanh", "log_sigmoid", "get", "serialize", "deserialize"]


def _x(x):
    # Python numbers and NumPy arrays become float32 tensors; tensors pass through.
    return x if hasattr(x, "array") else to_tensor(x, "float32")


@keras_export("keras.activations")
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras's options.

    ``x`` above ``threshold`` passes (``0`` below), capped at ``max_value``; with
    ``negative_slope`` the part below the threshold leaks as
    ``negative_slope * (x - threshold)``.

    Example:
        >>> import tapeflow as tf
        >>> relu(tf.constant([-2.0, 1.0, 8.0]), negative_slope=0.5, max_value=6.0).numpy()
        array([-1.,  1.,  6.], dtype=float32)
    """
    x = _x(x)
    if negative_slope and max_value is None and not threshold:
        return nn.leaky_relu(x, alpha=negative_slope)
    negative_part = None
    if negative_slope:
        negated = math_ops.negative(x)
        negative_part = nn.relu(math_ops.add(negated, threshold) if threshold else negated)
    clip = max_value is not None
    if threshold:
        y = math_ops.multiply(x, math_ops.cast(math_ops.greater(x, threshold), x.dtype))
    elif max_value == 6:
        y, clip = nn.relu6(x), False
    else:
        y = nn.relu(x)
    if clip:
        y = clip_by_value(y, 0.0, float(max_value))
    if negative_part is not None:
        y = math_ops.subtract(y, math_ops.multiply(negative_part, negative_slope))
    return y


@keras_export("keras.activations")
def relu6(x):
    """``min(max(x, 0), 6)``."""
    return nn.relu6(_x(x))


@keras_export("keras.activations")
def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x > 0``, else ``negative_slope * x``."""
    return nn.leaky_relu(_x(x), alpha=negative_slope)


@keras_export("keras.activations")
def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return nn.elu(_x(x), alpha=alpha)


@keras_export("keras.activations")
def selu(x):
    """``1.05070098 * elu(x, 1.67326324)``: self-normalising."""
    return nn.selu(_x(x))


@keras_export("keras.activations")
def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return nn.sigmoid(_x(x))


@keras_export("keras.activations")
def hard_sigmoid(x):
    """``relu6(x + 3) / 6``: a piecewise-linear sigmoid."""
    return math_ops.divide(nn.relu6(math_ops.add(_x(x), 3.0)), 6.0)


@keras_export("keras.activations")
def tanh(x):
    """Hyperbolic tangent."""
    return math_ops.tanh(_x(x))


@keras_export("keras.activations")
def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return clip_by_value(_x(x), -1.0, 1.0)


@keras_export("keras.activations")
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (probabilities summing to 1)."""
    return nn.softmax(_x(x), axis=axis)


@keras_export("keras.activations")
def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``, computed stably."""
    return nn.log_softmax(_x(x), axis=axis)


@keras_export("keras.activations")
def softplus(x):
    """``log(1 + exp(x))``."""
    return nn.softplus(_x(x))


@keras_export("keras.activations")
def softsign(x):
    """``x / (1 + |x|)``."""
    return nn.softsign(_x(x))


@keras_export("keras.activations")
def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return nn.silu(_x(x))


swish = silu


@keras_export("keras.activations")
def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also called hard_swish)."""
    x = _x(x)
    return math_ops.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


@keras_export("keras.activations")
def gelu(x, approximate=False):
    """Gaussian error linear unit: ``x * Phi(x)`` (exact erf form by default)."""
    return nn.gelu(_x(x), approximate=approximate)


@keras_export("keras.activations")
def exponential(x):
    """``exp(x)``."""
    return math_ops.exp(_x(x))


@keras_export("keras.activations")
def mish(x):
    """``x * tanh(softplus(x))``."""
    x = _x(x)
    return math_ops.multiply(x, math_ops.tanh(nn.softplus(x)))


@keras_export("keras.activations")
def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, computed stably."""
    return math_ops.negative(nn.softplus(math_ops.negative(_x(x))))


@keras_export("keras.activations")
def linear(x):
    """The identity: ``x`` unchanged (what ``activation=None`` means)."""
    return _x(x)


@keras_export("keras.activations")
def step(x):
    """Heaviside step: ``1`` where ``x > 0``, else ``0``, with a zero gradient.

    The activation of Rosenblatt's perceptron (course section 5-1). Its
    derivative is zero wherever it exists, so gradient descent cannot train
    through it; the tape returns zeros rather than ``None``.

    Example:
        >>> import tapeflow as tf
        >>> step(tf.constant([-1.0, 0.0, 2.5])).numpy()
        array([0., 0., 1.], dtype=float32)
    """
    # relu(sign(x)) is 1 for x > 0 and 0 otherwise; sign's gradient is zero.
    return nn.relu(math_ops.sign(_x(x)))


keras_export("keras.activations", name="swish")(silu)
keras_export("keras.activations", name="hard_swish")(hard_silu)


def get(identifier):
    """The activation function for a name, a function, a config dict or ``None``.

    Example:
        >>> get("softmax") is softmax, get(None) is linear
        (True, True)
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}. "
                     f"Pass a name such as 'relu', a function, or None.")


def serialize(activation):
    """The name of a built-in activation (``"relu"``), or Keras's dict for others.

    Layers such as ``Activation`` and ``ReLU`` serialise to their Keras config dict.
    """
    if activation is None:
        return None
    if isinstance(activation, str):
        return activation
    if export_info(activation) == ("keras.activations", None):
        return activation.__name__
    if hasattr(activation, "get_config") and hasattr(activation, "call"):
        return serialize_layer(activation)
    name = getattr(activation, "__name__", None)
    if name is None or name == "<lambda>":
        raise ValueError(f"Cannot serialize the activation {activation!r}: it has no name. "
                         f"Use a named function (def ...) and pass it via custom_objects "
                         f"when loading.")
    # Keras 3.15.1 writes any function this way: module "builtins", the registered name
    # ("package>name" when registered) as config
    return {"module": "builtins", "class_name": "function",
            "config": get_registered_name(activation), "registered_name": "function"}


def deserialize(config, custom_objects=None):
    """Inverse of :func:`serialize`: a name or dict back to the function (a layer's
    dict, e.g. ``ReLU``'s, back to the layer)."""
    if isinstance(config, str) or isinstance(config, dict) and \
            config.get("class_name") == "function":
        return deserialize_object(config, public_names("keras.activations"),
                                  "activation function", custom_objects)
    if isinstance(config, dict):
        return deserialize_layer(config, custom_objects=custom_objects)
    if callable(config):
        return config
    raise ValueError(f"Could not interpret activation function identifier: {config!r}.")
