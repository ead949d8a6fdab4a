"""``BatchNormalization``: Keras 3's layer, its formulas, defaults and weight order.

Training normalises with the batch's mean and (biased) variance over every axis but
``axis`` and moves the running statistics ``moving = moving * momentum + batch * (1 -
momentum)``; inference uses the running statistics. Both compute
``inputs * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(variance + epsilon)``,
as Keras does. Updating the running statistics assigns Variables, so ``fit`` runs a
model with this layer eagerly (see ``keras/traced_step.py``).

Example:
    >>> import numpy as np
    >>> bn = BatchNormalization()
    >>> x = np.array([[0.0], [3.0], [6.0], [9.0]], np.float32)
    >>> [round(float(v), 4) for v in bn(x, training=True).numpy().ravel()]
    [-1.3416, -0.4472, 0.4472, 1.3416]
    >>> bn.moving_mean.numpy().tolist(), [w.name for w in bn.weights]
    ([0.044999998062849045], ['gamma', 'beta', 'moving_mean', 'moving_variance'])
"""
from tapeflow.keras import constraints, initializers, regularizers
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import reshape
from tapeflow.ops.nn import moments

__all__ = ["BatchNormalization"]


@keras_export("keras.layers")
class BatchNormalization(Layer):
    """Normalise each feature (along ``axis``) over the batch, then scale and shift.

    Args:
        axis: the feature axis (or a list of axes), by default the last.
        momentum: weight of the old running statistics in each update (0.99).
        epsilon: added to the variance before the square root (1e-3).
        center / scale: learn a shift ``beta`` / a scale ``gamma``.
        *_initializer, *_regularizer, *_constraint: as for Dense's weights.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        if renorm:
            raise NotImplementedError("BatchNormalization: renorm=True (batch "
                                      "renormalization) is not supported by tapeflow.")
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.synchronized = bool(synchronized)

    def _axes(self, ndim):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        return sorted(a % ndim for a in axes)

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self._axes(ndim)
        if any(input_shape[a] is None for a in axes):
            raise ValueError(f'Layer "{self.name}": the normalised axis {self.axis} of the '
                             f'input must be known; got input shape {tuple(input_shape)}.')
        shape = tuple(input_shape[a] for a in axes)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, name="gamma")
        if self.center:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(
            shape=shape, initializer=self.moving_variance_initializer, trainable=False,
            name="moving_variance")
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})

    def call(self, inputs, training=None, mask=None):
        ndim = len(inputs.shape)
        axes = self._axes(ndim)
        reduce = [a for a in range(ndim) if a not in axes]
        # per-feature vectors broadcast against inputs of any rank
        shape = [inputs.shape[a] if a in axes else 1 for a in range(ndim)]

        def along(v):
            return reshape(v, shape) if len(axes) > 1 or axes[0] != ndim - 1 else v

        if training:
            mean, variance = moments(inputs, reduce)
            mean_v, var_v = mean.array.reshape(-1), variance.array.reshape(-1)
            for moving, batch in ((self.moving_mean, mean_v), (self.moving_variance, var_v)):
                moving.assign(moving.array * self.momentum + batch.reshape(moving.shape) *
                              (1.0 - self.momentum))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        inv = math_ops.rsqrt(math_ops.add(variance, self.epsilon))
        if self.scale:
            inv = math_ops.multiply(inv, self.gamma)
        shift = math_ops.negative(math_ops.multiply(mean, inv))
        if self.center:
            shift = math_ops.add(shift, self.beta)
        return math_ops.add(math_ops.multiply(inputs, along(inv)), along(shift))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized, "renorm": False, "renorm_clipping": None,
            "renorm_momentum": 0.99})
        return config
