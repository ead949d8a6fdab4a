"""Differentiable image ops for the reshaping and resizing layers.

* ``zero_pad``: pad axes with zeros (``ZeroPadding2D``); its VJP slices the padding off.
* ``repeat_axes``: repeat each element ``size`` times along axes (nearest upsampling,
  ``UpSampling2D``, ``RepeatVector``); its VJP sums each block back.
* ``resize_separable``: resample axes with per-axis matrices (bilinear and nearest
  resizing with half-pixel centres, as ``tf.image.resize``); its VJP applies the
  transposed matrices.

Example:
    >>> import numpy as np
    >>> import tapeflow as tf
    >>> x = tf.constant(np.arange(4.0).reshape(1, 2, 2, 1))
    >>> repeat_axes(x, (1, 2, 2, 1)).numpy()[0, :, :, 0]
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [2., 2., 3., 3.],
           [2., 2., 3., 3.]])
    >>> resize_weights(2, 4, "bilinear")
    array([[1.  , 0.  ],
           [0.75, 0.25],
           [0.25, 0.75],
           [0.  , 1.  ]])
"""
import numpy as np

from tapeflow.ops.convert import to_tensor
from tapeflow.ops.registry import primitive

__all__ = ["zero_pad", "repeat_axes", "resize_separable", "resize_weights"]


@primitive("zero_pad")
def _zero_pad(x, pads):
    return np.pad(x, pads)


@_zero_pad.defvjp
def _zero_pad_vjp(g, out, x, pads):
    key = tuple(slice(before, before + n) for (before, _), n in zip(pads, x.shape))
    return (np.ascontiguousarray(g[key]),)


def zero_pad(x, pads):
    """Pad ``x`` with zeros: ``pads`` holds one ``(before, after)`` pair per axis."""
    x = to_tensor(x)
    pads = tuple((int(a), int(b)) for a, b in pads)
    if len(pads) != x.ndim or any(a < 0 or b < 0 for a, b in pads):
        raise ValueError(f"zero_pad: expected {x.ndim} non-negative (before, after) "
                         f"pairs for an input of shape {tuple(x.shape)}; got {pads}.")
    return _zero_pad(x, pads=pads)


@primitive("repeat_axes")
def _repeat_axes(x, size):
    # broadcast each element into a block, then fold the block axes in: no Python loop
    spread = x.reshape([d for n in x.shape for d in (n, 1)])
    block = np.broadcast_to(spread, [d for n, r in zip(x.shape, size) for d in (n, r)])
    return block.reshape([n * r for n, r in zip(x.shape, size)])


@_repeat_axes.defvjp
def _repeat_axes_vjp(g, out, x, size):
    blocks = g.reshape([d for n, r in zip(x.shape, size) for d in (n, r)])
    return (blocks.sum(axis=tuple(range(1, 2 * x.ndim, 2))),)


def repeat_axes(x, size):
    """Repeat every element ``size[i]`` times along axis ``i`` (``np.repeat`` per axis)."""
    x = to_tensor(x)
    size = tuple(int(r) for r in size)
    if len(size) != x.ndim or any(r < 1 for r in size):
        raise ValueError(f"repeat_axes: expected {x.ndim} positive repeat counts for an "
                         f"input of shape {tuple(x.shape)}; got {size}.")
    return _repeat_axes(x, size=size)


def _apply(x, axis, matrix):
    moved = np.moveaxis(x, axis, -1)
    return np.moveaxis(moved @ matrix.T, -1, axis)


@primitive("resize_separable")
def _resize_separable(x, mats):
    for axis, matrix in mats:
        x = _apply(x, axis, matrix.astype(x.dtype, copy=False))
    return x


@_resize_separable.defvjp
def _resize_separable_vjp(g, out, x, mats):
    for axis, matrix in reversed(mats):
        g = _apply(g, axis, matrix.T.astype(g.dtype, copy=False))
    return (np.ascontiguousarray(g),)


def resize_separable(x, mats):
    """Resample ``x`` along each ``(axis, matrix)`` pair: ``out = matrix @ x`` on that axis."""
    x = to_tensor(x)
    return _resize_separable(x, mats=tuple((int(a) % x.ndim, np.asarray(m)) for a, m in mats))


def resize_weights(n_in, n_out, interpolation):
    """The ``(n_out, n_in)`` matrix that resamples one axis with half-pixel centres.

    ``"bilinear"``: each output samples the input at ``(i + 0.5) * n_in / n_out - 0.5``,
    clamped to the edge pixels, and mixes its two neighbours linearly (TensorFlow's
    ``resize`` without antialiasing). ``"nearest"``: the input pixel under
    ``floor((i + 0.5) * n_in / n_out)``. ``"bicubic"``: Keys' cubic (a = -0.5) on the four
    neighbours of that sample point; taps outside the image get weight 0 and the rest
    are renormalized (TensorFlow's half-pixel bicubic). ``"area"``: each output averages
    the input over its box ``[i, i + 1) * n_in / n_out``, weighting edge pixels by overlap.
    """
    scale = n_in / n_out
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    if interpolation in ("bicubic", "area"):
        return (_bicubic_weights if interpolation == "bicubic" else _area_weights)(
            n_in, n_out, weights, rows)
    if interpolation == "nearest":
        cols = np.minimum(np.floor((rows + 0.5) * scale).astype(np.int64), n_in - 1)
        weights[rows, cols] = 1.0
        return weights
    src = np.clip((rows + 0.5) * scale - 0.5, 0.0, n_in - 1)
    low = np.floor(src).astype(np.int64)
    high = np.minimum(low + 1, n_in - 1)
    frac = src - low
    np.add.at(weights, (rows, low), 1.0 - frac)   # building a small matrix, not a hot path
    np.add.at(weights, (rows, high), frac)
    return weights


def _keys_cubic(x, a=-0.5):
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x <= 1, near, np.where(x < 2, far, 0.0))


def _bicubic_weights(n_in, n_out, weights, rows):
    src = (rows + 0.5) * (n_in / n_out) - 0.5
    base = np.floor(src).astype(np.int64)
    taps = base[:, None] + np.arange(-1, 3)[None, :]
    coef = _keys_cubic(src[:, None] - taps)
    coef = np.where((taps >= 0) & (taps < n_in), coef, 0.0)
    coef /= coef.sum(axis=1, keepdims=True)
    np.add.at(weights, (np.repeat(rows, 4), np.clip(taps, 0, n_in - 1).ravel()), coef.ravel())
    return weights


def _area_weights(n_in, n_out, weights, rows):
    scale = n_in / n_out
    cols = np.arange(n_in)
    start, stop = rows[:, None] * scale, (rows[:, None] + 1) * scale
    overlap = np.minimum(cols[None, :] + 1, stop) - np.maximum(cols[None, :], start)
    weights[:] = np.clip(overlap, 0.0, None) / scale
    return weights
