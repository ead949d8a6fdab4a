"""Image preprocessing layers that are not random: ``Resizing`` and ``CenterCrop``, and
``ImageLayer``, the base of the image layers (data format, unbatched inputs).

Both follow Keras 3: bilinear (or nearest) resizing with half-pixel centres, without
antialiasing; ``crop_to_aspect_ratio`` first cuts the largest centred window of the
target aspect ratio; ``CenterCrop`` slices when the image is large enough, else crops
to the aspect ratio and resizes. Both pass gradients to their inputs.

Example:
    >>> import numpy as np
    >>> x = np.zeros((2, 10, 12, 3), np.float32)
    >>> Resizing(8, 8, crop_to_aspect_ratio=True)(x).shape
    TensorShape([2, 8, 8, 3])
    >>> CenterCrop(6, 4)(x).shape
    TensorShape([2, 6, 4, 3])
"""
import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.reshaping import data_format_of
from tapeflow.ops import image
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import expand_dims, getitem, squeeze, transpose

__all__ = ["ImageLayer", "Resizing", "CenterCrop", "aspect_crop_box", "positive_size",
           "fit_to"]


def positive_size(layer, **sizes):
    """Check that each size argument is a positive int (an error names the layer)."""
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"{layer}: `{name}` must be a positive integer (pixels), e.g. "
                             f"{name}=32; received {name}={value!r}.")
    return tuple(int(v) for v in sizes.values())


def aspect_crop_box(height, width, target_height, target_width):
    """Keras's largest centred window with the target aspect ratio: (top, left, h, w)."""
    crop_h = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_w = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


class ImageLayer(Layer):
    """Base of the image layers: ``data_format``, rank 3 or 4 inputs, float output.

    ``self._apply(x, training)`` receives a rank-4 channels-last float tensor; the
    base class adds and removes the batch axis and the channels-first transposes.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_of(type(self).__name__, data_format)

    def build(self, input_shape):  # Keras saves a build_config for these layers
        pass

    def _spatial(self, shape):
        """(height, width) of an input shape, checking its rank."""
        if len(shape) not in (3, 4):
            raise ValueError(
                f'Layer "{self.name}" ({type(self).__name__}) expects images of rank 4 '
                f'(batch, height, width, channels) or rank 3 (one image) in '
                f'{self.data_format}; received an input of shape {tuple(shape)}. Reshape '
                f'the input, e.g. x[..., None] for grayscale images without a channel axis.')
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        return shape[axes[0]], shape[axes[1]]

    def call(self, inputs, training=None):
        self._spatial(tuple(inputs.shape))
        x = inputs if inputs.array.dtype == self._np_dtype else math_ops.cast(inputs, self._np_dtype)
        unbatched = x.ndim == 3
        if unbatched:
            x = expand_dims(x, 0)
        if self.data_format == "channels_first":
            x = transpose(x, (0, 2, 3, 1))
        y = self._apply(x, training)
        if self.data_format == "channels_first":
            y = transpose(y, (0, 3, 1, 2))
        return squeeze(y, 0) if unbatched else y

    def _apply(self, x, training):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        self._spatial(tuple(input_shape))
        return tuple(input_shape)

    def _with_size(self, input_shape, height, width):
        shape = list(input_shape)
        self._spatial(shape)
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        shape[axes[0]], shape[axes[1]] = height, width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def resize(x, height, width, interpolation="bilinear"):
    """Resize channels-last ``x`` (B, H, W, C) to ``(height, width)``, differentiably."""
    h, w = x.shape[1], x.shape[2]
    mats = [(axis, image.resize_weights(n_in, n_out, interpolation))
            for axis, n_in, n_out in ((1, h, height), (2, w, width)) if n_in != n_out]
    return image.resize_separable(x, mats) if mats else x


def crop(x, top, left, height, width):
    return getitem(x, (slice(None), slice(top, top + height), slice(left, left + width)))


def fit_to(x, height, width):
    """Keras's ``smart_resize``: crop the largest centred window with the target aspect
    ratio, then resize it bilinearly to ``(height, width)``."""
    x = crop(x, *aspect_crop_box(x.shape[1], x.shape[2], height, width))
    return resize(x, height, width)


@keras_export("keras.layers")
class Resizing(ImageLayer):
    """Resize images to ``(height, width)``.

    Args:
        height, width: the output size.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        crop_to_aspect_ratio: first crop the largest centred window with the target
            aspect ratio, so that the image is not distorted.
        pad_to_aspect_ratio: first pad (with ``fill_value``) to the target aspect ratio.
        fill_mode: ``"constant"`` (the only mode Keras supports for padding).
        fill_value: the padding value.
        antialias: Keras's option for downsampling; only ``False`` is supported.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = positive_size("Resizing", height=height, width=width)
        if interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(f"Resizing: interpolation={interpolation!r} is not "
                                      f"supported by tapeflow; use 'bilinear' or 'nearest'.")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of `pad_to_aspect_ratio` & "
                             "`crop_to_aspect_ratio` can be `True`.")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: only fill_mode='constant' is supported (it pads to "
                             f"the aspect ratio). Received: fill_mode={fill_mode!r}")
        if antialias:
            raise NotImplementedError("Resizing: antialias=True is not supported by "
                                      "tapeflow; leave antialias=False.")
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value, self.antialias = fill_mode, fill_value, antialias

    def _apply(self, x, training):
        h, w = x.shape[1], x.shape[2]
        if self.crop_to_aspect_ratio:
            x = crop(x, *aspect_crop_box(h, w, self.height, self.width))
        elif self.pad_to_aspect_ratio:
            x = self._pad(x, h, w)
        return resize(x, self.height, self.width, self.interpolation)

    def _pad(self, x, h, w):
        pad_h = max(h, int(float(w * self.height) / self.width))
        pad_w = max(w, int(float(h * self.width) / self.height))
        top, left = int(float(pad_h - h) / 2), int(float(pad_w - w) / 2)
        pads = ((0, 0), (top, top), (left, left), (0, 0))
        out = image.zero_pad(x, pads)
        if self.fill_value:
            border = 1.0 - np.pad(np.ones((1, h, w, 1), self._np_dtype), pads)
            out = math_ops.add(out, (border * self.fill_value).astype(self._np_dtype))
        return out

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


@keras_export("keras.layers")
class CenterCrop(ImageLayer):
    """Crop the central ``(height, width)`` window; a smaller image is cropped to the
    target aspect ratio and resized up instead (Keras's behaviour)."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = positive_size("CenterCrop", height=height, width=width)

    def _apply(self, x, training):
        h, w = x.shape[1], x.shape[2]
        if h >= self.height and w >= self.width:
            return crop(x, (h - self.height) // 2, (w - self.width) // 2, self.height,
                        self.width)
        return fit_to(x, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
