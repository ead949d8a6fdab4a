"""``TerminateOnNaN``: stop training as soon as the loss becomes NaN or infinite."""
import math
import sys

from tapeflow.keras.callbacks.callback import Callback

__all__ = ["TerminateOnNaN"]


class TerminateOnNaN(Callback):
    """Set ``model.stop_training`` when a batch's loss is NaN or infinite.

    Training ends cleanly after that batch: the epoch is closed (its figures, NaN
    included, reach History and the other callbacks) and ``fit`` returns.

    Args:
        raise_error: raise ``RuntimeError`` at once instead (no ``on_train_end`` for
            the other callbacks, so a backup is not cleaned up).

    Example:
        >>> class M: stop_training = False
        >>> cb = TerminateOnNaN(); cb.set_model(M())
        >>> cb.on_batch_end(3, {"loss": float("nan")})
        Batch 3: Invalid loss, terminating training
        >>> cb.model.stop_training
        True
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        try:
            loss = float(loss)
        except (TypeError, ValueError):
            return
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                                   f"{loss}. Terminating training immediately.")
            sys.stdout.write(f"Batch {batch}: Invalid loss, terminating training\n")
            sys.stdout.flush()
            self.model.stop_training = True
