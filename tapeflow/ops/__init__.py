"""All of tapeflow's ops; loading them binds Tensor's operators (declared in
tapeflow/tensor.py) to their ops.

Importing this package registers every primitive in :data:`registry.REGISTRY`.
"""
from tapeflow.ops import (array, augment, conv, custom, einsum, image, math, nn,  # noqa: F401
                          numeric, pooling, random)  # noqa: F401  (registers the ops)
from tapeflow.ops.registry import REGISTRY, primitive  # noqa: F401
import weakref

import numpy as np

from tapeflow.ops.registry import value_read
from tapeflow.tensor import STATE, Tensor, bind_operator_ops


bind_operator_ops(
    add=math.add, subtract=math.subtract, multiply=math.multiply, divide=math.divide,
    floordiv=math.floordiv, mod=math.mod, pow=math.pow, matmul=math.matmul,
    negative=math.negative, abs=math.abs, equal=math.equal, not_equal=math.not_equal,
    less=math.less, less_equal=math.less_equal, greater=math.greater,
    greater_equal=math.greater_equal, logical_and=math.logical_and,
    logical_or=math.logical_or, logical_xor=math.logical_xor, logical_not=math.logical_not,
    getitem=array.getitem)

_SLICED = {}  # id of a slice of a Variable -> (variable, index), while the slice lives


class VariableSlice(Tensor):
    """``variable[index]``: a tensor like any other, which can also write back into
    the variable, as TensorFlow's ``v[0, 0].assign(100.0)`` does.

    Example:
        >>> import tapeflow as tf
        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> v[0, 1].assign(9.0).numpy().tolist()
        [[1.0, 9.0], [3.0, 4.0]]
    """

    __slots__ = ()  # the layout of Tensor: a sliced result is re-classed, not copied

    def _write(self, value, how, what):
        variable, index = _SLICED[id(self)]
        if STATE.traces:
            value_read(f"Variable slice .{what}()")
        target = variable._value[index]
        arr = np.asarray(value._value if isinstance(value, Tensor) else value)
        try:
            arr = np.broadcast_to(arr, np.shape(target)).astype(variable._value.dtype)
        except ValueError:
            raise ValueError(f"Variable '{variable.name}'[...].{what}: cannot assign a value "
                             f"of shape {arr.shape} to a slice of shape {np.shape(target)}."
                             ) from None
        variable._value[index] = arr if how is None else how(target, arr)
        return variable

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Write ``value`` into the variable at this slice; returns the variable."""
        return self._write(value, None, "assign")

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._write(delta, np.add, "assign_add")

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._write(delta, np.subtract, "assign_sub")


def _variable_getitem(variable, key):
    out = array.getitem(variable, key)
    out.__class__ = VariableSlice
    _SLICED[id(out)] = (variable, array._index_key(key))
    weakref.finalize(out, _SLICED.pop, id(out), None)  # (tensors compare element-wise)
    return out


bind_operator_ops(variable_getitem=_variable_getitem)
