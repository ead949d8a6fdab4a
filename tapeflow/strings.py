"""``tf.strings``: element-wise string functions on string tensors.

A string tensor holds a NumPy object array of ``bytes`` (UTF-8), as TensorFlow's
``.numpy()`` shows it; every function here also takes Python strings, lists and NumPy
``str``/``bytes`` arrays. None has a gradient.

TensorFlow returns a ``RaggedTensor`` from :func:`split` and :func:`unicode_split` on
a batch; tapeflow has no ragged tensors, so it returns the dense tensor that
``.to_tensor()`` would give: rows padded on the right with ``b""`` (the padding token
TextVectorization maps to 0). A scalar string splits to a 1-D tensor, as in TensorFlow.

Regular expressions follow Python's ``re`` (RE2's syntax for the common cases:
classes, escapes, groups ``\\1`` in the rewrite). :func:`lower` and :func:`upper`
change ASCII letters only, as TensorFlow does with its default ``encoding=""``;
pass ``encoding="utf-8"`` for every letter.

Example:
    >>> import re, string
    >>> import tapeflow as tf
    >>> text = tf.strings.lower(tf.constant(["Great movie!<br />Loved it."]))
    >>> text = tf.strings.regex_replace(text, "<br />", " ")
    >>> text = tf.strings.regex_replace(text, "[%s]" % re.escape(string.punctuation), "")
    >>> text.numpy()
    array([b'great movie loved it'], dtype=object)
    >>> tf.strings.split(text).numpy().tolist()
    [[b'great', b'movie', b'loved', b'it']]
"""
import re

import numpy as np

import builtins

from tapeflow import string_arrays
from tapeflow import tensor as tensor_lib

__all__ = ["lower", "upper", "regex_replace", "regex_full_match", "split", "unicode_split",
           "ngrams", "join", "reduce_join", "length", "substr", "strip", "as_string",
           "to_number", "to_hash_bucket_fast"]


def _map(func, value, where, dtype=object):
    arr = string_arrays.as_bytes_array(value, where)
    out = np.empty(arr.shape, dtype=dtype)
    out.reshape(-1)[:] = [func(v) for v in arr.flat]
    return tensor_lib.Tensor(out)


def _decode(b):
    return b.decode("utf-8", "surrogateescape")


def _encode(s):
    return s.encode("utf-8", "surrogateescape")


def lower(input, encoding="", name=None):  # noqa: A002 - TensorFlow's argument name
    """Lowercase: ASCII letters only (``encoding=""``), every letter with ``"utf-8"``."""
    if encoding:
        return _map(lambda b: _encode(_decode(b).lower()), input, "lower")
    return _map(bytes.lower, input, "lower")


def upper(input, encoding="", name=None):  # noqa: A002
    """Uppercase: ASCII letters only (``encoding=""``), every letter with ``"utf-8"``."""
    if encoding:
        return _map(lambda b: _encode(_decode(b).upper()), input, "upper")
    return _map(bytes.upper, input, "upper")


