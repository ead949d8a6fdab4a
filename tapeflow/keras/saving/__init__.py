"""``keras.saving``: Keras 3's ``.keras`` files, weights files, custom objects.

tapeflow writes exactly the files Keras 3 writes (a zip of ``metadata.json``,
``config.json`` and ``model.weights.h5``) and reads Keras 3's files and Keras-2
``.h5`` files. Loading never unpickles or evaluates anything from a file.
h5py (a dependency of tapeflow) is needed for weights; it is imported only when
a file is read or written.

Functions the model API delegates to:

* ``save_model(model, filepath, overwrite=True)`` for ``model.save``;
* ``load_model(filepath, custom_objects=None, compile=True, safe_mode=True)``;
* ``save_weights(model, filepath, overwrite=True)`` / ``load_weights(model,
  filepath, skip_mismatch=False)``;
* ``export_onnx(model, filepath)`` for ``model.export(filepath, format="onnx")``.

Example:
    >>> from tapeflow.keras import saving
    >>> @saving.register_keras_serializable(package="doc")
    ... def halve(x):
    ...     return x / 2
    >>> saving.get_registered_name(halve)
    'doc>halve'
"""
import importlib

from tapeflow.keras.saving.errors import ModelFileError, UnknownObjectError, UnsafeObjectError
from tapeflow.keras.saving.object_registration import (CustomObjectScope, custom_object_scope,
                                                       get_custom_objects, get_registered_name,
                                                       get_registered_object,
                                                       register_keras_serializable)

__all__ = ["save_model", "load_model", "model_from_json", "save_weights", "load_weights", "export_onnx",
           "serialize_keras_object", "deserialize_keras_object", "register_keras_serializable",
           "get_registered_name", "get_registered_object", "get_custom_objects",
           "custom_object_scope", "CustomObjectScope", "ModelFileError", "UnknownObjectError",
           "UnsafeObjectError", "ModelCheckpoint", "BackupAndRestore",
           "enable_unsafe_deserialization"]

_LAZY = {
    "save_model": "keras_file", "load_model": "loading", "model_from_json": "loading",
    "save_weights": "saving_api", "load_weights": "saving_api",
    "export_onnx": "onnx_export",
    "serialize_keras_object": "serialization", "deserialize_keras_object": "loading",
    "enable_unsafe_deserialization": "serialization",
    "ModelCheckpoint": "checkpoint", "BackupAndRestore": "checkpoint",
}


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f"tapeflow.keras.saving.{_LAZY[name]}")
        return getattr(module, name)
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)


def __dir__():
    return sorted(set(__all__) | set(globals()))
