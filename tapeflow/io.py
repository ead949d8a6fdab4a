"""``tf.io``: read a file's bytes and decode JPEG / PNG / GIF / BMP images.

Decoding uses Pillow, the optional ``image`` extra (``pip install "tapeflow[image]"``);
without it the decoders raise an ImportError saying so. Images come back as uint8
``(height, width, channels)`` tensors (a GIF as ``(frames, height, width, 3)``), as
TensorFlow's decoders return them.

Example:
    >>> import tapeflow as tf
    >>> data = tf.io.read_file(__file__)
    >>> data.dtype, data.numpy()[3:7]
    (tf.string, b'``tf')
"""
import io as _bytes_io

import numpy as np

from tapeflow import dtypes
from tapeflow.image_color import convert_image_dtype as _convert_image_dtype
from tapeflow.ops.convert import to_tensor as _to_tensor
from tapeflow.tensor import Tensor as _Tensor

__all__ = ["read_file", "write_file", "decode_image", "decode_jpeg", "decode_png",
           "decode_gif", "decode_bmp", "require_pillow"]

_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def require_pillow(caller):
    """``PIL.Image``, or an ImportError naming the extra to install."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{caller} decodes images with Pillow, which is not installed. "
                          f'Install the image extra: pip install "tapeflow[image]" (or '
                          f"pip install pillow).") from None
    return Image


def read_file(filename, name=None):
    """The whole file as a scalar string tensor of bytes."""
    path = _to_tensor(filename).numpy()
    path = path.decode() if isinstance(path, bytes) else str(path)
    with open(path, "rb") as f:
        return _Tensor(np.asarray(f.read(), dtype=object))


def write_file(filename, contents, name=None):
    """Write a string tensor's bytes to ``filename``."""
    path = _to_tensor(filename).numpy()
    data = _to_tensor(contents).numpy()
    with open(path.decode() if isinstance(path, bytes) else str(path), "wb") as f:
        f.write(data if isinstance(data, bytes) else str(data).encode())


def _contents(contents, op):
    data = contents.numpy() if isinstance(contents, _Tensor) else contents
    if isinstance(data, np.ndarray) and data.ndim == 0:
        data = data.item()
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"tf.io.{op}: expected the encoded bytes (a string tensor from "
                        f"tf.io.read_file); got {type(data).__name__}.")
    return bytes(data)


def _decode(contents, channels, op, formats, frames=False):
    image_module = require_pillow(f"tf.io.{op}")
    img = image_module.open(_bytes_io.BytesIO(_contents(contents, op)))
    if formats and img.format not in formats:
        raise ValueError(f"tf.io.{op}: expected {' or '.join(formats)} data; the bytes "
                         f"hold {img.format}. Use tf.io.decode_image for any format.")
    if channels not in (None, 0, 1, 2, 3, 4):
        raise ValueError(f"tf.io.{op}: channels must be 0, 1, 3 or 4; got {channels}.")
    if frames:
        return np.stack([_pixels(img, 3) for _ in _frames(img)])
    return _pixels(img, channels)


def _frames(img):
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        yield index


def _pixels(img, channels):
    if channels:
        img = img.convert(_MODES[channels])
    elif img.mode not in ("L", "LA", "RGB", "RGBA", "I;16"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    array = np.asarray(img)
    return array[..., None] if array.ndim == 2 else array


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                name=None):
    """A JPEG's pixels as uint8 ``(height, width, channels)`` (``channels=0``: as stored)."""
    return _Tensor(_decode(contents, channels, "decode_jpeg", ("JPEG", "MPO")).astype(np.uint8))


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """A PNG's pixels as ``(height, width, channels)`` uint8 (or uint16)."""
    pixels = _decode(contents, channels, "decode_png", ("PNG",))
    return _Tensor(pixels.astype(dtypes.as_dtype(dtype).as_numpy_dtype))


def decode_gif(contents, name=None):
    """A GIF's frames as uint8 ``(frames, height, width, 3)``."""
    return _Tensor(_decode(contents, 3, "decode_gif", ("GIF",), frames=True).astype(np.uint8))


def decode_bmp(contents, channels=0, name=None):
    """A BMP's pixels as uint8 ``(height, width, channels)``."""
    return _Tensor(_decode(contents, channels, "decode_bmp", ("BMP",)).astype(np.uint8))


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """Any of JPEG, PNG, GIF, BMP; ``dtype`` other than uint8 converts with
    ``tf.image.convert_image_dtype`` (floats in [0, 1])."""
    image_module = require_pillow("tf.io.decode_image")
    kind = image_module.open(_bytes_io.BytesIO(_contents(contents, "decode_image"))).format
    if kind == "GIF" and expand_animations:
        pixels = decode_gif(contents)
    else:
        pixels = _Tensor(_decode(contents, channels, "decode_image", None).astype(np.uint8))
    return _convert_image_dtype(pixels, dtype)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
