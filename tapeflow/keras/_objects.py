"""Keras 3's dict form for nested objects, shared by initializers, regularizers,
constraints and layers.

An object inside a config is written as::

    {"module": "keras.initializers", "class_name": "GlorotUniform",
     "config": {"seed": None}, "registered_name": None}

and read back from that dict, from a bare class name (``"GlorotUniform"``), from a
snake_case alias (``"glorot_uniform"``) or from an instance. Reading never imports
or evaluates anything named in the dict: only the classes in the given table (and
``custom_objects``) can be created.

Example:
    >>> from tapeflow.keras.initializers import Zeros
    >>> serialize_object(Zeros())["module"]
    'keras.initializers'
"""
import inspect

__all__ = ["serialize_object", "deserialize_object", "deserialize_function", "get_object",
           "dtype_policy", "policy_name", "custom_object_scope", "current_custom_objects", "lookup_custom"]


# One stack of scopes for all of tapeflow: keras.saving.custom_object_scope's. Imported
# lazily because the saving package imports the layers, which import this module.
def current_custom_objects():
    """The ``custom_objects`` of every enclosing ``custom_object_scope``."""
    from tapeflow.keras.saving import object_registration
    return object_registration._scoped_objects()


def custom_object_scope(custom_objects):
    """Make ``custom_objects`` visible to nested deserialization (a context manager)."""
    from tapeflow.keras.saving import object_registration
    return object_registration.CustomObjectScope(custom_objects)


def lookup_custom(names, custom_objects=None):
    """A user object for any of ``names``: from ``custom_objects``, the enclosing
    scopes, then ``keras.saving``'s registry (``register_keras_serializable``)."""
    tables = [custom_objects or {}, current_custom_objects()]
    for name in names:
        for table in tables:
            if isinstance(name, str) and name in table:
                return table[name]
    from tapeflow.keras.saving import object_registration
    return object_registration.lookup_custom_object(*names)


def serialize_object(obj):
    """``obj`` as Keras 3's ``{"module", "class_name", "config", "registered_name"}``:
    what every ``keras.<kind>.serialize`` returns, and what the configs of layers, losses
    and metrics hold for their initializers, functions and the like. One writer for all
    of them, ``keras.saving.serialize_keras_object``: built-ins under their public
    module, user classes and functions under their own module and registered name."""
    from tapeflow.keras.saving.serialization import serialize_keras_object
    return serialize_keras_object(obj)


def deserialize_function(identifier, builtins=None, custom_objects=None):
    """The function a saved ``identifier`` names: Keras's function dict (``"class_name":
    "function"``, the name in ``"config"``) or a bare name. A bare name in ``builtins``
    (``{name: function}``) wins; then ``custom_objects``, the enclosing scopes, the
    ``register_keras_serializable`` registry ("package>name") and tapeflow's built-in
    functions are searched, as ``keras.saving.deserialize_keras_object`` does."""
    from tapeflow.keras.saving.serialization import resolve_object
    if isinstance(identifier, dict):
        name, module = identifier.get("config"), identifier.get("module")
    else:
        name, module = identifier, "builtins"
    if builtins and isinstance(name, str) and name in builtins:
        return builtins[name]
    return resolve_object(name, module, None, custom_objects, kind="function")


def deserialize_object(identifier, table, kind, custom_objects=None, aliases=None):
    """Create the object that ``identifier`` names.

    Args:
        identifier: an instance, a class, a class name or alias, or a config dict.
        table: ``{class_name: class}`` of the objects this kind allows.
        kind: a word for error messages ("initializer", "regularizer" ...).
        custom_objects: extra ``{name: class}`` the user allows.
        aliases: ``{alias: (class_name, config)}`` e.g. ``"glorot_uniform"``.
    """
    lookup = dict(table)
    aliases = aliases or {}
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        config = identifier.get("config") or {}
        if name == "function":
            return deserialize_function(identifier, custom_objects=custom_objects)
        registered = identifier.get("registered_name")
        cls = lookup_custom([registered, name], custom_objects) or lookup.get(name)
        if cls is None:
            raise ValueError(_unknown(kind, name, lookup, aliases))
        return cls.from_config(dict(config)) if hasattr(cls, "from_config") else cls(**config)
    if isinstance(identifier, str):
        custom = lookup_custom([identifier], custom_objects)
        if custom is not None:
            return custom() if inspect.isclass(custom) else custom
        if identifier in aliases:
            name, config = aliases[identifier]
            return lookup[name](**config)
        if identifier in lookup:
            return lookup[identifier]()
        raise ValueError(_unknown(kind, identifier, lookup, aliases))
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


def _unknown(kind, name, lookup, aliases):
    known = sorted(set(aliases) | set(lookup))
    return (f"Could not interpret {kind} identifier: {name!r}. Known {kind}s: "
            f"{', '.join(known)}. For a custom class pass custom_objects={{{name!r}: "
            f"YourClass}}.")


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
        import numpy as np
        name = np.dtype(dtype).name
    if name.startswith("mixed_"):
        return "float32"
    return name
