"""The ``deserialize`` / ``get`` of every kind of Keras object, written once.

Initializers, regularizers, constraints, activations, losses, metrics, optimizers and
learning-rate schedules all read an identifier the same way: a config dict
``{"module", "class_name", "config", "registered_name"}``, a bare class name
(``"GlorotUniform"``), a snake_case alias (``"glorot_uniform"``), a class or an
instance. Each kind passes its table of names, normally
``api_export.public_names("keras.<kind>")`` (what ``@keras_export`` recorded), and this
module does the rest. Reading never imports or evaluates anything named in the dict:
only names in the table, ``custom_objects``, the enclosing ``custom_object_scope`` and
``register_keras_serializable``'s registry can be created.

Example:
    >>> from tapeflow.keras.initializers import Zeros
    >>> serialize_object(Zeros())["module"]
    'keras.initializers'
    >>> type(deserialize_object("zeros", {"Zeros": Zeros}, "initializer",
    ...                         aliases={"zeros": ("Zeros", {})})).__name__
    'Zeros'
"""
import inspect

import numpy as np

from tapeflow.keras.api_export import (custom_object_scope, export_info, lookup_custom_object,
                                       public_names, public_object, scoped_objects)
from tapeflow.keras.serialization_lib import resolve_object, serialize_keras_object

__all__ = ["serialize_object", "deserialize_object", "deserialize_function", "get_object",
           "dtype_policy", "policy_name", "custom_object_scope", "current_custom_objects",
           "lookup_custom", "classes_only", "serialize_layer", "deserialize_layer"]

serialize_object = serialize_keras_object  # one writer for every kind


def current_custom_objects():
    """The ``custom_objects`` of every enclosing ``custom_object_scope``."""
    return scoped_objects()


def lookup_custom(names, custom_objects=None):
    """A user object for any of ``names``: from ``custom_objects``, the enclosing
    scopes, then ``keras.saving``'s registry (``register_keras_serializable``)."""
    return lookup_custom_object(*names, custom_objects=custom_objects)


def classes_only(table):
    """The classes of a ``{name: object}`` table (functions left out)."""
    return {name: obj for name, obj in table.items() if inspect.isclass(obj)}


def deserialize_function(identifier, builtins=None, custom_objects=None):
    """The function a saved ``identifier`` names: Keras's function dict (``"class_name":
    "function"``, the name in ``"config"``) or a bare name. A bare name in ``builtins``
    (``{name: function}``) wins; then ``custom_objects``, the enclosing scopes, the
    ``register_keras_serializable`` registry ("package>name") and tapeflow's built-in
    functions are searched, as ``keras.saving.deserialize_keras_object`` does."""
    if isinstance(identifier, dict):
        name, module = identifier.get("config"), identifier.get("module")
    else:
        name, module = identifier, "builtins"
    if builtins and isinstance(name, str) and name in builtins:
        return builtins[name]
    return resolve_object(name, module, None, custom_objects, kind="function")


def _create(obj, config):
    """An instance of class ``obj`` from ``config``; a function is returned as it is."""
    if not inspect.isclass(obj):
        return obj
    if hasattr(obj, "from_config"):
        return obj.from_config(dict(config or {}))
    return obj(**(config or {}))


def deserialize_object(identifier, table, kind, custom_objects=None, aliases=None):
    """Create the object that ``identifier`` names.

    Args:
        identifier: an instance, a class, a class name or alias, or a config dict.
        table: ``{name: class_or_function}`` of the built-ins this kind allows.
        kind: a word for error messages ("initializer", "loss" ...).
        custom_objects: extra ``{name: class_or_function}`` the user allows; they win
            over the enclosing ``custom_object_scope``, which wins over
            ``register_keras_serializable``'s registry, which wins over ``table``.
        aliases: ``{alias: (class_name, config)}`` e.g. ``"glorot_uniform"``.

    Returns:
        An instance for a class (created with ``from_config``), the function itself
        for a function, and any other identifier (an instance) unchanged.
    """
    aliases = aliases or {}
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        if name == "function":
            return deserialize_function(identifier, custom_objects=custom_objects)
        found = lookup_custom([identifier.get("registered_name"), name], custom_objects)
        found = found if found is not None else table.get(name)
        if found is None:
            raise ValueError(_unknown(kind, name, table, aliases))
        return _create(found, identifier.get("config"))
    if isinstance(identifier, str):
        found = lookup_custom([identifier], custom_objects)
        if found is not None:
            return found() if inspect.isclass(found) else found
        if identifier in aliases:
            name, config = aliases[identifier]
            return table[name](**config)
        if identifier in table:
            found = table[identifier]
            return found() if inspect.isclass(found) else found
        raise ValueError(_unknown(kind, identifier, table, aliases))
    if inspect.isclass(identifier):
        return identifier()
    return identifier


