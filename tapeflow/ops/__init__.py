"""All of tapeflow's ops, and the Tensor operators that dispatch to them.

Importing this package registers every primitive in :data:`registry.REGISTRY`.
"""
from tapeflow.ops import (array, augment, conv, image, math, nn, numeric,  # noqa: F401
                          pooling, random)  # noqa: F401  (registers the ops)
from tapeflow.ops.registry import REGISTRY, primitive  # noqa: F401
import weakref

import numpy as np

from tapeflow.ops.registry import value_read
from tapeflow.tensor import STATE, Tensor, Variable


def _install_operators(cls):
    """Give Tensor its Python operators, each one an op from the registry."""
    ops = {
        "__add__": lambda a, b: math.add(a, b), "__radd__": lambda a, b: math.add(b, a),
        "__sub__": lambda a, b: math.subtract(a, b),
        "__rsub__": lambda a, b: math.subtract(b, a),
        "__mul__": lambda a, b: math.multiply(a, b),
        "__rmul__": lambda a, b: math.multiply(b, a),
        "__truediv__": lambda a, b: math.divide(a, b),
        "__rtruediv__": lambda a, b: math.divide(b, a),
        "__floordiv__": lambda a, b: math.floordiv(a, b),
        "__rfloordiv__": lambda a, b: math.floordiv(b, a),
        "__mod__": lambda a, b: math.mod(a, b), "__rmod__": lambda a, b: math.mod(b, a),
        "__pow__": lambda a, b: math.pow(a, b), "__rpow__": lambda a, b: math.pow(b, a),
        "__matmul__": lambda a, b: math.matmul(a, b),
        "__rmatmul__": lambda a, b: math.matmul(b, a),
        "__neg__": lambda a: math.negative(a), "__pos__": lambda a: a,
        "__abs__": lambda a: math.abs(a),
        # TensorFlow: a tensor is never equal to None (x == None is False, not an error)
        "__eq__": lambda a, b: False if b is None else math.equal(a, b),
        "__ne__": lambda a, b: True if b is None else math.not_equal(a, b),
        "__lt__": lambda a, b: math.less(a, b), "__le__": lambda a, b: math.less_equal(a, b),
        "__gt__": lambda a, b: math.greater(a, b),
        "__ge__": lambda a, b: math.greater_equal(a, b),
        "__and__": lambda a, b: math.logical_and(a, b),
        "__rand__": lambda a, b: math.logical_and(b, a),
        "__or__": lambda a, b: math.logical_or(a, b),
        "__ror__": lambda a, b: math.logical_or(b, a),
        "__xor__": lambda a, b: math.logical_xor(a, b),
        "__invert__": lambda a: math.logical_not(a),
        "__getitem__": array.getitem,
    }
    for name, fn in ops.items():
        setattr(cls, name, fn)


_install_operators(Tensor)

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


Variable.__getitem__ = _variable_getitem
