"""A bound on the memory that building a model from an untrusted config may take.

A model file's config declares sizes (``units``, ``batch_shape`` ...) that decide
how much memory building the model allocates: ``"units": 2147483648`` in a 2 KB
``config.json`` would ask for a 64 GiB kernel. Loaders therefore rebuild a model
inside :func:`limit`, with a budget derived from the size of the weights the file
actually stores, and the two places that allocate while building charge it first:
``Layer.add_weight`` (every weight) and the zero placeholders that stand in for
symbolic inputs. Outside :func:`limit` nothing is checked.

Example:
    >>> with limit(1000, "m.keras"):
    ...     charge((10, 10), "float32", "layer 'dense' weight 'kernel'")  # 400 bytes
    ...     charge((100, 100), "float32", "layer 'big' weight 'kernel'")
    Traceback (most recent call last):
    ...
    tapeflow.keras.build_limits.BuildLimitError: layer 'big' weight 'kernel' of shape (100, 100) and dtype float32 needs 40,000 bytes; ...
"""
import contextlib
import threading

import numpy as np

__all__ = ["BuildLimitError", "limit", "charge"]

_STATE = threading.local()


class BuildLimitError(ValueError):
    """Building a model from a config would allocate more than its file justifies.

    Attributes:
        shape: the shape of the refused allocation.
    """

    def __init__(self, shape, message):
        self.shape = tuple(int(d) for d in shape)
        super().__init__(message)


@contextlib.contextmanager
def limit(max_bytes, source):
    """Within the block, weights and placeholders may take ``max_bytes`` in all.

    Args:
        max_bytes: the budget in bytes.
        source: what the config came from (a file name), for the error message.
    """
    saved = getattr(_STATE, "budget", None)
    _STATE.budget = [int(max_bytes), int(max_bytes), source]
    try:
        yield
    finally:
        _STATE.budget = saved


def charge(shape, dtype, what):
    """Charge an allocation of ``shape`` and ``dtype`` to the active budget, if any.

    Raises:
        BuildLimitError: the allocation would exceed the budget (nothing allocated).
    """
    budget = getattr(_STATE, "budget", None)
    if budget is None:
        return
    count = 1
    for dim in shape:
        count *= int(dim)
    need = count * np.dtype(dtype).itemsize
    if need > budget[1]:
        raise BuildLimitError(shape, 
            f"{what} of shape {tuple(int(d) for d in shape)} and dtype {np.dtype(dtype)} "
            f"needs {need:,} bytes; the model's weights in {budget[2]} take at most "
            f"{budget[0]:,} bytes in all, so the config's sizes (units, filters, "
            f"batch_shape ...) are corrupt or crafted. Refusing to allocate the memory.")
    budget[1] -= need
