"""Convolutions (``tf.nn.conv1d``, ``conv2d``, ``depthwise_conv2d``, ``conv2d_transpose``).

Every op works on channels-last (NHWC) arrays; ``data_format="NCHW"`` is handled by
the public functions with a transpose on each side. A convolution is one large
matrix product: the input's windows are copied once into a contiguous
``(N*OH*OW, kh*kw*C)`` matrix (im2col, one slice-copy per kernel offset, no loop
over pixels or batch items) and multiplied by the kernel reshaped to
``(kh*kw*C, out)``. The input's gradient is the transposed product folded back
onto the input with one slice-add per kernel offset (col2im).

Padding follows TensorFlow exactly: "VALID" uses no padding; "SAME" pads
``max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)`` in total, half of it
(rounded down) before and the rest after.

Example:
    >>> import numpy as np, tapeflow as tf
    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    >>> k = np.ones((2, 2, 1, 1), np.float32)
    >>> tf.nn.conv2d(x, k, strides=2, padding="VALID").numpy()[0, :, :, 0]
    array([[10., 18.],
           [42., 50.]], dtype=float32)
"""
import numpy as np

from tapeflow.ops.array import transpose
from tapeflow.ops.convert import binary_operands, float_tensor
from tapeflow.ops.registry import primitive

__all__ = ["conv1d", "conv2d", "depthwise_conv2d", "conv2d_transpose", "separable_conv2d",
           "bias_add", "conv_output_length", "same_pads"]


# ------------------------------------------------------------------- shapes and padding

