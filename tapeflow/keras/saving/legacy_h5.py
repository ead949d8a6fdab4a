"""Reading Keras-2 (``tf.keras`` 2.x) ``.h5`` files: whole models and weights.

A legacy full-model file is one HDF5 file whose root attributes hold
``model_config`` (JSON: ``{"class_name": "Sequential", "config": {...}}`` without
Keras 3's ``module`` keys), optionally ``training_config`` (compile settings) and
``keras_version``, and whose group ``model_weights`` holds one group per layer name
(attribute ``layer_names``), each listing its datasets in attribute
``weight_names`` (``"dense/kernel:0"`` ...). A legacy weights-only file has the
same layer groups at its root.

The Keras-2 configs are translated to Keras 3's form (``batch_input_shape`` becomes
an ``InputLayer``'s ``batch_shape``, Functional ``inbound_nodes`` become Keras 3
nodes) and rebuilt through the same safe table look-ups as ``.keras`` files.
Weights are matched to the model's layers that have weights, in order, as Keras
does. Legacy optimizer state is not restored (Keras 3 does not restore it either);
compile settings are, when they can be translated.

Example:
    >>> _legacy_inbound([[["dense", 0, 0, {}]]])[0]["args"][0]["config"]["keras_history"]
    ['dense', 0, 0]
"""
import json
import warnings

import numpy as np

from tapeflow.keras.saving import file_io
from tapeflow.keras.saving.errors import ModelFileError, require_h5py
from tapeflow.keras.saving.h5_guard import h5_read_errors, open_h5
from tapeflow.keras.saving.h5_limits import ReadBudget

__all__ = ["load_legacy_model", "load_legacy_weights", "legacy_to_keras3_config"]

_DROP_KEYS = ("batch_input_shape", "input_dim", "input_length", "batch_size")


def _open(filepath):
    file_io.check_exists(filepath, "model file")
    return open_h5(filepath, filepath)


def _attr_json(h5, name, filepath):
    raw = h5.attrs.get(name)
    if raw is None:
        return None
    if isinstance(raw, np.ndarray) and raw.size == 1:
        raw = raw.reshape(()).item()
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        raise ModelFileError(f"attribute {name!r} should be a JSON string.", filepath)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise ModelFileError(f"attribute {name!r} is not valid JSON ({err}).",
                             filepath) from err


def _strings(values):
    out = []
    for v in np.atleast_1d(np.asarray(values if values is not None else [])):
        out.append(v.decode("utf-8") if isinstance(v, bytes) else str(v))
    return out


# --- config translation ---------------------------------------------------------------------
def _keras_tensor(history):
    name, node_index, tensor_index = history[0], history[1], history[2]
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": "float32",
                       "keras_history": [name, int(node_index), int(tensor_index)]}}


def _legacy_inbound(nodes):
    """Keras-2 ``[[["name", node, tensor, kwargs], ...], ...]`` -> Keras 3 nodes."""
    out = []
    for node in nodes or []:
        if isinstance(node, dict):  # already Keras 3 form
            out.append(node)
            continue
        tensors = [_keras_tensor(entry) for entry in node]
        kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) \
            else {}
        args = [tensors[0]] if len(tensors) == 1 else [tensors]
        out.append({"args": args, "kwargs": kwargs})
    return out


def _layer_config(layer, functional):
    cfg = dict(layer)
    cfg.setdefault("module", "keras.layers")
    cfg.setdefault("registered_name", None)
    inner = dict(cfg.get("config") or {})
    if cfg.get("class_name") == "InputLayer":
        shape = inner.pop("batch_input_shape", None)
        if shape is not None:
            inner.setdefault("batch_shape", shape)
        inner.pop("input_shape", None)
    else:
        for key in _DROP_KEYS:
            inner.pop(key, None)
    cfg["config"] = inner
    if functional:
        cfg["inbound_nodes"] = _legacy_inbound(cfg.get("inbound_nodes"))
    return cfg


def _input_layer(batch_shape, dtype="float32"):
    return {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
            "config": {"batch_shape": list(batch_shape), "dtype": dtype, "sparse": False,
                       "ragged": False, "name": "input_layer"}}


