"""InputSpec: what a layer accepts, checked on every call with Keras's messages.

Example:
    >>> spec = InputSpec(min_ndim=2, axes={-1: 784})
    >>> assert_input_compatibility(spec, [(32, 28)], "dense")
    Traceback (most recent call last):
    ...
    ValueError: Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of input shape to have value 784, but received input with shape (32, 28)
"""
from tapeflow.keras.api_export import keras_export

__all__ = ["InputSpec", "assert_input_compatibility"]


@keras_export("keras.layers")
class InputSpec:
    """Rank, size and shape constraints on one input of a layer."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"


def _check_one(spec, shape, index, layer_name):
    head = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(f"{head}expected ndim={spec.ndim}, found ndim={ndim}. Full shape "
                         f"received: {shape}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(f"{head}expected max_ndim={spec.max_ndim}, found ndim={ndim}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(f"{head}expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                         f"Full shape received: {shape}")
    for axis, value in spec.axes.items():
        if value is None:
            continue
        if not -ndim <= axis < ndim or shape[axis] not in (value, None):
            raise ValueError(f"{head}expected axis {axis} of input shape to have value "
                             f"{value}, but received input with shape {shape}")
    if spec.shape is not None:
        want = spec.shape
        if len(want) != ndim or any(w is not None and s is not None and w != s
                                    for w, s in zip(want, shape)):
            raise ValueError(f"{head}expected shape={want}, found shape={shape}")


def assert_input_compatibility(input_spec, shapes, layer_name):
    """Raise Keras's ValueError if ``shapes`` (one per input) break ``input_spec``."""
    if input_spec is None:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    if len(specs) > 1 and len(shapes) != len(specs):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
                         f'received {len(shapes)} input tensors. Inputs received: shapes '
                         f'{list(shapes)}')
    for index, (spec, shape) in enumerate(zip(specs, shapes)):
        if spec is not None:
            _check_one(spec, tuple(shape), index, layer_name)
