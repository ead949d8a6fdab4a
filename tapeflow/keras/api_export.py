"""The table of tapeflow's public Keras names, filled by a decorator on each built-in.

This module sits at the bottom of ``tapeflow.keras``: it imports nothing from tapeflow,
so every other module may import it. Each built-in class or function that a saved
config may name is decorated where it is defined, as Keras 3's ``keras_export`` does::

    @keras_export("keras.layers")
    class Dense(Layer): ...

The (de)serializers look names up here instead of importing the packages that define
them; ``load_model`` imports the built-in packages from the top, which fills the table.

Example:
    >>> @keras_export("keras.example_kind")
    ... class Thing:
    ...     pass
    >>> public_object("keras.example_kind", "Thing") is Thing
    True
    >>> export_info(Thing)
    ('keras.example_kind', None)
"""
__all__ = ["keras_export", "public_object", "public_names", "export_info"]

# module -> {class or function name -> object}; and object -> (module, registered_name)
_TABLE = {}
_INFO = {}


def keras_export(module, registered_name=None, name=None):
    """Decorator: record ``obj`` as the built-in ``module.<name>``.

    Args:
        module: the public module Keras 3 writes into configs for the object
            (``"keras.layers"``, ``"keras.losses"``, ``"keras"`` for ``Model``).
        registered_name: what Keras writes as ``registered_name`` (None for built-ins,
            ``"Functional"`` for functional models).
        name: the public name when it differs from ``obj.__name__``.
    """
    if not isinstance(module, str) or not module:
        raise TypeError(f"keras_export expects a module name such as 'keras.layers'; "
                        f"got {module!r}.")

    def decorate(obj):
        key = name or obj.__name__
        _TABLE.setdefault(module, {})[key] = obj
        _INFO.setdefault(obj, (module, registered_name))
        return obj
    return decorate


def public_object(module, name):
    """The built-in exported as ``module.name``, or None."""
    return _TABLE.get(module, {}).get(name)


def public_names(module):
    """``{name: object}`` of everything exported under ``module`` (a copy)."""
    return dict(_TABLE.get(module, {}))


def export_info(obj):
    """``(module, registered_name)`` of an exported built-in, or None for anything else."""
    try:
        return _INFO.get(obj)
    except TypeError:  # unhashable
        return None
