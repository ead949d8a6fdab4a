"""``keras.utils``: ``to_categorical``, ``normalize``, ``set_random_seed`` and
(loaded on first use) ``get_file``, ``Progbar``, ``pad_sequences``,
``timeseries_dataset_from_array``, ``split_dataset``, ``plot_model``, ``model_to_dot``,
``image_dataset_from_directory``, ``text_dataset_from_directory``, ``PyDataset`` (alias
``Sequence``), the image helpers
(``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``) and the custom-object helpers of
``keras.saving`` (``register_keras_serializable``, ``custom_object_scope``,
``get_custom_objects``, ``serialize_keras_object``, ``deserialize_keras_object``).

Example:
    >>> from tapeflow import keras
    >>> keras.utils.to_categorical([1, 0]).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
"""
import importlib

from tapeflow.keras.utils.numerical_utils import normalize, set_random_seed, to_categorical

_LAZY = {"get_file": "tapeflow.keras.utils.file_utils", "Progbar": "tapeflow.keras.progbar",
         "pad_sequences": "tapeflow.keras.utils.sequence_utils",
         "timeseries_dataset_from_array": "tapeflow.keras.utils.timeseries_utils",
         "split_dataset": "tapeflow.keras.utils.dataset_utils",
         "image_dataset_from_directory": "tapeflow.keras.utils.image_dataset",
         "text_dataset_from_directory": "tapeflow.keras.utils.directory_dataset"}
_LAZY.update(dict.fromkeys(["PyDataset", "Sequence"], "tapeflow.keras.utils.py_dataset"))
_LAZY.update(dict.fromkeys(["plot_model", "model_to_dot", "model_to_dot_source"],
                           "tapeflow.keras.utils.model_visualization"))
_LAZY.update(dict.fromkeys(["load_img", "img_to_array", "array_to_img", "save_img"],
                           "tapeflow.keras.utils.image_utils"))
_LAZY.update(dict.fromkeys(
    ["register_keras_serializable", "custom_object_scope", "CustomObjectScope",
     "get_custom_objects", "get_registered_name", "get_registered_object",
     "serialize_keras_object", "deserialize_keras_object"], "tapeflow.keras.saving"))

__all__ = ["to_categorical", "normalize", "set_random_seed", *_LAZY]


def __getattr__(name):
    # file_utils (downloads) and the progress bar are imported only when asked for.
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
