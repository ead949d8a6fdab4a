"""Convolution layers: ``Conv1D``, ``Conv2D`` and ``Conv2DTranspose`` (Keras 3's signatures).

Kernels are stored as Keras stores them: Conv1D (k, in, filters), Conv2D (kh, kw, in,
filters), Conv2DTranspose (kh, kw, filters, in), each followed by a bias (filters,).
The computation is ``tf.nn``'s (``tapeflow/ops/conv.py``), channels-last inside;
``data_format="channels_first"`` transposes on the way in and out.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> layer = keras.layers.Conv2D(32, 3, activation="relu")
    >>> layer(np.zeros((2, 28, 28, 1))).shape
    TensorShape([2, 26, 26, 32])
    >>> [tuple(w.shape) for w in layer.weights], layer.count_params()   # 3*3*1*32 + 32
    ([(3, 3, 1, 32), (32,)], 320)
"""
from tapeflow.keras import activations, constraints, initializers, regularizers
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.convolutional_utils import (
    check_spatial, from_channels_last, input_error, norm_data_format, norm_positive, norm_tuple,
    normalize_padding, output_length, resolved_pads, to_channels_last, transpose_output_length)
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import expand_dims, reshape
from tapeflow.keras.layers.dense import _FUSED, _hashable
from tapeflow.ops.conv import _conv2d_transpose, _im2col
from tapeflow.ops.nn import _dense, _zero_bias

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "BaseConv"]


