"""Pooling (``tf.nn.max_pool2d``, ``avg_pool2d``, their 1-D forms and ``max_pool``/``avg_pool``).

Both pools loop over the window's offsets (a 2x2 pool: four slices of the input),
never over pixels or batch items. Max-pool's gradient goes to the first maximum of
each window in row-major order, as TensorFlow's does, found by comparing each
offset's slice with the output (no ``np.add.at``). "SAME" padding is TensorFlow's:
max-pool pads with -inf, and average-pool divides by the number of real (unpadded)
entries of each window.

Example:
    >>> import numpy as np, tapeflow as tf
    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    >>> tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    >>> tf.nn.avg_pool2d(x, 2, 2, "VALID").numpy()[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
"""
import numpy as np

from tapeflow.ops.array import expand_dims, squeeze
from tapeflow.ops.conv import (_channels_first, _from_nhwc, _geometry, _ints, _to_nhwc,
                               pad_nhwc, resolve_pads, window_slices)
from tapeflow.ops.convert import float_tensor
from tapeflow.ops.registry import primitive

__all__ = ["max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "max_pool", "avg_pool"]

_ONE = (1, 1)


def _crop(dxp, pads):
    (t, b), (left, r) = pads
    return dxp[:, t:dxp.shape[1] - b, left:dxp.shape[2] - r, :]


@primitive("max_pool2d")
def _max_pool(x, ksize, strides, pads):
    """The maximum of each (kh, kw) window of the NHWC ``x`` padded by ``pads``."""
    _, oh, ow = _geometry(x.shape, *ksize, strides, pads, _ONE)
    xp = pad_nhwc(x, pads, -np.inf)
    out = None
    for _, _, rows, cols in window_slices(oh, ow, *ksize, strides, _ONE):
        if out is None:
            out = xp[:, rows, cols, :].copy()
        else:
            np.maximum(out, xp[:, rows, cols, :], out=out)
    return out


@_max_pool.defvjp
def _max_pool_vjp(g, out, x, ksize, strides, pads):
    padded, oh, ow = _geometry(x.shape, *ksize, strides, pads, _ONE)
    xp = pad_nhwc(x, pads, -np.inf)
    dxp = np.zeros(padded, g.dtype)
    taken = np.zeros(out.shape, bool)
    hit = np.empty(out.shape, bool)
    disjoint = strides[0] >= ksize[0] and strides[1] >= ksize[1]  # each entry in <= 1 window
    for _, _, rows, cols in window_slices(oh, ow, *ksize, strides, _ONE):
        np.equal(xp[:, rows, cols, :], out, out=hit)
        np.greater(hit, taken, out=hit)   # the first maximum of a window takes it all
        np.logical_or(taken, hit, out=taken)
        if disjoint:                      # written in place: no temporary, no add
            np.multiply(g, hit, out=dxp[:, rows, cols, :])
        else:
            dxp[:, rows, cols, :] += g * hit
    return (_crop(dxp, pads),)


def _avg_counts(x_shape, ksize, strides, pads, dtype):
    """How many real (unpadded) entries each window holds: (1, oh, ow, 1)."""
    _, oh, ow = _geometry(x_shape, *ksize, strides, pads, _ONE)
    if not any(pads[0] + pads[1]):
        return np.asarray(ksize[0] * ksize[1], dtype)
    ones = pad_nhwc(np.ones((1,) + tuple(x_shape[1:3]) + (1,), dtype), pads)
    counts = np.zeros((1, oh, ow, 1), dtype)
    for _, _, rows, cols in window_slices(oh, ow, *ksize, strides, _ONE):
        counts += ones[:, rows, cols, :]
    return counts


@primitive("avg_pool2d")
def _avg_pool(x, ksize, strides, pads):
    """The mean of the real entries of each (kh, kw) window of the NHWC ``x``."""
    _, oh, ow = _geometry(x.shape, *ksize, strides, pads, _ONE)
    xp = pad_nhwc(x, pads)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    for _, _, rows, cols in window_slices(oh, ow, *ksize, strides, _ONE):
        out += xp[:, rows, cols, :]
    out /= _avg_counts(x.shape, ksize, strides, pads, x.dtype)
    return out


@_avg_pool.defvjp
def _avg_pool_vjp(g, out, x, ksize, strides, pads):
    padded, oh, ow = _geometry(x.shape, *ksize, strides, pads, _ONE)
    share = g / _avg_counts(x.shape, ksize, strides, pads, g.dtype)
    dxp = np.zeros(padded, g.dtype)
    for _, _, rows, cols in window_slices(oh, ow, *ksize, strides, _ONE):
        dxp[:, rows, cols, :] += share
    return (_crop(dxp, pads),)


def _pool2d(op, prim, input, ksize, strides, padding, data_format):  # noqa: A002
    first = _channels_first(data_format, op)
    x = float_tensor(input, op)
    if x.ndim != 4:
        hint = " (add a channel axis: x[..., None])" if x.ndim == 3 else ""
        raise ValueError(f"{op}: expected a rank-4 input (batch, height, width, channels); "
                         f"got shape {tuple(x.shape)}{hint}.")
    fmt = "NCHW" if first else "NHWC"
    x = _to_nhwc(x, first)
    ksize = _ints(ksize, 2, "ksize", op, fmt)
    strides = _ints(strides, 2, "strides", op, fmt)
    pads = resolve_pads(padding, x._value.shape[1:3], ksize, strides, _ONE, op, fmt)
    return _from_nhwc(prim(x, ksize=ksize, strides=strides, pads=pads), first)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """The maximum over each ``ksize`` window, moved by ``strides``.

    Args:
        input: (batch, height, width, channels), or (batch, channels, h, w) for "NCHW".
        ksize, strides: an int or a list of 1, 2 or 4 ints.
        padding: "SAME" or "VALID" (any case).
    """
    return _pool2d("max_pool2d", _max_pool, input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """The mean over each ``ksize`` window (padding excluded from the count)."""
    return _pool2d("avg_pool2d", _avg_pool, input, ksize, strides, padding, data_format)


def _pool1d(pool2d, op, input, ksize, strides, padding, data_format):  # noqa: A002
    first = _channels_first(data_format, op)
    x = float_tensor(input, op)
    if x.ndim != 3:
        raise ValueError(f"{op}: expected a rank-3 input (batch, width, channels); got "
                         f"shape {tuple(x.shape)}.")
    fmt = "NCW" if first else "NWC"
    k = (1,) + _ints(ksize, 1, "ksize", op, fmt)
    s = (1,) + _ints(strides, 1, "strides", op, fmt)
    axis = 2 if first else 1
    out = pool2d(expand_dims(x, axis), k, s, padding, "NCHW" if first else "NHWC")
    return squeeze(out, [axis])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """1-D max pooling over (batch, width, channels).

    Example:
        >>> import numpy as np
        >>> max_pool1d(np.array([[[1.0], [3.0], [2.0]]]), 2, 1, "VALID").numpy().ravel()
        array([3., 3.])
    """
    return _pool1d(max_pool2d, "max_pool1d", input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """1-D average pooling over (batch, width, channels)."""
    return _pool1d(avg_pool2d, "avg_pool1d", input, ksize, strides, padding, data_format)


def _by_rank(pools, op, input, ksize, strides, padding, data_format):  # noqa: A002
    x = float_tensor(input, op)
    if x.ndim not in pools:
        raise ValueError(f"{op}: tapeflow pools 3-D (batch, width, channels) and 4-D "
                         f"(batch, height, width, channels) inputs; got shape "
                         f"{tuple(x.shape)}.")
    fmt = data_format or ("NWC" if x.ndim == 3 else "NHWC")
    return pools[x.ndim](x, ksize, strides, padding, fmt)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Max pooling of a 3-D or 4-D input (``max_pool1d`` or ``max_pool2d`` by rank)."""
    return _by_rank({3: max_pool1d, 4: max_pool2d}, "max_pool", input, ksize, strides,
                    padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Average pooling of a 3-D or 4-D input (``avg_pool1d`` or ``avg_pool2d`` by rank)."""
    return _by_rank({3: avg_pool1d, 4: avg_pool2d}, "avg_pool", input, ksize, strides,
                    padding, data_format)
