"""``save_weights`` / ``load_weights``: the variables alone, in Keras 3's layout.

``save_weights`` writes ``*.weights.h5`` (see :mod:`weights_h5`), atomically.
``load_weights`` reads ``*.weights.h5``, the weights inside a ``.keras`` archive, or
the ``model_weights`` of a legacy Keras-2 ``.h5`` file, into a model that is built
already (the same architecture as when saved).

Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "ab.weights.h5")
    >>> save_weights(a, path)
    >>> load_weights(b, path)
    >>> all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))
    True
"""
import os

from tapeflow.keras.saving import file_io
from tapeflow.keras.saving.errors import ModelFileError, require_h5py
from tapeflow.keras.saving.h5_guard import h5_read_errors, open_h5
from tapeflow.keras.saving.weights_h5 import read_model_state, write_model_state

__all__ = ["save_weights", "load_weights"]


def save_weights(model, filepath, overwrite=True, max_shard_size=None):
    """Save ``model``'s variables (and its optimizer's) to ``<name>.weights.h5``.

    Raises:
        ValueError: the name does not end in ``.weights.h5``, or the model is not
            built.
    """
    filepath = file_io.fspath(filepath)
    if max_shard_size is not None:
        raise NotImplementedError("tapeflow writes a single weights file; "
                                  "max_shard_size is not supported.")
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5` (to save the whole model "
                         f"use `model.save('name.keras')`). Received: filepath={filepath}")
    if not getattr(model, "built", False):
        raise ValueError("You are saving a model that has not yet been built. Try building "
                         "the model first by calling it on some data or by using `build()`.")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} already exists; pass overwrite=True to "
                              f"replace it.")
    h5py = require_h5py()
    with file_io.atomic_write(filepath) as tmp:
        with h5py.File(tmp, "w") as f:
            write_model_state(model, f, filepath)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Load variables saved by ``save_weights`` / ``save`` (tapeflow or Keras).

    Args:
        model: a built model with the architecture the weights were saved from.
        filepath: ``*.weights.h5``, ``*.keras`` or a legacy ``*.h5``.
        skip_mismatch: skip (with a warning) layers whose variables do not match
            instead of raising.

    Raises:
        FileNotFoundError: nothing at ``filepath``.
        ModelFileError: the file is not a weights file, or does not fit the model.
    """
    if kwargs.pop("by_name", False):
        raise ValueError("Invalid keyword arguments: by_name=True is only supported for "
                         "legacy `.h5` files; use tapeflow.keras.saving.legacy_h5 for those.")
    if kwargs:
        raise TypeError(f"load_weights() got unexpected arguments: {sorted(kwargs)}")
    filepath = file_io.fspath(filepath)
    if not getattr(model, "built", False):
        raise ValueError("You are loading weights into a model that has not yet been "
                         "built. Try building the model first by calling it on some data "
                         "or by using `build()`.")
    file_io.check_exists(filepath, "weights file")
    if filepath.endswith(".keras"):
        _load_from_archive(model, filepath, skip_mismatch)
    elif filepath.endswith(".weights.h5"):
        _load_h5(model, filepath, skip_mismatch)
    elif filepath.endswith((".h5", ".hdf5")):
        from tapeflow.keras.saving.legacy_h5 import load_legacy_weights
        load_legacy_weights(model, filepath, skip_mismatch=skip_mismatch)
    else:
        raise ModelFileError("file format not supported: load_weights reads `.weights.h5`, "
                             "`.keras` and legacy `.h5` files.", filepath)


def _load_h5(model, filepath, skip_mismatch):
    with open_h5(filepath, filepath) as f, h5_read_errors(filepath):
        read_model_state(model, f, filepath, skip_mismatch=skip_mismatch)


def _load_from_archive(model, filepath, skip_mismatch):
    from tapeflow.keras.saving.keras_file import (WEIGHTS_NAME, _open_zip, _read_member,
                                                  _read_weights)
    with open(filepath, "rb") as raw:
        with _open_zip(raw, filepath) as zf:
            data = _read_member(zf, WEIGHTS_NAME, filepath)
    _read_weights(model, data, filepath, skip_mismatch)
