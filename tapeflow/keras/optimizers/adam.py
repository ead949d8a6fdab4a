"""Adam and AdamW: adaptive moment estimation (AdamW: with decoupled weight decay)."""
import math

import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.fast import FastUpdates

__all__ = ["Adam", "AdamW"]


@keras_export("keras.optimizers")
class Adam(FastUpdates, Optimizer):
    r"""Adam (Kingma & Ba, 2014), with optional AMSGrad.

    Update rule at step :math:`t` (``iterations + 1``), :math:`\epsilon` outside the root:

    .. math::

        m &\leftarrow m + (g - m)(1 - \beta_1), \qquad
        v \leftarrow v + (g^2 - v)(1 - \beta_2) \\
        \alpha &= \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t) \\
        \text{amsgrad}:\ \hat v &\leftarrow \max(\hat v, v) \text{ replaces } v \text{ below} \\
        w &\leftarrow w - \alpha\, m / (\sqrt{v} + \epsilon)

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: first-moment decay (default 0.9).
        beta_2: second-moment decay (default 0.999).
        epsilon: added to :math:`\sqrt{v}` (default 1e-7).
        amsgrad: use the running maximum of :math:`v` (default False).
        **kwargs: base arguments (weight_decay, clipnorm, ...).

    Example:
        >>> import tapeflow as tf
        >>> w = tf.Variable([1.0, 2.0, 3.0, 4.0])
        >>> _ = Adam(learning_rate=0.5).apply_gradients([(tf.ones(4), w)])
        >>> # m = 0.1, v = 0.001, alpha = 0.5 * sqrt(1 - 0.999) / (1 - 0.9) = 0.158114,
        >>> # step = alpha * m / (sqrt(v) + 1e-7) = 0.49999842
        >>> [round(x, 5) for x in w.numpy().tolist()]
        [0.5, 1.5, 2.5, 3.5]
    """

    _splittable = True
    _elementwise = True  # update_step may run on a packed buffer (packing.py)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        w, s, g = variable.buffer, self._scratch(variable), gradient
        m = self._slot(self._momentums, variable)
        v = self._slot(self._velocities, variable)
        t = int(self.iterations) + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        np.subtract(g, m, out=s)
        s *= 1.0 - self.beta_1
        m += s                                                  # m += (g - m)(1 - b1)
        np.multiply(g, g, out=s)
        s -= v
        s *= 1.0 - self.beta_2
        v += s                                                  # v += (g^2 - v)(1 - b2)
        if self.amsgrad:
            v_hat = self._slot(self._velocity_hats, variable)
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=s)
        s += self.epsilon
        np.divide(m, s, out=s)
        s *= alpha
        np.subtract(w, s, out=w)                                # w -= alpha m / (sqrt(v) + eps)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config


@keras_export("keras.optimizers")
class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before each Adam step every (non-excluded) weight decays:
    :math:`w \leftarrow w - w \cdot \lambda \eta` with :math:`\lambda` = ``weight_decay``
    (default 0.004); then the Adam update above is applied.

    Example:
        >>> import tapeflow as tf
        >>> w = tf.Variable([1.0])
        >>> _ = AdamW(learning_rate=0.1, weight_decay=0.5).apply_gradients(
        ...     [(tf.constant([0.0]), w)])
        >>> w.numpy()  # decay: 1 - 1 * 0.5 * 0.1 = 0.95; zero gradient adds nothing
        array([0.95], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adamw", **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
