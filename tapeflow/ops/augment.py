"""Image augmentation ops: a seeded draw, and transforms that apply drawn parameters.

The random layers split each augmentation in two ops, as ``dropout`` does: the stateful
``augment_draw`` draws uniform parameters (a replayed step, see ``tapeflow.trace``,
draws fresh ones), and a deterministic op applies them, differentiable in the images
(not in the parameters):

* ``flip_images``: flip the images whose draw is <= 0.5 (Keras's RandomFlip rule);
* ``affine_images``: rotate, zoom or translate each image by its drawn parameters,
  sampling ``image[y', x']`` at ``x' = a0 x + a1 y + a2``, ``y' = b0 x + b1 y + b2``
  with bilinear or nearest interpolation and Keras's fill modes (``reflect``:
  ``d c b a | a b c d | d c b a``; ``mirror``; ``wrap``; ``nearest``; ``constant``);
  vectorized over the batch, no Python loop;
* ``contrast_images``: ``(x - mean) * factor + mean`` per image and channel, clipped;
* ``crop_window``: one ``(top, left)`` window for the whole batch.

Example:
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> shift = affine_transform(x, np.array([[1, 0, 1, 0, 1, 0, 0, 0.0]]), "bilinear",
    ...                          "nearest", 0.0)          # output x samples input x + 1
    >>> shift[0, :, :, 0]
    array([[1., 2., 2.],
           [4., 5., 5.],
           [7., 8., 8.]])
"""
import numpy as np

from tapeflow.ops.convert import to_tensor
from tapeflow.ops.registry import primitive

__all__ = ["augment_draw", "flip_images", "affine_images", "contrast_images", "crop_window",
           "affine_transform", "transforms_for", "FILL_MODES"]

FILL_MODES = ("reflect", "wrap", "constant", "nearest", "mirror")


@primitive("augment_draw")
def _augment_draw(shape, low, high, seed):
    """Uniform draws in ``[low[k], high[k])`` for column ``k`` of a ``shape`` array."""
    from tapeflow.ops import random as rnd
    u = rnd._generator(seed).random(shape)
    low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
    return (low + (high - low) * u).astype(np.float32)


_augment_draw.stateful = True  # replayed steps draw again


def augment_draw(shape, low, high, seed=None):
    """A float32 ``shape`` array whose last axis ``k`` is uniform in ``[low[k], high[k])``."""
    return _augment_draw(shape=tuple(shape), low=tuple(low), high=tuple(high), seed=seed)


# --- flips --------------------------------------------------------------------------------
def _flip(x, draws, axes):
    flipped = x
    for axis in axes:
        flipped = np.flip(flipped, axis)
    keep = draws.reshape((-1,) + (1,) * (x.ndim - 1)) > 0.5
    return np.where(keep, x, flipped)


@primitive("flip_images")
def _flip_images(x, draws, axes):
    return _flip(x, draws, axes)


@_flip_images.defvjp
def _flip_images_vjp(g, out, x, draws, axes):
    return _flip(g, draws, axes), None


def flip_images(x, draws, axes):
    """Flip image ``i`` along ``axes`` where ``draws[i] <= 0.5``."""
    return _flip_images(to_tensor(x), to_tensor(draws), axes=tuple(axes))


# --- affine sampling ----------------------------------------------------------------------
def _fold(index, n, fill_mode):
    """Map integer coordinates into ``[0, n)`` by the fill mode; ``valid`` marks those that
    were inside (only ``constant`` uses it)."""
    valid = (index >= 0) & (index < n)
    if fill_mode == "reflect":
        index = np.mod(index, 2 * n)
        index = np.where(index >= n, 2 * n - 1 - index, index)
    elif fill_mode == "mirror":
        period = max(2 * n - 2, 1)
        index = np.mod(index, period)
        index = np.where(index >= n, period - index, index)
    elif fill_mode == "wrap":
        index = np.mod(index, n)
    else:  # nearest, constant
        index = np.clip(index, 0, n - 1)
    return index, valid