def _pattern(pattern):
    if isinstance(pattern, tensor_lib.Tensor):
        pattern = pattern.array.item()
    return re.compile(_decode(pattern) if isinstance(pattern, bytes) else pattern)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Replace the matches of ``pattern`` by ``rewrite`` (``\\1`` names a group);
    only the first match when ``replace_global=False``.

    Example:
        >>> regex_replace(["a.b!"], r"[.!]", " ").numpy()
        array([b'a b '], dtype=object)
    """
    compiled = _pattern(pattern)
    rewrite = _decode(rewrite) if isinstance(rewrite, bytes) else str(rewrite)
    count = 0 if replace_global else 1
    return _map(lambda b: _encode(compiled.sub(rewrite, _decode(b), count=count)), input,
                "regex_replace")


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """True where the whole string matches ``pattern``."""
    compiled = _pattern(pattern)
    return _map(lambda b: compiled.fullmatch(_decode(b)) is not None, input,
                "regex_full_match", dtype=bool)


def _rows(func, input, where):  # noqa: A002
    arr = string_arrays.as_bytes_array(input, where)
    rows = [func(b) for b in arr.flat]
    if arr.ndim == 0:
        return tensor_lib.Tensor(np.array(rows[0] + [], dtype=object).reshape(len(rows[0])))
    return tensor_lib.Tensor(string_arrays.pad_rows(rows, arr.shape))


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """Split each string at ``sep`` (runs of ASCII whitespace when ``sep`` is None or
    empty; leading and trailing whitespace give no token).

    A scalar gives a 1-D tensor of its tokens; a tensor of shape ``s`` gives shape
    ``s + (longest,)``, shorter rows padded with ``b""`` (TensorFlow gives a
    RaggedTensor here; this is its ``.to_tensor()``).

    Example:
        >>> split(["a  b c", " d "]).numpy().tolist()
        [[b'a', b'b', b'c'], [b'd', b'', b'']]
        >>> split("x,y", sep=",").numpy().tolist()
        [b'x', b'y']
    """
    if isinstance(sep, tensor_lib.Tensor):
        sep = sep.array.item()
    sep = string_arrays.to_bytes(sep, "split") if sep else None
    return _rows(lambda b: b.split(sep, maxsplit), input, "split")


def unicode_split(input, input_encoding="UTF-8", errors="replace", replacement_char=65533,
                  name=None):  # noqa: A002
    """Split each string into its Unicode characters (dense, as :func:`split`)."""
    chr_replace = chr(replacement_char)

    def chars(b):
        text = b.decode(input_encoding, "replace" if errors != "strict" else "strict")
        return [c.encode("utf-8") if c != "\ufffd" else chr_replace.encode("utf-8")
                for c in text]
    return _rows(chars, input, "unicode_split")


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """The n-grams along the last axis of ``data``, joined by ``separator``; widths
    in the order given (an int is one width).

    Example:
        >>> ngrams(["a", "b", "c"], (1, 2)).numpy().tolist()
        [b'a', b'b', b'c', b'a b', b'b c']
    """
    widths = (ngram_width,) if isinstance(ngram_width, int) else tuple(ngram_width)
    sep = string_arrays.to_bytes(separator, "ngrams")
    arr = string_arrays.as_bytes_array(data, "ngrams")
    if arr.ndim == 0:
        raise ValueError("tf.strings.ngrams: data must have at least one axis (a sequence "
                         "of tokens); received a scalar.")
    rows = arr.reshape(-1, arr.shape[-1]).tolist()
    out = [_row_ngrams(r, widths, sep, pad_values, padding_width, preserve_short_sequences)
           for r in rows]
    return tensor_lib.Tensor(np.array(out, dtype=object).reshape(arr.shape[:-1] + (-1,))
                  if out and out[0] else np.empty(arr.shape[:-1] + (0,), dtype=object))


def _row_ngrams(tokens, widths, sep, pad_values, padding_width, preserve_short):
    out = []
    for n in widths:
        row = tokens
        if pad_values is not None:
            left, right = (pad_values, pad_values) if not isinstance(
                pad_values, (tuple, list)) else pad_values
            width = n - 1 if padding_width is None else padding_width
            row = [string_arrays.to_bytes(left, "ngrams")] * width + row + \
                [string_arrays.to_bytes(right, "ngrams")] * width
        out += string_arrays.ngram_list(row, (n,), sep)
    if not out and preserve_short and tokens:
        out = [sep.join(tokens)]
    return out


def join(inputs, separator="", name=None):
    """Join the strings of several tensors element-wise (broadcast), with ``separator``.

    Example:
        >>> join([["a", "b"], "!"]).numpy().tolist()
        [b'a!', b'b!']
    """
    sep = string_arrays.to_bytes(separator, "join")
    arrays = np.broadcast_arrays(*[string_arrays.as_bytes_array(x, "join") for x in inputs])
    out = np.empty(arrays[0].shape, dtype=object)
    out.reshape(-1)[:] = [sep.join(parts) for parts in zip(*[a.flat for a in arrays])]
    return tensor_lib.Tensor(out)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """Join the strings along ``axis`` (every axis when None) with ``separator``."""
    sep = string_arrays.to_bytes(separator, "reduce_join")
    arr = string_arrays.as_bytes_array(inputs, "reduce_join")
    if axis is None:
        out = np.array(sep.join(arr.flat), dtype=object)
        return tensor_lib.Tensor(out.reshape((1,) * arr.ndim) if keepdims else out)
    moved = np.moveaxis(arr, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    out.reshape(-1)[:] = [sep.join(r) for r in moved.reshape(-1, moved.shape[-1])]
    return tensor_lib.Tensor(np.expand_dims(out, axis) if keepdims else out)


def length(input, unit="BYTE", name=None):  # noqa: A002
    """The length of each string in bytes (``unit="BYTE"``) or characters
    (``"UTF8_CHAR"``), as int32.

    Example:
        >>> length(["ab", "é"]).numpy().tolist(), length("é", unit="UTF8_CHAR").numpy()
        ([2, 2], np.int32(1))
    """
    count = _unit(unit, "length")
    return _map(lambda b: count(b), input, "length", dtype=np.int32)


def _unit(unit, where):
    if unit == "BYTE":
        return len
    if unit == "UTF8_CHAR":
        return lambda b: len(_decode(b))
    raise ValueError(f'tf.strings.{where}: unit must be "BYTE" or "UTF8_CHAR"; received '
                     f'{unit!r}.')


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002
    """The substring of ``len`` bytes (or characters) from ``pos`` (negative: from the
    end) of each string.

    Example:
        >>> substr("hello", 1, 3).numpy()
        b'ell'
    """
    _unit(unit, "substr")
    arr = string_arrays.as_bytes_array(input, "substr")
    pos_arr, len_arr = (np.broadcast_to(np.asarray(
        v.array if isinstance(v, tensor_lib.Tensor) else v), arr.shape) for v in (pos, len))
    out = np.empty(arr.shape, dtype=object)
    pieces = []
    for b, p, n in zip(arr.flat, pos_arr.flat, len_arr.flat):
        seq = b if unit == "BYTE" else _decode(b)
        if not -builtins.len(seq) <= p <= builtins.len(seq):
            raise ValueError(f"tf.strings.substr: pos {int(p)} out of range for a string of "
                             f"length {builtins.len(seq)}.")
        start = p if p >= 0 else builtins.len(seq) + p
        piece = seq[start:start + n]
        pieces.append(piece if unit == "BYTE" else _encode(piece))
    out.reshape(-1)[:] = pieces
    return tensor_lib.Tensor(out)



def strip(input, name=None):  # noqa: A002
    """Remove leading and trailing ASCII whitespace."""
    return _map(bytes.strip, input, "strip")


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",
              name=None):  # noqa: A002
    """Numbers as strings: integers in decimal, floats with 6 decimals (or
    ``precision``), booleans as ``true``/``false``, as TensorFlow writes them."""
    arr = input.array if isinstance(input, tensor_lib.Tensor) else np.asarray(input)
    if arr.dtype.kind == "f":
        digits = 6 if precision < 0 else precision
        fmt = f"%.{digits}{'e' if scientific else 'f'}" if not shortest else "%g"
    elif arr.dtype.kind == "b":
        return tensor_lib.Tensor(np.where(arr, b"true", b"false").astype(object))
    else:
        fmt = "%d"
    if width > 0:
        fmt = fmt.replace("%", "%" + ("0" if fill == "0" else "") + str(width))
    out = np.empty(arr.shape, dtype=object)
    out.reshape(-1)[:] = [(fmt % v).encode() for v in arr.flat]
    return tensor_lib.Tensor(out)


def to_number(string_tensor, out_type="float32", name=None):
    """Parse each string as a number of ``out_type`` (float32 by default)."""
    from tapeflow import dtypes
    np_type = np.dtype(dtypes.as_dtype(out_type)._np)
    arr = string_arrays.as_bytes_array(string_tensor, "to_number")
    try:
        values = [float(b) if np_type.kind == "f" else int(b) for b in arr.flat]
    except ValueError as err:
        raise ValueError(f"tf.strings.to_number: cannot parse a string as "
                         f"{np.dtype(np_type).name}: {err}") from None
    return tensor_lib.Tensor(np.array(values, dtype=np_type).reshape(arr.shape))


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """Each string's FarmHash ``Fingerprint64`` modulo ``num_buckets``, int64 (the same
    buckets as TensorFlow).

    Example:
        >>> to_hash_bucket_fast(["a", "hello"], 7).numpy().tolist()
        [5, 5]
    """
    if int(num_buckets) < 1:
        raise ValueError(f"tf.strings.to_hash_bucket_fast: num_buckets must be at least 1; "
                         f"received {num_buckets}.")
    fingerprint = string_arrays.fingerprint64
    return _map(lambda b: fingerprint(b) % int(num_buckets), input, "to_hash_bucket_fast",
                dtype=np.int64)


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
