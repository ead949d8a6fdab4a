"""``tf.image``'s colour functions: dtype conversion, brightness, contrast, saturation,
gamma, standardization and colour spaces (re-exported by :mod:`tapeflow.image`).

Integer images are converted to floats in [0, 1] (``convert_image_dtype``), adjusted and
converted back with saturation, as TensorFlow does; float images are adjusted as they
are. The adjustments are composed from differentiable ops; ``rgb_to_hsv`` and
``hsv_to_rgb`` are NumPy (no gradient).

Example:
    >>> import tapeflow as tf
    >>> tf.image.convert_image_dtype(tf.constant([0, 128, 255], tf.uint8), tf.float32).numpy()
    array([0.       , 0.5019608, 1.       ], dtype=float32)
    >>> tf.image.adjust_brightness(tf.constant([[[0.25]]]), 0.5).numpy().item()
    0.75
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.ops import array as array_ops
from tapeflow.ops import math as math_ops
from tapeflow.ops.convert import to_tensor
from tapeflow.tensor import Tensor

__all__ = ["convert_image_dtype", "adjust_brightness", "adjust_contrast", "adjust_gamma",
           "adjust_saturation", "per_image_standardization", "rgb_to_grayscale",
           "grayscale_to_rgb", "rgb_to_hsv", "hsv_to_rgb"]


def _limits(dtype):
    info = np.iinfo(dtype.as_numpy_dtype)
    return info.min, info.max


def _saturating_cast(x, dtype):
    low, high = _limits(dtype)
    return math_ops.cast(array_ops.clip_by_value(x, low, high), dtype)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Convert between dtypes, scaling values: floats are in [0, 1], integers in
    [0, max]. int -> float multiplies by ``1 / max``; float -> int multiplies by
    ``max + 0.5`` and truncates; int -> int shifts; float -> float casts."""
    x = to_tensor(image)
    dtype = dtypes.as_dtype(dtype)
    source = x.dtype
    if source == dtype:
        return x
    if not (source.is_floating or source.is_integer) or not (dtype.is_floating or
                                                              dtype.is_integer):
        raise TypeError(f"tf.image.convert_image_dtype: expected integer or float images "
                        f"and dtype; got {source.name} -> {dtype.name}.")
    if source.is_integer and dtype.is_integer:
        in_max, out_max = _limits(source)[1], _limits(dtype)[1]
        if in_max > out_max:
            scaled = Tensor(x.numpy() // ((in_max + 1) // (out_max + 1)))
            return _saturating_cast(scaled, dtype) if saturate else math_ops.cast(scaled, dtype)
        return math_ops.cast(x, dtype) * Tensor(np.asarray((out_max + 1) // (in_max + 1),
                                                           dtype.as_numpy_dtype))
    if source.is_floating and dtype.is_floating:
        return math_ops.cast(x, dtype)
    if source.is_integer:
        return math_ops.cast(x, dtype) * (1.0 / _limits(source)[1])
    scaled = x * (_limits(dtype)[1] + 0.5)
    return _saturating_cast(scaled, dtype) if saturate else math_ops.cast(scaled, dtype)


def _as_float(image, keep=("float16", "float32", "float64")):
    x = to_tensor(image)
    return x, (x if x.dtype.name in keep else convert_image_dtype(x, dtypes.float32))


def _back(adjusted, original):
    return convert_image_dtype(adjusted, original.dtype, saturate=True)


def adjust_brightness(image, delta):
    """Add ``delta`` to every value (integer images in their [0, 1] float form)."""
    x, flt = _as_float(image)
    return _back(flt + math_ops.cast(delta, flt.dtype), x)


def adjust_contrast(images, contrast_factor):
    """``(x - mean) * contrast_factor + mean``, the mean per image and channel."""
    x, flt = _as_float(images)
    _image_rank(x, "adjust_contrast")
    mean = math_ops.reduce_mean(flt, axis=[-3, -2], keepdims=True)
    return _back((flt - mean) * math_ops.cast(contrast_factor, flt.dtype) + mean, x)


def adjust_gamma(image, gamma=1, gain=1):
    """``gain * image ** gamma`` (``gamma`` >= 0)."""
    if float(gamma) < 0:
        raise ValueError(f"tf.image.adjust_gamma: gamma must be non-negative; got {gamma}.")
    x, flt = _as_float(image)
    return _back(math_ops.cast(gain, flt.dtype) * flt ** math_ops.cast(gamma, flt.dtype), x)


def adjust_saturation(image, saturation_factor, name=None):
    """Scale the HSV saturation by ``saturation_factor`` (clipped to 1), keeping hue and
    value: in RGB, ``max - (max - x) * min(factor, max / (max - min))``."""
    x, flt = _as_float(image)
    _rgb(x, "adjust_saturation")
    high = math_ops.reduce_max(flt, axis=-1, keepdims=True)
    spread = high - math_ops.reduce_min(flt, axis=-1, keepdims=True)
    grey = math_ops.less_equal(spread, 0.0)
    safe = array_ops.where(grey, array_ops.ones_like(spread), spread)
    ratio = math_ops.minimum(math_ops.cast(saturation_factor, flt.dtype), high / safe)
    out = high - (high - flt) * array_ops.where(grey, array_ops.ones_like(ratio), ratio)
    return _back(out, x)


def per_image_standardization(image):
    """``(x - mean) / max(std, 1 / sqrt(N))`` over each image's N values (integer
    images are cast to float32 unscaled; float64 stays float64)."""
    x = to_tensor(image)
    if x.dtype != dtypes.float64:
        x = math_ops.cast(x, dtypes.float32)
    _image_rank(x, "per_image_standardization")
    n = int(np.prod(x.shape[-3:]))
    mean = math_ops.reduce_mean(x, axis=[-3, -2, -1], keepdims=True)
    std = math_ops.reduce_std(x, axis=[-3, -2, -1], keepdims=True)
    return (x - mean) / math_ops.maximum(std, 1.0 / np.sqrt(max(n, 1)))


def rgb_to_grayscale(images, name=None):
    """Luma ``0.2989 R + 0.5870 G + 0.1140 B`` as one channel, in the input's dtype."""
    x, flt = _as_float(images)
    _rgb(x, "rgb_to_grayscale")
    weights = Tensor(np.asarray([0.2989, 0.5870, 0.1140], flt.dtype.as_numpy_dtype))
    gray = math_ops.reduce_sum(flt * weights, axis=-1, keepdims=True)
    return _back(gray, x)


def grayscale_to_rgb(images, name=None):
    """Repeat the single channel three times."""
    x = to_tensor(images)
    if x.ndim < 2 or x.shape[-1] != 1:
        raise ValueError(f"tf.image.grayscale_to_rgb: expected a last axis of size 1; "
                         f"received shape {tuple(x.shape)}.")
    return array_ops.tile(x, [1] * (x.ndim - 1) + [3])


def rgb_to_hsv(images, name=None):
    """RGB floats in [0, 1] to HSV, hue in [0, 1) (NumPy, no gradient)."""
    rgb = _rgb(to_tensor(images), "rgb_to_hsv").numpy()
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value, low = rgb.max(-1), rgb.min(-1)
    spread = value - low
    with np.errstate(divide="ignore", invalid="ignore"):
        sat = np.where(value > 0, spread / value, 0.0)
        hue = np.where(value == r, (g - b) / spread,
                       np.where(value == g, 2.0 + (b - r) / spread, 4.0 + (r - g) / spread))
    hue = np.where(spread > 0, (hue / 6.0) % 1.0, 0.0)
    return Tensor(np.stack([hue, sat, value], -1).astype(rgb.dtype))


def hsv_to_rgb(images, name=None):
    """HSV (hue in [0, 1)) to RGB (NumPy, no gradient)."""
    hsv = _rgb(to_tensor(images), "hsv_to_rgb").numpy()
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    k = (np.asarray([5.0, 3.0, 1.0]) + h[..., None] * 6.0) % 6.0
    channel = v[..., None] - v[..., None] * s[..., None] * \
        np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
    return Tensor(channel.astype(hsv.dtype))


def _rgb(x, op):
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"tf.image.{op}: expected RGB images, a last axis of size 3; "
                         f"received shape {tuple(x.shape)}.")
    return x


def _image_rank(x, op):
    if x.ndim < 3:
        raise ValueError(f"tf.image.{op}: expected an image (height, width, channels) or a "
                         f"batch of them; received shape {tuple(x.shape)}.")
