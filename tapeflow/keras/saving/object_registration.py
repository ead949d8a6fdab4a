"""``keras.saving``'s custom-object names: ``register_keras_serializable``,
``custom_object_scope`` and the global registry.

The registry itself lives at the bottom of the house, in
:mod:`tapeflow.keras.api_export`, so that every (de)serializer can consult it without
importing upward; this module is its public face under ``keras.saving``.

Example:
    >>> @register_keras_serializable(package="demo")
    ... class Tripler:
    ...     def get_config(self):
    ...         return {}
    >>> get_registered_object("demo>Tripler") is Tripler
    True
"""
from tapeflow.keras.api_export import (GLOBAL_CUSTOM_NAMES, GLOBAL_CUSTOM_OBJECTS,  # noqa: F401
                                       CustomObjectScope, custom_object_scope,
                                       get_custom_objects, get_registered_name,
                                       get_registered_object, lookup_custom_object,
                                       register_keras_serializable, scoped_objects)

__all__ = ["register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope",
           "lookup_custom_object", "GLOBAL_CUSTOM_OBJECTS", "GLOBAL_CUSTOM_NAMES"]
