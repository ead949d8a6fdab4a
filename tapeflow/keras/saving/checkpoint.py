"""``ModelCheckpoint`` and ``BackupAndRestore``: saving during ``fit``.

``ModelCheckpoint`` saves the model (``.keras``) or its weights (``.weights.h5``)
after every epoch, or every ``save_freq`` batches; ``filepath`` may hold
``{epoch}`` (counted from 1) and any log value (``{val_loss:.2f}``). With
``save_best_only`` it saves only when ``monitor`` improves (the first value
always counts unless ``initial_value_threshold`` is set).

``BackupAndRestore`` keeps ``latest.weights.h5`` (model and optimizer variables)
and ``training_metadata.json`` (``{"epoch", "batch"}``) in ``backup_dir``; if
``fit`` is interrupted, the next ``fit`` with the same callback restores both and
continues from the next epoch. The directory is removed when training ends
normally (``delete_checkpoint=True``).

Every file is written atomically (temporary file + ``os.replace``).

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    >>> ckpt = ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    >>> os.path.basename(ckpt._get_file_path(2, None, {"val_loss": 0.4567}))
    'ckpt-03-0.46.keras'
"""
import json
import os
import shutil
import sys
import warnings

import numpy as np

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks._monitor import monitor_op as _monitor_op
from tapeflow.keras.saving import file_io

__all__ = ["ModelCheckpoint", "BackupAndRestore"]


