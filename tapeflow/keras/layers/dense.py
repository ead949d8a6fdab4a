"""``Dense``: ``activation(inputs @ kernel + bias)``, the fully connected layer.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> layer = keras.layers.Dense(512, activation="relu")
    >>> layer(np.zeros((32, 784))).shape
    TensorShape([32, 512])
    >>> [tuple(w.shape) for w in layer.weights], layer.count_params()   # 784*512 + 512
    ([(784, 512), (512,)], 401920)
"""
import numpy as np

from tapeflow.keras import activations, constraints, initializers, regularizers
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.ops import math as math_ops
from tapeflow.ops.nn import _dense
from tapeflow.tensor import Tensor

__all__ = ["Dense"]

# activations the fused dense op applies itself (one op, one VJP, no temporaries)
_FUSED = {activations.linear: "linear", activations.relu: "relu",
          activations.sigmoid: "sigmoid", activations.tanh: "tanh"}


def _hashable(fn):
    try:
        hash(fn)
    except TypeError:
        return False
    return True


def _check_units(units):
    if isinstance(units, (bool, np.bool_)) or not isinstance(units, (int, np.integer)) \
            or units <= 0:
        raise ValueError(f"Received an invalid value for `units`, expected a positive "
                         f"integer. Received: units={units!r}. `units` is the number of "
                         f"neurons (outputs) of the Dense layer, e.g. Dense(10).")
    return int(units)


@keras_export("keras.layers")
class Dense(Layer):
    """Just your regular densely-connected NN layer.

    ``output = activation(dot(input, kernel) + bias)``; the kernel has shape
    ``(input_dim, units)``. Inputs of rank > 2 are contracted along their last axis.

    Args:
        units: positive integer, the number of outputs.
        activation: a name ("relu", "softmax" ...), a function, or None (linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: "glorot_uniform" by default.
        bias_initializer: "zeros" by default.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added
            to ``layer.losses``.
        kernel_constraint, bias_constraint: projections applied after each update.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 quantization_config=None, **kwargs):
        units = _check_units(units)
        if quantization_config is not None:
            raise ValueError(f"Dense: quantized layers are not supported by tapeflow; got "
                             f"quantization_config={quantization_config!r}.")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f'Layer "{self.name}": the last dimension of the inputs to a '
                             f'Dense layer should be defined. Found None (input shape '
                             f'{tuple(input_shape)}).')
        self.kernel = self.add_weight(shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        else:
            self.bias = None
            # the fused op wants a bias; a constant zero one is never differentiated
            self.__dict__["_zero_bias"] = Tensor(np.zeros(self.units, self._np_dtype))
        self.input_spec = InputSpec(min_ndim=2, axes={-1: int(input_dim)})

    def call(self, inputs, training=None):
        x = inputs
        if x.array.dtype != self._np_dtype:  # integer pixels etc.: compute in float32
            x = math_ops.cast(x, self._np_dtype)
        bias = self.bias
        if x.array.ndim == 2:
            if bias is None:
                bias = self._zero_bias
            fused = _FUSED.get(self.activation) if _hashable(self.activation) else None
            if fused is not None:
                return _dense(x, self.kernel, bias, activation=fused)
            z = _dense(x, self.kernel, bias, activation="linear")
        else:
            z = math_ops.tensordot(x, self.kernel, [[x.array.ndim - 1], [0]])
            if bias is not None:
                z = math_ops.add(z, bias)
        return self.activation(z)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)[:-1] + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,  # Keras 3.15 writes this key
        })
        return config
