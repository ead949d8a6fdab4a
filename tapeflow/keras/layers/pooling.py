"""Pooling layers: Max/AveragePooling1D/2D and the Global Max/Average poolings.

Window pooling runs ``tf.nn``'s ops (``tapeflow/ops/pooling.py``) channels-last;
``strides`` default to ``pool_size``. Global pooling takes the mean or maximum over
every spatial axis (``keepdims=True`` keeps them as size 1).

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.layers.MaxPooling2D(2)(np.zeros((1, 26, 26, 32))).shape
    TensorShape([1, 13, 13, 32])
    >>> keras.layers.GlobalAveragePooling2D()(np.ones((2, 5, 5, 3))).numpy().tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
"""
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.convolutional_utils import (check_spatial, from_channels_last,
                                                       input_error, norm_data_format,
                                                       norm_tuple, normalize_padding,
                                                       output_length, resolved_pads,
                                                       to_channels_last)
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import expand_dims, squeeze
from tapeflow.ops.pooling import _avg_pool, _max_pool

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D"]


class _Pooling(Layer):
    rank = 2
    _op = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        cls = type(self).__name__
        self.pool_size = norm_tuple(pool_size, self.rank, "pool_size", cls)
        self.strides = self.pool_size if strides is None else norm_tuple(
            strides, self.rank, "strides", cls)
        self.padding = normalize_padding(padding, cls)
        self.data_format = norm_data_format(data_format, cls)
        self.input_spec = InputSpec(ndim=self.rank + 2)  # checked by _check_inputs

    def _check_inputs(self, inputs):
        shape = tuple(getattr(inputs, "shape", ()))
        if len(shape) != self.rank + 2:
            raise input_error(self, shape, "rank")
        check_spatial(self, shape, self.pool_size, self.strides, (1,) * self.rank)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        first = self.data_format == "channels_first"
        spatial = tuple(output_length(n, k, s, self.padding) for n, k, s in zip(
            shape[2:] if first else shape[1:-1], self.pool_size, self.strides))
        if first:
            return shape[:2] + spatial
        return shape[:1] + spatial + shape[-1:]

    def call(self, inputs):
        x = to_channels_last(inputs, self.data_format, self.rank)
        ksize, strides = self.pool_size, self.strides
        if self.rank == 1:
            x, ksize, strides = expand_dims(x, 1), (1,) + ksize, (1,) + strides
        pads = resolved_pads(self.padding, x.array.shape[1:3], ksize, strides, (1, 1))
        y = type(self)._op(x, ksize=ksize, strides=strides, pads=pads)
        if self.rank == 1:
            y = squeeze(y, [1])
        return from_channels_last(y, self.data_format, self.rank)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": list(self.pool_size), "padding": self.padding,
                       "strides": list(self.strides), "data_format": self.data_format})
        return config


@keras_export("keras.layers")
class MaxPooling1D(_Pooling):
    """The maximum over windows of ``pool_size`` steps (default 2)."""

    rank = 1
    _op = _max_pool

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


@keras_export("keras.layers")
class MaxPooling2D(_Pooling):
    """The maximum over ``pool_size`` windows (default (2, 2)), moved by ``strides``
    (default: ``pool_size``)."""

    _op = _max_pool

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


@keras_export("keras.layers")
class AveragePooling1D(_Pooling):
    """The mean over windows of ``pool_size`` steps ("same": padding not counted)."""

    rank = 1
    _op = _avg_pool

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


@keras_export("keras.layers")
class AveragePooling2D(_Pooling):
    """The mean over ``pool_size`` windows ("same": padding not counted)."""

    _op = _avg_pool

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class _GlobalPooling(Layer):
    rank = 2
    _reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = norm_data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)  # checked by _check_inputs

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return list(range(start, start + self.rank))

    def _check_inputs(self, inputs):
        shape = tuple(getattr(inputs, "shape", ()))
        if len(shape) != self.rank + 2:
            raise input_error(self, shape, "rank")

    def compute_output_shape(self, input_shape):
        shape, axes = tuple(input_shape), self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else n for i, n in enumerate(shape))
        return tuple(n for i, n in enumerate(shape) if i not in axes)

    def call(self, inputs, mask=None):
        return type(self)._reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


@keras_export("keras.layers")
class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps axis: (batch, steps, channels) -> (batch, channels)."""

    rank = 1
    _reduce = math_ops.reduce_mean


@keras_export("keras.layers")
class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width: (batch, h, w, channels) -> (batch, channels)."""

    _reduce = math_ops.reduce_mean


@keras_export("keras.layers")
class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over the steps axis."""

    rank = 1
    _reduce = math_ops.reduce_max


@keras_export("keras.layers")
class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over height and width."""

    _reduce = math_ops.reduce_max
