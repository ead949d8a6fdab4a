"""``keras.utils`` image helpers: ``load_img``, ``img_to_array``, ``array_to_img``,
``save_img`` (Pillow images, as in Keras; Pillow is the ``image`` extra).

Example:
    >>> import numpy as np
    >>> img = array_to_img(np.zeros((2, 3, 3)))  # doctest: +SKIP
    >>> img_to_array(img).shape  # doctest: +SKIP
    (2, 3, 3)
"""

from __future__ import annotations

import io
import pathlib
import warnings

import numpy as np

from tapeflow.keras import backend

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]

_RESAMPLE = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("The image helpers of keras.utils need Pillow: install it with "
                          "`pip install pillow` (or `pip install tapeflow[image]`).") from None
    return Image


def _data_format(data_format):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format}")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image from a (height, width, channels) array (1, 3 or 4 channels).

    Args:
        x: The array (channels first under ``data_format="channels_first"``).
        data_format: ``"channels_last"`` or ``"channels_first"``; None: Keras's setting.
        scale: Rescale the values to [0, 255] (min to 0, max to 255).
        dtype: Working dtype; None: ``floatx()``.

    Example:
        >>> import numpy as np
        >>> array_to_img(np.ones((4, 5, 1))).size  # doctest: +SKIP
        (5, 4)
    """
    image = _pil()
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). Got array "
                         f"with shape: {x.shape}")
    if _data_format(data_format) == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image.fromarray(x.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A float array (height, width, channels) from a PIL image.

    Example:
        >>> from PIL import Image
        >>> img_to_array(Image.new("L", (3, 2))).shape
        (2, 3, 1)
    """
    x = np.asarray(img, dtype=dtype or backend.floatx())
    channels_first = _data_format(data_format) == "channels_first"
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if channels_first else x
    if x.ndim == 2:
        return x.reshape((1, *x.shape) if channels_first else (*x.shape, 1))
    raise ValueError(f"Unsupported image shape: {x.shape}")


def _open(path):
    image = _pil()
    if isinstance(path, io.BytesIO):
        return image.open(path)
    if isinstance(path, (pathlib.Path, bytes, str)):
        with open(path, "rb") as f:
            return image.open(io.BytesIO(f.read()))
    raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")


def _convert(img, color_mode):
    if color_mode == "grayscale":
        return img if img.mode in ("L", "I;16", "I") else img.convert("L")
    if color_mode in ("rgb", "rgba"):
        mode = color_mode.upper()
        return img if img.mode == mode else img.convert(mode)
    raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')


def _crop_box(size, target):
    width, height = size
    target_width, target_height = target
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file into a PIL image, as ``keras.utils.load_img``.

    Args:
        path: File path or ``io.BytesIO``.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: None or ``(height, width)`` to resize to.
        interpolation: ``"nearest"``, ``"bilinear"``, ``"bicubic"``, ``"hamming"``,
            ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: Crop the centre to the target's aspect ratio before resizing.

    Example:
        >>> img = load_img("cat.jpg", target_size=(180, 180))  # doctest: +SKIP
    """
    img = _convert(_open(path), color_mode)
    if target_size is not None:
        size = (target_size[1], target_size[0])
        if img.size != size:
            if interpolation not in _RESAMPLE:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                                 f"Supported methods are {', '.join(_RESAMPLE)}")
            resample = getattr(_pil().Resampling, interpolation.upper())
            if keep_aspect_ratio:
                img = img.crop(box=_crop_box(img.size, size))
            img = img.resize(size, resample)
    return img


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an array as an image file (format from the suffix unless given).

    Example:
        >>> import numpy as np
        >>> save_img("out.png", np.zeros((8, 8, 3)))  # doctest: +SKIP
    """
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)