def same_pads(size, k, stride, dilation=1):
    """TensorFlow's "SAME" padding of one axis: ``(before, after)``.

    Example:
        >>> same_pads(28, 3, 1), same_pads(5, 2, 2), same_pads(6, 3, 2)
        ((1, 1), (0, 1), (0, 1))
    """
    eff = (k - 1) * dilation + 1
    total = max((-(-size // stride) - 1) * stride + eff - size, 0)
    return total // 2, total - total // 2


def conv_output_length(size, k, stride, pads, dilation=1):
    """Output length of one axis padded by ``pads = (before, after)``; None stays None.

    Example:
        >>> conv_output_length(28, 3, 1, (0, 0)), conv_output_length(7, 2, 2, (0, 1))
        (26, 4)
    """
    if size is None:
        return None
    eff = (k - 1) * dilation + 1
    return (size + pads[0] + pads[1] - eff) // stride + 1


def _ints(value, n, what, op, data_format="NHWC"):
    """``value`` (an int, or a list of 1, n or n+2 ints) as an n-tuple of positive ints."""
    vals = [value] if isinstance(value, (int, np.integer)) else list(value)
    if len(vals) == n + 2:  # TensorFlow's full form: 1 for the batch and channel axes
        vals = vals[1:-1] if data_format.endswith("C") else vals[2:]
    if len(vals) == 1:
        vals = vals * n
    if len(vals) != n or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                             for v in vals):
        raise ValueError(f"{op}: {what} must be an int or a list of {n} ints; got "
                         f"{value!r}.")
    if any(v <= 0 for v in vals):
        raise ValueError(f"{op}: {what} must be positive; got {value!r}. Use 1 for no "
                         f"striding or dilation.")
    return tuple(int(v) for v in vals)


def resolve_pads(padding, spatial, ksize, strides, dilations, op, data_format="NHWC"):
    """Per-axis ``(before, after)`` padding for "SAME", "VALID" or explicit pairs."""
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            pads = tuple((0, 0) for _ in spatial)
        elif mode == "SAME":
            pads = tuple(same_pads(n, k, s, d) for n, k, s, d
                         in zip(spatial, ksize, strides, dilations))
        else:
            raise ValueError(f"{op}: padding must be 'SAME' or 'VALID' (or explicit "
                             f"[[before, after], ...] pairs); got {padding!r}.")
    else:
        pairs = [tuple(int(v) for v in p) for p in padding]
        if len(pairs) == len(spatial) + 2:
            pairs = pairs[1:-1] if data_format.endswith("C") else pairs[2:]
        if len(pairs) != len(spatial) or any(len(p) != 2 or min(p) < 0 for p in pairs):
            raise ValueError(f"{op}: explicit padding must be {len(spatial)} pairs of "
                             f"non-negative ints; got {padding!r}.")
        pads = tuple(pairs)
    for n, k, d, p in zip(spatial, ksize, dilations, pads):
        eff = (k - 1) * d + 1
        if n + p[0] + p[1] < eff:
            raise ValueError(f"{op}: the window ({k} with dilation {d}, spanning {eff}) is "
                             f"larger than the padded input ({n} + padding {p}); input "
                             f"spatial shape {tuple(spatial)}. Use a smaller kernel or "
                             f"pool size, padding='SAME', or a larger input.")
    return pads


# ----------------------------------------------------------------- im2col and col2im

def pad_nhwc(x, pads, value=0):
    """``x`` (N, H, W, C) padded on its two spatial axes (no copy when no padding)."""
    if not any(pads[0] + pads[1]):
        return x
    (t, b), (left, r) = pads
    n, h, w, c = x.shape
    out = np.full((n, h + t + b, w + left + r, c), value, x.dtype)
    out[:, t:t + h, left:left + w, :] = x
    return out


def window_slices(oh, ow, kh, kw, strides, dilations):
    """``(i, j, rows, cols)`` for each kernel offset: the slices of the padded input
    that the offset ``(i, j)`` reads for all ``oh x ow`` outputs."""
    sh, sw = strides
    dh, dw = dilations
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            yield i, j, rows, slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


def im2col(xp, kh, kw, oh, ow, strides, dilations):
    """The windows of padded ``xp`` (N, Hp, Wp, C) as a contiguous (N, oh, ow, kh, kw, C)."""
    n, _, _, c = xp.shape
    cols = np.empty((n, oh, ow, kh, kw, c), xp.dtype)
    for i, j, rows, cs in window_slices(oh, ow, kh, kw, strides, dilations):
        cols[:, :, :, i, j, :] = xp[:, rows, cs, :]
    return cols


def col2im(dcols, padded_shape, pads, strides, dilations):
    """The adjoint of :func:`im2col`: sum each window's values back onto the input,
    then drop the padding."""
    n, oh, ow, kh, kw, c = dcols.shape
    dxp = np.zeros(padded_shape, dcols.dtype)
    for i, j, rows, cs in window_slices(oh, ow, kh, kw, strides, dilations):
        dxp[:, rows, cs, :] += dcols[:, :, :, i, j, :]
    (t, b), (left, r) = pads
    return dxp[:, t:padded_shape[1] - b, left:padded_shape[2] - r, :]


def _geometry(x_shape, kh, kw, strides, pads, dilations):
    n, h, w, c = x_shape
    padded = (n, h + pads[0][0] + pads[0][1], w + pads[1][0] + pads[1][1], c)
    oh = conv_output_length(h, kh, strides[0], pads[0], dilations[0])
    ow = conv_output_length(w, kw, strides[1], pads[1], dilations[1])
    return padded, oh, ow


# ---------------------------------------------------------------------------- conv2d

def _conv_forward(x, kernel, strides, pads, dilations):
    kh, kw, c, o = kernel.shape
    _, oh, ow = _geometry(x.shape, kh, kw, strides, pads, dilations)
    cols = im2col(pad_nhwc(x, pads), kh, kw, oh, ow, strides, dilations)
    out = cols.reshape(-1, kh * kw * c) @ kernel.reshape(kh * kw * c, o)
    return out.reshape(x.shape[0], oh, ow, o)


def _conv_input_grad(g, kernel, x_shape, strides, pads, dilations):
    kh, kw, c, o = kernel.shape
    padded, oh, ow = _geometry(x_shape, kh, kw, strides, pads, dilations)
    dcols = g.reshape(-1, o) @ kernel.reshape(kh * kw * c, o).T
    return col2im(dcols.reshape(x_shape[0], oh, ow, kh, kw, c), padded, pads, strides,
                  dilations)


def _conv_kernel_grad(x, g, kshape, strides, pads, dilations, out=None):
    kh, kw, c, o = kshape
    _, oh, ow = _geometry(x.shape, kh, kw, strides, pads, dilations)
    cols = im2col(pad_nhwc(x, pads), kh, kw, oh, ow, strides, dilations)
    grad = (cols.reshape(-1, kh * kw * c).T @ g.reshape(-1, o)).reshape(kshape)
    if out is None:
        return grad
    np.copyto(out, grad)  # (matmul's out= measured slower here, and needs a contiguous out)
    return out


@primitive("conv2d")
def _conv2d(x, kernel, strides, pads, dilations):
    """NHWC convolution of ``x`` by ``kernel`` (kh, kw, in, out), padded by ``pads``."""
    return _conv_forward(x, kernel, strides, pads, dilations)


@_conv2d.defvjp
def _conv2d_vjp(g, out, x, kernel, strides, pads, dilations, needs=(True, True),
                into=(None, None)):
    gx = _conv_input_grad(g, kernel, x.shape, strides, pads, dilations) if needs[0] else None
    gk = _conv_kernel_grad(x, g, kernel.shape, strides, pads, dilations,
                           out=into[1]) if needs[1] else None
    return gx, gk


def _channels_first(data_format, op):
    fmt = "NHWC" if data_format is None else str(data_format).upper()
    if fmt in ("NHWC", "NWC", "CHANNELS_LAST"):
        return False
    if fmt in ("NCHW", "NCW", "CHANNELS_FIRST"):
        return True
    raise ValueError(f"{op}: data_format must be 'NHWC' or 'NCHW' ('NWC' or 'NCW' in 1-D); "
                     f"got {data_format!r}.")


def _operands(x, kernel, op, rank=4):
    x, kernel = binary_operands(float_tensor(x, op), kernel, op)
    if x.ndim != rank or kernel.ndim != rank:
        what = "(batch, height, width, channels)" if rank == 4 else "(batch, width, channels)"
        hint = " (add a batch axis: x[None])" if x.ndim == rank - 1 else ""
        raise ValueError(f"{op}: expected a rank-{rank} input {what} and a rank-{rank} "
                         f"filter; got input of shape {tuple(x.shape)} and filter of shape "
                         f"{tuple(kernel.shape)}{hint}.")
    return x, kernel


def _to_nhwc(x, first):
    return transpose(x, (0, 2, 3, 1)) if first else x


def _from_nhwc(y, first):
    return transpose(y, (0, 3, 1, 2)) if first else y


def _spatial_setup(x, ksize, strides, padding, dilations, op, data_format):
    """(strides, pads, dilations) for the NHWC tensor ``x`` and a (kh, kw) window."""
    strides = _ints(strides, 2, "strides", op, data_format)
    dilations = _ints(1 if dilations is None else dilations, 2, "dilations", op, data_format)
    pads = resolve_pads(padding, x._value.shape[1:3], ksize, strides, dilations, op,
                        data_format)
    return strides, pads, dilations


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None):
    """2-D convolution (cross-correlation, as in TensorFlow) of ``input`` by ``filters``.

    Args:
        input: (batch, height, width, in_channels), or (batch, in, h, w) for "NCHW".
        filters: (kh, kw, in_channels, out_channels).
        strides: an int or a list of 1, 2 or 4 ints.
        padding: "SAME", "VALID" (any case) or explicit ``[[t, b], [l, r]]`` pairs.
        data_format: "NHWC" (default) or "NCHW".
        dilations: an int or a list of 1, 2 or 4 ints (1 by default).
    """
    return _windowed(_conv2d, "conv2d", "out", input, filters, strides, padding,
                     data_format, dilations)


def _windowed(prim, op, last, input, filters, strides, padding, data_format,  # noqa: A002
              dilations):
    """Check and normalise the arguments of a 2-D convolution, run ``prim`` in NHWC."""
    first = _channels_first(data_format, op)
    x, kernel = _operands(input, filters, op)
    x = _to_nhwc(x, first)
    if x._value.shape[3] != kernel._value.shape[2]:
        raise ValueError(f"{op}: the input has {x._value.shape[3]} channels but the filter "
                         f"expects {kernel._value.shape[2]} (filter shape "
                         f"{tuple(kernel.shape)} = (kh, kw, in, {last})).")
    strides, pads, dilations = _spatial_setup(x, kernel._value.shape[:2], strides, padding,
                                              dilations, op, "NCHW" if first else "NHWC")
    return _from_nhwc(prim(x, kernel, strides=strides, pads=pads, dilations=dilations),
                      first)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,  # noqa: A002
           name=None):
    """1-D convolution: ``input`` (batch, width, in) by ``filters`` (k, in, out), as a
    2-D convolution over a height of 1.

    Example:
        >>> import numpy as np
        >>> conv1d(np.ones((1, 5, 1), np.float32), np.ones((3, 1, 1), np.float32), 1,
        ...        "SAME").numpy().ravel().tolist()
        [2.0, 3.0, 3.0, 3.0, 2.0]
    """
    from tapeflow.ops.array import expand_dims, squeeze
    first = _channels_first(data_format, "conv1d")
    x, kernel = _operands(input, filters, "conv1d", rank=3)
    stride = _ints(stride, 1, "stride", "conv1d", "NCW" if first else "NWC")
    dil = _ints(1 if dilations is None else dilations, 1, "dilations", "conv1d")
    pad = padding if isinstance(padding, str) else [[0, 0]] + [list(p) for p in padding]
    out = conv2d(expand_dims(x, 2 if first else 1), expand_dims(kernel, 0), (1, stride[0]),
                 pad, "NCHW" if first else "NHWC", (1, dil[0]))
    return squeeze(out, [2 if first else 1])


