"""``EarlyStopping``: stop training when a monitored quantity has stopped improving."""
import operator
import sys
import warnings

from tapeflow.keras.callbacks._monitor import monitor_op
from tapeflow.keras.callbacks.callback import Callback

__all__ = ["EarlyStopping"]


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Each epoch end counts one more epoch of waiting; an improvement (better than the
    best so far by more than ``min_delta``) resets the count, unless ``baseline`` is set
    and not beaten. Training stops when the count reaches ``patience`` (never at the
    first epoch).

    Args:
        monitor: quantity to watch in the epoch logs (``"val_loss"``).
        min_delta: smallest change that counts as an improvement (absolute value used).
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a message when the callback acts.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: training stops unless the quantity beats this value within
            ``patience`` epochs.
        restore_best_weights: at the end of training, restore the weights of the best
            epoch (even if no epoch beat ``baseline``).
        start_from_epoch: epochs to wait before monitoring starts (a warm-up).

    Example:
        >>> stop = EarlyStopping(monitor="loss", patience=1, mode="min")
        >>> class M: stop_training = False
        >>> stop.set_model(M()); stop.on_train_begin()
        >>> for epoch, loss in enumerate([1.0, 0.5, 0.7]):
        ...     stop.on_epoch_end(epoch, {"loss": loss})
        >>> stop.model.stop_training, stop.stopped_epoch, stop.best
        (True, 2, 0.5)
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"EarlyStopping mode {mode} is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        self.mode = mode
        self.monitor_op = None
        self.best = None

    def _set_monitor_op(self):
        self.monitor_op = monitor_op(self.monitor, self.mode, self.model, "EarlyStopping")
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)
        self.best = float("inf") if self.monitor_op is operator.lt else -float("inf")

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0
        if self.monitor_op is not None:  # a reused instance starts afresh
            self.best = float("inf") if self.monitor_op is operator.lt else -float("inf")

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            _print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                _print(f"Restoring model weights from the end of the best epoch: "
                       f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs)}", stacklevel=2)
        return value

    def _is_improvement(self, value, reference):
        return self.monitor_op(value - self.min_delta, reference)


def _print(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