def _corners(transforms, height, width, interpolation, fill_mode):
    """Per output pixel: the flat input indices, weights and validity of its corners."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, None, None] for t in
                                      np.asarray(transforms, np.float64).T)
    k = c0 * xs + c1 * ys + 1.0
    sx, sy = (a0 * xs + a1 * ys + a2) / k, (b0 * xs + b1 * ys + b2) / k
    batch = np.arange(len(transforms))[:, None, None] * (height * width)
    if interpolation == "nearest":
        offsets = [(np.floor(sy + 0.5), np.floor(sx + 0.5), np.ones_like(sx))]
    else:
        y0, x0 = np.floor(sy), np.floor(sx)
        fy, fx = sy - y0, sx - x0
        offsets = [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
                   (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)]
    out = []
    for y, x, w in offsets:
        yi, vy = _fold(y.astype(np.int64), height, fill_mode)
        xi, vx = _fold(x.astype(np.int64), width, fill_mode)
        out.append((batch + yi * width + xi, w, vy & vx))
    return out


def affine_transform(images, transforms, interpolation, fill_mode, fill_value):
    """Sample channels-last ``images`` (B, H, W, C) with one 8-parameter transform per
    image (Keras's ``ops.image.affine_transform`` layout), in NumPy."""
    b, h, w, c = images.shape
    flat = images.reshape(b * h * w, c)
    out = np.zeros(images.shape, np.float64)
    for index, weight, valid in _corners(transforms, h, w, interpolation, fill_mode):
        if fill_mode == "constant":
            out += (weight * ~valid)[..., None] * fill_value
            weight = weight * valid
        out += weight[..., None] * flat[index]
    return out.astype(images.dtype)


def transforms_for(kind, params, height, width):
    """Keras's 8-parameter transforms from drawn ``params`` (one row per image):
    ``"rotation"`` (angle in degrees, about the centre), ``"zoom"`` (x and y zoom),
    ``"translation"`` (x and y shift in pixels) or ``"matrix"`` (the transforms)."""
    p = np.asarray(params, np.float64)
    n = len(p)
    zero, one = np.zeros(n), np.ones(n)
    if kind == "matrix":
        return p
    if kind == "rotation":
        angle = np.deg2rad(p[:, 0])
        cos, sin = np.cos(angle), np.sin(angle)
        cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
        return np.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos,
                         cy - cx * sin - cy * cos, zero, zero], axis=1)
    if kind == "zoom":
        zx, zy = p[:, 0], p[:, -1]  # one column: the same zoom on both axes
        return np.stack([zx, zero, (width - 1) / 2 * (1 - zx), zero, zy,
                         (height - 1) / 2 * (1 - zy), zero, zero], axis=1)
    if kind == "translation":
        return np.stack([one, zero, -p[:, 0], zero, one, -p[:, 1], zero, zero], axis=1)
    raise ValueError(f"affine_images: unknown kind {kind!r}.")


@primitive("affine_images")
def _affine_images(x, params, kind, interpolation, fill_mode, fill_value):
    transforms = transforms_for(kind, params, x.shape[1], x.shape[2])
    return affine_transform(x, transforms, interpolation, fill_mode, fill_value)


@_affine_images.defvjp
def _affine_images_vjp(g, out, x, params, kind, interpolation, fill_mode, fill_value):
    b, h, w, c = x.shape
    transforms = transforms_for(kind, params, h, w)
    gx = np.zeros((b * h * w, c), g.dtype)
    for index, weight, valid in _corners(transforms, h, w, interpolation, fill_mode):
        if fill_mode == "constant":
            weight = weight * valid
        np.add.at(gx, index.ravel(), (weight[..., None] * g).reshape(-1, c).astype(g.dtype))
    return gx.reshape(x.shape), None


def affine_images(x, params, kind="matrix", interpolation="bilinear", fill_mode="reflect",
                  fill_value=0.0):
    """Differentiable (in ``x``) :func:`affine_transform` of channels-last images, the
    transforms made from ``params`` by :func:`transforms_for`."""
    return _affine_images(to_tensor(x), to_tensor(params), kind=kind,
                          interpolation=interpolation, fill_mode=fill_mode,
                          fill_value=float(fill_value))


# --- contrast ------------------------------------------------------------------------------
@primitive("contrast_images")
def _contrast_images(x, factor, low, high, axes):
    factor = factor.reshape((-1,) + (1,) * (x.ndim - 1))
    mean = x.mean(axis=axes, keepdims=True)
    return np.clip((x - mean) * factor + mean, low, high).astype(x.dtype)


@_contrast_images.defvjp
def _contrast_images_vjp(g, out, x, factor, low, high, axes):
    factor = factor.reshape((-1,) + (1,) * (x.ndim - 1))
    mean = x.mean(axis=axes, keepdims=True)
    raw = (x - mean) * factor + mean
    gu = np.where((raw >= low) & (raw <= high), g, 0).astype(g.dtype)
    return gu * factor + (gu * (1 - factor)).mean(axis=axes, keepdims=True), None


def contrast_images(x, factor, value_range, axes):
    """``clip((x - mean) * factor + mean, *value_range)``, mean over the spatial ``axes``;
    ``factor`` has one entry per image."""
    low, high = value_range
    return _contrast_images(to_tensor(x), to_tensor(factor), low=float(low), high=float(high),
                            axes=tuple(axes))


# --- crop ----------------------------------------------------------------------------------
def _window(x, start, size, axes):
    key = [slice(None)] * x.ndim
    for axis, s, n in zip(axes, np.asarray(start).astype(np.int64).ravel()[:2], size):
        key[axis] = slice(int(s), int(s) + n)
    return tuple(key)


@primitive("crop_window")
def _crop_window(x, start, size, axes):
    return np.ascontiguousarray(x[_window(x, start, size, axes)])


@_crop_window.defvjp
def _crop_window_vjp(g, out, x, start, size, axes):
    gx = np.zeros(x.shape, g.dtype)
    gx[_window(x, start, size, axes)] = g
    return gx, None


def crop_window(x, start, size, axes):
    """The ``size`` window of ``x`` at ``start`` (floats are floored) along ``axes``."""
    return _crop_window(to_tensor(x), to_tensor(start), size=tuple(size), axes=tuple(axes))