def bias_add(value, bias, data_format=None, name=None):
    """``value + bias`` along the channel axis (the last, or axis 1 for "NC..." formats)."""
    from tapeflow.ops import math as math_ops
    from tapeflow.ops.array import reshape
    value, bias = binary_operands(value, bias, "bias_add")
    if data_format is not None and str(data_format).upper().startswith("NC"):
        bias = reshape(bias, (-1,) + (1,) * (value.ndim - 2))
    return math_ops.add(value, bias)


# ------------------------------------------------------------------ depthwise conv2d

@primitive("depthwise_conv2d")
def _depthwise(x, kernel, strides, pads, dilations):
    """Each input channel ``c`` convolved by its own ``kernel[:, :, c, :]`` (kh, kw, C,
    M); output channel ``c * M + m``."""
    kh, kw, c, mult = kernel.shape
    _, oh, ow = _geometry(x.shape, kh, kw, strides, pads, dilations)
    xp = pad_nhwc(x, pads)
    out = np.zeros((x.shape[0], oh, ow, c, mult), np.result_type(x, kernel))
    for i, j, rows, cs in window_slices(oh, ow, kh, kw, strides, dilations):
        out += xp[:, rows, cs, :, None] * kernel[i, j]
    return out.reshape(x.shape[0], oh, ow, c * mult)


