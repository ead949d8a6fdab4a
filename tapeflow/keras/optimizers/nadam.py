"""Nadam: Adam with Nesterov momentum."""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.fast import FastUpdates

__all__ = ["Nadam"]


@keras_export("keras.optimizers")
class Nadam(FastUpdates, Optimizer):
    r"""Nadam (Dozat, 2015) with Keras's momentum schedule (decay 0.96).

    At step :math:`t` (``iterations + 1``):

    .. math::

        u_t &= \beta_1 (1 - 0.5 \cdot 0.96^{t}), \qquad
        u_{t+1} = \beta_1 (1 - 0.5 \cdot 0.96^{t+1}), \qquad
        \Pi_t = \textstyle\prod_{i \le t} u_i \\
        m &\leftarrow m + (g - m)(1 - \beta_1), \qquad
        v \leftarrow v + (g^2 - v)(1 - \beta_2) \\
        \hat m &= \frac{u_{t+1} m}{1 - \Pi_t u_{t+1}} + \frac{(1 - u_t) g}{1 - \Pi_t},
        \qquad \hat v = \frac{v}{1 - \beta_2^t} \\
        w &\leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    :math:`\Pi` is kept in the variable ``u_product`` (the last of :attr:`variables`).

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1, beta_2, epsilon: as in Adam (0.9, 0.999, 1e-7).
        **kwargs: base arguments (weight_decay, clipnorm, ...).

    Example:
        >>> import tapeflow as tf
        >>> w = tf.Variable([1.0])
        >>> _ = Nadam(learning_rate=0.1).apply_gradients([(tf.constant([1.0]), w)])
        >>> # u_1 = 0.468, u_2 = 0.48528, m = 0.1, v_hat = 1:
        >>> # m_hat = 0.48528 * 0.1 / (1 - 0.468 * 0.48528) + (1 - 0.468) / (1 - 0.468)
        >>> round(float(w[0]), 5)  # 1 - 0.1 * 1.062788
        0.89372
    """

    _splittable = True
    _elementwise = True  # update_step may run on a packed buffer (packing.py)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="nadam",
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
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        dtype = var_list[0].array.dtype if var_list else np.float32
        self._u_product = self.add_variable((), "ones", dtype, "u_product")

    def _u(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _backend_update_step(self, grads, variables, learning_rate):
        self._u_product.buffer[...] *= self._u(int(self.iterations) + 1)   # Pi_t, once per step
        super()._backend_update_step(grads, variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        w, g = variable.buffer, gradient
        s, s2 = self._scratch(variable, 0), self._scratch(variable, 1)
        m = self._slot(self._momentums, variable)
        v = self._slot(self._velocities, variable)
        t = int(self.iterations) + 1
        u_t, u_next = self._u(t), self._u(t + 1)
        prod = float(self._u_product.array)
        np.subtract(g, m, out=s)
        s *= 1.0 - self.beta_1
        m += s
        np.multiply(g, g, out=s)
        s -= v
        s *= 1.0 - self.beta_2
        v += s
        np.multiply(m, u_next / (1.0 - prod * u_next), out=s)
        np.multiply(g, (1.0 - u_t) / (1.0 - prod), out=s2)
        s += s2                                                 # m_hat
        np.multiply(v, 1.0 / (1.0 - self.beta_2 ** t), out=s2)
        np.sqrt(s2, out=s2)
        s2 += self.epsilon                                      # sqrt(v_hat) + eps
        np.divide(s, s2, out=s)
        s *= learning_rate
        np.subtract(w, s, out=w)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
