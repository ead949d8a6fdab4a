"""``tf.image``: resizing, cropping, flipping and colour adjustments of images.

Images are ``(height, width, channels)`` or batched ``(batch, height, width, channels)``
tensors, as in TensorFlow. Everything is composed from differentiable ops (slicing,
``reverse``, ``zero_pad``, the separable resampling of ``tapeflow/ops/image.py`` that
the ``Resizing`` layer uses, arithmetic), so resizing, flips, crops and the ``adjust_*``
functions have gradients. The ``random_*`` functions draw from tapeflow's generator
(``seed`` as in ``tf.random``); ``stateless_random_*`` take ``seed=(a, b)`` and give
the same result for the same seed. Their random streams differ from TensorFlow's.

Example:
    >>> import numpy as np
    >>> import tapeflow as tf
    >>> image = tf.constant(np.arange(4.0).reshape(2, 2, 1))
    >>> tf.image.flip_left_right(image).numpy()[..., 0].tolist()
    [[1.0, 0.0], [3.0, 2.0]]
    >>> tf.image.resize(image, (4, 4)).numpy()[0, :, 0].tolist()
    [0.0, 0.25, 0.75, 1.0]
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.ops import array as array_ops
from tapeflow.ops import image as image_ops
from tapeflow.ops import math as math_ops
from tapeflow.image_color import (  # noqa: F401  (tf.image's colour functions)
    adjust_brightness, adjust_contrast, adjust_gamma, adjust_saturation,
    convert_image_dtype, grayscale_to_rgb, hsv_to_rgb, per_image_standardization,
    rgb_to_grayscale, rgb_to_hsv)
from tapeflow.ops.convert import to_tensor as _to_tensor
from tapeflow.ops.random import _draw
from tapeflow.ops.registry import value_read as _value_read

__all__ = ["resize", "ResizeMethod", "resize_with_crop_or_pad", "central_crop",
           "crop_to_bounding_box", "pad_to_bounding_box", "flip_left_right", "flip_up_down",
           "rot90", "transpose", "random_flip_left_right", "random_flip_up_down",
           "random_brightness", "random_contrast", "random_saturation", "random_crop",
           "stateless_random_flip_left_right", "stateless_random_flip_up_down",
           "stateless_random_brightness", "stateless_random_contrast",
           "stateless_random_saturation", "stateless_random_crop"]


class ResizeMethod:  # noqa: D101 - TensorFlow's constants
    BILINEAR, NEAREST_NEIGHBOR, BICUBIC, AREA = "bilinear", "nearest", "bicubic", "area"
    LANCZOS3, LANCZOS5, GAUSSIAN, MITCHELLCUBIC = \
        "lanczos3", "lanczos5", "gaussian", "mitchellcubic"


def image_tensor(x, op):
    """``x`` as a tensor of rank 3 (one image) or 4 (a batch); else a clear error."""
    t = _to_tensor(x)
    if t.ndim not in (3, 4):
        raise ValueError(f"tf.image.{op}: expected an image (height, width, channels) or a "
                         f"batch (batch, height, width, channels); received shape "
                         f"{tuple(t.shape)}. Add a channels axis with tf.expand_dims(x, -1).")
    return t


def _size(size, op):
    size = _to_tensor(size).numpy().tolist() if not isinstance(size, (list, tuple)) else size
    if len(size) != 2 or any(int(n) < 1 for n in size):
        raise ValueError(f"tf.image.{op}: expected size=(height, width) of positive ints; "
                         f"got {size!r}.")
    return int(size[0]), int(size[1])


def resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False,
           name=None):
    """Resize to ``size=(height, width)`` with half-pixel centres (``"bilinear"``,
    ``"nearest"``, ``"bicubic"``, ``"area"``; ``antialias`` must be False). The result
    is float32 (float64 stays float64), except ``"nearest"``, which keeps the dtype."""
    x = image_tensor(images, "resize")
    method = getattr(method, "value", method)
    if method not in ("bilinear", "nearest", "bicubic", "area"):
        raise ValueError(f"tf.image.resize: method {method!r} is not provided; use "
                         f"'bilinear', 'nearest', 'bicubic' or 'area'.")
    if antialias:
        raise NotImplementedError("tf.image.resize: antialias=True is not provided; "
                                  "use antialias=False (the default).")
    height, width = _size(size, "resize")
    h, w = x.shape[-3], x.shape[-2]
    if preserve_aspect_ratio:
        scale = min(height / h, width / w)
        height, width = max(int(round(h * scale)), 1), max(int(round(w * scale)), 1)
    dtype = x.dtype
    if not dtype.is_floating:
        x = math_ops.cast(x, dtypes.float32)
    mats = [(axis, image_ops.resize_weights(n_in, n_out, method))
            for axis, n_in, n_out in ((-3, h, height), (-2, w, width)) if n_in != n_out]
    out = image_ops.resize_separable(x, mats) if mats else x
    if method == "nearest" and out.dtype != dtype:
        out = math_ops.cast(out, dtype)
    return out


def _window(x, top, left, height, width, op):
    h, w = x.shape[-3], x.shape[-2]
    if top < 0 or left < 0 or height < 1 or width < 1 or top + height > h or left + width > w:
        raise ValueError(f"tf.image.{op}: the window (offset {top}, {left}, size {height}, "
                         f"{width}) does not fit in an image of height {h} and width {w}.")
    return x[..., top:top + height, left:left + width, :]


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The window of ``target_height x target_width`` pixels at the given offset."""
    return _window(image_tensor(image, "crop_to_bounding_box"), int(offset_height),
                   int(offset_width), int(target_height), int(target_width),
                   "crop_to_bounding_box")


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pad to ``target_height x target_width``, the image at the given offset."""
    x = image_tensor(image, "pad_to_bounding_box")
    h, w = x.shape[-3], x.shape[-2]
    below, right = int(target_height) - h - int(offset_height), \
        int(target_width) - w - int(offset_width)
    if min(int(offset_height), int(offset_width), below, right) < 0:
        raise ValueError(f"tf.image.pad_to_bounding_box: an image of height {h} and width "
                         f"{w} at offset ({offset_height}, {offset_width}) does not fit in "
                         f"({target_height}, {target_width}).")
    pads = [(0, 0)] * (x.ndim - 3) + [(int(offset_height), below),
                                      (int(offset_width), right), (0, 0)]
    return image_ops.zero_pad(x, pads)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop and/or zero-pad to ``target_height x target_width`` (no scaling)."""
    x = image_tensor(image, "resize_with_crop_or_pad")
    h, w = x.shape[-3], x.shape[-2]
    th, tw = int(target_height), int(target_width)
    x = _window(x, max((h - th) // 2, 0), max((w - tw) // 2, 0), min(h, th), min(w, tw),
                "resize_with_crop_or_pad")
    return pad_to_bounding_box(x, max((th - h) // 2, 0), max((tw - w) // 2, 0), th, tw)


def central_crop(image, central_fraction):
    """The central ``central_fraction`` (in (0, 1]) of the image in each dimension."""
    x = image_tensor(image, "central_crop")
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"tf.image.central_crop: central_fraction must be in (0, 1]; got "
                         f"{central_fraction}.")
    h, w = x.shape[-3], x.shape[-2]
    top, left = int((h - h * central_fraction) / 2), int((w - w * central_fraction) / 2)
    return _window(x, top, left, h - 2 * top, w - 2 * left, "central_crop")


def flip_left_right(image):
    """Mirror the width axis."""
    return array_ops.reverse(image_tensor(image, "flip_left_right"), [-2])


def flip_up_down(image):
    """Mirror the height axis."""
    return array_ops.reverse(image_tensor(image, "flip_up_down"), [-3])


def transpose(image, name=None):
    """Swap height and width."""
    x = image_tensor(image, "transpose")
    perm = list(range(x.ndim))
    perm[-3], perm[-2] = perm[-2], perm[-3]
    return array_ops.transpose(x, perm)


def rot90(image, k=1, name=None):
    """Rotate by ``k`` quarter turns counter-clockwise (as ``np.rot90``)."""
    x = image_tensor(image, "rot90")
    k = int(k) % 4
    if k == 1:
        return flip_up_down(transpose(x))
    if k == 2:
        return array_ops.reverse(x, [-3, -2])
    if k == 3:
        return transpose(flip_up_down(x))
    return x


# --- random and stateless random versions --------------------------------------------

def _stateless(seed, op):
    if seed is None or np.size(np.asarray(_to_tensor(seed).numpy())) != 2:
        raise ValueError(f"tf.image.{op}: expected seed=(a, b), two integers; got {seed!r}.")
    _value_read(f"tf.image.{op} drew a value")
    return np.random.default_rng([int(s) & 0xFFFFFFFF for s in _to_tensor(seed).numpy()])


def _flip(x, rng, axis, op):
    x = image_tensor(x, op)
    if x.ndim == 3:
        return array_ops.reverse(x, [axis]) if rng.uniform() < 0.5 else x
    flips = rng.uniform(size=x.shape[0]) < 0.5   # each image of a batch on its own
    mask = _to_tensor(flips.reshape(-1, 1, 1, 1))
    return array_ops.where(mask, array_ops.reverse(x, [axis]), x)


def _crop(x, size, rng, op):
    x = _to_tensor(x)
    size = [int(n) for n in (_to_tensor(size).numpy().tolist()
                             if not isinstance(size, (list, tuple)) else size)]
    if len(size) != x.ndim or any(s > n or s < 1 for s, n in zip(size, x.shape)):
        raise ValueError(f"tf.image.{op}: size {size} must have one entry per axis of the "
                         f"value (shape {tuple(x.shape)}), each between 1 and that axis.")
    starts = [int(rng.integers(0, n - s + 1)) for s, n in zip(size, x.shape)]
    return x[tuple(slice(a, a + s) for a, s in zip(starts, size))]


def _uniform(rng, low, high, op):
    if high < low:
        raise ValueError(f"tf.image.{op}: upper ({high}) must be >= lower ({low}).")
    return float(rng.uniform(low, high))


def random_flip_left_right(image, seed=None):
    """Flip each image left-right with probability 1/2."""
    return _flip(image, _draw(seed), -2, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """Flip each image upside down with probability 1/2."""
    return _flip(image, _draw(seed), -3, "random_flip_up_down")


def random_brightness(image, max_delta, seed=None):
    """``adjust_brightness`` by a delta drawn from ``[-max_delta, max_delta)``."""
    return adjust_brightness(image, _uniform(_draw(seed), -max_delta, max_delta,
                                             "random_brightness"))


def random_contrast(image, lower, upper, seed=None):
    """``adjust_contrast`` by a factor drawn from ``[lower, upper)``."""
    return adjust_contrast(image, _uniform(_draw(seed), lower, upper, "random_contrast"))


def random_saturation(image, lower, upper, seed=None):
    """``adjust_saturation`` by a factor drawn from ``[lower, upper)``."""
    return adjust_saturation(image, _uniform(_draw(seed), lower, upper, "random_saturation"))


def random_crop(value, size, seed=None, name=None):
    """A window of shape ``size`` (one entry per axis) at a random offset."""
    return _crop(value, size, _draw(seed), "random_crop")


def stateless_random_flip_left_right(image, seed):
    """``random_flip_left_right``, the same for the same ``seed=(a, b)``."""
    return _flip(image, _stateless(seed, "stateless_random_flip_left_right"), -2,
                 "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed):
    """``random_flip_up_down``, the same for the same ``seed=(a, b)``."""
    return _flip(image, _stateless(seed, "stateless_random_flip_up_down"), -3,
                 "stateless_random_flip_up_down")


def stateless_random_brightness(image, max_delta, seed):
    """``random_brightness``, the same for the same ``seed=(a, b)``."""
    rng = _stateless(seed, "stateless_random_brightness")
    return adjust_brightness(image, _uniform(rng, -max_delta, max_delta,
                                             "stateless_random_brightness"))


def stateless_random_contrast(image, lower, upper, seed):
    """``random_contrast``, the same for the same ``seed=(a, b)``."""
    rng = _stateless(seed, "stateless_random_contrast")
    return adjust_contrast(image, _uniform(rng, lower, upper, "stateless_random_contrast"))


def stateless_random_saturation(image, lower, upper, seed):
    """``random_saturation``, the same for the same ``seed=(a, b)``."""
    rng = _stateless(seed, "stateless_random_saturation")
    return adjust_saturation(image, _uniform(rng, lower, upper,
                                             "stateless_random_saturation"))


def stateless_random_crop(value, size, seed, name=None):
    """``random_crop``, the same for the same ``seed=(a, b)``."""
    return _crop(value, size, _stateless(seed, "stateless_random_crop"),
                 "stateless_random_crop")


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