@_depthwise.defvjp
def _depthwise_vjp(g, out, x, kernel, strides, pads, dilations, needs=(True, True)):
    kh, kw, c, mult = kernel.shape
    padded, oh, ow = _geometry(x.shape, kh, kw, strides, pads, dilations)
    g = g.reshape(g.shape[:3] + (c, mult))
    xp = pad_nhwc(x, pads)
    dxp = np.zeros(padded, g.dtype) if needs[0] else None
    gk = np.zeros(kernel.shape, g.dtype) if needs[1] else None
    for i, j, rows, cs in window_slices(oh, ow, kh, kw, strides, dilations):
        if needs[0]:
            dxp[:, rows, cs, :] += np.einsum("npqcm,cm->npqc", g, kernel[i, j])
        if needs[1]:
            gk[i, j] = np.einsum("npqc,npqcm->cm", xp[:, rows, cs, :], g)
    if needs[0]:
        (t, b), (left, r) = pads
        dxp = dxp[:, t:padded[1] - b, left:padded[2] - r, :]
    return dxp, gk


def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """Depthwise 2-D convolution: ``filter`` (kh, kw, in_channels, channel_multiplier)
    gives ``in_channels * channel_multiplier`` output channels.

    Example:
        >>> import numpy as np
        >>> x = np.ones((1, 3, 3, 2), np.float32)
        >>> k = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))], -1)[..., None]
        >>> depthwise_conv2d(x, k.astype(np.float32), [1, 1, 1, 1], "VALID").numpy().ravel()
        array([ 9., 18.], dtype=float32)
    """
    return _windowed(_depthwise, "depthwise_conv2d", "multiplier", input, filter, strides,
                     padding, data_format, dilations)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None):
    """A depthwise convolution followed by a 1x1 convolution ``pointwise_filter``
    (1, 1, in_channels * multiplier, out_channels)."""
    depth = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format,
                             dilations)
    return conv2d(depth, pointwise_filter, 1, "VALID", data_format or "NHWC")


