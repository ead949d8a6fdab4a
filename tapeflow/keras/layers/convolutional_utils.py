"""Argument checks, output sizes and input explanations shared by the conv and pool layers.

Example:
    >>> norm_tuple(3, 2, "kernel_size", "Conv2D"), output_length(28, 3, 1, "valid")
    ((3, 3), 26)
    >>> output_length(5, 2, 2, "same"), transpose_output_length(7, 3, 2, "same")
    (3, 14)
"""
import numpy as np

from tapeflow.ops.array import transpose
from tapeflow.ops.conv import resolve_pads

__all__ = ["norm_positive", "norm_tuple", "normalize_padding", "norm_data_format",
           "output_length", "transpose_output_length", "resolved_pads", "to_channels_last",
           "from_channels_last", "input_error", "check_spatial"]

_AXES = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)"}
_AXES_FIRST = {1: "(batch, channels, steps)", 2: "(batch, channels, height, width)"}


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def norm_positive(value, name, cls):
    """``value`` as a positive int, or a ValueError naming the argument and the layer."""
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{cls}: invalid value for argument `{name}`. Expected a strictly "
                         f"positive integer. Received {name}={value!r}.")
    return int(value)


def norm_tuple(value, n, name, cls, allow_zero=False):
    """An int or a sequence of n ints as an n-tuple of positive (or >= 0) ints."""
    vals = (value,) * n if _is_int(value) else tuple(value) if isinstance(
        value, (list, tuple)) else None
    low = 0 if allow_zero else 1
    if vals is None or len(vals) != n or not all(_is_int(v) for v in vals) or \
            any(v < low for v in vals):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{cls}: the `{name}` argument must be an int or a tuple of {n} "
                         f"ints, each {bound}. Received {name}={value!r}. For example "
                         f"{name}={(1,) * n if n > 1 else 1}.")
    return tuple(int(v) for v in vals)


def normalize_padding(padding, cls, causal=False):
    """"valid", "same" (or "causal" for 1-D layers), in lower case."""
    allowed = ("valid", "same", "causal") if causal else ("valid", "same")
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in allowed:
        raise ValueError(f"{cls}: the `padding` argument must be one of {allowed}. "
                         f"Received: padding={padding!r}")
    return mode


def norm_data_format(data_format, cls):
    """"channels_last" or "channels_first"; None means the backend's image_data_format."""
    if data_format is None:
        from tapeflow.keras.backend import image_data_format
        return image_data_format()
    fmt = str(data_format).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(f"{cls}: the `data_format` argument must be one of "
                         f"'channels_first', 'channels_last'. Received: "
                         f"data_format={data_format!r}")
    return fmt


def output_length(n, k, stride, padding, dilation=1):
    """Output size of one axis of a convolution or pooling (None stays None)."""
    if n is None:
        return None
    if padding == "valid":
        return (n - (k - 1) * dilation - 1) // stride + 1
    return -(-n // stride)   # "same" and "causal"


def transpose_output_length(n, k, stride, padding, dilation=1, output_padding=None):
    """Output size of one axis of a transposed convolution (Keras's rule)."""
    if n is None:
        return None
    eff = (k - 1) * dilation + 1
    if output_padding is None:
        return n * stride + max(eff - stride, 0) if padding == "valid" else n * stride
    pad = 0 if padding == "valid" else eff // 2
    return (n - 1) * stride + eff - 2 * pad + output_padding


def resolved_pads(padding, spatial, ksize, strides, dilations):
    """Per-axis (before, after) pads of the channels-last op; "causal" pads the last
    axis (the steps of a 1-D layer) before only."""
    if padding == "causal":
        return ((0, 0),) * (len(spatial) - 1) + (((ksize[-1] - 1) * dilations[-1], 0),)
    return resolve_pads(padding, spatial, ksize, strides, dilations, "conv")


def to_channels_last(x, data_format, rank):
    if data_format != "channels_first":
        return x
    return transpose(x, (0, 2, 1) if rank == 1 else (0, 2, 3, 1))


def from_channels_last(y, data_format, rank):
    if data_format != "channels_first":
        return y
    return transpose(y, (0, 2, 1) if rank == 1 else (0, 3, 1, 2))


def _rank_hint(shape, rank, first):
    ndim = len(shape)
    if ndim == rank + 1:
        hint = "add a channel axis: " + ("x[:, None]" if first else "x[..., None]")
        return hint + (" (a grayscale image has one channel)" if rank == 2 else "")
    if ndim == rank:
        return "add a batch and a channel axis: " + ("x[None, None]" if first
                                                     else "x[None, ..., None]")
    return f"reshape the input to {(_AXES_FIRST if first else _AXES)[rank]}"


def input_error(layer, shape, kind, want=None):
    """The ValueError for an input that does not fit ``layer``: what it received, what
    it expects, and the likely fix."""
    cls, rank = type(layer).__name__, layer.rank
    first = layer.data_format == "channels_first"
    axes = (_AXES_FIRST if first else _AXES)[rank]
    head = f'Layer "{layer.name}" ({cls}) received an input of shape {tuple(shape)}'
    if kind == "rank":
        return ValueError(f"{head}, but it expects rank {rank + 2} inputs {axes}: "
                          f"{_rank_hint(shape, rank, first)}.")
    expected = ["batch"] + [None] * rank
    expected.insert(1 if first else len(expected), want)
    expected = "(" + ", ".join(str(e) for e in expected) + ")"
    return ValueError(f"{head}, but it was built for inputs with {want} channels, shape "
                      f"{expected}. Pass inputs with {want} channels, or use a new layer for "
                      f"the new input shape.")


def check_spatial(layer, shape, ksize, strides, dilations):
    """A ValueError when a "valid" window is larger than a known input axis."""
    if layer.padding != "valid":
        return
    first = layer.data_format == "channels_first"
    spatial = tuple(shape)[2:] if first else tuple(shape)[1:-1]
    for n, k, d in zip(spatial, ksize, dilations):
        eff = (k - 1) * d + 1
        if n is not None and n < eff:
            what = "kernel_size" if hasattr(layer, "kernel_size") else "pool_size"
            raise ValueError(
                f'Layer "{layer.name}" ({type(layer).__name__}) received an input of shape '
                f'{tuple(shape)}: its {what} {tuple(ksize)} (spanning {eff} with dilation '
                f'{d}) is larger than the input\'s spatial size {tuple(spatial)} with '
                f'padding="valid". Use padding="same", a smaller {what}, or fewer '
                f'downsampling layers before this one.')
