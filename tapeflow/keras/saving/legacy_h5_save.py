"""Writing Keras-2 style ``.h5`` model files, as Keras 3 still does (with a warning).

``model.save("m.h5")`` in Keras 3 logs that HDF5 is a legacy format and writes
one HDF5 file: root attributes ``keras_version``, ``backend``, ``model_config``
(the model's config in the legacy form: each layer entry without ``module``,
``registered_name`` and ``build_config``) and, for a compiled model,
``training_config`` (the compile settings with ``optimizer_config``); a group
``model_weights`` with one group per layer (attribute ``weight_names``, datasets
at those names) plus ``top_level_model_weights``; and, when the optimizer has
variables, ``optimizer_weights``. tapeflow writes the same layout (Keras reads it,
tapeflow's :mod:`legacy_h5` reads it back), atomically.

Example:
    >>> import os, tempfile, warnings
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.h5")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     save_legacy_model(model, path)
    >>> "considered legacy" in str(caught[0].message)
    True
    >>> [w.shape for w in keras.models.load_model(path).get_weights()]
    [(3, 2), (2,)]
"""
import json
import warnings

import numpy as np

from tapeflow.keras.saving import file_io
from tapeflow.keras.saving.errors import require_h5py
from tapeflow.keras.serialization_lib import serialize_keras_object

__all__ = ["save_legacy_model", "LEGACY_WARNING"]

LEGACY_WARNING = (
    "You are saving your model as an HDF5 file via `model.save()` or "
    "`keras.saving.save_model(model)`. This file format is considered legacy. We "
    "recommend using instead the native Keras format, e.g. "
    "`model.save('my_model.keras')` or `keras.saving.save_model(model, "
    "'my_model.keras')`. ")
_LAYER_KEYS_DROPPED = ("module", "registered_name", "build_config", "compile_config")


def _model_metadata(model, include_optimizer):
    from tapeflow.keras.version import __version__ as keras_version
    config = serialize_keras_object(model)
    inner = dict(config["config"])
    if isinstance(inner.get("layers"), list):
        inner["layers"] = [{k: v for k, v in layer.items() if k not in _LAYER_KEYS_DROPPED}
                           for layer in inner["layers"]]
    metadata = {"keras_version": str(keras_version), "backend": "tapeflow",
                "model_config": {"class_name": config["class_name"], "config": inner}}
    compile_config = config.get("compile_config")
    if include_optimizer and compile_config and getattr(model, "optimizer", None):
        training = {k: v for k, v in compile_config.items() if k != "optimizer"}
        training["optimizer_config"] = {"class_name": type(model.optimizer).__name__,
                                        "config": model.optimizer.get_config()}
        metadata["training_config"] = training
    return metadata


def _write_subset(group, variables, prefix=""):
    names = [f"{prefix}{v.path}".encode("utf8") for v in variables]
    group.attrs["weight_names"] = np.array(names, dtype=object) if names else \
        np.array([], dtype=np.float64)
    for name, v in zip(names, variables):
        group.create_dataset(name.decode("utf8"), data=np.asarray(v.numpy()))


def _write_h5(model, h5, include_optimizer):
    for key, value in _model_metadata(model, include_optimizer).items():
        h5.attrs[key] = json.dumps(value).encode("utf8") if isinstance(value, dict) \
            else value
    weights = h5.create_group("model_weights")
    weights.attrs["layer_names"] = np.array([layer.name.encode("utf8")
                                             for layer in model.layers], dtype=object)
    weights.attrs["backend"] = "tapeflow"
    weights.attrs["keras_version"] = h5.attrs["keras_version"]
    for layer in sorted(model.layers, key=lambda layer: layer.name):
        _write_subset(weights.create_group(layer.name),
                      list(layer.trainable_weights) + list(layer.non_trainable_weights))
    _write_subset(weights.create_group("top_level_model_weights"), [])
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and list(optimizer.variables):
        _write_subset(h5.create_group("optimizer_weights"), list(optimizer.variables))


def _caller_level():
    """The ``stacklevel`` of the first frame outside tapeflow (the user's save call)."""
    import os
    import sys
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            package + os.sep):
        frame, level = frame.f_back, level + 1
    return level


def save_legacy_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write ``model`` to a Keras-2 style ``.h5`` file, warning as Keras 3 does."""
    import os
    warnings.warn(LEGACY_WARNING, UserWarning, stacklevel=_caller_level())
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} already exists; pass overwrite=True to "
                              f"replace it.")
    h5py = require_h5py("save models in the legacy HDF5 format")
    with file_io.atomic_write(filepath) as tmp:
        with h5py.File(tmp, "w") as h5:
            _write_h5(model, h5, include_optimizer)
