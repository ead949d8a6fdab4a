"""Validation data for ``fit``: held out by ``validation_split`` or given as
``validation_data`` (a tuple of arrays, a dataset or a generator).

Example:
    >>> import numpy as np
    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)
    >>> (xt, yt, swt), (xv, yv, swv) = split_validation(x, y, None, 0.2, np.float32)
    >>> xt.shape, xv.tolist(), swv is None
    ((4, 2), [[8.0, 9.0]], True)
"""
import math

from tapeflow.keras import data_adapter
from tapeflow.tape import flatten, pack_like

__all__ = ["split_validation", "train_validation_split", "validation_adapter"]


def split_validation(x, y, sample_weight, validation_split, dtype):
    """``((x, y, sw) to train on, (x_val, y_val, sw_val))``: Keras holds out the LAST
    ``validation_split`` fraction of the samples, before any shuffling."""
    if not data_adapter.is_array_data(x):
        raise ValueError(
            f"`validation_split` is only supported for NumPy arrays and tensors; x is a "
            f"{type(x).__name__}. Pass validation data explicitly instead: "
            f"validation_data=(x_val, y_val), or a generator of validation batches.")
    arrays = tuple(data_adapter.standardize(v, dtype) for v in (x, y, sample_weight))
    return train_validation_split(arrays, validation_split)


def validation_adapter(validation_data, batch_size, steps, dtype):
    """The data adapter of ``validation_data``: ``(x_val, y_val[, sw_val])``, a dataset
    or a generator; never shuffled."""
    if isinstance(validation_data, (tuple, list)) and 2 <= len(validation_data) <= 3:
        vx, vy, vsw = data_adapter.unpack_x_y_sample_weight(tuple(validation_data))
    elif isinstance(validation_data, (tuple, list)):
        raise ValueError(f"validation_data must be (x_val, y_val) or (x_val, y_val, "
                         f"val_sample_weight); got a {type(validation_data).__name__} of "
                         f"{len(validation_data)} elements.")
    else:
        vx, vy, vsw = validation_data, None, None
    return data_adapter.get_data_adapter(vx, vy, vsw, batch_size=batch_size, steps=steps,
                                         shuffle=False, float_dtype=dtype)


def train_validation_split(arrays, validation_split):
    """Split ``(x, y, sample_weight)`` into training and validation parts.

    The validation part is the LAST ``validation_split`` fraction of the samples, taken
    before any shuffling (views, not copies).

    Example:
        >>> import numpy as np
        >>> (x, y, _), (vx, vy, _) = train_validation_split(
        ...     (np.arange(10), np.arange(10) * 10, None), 0.2)
        >>> vx, vy
        (array([8, 9]), array([80, 90]))
    """
    x, y, sample_weight = arrays
    num_samples = data_adapter.check_cardinality(x, y, sample_weight)
    split_at = int(math.floor(num_samples * (1.0 - validation_split)))
    if split_at == 0 or split_at == num_samples:
        raise ValueError(
            f"Training data contains {num_samples} samples, which is not sufficient to split "
            f"it into a validation and training set as specified by `validation_split="
            f"{validation_split}`. Either provide more data, or a different value for the "
            f"`validation_split` argument.")

    def part(structure, sl):
        if structure is None:
            return None
        return pack_like(structure, [a[sl] for a in flatten(structure)])
    train = tuple(part(s, slice(0, split_at)) for s in arrays)
    val = tuple(part(s, slice(split_at, None)) for s in arrays)
    return train, val