class BaseConv(Layer):
    """What every convolution layer shares: argument checks, shapes, bias, activation,
    the input checks with their explanations, and the config."""

    rank = 2
    _kernel_kind = "kernel"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls, n = type(self).__name__, self.rank
        self.filters = None if filters is None else norm_positive(filters, "filters", cls)
        self.kernel_size = norm_tuple(kernel_size, n, "kernel_size", cls)
        self.strides = norm_tuple(strides, n, "strides", cls)
        self.dilation_rate = norm_tuple(dilation_rate, n, "dilation_rate", cls)
        self.padding = normalize_padding(padding, cls, causal=n == 1)
        self.data_format = norm_data_format(data_format, cls)
        self.groups = norm_positive(groups, "groups", cls)
        if self.groups != 1:
            raise NotImplementedError(f"{cls}: grouped convolutions (groups={groups}) are "
                                      f"not supported by tapeflow; use groups=1.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{cls}: `strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.__dict__["_in_channels"] = None
        self.input_spec = InputSpec(ndim=n + 2)  # checked by _check_inputs, explained

    # --- shapes and checks -----------------------------------------------------------
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _spatial(self, shape):
        shape = tuple(shape)
        return shape[2:] if self.data_format == "channels_first" else shape[1:-1]

    def _check_inputs(self, inputs):
        shape = tuple(getattr(inputs, "shape", ()))
        if len(shape) != self.rank + 2:
            raise input_error(self, shape, "rank")
        channels = shape[self._channel_axis()]
        want = self.__dict__["_in_channels"]
        if want is not None and channels is not None and channels != want:
            raise input_error(self, shape, "channels", want)
        check_spatial(self, shape, self.kernel_size, self.strides, self.dilation_rate)

    def _input_channels(self, input_shape):
        channels = tuple(input_shape)[self._channel_axis()]
        if channels is None:
            raise ValueError(f'Layer "{self.name}" ({type(self).__name__}): the channel axis '
                             f'of its inputs must be known; received input shape '
                             f'{tuple(input_shape)}.')
        self.__dict__["_in_channels"] = int(channels)
        return int(channels)

    def _add_bias(self, units):
        if not self.use_bias:
            self.bias = None
            return
        self.bias = self.add_weight(shape=(units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, name="bias")

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = tuple(output_length(n, k, s, self.padding, d) for n, k, s, d in zip(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate))
        if self.data_format == "channels_first":
            return (input_shape[0], self._out_channels()) + spatial
        return (input_shape[0],) + spatial + (self._out_channels(),)

    def _out_channels(self):
        return self.filters

    # --- computing ---------------------------------------------------------------------
    def _finish(self, y):
        """Bias and activation on the channels-last ``y``; back to the layer's format."""
        if self.bias is not None:
            y = math_ops.add(y, self.bias)
        y = from_channels_last(y, self.data_format, self.rank)
        return self.activation(y)

    def _nhwc(self, inputs):
        """The input as a channels-last 4-D tensor (1-D inputs get a height of 1)."""
        x = inputs
        if x.array.dtype != self._np_dtype:
            x = math_ops.cast(x, self._np_dtype)
        x = to_channels_last(x, self.data_format, self.rank)
        return expand_dims(x, 1) if self.rank == 1 else x

    def _geometry(self, x):
        """(strides, pads, dilations) of the 2-D op for the channels-last 4-D ``x``."""
        if self.rank == 1:
            ksize, strides, dil = (1,) + self.kernel_size, (1,) + self.strides, \
                (1,) + self.dilation_rate
        else:
            ksize, strides, dil = self.kernel_size, self.strides, self.dilation_rate
        pads = resolved_pads(self.padding, x.array.shape[1:3], ksize, strides, dil)
        return strides, pads, dil

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": list(self.kernel_size),
            "strides": list(self.strides), "padding": self.padding,
            "data_format": self.data_format, "dilation_rate": list(self.dilation_rate),
            "groups": self.groups, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config


class _Conv(BaseConv):
    """Conv1D / Conv2D: kernel (*kernel_size, in, filters)."""

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self._add_bias(self.filters)

    def call(self, inputs):
        x = self._nhwc(inputs)
        strides, pads, dil = self._geometry(x)
        kernel = expand_dims(self.kernel, 0) if self.rank == 1 else self.kernel
        # the windows (kept on the tape for the kernel's gradient) times the kernel, plus
        # bias and activation, in the fused dense op: one matrix product, no temporaries
        cols = _im2col(x, ksize=tuple(kernel.shape[:2]), strides=strides, pads=pads,
                       dilations=dil)
        n, oh, ow, k = cols.array.shape
        fused = _FUSED.get(self.activation) if _hashable(self.activation) else None
        bias = self.bias if self.bias is not None else _zero_bias(self.filters,
                                                                  self._np_dtype)
        y = _dense(reshape(cols, (n * oh * ow, k)), reshape(kernel, (k, self.filters)), bias,
                   activation=fused or "linear")
        y = reshape(y, (n, ow, self.filters) if self.rank == 1 else (n, oh, ow, self.filters))
        y = from_channels_last(y, self.data_format, self.rank)
        return y if fused else self.activation(y)


@keras_export("keras.layers")
class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels); padding "valid", "same" or
    "causal" (all the padding before, so that no output sees a later step).

    Example:
        >>> import numpy as np
        >>> Conv1D(4, 3, padding="causal")(np.zeros((2, 10, 3))).shape
        TensorShape([2, 10, 4])
    """

    rank = 1


@keras_export("keras.layers")
class Conv2D(_Conv):
    """2-D convolution over (batch, height, width, channels) images.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a pair (height, width) of the window.
        strides: an int or a pair; dilation_rate likewise (not both above 1).
        padding: "valid" (no padding) or "same" (TensorFlow's split).
        data_format: "channels_last" (default) or "channels_first".
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as for Dense.
    """


@keras_export("keras.layers")
class Conv2DTranspose(BaseConv):
    """The transpose of Conv2D (a "deconvolution"): strides enlarge the image.

    The kernel is (kh, kw, filters, in_channels). The output size is ``n * stride`` for
    "same", ``n * stride + max(k - stride, 0)`` for "valid", or, with ``output_padding``,
    ``(n - 1) * stride + k - 2 * pad + output_padding``.

    Example:
        >>> import numpy as np
        >>> Conv2DTranspose(8, 3, strides=2, padding="same")(np.zeros((1, 7, 7, 4))).shape
        TensorShape([1, 14, 14, 8])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         1, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, activity_regularizer,
                         kernel_constraint, bias_constraint, **kwargs)
        self.output_padding = None if output_padding is None else norm_tuple(
            output_padding, 2, "output_padding", "Conv2DTranspose", allow_zero=True)
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"Conv2DTranspose: output_padding {self.output_padding} must be "
                             f"smaller than strides {self.strides}.")

    def _check_inputs(self, inputs):
        shape = tuple(getattr(inputs, "shape", ()))
        if len(shape) != 4:
            raise input_error(self, shape, "rank")
        want, channels = self.__dict__["_in_channels"], shape[self._channel_axis()]
        if want is not None and channels is not None and channels != want:
            raise input_error(self, shape, "channels", want)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self._add_bias(self.filters)

    def _out_spatial(self, spatial):
        pads = self.output_padding or (None, None)
        return tuple(transpose_output_length(n, k, s, self.padding, d, p) for n, k, s, d, p
                     in zip(spatial, self.kernel_size, self.strides, self.dilation_rate, pads))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = self._out_spatial(self._spatial(input_shape))
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + spatial
        return (input_shape[0],) + spatial + (self.filters,)

    def call(self, inputs):
        x = self._nhwc(inputs)
        n, h, w, _ = x.array.shape
        out_shape = (n,) + self._out_spatial((h, w)) + (self.filters,)
        pads = resolved_pads(self.padding, out_shape[1:3], self.kernel_size, self.strides,
                             self.dilation_rate)
        y = _conv2d_transpose(x, self.kernel, out_shape=out_shape, strides=self.strides,
                              pads=pads, dilations=self.dilation_rate)
        return self._finish(y)

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        items = list(config.items())
        at = [k for k, _ in items].index("padding") + 1
        items.insert(at, ("output_padding", None if self.output_padding is None
                          else list(self.output_padding)))
        return dict(items)
