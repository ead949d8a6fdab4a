"""Random image augmentation layers, active only with ``training=True`` (``fit`` sets it):
RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomCrop.

Keras 3's arguments, factor rules, defaults (``fill_mode="reflect"``,
``interpolation="bilinear"``, ``fill_value=0.0``) and configs. Each draw is an op
(``tapeflow/ops/augment.py``), so a replayed training step draws new transforms; a
``seed`` makes the sequence of draws reproducible (as ``keras.utils.set_random_seed``
does for unseeded layers). The transforms are vectorized over the batch and pass
gradients to the images.

Example:
    >>> import numpy as np
    >>> x = np.arange(8, dtype=np.float32).reshape(2, 2, 2, 1)
    >>> flip = RandomFlip("horizontal", seed=1)
    >>> bool(np.all(flip(x).numpy() == x))             # inference: the identity
    True
    >>> flip(x, training=True).shape
    TensorShape([2, 2, 2, 1])
"""
import random

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.preprocessing.image import (CenterCrop, ImageLayer, fit_to,
                                                       positive_size)
from tapeflow.ops import augment

__all__ = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
           "RandomContrast", "RandomCrop"]

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def bounded_factor(layer, name, factor, bounds, closed_low=True):
    """Keras's ``factor`` rule: ``f`` means ``(-f, f)`` (cut at the lower bound), a pair
    is sorted; values must lie within ``bounds``."""
    lo, hi = bounds
    interval = f"{'[' if closed_low else '('}{lo}, {hi}]"
    hint = (f"{layer}: the `{name}` argument should be a number (or a list of two numbers) "
            f"in the range {interval}, e.g. {name}=0.1 or {name}=(-0.2, 0.3). Received: "
            f"{name}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_number(v) for v in factor):
            raise ValueError(hint)
        values = sorted(factor)
    elif _number(factor):
        values = [max(-abs(factor), lo), abs(factor)]
        if factor < lo or factor > hi:
            raise ValueError(hint)
    else:
        raise ValueError(hint)
    if any(v > hi or v < lo or (v == lo and not closed_low) for v in values):
        raise ValueError(hint)
    return tuple(values)


def _check_modes(layer, fill_mode, interpolation):
    if fill_mode not in _FILL_MODES:
        raise NotImplementedError(f"{layer}: unknown `fill_mode` {fill_mode!r}. Expected one "
                                  f"of {_FILL_MODES}.")
    if interpolation not in _INTERPOLATIONS:
        raise NotImplementedError(f"{layer}: unknown `interpolation` {interpolation!r}. "
                                  f"Expected one of {_INTERPOLATIONS}.")


class _Random(ImageLayer):
    """A random image layer: identity unless training; ``seed`` in the config."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed

    def _apply(self, x, training):
        return self._augment(x) if training else x

    def _draw(self, rows, low, high):
        return augment.augment_draw((rows, len(low)), low, high, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras_export("keras.layers")
class RandomFlip(_Random):
    """Flip each image with probability 1/2: ``"horizontal"``, ``"vertical"`` or
    ``"horizontal_and_vertical"`` (default; both flips together, as in Keras)."""

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        axes = {"horizontal": (2,), "vertical": (1,), "horizontal_and_vertical": (2, 1)}
        if mode not in axes:
            raise ValueError(f"RandomFlip: `mode` must be one of {sorted(axes)}; received "
                             f"mode={mode!r}.")
        self.mode = mode
        self._axes = axes[mode]

    def _augment(self, x):
        return augment.flip_images(x, self._draw(x.shape[0], (0.0,), (1.0,)), self._axes)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


class _Affine(_Random):
    """Rotation, zoom and translation: one drawn affine transform per image."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        _check_modes(type(self).__name__, fill_mode, interpolation)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, \
            fill_value

    def _augment(self, x):
        params = self._params(x.shape[0], x.shape[1], x.shape[2])
        return augment.affine_images(x, params, self._kind, self.interpolation,
                                     self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "interpolation": self.interpolation}


@keras_export("keras.layers")
class RandomRotation(_Affine):
    """Rotate each image by a random angle of ``factor * 360`` degrees about its centre:
    ``factor=0.1`` draws angles in [-36, 36]; ``(lower, upper)`` fractions of a turn."""

    _kind = "rotation"

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor = bounded_factor("RandomRotation", "factor", factor, (-1, 1))

    def _params(self, batch, height, width):
        return self._draw(batch, (self.factor[0] * 360.0,), (self.factor[1] * 360.0,))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class _TwoFactors(_Affine):
    def __init__(self, height_factor, width_factor, fill_mode, interpolation, seed,
                 fill_value, data_format, bounds_closed, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        name = type(self).__name__
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height = bounded_factor(name, "height_factor", height_factor, (-1, 1),
                                      bounds_closed)
        self._width = None if width_factor is None else bounded_factor(
            name, "width_factor", width_factor, (-1, 1), bounds_closed)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}


@keras_export("keras.layers")
class RandomZoom(_TwoFactors):
    """Zoom each image by ``1 + u``, ``u`` drawn from ``height_factor`` (``0.2``: [-0.2,
    0.2]; negative values zoom in); ``width_factor=None`` keeps the aspect ratio."""

    _kind = "zoom"

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(height_factor, width_factor, fill_mode, interpolation, seed,
                         fill_value, data_format, False, **kwargs)

    def _params(self, batch, height, width):
        (hl, hh) = self._height
        if self._width is None:  # one column: the same zoom for both axes
            return self._draw(batch, (1.0 + hl,), (1.0 + hh,))
        (wl, wh) = self._width
        return self._draw(batch, (1.0 + wl, 1.0 + hl), (1.0 + wh, 1.0 + hh))


@keras_export("keras.layers")
class RandomTranslation(_TwoFactors):
    """Shift each image by fractions of its size drawn from ``height_factor`` and
    ``width_factor`` (``0.1``: up to 10% either way)."""

    _kind = "translation"

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(height_factor, width_factor, fill_mode, interpolation, seed,
                         fill_value, data_format, True, **kwargs)

    def _params(self, batch, height, width):
        (hl, hh), (wl, wh) = self._height, self._width
        return self._draw(batch, (wl * width, hl * height), (wh * width, hh * height))


@keras_export("keras.layers")
class RandomContrast(_Random):
    """Scale each image's deviation from its per-channel mean by a factor drawn from
    ``[1 - lower, 1 + upper]`` and clip to ``value_range``. As in Keras 3.15, a number
    ``f`` gives ``factor=(0, f)`` (bounds [0, 1]), so factors lie in ``[1, 1 + f]``."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = bounded_factor("RandomContrast", "factor", factor, (0, 1))
        if len(value_range) != 2 or value_range[0] >= value_range[1]:
            raise ValueError(f"RandomContrast: `value_range` must be (low, high) with low < "
                             f"high, e.g. (0, 255) or (0, 1); received {value_range!r}.")
        self.value_range = value_range

    def _augment(self, x):
        factor = self._draw(x.shape[0], (1.0 - self.factor[0],), (1.0 + self.factor[1],))
        return augment.contrast_images(x, factor, self.value_range, (1, 2))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range}


@keras_export("keras.layers")
class RandomCrop(_Random):
    """Crop one random ``(height, width)`` window (the same for the whole batch) when
    training; at inference, and when an image is too small, crop the largest centred
    window of the target aspect ratio and resize it (Keras's documented behaviour)."""

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed if seed is not None else random.randint(1, int(1e9)),
                         data_format=data_format, name=name, **kwargs)
        self.height, self.width = positive_size("RandomCrop", height=height, width=width)

    def _apply(self, x, training):
        h, w = x.shape[1], x.shape[2]
        if training and h > self.height and w > self.width:
            start = self._draw(1, (0.0, 0.0), (h - self.height + 1.0, w - self.width + 1.0))
            return augment.crop_window(x, start, (self.height, self.width), (1, 2))
        return fit_to(x, self.height, self.width)

    compute_output_shape = CenterCrop.compute_output_shape

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
