"""Second-order rules: VJPs written with tapeflow ops, so that a gradient can be differentiated.

Each op's NumPy VJP (beside its forward) is what ``GradientTape.gradient`` runs. When
an enclosing tape records and watches what a gradient depends on (nested tapes: a
gradient of a gradient, Chollet's position -> speed -> acceleration), the tape runs the
rules below instead: the same formulas as tensor ops, which the outer tape records and
differentiates in turn. An op without one here raises ``NotImplementedError`` naming
it, never a wrong number. Each rule returns one gradient (or None) per input; the tape
sums broadcast axes back with :func:`unbroadcast_tensor`.

Example:
    >>> import tapeflow as tf
    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as t2:
    ...     with tf.GradientTape() as t1:
    ...         y = x * x * x
    ...     dy_dx = t1.gradient(y, x)
    >>> float(dy_dx), float(t2.gradient(dy_dx, x))
    (3.0, 6.0)
"""
import numpy as np

from tapeflow.ops import array, math
from tapeflow.ops.registry import REGISTRY
from tapeflow.tensor import Tensor

__all__ = ["unbroadcast_tensor"]


def unbroadcast_tensor(grad, shape):
    """:func:`tapeflow.ops.registry.unbroadcast` with ops: sum ``grad`` back to ``shape``."""
    shape = tuple(shape)
    if tuple(grad.shape) == shape:
        return grad
    extra = len(grad.shape) - len(shape)
    if extra > 0:
        grad = math.reduce_sum(grad, axis=list(range(extra)))
    axes = [i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1]
    if axes:
        grad = math.reduce_sum(grad, axis=axes, keepdims=True)
    return grad


def _ones(x):
    return Tensor(np.ones(x._value.shape, x._value.dtype))


def _expand(g, x, axis, keepdims):
    """A reduction's upstream gradient spread back over ``x``'s shape."""
    if axis is not None and not keepdims:
        kept = list(x._value.shape)
        for a in np.atleast_1d(axis):
            kept[int(a)] = 1
        g = array.reshape(g, kept)
    return math.multiply(g, _ones(x))


def _dense(g, out, x, kernel, bias, activation):
    if activation == "relu":
        g = g * _step(out)
    elif activation == "sigmoid":
        g = g * out * (1.0 - out)
    elif activation == "tanh":
        g = g * (1.0 - out * out)
    elif activation != "linear":
        raise NotImplementedError(f"dense: no second-order rule for activation "
                                  f"{activation!r}.")
    return (math.matmul(g, kernel, transpose_b=True), math.matmul(x, g, transpose_a=True),
            math.reduce_sum(g, axis=0))


def _matmul(g, out, a, b, transpose_a, transpose_b):
    if transpose_a or transpose_b:
        raise NotImplementedError("matmul: no second-order rule for transposed operands.")
    return math.matmul(g, b, transpose_b=True), math.matmul(a, g, transpose_a=True)


def _step(x):
    return Tensor((x._value > 0).astype(x._value.dtype))


RULES = {
    "add": lambda g, out, x, y: (g, g),
    "subtract": lambda g, out, x, y: (g, -g),
    "multiply": lambda g, out, x, y: (g * y, g * x),
    "divide": lambda g, out, x, y: (g / y, -g * out / y),
    "negative": lambda g, out, x: (-g,),
    "identity": lambda g, out, x: (g,),
    "square": lambda g, out, x: (2.0 * g * x,),
    "sqrt": lambda g, out, x: (g / (2.0 * out),),
    "exp": lambda g, out, x: (g * out,),
    "log": lambda g, out, x: (g / x,),
    "sin": lambda g, out, x: (g * math.cos(x),),
    "cos": lambda g, out, x: (-g * math.sin(x),),
    "tanh": lambda g, out, x: (g * (1.0 - out * out),),
    "sigmoid": lambda g, out, x: (g * out * (1.0 - out),),
    "relu": lambda g, out, x: (g * _step(x),),
    "pow": lambda g, out, x, y: (g * y * math.pow(x, y - 1.0),
                                 g * out * math.log(math.maximum(x, 1e-30))),
    "reduce_sum": lambda g, out, x, axis, keepdims: (_expand(g, x, axis, keepdims),),
    "reduce_mean": lambda g, out, x, axis, keepdims: (
        _expand(g, x, axis, keepdims) * (out._value.size / max(x._value.size, 1)),),
    "reshape": lambda g, out, x, shape: (array.reshape(g, x._value.shape),),
    "matmul": _matmul,
    "dense": _dense,
}

for _name, _rule in RULES.items():
    REGISTRY[_name].tensor_vjp = _rule
