"""Operand conversion shared by all ops: TensorFlow's dtype rules in one place.

Python scalars, lists and NumPy arrays combined with a tensor adopt the tensor's
dtype; two tensors of different dtypes are an error (TensorFlow never converts
implicitly).
"""
import numpy as np

from tapeflow.tensor import Tensor, _to_array

__all__ = ["to_tensor", "float_tensor", "binary_operands", "norm_axis"]


def to_tensor(x, dtype=None):
    """``x`` as a Tensor (tensors pass through untouched)."""
    if isinstance(x, Tensor):
        return x
    return Tensor(_to_array(x, dtype))


def float_tensor(x, op):
    """``x`` as a tensor that must hold floats, as TensorFlow's exp, log, sigmoid ...
    require: an integer tensor (``tf.range(5)``) is refused, not silently truncated."""
    t = to_tensor(x)
    if t._value.dtype.kind not in "fc":
        raise TypeError(f"{op}: expected a floating-point tensor; got {t.dtype.name} "
                        f"(shape {tuple(t._value.shape)}). Cast it first, e.g. "
                        f"tf.cast(x, tf.float32), or write float literals (1.0, not 1).")
    return t


def _adopt(value, npdtype, op):
    arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    if arr.dtype == npdtype:
        return Tensor(arr)
    if arr.dtype.kind == "f" and npdtype.kind in "iub" and arr.size and \
            not np.all(np.mod(arr, 1) == 0):
        raise TypeError(f"{op}: cannot convert {value!r:.60} to the tensor's dtype "
                        f"{npdtype.name} without losing its fraction; cast the tensor first, "
                        f"e.g. tf.cast(x, tf.float32).")
    return Tensor(arr.astype(npdtype))


def binary_operands(x, y, op):
    """Convert the two operands of ``op`` following TensorFlow's dtype rules."""
    xt, yt = isinstance(x, Tensor), isinstance(y, Tensor)
    if xt and yt:
        if x._value.dtype != y._value.dtype:
            dx, dy = x._value.dtype.name, y._value.dtype.name
            raise TypeError(
                f"{op}: cannot combine a {dx} tensor with a {dy} tensor (dtypes {dx} and "
                f"{dy}). tapeflow, like TensorFlow, never converts implicitly: use "
                f"tf.cast(y, tf.{dx}) or tf.cast(x, tf.{dy}).")
        return x, y
    if xt:
        return x, _adopt(y, x._value.dtype, op)
    if yt:
        return _adopt(x, y._value.dtype, op), y
    x = to_tensor(x)
    return x, _adopt(y, x._value.dtype, op)


def norm_axis(axis, ndim, op):
    """``axis`` (None, int or sequence) as a sorted tuple of non-negative ints, or None."""
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis.numpy().tolist()
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor of rank {ndim}; "
                             f"valid axes are {-ndim}..{ndim - 1}.")
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))