def get_object(identifier, deserialize, kind):
    """The ``get()`` of initializers, regularizers and constraints.

    ``None`` stays ``None``; a name, config dict or class goes through ``deserialize``;
    any other callable (an instance or a plain function) is returned as it is.

    Example:
        >>> get_object(None, dict, "initializer") is None
        True
        >>> get_object(abs, dict, "regularizer") is abs
        True
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict, type)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}. Expected None, "
                     f"a name, a config dict, a class or a callable; received a "
                     f"{type(identifier).__name__}.")


def _unknown(kind, name, table, aliases):
    known = sorted(k for k in set(aliases) | set(table) if not k.startswith("_"))
    return (f"Could not interpret {kind} identifier: {name!r} (Unknown {kind}: {name!r}). "
            f"Valid {kind} names are: {', '.join(known)}. For a custom {kind}, pass "
            f"custom_objects={{{name!r}: YourClass}} or decorate it with "
            f"@keras.saving.register_keras_serializable().")


# Where a layer's class_name is looked up (models are layers too).
_LAYER_MODULES = ("keras.layers", "keras", "keras.src.models.functional", "keras.models")


def serialize_layer(layer):
    """Keras 3's dict for a layer or model, with ``build_config`` when built: what
    ``keras.layers.serialize`` returns and what model configs hold for their layers."""
    if layer is None:
        return None
    cls = type(layer)
    module, registered = export_info(cls) or (cls.__module__, cls.__name__)
    out = {"module": module, "class_name": cls.__name__,
           "config": layer.get_config(), "registered_name": registered}
    if getattr(layer, "built", False):
        build_config = layer.get_build_config()
        if build_config is not None:
            out["build_config"] = build_config
    return out


def _layer_class(config, custom):
    name = config.get("class_name")
    found = lookup_custom([config.get("registered_name"), name], custom)
    saved_module = config.get("module")  # e.g. "keras.applications.imagenet_utils"
    extra = (saved_module,) if isinstance(saved_module, str) and \
        saved_module.startswith("keras.") else ()
    for module in _LAYER_MODULES + extra:
        if found is None:
            found = public_object(module, name)
    if found is not None:
        return found
    known = ", ".join(sorted(classes_only(public_names("keras.layers"))))
    raise ValueError(
        f"Unknown layer: '{name}'. Please ensure you are using a `keras.utils."
        f"custom_object_scope` and that this object is included in the scope, or pass it "
        f"via custom_objects={{'{name}': {name}}}. Built-in layers: {known}.")


def deserialize_layer(config, custom_objects=None):
    """A layer or model from its Keras 3 dict (or a class name for weightless layers).

    Classes are found among the user's objects and the exported built-ins
    (``@keras_export("keras.layers")``, models under ``"keras"``); nothing named in
    the config is imported or evaluated.
    """
    if callable(getattr(config, "get_config", None)) and callable(getattr(config, "call", None)):
        return config  # already a layer
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized layer: {config!r:.200}. Expected "
                         f"a dict with 'class_name' and 'config'.")
    with custom_object_scope(custom_objects):
        cls = _layer_class(config, current_custom_objects())
        layer = cls.from_config(dict(config.get("config") or {}))
        build_config = config.get("build_config")
        if build_config and not layer.built:
            layer.build_from_config(build_config)
    return layer


def dtype_policy(name):
    """Keras 3's serialized ``DTypePolicy`` for a dtype name such as ``"float32"``."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name},
            "registered_name": None}


def policy_name(dtype):
    """The dtype name inside a policy dict, a dtype, a string or None (float32)."""
    if dtype is None:
        return "float32"
    if isinstance(dtype, dict):
        return dtype.get("config", {}).get("name", "float32")
    name = getattr(dtype, "name", dtype)
    if not isinstance(name, str):
        name = np.dtype(dtype).name
    if name.startswith("mixed_"):
        return "float32"
    return name
