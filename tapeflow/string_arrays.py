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

__all__ = ["to_bytes", "as_bytes_array", "pad_rows", "ngram_list", "fingerprint64"]


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


# --- FarmHash Fingerprint64 (farmhashna::Hash64), TensorFlow's string hash -------------
_MASK = (1 << 64) - 1
_K0, _K1, _K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f


def _fetch(s, i):
    return int.from_bytes(s[i:i + 8], "little")


def _rotate(val, shift):
    return val if shift == 0 else ((val >> shift) | (val << (64 - shift))) & _MASK


def _shift_mix(val):
    return val ^ (val >> 47)


def _hash_len16(u, v, mul):
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_len0to16(s, n):
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch(s, 0) + _K2) & _MASK
        b = _fetch(s, n - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _K2 + n * 2
        a = int.from_bytes(s[:4], "little")
        return _hash_len16((n + (a << 3)) & _MASK, int.from_bytes(s[n - 4:n], "little"), mul)
    if n > 0:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to32(s, n):
    mul = _K2 + n * 2
    a = (_fetch(s, 0) * _K1) & _MASK
    b = _fetch(s, 8)
    c = (_fetch(s, n - 8) * mul) & _MASK
    d = (_fetch(s, n - 16) * _K2) & _MASK
    return _hash_len16((_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
                       (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)


def _hash_len33to64(s, n):
    mul = _K2 + n * 2
    a = (_fetch(s, 0) * _K2) & _MASK
    b = _fetch(s, 8)
    c = (_fetch(s, n - 8) * mul) & _MASK
    d = (_fetch(s, n - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch(s, 16) * mul) & _MASK
    f = _fetch(s, 24)
    g = ((y + _fetch(s, n - 32)) * mul) & _MASK
    h = ((z + _fetch(s, n - 24)) * mul) & _MASK
    return _hash_len16((_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
                       (e + _rotate((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak32(s, i, a, b):
    w, x, y, z = (_fetch(s, i + k) for k in (0, 8, 16, 24))
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def _round(s, pos, state, mul, times):
    """One 64-byte round of Hash64's long loop (``times`` is 9 in the final round);
    returns the state with x and z swapped, as FarmHash does."""
    x, y, z, v, w = state
    x = (_rotate((x + y + v[0] + _fetch(s, pos + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotate((y + v[1] + _fetch(s, pos + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * times) & _MASK
    y = (y + v[0] * times + _fetch(s, pos + 40)) & _MASK
    z = (_rotate((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak32(s, pos, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak32(s, pos + 32, (z + w[1]) & _MASK, (y + _fetch(s, pos + 16)) & _MASK)
    return z, y, x, v, w


def _hash_long(s, n):
    y = (81 * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    state = ((81 * _K2 + _fetch(s, 0)) & _MASK, y, z, (0, 0), (0, 0))
    end = ((n - 1) // 64) * 64
    for pos in range(0, end, 64):
        state = _round(s, pos, state, _K1, 1)
    x, y, z, v, w = state
    mul = _K1 + ((z & 0xff) << 1)
    w0 = (w[0] + ((n - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    state = (x, y, z, (v0, v[1]), ((w0 + v0) & _MASK, w[1]))
    x, y, z, v, w = _round(s, n - 64, state, mul, 9)
    return _hash_len16((_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                       (_hash_len16(v[1], w[1], mul) + x) & _MASK, mul)


def fingerprint64(data):
    """FarmHash's ``Fingerprint64`` of ``bytes`` (TensorFlow's string hash, as used by
    ``tf.strings.to_hash_bucket_fast`` and Keras's lookups with several OOV slots).

    Example:
        >>> fingerprint64(b"") == 0x9ae16a3b2f90404f
        True
    """
    n = len(data)
    if n <= 16:
        return _hash_len0to16(data, n)
    if n <= 32:
        return _hash_len17to32(data, n)
    if n <= 64:
        return _hash_len33to64(data, n)
    return _hash_long(data, n)
