"""Keras 3's ``.keras`` format: a zip of ``metadata.json``, ``config.json``,
``model.weights.h5`` and the layers' ``assets/`` (vocabularies, :mod:`assets`).

``config.json`` is ``serialize_keras_object(model)``: ``{"module", "class_name",
"config", "registered_name", "build_config", "compile_config"}`` with every layer in
Keras's own dict form. ``model.weights.h5`` follows :mod:`weights_h5`. Members are
stored uncompressed, in that order, as Keras writes them. Loading rebuilds the
model from the config (table look-ups only, nothing imported or evaluated), builds
it, compiles it (``compile=True``) and assigns every variable, optimizer state
included, so training resumes exactly where it stopped.

Example:
    >>> import os, tempfile
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.keras")
    >>> save_model(model, path)
    >>> loaded = load_model(path)
    >>> [w.shape for w in loaded.get_weights()]
    [(3, 2), (2,)]
"""
import contextlib
import datetime
import io
import json
import os
import warnings
import zipfile

from tapeflow.keras import build_limits
from tapeflow.keras.api_export import public_object
from tapeflow.keras.saving import file_io
from tapeflow.keras.saving.assets import read_assets, write_assets
from tapeflow.keras.saving.errors import (ModelFileError, UnknownObjectError,
                                          UnsafeObjectError, require_h5py)
from tapeflow.keras.saving.h5_guard import h5_read_errors, open_h5
from tapeflow.keras.saving.weights_h5 import read_model_state, write_model_state
from tapeflow.keras.serialization_lib import (deserialize_keras_object, resolve_object,
                                              serialize_keras_object)
from tapeflow.keras.version import __version__ as keras_version

__all__ = ["save_model", "load_model", "model_from_json", "model_to_json_configs",
           "model_from_config_dict", "build_budget"]

CONFIG_NAME = "config.json"
METADATA_NAME = "metadata.json"
WEIGHTS_NAME = "model.weights.h5"
_MAX_CONFIG_BYTES = 256 << 20      # a config.json beyond this is not a real model
_MAX_WEIGHTS_RATIO = 100           # stored-to-declared ratio Keras also enforces
_BUILD_FLOOR_BYTES = 64 << 20      # any model file may build this much (plus its weights)
_REBUILD_ERRORS = (TypeError, KeyError, IndexError, AttributeError, ValueError,
                   NotImplementedError, RecursionError, ZeroDivisionError, OverflowError,
                   AssertionError, RuntimeError, MemoryError)


def model_to_json_configs(model):
    """``(config_json, metadata_json)`` strings, as Keras writes them."""
    config = json.dumps(serialize_keras_object(model))
    metadata = json.dumps({"keras_version": keras_version,
                           "date_saved": datetime.datetime.now().strftime(
                               "%Y-%m-%d@%H:%M:%S")})
    return config, metadata


def _weights_bytes(model):
    h5py = require_h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_model_state(model, f)
    return buffer.getvalue()


