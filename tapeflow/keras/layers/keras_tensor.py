"""Symbolic tensors for the Functional API: a shape and a dtype, no values.

``keras.Input(shape=(784,))`` returns a :class:`KerasTensor`. Calling a layer on
KerasTensors records a :class:`Node` (which layer, on which tensors) and returns new
KerasTensors whose ``_keras_history`` points back at that node, so
``keras.Model(inputs, outputs)`` can walk from the outputs back to the inputs.

A KerasTensor has no numbers in it: handing one to a tapeflow op raises a
``TypeError`` that says so, instead of silently computing garbage.

Example:
    >>> kt = KerasTensor((None, 784), name="pixels")
    >>> kt
    <KerasTensor shape=(None, 784), dtype=float32, sparse=False, ragged=False, name=pixels>
    >>> import tapeflow as tf
    >>> tf.nn.relu(kt)
    Traceback (most recent call last):
    ...
    TypeError: A KerasTensor is symbolic: it has a shape ((None, 784)) and a dtype but no values...
"""
import collections
import contextlib

import numpy as np

from tapeflow import dtypes
from tapeflow.keras.api_export import keras_export
from tapeflow.ops import registry
from tapeflow.tape import flatten
from tapeflow.keras import build_limits
from tapeflow.keras.utils.naming import uniquify

__all__ = ["KerasTensor", "KerasHistory", "Node", "any_keras_tensor", "no_tape"]

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index",
                                                       "tensor_index"])


def _dtype_name(dtype):
    return "float32" if dtype is None else dtypes.as_dtype(dtype).name


@keras_export("keras")
class KerasTensor:
    """A symbolic tensor: ``shape`` (with ``None`` for unknown sizes) and ``dtype``."""

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, name=None):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = _dtype_name(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name or uniquify("keras_tensor")
        self._keras_history = None

    @property
    def shape(self):
        return self._shape

    @property
    def ndim(self):
        return len(self._shape)

    def _keras_tensor_error(self, what="used as a real tensor"):
        raise TypeError(
            f"A KerasTensor is symbolic: it has a shape ({self._shape}) and a dtype but no "
            f"values, so it cannot be {what}. Pass real data (a NumPy array or tf.Tensor) "
            f"to the layer or model instead, or, to compute with it inside a Functional "
            f"model, wrap the computation in a layer (e.g. keras.layers.Lambda(fn)) and "
            f"build a keras.Model(inputs, outputs).")

    def numpy(self):
        self._keras_tensor_error("converted to NumPy")

    def __array__(self, dtype=None, copy=None):
        self._keras_tensor_error("converted to a NumPy array")

    def __bool__(self):
        self._keras_tensor_error("used as a Python bool")

    def __float__(self):
        self._keras_tensor_error("converted to a float")

    def __len__(self):
        if self._shape and self._shape[0] is not None:
            return self._shape[0]
        raise TypeError(f"len() of a KerasTensor with unknown batch size is undefined "
                        f"(shape {self._shape}).")

    def __repr__(self):
        return (f"<KerasTensor shape={self._shape}, dtype={self.dtype}, "
                f"sparse={self.sparse}, ragged={self.ragged}, name={self.name}>")

    __hash__ = object.__hash__


def _operator_error(self, *args):
    self._keras_tensor_error("combined with Python operators (+, *, @ ...); use layers "
                             "such as keras.layers.Add() or keras.layers.Lambda(...)")


for _op in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "matmul",
            "rmatmul", "pow", "rpow", "neg", "abs", "getitem", "lt", "le", "gt", "ge"):
    setattr(KerasTensor, f"__{_op}__", _operator_error)


class Node:
    """One call of a layer on KerasTensors: its arguments and its output tensors."""

    __slots__ = ("operation", "arguments", "input_tensors", "outputs", "output_structure",
                 "index")

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.arguments = (tuple(call_args), dict(call_kwargs or {}))
        self.input_tensors = [x for x in flatten(list(call_args) + list((call_kwargs or {})
                                                                         .values()))
                              if isinstance(x, KerasTensor)]
        self.output_structure = outputs
        self.outputs = [x for x in flatten(outputs) if isinstance(x, KerasTensor)]
        nodes = operation._inbound_nodes
        self.index = len(nodes)
        nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._keras_history = KerasHistory(operation, self.index, i)

    @property
    def output_tensors(self):
        return self.outputs

    @property
    def is_input(self):
        return not self.input_tensors

    @property
    def parent_nodes(self):
        parents = []
        for t in self.input_tensors:
            op, node_index, _ = t._keras_history
            parents.append(op._inbound_nodes[node_index])
        return parents

    def __repr__(self):
        return f"<Node {self.operation.name}[{self.index}]>"


def any_keras_tensor(x):
    """True if ``x`` (a tensor, list, tuple or dict) holds a KerasTensor."""
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple, dict)):
        return any(isinstance(v, KerasTensor) for v in flatten(x))
    return False


@contextlib.contextmanager
def no_tape():
    """Run ops without recording them on active GradientTapes (shape inference)."""
    recorders = registry.STATE.recorders
    saved = recorders[:]
    recorders.clear()
    try:
        yield
    finally:
        recorders[:] = saved


def zeros_like_spec(kt):
    """A zero array standing in for ``kt`` (unknown sizes become 1)."""
    shape = [1 if d is None else d for d in kt.shape]
    np_dtype = dtypes.as_dtype(kt.dtype)._np
    build_limits.charge(shape, np_dtype, f"input placeholder {getattr(kt, 'name', '')!r}")
    return np.zeros(shape, np_dtype)
