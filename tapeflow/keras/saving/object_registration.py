"""Custom objects: ``register_keras_serializable`` and ``custom_object_scope``.

A class or function registered here can be named in a saved file and found again
when loading, exactly as in Keras 3: it is recorded under ``"<package>><name>"``
(``"Custom>MyLayer"`` by default). Loading looks names up in, in order, the
``custom_objects`` passed to the loader, the innermost active
:class:`CustomObjectScope`, and the global registry. Nothing is ever imported from
a name found in a file.

This module imports nothing from the rest of tapeflow so that every serialisation
helper (layers, initializers, losses ...) can consult it.

Example:
    >>> @register_keras_serializable(package="demo")
    ... class Doubler:
    ...     def get_config(self):
    ...         return {}
    >>> get_registered_name(Doubler)
    'demo>Doubler'
    >>> get_registered_object("demo>Doubler") is Doubler
    True
"""
import inspect
import threading

__all__ = ["register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope",
           "lookup_custom_object", "GLOBAL_CUSTOM_OBJECTS", "GLOBAL_CUSTOM_NAMES"]

GLOBAL_CUSTOM_OBJECTS = {}  # "package>name" -> class or function
GLOBAL_CUSTOM_NAMES = {}    # class or function -> "package>name"
_SCOPES = threading.local()


def register_keras_serializable(package="Custom", name=None):
    """Decorator: make a class or function findable by name when a model is loaded.

    Args:
        package: the prefix of the registered name (Keras's default ``"Custom"``).
        name: the name under the package; defaults to the class or function name.

    Raises:
        ValueError: when the object is already registered under another name, or when
            a class without ``get_config`` is registered.

    Example:
        >>> @register_keras_serializable("demo", "twice")
        ... def double(x):
        ...     return 2 * x
        >>> get_registered_name(double)
        'demo>twice'
    """
    def decorator(arg):
        key = f"{package}>{name if name is not None else arg.__name__}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(f"Cannot register {arg.__name__!r}: a class must implement "
                             f"get_config() to be serializable.")
        if arg in GLOBAL_CUSTOM_NAMES and GLOBAL_CUSTOM_NAMES[arg] != key:
            raise ValueError(f"{arg.__name__!r} has already been registered as "
                             f"{GLOBAL_CUSTOM_NAMES[arg]!r}; cannot register it again "
                             f"as {key!r}.")
        GLOBAL_CUSTOM_OBJECTS[key] = arg
        GLOBAL_CUSTOM_NAMES[arg] = key
        return arg
    return decorator


def get_registered_name(obj):
    """The name ``obj`` is registered under, else its ``__name__`` (Keras's rule)."""
    if obj in GLOBAL_CUSTOM_NAMES:
        return GLOBAL_CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", None)


def get_custom_objects():
    """The live global registry ``{"package>name": object}``; may be edited directly."""
    return GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` makes names loadable inside.

    Scopes nest; the innermost wins. ``custom_object_scope`` is the same class.

    Example:
        >>> class Thing:
        ...     pass
        >>> with CustomObjectScope({"Thing": Thing}):
        ...     lookup_custom_object("Thing") is Thing
        True
        >>> lookup_custom_object("Thing") is None
        True
    """

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self):
        stack = getattr(_SCOPES, "stack", None)
        if stack is None:
            stack = _SCOPES.stack = []
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _SCOPES.stack.pop()


custom_object_scope = CustomObjectScope


def _scoped_objects():
    merged = {}
    for objects in getattr(_SCOPES, "stack", None) or ():
        merged.update(objects)
    return merged


def lookup_custom_object(*names, custom_objects=None):
    """The first object found for any of ``names`` (``None`` names are skipped).

    Looks in ``custom_objects``, then the active scopes, then the global registry;
    for a ``"package>name"`` key it also tries the bare ``name`` in the user's dicts.
    """
    tables = [custom_objects or {}, _scoped_objects(), GLOBAL_CUSTOM_OBJECTS]
    for name in names:
        if not isinstance(name, str):
            continue
        for table in tables:
            if name in table:
                return table[name]
    for name in names:
        if isinstance(name, str) and ">" in name:
            bare = name.split(">", 1)[1]
            for table in tables[:2]:
                if bare in table:
                    return table[bare]
    return None


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or passed in ``custom_objects``) under ``name``."""
    found = lookup_custom_object(name, custom_objects=custom_objects)
    if found is None and module_objects and name in module_objects:
        return module_objects[name]
    return found
