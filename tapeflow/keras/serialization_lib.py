"""Keras 3's object configs: ``serialize_keras_object`` / ``deserialize_keras_object``.

An object is written as ``{"module", "class_name", "config", "registered_name"}``
plus, for layers and models, ``"build_config"`` and ``"compile_config"``. tapeflow's
own classes are written under Keras's public names (``tapeflow.keras.layers.Dense``
becomes ``{"module": "keras.layers", "class_name": "Dense"}``), so Keras reads
tapeflow's files and tapeflow reads Keras's.

Reading is a table look-up, never an import or an evaluation: a name resolves to a
built-in exported with ``@keras_export``, to a registered custom object or to one
passed in ``custom_objects`` (both tables live in :mod:`tapeflow.keras.api_export`);
anything else is refused with :class:`~tapeflow.keras.saving.errors.UnknownObjectError`.
Serialised Python code (Keras's ``__lambda__``) is never run.

This is the one (de)serializer core of tapeflow.keras: it depends only on the bottom
table, so every package (layers, losses, optimizers, models ...) may use it. It finds
only what has been imported; ``keras.saving.load_model`` imports all built-ins first.

Example:
    >>> from tapeflow.keras import initializers
    >>> cfg = serialize_keras_object(initializers.Zeros())
    >>> cfg["module"], cfg["class_name"], cfg["registered_name"]
    ('keras.initializers', 'Zeros', None)
    >>> type(deserialize_keras_object(cfg)).__name__
    'Zeros'
"""
import codecs
import inspect
import marshal
import threading
import types

import numpy as np

from tapeflow.keras import api_export as registry
from tapeflow.keras.saving.errors import UnknownObjectError, UnsafeObjectError
from tapeflow.tensor import Tensor, TensorShape, constant

__all__ = ["serialize_keras_object", "deserialize_keras_object", "keras_public_name",
           "resolve_object", "SafeModeScope", "in_safe_mode",
           "enable_unsafe_deserialization", "get_build_config", "build_from_config"]

# Built-in functions saved by bare name are looked up in these (Keras's BUILTIN_MODULES).
_BUILTIN_FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics",
                             "keras.initializers", "keras.regularizers",
                             "keras.constraints", "keras.optimizers")
_PLAIN = (str, int, float, bool)
_STATE = threading.local()
_GLOBAL = {"safe_mode": None}


def _is_functional_model(obj_or_cls):
    cls = obj_or_cls if inspect.isclass(obj_or_cls) else type(obj_or_cls)
    return registry.export_info(cls) == ("keras.src.models.functional", "Functional")


def _is_model(obj):
    # A model is what compile() configures: Keras writes its compile_config.
    return callable(getattr(obj, "get_compile_config", None)) and \
        callable(getattr(obj, "compile_from_config", None))


def keras_public_name(cls):
    """``(keras_module, class_name)`` for a tapeflow built-in, else ``None``.

    Example:
        >>> from tapeflow.keras import initializers
        >>> keras_public_name(initializers.GlorotUniform)
        ('keras.initializers', 'GlorotUniform')
    """
    info = registry.export_info(cls)
    return None if info is None else (info[0], cls.__name__)


