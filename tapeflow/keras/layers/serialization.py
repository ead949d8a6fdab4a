"""Layers (and models) to and from Keras 3's config dicts.

``serialize(layer)`` gives ``{"module", "class_name", "config", "registered_name"}``
plus ``"build_config"`` for a built layer, exactly the entries Keras 3 writes into a
``.keras`` file's ``config.json``. ``deserialize`` creates only classes it knows
(tapeflow's layers and models) or that the caller passes in ``custom_objects``;
nothing named in a config is imported or evaluated.

Example:
    >>> from tapeflow import keras
    >>> d = serialize(keras.layers.Dense(3, name="out"))
    >>> d["module"], d["class_name"], d["config"]["units"]
    ('keras.layers', 'Dense', 3)
    >>> deserialize(d).units
    3
"""
from tapeflow.keras._objects import current_custom_objects, custom_object_scope, lookup_custom
from tapeflow.keras.api_export import export_info, public_object

__all__ = ["serialize", "deserialize", "register", "custom_object_scope",
           "current_custom_objects"]

_BUILTIN = {}


def register(*classes, module="keras.layers", registered_name=None):
    """Make built-in classes known to :func:`deserialize` (called by the packages).

    ``module`` and ``registered_name`` are what Keras 3 writes for the class (e.g.
    ``"keras.src.models.functional"`` and ``"Functional"`` for Functional models).
    """
    for cls in classes:
        _BUILTIN[cls.__name__] = (cls, module, registered_name)


def _module_of(obj):
    cls = type(obj)
    known = _BUILTIN.get(cls.__name__)
    if known is not None and known[0] is cls:
        return known[1], known[2]
    exported = export_info(cls)
    if exported is not None:
        return exported
    return cls.__module__, cls.__name__


def serialize(layer):
    """Keras 3's dict for a layer or model, with ``build_config`` when built."""
    if layer is None:
        return None
    module, registered = _module_of(layer)
    out = {"module": module, "class_name": type(layer).__name__,
           "config": layer.get_config(), "registered_name": registered}
    if getattr(layer, "built", False):
        build_config = layer.get_build_config()
        if build_config is not None:
            out["build_config"] = build_config
    return out


def _find_class(config, custom):
    name = config.get("class_name")
    registered = config.get("registered_name")
    found = lookup_custom([registered, name], custom)
    if found is not None:
        return found
    if name not in _BUILTIN:
        import tapeflow.keras.models  # noqa: F401  (registers Sequential, Functional ...)
    if name in _BUILTIN:
        return _BUILTIN[name][0]
    exported = public_object("keras.layers", name)
    if exported is not None:
        return exported
    known = ", ".join(sorted(_BUILTIN))
    raise ValueError(
        f"Unknown layer: '{name}'. Please ensure you are using a `keras.utils."
        f"custom_object_scope` and that this object is included in the scope, or pass it "
        f"via custom_objects={{'{name}': {name}}}. Built-in layers: {known}.")


def deserialize(config, custom_objects=None):
    """A layer or model from its Keras 3 dict (or a class name for weightless layers)."""
    from tapeflow.keras.layers.base import Layer
    if isinstance(config, Layer):
        return config
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized layer: {config!r:.200}. Expected "
                         f"a dict with 'class_name' and 'config'.")
    with custom_object_scope(custom_objects):
        cls = _find_class(config, current_custom_objects())
        inner = dict(config.get("config") or {})
        layer = cls.from_config(inner)
        build_config = config.get("build_config")
        if build_config and not layer.built:
            layer.build_from_config(build_config)
    return layer
