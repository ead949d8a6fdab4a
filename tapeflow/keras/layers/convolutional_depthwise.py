"""``DepthwiseConv2D`` and ``SeparableConv2D`` (Keras 3's signatures, weights and configs).

DepthwiseConv2D's kernel is (kh, kw, in, depth_multiplier) with a bias of
``in * depth_multiplier``; SeparableConv2D holds ``depthwise_kernel`` (kh, kw, in,
depth_multiplier), ``pointwise_kernel`` (1, 1, in * depth_multiplier, filters) and
``bias`` (filters,), in that order.

Example:
    >>> import numpy as np
    >>> layer = SeparableConv2D(8, 3)
    >>> layer(np.zeros((1, 6, 6, 4))).shape
    TensorShape([1, 4, 4, 8])
    >>> [(w.name, tuple(w.shape)) for w in layer.weights]
    [('depthwise_kernel', (3, 3, 4, 1)), ('pointwise_kernel', (1, 1, 4, 8)), ('bias', (8,))]
"""
from tapeflow.keras import activations, constraints, initializers, regularizers
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.convolutional import BaseConv
from tapeflow.keras.layers.convolutional_utils import norm_positive
from tapeflow.ops.conv import _conv2d, _depthwise

__all__ = ["DepthwiseConv2D", "SeparableConv2D"]

_ONE = ((0, 0), (0, 0))


def _serialized(config, **objects):
    for key, (kind, obj) in objects.items():
        config[key] = kind.serialize(obj)
    return config


@keras_export("keras.layers")
class DepthwiseConv2D(BaseConv):
    """Each input channel convolved by its own ``depth_multiplier`` filters.

    Example:
        >>> import numpy as np
        >>> DepthwiseConv2D(3, depth_multiplier=2)(np.zeros((1, 5, 5, 3))).shape
        TensorShape([1, 3, 3, 6])
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, depthwise_initializer, bias_initializer,
                         depthwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, bias_constraint, **kwargs)
        self.depth_multiplier = norm_positive(depth_multiplier, "depth_multiplier",
                                              "DepthwiseConv2D")

    def _out_channels(self):
        return self.__dict__["_in_channels"] * self.depth_multiplier

    def compute_output_shape(self, input_shape):
        if self.__dict__["_in_channels"] is None:
            self._input_channels(input_shape)
        return super().compute_output_shape(input_shape)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, name="kernel")
        self._add_bias(channels * self.depth_multiplier)

    def call(self, inputs):
        x = self._nhwc(inputs)
        strides, pads, dil = self._geometry(x)
        return self._finish(_depthwise(x, self.kernel, strides=strides, pads=pads,
                                       dilations=dil))

    def get_config(self):
        config = super().get_config()
        out = {k: config[k] for k in ("name", "trainable", "dtype")}
        out["depth_multiplier"] = self.depth_multiplier
        for key in ("kernel_size", "strides", "padding", "data_format", "dilation_rate",
                    "activation", "use_bias"):
            out[key] = config[key]
        return _serialized(
            out, depthwise_initializer=(initializers, self.kernel_initializer),
            bias_initializer=(initializers, self.bias_initializer),
            depthwise_regularizer=(regularizers, self.kernel_regularizer),
            bias_regularizer=(regularizers, self.bias_regularizer),
            activity_regularizer=(regularizers, self.activity_regularizer),
            depthwise_constraint=(constraints, self.kernel_constraint),
            bias_constraint=(constraints, self.bias_constraint))


@keras_export("keras.layers")
class SeparableConv2D(BaseConv):
    """A depthwise convolution followed by a pointwise (1x1) one: far fewer weights
    than a Conv2D of the same size."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1,
                         activation, use_bias, depthwise_initializer, bias_initializer,
                         depthwise_regularizer, bias_regularizer, activity_regularizer,
                         depthwise_constraint, bias_constraint, **kwargs)
        self.depth_multiplier = norm_positive(depth_multiplier, "depth_multiplier",
                                              "SeparableConv2D")
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        mid = channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=(1, 1, mid, self.filters), initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint,
            name="pointwise_kernel")
        self._add_bias(self.filters)

    def call(self, inputs):
        x = self._nhwc(inputs)
        strides, pads, dil = self._geometry(x)
        depth = _depthwise(x, self.depthwise_kernel, strides=strides, pads=pads,
                           dilations=dil)
        return self._finish(_conv2d(depth, self.pointwise_kernel, strides=(1, 1), pads=_ONE,
                                    dilations=(1, 1)))

    def get_config(self):
        config = super().get_config()
        out = {k: config[k] for k in ("name", "trainable", "dtype")}
        out["depth_multiplier"] = self.depth_multiplier
        for key in ("filters", "kernel_size", "strides", "padding", "data_format",
                    "dilation_rate", "activation", "use_bias"):
            out[key] = config[key]
        return _serialized(
            out, depthwise_initializer=(initializers, self.kernel_initializer),
            pointwise_initializer=(initializers, self.pointwise_initializer),
            bias_initializer=(initializers, self.bias_initializer),
            depthwise_regularizer=(regularizers, self.kernel_regularizer),
            pointwise_regularizer=(regularizers, self.pointwise_regularizer),
            bias_regularizer=(regularizers, self.bias_regularizer),
            activity_regularizer=(regularizers, self.activity_regularizer),
            depthwise_constraint=(constraints, self.kernel_constraint),
            pointwise_constraint=(constraints, self.pointwise_constraint),
            bias_constraint=(constraints, self.bias_constraint))
