"""Helpers of the lookup and text layers: argument checks, adapt's batches, the
count encodings and config lists (Keras 3.15's ``index_lookup`` module functions).

Example:
    >>> encode_rows([[1, 1, 3], [0]], 4, "count").tolist()
    [[0, 2, 0, 1], [1, 0, 0, 0]]
    >>> listify(np.array([b"a", b"b"], dtype=object))
    ['a', 'b']
"""
import numpy as np

from tapeflow.data.dataset import Dataset
from tapeflow.tensor import Tensor

__all__ = ["listify", "encode_rows", "validate_lookup_args", "adapt_batches", "as_array"]

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def listify(x):
    """Tensors and arrays as lists, for configs (Keras's ``listify_tensors``)."""
    if isinstance(x, Tensor):
        x = x.array
    if isinstance(x, np.ndarray):
        x = [v.decode("utf-8") if isinstance(v, bytes) else v for v in x.tolist()]
    return x


def encode_rows(rows, depth, mode, idf=None):
    """``"multi_hot"``/``"count"``/``"tf_idf"`` of index rows (lists or a 2-D array):
    ``(len(rows), depth)``; indices outside ``[0, depth)`` are dropped."""
    out = np.zeros((len(rows), depth), dtype=np.int64)
    for i, row in enumerate(rows):
        row = np.asarray(row, dtype=np.int64).reshape(-1)
        row = row[(row >= 0) & (row < depth)]
        if mode == "multi_hot":
            out[i, row] = 1
        else:
            np.add.at(out[i], row, 1)
    if mode == "tf_idf":
        return out.astype(np.float32) * idf
    return out


def validate_lookup_args(layer, max_tokens, num_oov_indices, output_mode, invert, sparse,
              pad_to_max_tokens, idf_weights, oov_method):
    who = f"{type(layer).__name__}"
    if max_tokens is not None and max_tokens <= 1:
        raise ValueError(f"{who}: if set, `max_tokens` must be greater than 1. Received: "
                         f"max_tokens={max_tokens}")
    if pad_to_max_tokens and max_tokens is None:
        raise ValueError(f"{who}: if pad_to_max_tokens is True, must set `max_tokens`. "
                         f"Received: max_tokens={max_tokens}")
    if num_oov_indices < 0:
        raise ValueError(f"{who}: `num_oov_indices` must be greater than or equal to 0. "
                         f"Received: num_oov_indices={num_oov_indices}")
    if oov_method not in ("floormod", "farmhash"):
        raise ValueError(f'{who}: `oov_method` must be "floormod" or "farmhash". Received: '
                         f'oov_method={oov_method!r}')
    if output_mode not in _MODES:
        raise ValueError(f"{who}: `output_mode` must be one of {_MODES}. Received: "
                         f"output_mode={output_mode!r}")
    if invert and output_mode != "int":
        raise ValueError(f"{who}: `output_mode` must be `'int'` when `invert` is true. "
                         f"Received: output_mode={output_mode}")
    if sparse:
        raise ValueError(f"{who}: `sparse=True` needs TensorFlow's SparseTensor, which "
                         f"tapeflow does not provide; use the dense output (sparse=False).")
    if idf_weights is not None and output_mode != "tf_idf":
        raise ValueError(f"{who}: `idf_weights` should only be set if `output_mode` is "
                         f"`'tf_idf'`. Received: idf_weights={idf_weights} and "
                         f"output_mode={output_mode}")


def adapt_batches(data, steps, layer):
    """The batches ``adapt`` reads: a dataset or iterable batch by batch (up to
    ``steps``), an array, tensor or list at once (1-D data gains a last axis)."""
    if isinstance(data, Dataset):
        for i, batch in enumerate(data if steps is None else data.take(steps)):
            yield batch[0] if isinstance(batch, tuple) else batch
        return
    if hasattr(data, "__iter__") and not isinstance(data, (list, tuple, np.ndarray, Tensor,
                                                           str, bytes)):
        for i, batch in enumerate(data):
            if steps is not None and i >= steps:
                break
            yield batch
        return
    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f'Layer "{layer.name}" ({type(layer).__name__}).adapt expects a '
                        f"list, array, tensor or tf.data.Dataset of data; received "
                        f"{type(data).__name__}. Wrap one string in a list: adapt([text]).")
    arr = as_array(data)
    yield arr[..., None] if arr.ndim == 1 else arr


def as_array(data):
    """A tensor's array, or ``data`` as a NumPy array (object dtype when ragged)."""
    if isinstance(data, Tensor):
        return data.array
    if isinstance(data, np.ndarray):
        return data
    try:
        return np.asarray(data)
    except ValueError:
        return np.asarray(data, dtype=object)
