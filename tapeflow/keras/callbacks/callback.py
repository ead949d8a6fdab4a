"""``keras.callbacks.Callback``: the base class of every training hook.

Subclass it and override the hooks you need; ``fit``, ``evaluate`` and ``predict``
call them at the moments their names say. ``self.model`` is the model being trained
and ``self.params`` holds ``{"verbose", "epochs", "steps"}``.

Example:
    >>> class PrintEpochs(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(f"epoch {epoch} loss {logs['loss']:.2f}")
    >>> PrintEpochs().on_epoch_end(0, {"loss": 0.5})
    epoch 0 loss 0.50
"""

__all__ = ["Callback"]


class Callback:
    """Base class for callbacks; every hook is a no-op until overridden.

    Hooks with ``logs``: batch-end hooks receive the running values of the loss and
    metrics (``{"accuracy": 0.9, "loss": 0.3}``), ``on_epoch_end`` receives the epoch's
    figures plus the ``val_`` ones when there is validation data, and
    ``on_predict_batch_end`` receives ``{"outputs": ...}``.
    """

    # Class-level defaults: subclasses that forget ``super().__init__()`` still work.
    params = None
    _model = None

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        """Receive the run's parameters: ``{"verbose": ..., "epochs": ..., "steps": ...}``."""
        self.params = params

    def set_model(self, model):
        """Receive the model this callback works with."""
        self._model = model

    @property
    def model(self):
        """The model being trained, evaluated or used for prediction."""
        return self._model

    @model.setter
    def model(self, model):
        self._model = model

    # --- generic batch hooks (kept for code written against Keras 2) ----------------
    def on_batch_begin(self, batch, logs=None):
        """A legacy alias: called by ``on_train_batch_begin``."""

    def on_batch_end(self, batch, logs=None):
        """A legacy alias: called by ``on_train_batch_end``."""

    # --- fit ------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (``epoch`` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch with the epoch's figures in ``logs``."""

    def on_train_begin(self, logs=None):
        """Called once when ``fit`` starts."""

    def on_train_end(self, logs=None):
        """Called once when ``fit`` ends, with the last epoch's ``logs``."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training batch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training batch with the running figures."""
        self.on_batch_end(batch, logs=logs)

    # --- evaluate (and validation inside fit) ------------------------------------------
    def on_test_begin(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) starts."""

    def on_test_end(self, logs=None):
        """Called when ``evaluate`` (or a validation pass) ends, with its figures."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch with the running figures."""

    # --- predict ----------------------------------------------------------------------
    def on_predict_begin(self, logs=None):
        """Called when ``predict`` starts."""

    def on_predict_end(self, logs=None):
        """Called when ``predict`` ends."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch with ``{"outputs": ...}``."""