def _write_archive(model, fileobj):
    config, metadata = model_to_json_configs(model)
    weights = _weights_bytes(model)
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_NAME, metadata)
        zf.writestr(CONFIG_NAME, config)
        zf.writestr(WEIGHTS_NAME, weights)
        write_assets(model, zf)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save ``model`` (architecture, weights, compile settings, optimizer state).

    Args:
        model: a built Sequential, Functional or subclassed model.
        filepath: a path ending in ``.keras``, or a writable binary file object.
        overwrite: when False and the file exists, raise ``FileExistsError``.
        zipped: accepted for Keras compatibility; only zipped files are written.

    Raises:
        ValueError: the path ends in neither ``.keras`` nor ``.h5`` (a ``.h5`` name
            writes the legacy HDF5 format, with Keras 3's deprecation warning).
        TypeError: a layer's config cannot be serialised.
    """
    if kwargs:
        raise TypeError(f"save_model() got unexpected arguments: {sorted(kwargs)}")
    if not getattr(model, "built", False):
        warnings.warn("You are saving a model that has not yet been built. It might not "
                      "contain any weights yet. Consider building the model first by "
                      "calling it on some data.", stacklevel=2)
    if hasattr(filepath, "write"):
        _write_archive(model, filepath)
        return
    filepath = file_io.fspath(filepath)
    if filepath.endswith((".h5", ".hdf5")) and zipped is not False:
        from tapeflow.keras.saving.legacy_h5_save import save_legacy_model
        return save_legacy_model(model, filepath, overwrite=overwrite)
    if zipped is False or not filepath.endswith(".keras"):
        raise ValueError(_suffix_message(filepath))
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} already exists; pass overwrite=True to "
                              f"replace it.")
    with file_io.atomic_write(filepath) as tmp:
        with open(tmp, "wb") as f:
            _write_archive(model, f)


def _suffix_message(filepath):
    return ("Invalid filepath extension for saving. Please add either a `.keras` extension "
            "for the native Keras format (recommended) or a `.h5` extension; for weights "
            "alone use `model.save_weights('name.weights.h5')`. "
            f"Received: filepath={filepath}.")


# --- loading -------------------------------------------------------------------------------
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by tapeflow or by Keras 3 (``.keras``), or a legacy ``.h5``.

    Args:
        filepath: a ``.keras`` / ``.h5`` path, an unzipped ``.keras`` directory, or a
            binary file object holding a ``.keras`` archive.
        custom_objects: ``{name: class_or_function}`` for custom layers, losses ...
        compile: also restore ``compile()`` settings and the optimizer state.
        safe_mode: refuse serialised lambdas (tapeflow refuses them in any case).

    Raises:
        FileNotFoundError: nothing at ``filepath``.
        ModelFileError: the file is not a valid model file; the message says why.
    """
    if hasattr(filepath, "read"):
        return _load_archive(filepath, "<file object>", custom_objects, compile, safe_mode)
    filepath = file_io.fspath(filepath)
    file_io.check_exists(filepath, "model file or directory")
    if os.path.isdir(filepath):
        return _load_directory(filepath, custom_objects, compile, safe_mode)
    if filepath.endswith(".weights.h5"):
        raise ModelFileError("this is a weights-only file. Build the model in code, then "
                             "call `model.load_weights(path)`.", filepath)
    if filepath.endswith((".h5", ".hdf5")):
        from tapeflow.keras.saving.legacy_h5 import load_legacy_model
        return load_legacy_model(filepath, custom_objects, compile, safe_mode)
    if not filepath.endswith(".keras"):
        raise ModelFileError(
            "file format not supported: tapeflow, like Keras 3, loads `.keras` files and "
            "legacy `.h5` files. Rename the file if it is one of these.", filepath)
    with open(filepath, "rb") as f:
        return _load_archive(f, filepath, custom_objects, compile, safe_mode)


def _open_zip(fileobj, filepath):
    try:
        return zipfile.ZipFile(fileobj, "r")
    except zipfile.BadZipFile as err:
        raise ModelFileError(f"not a valid `.keras` file: it is not a zip archive "
                             f"({err}).", filepath) from err
    except (EOFError, ValueError, NotImplementedError, RuntimeError) as err:
        raise ModelFileError(f"the zip archive is corrupt ({err}).", filepath) from err


def _read_member(zf, name, filepath, limit=None):
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise ModelFileError(
            f"the archive has no {name}. A `.keras` file holds metadata.json, config.json "
            f"and model.weights.h5; found {zf.namelist()[:10]}.", filepath) from None
    if limit is not None and info.file_size > limit:
        raise ModelFileError(f"{name} declares {info.file_size} bytes; too large for a "
                             f"model file.", filepath)
    if info.file_size > (1 << 28) and info.file_size > _MAX_WEIGHTS_RATIO * max(
            info.compress_size, 1):
        raise ModelFileError(f"{name} declares {info.file_size} bytes but stores "
                             f"{info.compress_size}; refusing a possible zip bomb.", filepath)
    try:
        return zf.read(name)
    except Exception as err:  # noqa: BLE001 - zipfile/zlib raise many types on corruption
        raise ModelFileError(f"cannot read {name} from the archive "
                             f"({type(err).__name__}: {err}).", filepath) from err


def _parse_config(raw, filepath):
    try:
        config = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ModelFileError(f"config.json is not valid JSON ({err}).", filepath) from err
    if not isinstance(config, dict) or "class_name" not in config:
        raise ModelFileError("config.json does not describe a model: expected an object "
                             "with 'class_name' and 'config'.", filepath)
    return config


def build_budget(weights_bytes):
    """The bytes rebuilding a model may allocate when its weights take ``weights_bytes``
    in the file (see :mod:`tapeflow.keras.build_limits`)."""
    return _BUILD_FLOOR_BYTES + 2 * int(weights_bytes)


def _limit_error(err):
    """The BuildLimitError behind ``err`` (a layer may have wrapped it), or None."""
    seen = 0
    while err is not None and seen < 20:
        if isinstance(err, build_limits.BuildLimitError):
            return err
        err, seen = err.__cause__ or err.__context__, seen + 1
    return None


def _field_declaring(config, shape):
    """`` (field 'path' is N)`` for the config field holding the largest dimension
    of ``shape``, or "" when no field holds it."""
    dims = sorted((int(d) for d in shape if int(d) > 1), reverse=True)
    stack = [("", config)]
    while dims and stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(node))
        elif isinstance(node, int) and not isinstance(node, bool) and node == dims[0]:
            return f" (field '{path}' is {node})"
    return ""


