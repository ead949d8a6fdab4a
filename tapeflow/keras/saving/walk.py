"""Where each layer's and the optimizer's variables live in a Keras 3 weights file.

Keras 3 walks a model the way its ``saving_lib`` does and stores every object that
owns variables under a path:

* the model itself at ``vars``;
* for Sequential and Functional models, ``model.layers`` first, each named by its
  snake_case class made unique within the list (``layers/dense``,
  ``layers/dense_1``, ``layers/flatten`` ...), never by ``layer.name``;
* then every other attribute, public names first, in sorted order: a layer or
  optimizer attribute is stored under the attribute's name (``optimizer``,
  ``dense1``), a list/dict of them as a container (``blocks/dense``);
* the same, recursively, inside each layer (``layers/block/inner``).

An object reached twice is stored at the first path only. Every stored object gets
a group ``<path>/vars`` (with attribute ``name``), even when it has no variables.

Example:
    >>> from tapeflow.keras.utils.naming import to_snake_case
    >>> used = {}
    >>> [unique_name(to_snake_case(n), used) for n in ("Dense", "Dense", "Flatten")]
    ['dense', 'dense_1', 'flatten']
"""
from tapeflow.keras.utils.naming import to_snake_case

__all__ = ["saveable_paths", "own_variables", "unique_name", "is_layer", "is_optimizer"]

_SKIP = {}


def _layer_class():
    from tapeflow.keras.layers.base import Layer
    return Layer


def is_layer(obj):
    return isinstance(obj, _layer_class())


def is_optimizer(obj):
    try:
        from tapeflow.keras.optimizers.base import Optimizer
    except ImportError:  # pragma: no cover - optimizers always ship with keras
        return False
    return isinstance(obj, Optimizer)


def _kind(obj):
    """Keras's object type: "Sequential", "Functional", "Layer", "Optimizer" or None."""
    if is_optimizer(obj):
        return "Optimizer"
    if not is_layer(obj):
        return None
    for cls in type(obj).__mro__:
        if cls.__module__.startswith("tapeflow.keras.models") and \
                cls.__name__ in ("Sequential", "Functional"):
            return cls.__name__
    return "Layer"


def _skipset():
    """Attribute names of a bare Layer: Keras never walks into these."""
    if "Layer" not in _SKIP:
        from tapeflow.keras.utils import naming
        saved = dict(naming._UIDS)
        try:
            _SKIP["Layer"] = frozenset(dir(_layer_class()()))
        finally:
            naming._UIDS.clear()
            naming._UIDS.update(saved)
    return _SKIP["Layer"]


def _name_key(name):
    return f"~{name}" if name.startswith("_") else name


def unique_name(name, used):
    """Keras's ``_get_unique_name``: ``name``, then ``name_1``, ``name_2`` ..."""
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _children(obj, kind):
    if kind in ("Sequential", "Functional"):
        yield "layers", list(obj.layers)
    skip = _skipset() if kind != "Optimizer" else ()
    graph_model = kind in ("Sequential", "Functional")
    for attr in sorted(dir(obj), key=_name_key):
        if attr.startswith("__") or attr in skip:
            continue
        if kind == "Optimizer" or (graph_model and attr.startswith("_")):
            continue  # optimizer slots are its own variables; graph internals repeat layers
        try:
            child = getattr(obj, attr)
        except Exception:  # noqa: BLE001 - Keras also ignores attributes that raise
            continue
        if graph_model and _is_input_layer(child):
            continue
        yield attr, child


def _is_input_layer(obj):
    return type(obj).__name__ == "InputLayer" and is_layer(obj)


def _join(path, name):
    return f"{path}/{name}" if path else name


def saveable_paths(model):
    """``[(path, obj)]`` for the model and every layer/optimizer it holds, in Keras's
    order and with Keras's paths ("" is the model itself)."""
    out, visited = [], set()
    _visit(model, "", visited, out)
    return out


def _visit(obj, path, visited, out):
    if id(obj) in visited:
        return
    kind = _kind(obj)
    out.append((path, obj))
    visited.add(id(obj))
    for attr, child in _children(obj, kind):
        if _kind(child) is not None:
            _visit(child, _join(path, attr), visited, out)
        elif isinstance(child, (list, tuple, dict)):
            _visit_container(child, _join(path, attr), visited, out, set())


def _visit_container(container, path, visited, out, seen):
    if id(container) in seen:
        return
    seen.add(id(container))
    used = {}
    items = list(container.values()) if isinstance(container, dict) else container
    for item in items:
        if _kind(item) is not None:
            name = unique_name(to_snake_case(type(item).__name__), used)
            _visit(item, _join(path, name), visited, out)
        elif isinstance(item, (list, tuple, dict)):
            _visit_container(item, _join(path, unique_name("container", used)), visited,
                             out, seen)


def own_variables(obj):
    """The variables ``obj`` stores itself, in Keras's order: its own trainable ones,
    then its own non-trainable ones (not those of its sub-layers)."""
    if is_optimizer(obj):
        return list(obj.variables)
    d = obj.__dict__
    if "_own_trainable" in d:
        own = list(d["_own_trainable"]) + list(d["_own_non_trainable"])
        scanned = obj._scan()[1] if hasattr(obj, "_scan") else []
        extra = [v for v in scanned if not any(v is w for w in own)]
        return own + [v for v in extra if v.trainable] + [v for v in extra if not v.trainable]
    inner = {id(v) for layer in getattr(obj, "_sublayers", lambda: [])()
             for v in layer.weights}
    return [v for v in getattr(obj, "weights", []) if id(v) not in inner]
