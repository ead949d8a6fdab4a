"""Adagrad: per-parameter learning rates shrinking with the sum of squared gradients."""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.fast import FastUpdates

__all__ = ["Adagrad"]


@keras_export("keras.optimizers")
class Adagrad(FastUpdates, Optimizer):
    r"""Adagrad (Duchi et al., 2011).

    Update rule (the accumulator starts at ``initial_accumulator_value``):

    .. math::

        a \leftarrow a + g^2, \qquad w \leftarrow w - \eta\, g / \sqrt{a + \epsilon}

    Args:
        learning_rate: float or schedule (default 0.001).
        initial_accumulator_value: starting value of :math:`a` (default 0.1).
        epsilon: added inside the square root (default 1e-7).
        **kwargs: base arguments (weight_decay, clipnorm, ...).

    Example:
        >>> import tapeflow as tf
        >>> w = tf.Variable([1.0])
        >>> _ = Adagrad(learning_rate=0.1).apply_gradients([(tf.constant([0.3]), w)])
        >>> round(float(w[0]), 6)  # a = 0.1 + 0.09 = 0.19; 1 - 0.1 * 0.3 / sqrt(0.19)
        0.931175
    """

    _splittable = True
    _elementwise = True  # update_step may run on a packed buffer (packing.py)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        w, s, g = variable.buffer, self._scratch(variable), gradient
        acc = self._slot(self._accumulators, variable)
        np.multiply(g, g, out=s)
        acc += s                                                # a += g^2
        np.add(acc, self.epsilon, out=s)
        np.sqrt(s, out=s)
        np.divide(g, s, out=s)
        s *= learning_rate
        np.subtract(w, s, out=w)                                # w -= lr g / sqrt(a + eps)

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
