"""Stochastic gradient descent, with optional (Nesterov) momentum."""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.optimizers.base import Optimizer
from tapeflow.keras.optimizers.fast import FastUpdates

__all__ = ["SGD"]


@keras_export("keras.optimizers")
class SGD(FastUpdates, Optimizer):
    r"""Gradient descent with optional momentum.

    Update rule for a weight :math:`w` with gradient :math:`g` and learning rate
    :math:`\eta`:

    .. math::

        \text{momentum} = 0:&\quad w \leftarrow w - \eta g \\
        \text{otherwise}:&\quad v \leftarrow \mu v - \eta g,\qquad w \leftarrow w + v \\
        \text{nesterov}:&\quad v \leftarrow \mu v - \eta g,\qquad
                           w \leftarrow w + \mu v - \eta g

    Args:
        learning_rate: float or schedule (default 0.01).
        momentum: :math:`\mu \in [0, 1]` (default 0.0).
        nesterov: use Nesterov momentum (default False).
        **kwargs: base arguments (weight_decay, clipnorm, clipvalue, global_clipnorm, ...).

    Example:
        >>> import tapeflow as tf
        >>> w = tf.Variable([1.0])
        >>> opt = SGD(learning_rate=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     _ = opt.apply_gradients([(tf.constant([1.0]), w)])
        >>> w.numpy()  # v1 = -0.1, w = 0.9; v2 = -0.09 - 0.1 = -0.19, w = 0.71
        array([0.71], dtype=float32)
    """

    _splittable = False  # two memory-bound passes: a thread hand-off costs more
    _elementwise = True  # update_step may run on a packed buffer (packing.py)

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) \
                or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: "
                             f"momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        w, s = variable.buffer, self._scratch(variable)
        np.multiply(gradient, learning_rate, out=s)            # s = lr * g
        if self.momentum == 0:
            np.subtract(w, s, out=w)
            return
        v = self._slot(self.momentums, variable)
        v *= self.momentum
        v -= s                                                  # v = mu v - lr g
        if self.nesterov:
            np.subtract(w, s, out=w)
            np.multiply(v, self.momentum, out=s)
            np.add(w, s, out=w)                                 # w += mu v - lr g
        else:
            np.add(w, v, out=w)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
