"""Keras 3's config format for Functional models, both directions.

``get_config`` writes::

    {"name": "functional", "trainable": True,
     "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {...},
                 "registered_name": None, "name": "input_layer", "inbound_nodes": []},
                {"module": "keras.layers", "class_name": "Dense", "config": {...},
                 "registered_name": None, "build_config": {"input_shape": (None, 4)},
                 "name": "dense",
                 "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                                               "config": {"shape": (None, 4),
                                                          "dtype": "float32",
                                                          "keras_history": ["input_layer",
                                                                            0, 0]}}],
                                    "kwargs": {}}]}],
     "input_layers": ["input_layer", 0, 0], "output_layers": ["dense", 0, 0]}

``input_layers`` / ``output_layers`` keep the structure the model was built with (a
single ``[layer, node, tensor]`` triple, a list of triples, or a dict). Node indices
count only the nodes that belong to this model, as in Keras.
"""
import copy

from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.layers.serialization import deserialize, serialize

__all__ = ["get_config", "from_config"]


def _map(fn, struct, is_leaf):
    if is_leaf(struct):
        return fn(struct)
    if isinstance(struct, dict):
        return {k: _map(fn, v, is_leaf) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return type(struct)(_map(fn, v, is_leaf) for v in struct)
    return fn(struct)


def _is_functional(op):
    from tapeflow.keras.models.functional import Functional
    return isinstance(op, Functional)


def _serialize_node(node, own):
    if not node.input_tensors:
        return None

    def tensor(x):
        if not isinstance(x, KerasTensor):
            return x
        op, index, tensor_index = x._keras_history
        skipped = sum(1 for n in op._inbound_nodes[:index] if id(n) not in own)
        return {"class_name": "__keras_tensor__",
                "config": {"shape": x.shape, "dtype": x.dtype,
                           "keras_history": [op.name, index - skipped, tensor_index]}}
    args, kwargs = node.arguments
    leaf = lambda v: isinstance(v, KerasTensor)  # noqa: E731
    return {"args": list(_map(tensor, list(args), leaf)),
            "kwargs": _map(tensor, dict(kwargs), leaf)}


def get_config(model):
    """The Keras 3 config dict of a Functional model."""
    own = model._node_ids
    reindex = {}
    for op in model._operations:
        kept = 1 if _is_functional(op) else 0  # Keras counts a nested model's own node
        for node in op._inbound_nodes:
            if id(node) in own:
                reindex[id(node)] = kept
                kept += 1
    layers = []
    for op in model._operations:
        inbound = [_serialize_node(n, own) for n in op._inbound_nodes if id(n) in own]
        entry = serialize(op)
        entry["name"] = op.name
        entry["inbound_nodes"] = [n for n in inbound if n is not None]
        layers.append(entry)

    def triple(t):
        op, index, tensor_index = t._keras_history
        return [op.name, reindex[id(op._inbound_nodes[index])], tensor_index]
    leaf = lambda v: isinstance(v, KerasTensor)  # noqa: E731
    return copy.deepcopy({"name": model.name, "trainable": model.trainable, "layers": layers,
                          "input_layers": _map(triple, model._inputs_struct, leaf),
                          "output_layers": _map(triple, model._outputs_struct, leaf)})


def _is_triple(v):
    return isinstance(v, (list, tuple)) and len(v) == 3 and isinstance(v[0], str)


def _is_tensor_config(v):
    return isinstance(v, dict) and v.get("class_name") == "__keras_tensor__"


def _resolve(created, name, node_index, tensor_index):
    if name not in created:
        raise ValueError(f"Functional config refers to layer {name!r}, which is not among "
                         f"its layers.")
    layer = created[name]
    if node_index >= len(layer._inbound_nodes):
        raise IndexError(name)  # its node is not made yet: retry later
    return layer._inbound_nodes[node_index].outputs[tensor_index]


def _process_node(layer, data, created):
    def tensor(v):
        if _is_tensor_config(v):
            return _resolve(created, *v["config"]["keras_history"])
        return v
    leaf = lambda v: _is_tensor_config(v) or not isinstance(v, (list, tuple, dict))  # noqa
    args = _map(tensor, data.get("args", []), leaf)
    kwargs = _map(tensor, data.get("kwargs", {}), leaf)
    layer(*args, **kwargs)


def _make_nodes(layer_configs, created, pending):
    while pending:
        progress = False
        for entry in layer_configs:
            layer = created[entry["name"]]
            queue = pending.get(id(layer))
            while queue:
                try:
                    _process_node(layer, queue[0], created)
                except IndexError:
                    break
                queue.pop(0)
                progress = True
            if queue is not None and not queue:
                del pending[id(layer)]
        if not progress and pending:
            raise ValueError("Cannot rebuild the Functional graph from its config: some "
                             "layer inputs are never produced.")


def from_config(cls, config, custom_objects=None):
    """A Functional model (of class ``cls``) from :func:`get_config`'s dict."""
    config = dict(config)
    created, pending = {}, {}
    for entry in config["layers"]:
        layer = deserialize(entry, custom_objects=custom_objects)
        created[entry["name"]] = layer
        if entry.get("inbound_nodes"):
            pending[id(layer)] = list(entry["inbound_nodes"])
    _make_nodes(config["layers"], created, pending)

    def tensor(v):
        name, node_index, tensor_index = v
        if _is_functional(created.get(name)):
            node_index -= 1
        return _resolve(created, name, node_index, tensor_index)
    inputs = _map(tensor, config["input_layers"], _is_triple)
    outputs = _map(tensor, config["output_layers"], _is_triple)
    return cls(inputs, outputs, name=config.get("name"),
               trainable=config.get("trainable", True))
