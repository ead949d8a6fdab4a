"""``TensorBoard``: training curves and weight histograms as TensorBoard event files.

Keras 3's layout and tags: ``<log_dir>/train`` and ``<log_dir>/validation`` each get an
event file; per epoch ``epoch_<metric>`` (and ``epoch_learning_rate`` in train); with
``update_freq`` "batch" or N, ``batch_<metric>`` every N training batches (step = the
global batch count, from 1); after each evaluation, ``evaluation_<metric>_vs_iterations``
(step = optimizer iterations); with ``histogram_freq`` N, ``<weight path>/histogram``
every N epochs; with ``write_graph``, the model's config under ``keras`` (TensorBoard's
"Keras model" conceptual graph). Files are written by ``tf.summary``; view them with
``tensorboard --logdir <log_dir>``.

Example:
    >>> import os, tempfile, numpy as np
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> logdir = tempfile.mkdtemp()
    >>> _ = model.fit(np.ones((8, 2)), np.ones(8), epochs=2, verbose=0,
    ...               callbacks=[keras.callbacks.TensorBoard(logdir)])
    >>> sorted(os.listdir(logdir))
    ['train']
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np

from tapeflow import summary
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.callbacks.callback import Callback

__all__ = ["TensorBoard"]


def _scalar(value):
    """A float for a loggable scalar, else None (lists, strings, arrays are skipped)."""
    try:
        array = np.asarray(getattr(value, "array", value))
    except (TypeError, ValueError):
        return None
    if array.size != 1 or array.dtype.kind not in "biuf":
        return None
    return float(array.reshape(()))


@keras_export("keras.callbacks")
class TensorBoard(Callback):
    """Writes TensorBoard logs during ``fit`` / ``evaluate``, as ``keras.callbacks.TensorBoard``.

    Args:
        log_dir: Directory of the logs (``train/`` and ``validation/`` inside).
        histogram_freq: Every how many epochs to write weight histograms (0: never).
        write_graph: Write the model's Keras config (TensorBoard's conceptual graph).
        write_images: Not supported (a warning says so); weights are not drawn as images.
        write_steps_per_second: Also log training steps per second.
        update_freq: ``"epoch"``, ``"batch"`` (every batch) or N (every N batches).
        profile_batch: Accepted; profiling is not supported (0 disables it, as default).
        embeddings_freq: Accepted; the embedding projector is not supported.
        embeddings_metadata: Accepted and ignored.
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True,
                 write_images=False, write_steps_per_second=False, update_freq="epoch",
                 profile_batch=0, embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        if update_freq != "epoch" and update_freq != "batch" and not (
                isinstance(update_freq, int) and update_freq > 0):
            raise ValueError("TensorBoard: `update_freq` must be 'epoch', 'batch' or a "
                             f"positive integer; received update_freq={update_freq!r}.")
        self.log_dir = str(os.fspath(log_dir))
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        unsupported = [name for name, value in (
            ("write_images", write_images), ("profile_batch", profile_batch),
            ("embeddings_freq", embeddings_freq)) if value]
        if unsupported:
            warnings.warn(f"TensorBoard: {', '.join(unsupported)} not supported by tapeflow; "
                          "ignored (scalars, histograms and the model graph are written).",
                          stacklevel=2)
        del embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start = (0.0, 0)

    def set_model(self, model):
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        if self.write_graph:
            self._write_keras_model_summary()

    def _writer(self, which):
        if which not in self._writers:
            directory = self._train_dir if which == "train" else self._val_dir
            self._writers[which] = summary.create_file_writer(directory)
        return self._writers[which]

    def _write_scalars(self, which, logs, prefix, step, suffix=""):
        with self._writer(which).as_default():
            for name, value in logs.items():
                value = _scalar(value)
                if value is not None:
                    summary.scalar(f"{prefix}{name}{suffix}", value, step=step)

    def _write_keras_model_summary(self):
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            config = self.model.to_json()
        except (NotImplementedError, TypeError, ValueError, AttributeError) as err:
            warnings.warn(f"TensorBoard: model graph not written ({err}).", stacklevel=3)
            return
        writer = self._writer("train")
        writer.write_summary(summary.records.encode_tensor_summary(
            "keras", config, "graph_keras_model", b"1"), 0)
        writer.flush()

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq:
            return
        logs = dict(logs or {})
        if self.write_steps_per_second:
            logs = {"steps_per_second": 1.0 / max(time.time() - self._batch_start_time,
                                                  1e-9), **logs}
        self._write_scalars("train", logs, "batch_", step)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if not logs or optimizer is None or not hasattr(optimizer, "iterations"):
            return
        if self.update_freq != "epoch" and self._global_test_batch % self.update_freq:
            return
        self._write_scalars("val", logs, "evaluation_", int(optimizer.iterations),
                            "_vs_iterations")

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start = (time.time(), self._iterations())

    def _iterations(self):
        optimizer = getattr(self.model, "optimizer", None)
        return int(optimizer.iterations) if optimizer is not None else 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train["learning_rate"] = optimizer.learning_rate
        if self.write_steps_per_second:
            start, iterations = self._epoch_start
            train["steps_per_second"] = (self._iterations() - iterations) / max(
                time.time() - start, 1e-9)
        if logs:
            self._write_scalars("train", train, "epoch_", epoch)
            if val:
                self._write_scalars("val", val, "epoch_", epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    def _log_weights(self, epoch):
        with self._writer("train").as_default():
            for layer in self.model.layers:
                for weight in layer.weights:
                    name = getattr(weight, "path", weight.name).replace(":", "_")
                    summary.histogram(f"{name}/histogram", weight.numpy(), step=epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
