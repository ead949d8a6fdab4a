"""``CallbackList``: calls every callback's hook in turn, adding History and the bar.

``fit`` builds one with ``add_history=True`` and ``add_progbar=(verbose != 0)``: the
user's callbacks come first, then :class:`History`, then :class:`ProgbarLogger`
(Keras's order, so a callback that adds to ``logs`` in ``on_epoch_end``, such as
ReduceLROnPlateau's ``learning_rate``, is recorded and shown).

Example:
    >>> from tapeflow.keras.callbacks import Callback
    >>> class Count(Callback):
    ...     n = 0
    ...     def on_train_batch_end(self, batch, logs=None):
    ...         self.n += 1
    >>> cbs = CallbackList([Count()], add_history=True)
    >>> cbs.on_train_batch_end(0, {"loss": 1.0})
    >>> [type(c).__name__ for c in cbs.callbacks], cbs.callbacks[0].n
    (['Count', 'History'], 1)
"""
from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks.history import History
from tapeflow.keras.callbacks.progbar_logger import ProgbarLogger
from tapeflow.tape import flatten

__all__ = ["CallbackList", "pythonify_logs"]


def pythonify_logs(logs):
    """Logs as a dict sorted by name with Python floats (nested dicts merged in).

    Example:
        >>> import numpy as np
        >>> pythonify_logs({"loss": np.float32(0.5), "accuracy": 1})
        {'accuracy': 1.0, 'loss': 0.5}
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


class CallbackList(Callback):
    """A container that forwards each hook to a list of callbacks.

    Args:
        callbacks: a list of :class:`Callback` instances (nested lists are flattened).
        add_history: append a :class:`History` unless the list already has one.
        add_progbar: append a :class:`ProgbarLogger` unless the list already has one.
        model: the model given to every callback with ``set_model``.
        **params: given to every callback with ``set_params`` (``verbose``, ``epochs``,
            ``steps``).
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        self.callbacks = flatten(list(callbacks)) if callbacks else []
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"callbacks must be keras.callbacks.Callback instances; got "
                    f"{type(cb).__name__} {cb!r:.80}. Subclass keras.callbacks.Callback, or "
                    f"wrap plain functions in keras.callbacks.LambdaCallback.")
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self._batch_callbacks = {}  # hook -> the callbacks that define it (_call_batch)
        self.set_model(model)
        self.set_params(params)

    def append(self, callback):
        """Add one more callback at the end."""
        self.callbacks.append(callback)
        self._batch_callbacks = {}

    def _call_batch(self, hook, legacy, batch, logs):
        """A per-batch hook, called only on the callbacks that override it (or its legacy
        ``on_batch_*`` alias), as Keras does: most never do, and fit calls it each step."""
        for cb in self.batch_callbacks(hook, legacy):
            getattr(cb, hook)(batch, logs)

    def batch_callbacks(self, hook, legacy):
        """The callbacks that override ``hook`` or its legacy alias (cached)."""
        found = self._batch_callbacks.get(hook)
        if found is None:
            found = self._batch_callbacks[hook] = [
                cb for cb in self.callbacks if _overrides(cb, hook) or _overrides(cb, legacy)]
        return found

    def set_params(self, params):
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs or {})

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs or {})

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs if logs is not None else {})

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs or {})

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs or {})

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", "on_batch_begin", batch, logs or {})

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", "on_batch_end", batch, logs or {})

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs or {})

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs or {})

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs or {})

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs or {})

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs or {})

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs or {})

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs or {})

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs or {})


def _overrides(callback, hook):
    """True if ``callback`` defines ``hook`` itself (in its class or, as LambdaCallback
    does, on the instance) rather than inheriting Callback's no-op."""
    cls = type(callback)
    return hook in getattr(callback, "__dict__", ()) or \
        getattr(cls, hook) is not getattr(Callback, hook) or \
        cls.__getattribute__ is not object.__getattribute__  # it answers for any name
