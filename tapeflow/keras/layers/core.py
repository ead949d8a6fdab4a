"""Weightless core layers: Flatten, Reshape, Activation, Dropout, Identity, Lambda.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.layers.Flatten()(np.zeros((2, 28, 28))).shape
    TensorShape([2, 784])
    >>> keras.layers.Dropout(0.5)(np.ones((1, 4)), training=False).numpy()
    array([[1., 1., 1., 1.]], dtype=float32)
"""
import math

import numpy as np

from tapeflow.keras import activations
from tapeflow.keras._objects import lookup_custom
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.ops import math as math_ops
from tapeflow.ops import nn
from tapeflow.ops.array import reshape

__all__ = ["Flatten", "Reshape", "Activation", "Dropout", "Identity", "Lambda"]


@keras_export("keras.layers")
class Flatten(Layer):
    """Flatten every axis but the batch axis: ``(batch, 28, 28)`` -> ``(batch, 784)``."""

    _keeps_input_dtype = True

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(f"Flatten: data_format must be 'channels_last' or "
                             f"'channels_first'; got {data_format!r}.")
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def build(self, input_shape):
        # Keras 3 gives Flatten a build (so its build_config is saved); no weights.
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first" and x.ndim > 2:
            from tapeflow.ops.array import transpose
            x = transpose(x, [0] + list(range(2, x.ndim)) + [1])
        return reshape(x, (x.array.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


@keras_export("keras.layers")
class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1)."""

    _keeps_input_dtype = True

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d < -1 or d == 0
                                                        for d in target_shape):
            raise ValueError(f"Reshape: target_shape may hold positive sizes and at most one "
                             f"-1; got {target_shape}.")
        self.target_shape = target_shape

    def _resolve(self, input_shape):
        rest = input_shape[1:]
        if -1 not in self.target_shape:
            known = None if any(d is None for d in rest) else math.prod(rest)
            if known is not None and known != math.prod(self.target_shape):
                raise ValueError(f'Layer "{self.name}": cannot reshape a sample of shape '
                                 f'{tuple(rest)} ({known} values) to {self.target_shape} '
                                 f'({math.prod(self.target_shape)} values).')
            return self.target_shape
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(rest)
        if total % known:
            raise ValueError(f'Layer "{self.name}": cannot reshape a sample of shape '
                             f'{tuple(rest)} ({total} values) to {self.target_shape}.')
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        shape = self._resolve(inputs.array.shape)
        return reshape(inputs, (inputs.array.shape[0],) + shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


@keras_export("keras.layers")
class Activation(Layer):
    """Apply an activation function, e.g. ``Activation("relu")``."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


@keras_export("keras.layers")
class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs during training.

    Only active when called with ``training=True`` (``fit`` does that); kept units
    are scaled by ``1 / (1 - rate)`` so the expected sum is unchanged, and at
    inference the layer is the identity.

    Args:
        rate: float in [0, 1), the fraction of inputs to drop.
        noise_shape: shape of the keep/drop mask, broadcast over the input
            (``None`` entries take the input's size), e.g. ``(None, 1)``.
        seed: an int for a reproducible stream of masks.
    """

    _keeps_input_dtype = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) \
                or not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate!r}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return inputs * 0.0
        return nn.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


@keras_export("keras.layers")
class Identity(Layer):
    """Return the input unchanged."""

    _keeps_input_dtype = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


@keras_export("keras.layers")
class Rescaling(Layer):
    """``inputs * scale + offset``, computed in the layer's float dtype:
    ``Rescaling(1 / 255)`` turns uint8 pixels into floats in [0, 1] inside the model.

    Example:
        >>> import numpy as np
        >>> out = Rescaling(1 / 255)(np.array([[255, 0]], np.uint8))
        >>> out.numpy().tolist(), out.dtype
        ([[1.0, 0.0]], tf.float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def build(self, input_shape):  # no weights; Keras 3 saves a build_config for it
        pass

    def call(self, inputs):
        x = inputs
        if x.array.dtype != self._np_dtype:  # integer pixels: compute in float32
            x = math_ops.cast(x, self._np_dtype)
        scale = np.asarray(self.scale, self._np_dtype)
        offset = np.asarray(self.offset, self._np_dtype)
        return math_ops.add(math_ops.multiply(x, scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


@keras_export("keras.layers")
class Lambda(Layer):
    """Wrap a Python function as a layer: ``Lambda(lambda x: x ** 2)``.

    The function runs on real tensors (and on zeros to infer output shapes in a
    Functional model). Serialisation records the function's name (or source text
    for a lambda), but loading never runs code from a file: a Lambda comes back
    only from a function you pass via ``custom_objects``.

    Args:
        function: the function, called as ``function(inputs, **arguments)``.
        output_shape: optional output shape without the batch axis.
        arguments: optional dict of keyword arguments for the function.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable; got {function!r}.")
        self.function = function
        self._output_shape = None if output_shape is None else tuple(output_shape)
        self.arguments = dict(arguments or {})

    def call(self, inputs, training=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None or callable(self._output_shape):
            raise NotImplementedError
        return (tuple(input_shape)[0],) + self._output_shape

    def get_config(self):
        fn = self.function
        name = getattr(fn, "__name__", None)
        if name is None or name == "<lambda>":
            import inspect
            try:
                code = inspect.getsource(fn).strip()
            except (OSError, TypeError):
                code = repr(fn)
            function = {"class_name": "__lambda__", "config": {"code": code, "defaults": None,
                                                               "closure": None}}
        else:
            function = {"module": getattr(fn, "__module__", None), "class_name": "function",
                        "config": name, "registered_name": "function"}
        return {**super().get_config(), "function": function, "arguments": self.arguments,
                "output_shape": self._output_shape}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        fn = config.pop("function")
        found = lookup_custom([fn.get("registered_name"), fn.get("config")], custom_objects) \
            if isinstance(fn, dict) and fn.get("class_name") == "function" else None
        if callable(fn):
            function = fn
        elif found is not None:
            function = found
        elif isinstance(fn, dict) and fn.get("class_name") == "__lambda__":
            raise ValueError(
                "Requested the deserialization of a `Lambda` layer whose `function` is a "
                "Python lambda. tapeflow never executes code read from a file, so this "
                "layer cannot be loaded. Rewrite the lambda as a named function and pass it "
                "when loading: custom_objects={'my_function': my_function}.")
        else:
            name = fn.get("config") if isinstance(fn, dict) else fn
            raise ValueError(
                f"Cannot load the Lambda layer {config.get('name')!r}: its function "
                f"{name!r} is Python code, which tapeflow does not load from files. Pass "
                f"it via custom_objects={{{name!r}: {name}}}.")
        return cls(function, **config)
