"""ONNX forms of the convolution and pooling layers (used by ``onnx_export``).

ONNX convolves channels-first (NCHW) tensors: a channels-last layer is emitted as
``Transpose -> Conv -> Transpose``, so the tensors between layers keep Keras's layout
(a ``Flatten`` after a convolution flattens in Keras's order). "same" and "causal"
padding are explicit pads computed from the layer's input size with TensorFlow's split
(``auto_pad="SAME_UPPER"``, the same split, when the size is unknown); a transposed
convolution needs a known input size. Global pooling is a ``ReduceMean`` / ``ReduceMax`` over the spatial axes.
"""
import numpy as np

from tapeflow.keras.layers.convolutional_utils import resolved_pads

__all__ = ["CONV_LAYERS", "emit_conv"]

CONV_LAYERS = ("Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
               "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
               "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
               "GlobalMaxPooling2D")


def _last(layer):
    return getattr(layer, "data_format", "channels_last") != "channels_first"


def _to_first(b, layer, x, hint):
    if not _last(layer):
        return x
    perm = [0, 2, 1] if layer.rank == 1 else [0, 3, 1, 2]
    return b.op("Transpose", [x], hint, perm=perm)


def _from_first(b, layer, y, hint):
    if not _last(layer):
        return y
    perm = [0, 2, 1] if layer.rank == 1 else [0, 2, 3, 1]
    return b.op("Transpose", [y], hint, perm=perm)


def _spatial_in(layer):
    shape = layer.__dict__.get("_build_shapes")
    if shape is None:
        return None
    shape = tuple(shape)
    spatial = shape[1:-1] if _last(layer) else shape[2:]
    return None if None in spatial else spatial


def _pad_attrs(layer, ksize, strides, dilations):
    """Explicit pads from the layer's input size (TensorFlow's split); "SAME_UPPER"
    (the same split) when the size is unknown."""
    if layer.padding == "valid":
        return {"auto_pad": "VALID"}
    spatial = _spatial_in(layer)
    if spatial is None and layer.padding == "same":
        return {"auto_pad": "SAME_UPPER"}
    pads = resolved_pads(layer.padding, spatial or (1,), ksize, strides, dilations)
    return {"pads": [p[0] for p in pads] + [p[1] for p in pads]}


def _weight(layer, kernel):
    """A (kh, kw, in, out) or (k, in, out) kernel as ONNX's (out, in, *spatial)."""
    kernel = np.asarray(kernel, np.float32)
    return kernel.transpose((2, 1, 0) if kernel.ndim == 3 else (3, 2, 0, 1))


def _conv(b, layer, x, weight, bias, hint, group=1, pads=None):
    attrs = {"strides": list(layer.strides), "dilations": list(layer.dilation_rate),
             "kernel_shape": list(layer.kernel_size), "group": group}
    attrs.update(pads or _pad_attrs(layer, layer.kernel_size, layer.strides,
                                    layer.dilation_rate))
    inputs = [x, b.const(weight, f"{layer.name}_kernel")]
    if bias is not None:
        inputs.append(b.const(np.asarray(bias, np.float32), f"{layer.name}_bias"))
    return b.op("Conv", inputs, hint, **attrs)


def _bias(layer):
    return None if getattr(layer, "bias", None) is None else layer.bias.numpy()


def _transpose_pads(layer):
    spatial = _spatial_in(layer)
    if spatial is None:
        raise NotImplementedError(f"ONNX export: Conv2DTranspose {layer.name!r} needs a "
                                  f"known input height and width.")
    out = layer._out_spatial(spatial)
    pads = resolved_pads(layer.padding, out, layer.kernel_size, layer.strides,
                         layer.dilation_rate)
    extra = [o - (s * (n - 1) + (k - 1) * d + 1 - p[0] - p[1]) for o, s, n, k, d, p in zip(
        out, layer.strides, spatial, layer.kernel_size, layer.dilation_rate, pads)]
    return {"pads": [pads[0][0], pads[1][0], pads[0][1], pads[1][1]],
            "output_padding": extra}


def _emit_conv(b, layer, kind, x, hint):
    x = _to_first(b, layer, x, hint)
    if kind in ("Conv1D", "Conv2D"):
        y = _conv(b, layer, x, _weight(layer, layer.kernel.numpy()), _bias(layer), hint)
    elif kind == "DepthwiseConv2D":
        kh, kw, c, m = layer.kernel.shape
        w = layer.kernel.numpy().reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None]
        y = _conv(b, layer, x, w, _bias(layer), hint, group=c)
    elif kind == "SeparableConv2D":
        kh, kw, c, m = layer.depthwise_kernel.shape
        w = layer.depthwise_kernel.numpy().reshape(kh, kw, c * m).transpose(2, 0, 1)[:, None]
        depth = _conv(b, layer, x, w, None, hint, group=c)
        pointwise = _weight(layer, layer.pointwise_kernel.numpy())
        inputs = [depth, b.const(pointwise, f"{layer.name}_pointwise")]
        if _bias(layer) is not None:
            inputs.append(b.const(_bias(layer), f"{layer.name}_bias"))
        y = b.op("Conv", inputs, hint, kernel_shape=[1, 1])
    else:  # Conv2DTranspose: ONNX's weight is (in, out, kh, kw)
        inputs = [x, b.const(layer.kernel.numpy().transpose(3, 2, 0, 1), f"{layer.name}_k")]
        if _bias(layer) is not None:
            inputs.append(b.const(_bias(layer), f"{layer.name}_bias"))
        y = b.op("ConvTranspose", inputs, hint, strides=list(layer.strides),
                 dilations=list(layer.dilation_rate), kernel_shape=list(layer.kernel_size),
                 **_transpose_pads(layer))
    return _from_first(b, layer, y, hint)


def emit_conv(b, layer, x, hint, activation):
    """ONNX nodes for one conv or pooling ``layer`` on ``x``; returns the output name.
    ``activation(b, name, x, hint)`` emits a layer's activation."""
    kind = type(layer).__name__
    if kind.startswith("Global"):
        axes = list(range(1, 1 + layer.rank)) if _last(layer) else \
            list(range(2, 2 + layer.rank))
        op = "ReduceMean" if "Average" in kind else "ReduceMax"
        return b.op(op, [x], hint, axes=axes, keepdims=int(layer.keepdims))
    if "Pooling" in kind:
        y = b.op("MaxPool" if kind.startswith("Max") else "AveragePool",
                 [_to_first(b, layer, x, hint)], hint, kernel_shape=list(layer.pool_size),
                 strides=list(layer.strides),
                 **_pad_attrs(layer, layer.pool_size, layer.strides, (1,) * layer.rank))
        return _from_first(b, layer, y, hint)
    from tapeflow.keras.saving.onnx_export import _activation_name
    return activation(b, _activation_name(layer.activation),
                      _emit_conv(b, layer, kind, x, hint), hint)