def model_from_config_dict(config, custom_objects=None, compile=True, safe_mode=True,
                           filepath=None, max_bytes=None, config_name="config.json",
                           original=None):
    """Rebuild (and compile) a model from a parsed ``config.json`` dict.

    With ``max_bytes`` (a file's :func:`build_budget`), building may allocate at most
    that many bytes of weights and placeholders; more raises ModelFileError before
    the memory is taken, naming the field of ``config_name`` (``original``, the
    config as stored when it was translated) that declares the size.
    """
    config = dict(config)
    if not compile:
        config["compile_config"] = None
    _refuse_code(config, safe_mode, filepath)
    _check_known(config, custom_objects, filepath)
    bounded = (build_limits.limit(max_bytes, repr(filepath or "the config"))
               if max_bytes is not None else contextlib.nullcontext())
    try:
        with bounded:
            model = deserialize_keras_object(config, custom_objects=custom_objects,
                                             safe_mode=safe_mode)
    except ModelFileError as err:
        if err.filepath is None and filepath is not None:
            raise type(err)(err.reason, filepath) from err
        raise
    except _REBUILD_ERRORS as err:
        if _limit_error(err) is not None:
            field = _field_declaring(original or config, _limit_error(err).shape)
            raise ModelFileError(f"{config_name}{field}: {_limit_error(err)}",
                                 filepath) from err
        raise ModelFileError(f"config.json describes a model that cannot be rebuilt "
                             f"({type(err).__name__}: {err}).", filepath) from err
    model_class = public_object("keras", "Model")
    if model_class is None or not isinstance(model, model_class):
        raise ModelFileError(f"config.json describes a {type(model).__name__}, not a "
                             f"model.", filepath)
    return model


def _object_dicts(tree, layer=None):
    """``(object_dict, enclosing layer name)`` for every Keras object dict in ``tree``."""
    if isinstance(tree, dict):
        inner = tree.get("config")
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            layer = inner["name"]
        if {"module", "class_name", "config"} <= set(tree):
            yield tree, layer
        for value in tree.values():
            yield from _object_dicts(value, layer)
    elif isinstance(tree, list):
        for value in tree:
            yield from _object_dicts(value, layer)


def _check_known(config, custom_objects, filepath):
    """Name the first class or function no one can create, before building anything."""
    for obj, layer in _object_dicts(config):
        name = obj["class_name"]
        if not isinstance(name, str) or name.startswith("__"):
            continue
        kind = "function" if name == "function" else "class"
        target = obj["config"] if kind == "function" else name
        if not isinstance(target, str):
            continue
        module = obj["module"] if isinstance(obj["module"], str) else None
        try:
            resolve_object(target, module, obj.get("registered_name"), custom_objects, kind)
        except UnknownObjectError as err:
            where = f" (in layer {layer!r})" if layer else ""
            raise UnknownObjectError(f"{err.reason[:-1]}{where}.", filepath) from None


def _find_code(tree, layer=None, depth=0):
    """The name of the first layer whose config holds a serialised lambda, if any."""
    if depth > 200:
        raise ModelFileError("config.json is nested too deeply to be a model config.")
    if isinstance(tree, dict):
        if tree.get("class_name") == "__lambda__":
            return layer or "?"
        inner = tree.get("config")
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            layer = inner["name"]
        for value in tree.values():
            found = _find_code(value, layer, depth + 1)
            if found:
                return found
    elif isinstance(tree, list):
        for value in tree:
            found = _find_code(value, layer, depth + 1)
            if found:
                return found
    return None


