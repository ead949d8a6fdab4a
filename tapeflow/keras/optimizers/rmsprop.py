"""RMSprop: divide the gradient by a running root mean square of past gradients."""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.fast import FastUpdates

__all__ = ["RMSprop"]


@keras_export("keras.optimizers")
class RMSprop(FastUpdates, Optimizer):
    r"""RMSprop (Hinton, 2012), with optional plain momentum and centering.

    Update rule (:math:`\epsilon` inside the square root, as in Keras):

    .. math::

        a &\leftarrow \rho a + (1 - \rho) g^2 \\
        \text{centered}:\ \bar g &\leftarrow \rho \bar g + (1 - \rho) g,\quad
            d = a - \bar g^2 + \epsilon; \qquad \text{else } d = a + \epsilon \\
        \Delta &= \eta\, g / \sqrt{d} \\
        \text{momentum} > 0:\ m &\leftarrow \mu m + \Delta,\quad w \leftarrow w - m;
            \qquad \text{else } w \leftarrow w - \Delta

    Args:
        learning_rate: float or schedule (default 0.001).
        rho: discount of the squared-gradient average (default 0.9).
        momentum: :math:`\mu` (default 0.0).
        epsilon: added inside the square root (default 1e-7).
        centered: normalise by the estimated variance (default False).
        **kwargs: base arguments (weight_decay, clipnorm, ...).

    Example:
        >>> import tapeflow as tf
        >>> var = tf.Variable(10.0)
        >>> _ = RMSprop(learning_rate=0.1).minimize(lambda: (var ** 2) / 2.0, [var])
        >>> round(float(var), 6)  # a = 0.1 * 100 = 10; 10 - 0.1 * 10 / sqrt(10)
        9.683772
    """

    _splittable = True
    _elementwise = True  # update_step may run on a packed buffer (packing.py)

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.rho, self.momentum, self.epsilon = rho, momentum, epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        w, s, g = variable.buffer, self._scratch(variable), gradient
        a = self._slot(self._velocities, variable)
        rho = self.rho
        a *= rho
        np.multiply(g, g, out=s)
        s *= 1.0 - rho
        a += s                                                  # a = rho a + (1-rho) g^2
        if self.centered:
            mg = self._slot(self._average_gradients, variable)
            mg *= rho
            np.multiply(g, 1.0 - rho, out=s)
            mg += s                                             # mg = rho mg + (1-rho) g
            np.multiply(mg, mg, out=s)
            np.subtract(a, s, out=s)
            s += self.epsilon                                   # d = a - mg^2 + eps
        else:
            np.add(a, self.epsilon, out=s)                      # d = a + eps
        np.sqrt(s, out=s)
        np.divide(g, s, out=s)
        s *= learning_rate                                      # inc = lr g / sqrt(d)
        if self.momentum > 0:
            m = self._slot(self._momentums, variable)
            m *= self.momentum
            m += s
            np.subtract(w, m, out=w)
        else:
            np.subtract(w, s, out=w)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
