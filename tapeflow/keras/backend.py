"""``keras.backend``: global settings (float type, epsilon) and session reset.

Example:
    >>> from tapeflow.keras import backend
    >>> backend.floatx(), backend.epsilon()
    ('float32', 1e-07)
"""
from tapeflow.keras.api_export import public_object
from tapeflow.keras.utils import naming

__all__ = ["backend", "floatx", "set_floatx", "epsilon", "set_epsilon",
           "image_data_format", "set_image_data_format", "clear_session",
           "is_keras_tensor", "int_shape", "count_params", "standardize_dtype"]

_STATE = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


def backend():
    """The name of the array backend: tapeflow runs on NumPy."""
    return "tapeflow"


def floatx():
    """The default float type of new weights and inputs (``"float32"``)."""
    return _STATE["floatx"]


def set_floatx(value):
    """Set the default float type: ``"float16"``, ``"float32"`` or ``"float64"``."""
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown `floatx` value: {value!r}. Expected one of "
                         f"'float16', 'float32', 'float64'.")
    _STATE["floatx"] = str(value)


def epsilon():
    """The fuzz factor used to avoid division by zero (``1e-7``)."""
    return _STATE["epsilon"]


def set_epsilon(value):
    """Set the fuzz factor returned by :func:`epsilon`."""
    _STATE["epsilon"] = float(value)


def image_data_format():
    """``"channels_last"`` (the only layout tapeflow's layers use)."""
    return _STATE["image_data_format"]


def set_image_data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format: {data_format!r}; expected "
                         f"'channels_last' or 'channels_first'.")
    _STATE["image_data_format"] = data_format


def clear_session(free_memory=True):
    """Reset automatic names, so the next Dense is called ``dense`` again."""
    naming.reset_uids()


def is_keras_tensor(x):
    """True for the symbolic tensors made by ``keras.Input`` and layers called on them."""
    keras_tensor = public_object("keras", "KerasTensor")  # none made before layers load
    return keras_tensor is not None and isinstance(x, keras_tensor)


def int_shape(x):
    """The shape of a tensor, array or KerasTensor as a tuple (``None`` = unknown)."""
    return tuple(x.shape)


def count_params(x):
    """Number of scalars in a variable or tensor."""
    import numpy as np
    return int(np.prod(tuple(x.shape), dtype=np.int64))


def standardize_dtype(dtype):
    """A dtype (DType, NumPy dtype, string or None) as its name, e.g. ``"float32"``."""
    if dtype is None:
        return floatx()
    from tapeflow import dtypes
    return dtypes.as_dtype(dtype).name
