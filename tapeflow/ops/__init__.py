"""All of tapeflow's ops, and the Tensor operators that dispatch to them.

Importing this package registers every primitive in :data:`registry.REGISTRY`.
"""
from tapeflow.ops import array, math, nn, numeric, random  # noqa: F401  (registers the ops)
from tapeflow.ops.registry import REGISTRY, primitive  # noqa: F401
from tapeflow.tensor import Tensor


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
        "__eq__": lambda a, b: math.equal(a, b), "__ne__": lambda a, b: math.not_equal(a, b),
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
