"""``keras.utils.pad_sequences`` (also ``keras.preprocessing.sequence.pad_sequences``).

Example:
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
    array([[0, 0, 1],
           [0, 2, 3],
           [4, 5, 6]], dtype=int32)
"""

from __future__ import annotations

import numpy as np

__all__ = ["pad_sequences"]


def _lengths_and_sample_shape(sequences):
    lengths, sample_shape = [], None
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as err:
            raise ValueError("`sequences` must be a list of iterables. Found non-iterable: "
                             f"{x}") from err
        if sample_shape is None and len(x):
            sample_shape = np.asarray(x).shape[1:]
    return lengths, sample_shape or ()


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads (or truncates) sequences to one length, as Keras does.

    Args:
        sequences: List of sequences (lists or arrays; each item may itself be an array).
        maxlen: Length of the output; None takes the longest sequence.
        dtype: Output dtype (``object`` or a string dtype for strings).
        padding: ``"pre"`` or ``"post"``: pad before or after each sequence.
        truncating: ``"pre"`` or ``"post"``: cut sequences longer than ``maxlen`` at
            the beginning or at the end.
        value: The padding value.

    Returns:
        Array of shape ``(len(sequences), maxlen) + sample_shape``.

    Raises:
        ValueError: A sequence is not iterable, samples differ in shape, or ``padding``
            / ``truncating`` is not "pre"/"post".

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post", truncating="post")
        array([[1, 2],
               [4, 0]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape = _lengths_and_sample_shape(sequences)
    if maxlen is None:
        maxlen = int(np.max(lengths)) if lengths else 0
    is_str = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_str:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         "strings.")
    x = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        if truncating == "pre":
            trunc = s[-maxlen:] if maxlen else s[:0]
        elif truncating == "post":
            trunc = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position "
                             f"{idx} is different from expected shape {sample_shape}")
        if padding == "post":
            x[idx, :len(trunc)] = trunc
        elif padding == "pre":
            x[idx, x.shape[1] - len(trunc):] = trunc
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return x
