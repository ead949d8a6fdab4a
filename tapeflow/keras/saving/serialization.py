"""``keras.saving``'s object configs: ``serialize_keras_object`` /
``deserialize_keras_object``.

The (de)serializer itself is :mod:`tapeflow.keras.serialization_lib`, low in the house
so that layers, losses and optimizers can use it; this module is its public face
under ``keras.saving``, where every built-in package has been imported (see
:mod:`tapeflow.keras.saving.saving_api`), so that every built-in name resolves.

Example:
    >>> from tapeflow.keras import initializers
    >>> type(deserialize_keras_object(serialize_keras_object(initializers.Zeros()))).__name__
    'Zeros'
"""
from tapeflow.keras.saving import loading  # noqa: F401  (imports every built-in package)
from tapeflow.keras.serialization_lib import (SafeModeScope, build_from_config,  # noqa: F401
                                              deserialize_keras_object,
                                              enable_unsafe_deserialization, get_build_config,
                                              in_safe_mode, keras_public_name, resolve_object,
                                              serialize_keras_object)

__all__ = ["serialize_keras_object", "deserialize_keras_object", "keras_public_name",
           "resolve_object", "SafeModeScope", "in_safe_mode",
           "enable_unsafe_deserialization", "get_build_config", "build_from_config"]