# --- safe mode --------------------------------------------------------------------------
class SafeModeScope:
    """Within the scope, nested deserialisation sees ``in_safe_mode() == safe_mode``."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_STATE, "safe_mode", None)
        _STATE.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _STATE.safe_mode = self._previous


def in_safe_mode():
    """True/False inside a :class:`SafeModeScope` (or after
    :func:`enable_unsafe_deserialization`), else ``None``."""
    scoped = getattr(_STATE, "safe_mode", None)
    return scoped if scoped is not None else _GLOBAL["safe_mode"]


def enable_unsafe_deserialization():
    """Keras's switch to allow lambdas. tapeflow still never runs code from a file:
    a serialised lambda must be supplied again through ``custom_objects``."""
    _GLOBAL["safe_mode"] = False


# --- serialisation ----------------------------------------------------------------------
def serialize_keras_object(obj):
    """Keras 3's JSON-ready form of ``obj`` (a layer, model, optimizer, function ...).

    Plain values, lists and dicts are returned with their contents serialised; NumPy
    arrays and tensors become Keras's ``__numpy__`` / ``__tensor__`` dicts.
    """
    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    special = _serialize_special(obj)
    if special is not None:
        return special
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: to be "
                        f"serializable, a class must implement get_config().")
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The get_config() method of {type(obj).__name__} must return a "
                        f"dict; it returned {config!r}.")
    module, class_name, registered = _class_names(type(obj))
    out = {"module": module, "class_name": class_name,
           "config": _conform(serialize_keras_object(config)), "registered_name": registered}
    build_config = get_build_config(obj)
    if build_config is not None:
        out["build_config"] = serialize_keras_object(build_config)
    if _is_model(obj):
        out["compile_config"] = serialize_keras_object(obj.get_compile_config() or {})
    return out


def _conform(tree):
    """Fix nested object dicts written by other serialisers to Keras's exact form:
    no ``build_config`` for layers Keras builds in ``__init__``, ``module`` None for
    ``__main__``, and registered custom classes under their ``"package>name"``."""
    if isinstance(tree, list):
        return [_conform(x) for x in tree]
    if not isinstance(tree, dict):
        return tree
    out = {k: _conform(v) for k, v in tree.items()}
    if not {"module", "class_name", "config"} <= set(out):
        return out
    module, name = out["module"], out["class_name"]
    if module == "keras.layers" and name in _BUILT_AT_INIT:
        out.pop("build_config", None)
    if isinstance(module, str) and not module.startswith("keras"):
        for obj, key in registry.GLOBAL_CUSTOM_NAMES.items():
            if getattr(obj, "__name__", None) == name and obj.__module__ == module:
                out["registered_name"] = key
                break
    if module == "__main__":
        out["module"] = None
    return out


def _class_names(cls):
    registered = registry.GLOBAL_CUSTOM_NAMES.get(cls)
    if registered is not None:
        return _user_module(cls), cls.__name__, registered
    info = registry.export_info(cls)
    if info is not None:
        return info[0], cls.__name__, info[1]
    return _user_module(cls), cls.__name__, cls.__name__


def _user_module(obj):
    module = getattr(obj, "__module__", None)
    return None if module == "__main__" else module


def _serialize_special(obj):
    if isinstance(obj, TensorShape):
        return list(obj)
    if isinstance(obj, Tensor):
        value = obj.numpy()
        return {"class_name": "__tensor__",
                "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {"class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.dtype):
        return obj.name
    if hasattr(obj, "as_numpy_dtype") and hasattr(obj, "name"):  # tapeflow DType
        return obj.name
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start),
            "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    return None


def _serialize_function(fn):
    if fn.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": {"value": _func_dump(fn)}}
    # Keras 3 writes every named function alike, built-in or not: its registered name
    # ("package>name", else its __name__) under the module and class of the function type.
    return {"module": "builtins", "class_name": "function",
            "config": registry.get_registered_name(fn), "registered_name": "function"}


def _func_dump(fn):
    # Keras's layout ([base64 marshal of the code, defaults, closure]) so that Keras
    # can reload it with safe_mode=False; tapeflow itself never unmarshals it.
    code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return [code, serialize_keras_object(fn.__defaults__), serialize_keras_object(closure)]


# --- build configs ----------------------------------------------------------------------
# Keras layers that are built in __init__ and so carry no build_config.
_BUILT_AT_INIT = frozenset((
    "InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization",
    "Identity", "Masking", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Reshape",
    "UnitNormalization", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D",
    "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalAveragePooling3D"))
_SHAPE_ATTRS = ("_build_shapes", "_build_input_shape", "build_input_shape")


def _as_list(shape):
    if shape is None:
        return None
    if isinstance(shape, dict):
        return {k: _as_list(v) for k, v in shape.items()}
    items = list(shape)
    if items and all(isinstance(s, (list, tuple)) or s is None for s in items) \
            and any(isinstance(s, (list, tuple)) for s in items):
        return [_as_list(s) for s in items]
    return [None if d is None else int(d) for d in items]


def get_build_config(obj):
    """Keras's ``build_config`` of a built layer or model, or ``None``.

    Uses the object's own ``get_build_config()`` when it has one; otherwise the input
    shape the layer was built with, for the layer classes for which Keras records it.
    """
    public = keras_public_name(type(obj))
    if public is not None and public[1] in _BUILT_AT_INIT:
        return None
    if _is_functional_model(obj):
        return {"input_shape": None}
    method = getattr(obj, "get_build_config", None)
    if callable(method):
        found = method()
        if found is not None or not _is_model(obj):
            return found
    if not getattr(obj, "built", False) or not hasattr(obj, "get_config"):
        return None
    for attr in _SHAPE_ATTRS:
        shape = getattr(obj, attr, None)
        if shape is not None:
            return {"input_shape": _as_list(shape)}
    return None


def _as_shape(shape):
    if isinstance(shape, list) and shape and all(isinstance(s, list) for s in shape):
        return [tuple(s) for s in shape]
    if isinstance(shape, list):
        return tuple(shape)
    return shape


def build_from_config(obj, build_config):
    """Build ``obj`` from its ``build_config`` (``build_from_config`` if it has one)."""
    if not build_config or getattr(obj, "built", False):
        return
    method = getattr(obj, "build_from_config", None)
    if callable(method):
        method(build_config)
        return
    if build_config.get("input_shape") is not None:
        obj.build(_as_shape(build_config["input_shape"]))
    elif build_config.get("shapes_dict"):
        obj.build(**{k: _as_shape(v) for k, v in build_config["shapes_dict"].items()})


# --- deserialisation --------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a Keras 3 config describes (see the module docstring).

    Args:
        config: a config dict, a list of them, a plain value or a registered name.
        custom_objects: ``{name: class_or_function}`` for custom objects.
        safe_mode: refuse serialised lambdas (tapeflow refuses them in any case).

    Raises:
        UnknownObjectError: a class or function nobody defined or registered.
        UnsafeObjectError: the config carries Python code.
    """
    scoped = in_safe_mode()
    safe_mode = scoped if scoped is not None else safe_mode
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        found = registry.lookup_custom_object(config, custom_objects=custom_objects)
        return found if found is not None else config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode)
                for k, v in config.items()}
    special = _deserialize_special(config, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    if class_name == "function":
        return resolve_object(inner, config.get("module"), config.get("registered_name"),
                              custom_objects, kind="function")
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name}; got "
                        f"{type(inner).__name__}.")
    cls = resolve_object(class_name, config.get("module"), config.get("registered_name"),
                         custom_objects, kind="class")
    if isinstance(cls, types.FunctionType):
        return cls
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of {class_name!r}: the class "
                        f"has no from_config() method.")
    with registry.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        instance = cls.from_config(dict(inner))
        build_from_config(instance, config.get("build_config"))
        compile_config = config.get("compile_config")
        if compile_config and _is_model(instance):
            instance.compile_from_config(compile_config)
            _build_optimizer(instance)
    return instance


