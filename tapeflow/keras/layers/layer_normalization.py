"""``LayerNormalization``: Keras 3's layer, defaults, formula and weight order.

Each sample is normalised over ``axis`` (by default its last axis) with its own mean and
(biased) variance: ``x * inv + (beta - mean * inv)`` with
``inv = gamma / sqrt(variance + epsilon)``, the expression Keras evaluates. The weights
are ``gamma`` then ``beta``. Unlike BatchNormalization nothing is tracked across
batches, so training and inference compute the same thing.

Example:
    >>> import numpy as np
    >>> layer = LayerNormalization()
    >>> out = layer(np.array([[1.0, 2.0, 3.0]], np.float32)).numpy()
    >>> [round(float(v), 4) for v in out[0]]      # (x - 2) / sqrt(2/3 + 1e-3)
    [-1.2238, 0.0, 1.2238]
    >>> [w.name for w in layer.weights]
    ['gamma', 'beta']
"""
from tapeflow.keras import constraints, initializers, regularizers
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import reshape
from tapeflow.ops.nn import moments

__all__ = ["LayerNormalization"]


@keras_export("keras.layers")
class LayerNormalization(Layer):
    """Normalise each sample over ``axis``, then scale by ``gamma`` and shift by ``beta``.

    Args:
        axis: an int or a list of ints, the axes normalised over (default -1).
        epsilon: added to the variance before the square root (1e-3).
        center / scale: learn the shift ``beta`` / the scale ``gamma``.
        rms_scaling: Keras 3's deprecated option: divide by ``sqrt(variance + epsilon)``
            without subtracting the mean, then multiply by ``gamma`` (no ``beta``).
        *_initializer, *_regularizer, *_constraint: as for Dense's weights.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"LayerNormalization: expected an int or a list/tuple of ints "
                            f"for the argument 'axis', e.g. axis=-1; received: {axis!r}")
        self.epsilon = epsilon
        self.center, self.scale, self.rms_scaling = center, scale, rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -ndim <= a < ndim for a in axes):
            raise ValueError(f'Layer "{self.name}" (LayerNormalization): axis={self.axis} is '
                             f'out of range for inputs of shape {tuple(input_shape)} (rank '
                             f'{ndim}); use axes in [-{ndim}, {ndim}), e.g. axis=-1.')
        # Keras 3 keeps the axes as a (sorted) list once built, and saves them that way
        self.axis = sorted(axes) if isinstance(self.axis, list) else axes
        shape = tuple(input_shape[a] for a in self.axis)
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, name="gamma")
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")

    def call(self, inputs):
        x = inputs if inputs.array.dtype == self._np_dtype else \
            math_ops.cast(inputs, self._np_dtype)
        ndim = x.ndim
        axes = sorted(a % ndim for a in self.axis)
        broadcast = [x.shape[a] if a in axes else 1 for a in range(ndim)]

        def along(v):
            return v if v is None or axes == [ndim - 1] else reshape(v, broadcast)

        gamma, beta = along(self.gamma), along(self.beta)
        mean, variance = moments(x, axes, keepdims=True)
        inv = math_ops.rsqrt(math_ops.add(variance, self.epsilon))
        if self.rms_scaling:  # Keras 3.15: scales by the variance (deprecated, kept as is)
            out = math_ops.multiply(x, inv)
            return out if gamma is None else math_ops.multiply(out, gamma)
        if gamma is not None:
            inv = math_ops.multiply(inv, gamma)
        shift = math_ops.negative(math_ops.multiply(mean, inv))
        if beta is not None:
            shift = math_ops.add(shift, beta)
        return math_ops.add(math_ops.multiply(x, inv), shift)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale, "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint)})
        return config