def legacy_to_keras3_config(model_config):
    """A Keras-2 ``model_config`` dict translated to the Keras 3 ``config.json`` form."""
    if not isinstance(model_config, dict) or "class_name" not in model_config:
        raise ValueError(f"model_config should be an object with 'class_name' and 'config'; "
                         f"received {type(model_config).__name__} {model_config!r:.120}.")
    class_name = model_config["class_name"]
    config = dict(model_config.get("config") or {})
    if isinstance(config.get("layers"), list):
        functional = class_name in ("Functional", "Model")
        first_shape = None
        if class_name == "Sequential" and config["layers"]:
            first = config["layers"][0].get("config") or {}
            if config["layers"][0].get("class_name") != "InputLayer":
                first_shape = first.get("batch_input_shape")
        layers = [_layer_config(layer, functional) for layer in config["layers"]]
        if first_shape is not None:
            layers.insert(0, _input_layer(first_shape, first.get("dtype") or "float32"))
        config["layers"] = layers
    if class_name == "Model":
        class_name = "Functional"
    module = "keras.src.models.functional" if class_name == "Functional" else "keras"
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": "Functional" if class_name == "Functional" else None}


# --- loading --------------------------------------------------------------------------------
def load_legacy_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a Keras-2 ``.h5`` file (architecture, weights, compile settings)."""
    filepath = file_io.fspath(filepath)
    with _open(filepath) as h5, h5_read_errors(filepath):
        model, training = _read_legacy_model(h5, filepath, custom_objects, compile, safe_mode)
    if training:
        _compile_legacy(model, training, custom_objects)
    return model


def _read_legacy_model(h5, filepath, custom_objects, compile, safe_mode):
    from tapeflow.keras.saving.keras_file import build_budget, model_from_config_dict
    model_config = _attr_json(h5, "model_config", filepath)
    if model_config is None:
        raise ModelFileError(
            "no model found in the file: it has no 'model_config' attribute (it may hold "
            "only weights: build the model in code and call load_weights).", filepath)
    try:
        config = legacy_to_keras3_config(model_config)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as err:
        raise ModelFileError(f"model_config cannot be read ({err}).", filepath) from err
    model = model_from_config_dict(config, custom_objects, compile=False,
                                   safe_mode=safe_mode, filepath=filepath,
                                   max_bytes=build_budget(h5.id.get_filesize()),
                                   config_name="model_config", original=model_config)
    _load_layer_groups(model, _weights_group(h5), filepath, skip_mismatch=False)
    training = _attr_json(h5, "training_config", filepath) if compile else None
    return model, training


def _weights_group(h5):
    return h5["model_weights"] if "model_weights" in h5 else h5


def load_legacy_weights(model, filepath, skip_mismatch=False):
    """Assign the weights of a Keras-2 ``.h5`` file to ``model``'s layers, in order."""
    with _open(filepath) as h5, h5_read_errors(filepath):
        _load_layer_groups(model, _weights_group(h5), filepath, skip_mismatch)


def _layers_with_weights(model):
    return [layer for layer in model.layers if layer.weights]


def _layer_datasets(group, filepath, budget):
    """The datasets a layer group lists in ``weight_names``, checked but not read."""
    h5py = require_h5py()
    datasets = []
    for name in _strings(group.attrs.get("weight_names")):
        link = group.get(name, getlink=True)
        if link is None or isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise ModelFileError(f"weight {name!r} of layer group {group.name!r} is "
                                 f"missing or a link.", filepath)
        ds = group[name]
        if not isinstance(ds, h5py.Dataset):
            raise ModelFileError(f"weight {name!r} of layer group {group.name!r} is not a "
                                 f"plain numeric dataset.", filepath)
        budget.check(ds, f"{group.name}/{name}")
        datasets.append(ds)
    return datasets