def _refuse_code(config, safe_mode, filepath):
    """Refuse, before building anything, a config that carries Python code."""
    try:
        layer = _find_code(config)
    except ModelFileError as err:
        raise ModelFileError(err.reason, filepath) from None
    if layer is None:
        return
    if safe_mode:
        advice = ("If you trust this file, pass safe_mode=False and give the function "
                  "again through custom_objects; better, rewrite the lambda as a named "
                  "function decorated with @keras.saving.register_keras_serializable()")
    else:
        advice = ("tapeflow never runs code stored in a file, even with safe_mode=False: "
                  "rewrite the lambda as a named function, register it with "
                  "@keras.saving.register_keras_serializable() (or pass it in "
                  "custom_objects) and save the model again")
    why = "which safe mode forbids" if safe_mode else "which tapeflow never does"
    raise UnsafeObjectError(
        f"layer {layer!r} holds a Python lambda (typically a `Lambda` layer). Loading it "
        f"would execute code from the file, {why}. {advice}; or rebuild the model in code "
        f"and use load_weights().", filepath)


def model_from_json(json_string, custom_objects=None):
    """A new model (fresh weights) from ``model.to_json()``'s string.

    Example:
        >>> from tapeflow import keras
        >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> [w.shape for w in model_from_json(m.to_json()).get_weights()]
        [(2, 1), (1,)]
    """
    config = _parse_config(json_string.encode("utf-8") if isinstance(json_string, str)
                           else json_string, None)
    return model_from_config_dict(config, custom_objects, compile=False)


def _read_weights(model, raw, filepath, skip_mismatch=False):
    """Assign the variables in the bytes of an archive's ``model.weights.h5``."""
    with open_h5(io.BytesIO(raw), filepath, WEIGHTS_NAME) as h5, \
            h5_read_errors(filepath, WEIGHTS_NAME):
        read_model_state(model, h5, filepath, skip_mismatch=skip_mismatch)


def _load_archive(fileobj, filepath, custom_objects, compile, safe_mode):
    with _open_zip(fileobj, filepath) as zf:
        config = _parse_config(_read_member(zf, CONFIG_NAME, filepath, _MAX_CONFIG_BYTES),
                               filepath)
        if WEIGHTS_NAME not in zf.namelist():
            _read_member(zf, WEIGHTS_NAME, filepath)  # raises the missing-member error
        budget = build_budget(zf.getinfo(WEIGHTS_NAME).file_size)
        model = model_from_config_dict(config, custom_objects, compile, safe_mode, filepath,
                                       max_bytes=budget)
        _read_weights(model, _read_member(zf, WEIGHTS_NAME, filepath), filepath)
        read_assets(model, zf.namelist(), lambda name: _read_member(zf, name, filepath),
                    filepath)
    return model


def _load_directory(dirpath, custom_objects, compile, safe_mode):
    config_path = os.path.join(dirpath, CONFIG_NAME)
    weights_path = os.path.join(dirpath, WEIGHTS_NAME)
    for path in (config_path, weights_path):
        if not os.path.isfile(path):
            raise ModelFileError(f"the directory has no {os.path.basename(path)}; an "
                                 f"unzipped `.keras` model holds config.json and "
                                 f"model.weights.h5.", dirpath)
    with open(config_path, "rb") as f:
        config = _parse_config(f.read(), config_path)
    model = model_from_config_dict(config, custom_objects, compile, safe_mode, dirpath,
                                   max_bytes=build_budget(os.path.getsize(weights_path)))
    with open(weights_path, "rb") as f:
        _read_weights(model, f.read(), weights_path)
    read_assets(model, _asset_files(dirpath), lambda name: _read_file(dirpath, name), dirpath)
    return model


def _asset_files(dirpath):
    """The ``assets/...`` files of an unzipped model folder, ``/``-separated."""
    found = []
    for root, _, files in os.walk(os.path.join(dirpath, "assets")):
        rel = os.path.relpath(root, dirpath).replace(os.sep, "/")
        found += [f"{rel}/{name}" for name in files]
    return found


def _read_file(dirpath, name):
    with open(os.path.join(dirpath, *name.split("/")), "rb") as f:
        return f.read()
