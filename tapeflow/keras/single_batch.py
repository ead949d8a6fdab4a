"""``train_on_batch`` / ``test_on_batch`` / ``predict_on_batch``, mixed into ``Trainer``.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x = np.ones((4, 2), np.float32); y = np.zeros((4, 1), np.float32)
    >>> loss = model.train_on_batch(x, y)
    >>> type(loss), model.predict_on_batch(x).shape
    (<class 'float'>, (4, 1))
"""
import numpy as np

from tapeflow.keras import data_adapter
from tapeflow.keras.callbacks.callback_list import pythonify_logs
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import Tensor

__all__ = ["SingleBatchMethods"]


class SingleBatchMethods:
    """One batch at a time, through the same step functions as ``fit``/``evaluate``."""

    def _single_batch(self, x, y=None, sample_weight=None):
        dtype = self._float_dtype()
        parts = [data_adapter.standardize(v, dtype) for v in (x, y, sample_weight)]
        wrapped = [None if p is None else data_adapter._wrap(p, flatten(p)) for p in parts]
        return data_adapter.pack_x_y_sample_weight(*wrapped)

    def _batch_logs(self, logs, return_dict):
        logs = pythonify_logs(logs)  # Python floats, sorted by name, as Keras 3 returns them
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One gradient update on one batch; metrics keep accumulating across calls."""
        self._assert_compiled("train_on_batch")
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(f"Arguments `sample_weight` and `class_weight` cannot be "
                                 f"specified at the same time. Received: sample_weight="
                                 f"{sample_weight}, class_weight={class_weight}")
            sample_weight = data_adapter.class_weight_to_sample_weights(y, class_weight)
        logs = self.make_train_function()(self._single_batch(x, y, sample_weight))
        return self._batch_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss and metrics on one batch, in test mode."""
        self._assert_compiled("test_on_batch")
        logs = self.test_step(self._single_batch(x, y, sample_weight))
        return self._batch_logs(logs, return_dict)

    def predict_on_batch(self, x):
        """The model's outputs for one batch, as NumPy array(s)."""
        outputs = self.predict_step(self._single_batch(x))
        leaves = [np.asarray(v.array if isinstance(v, Tensor) else v) for v in flatten(outputs)]
        return pack_like(outputs, leaves)