def _load_layer_groups(model, group, filepath, skip_mismatch):
    try:
        budget = ReadBudget(group, filepath)
        names = _strings(group.attrs.get("layer_names"))
        saved = [(n, _layer_datasets(group[n], filepath, budget)) for n in names
                 if n in group]
    except ModelFileError:
        raise
    except Exception as err:  # noqa: BLE001 - a corrupt HDF5 fails in many ways
        raise ModelFileError(f"the weights cannot be read ({type(err).__name__}: {err}).",
                             filepath) from err
    saved = [(n, datasets) for n, datasets in saved if datasets]
    layers = _layers_with_weights(model)
    if len(saved) != len(layers) and not skip_mismatch:
        raise ModelFileError(
            f"the file holds weights for {len(saved)} layer(s) {[n for n, _ in saved]} but "
            f"the model has {len(layers)} layer(s) with weights "
            f"{[layer.name for layer in layers]}.", filepath)
    for layer, (name, datasets) in zip(layers, saved):
        expected = [tuple(w.shape) for w in layer.weights]
        got = [tuple(ds.shape) for ds in datasets]
        if expected != got:
            message = (f"layer {layer.name!r} expects weights of shapes {expected} but the "
                       f"file's layer {name!r} has {got}")
            if skip_mismatch:
                warnings.warn(f"Skipping {message}.", stacklevel=3)
                continue
            raise ModelFileError(message + ".", filepath)
        layer.set_weights([np.asarray(ds[()]) for ds in datasets])


def _compile_legacy(model, training, custom_objects):
    from tapeflow.keras import optimizers
    try:
        opt_cfg = dict(training.get("optimizer_config") or {})
        optimizer = "rmsprop"
        if opt_cfg.get("class_name"):
            optimizer = _legacy_optimizer(optimizers, opt_cfg)
        model.compile(optimizer=optimizer,
                      loss=_nested(_loss_object, training.get("loss"), custom_objects),
                      metrics=_nested(_metric_object, _legacy_metrics(
                          training.get("metrics")), custom_objects),
                      loss_weights=training.get("loss_weights"),
                      weighted_metrics=_nested(_metric_object, _legacy_metrics(
                          training.get("weighted_metrics")), custom_objects))
    except Exception as err:  # noqa: BLE001 - an untranslatable Keras-2 setting
        warnings.warn(f"The model was loaded but its Keras-2 compile settings could not be "
                      f"restored ({type(err).__name__}: {err}); call model.compile() again.",
                      stacklevel=3)


def _nested(deserialize, config, custom_objects):
    """Keras's ``_deserialize_nested_config``: serialized objects (dicts with a
    ``class_name``, as Keras 3 writes a loss or metric object) deserialized, inside lists
    and per-output dicts; names kept."""
    if isinstance(config, dict) and "class_name" in config:
        return deserialize(config, custom_objects)
    if isinstance(config, dict):
        return {k: _nested(deserialize, v, custom_objects) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_nested(deserialize, v, custom_objects) for v in config]
    return config


def _loss_object(config, custom_objects):
    from tapeflow.keras import losses
    return losses.deserialize(config, custom_objects)


def _metric_object(config, custom_objects):
    from tapeflow.keras import metrics
    return metrics.deserialize(config, custom_objects)


def _legacy_metrics(metrics):
    """Keras-2 metric lists (nested per output, ``MeanMetricWrapper`` dicts) as names."""
    if metrics is None:
        return None
    flat = []
    for item in metrics if isinstance(metrics, list) else [metrics]:
        if isinstance(item, list):
            flat.extend(_legacy_metrics(item))
        elif isinstance(item, dict) and item.get("class_name") == "MeanMetricWrapper":
            flat.append((item.get("config") or {}).get("name"))
        else:
            flat.append(item)
    return flat


def _legacy_optimizer(optimizers, opt_cfg):
    import inspect
    cls = optimizers.get(opt_cfg["class_name"].lower()).__class__
    accepted = set(inspect.signature(cls.__init__).parameters)
    config = dict(opt_cfg.get("config") or {})
    if "lr" in config and "learning_rate" not in config:
        config["learning_rate"] = config.pop("lr")
    return cls(**{k: v for k, v in config.items() if k in accepted and k != "self"})