def _print(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _check_save_freq(save_freq):
    if save_freq != "epoch" and (not isinstance(save_freq, int) or
                                 isinstance(save_freq, bool) or save_freq < 1):
        raise ValueError(f"Unrecognized save_freq: {save_freq!r}. Expected save_freq are "
                         f"'epoch' or a positive integer (a number of batches).")


class _BatchCounter:
    """Counts batches across epochs, Keras's rule for integer ``save_freq``."""

    def __init__(self, every):
        self.every, self.seen, self.last = every, 0, None

    def due(self, batch):
        if self.last is None or batch <= self.last:
            self.seen += batch + 1  # a new epoch restarts batch numbers at 0
        else:
            self.seen += batch - self.last
        self.last = batch
        if self.seen >= self.every:
            self.seen = 0
            return True
        return False


class ModelCheckpoint(Callback):
    """Save the model or its weights during training.

    Args:
        filepath: where to save; a template with ``{epoch}`` and log keys such as
            ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``. Must end in ``.keras``
            (``.weights.h5`` with ``save_weights_only=True``).
        monitor: the log value ``save_best_only`` compares (``"val_loss"``).
        verbose: 1 prints a line for each save (or skipped save).
        save_best_only: save only when ``monitor`` improves on the best so far.
        save_weights_only: save only the weights (``model.save_weights``).
        mode: ``"auto"``, ``"min"`` or ``"max"``: which way is an improvement.
        save_freq: ``"epoch"`` or a number of batches between saves.
        initial_value_threshold: the value ``monitor`` must beat for the first save.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=2)
            mode = "auto"
        self.filepath = file_io.fspath(filepath)
        self.monitor, self.mode, self.verbose = monitor, mode, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.best = initial_value_threshold
        self.monitor_op = None
        self.min_delta = 0
        _check_save_freq(save_freq)
        self.save_freq = save_freq
        self._counter = _BatchCounter(save_freq) if save_freq != "epoch" else None
        self._current_epoch = 0
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError(
                f"When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                f"provided must end in `.weights.h5` (Keras weights format). Received: "
                f"filepath={self.filepath}")
        if not save_weights_only and not self.filepath.endswith(".keras"):
            raise ValueError(f"The filepath provided must end in `.keras` (Keras model "
                             f"format). Received: filepath={self.filepath}")

    def _set_monitor_op(self):
        self.monitor_op = _monitor_op(self.monitor, self.mode, self.model, "ModelCheckpoint")

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return self.monitor_op(value, reference)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is not None and self._counter.due(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None and self.save_best_only:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _get_file_path(self, epoch, batch, logs):
        logs = dict(logs or {})
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except (KeyError, IndexError, ValueError) as err:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {err!r}. Available keys: epoch, batch, "
                           f"{', '.join(sorted(logs))}.") from err

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=3)
            return True
        if np.ndim(np.asarray(current)) > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.",
                          stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = float(current)
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                       f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Please specify a non-directory filepath for "
                                    f"ModelCheckpoint. Filepath used is an existing "
                                    f"directory: {filepath}")
        if not self._should_save(epoch, logs, filepath):
            return
        if self.save_weights_only:
            _save_weights(self.model, filepath)
        else:
            _save(self.model, filepath)
        if self.verbose > 0:  # Keras 3.15 confirms each save
            _print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")


def _save(model, filepath):
    if hasattr(type(model), "save"):
        model.save(filepath, overwrite=True)
    else:
        from tapeflow.keras.saving.keras_file import save_model
        save_model(model, filepath)


def _save_weights(model, filepath):
    if hasattr(type(model), "save_weights"):
        model.save_weights(filepath, overwrite=True)
    else:
        from tapeflow.keras.saving.saving_api import save_weights
        save_weights(model, filepath)


def _load_weights(model, filepath):
    if hasattr(type(model), "load_weights"):
        model.load_weights(filepath)
    else:
        from tapeflow.keras.saving.saving_api import load_weights
        load_weights(model, filepath)


class BackupAndRestore(Callback):
    """Back up training state so that an interrupted ``fit`` can resume.

    Args:
        backup_dir: directory for ``latest.weights.h5`` and
            ``training_metadata.json`` (created when needed).
        save_freq: ``"epoch"`` or a number of batches between backups.
        double_checkpoint: keep the previous backup as ``*.bkp``, used when the
            latest one cannot be read.
        delete_checkpoint: remove ``backup_dir`` when training ends normally.

    Example:
        >>> import tempfile
        >>> BackupAndRestore(tempfile.mkdtemp()).save_freq
        'epoch'
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: "
                             f"save_freq={save_freq!r}. Expected either 'epoch' or an "
                             f"integer value.")
        self.backup_dir = file_io.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_metadata_path = self._metadata_path + ".bkp"
        self._counter = _BatchCounter(save_freq) if save_freq != "epoch" else None
        self._current_epoch = 0
        self._last_batch_seen = 0

    def on_train_begin(self, logs=None):
        try:
            self._restore()
        except (OSError, ValueError):
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copyfile(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_metadata_path):
                shutil.copyfile(self._prev_metadata_path, self._metadata_path)
            elif os.path.exists(self._metadata_path):
                os.remove(self._metadata_path)
            self._restore()

    def _restore(self):
        model = self.model
        if not getattr(model, "built", False):
            raise ValueError(f"To use the BackupAndRestore callback, your model must be "
                             f"built before you call `fit()`. Model {model} is unbuilt. You "
                             f"can build it beforehand by calling it on a batch of data.")
        if os.path.exists(self._weights_path):
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and not getattr(optimizer, "built", True):
                optimizer.build(model.trainable_variables)
            _load_weights(model, self._weights_path)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path, encoding="utf-8") as f:
                metadata = json.loads(f.read())
            epoch = metadata.get("epoch") if isinstance(metadata, dict) else None
            if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
                raise ValueError(f"{self._metadata_path}: 'epoch' should be a "
                                 f"non-negative integer; got {epoch!r}.")
            model._initial_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._backup()

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is not None:
            self._last_batch_seen = batch
            if self._counter.due(batch):
                self._backup()

    def _backup(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for src, dst in ((self._weights_path, self._prev_weights_path),
                             (self._metadata_path, self._prev_metadata_path)):
                if os.path.exists(src):
                    with file_io.atomic_write(dst) as tmp:
                        shutil.copyfile(src, tmp)
        _save_weights(self.model, self._weights_path)
        with file_io.atomic_write(self._metadata_path) as tmp:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(json.dumps({"epoch": self._current_epoch,
                                    "batch": self._last_batch_seen}))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

