"""``ReduceLROnPlateau``: lower the learning rate when a quantity stops improving."""
import sys
import warnings

import numpy as np

from tapeflow.keras.callbacks.callback import Callback

__all__ = ["ReduceLROnPlateau"]


def _learning_rate(optimizer):
    """The optimizer's current learning rate as a float (a schedule is evaluated)."""
    lr = optimizer.learning_rate
    if callable(lr) and not hasattr(lr, "array"):
        lr = lr(getattr(optimizer, "iterations", 0))
    return float(np.asarray(getattr(lr, "array", lr)))


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: quantity to watch (``"val_loss"``).
        factor: ``new_lr = lr * factor`` (must be < 1).
        patience: epochs without improvement before the rate is lowered.
        verbose: 1 prints a message when the rate changes.
        mode: ``"auto"`` (max if "acc" is in the name, else min), ``"min"``, ``"max"``.
        min_delta: an improvement must beat the best value by more than this.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below this.

    The epoch logs gain ``"learning_rate"`` (so History records it).

    Example:
        >>> class Opt: learning_rate = 0.1
        >>> class M: optimizer = Opt()
        >>> cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
        >>> cb.set_model(M()); cb.on_train_begin()
        >>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
        ...     cb.on_epoch_end(epoch, {"loss": loss})
        >>> M.optimizer.learning_rate
        0.025
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. "
                             f"Received factor={factor}")
        self.monitor = monitor
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = mode
        self.monitor_op = None
        self._reset()

    def _reset(self):
        if self.mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {self.mode} is unknown, fallback to "
                          f"auto mode.", stacklevel=2)
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _learning_rate(self.model.optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` "
                          f"which is not available. Available metrics are: "
                          f"{','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch):
        old_lr = _learning_rate(self.model.optimizer)
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            self.model.optimizer.learning_rate = new_lr
            if self.verbose > 0:
                sys.stdout.write(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                                 f"rate to {new_lr}.\n")
                sys.stdout.flush()
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0
