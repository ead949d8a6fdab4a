"""``History``: records the epoch figures of ``fit`` (returned by ``fit``, also
``model.history``).

Example:
    >>> h = History()
    >>> h.on_train_begin()
    >>> h.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.6})
    >>> h.history, h.epoch
    ({'loss': [0.5], 'val_loss': [0.6]}, [0])
"""
from tapeflow.keras.callbacks.callback import Callback

__all__ = ["History"]


class History(Callback):
    """Callback recording ``logs`` at each epoch end in ``history`` (name -> list).

    Attributes:
        history: dict mapping ``"loss"``, ``"accuracy"``, ``"val_loss"`` ... to one value
            per epoch.
        epoch: the epoch indices recorded (from 0, offset by ``initial_epoch``).
        params: ``{"verbose", "epochs", "steps"}`` of the run.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:  # the latest record is the model's history
            self.model.history = self
