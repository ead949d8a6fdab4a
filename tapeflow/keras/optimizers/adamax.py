"""Adamax: Adam with the infinity norm in place of the second moment."""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.fast import FastUpdates

__all__ = ["Adamax"]


@keras_export("keras.optimizers")
class Adamax(FastUpdates, Optimizer):
    r"""Adamax (Kingma & Ba, 2014, section 7.1).

    At step :math:`t` (``iterations + 1``):

    .. math::

        m &\leftarrow m + (g - m)(1 - \beta_1), \qquad
        u \leftarrow \max(\beta_2 u, |g|) \\
        w &\leftarrow w - \frac{\eta\, m}{(1 - \beta_1^t)(u + \epsilon)}

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1, beta_2, epsilon: defaults 0.9, 0.999, 1e-7.
        **kwargs: base arguments (weight_decay, clipnorm, ...).

    Example:
        >>> import tapeflow as tf
        >>> w = tf.Variable([1.0])
        >>> _ = Adamax(learning_rate=0.1).apply_gradients([(tf.constant([-2.0]), w)])
        >>> round(float(w[0]), 5)  # m = -0.2, u = 2: w = 1 + 0.1 * 0.2 / (0.1 * 2)
        1.1
    """

    _splittable = True
    _elementwise = True  # update_step may run on a packed buffer (packing.py)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="adamax",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        w, s, g = variable.buffer, self._scratch(variable), gradient
        m = self._slot(self._m, variable)
        u = self._slot(self._u, variable)
        t = int(self.iterations) + 1
        np.subtract(g, m, out=s)
        s *= 1.0 - self.beta_1
        m += s                                                  # m += (g - m)(1 - b1)
        u *= self.beta_2
        np.abs(g, out=s)
        np.maximum(u, s, out=u)                                 # u = max(b2 u, |g|)
        np.add(u, self.epsilon, out=s)
        np.divide(m, s, out=s)
        s *= learning_rate / (1.0 - self.beta_1 ** t)
        np.subtract(w, s, out=w)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
