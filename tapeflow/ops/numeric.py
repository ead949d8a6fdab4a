"""More of ``tf`` / ``tf.math`` / ``tf.linalg``: trigonometry, running sums, safe
division, norm clipping and coordinate grids.

The trigonometric ops and ``cumsum`` are primitives (a forward with its VJP); the rest
are composed from existing ops, so their gradients come for free.

Example:
    >>> import tapeflow as tf
    >>> X, Y = tf.meshgrid(tf.constant([0.0, 1.0, 2.0]), tf.constant([5.0, 6.0]))
    >>> X.shape, Y.numpy()[:, 0].tolist()      # a grid to draw f(x, y) as contours
    (TensorShape([2, 3]), [5.0, 6.0])
    >>> tf.math.cumsum([1, 2, 3]).numpy().tolist()
    [1, 3, 6]
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.ops import array as array_ops
from tapeflow.ops import math as math_ops
from tapeflow.ops.convert import float_tensor, norm_axis, to_tensor
from tapeflow.ops.registry import primitive
from tapeflow.tensor import Tensor

__all__ = ["tan", "atan", "sinh", "cosh", "cumsum", "divide_no_nan", "count_nonzero",
           "log_sigmoid", "l2_normalize", "global_norm", "clip_by_norm",
           "clip_by_global_norm", "meshgrid"]

tan = math_ops._unary("tan", np.tan, lambda g, out, x: (g * (1 + out * out),), "Tangent.",
                      floats=True)
atan = math_ops._unary("atan", np.arctan, lambda g, out, x: (g / (1 + x * x),), "Arctangent.",
                       floats=True)
sinh = math_ops._unary("sinh", np.sinh, lambda g, out, x: (g * np.cosh(x),), "Hyperbolic sine.",
                       floats=True)
cosh = math_ops._unary("cosh", np.cosh, lambda g, out, x: (g * np.sinh(x),),
                       "Hyperbolic cosine.", floats=True)


def _cumsum_np(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:  # shift by one: the first entry sums nothing
        out = np.concatenate([np.zeros_like(np.take(out, [0], axis)),
                              np.take(out, np.arange(out.shape[axis] - 1), axis)], axis)
    return np.flip(out, axis) if reverse else out


@primitive("cumsum")
def _cumsum(x, axis, exclusive, reverse):
    return _cumsum_np(x, axis, exclusive, reverse)


# each input entry reaches the outputs after it (before it, when reversed)
_cumsum.defvjp(lambda g, out, x, axis, exclusive, reverse:
               (_cumsum_np(g, axis, exclusive, not reverse),))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sum along ``axis``; ``exclusive`` leaves each entry out of its own sum,
    ``reverse`` sums from the end."""
    x = to_tensor(x)
    axis = norm_axis(axis, x.ndim, "cumsum")[0] if x.ndim else 0
    return _cumsum(x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))


def divide_no_nan(x, y, name=None):
    """``x / y``, but 0 wherever ``y`` is 0 (and its gradient there is 0 too)."""
    x, y = to_tensor(x), to_tensor(y)
    zero = math_ops.equal(y, 0)
    quotient = math_ops.divide(x, array_ops.where(zero, array_ops.ones_like(y), y))
    return array_ops.where(zero, array_ops.zeros_like(quotient), quotient)


def count_nonzero(input, axis=None, keepdims=False, dtype="int64", name=None):  # noqa: A002
    """How many entries along ``axis`` are not zero (no gradient)."""
    x = to_tensor(input)
    axes = norm_axis(axis, x.ndim, "count_nonzero")
    count = np.count_nonzero(x._value, axis=axes, keepdims=bool(keepdims))
    return Tensor(np.asarray(count, dtypes.as_dtype(dtype)._np))


def log_sigmoid(x, name=None):
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    from tapeflow.ops import nn as nn_ops
    return math_ops.negative(nn_ops.softplus(math_ops.negative(float_tensor(x, "log_sigmoid"))))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """``x / sqrt(max(sum(x**2, axis), epsilon))``."""
    x = float_tensor(x, "l2_normalize")
    squares = math_ops.reduce_sum(math_ops.square(x), axis=axis, keepdims=True)
    return math_ops.multiply(x, math_ops.rsqrt(math_ops.maximum(squares, epsilon)))


def global_norm(t_list, name=None):
    """The L2 norm of all the tensors of ``t_list`` together (None entries skipped)."""
    squares = [math_ops.reduce_sum(math_ops.square(to_tensor(t))) for t in t_list if t is not None]
    if not squares:
        raise ValueError("global_norm: t_list holds no tensors.")
    return math_ops.sqrt(math_ops.add_n(squares))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t`` scaled down so that its L2 norm (over ``axes``) is at most ``clip_norm``."""
    t = float_tensor(t, "clip_by_norm")
    norm = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(t), axis=axes, keepdims=True))
    return math_ops.divide(math_ops.multiply(t, clip_norm), math_ops.maximum(norm, clip_norm))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale all tensors by ``clip_norm / max(global_norm, clip_norm)``; returns
    ``(clipped_list, global_norm)``, as TensorFlow does."""
    norm = global_norm(t_list) if use_norm is None else to_tensor(use_norm)
    scale = math_ops.divide(clip_norm, math_ops.maximum(norm, clip_norm))
    return [None if t is None else math_ops.multiply(to_tensor(t), scale) for t in t_list], norm


def meshgrid(*args, indexing="xy", name=None):
    """Coordinate grids from 1-D tensors, as ``np.meshgrid``: with the default
    ``indexing="xy"`` the first two axes are swapped (rows follow the second input)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'; got {indexing!r}.")
    vectors = [array_ops.reshape(to_tensor(v), [-1]) for v in args]
    shape = [int(v.shape[0]) for v in vectors]
    if indexing == "xy" and len(vectors) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    grids = []
    for i, v in enumerate(vectors):
        axis = (1 - i if i < 2 else i) if indexing == "xy" and len(vectors) > 1 else i
        along = [1] * len(vectors)
        along[axis] = shape[axis]
        grids.append(array_ops.broadcast_to(array_ops.reshape(v, along), shape))
    return grids
