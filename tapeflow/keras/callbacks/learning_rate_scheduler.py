"""``LearningRateScheduler``: set the learning rate at each epoch start from a function."""
import sys

import numpy as np

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks.reduce_lr_on_plateau import _learning_rate

__all__ = ["LearningRateScheduler"]


class LearningRateScheduler(Callback):
    """Set ``optimizer.learning_rate = schedule(epoch, lr)`` at the start of every epoch.

    Args:
        schedule: a function ``(epoch, lr) -> new_lr`` (``epoch`` counts from 0), or the
            older one-argument form ``epoch -> new_lr``.
        verbose: 1 prints the new rate at each epoch.

    The epoch logs gain ``"learning_rate"``.

    Example:
        >>> class Opt: learning_rate = 0.1
        >>> class M: optimizer = Opt()
        >>> cb = LearningRateScheduler(lambda epoch, lr: lr / 2 if epoch > 0 else lr)
        >>> cb.set_model(M())
        >>> for epoch in range(3):
        ...     cb.on_epoch_begin(epoch)
        >>> M.optimizer.learning_rate
        0.025
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:
            learning_rate = self.schedule(epoch, _learning_rate(optimizer))
        except TypeError:  # the one-argument form of older Keras code
            learning_rate = self.schedule(epoch)
        if hasattr(learning_rate, "array"):  # a scalar tf.Tensor
            learning_rate = float(learning_rate)
        if not isinstance(learning_rate, (float, int, np.floating, np.integer)) or \
                isinstance(learning_rate, bool):
            raise ValueError(f"The output of the `schedule` function should be a float. "
                             f"Got: {learning_rate!r}")
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            sys.stdout.write(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning "
                             f"rate to {float(learning_rate)}.\n")
            sys.stdout.flush()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _learning_rate(self.model.optimizer)
