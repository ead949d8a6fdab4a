"""The bottom of ``tapeflow.keras``: every name a saved config may use.

Two tables live here, and nothing else in tapeflow holds names:

* **built-ins**, filled by a decorator on each built-in class or function where it is
  defined, as Keras 3's ``keras_export`` does::

      @keras_export("keras.layers")
      class Dense(Layer): ...

* **user objects**, filled by ``@register_keras_serializable`` (``"package>name"``) and
  by the ``custom_object_scope`` stack.

This module imports nothing from tapeflow, so every other module may import it. The
(de)serializers (:mod:`tapeflow.keras.serialization_lib`) look names up here instead of
importing the packages that define them; ``keras.saving.load_model`` imports the
built-in packages from the top, which fills the table.

Example:
    >>> @keras_export("keras.example_kind")
    ... class Thing:
    ...     pass
    >>> public_object("keras.example_kind", "Thing") is Thing
    True
    >>> export_info(Thing)
    ('keras.example_kind', None)
    >>> @register_keras_serializable(package="demo")
    ... class Doubler:
    ...     def get_config(self):
    ...         return {}
    >>> get_registered_name(Doubler), get_registered_object("demo>Doubler") is Doubler
    ('demo>Doubler', True)
"""
import inspect
import threading

__all__ = ["keras_export", "public_object", "public_names", "public_modules", "export_info",
           "register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope",
           "lookup_custom_object", "scoped_objects", "GLOBAL_CUSTOM_OBJECTS",
           "GLOBAL_CUSTOM_NAMES"]

# --- built-ins ------------------------------------------------------------------------
# module -> {class or function name -> object}; and object -> (module, registered_name)
_TABLE = {}
_INFO = {}


def keras_export(module, registered_name=None, name=None):
    """Decorator: record ``obj`` as the built-in ``module.<name>``.

    Args:
        module: the public module Keras 3 writes into configs for the object
            (``"keras.layers"``, ``"keras.losses"``, ``"keras"`` for ``Model``), or a
            list of them: the object is found under each, and the first is written.
        registered_name: what Keras writes as ``registered_name`` (None for built-ins,
            ``"Functional"`` for functional models).
        name: the public name when it differs from ``obj.__name__`` (an alias such as
            ``"mse"`` is exported by applying the decorator again with ``name=``).

    Example:
        >>> def twice(x):
        ...     return 2 * x
        >>> _ = keras_export(["keras.example_fn", "keras.example_other"])(twice)
        >>> public_object("keras.example_other", "twice") is twice, export_info(twice)
        (True, ('keras.example_fn', None))
    """
    modules = [module] if isinstance(module, str) else list(module or ())
    if not modules or not all(isinstance(m, str) and m for m in modules):
        raise TypeError(f"keras_export expects a module name such as 'keras.layers' (or a "
                        f"list of them); got {module!r}.")

    def decorate(obj):
        key = name or obj.__name__
        for each in modules:
            _TABLE.setdefault(each, {})[key] = obj
        _INFO.setdefault(obj, (modules[0], registered_name))
        return obj
    return decorate


def public_object(module, name):
    """The built-in exported as ``module.name``, or None."""
    return _TABLE.get(module, {}).get(name)


def public_names(module):
    """``{name: object}`` of everything exported under ``module`` (a copy)."""
    return dict(_TABLE.get(module, {}))


def public_modules():
    """The public modules that have at least one exported object, sorted."""
    return sorted(_TABLE)


def export_info(obj):
    """``(module, registered_name)`` of an exported built-in, or None for anything else."""
    try:
        return _INFO.get(obj)
    except TypeError:  # unhashable
        return None


# --- user objects -----------------------------------------------------------------------
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


def scoped_objects():
    """``{name: object}`` of every enclosing ``custom_object_scope`` (innermost wins)."""
    merged = {}
    for objects in getattr(_SCOPES, "stack", None) or ():
        merged.update(objects)
    return merged


def lookup_custom_object(*names, custom_objects=None):
    """The first user object found for any of ``names`` (``None`` names are skipped).

    Looks in ``custom_objects``, then the active scopes, then the global registry;
    for a ``"package>name"`` key it also tries the bare ``name`` in the user's dicts.
    """
    tables = [custom_objects or {}, scoped_objects(), GLOBAL_CUSTOM_OBJECTS]
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
