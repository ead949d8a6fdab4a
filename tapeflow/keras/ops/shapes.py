"""``keras.ops.numpy``, continued: shapes, joining, creation and products.

Example:
    >>> from tapeflow.keras import ops
    >>> ops.shape(ops.concatenate([ops.zeros((2, 3)), ops.ones((1, 3))], axis=0))
    (3, 3)
"""
import numpy as np

import tapeflow as tf
from tapeflow.keras.ops.core import convert_to_tensor as _t

__all__ = ["reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split",
           "tile", "flip", "broadcast_to", "ravel", "moveaxis", "swapaxes", "take", "append",
           "vstack", "hstack", "zeros", "ones", "zeros_like", "ones_like", "full", "full_like",
           "eye", "identity", "arange", "linspace", "matmul", "dot", "tensordot", "outer",
           "size", "ndim"]

_FLOAT = "float32"


# --------------------------------------------------------------------- shapes
def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    return tf.reshape(_t(x), newshape)


def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed when ``axes`` is None)."""
    return tf.transpose(_t(x), axes)


def expand_dims(x, axis):
    """``x`` with new length-1 axes at ``axis`` (an int or a sequence of ints)."""
    x = _t(x)
    if not isinstance(axis, (list, tuple)):
        return tf.expand_dims(x, axis)
    rank = x.ndim + len(axis)
    shape, dims = list(x.shape), sorted(a % rank for a in axis)
    for a in dims:
        shape.insert(a, 1)
    return tf.reshape(x, shape)


def squeeze(x, axis=None):
    """``x`` without its length-1 axes (only those in ``axis`` when given)."""
    return tf.squeeze(_t(x), axis=list(axis) if isinstance(axis, tuple) else axis)


def ravel(x):
    """``x`` flattened."""
    return tf.reshape(_t(x), [-1])


def moveaxis(x, source, destination):
    """``x`` with axes ``source`` moved to ``destination``."""
    x = _t(x)
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src, dst = [a % x.ndim for a in src], [a % x.ndim for a in dst]
    perm = [a for a in range(x.ndim) if a not in src]
    for d, a in sorted(zip(dst, src)):
        perm.insert(d, a)
    return tf.transpose(x, perm)


def swapaxes(x, axis1, axis2):
    """``x`` with ``axis1`` and ``axis2`` exchanged."""
    x = _t(x)
    perm = list(range(x.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(x, perm)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return tf.broadcast_to(_t(x), shape)


def tile(x, repeats):
    """``x`` repeated ``repeats`` times per axis (NumPy's rules for short ``repeats``)."""
    x = _t(x)
    reps = [int(repeats)] if np.ndim(repeats) == 0 else [int(r) for r in repeats]
    if len(reps) > x.ndim:
        x = tf.reshape(x, [1] * (len(reps) - x.ndim) + list(x.shape))
    reps = [1] * (x.ndim - len(reps)) + reps
    return tf.tile(x, reps)


def flip(x, axis=None):
    """``x`` reversed along ``axis`` (all axes when None)."""
    x = _t(x)
    axes = list(range(x.ndim)) if axis is None else \
        list(axis) if isinstance(axis, (list, tuple)) else [axis]
    return tf.reverse(x, axes)


# -------------------------------------------------------------------- joining
def concatenate(xs, axis=0):
    """The tensors ``xs`` joined along an existing axis."""
    return tf.concat([_t(x) for x in xs], axis=axis)


def stack(x, axis=0):
    """The tensors ``x`` joined along a new axis."""
    return tf.stack([_t(t) for t in x], axis=axis)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` (both flattened when ``axis`` is None)."""
    if axis is None:
        return concatenate([ravel(x1), ravel(x2)])
    return concatenate([x1, x2], axis=axis)


def vstack(xs):
    """Join along the first axis (1-D inputs become rows)."""
    return concatenate([reshape(x, (1, -1)) if _t(x).ndim == 1 else x for x in xs], axis=0)


def hstack(xs):
    """Join along the second axis (along the first for 1-D inputs)."""
    return concatenate(xs, axis=0 if _t(xs[0]).ndim == 1 else 1)


def split(x, indices_or_sections, axis=0):
    """``x`` cut into equal sections (an int) or at the given indices (a list)."""
    x = _t(x)
    if np.ndim(indices_or_sections) == 0:
        return list(tf.split(x, int(indices_or_sections), axis=axis))
    n = x.shape[axis]
    bounds = [0] + [int(i) for i in indices_or_sections] + [n]
    return list(tf.split(x, [b - a for a, b in zip(bounds, bounds[1:])], axis=axis))


def take(x, indices, axis=None):
    """The entries of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when
    None)."""
    x = _t(x)
    if axis is None:
        return tf.gather(tf.reshape(x, [-1]), indices)
    return tf.gather(x, indices, axis=axis)


# ------------------------------------------------------------------- creation
def _dtype(dtype, default=_FLOAT):
    return tf.as_dtype(dtype or default)


def zeros(shape, dtype=None):
    """A tensor of zeros (float32 by default)."""
    return tf.zeros(shape, dtype=_dtype(dtype))


def ones(shape, dtype=None):
    """A tensor of ones (float32 by default)."""
    return tf.ones(shape, dtype=_dtype(dtype))


def full(shape, fill_value, dtype=None):
    """A tensor of ``fill_value`` (float32 by default)."""
    return tf.constant(np.full(shape, fill_value, _dtype(dtype).as_numpy_dtype))


def zeros_like(x, dtype=None):
    """Zeros shaped like ``x`` (its dtype unless ``dtype``)."""
    return tf.zeros_like(_t(x), dtype=dtype)


def ones_like(x, dtype=None):
    """Ones shaped like ``x`` (its dtype unless ``dtype``)."""
    return tf.ones_like(_t(x), dtype=dtype)


def full_like(x, fill_value, dtype=None):
    """``fill_value`` shaped like ``x`` (its dtype unless ``dtype``)."""
    x = _t(x)
    return full(x.shape, fill_value, dtype or x.dtype)


def eye(N, M=None, k=0, dtype=None):
    """An ``N x M`` matrix with ones on diagonal ``k`` (float32 by default)."""
    return tf.constant(np.eye(N, M, k, dtype=_dtype(dtype).as_numpy_dtype))


def identity(n, dtype=None):
    """The ``n x n`` identity matrix (float32 by default)."""
    return eye(n, dtype=dtype)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``: int32 for ints, else float32."""
    ends = [v for v in (start, stop, step) if v is not None]
    integral = all(isinstance(v, (int, np.integer)) for v in ends)
    values = np.arange(start, stop, 1 if step is None else step)
    return tf.constant(values.astype(_dtype(dtype, "int32" if integral else _FLOAT)
                                     .as_numpy_dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (float32 by default)."""
    values, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, axis=axis)
    out = tf.constant(values.astype(_dtype(dtype).as_numpy_dtype))
    return (out, step) if retstep else out


def size(x):
    """The number of entries."""
    return int(np.prod(_t(x).shape, dtype=np.int64))


def ndim(x):
    """The number of axes."""
    return _t(x).ndim


# ------------------------------------------------------------------- products
def matmul(x1, x2):
    """Matrix product, as ``numpy.matmul`` (1-D operands are vectors)."""
    x1, x2 = _t(x1), _t(x2)
    if x1.ndim >= 2 and x2.ndim >= 2:
        return tf.matmul(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError(f"keras.ops.matmul: operands must not be scalars; got shapes "
                         f"{tuple(x1.shape)} and {tuple(x2.shape)}. Use ops.multiply.")
    return tf.tensordot(x1, x2, axes=[[x1.ndim - 1], [max(x2.ndim - 2, 0)]]) \
        if x1.ndim == 1 or x2.ndim == 1 else tf.matmul(x1, x2)


def dot(x1, x2):
    """``numpy.dot``: products over the last axis of ``x1`` and the second-to-last of
    ``x2`` (the last when 1-D); a scalar operand multiplies."""
    x1, x2 = _t(x1), _t(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return tf.multiply(x1, x2)
    if x1.ndim == 2 and x2.ndim == 2:
        return tf.matmul(x1, x2)
    return tf.tensordot(x1, x2, axes=[[x1.ndim - 1], [max(x2.ndim - 2, 0)]])


def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes`` (an int: the last of ``x1``, first of ``x2``)."""
    return tf.tensordot(_t(x1), _t(x2), axes)


def outer(x1, x2):
    """The outer product of the flattened inputs."""
    return tf.multiply(tf.reshape(_t(x1), [-1, 1]), tf.reshape(_t(x2), [1, -1]))
