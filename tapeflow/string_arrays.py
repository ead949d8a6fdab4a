"""String tensors' arrays: object arrays of UTF-8 ``bytes``, as TensorFlow holds them,
and the few helpers ``tf.strings`` and the text layers share.

Example:
    >>> as_bytes_array(["a", b"b"]).tolist()
    [b'a', b'b']
    >>> ngram_list([b"a", b"b", b"c"], (2,))
    [b'a b', b'b c']
"""
import numpy as np

from tapeflow.tensor import Tensor

__all__ = ["to_bytes", "as_bytes_array", "pad_rows", "ngram_list"]


def to_bytes(value, where):
    """One string as UTF-8 ``bytes``; a ``TypeError`` naming ``tf.strings.<where>``
    for anything else."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, np.bytes_):
        return bytes(value)
    raise TypeError(f"tf.strings.{where}: expected strings, received an element of type "
                    f"{type(value).__name__} ({value!r}); convert numbers with "
                    f"tf.strings.as_string first.")


def as_bytes_array(value, where="function"):
    """``value`` (a tensor, array, list or scalar of strings) as an object array of
    ``bytes``; raises a ``TypeError`` naming ``where`` for non-strings.

    Example:
        >>> as_bytes_array(["a", b"b"]).tolist()
        [b'a', b'b']
    """
    arr = value.array if isinstance(value, Tensor) else np.asarray(value, dtype=object) \
        if not isinstance(value, np.ndarray) else value
    if arr.dtype == object and all(type(v) is bytes for v in arr.flat):
        return arr
    if arr.dtype.kind not in "USO":
        raise TypeError(f"tf.strings.{where}: expected a string tensor, received dtype "
                        f"{arr.dtype} (shape {arr.shape}); convert numbers with "
                        f"tf.strings.as_string first.")
    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    flat[:] = [to_bytes(v, where) for v in arr.flat]
    return out


def pad_rows(rows, shape, fill=b""):
    """Lists of tokens as a dense array of ``shape + (longest,)``, padded with ``fill``.

    Example:
        >>> pad_rows([[b"a", b"b"], [b"c"]], (2,)).tolist()
        [[b'a', b'b'], [b'c', b'']]
    """
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), width), fill, dtype=object)
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    return out.reshape(tuple(shape) + (width,))


def ngram_list(tokens, widths, separator=b" "):
    """The n-grams of a list of tokens, every width in turn (TensorFlow's order).

    Example:
        >>> ngram_list([b"a", b"b", b"c"], (1, 2))
        [b'a', b'b', b'c', b'a b', b'b c']
    """
    out = []
    for n in widths:
        out += [separator.join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return out
