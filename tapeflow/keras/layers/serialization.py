"""Layers (and models) to and from Keras 3's config dicts: ``keras.layers.serialize``
and ``keras.layers.deserialize``.

``serialize(layer)`` gives ``{"module", "class_name", "config", "registered_name"}``
plus ``"build_config"`` for a built layer, exactly the entries Keras 3 writes into a
``.keras`` file's ``config.json``. ``deserialize`` creates only built-ins (each
exported with ``@keras_export``) or classes the caller passes in ``custom_objects``;
nothing named in a config is imported or evaluated. Both are written once, in
:mod:`tapeflow.keras._objects`.

Example:
    >>> from tapeflow import keras
    >>> d = serialize(keras.layers.Dense(3, name="out"))
    >>> d["module"], d["class_name"], d["config"]["units"]
    ('keras.layers', 'Dense', 3)
    >>> deserialize(d).units
    3
"""
from tapeflow.keras._objects import current_custom_objects, custom_object_scope  # noqa: F401
from tapeflow.keras._objects import deserialize_layer as deserialize
from tapeflow.keras._objects import serialize_layer as serialize

__all__ = ["serialize", "deserialize", "custom_object_scope", "current_custom_objects"]