_NOT_SPECIAL = object()


def _build_optimizer(model):
    """Create the optimizer's slot variables so that saved ones can be loaded."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "built", False):
        return
    if not getattr(optimizer, "built", False) and callable(getattr(optimizer, "build", None)):
        optimizer.build(list(model.trainable_variables))


def _deserialize_special(config, custom_objects, safe_mode):
    name, inner = config["class_name"], config["config"]
    if name == "__lambda__":
        advice = ("pass safe_mode=False and supply the function again through "
                  "custom_objects" if safe_mode else "supply the function through "
                  "custom_objects (tapeflow never runs code stored in a file)")
        raise UnsafeObjectError(
            f"the config holds a serialised Python lambda. Loading it would execute code "
            f"stored in the file, so it is refused; if you trust the file, {advice}, or "
            f"rebuild that part of the model in Python and load only the weights.")
    if name == "__numpy__":
        return np.array(inner["value"], dtype=np.dtype(inner["dtype"]))
    if name == "__tensor__":
        return constant(inner["value"], dtype=inner["dtype"])
    if name == "__bytes__":
        return inner["value"].encode("utf-8")
    if name == "__ellipsis__":
        return Ellipsis
    if name == "__slice__":
        return slice(*(deserialize_keras_object(inner[k], custom_objects, safe_mode)
                       for k in ("start", "stop", "step")))
    if name == "__keras_tensor__":
        return config  # Functional.from_config reads these references itself.
    return _NOT_SPECIAL


def resolve_object(name, module=None, registered_name=None, custom_objects=None,
                   kind="class"):
    """The class or function a saved ``(class_name, module, registered_name)`` names.

    Order: ``custom_objects`` / active scopes / the registry, then tapeflow's own
    object under the Keras module named, then (for Keras modules) any tapeflow
    namespace that has the name.
    """
    found = registry.lookup_custom_object(registered_name, name, custom_objects=custom_objects)
    if found is not None:
        return found
    if isinstance(name, str) and isinstance(module, (str, type(None))):
        found = _builtin(name, module, kind)
        if found is not None:
            return found
    raise UnknownObjectError(
        f"Could not locate {kind} {name!r} (module {module!r}, registered name "
        f"{registered_name!r}). tapeflow has no such built-in and nobody registered it. "
        f"If it is your own {kind}, define it with get_config() (and from_config() if "
        f"needed), decorate it with @keras.saving.register_keras_serializable() and "
        f"import it before loading, or pass custom_objects={{{name!r}: ...}}.")


def _builtin(name, module, kind):
    """A built-in from the export table: under ``module`` first, then (for a Keras
    internal module such as ``"keras.src.layers.core.dense"``, or a function saved
    under ``"builtins"``) under the public modules that could hold it."""
    if module is not None and module != "keras" and not module.startswith("keras."):
        if not (kind == "function" and module == "builtins"):
            return None
    if module is None and name == "Functional":
        module = "keras.src.models.functional"
    candidates = [module] if module is not None else []
    if kind == "function" and module in (None, "builtins"):
        candidates += list(_BUILTIN_FUNCTION_MODULES)
    elif module is not None and module.startswith("keras"):
        candidates += registry.public_modules()
    for public in candidates:
        obj = registry.public_object(public, name)
        if obj is None:
            continue
        if inspect.isclass(obj) if kind == "class" else callable(obj) and not inspect.isclass(obj):
            return obj
    return None
