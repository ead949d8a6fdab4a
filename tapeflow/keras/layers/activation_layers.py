"""Activation functions as layers: ReLU, LeakyReLU, ELU, Softmax.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.layers.LeakyReLU()(np.array([[-1.0, 2.0]])).numpy()   # slope 0.3
    array([[-0.3,  2. ]], dtype=float32)
"""
from tapeflow.keras import activations
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer

__all__ = ["ReLU", "LeakyReLU", "ELU", "Softmax"]


class _Elementwise(Layer):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


@keras_export("keras.layers")
class ReLU(_Elementwise):
    """``relu`` with Keras's options: ``max_value``, ``negative_slope``, ``threshold``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. "
                             f"Received: negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be a negative value. "
                             f"Received: threshold={threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


@keras_export("keras.layers")
class LeakyReLU(_Elementwise):
    """``x`` for ``x > 0``, else ``negative_slope * x`` (the layer's default is 0.3)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"The negative_slope value of a Leaky ReLU layer cannot be None "
                             f"or negative. Received: negative_slope={negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@keras_export("keras.layers")
class ELU(_Elementwise):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


@keras_export("keras.layers")
class Softmax(_Elementwise):
    """Softmax along ``axis`` (the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            from tapeflow.ops import math as math_ops
            masked_out = math_ops.subtract(1.0, math_ops.cast(mask, inputs.dtype))
            inputs = math_ops.add(inputs, math_ops.multiply(masked_out, -1e9))
        if isinstance(self.axis, (list, tuple)):
            from tapeflow.ops import math as math_ops
            lse = math_ops.reduce_logsumexp(inputs, axis=list(self.axis), keepdims=True)
            return math_ops.exp(math_ops.subtract(inputs, lse))
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
