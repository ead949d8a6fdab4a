"""``model.export(path, format="onnx")``: an ONNX graph of a model, for inference.

Supported layers: ``InputLayer``, ``Dense`` (with its activation), ``Flatten``,
``Reshape``, ``Dropout`` / ``Identity`` (identity at inference), ``Activation``,
``ReLU``, ``LeakyReLU``, ``ELU``, ``Softmax``, ``Add``, ``Subtract``, ``Multiply``,
``Average``, ``Maximum``, ``Minimum``, ``Concatenate``, the convolution and pooling
layers (``onnx_conv.py``: Conv, ConvTranspose, MaxPool, AveragePool, ReduceMean/Max)
and nested Sequential or Functional models. Activations: linear, relu, relu6, sigmoid, hard_sigmoid, tanh,
softmax, log_softmax, elu, selu, leaky_relu, softplus, softsign, exponential, silu
(swish), hard_silu, gelu, mish. Inputs are float32 with a symbolic batch axis
``"batch"``; inputs and outputs keep the model's names. Needs the ``onnx`` package
(``pip install onnx``); ``onnxruntime`` runs the file.

Example:
    >>> import os, tempfile
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, "relu")])
    >>> path = os.path.join(tempfile.mkdtemp(), "mlp.onnx")
    >>> export_onnx(model, path)  # doctest: +SKIP
"""
import numpy as np

from tapeflow.keras.saving import file_io

__all__ = ["export_onnx", "OPSET"]

OPSET = 17


def _onnx():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("Exporting to ONNX needs the `onnx` package: "
                          "`pip install onnx` (and `onnxruntime` to run the file).") from err
    return onnx, helper, numpy_helper


class _Builder:
    """Accumulates ONNX nodes and initializers with unique value names."""

    def __init__(self):
        self.onnx, self.helper, self.numpy_helper = _onnx()
        self.nodes, self.initializers, self._count = [], [], 0

    def name(self, hint):
        self._count += 1
        return f"{hint}__{self._count}"

    def const(self, array, hint):
        name = self.name(hint)
        self.initializers.append(self.numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, hint, **attrs):
        out = self.name(hint)
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out],
                                                name=self.name(op_type), **attrs))
        return out


def _act_gelu(b, x, hint):
    inv = b.const(np.float32(1 / np.sqrt(2.0)), "inv_sqrt2")
    erf = b.op("Erf", [b.op("Mul", [x, inv], hint)], hint)
    one = b.const(np.float32(1.0), "one")
    half = b.const(np.float32(0.5), "half")
    return b.op("Mul", [b.op("Mul", [x, half], hint), b.op("Add", [erf, one], hint)], hint)


def _activation(b, name, x, hint):
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softplus": "Softplus",
              "softsign": "Softsign", "exponential": "Exp", "selu": "Selu"}
    if name in ("linear", None):
        return x
    if name in simple:
        return b.op(simple[name], [x], hint)
    if name in ("softmax", "log_softmax"):
        return b.op("Softmax" if name == "softmax" else "LogSoftmax", [x], hint, axis=-1)
    if name == "elu":
        return b.op("Elu", [x], hint, alpha=1.0)
    if name == "leaky_relu":
        return b.op("LeakyRelu", [x], hint, alpha=0.2)
    if name == "relu6":
        return _clip(b, x, 0.0, 6.0, hint)
    if name == "hard_sigmoid":
        return b.op("HardSigmoid", [x], hint, alpha=1 / 6, beta=0.5)
    if name in ("silu", "swish"):
        return b.op("Mul", [x, b.op("Sigmoid", [x], hint)], hint)
    if name in ("hard_silu", "hard_swish"):
        return b.op("Mul", [x, b.op("HardSigmoid", [x], hint, alpha=1 / 6, beta=0.5)], hint)
    if name == "mish":
        return b.op("Mul", [x, b.op("Tanh", [b.op("Softplus", [x], hint)], hint)], hint)
    if name == "gelu":
        return _act_gelu(b, x, hint)
    raise NotImplementedError(f"ONNX export: activation {name!r} is not supported.")


