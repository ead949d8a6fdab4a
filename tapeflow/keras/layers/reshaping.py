"""Reshaping layers: ZeroPadding2D, Cropping2D, UpSampling2D, Permute, RepeatVector.

Each follows Keras 3's signature, defaults and config; all pass gradients to their
inputs (padding, cropping and upsampling are linear maps).

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> x = np.zeros((2, 28, 28, 3), np.float32)
    >>> keras.layers.ZeroPadding2D(2)(x).shape
    TensorShape([2, 32, 32, 3])
    >>> keras.layers.Cropping2D(((2, 2), (4, 4)))(x).shape
    TensorShape([2, 24, 20, 3])
    >>> keras.layers.UpSampling2D()(x).shape
    TensorShape([2, 56, 56, 3])
    >>> keras.layers.Permute((2, 1))(np.zeros((2, 5, 3))).shape
    TensorShape([2, 3, 5])
    >>> keras.layers.RepeatVector(4)(np.zeros((2, 3))).shape
    TensorShape([2, 4, 3])
"""
import numbers

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.ops import image
from tapeflow.ops.array import expand_dims, getitem, transpose

__all__ = ["ZeroPadding2D", "Cropping2D", "UpSampling2D", "Permute", "RepeatVector"]


def data_format_of(layer_name, data_format):
    """Keras's ``data_format`` argument: None means ``"channels_last"``."""
    if data_format not in (None, "channels_last", "channels_first"):
        raise ValueError(f"{layer_name}: data_format must be 'channels_last' or "
                         f"'channels_first'; got {data_format!r}.")
    return data_format or "channels_last"


def spatial_axes(data_format, n=2):
    """The spatial axes of a rank ``n + 2`` input in ``data_format``."""
    first = 2 if data_format == "channels_first" else 1
    return tuple(range(first, first + n))


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def shaped_build(self, input_shape):
    """A build that makes no weights; defining one makes the saved config carry the
    ``build_config`` (input shape) that Keras 3 writes for this layer."""


def pairs_arg(layer, arg, value):
    """Keras's 2-D padding/cropping argument: ``p``, ``(ph, pw)`` or
    ``((top, bottom), (left, right))``, as a pair of non-negative int pairs."""
    hint = (f"{layer}: `{arg}` must be an int, a tuple of 2 ints or a tuple of 2 tuples of "
            f"2 ints, all non-negative, e.g. {arg}=1 or {arg}=((1, 2), (0, 3)); got "
            f"{arg}={value!r}.")
    if _is_int(value):
        value = ((value, value), (value, value))
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(hint)
    out = []
    for item in value:
        if _is_int(item):
            item = (item, item)
        if not isinstance(item, (tuple, list)) or len(item) != 2 \
                or not all(_is_int(v) for v in item):
            raise ValueError(hint)
        out.append((int(item[0]), int(item[1])))
    if any(v < 0 for pair in out for v in pair):
        raise ValueError(hint)
    return tuple(out)


@keras_export("keras.layers")
class ZeroPadding2D(Layer):
    """Add rows and columns of zeros around 2-D images.

    Args:
        padding: ``p`` (all sides), ``(ph, pw)`` (symmetric per axis) or
            ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    _keeps_input_dtype = True

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_of("ZeroPadding2D", data_format)
        self.padding = pairs_arg("ZeroPadding2D", "padding", padding)
        self.input_spec = InputSpec(ndim=4)

    build = shaped_build

    def call(self, inputs):
        pads = [(0, 0)] * 4
        for axis, pair in zip(spatial_axes(self.data_format), self.padding):
            pads[axis] = pair
        return image.zero_pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(spatial_axes(self.data_format), self.padding):
            shape[axis] = None if shape[axis] is None else shape[axis] + a + b
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}


@keras_export("keras.layers")
class Cropping2D(Layer):
    """Remove rows and columns from the borders of 2-D images.

    Args:
        cropping: ``c``, ``(ch, cw)`` or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    _keeps_input_dtype = True

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_of("Cropping2D", data_format)
        self.cropping = pairs_arg("Cropping2D", "cropping", cropping)
        self.input_spec = InputSpec(ndim=4)

    build = shaped_build

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (a, b) in zip(spatial_axes(self.data_format), self.cropping):
            if shape[axis] is None:
                continue
            if a + b >= shape[axis]:
                raise ValueError(
                    f'Layer "{self.name}" (Cropping2D): cropping={self.cropping} removes '
                    f'{a + b} of the {shape[axis]} pixels of axis {axis} of the input shape '
                    f'{tuple(input_shape)}; each axis needs more pixels than it crops. '
                    f'Crop less, or check the input size.')
            shape[axis] -= a + b
        return tuple(shape)

    def call(self, inputs):
        shape = self.compute_output_shape(tuple(inputs.shape))
        key = [slice(None)] * 4
        for axis, (a, _) in zip(spatial_axes(self.data_format), self.cropping):
            key[axis] = slice(a, a + shape[axis])
        return getitem(inputs, tuple(key))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


@keras_export("keras.layers")
class UpSampling2D(Layer):
    """Repeat rows and columns ``size`` times (``"nearest"``) or resize bilinearly.

    Args:
        size: an int or ``(rows, cols)`` upsampling factors.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        interpolation: ``"nearest"`` (default) or ``"bilinear"``.
    """

    _keeps_input_dtype = True

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_of("UpSampling2D", data_format)
        size = (size, size) if _is_int(size) else tuple(size)
        if len(size) != 2 or not all(_is_int(s) and s > 0 for s in size):
            raise ValueError(f"UpSampling2D: `size` must be a positive int or a tuple of 2 "
                             f"positive ints, e.g. size=2; got size={size!r}.")
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: `interpolation` must be 'nearest' or "
                             f"'bilinear'; got interpolation={interpolation!r}.")
        self.size = tuple(int(s) for s in size)
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    build = shaped_build

    def call(self, inputs):
        axes = spatial_axes(self.data_format)
        if self.interpolation == "nearest":
            reps = [1] * 4
            for axis, s in zip(axes, self.size):
                reps[axis] = s
            return image.repeat_axes(inputs, reps)
        shape = tuple(inputs.shape)
        return image.resize_separable(inputs, [
            (axis, image.resize_weights(shape[axis], shape[axis] * s, "bilinear"))
            for axis, s in zip(axes, self.size)])

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, s in zip(spatial_axes(self.data_format), self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * s
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


@keras_export("keras.layers")
class Permute(Layer):
    """Permute the non-batch axes: ``dims`` is a permutation of ``1 .. rank - 1``.

    Example: ``Permute((2, 1))`` turns ``(batch, 10, 64)`` into ``(batch, 64, 10)``.
    """

    _keeps_input_dtype = True

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. The "
                             f"set of indices in `dims` must be consecutive and start from "
                             f"1, e.g. dims=(2, 1) swaps the two axes after the batch axis. "
                             f"Received dims={dims}")
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    build = shaped_build

    def call(self, inputs):
        return transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


@keras_export("keras.layers")
class RepeatVector(Layer):
    """Repeat a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``."""

    _keeps_input_dtype = True

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not _is_int(n) or n < 1:
            raise TypeError(f"RepeatVector: expected `n` to be a positive integer, e.g. "
                            f"RepeatVector(3). Received: n={n!r} (of type {type(n)})")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    build = shaped_build

    def call(self, inputs):
        return image.repeat_axes(expand_dims(inputs, 1), (1, self.n, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
