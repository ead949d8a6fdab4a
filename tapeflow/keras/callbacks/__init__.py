"""``keras.callbacks``: hooks into fit / evaluate / predict.

``fit`` always adds :class:`History` (returned by ``fit`` and kept as ``model.history``)
and, unless ``verbose=0``, :class:`ProgbarLogger`. ``ModelCheckpoint`` and
``BackupAndRestore`` live with the saving code and are loaded on first use.

Example:
    >>> from tapeflow import keras
    >>> stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    >>> stop.patience, stop.min_delta
    (2, 0)
"""
from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks.callback_list import CallbackList
from tapeflow.keras.callbacks.csv_logger import CSVLogger
from tapeflow.keras.callbacks.early_stopping import EarlyStopping
from tapeflow.keras.callbacks.history import History
from tapeflow.keras.callbacks.lambda_callback import LambdaCallback
from tapeflow.keras.callbacks.learning_rate_scheduler import LearningRateScheduler
from tapeflow.keras.callbacks.progbar_logger import ProgbarLogger
from tapeflow.keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from tapeflow.keras.callbacks.tensorboard import TensorBoard
from tapeflow.keras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["Callback", "CallbackList", "CSVLogger", "EarlyStopping", "History",
           "LambdaCallback", "LearningRateScheduler", "ProgbarLogger", "ReduceLROnPlateau",
           "TensorBoard", "TerminateOnNaN", "ModelCheckpoint", "BackupAndRestore"]

_SAVING = ("ModelCheckpoint", "BackupAndRestore")


def __getattr__(name):
    # Lazy: the saving package imports this one (Callback), so import it on demand.
    if name in _SAVING:
        from tapeflow.keras.saving import checkpoint
        return getattr(checkpoint, name)
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)


def __dir__():
    return sorted(set(globals()) | set(_SAVING))