def _clip(b, x, low, high, hint):
    inputs = [x, b.const(np.float32(low), "min"),
              "" if high is None else b.const(np.float32(high), "max")]
    return b.op("Clip", inputs if high is not None else inputs[:2], hint)


def _activation_name(fn):
    from tapeflow.keras import activations
    if fn is None or isinstance(fn, str):
        return fn
    name = activations.serialize(fn)
    return name if isinstance(name, str) else getattr(fn, "__name__", repr(fn))


def _relu_layer(b, layer, x, hint):
    slope = float(getattr(layer, "negative_slope", 0.0) or 0.0)
    max_value = getattr(layer, "max_value", None)
    threshold = float(getattr(layer, "threshold", 0.0) or 0.0)
    if threshold != 0.0 or (slope and max_value is not None):
        raise NotImplementedError(f"ONNX export: ReLU layer {layer.name!r} with threshold "
                                  f"or with both negative_slope and max_value.")
    if slope:
        return b.op("LeakyRelu", [x], hint, alpha=slope)
    if max_value is not None:
        return _clip(b, x, 0.0, float(max_value), hint)
    return b.op("Relu", [x], hint)


def _dense(b, layer, x, hint):
    y = b.op("MatMul", [x, b.const(layer.kernel.numpy(), f"{layer.name}_kernel")], hint)
    if getattr(layer, "bias", None) is not None:
        y = b.op("Add", [y, b.const(layer.bias.numpy(), f"{layer.name}_bias")], hint)
    return _activation(b, _activation_name(layer.activation), y, hint)


def _merge(b, op_type, xs, hint):
    out = xs[0]
    for x in xs[1:]:
        out = b.op(op_type, [out, x], hint)
    return out


def _emit(b, layer, xs, hint):
    """ONNX nodes for one call of ``layer`` on values ``xs``; returns output names."""
    kind = type(layer).__name__
    x = xs[0]
    if _is_graph_model(layer):
        return _emit_model(b, layer, xs)
    if kind == "Dense":
        return [_dense(b, layer, x, hint)]
    if kind in ("Dropout", "Identity", "InputLayer", "GaussianNoise", "GaussianDropout"):
        return [b.op("Identity", [x], hint)]
    if kind == "Flatten":
        return [b.op("Flatten", [x], hint, axis=1)]
    if kind == "Reshape":
        shape = np.array([0] + [int(d) for d in layer.target_shape], np.int64)
        return [b.op("Reshape", [x, b.const(shape, "shape")], hint)]
    if kind == "Activation":
        return [_activation(b, _activation_name(layer.activation), x, hint)]
    if kind == "ReLU":
        return [_relu_layer(b, layer, x, hint)]
    if kind == "LeakyReLU":
        return [b.op("LeakyRelu", [x], hint, alpha=float(layer.negative_slope))]
    if kind == "ELU":
        return [b.op("Elu", [x], hint, alpha=float(layer.alpha))]
    if kind == "Softmax":
        return [b.op("Softmax", [x], hint, axis=int(getattr(layer, "axis", -1)))]
    merges = {"Add": "Add", "Subtract": "Sub", "Multiply": "Mul", "Maximum": "Max",
              "Minimum": "Min"}
    if kind in merges:
        return [_merge(b, merges[kind], xs, hint)]
    if kind == "Average":
        total = _merge(b, "Add", xs, hint)
        return [b.op("Div", [total, b.const(np.float32(len(xs)), "count")], hint)]
    if kind == "Concatenate":
        return [b.op("Concat", list(xs), hint, axis=int(layer.axis))]
    from tapeflow.keras.saving.onnx_conv import CONV_LAYERS, emit_conv
    if kind in CONV_LAYERS:
        return [emit_conv(b, layer, x, hint, _activation)]
    raise NotImplementedError(
        f"ONNX export does not support layer {layer.name!r} ({kind}). Supported: Dense, "
        f"Flatten, Reshape, Dropout, Identity, Activation, ReLU, LeakyReLU, ELU, Softmax, "
        f"Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, the Conv and "
        f"Pooling layers.")