# ------------------------------------------------------------------ conv2d_transpose

@primitive("conv2d_transpose")
def _conv2d_transpose(y, kernel, out_shape, strides, pads, dilations):
    """The adjoint of conv2d: ``y`` (N, h, w, kernel's out) spread onto ``out_shape``
    (N, H, W, kernel's in) through ``kernel`` (kh, kw, out_channels, in_channels)."""
    return _conv_input_grad(y, kernel, out_shape, strides, pads, dilations)


@_conv2d_transpose.defvjp
def _conv2d_transpose_vjp(g, out, y, kernel, out_shape, strides, pads, dilations,
                          needs=(True, True)):
    gy = _conv_forward(g, kernel, strides, pads, dilations) if needs[0] else None
    gk = _conv_kernel_grad(g, y, kernel.shape, strides, pads, dilations) if needs[1] \
        else None
    return gy, gk


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None):
    """The transpose (gradient) of conv2d: ``filters`` is (kh, kw, out_channels,
    in_channels) and ``output_shape`` the full shape of the result.

    Example:
        >>> import numpy as np
        >>> y = np.ones((1, 2, 2, 1), np.float32)
        >>> conv2d_transpose(y, np.ones((2, 2, 1, 1), np.float32), [1, 4, 4, 1], 2,
        ...                  "VALID").numpy()[0, :, :, 0].tolist()[0]
        [1.0, 1.0, 1.0, 1.0]
    """
    op = "conv2d_transpose"
    first = _channels_first(data_format, op)
    y, kernel = _operands(input, filters, op)
    y = _to_nhwc(y, first)
    shape = [int(s) for s in (output_shape.numpy() if hasattr(output_shape, "numpy")
                              else output_shape)]
    if len(shape) != 4:
        raise ValueError(f"{op}: output_shape must have 4 entries; got {output_shape!r}.")
    out_shape = (shape[0], shape[2], shape[3], shape[1]) if first else tuple(shape)
    kh, kw, oc, ic = kernel._value.shape
    if y._value.shape[3] != ic or out_shape[3] != oc:
        raise ValueError(f"{op}: filters of shape {tuple(kernel.shape)} = (kh, kw, out, in) "
                         f"need an input with {ic} channels and an output_shape with {oc}; "
                         f"got input {tuple(y.shape)} and output_shape {tuple(shape)}.")
    strides = _ints(strides, 2, "strides", op, "NCHW" if first else "NHWC")
    dilations = _ints(1 if dilations is None else dilations, 2, "dilations", op)
    pads = resolve_pads(padding, out_shape[1:3], (kh, kw), strides, dilations, op)
    _, oh, ow = _geometry(out_shape, kh, kw, strides, pads, dilations)
    if (oh, ow) != tuple(y._value.shape[1:3]) or out_shape[0] != y._value.shape[0]:
        raise ValueError(f"{op}: output_shape {tuple(shape)} does not match the input of "
                         f"shape {tuple(y.shape)}: a {padding} convolution with strides "
                         f"{strides} of that output gives a {(oh, ow)} grid.")
    return _from_nhwc(_conv2d_transpose(y, kernel, out_shape=out_shape, strides=strides,
                                        pads=pads, dilations=dilations), first)