def _is_graph_model(layer):
    return type(layer).__name__ in ("Sequential", "Functional") or (
        hasattr(layer, "_graph") and hasattr(layer, "_inputs"))


def _emit_model(b, model, xs):
    if hasattr(model, "_graph") and getattr(model, "_inputs", None) is not None \
            and type(model).__name__ != "Sequential":
        values = {id(t): name for t, name in zip(model._inputs, xs)}
        for node in model._graph.nodes:
            ins = [values[id(t)] for t in node.input_tensors]
            outs = _emit(b, node.operation, ins, node.operation.name)
            values.update({id(t): name for t, name in zip(node.outputs, outs)})
        return [values[id(t)] for t in model._outputs]
    out = xs
    for layer in model.layers:
        out = _emit(b, layer, out, layer.name)
    return out


def _input_specs(model):
    """``[(name, shape)]`` of the model's inputs, batch axis first."""
    inputs = getattr(model, "_inputs", None) or getattr(model, "inputs", None)
    if inputs:
        return [(_input_name(t, i), tuple(t.shape)) for i, t in enumerate(inputs)]
    shape = getattr(model, "_build_shapes", None)
    if shape is None:
        raise ValueError(f"ONNX export: model {model.name!r} has no known input shape; "
                         f"build it (call it on data) first.")
    return [("input", (None,) + tuple(shape)[1:])]  # the first call's batch size: dynamic


def _input_name(tensor, index):
    hist = getattr(tensor, "_keras_history", None)
    return hist[0].name if hist is not None else f"input_{index}"


def _output_names(model, count):
    names = list(getattr(model, "output_names", None) or [])
    return names if len(names) == count else [f"output_{i}" for i in range(count)]


def build_onnx_model(model, opset=OPSET):
    """The ``onnx.ModelProto`` for ``model`` (see the module docstring)."""
    b = _Builder()
    helper, TensorProto = b.helper, b.onnx.TensorProto
    specs = _input_specs(model)
    names = [name for name, _ in specs]
    outputs = _emit_model(b, model, names)
    final = _output_names(model, len(outputs))
    for value, name in zip(outputs, final):
        b.nodes.append(helper.make_node("Identity", [value], [name], name=b.name("output")))

    def value_info(name, shape):
        dims = ["batch"] + [None if d is None else int(d) for d in shape[1:]]
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)
    out_shapes = [tuple(t.shape) for t in (getattr(model, "outputs", None) or [])]
    if len(out_shapes) != len(final):
        raise ValueError(f"ONNX export: model {model.name!r} has no symbolic outputs; "
                         f"export Sequential or Functional models.")
    graph = helper.make_graph(b.nodes, model.name, [value_info(n, s) for n, s in specs],
                              [value_info(n, s) for n, s in zip(final, out_shapes)],
                              initializer=b.initializers)
    proto = helper.make_model(graph, producer_name="tapeflow",
                              opset_imports=[helper.make_opsetid("", opset)])
    proto.ir_version = min(proto.ir_version, 8)
    b.onnx.checker.check_model(proto)
    return proto


def export_onnx(model, filepath, opset=OPSET, verbose=False):
    """Write ``model`` as an ONNX file at ``filepath`` (atomically).

    Raises:
        ImportError: the ``onnx`` package is not installed.
        NotImplementedError: the model uses a layer or activation with no ONNX form here.
    """
    proto = build_onnx_model(model, opset)
    onnx = _onnx()[0]
    with file_io.atomic_write(file_io.fspath(filepath)) as tmp:
        onnx.save(proto, tmp)
    if verbose:
        print(f"Saved artifact at '{filepath}'.")
