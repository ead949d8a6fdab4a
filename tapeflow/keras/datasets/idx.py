"""The IDX file format of MNIST and Fashion-MNIST: parse and write, with checks.

An IDX file is a 4-byte magic number ``00 00 <dtype code> <ndim>``, then ``ndim``
big-endian uint32 dimensions, then the data in C order, big-endian. MNIST's
``train-images-idx3-ubyte`` is ``00 00 08 03``, dims 60000, 28, 28, then 47,040,000
bytes.

Example:
    >>> import numpy as np
    >>> from tapeflow.keras.datasets import idx
    >>> data = idx.encode_idx(np.arange(6, dtype=np.uint8).reshape(2, 3))
    >>> data[:4].hex(), len(data)
    ('00000802', 18)
    >>> idx.parse_idx(data).tolist()
    [[0, 1, 2], [3, 4, 5]]
"""

from __future__ import annotations

import math
import os
import zlib

import numpy as np

__all__ = ["IDXFormatError", "encode_idx", "parse_idx", "read_bytes", "read_idx",
           "declared_size", "MAX_IDX_BYTES"]

# The largest IDX file read (MNIST's biggest is 47 MB, EMNIST's 0.55 GB).
MAX_IDX_BYTES = 1 << 30
_CHUNK = 1 << 20

# IDX type code -> NumPy dtype (big-endian, as stored in the file).
_CODE_TO_DTYPE = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_KIND_SIZE_TO_CODE = {(d.kind, d.itemsize): code for code, d in _CODE_TO_DTYPE.items()}


class IDXFormatError(ValueError):
    """An IDX file whose header or length is not what the format requires."""


def parse_idx(buffer, source: str = "<bytes>") -> np.ndarray:
    """Parses IDX bytes into an array, without copying the data.

    The array views ``buffer``: pass a ``bytearray`` to get a writable array.

    Args:
        buffer: The whole file content (bytes, bytearray or memoryview), decompressed.
        source: Where the bytes came from, quoted in error messages.

    Returns:
        An array of the header's shape; multi-byte types are converted to native order.

    Raises:
        IDXFormatError: The magic number is wrong, the type code unknown, or the data
            length does not match the dimensions in the header.

    Example:
        >>> import numpy as np
        >>> parse_idx(encode_idx(np.array([7, 2, 1], dtype=np.uint8))).tolist()
        [7, 2, 1]
    """
    view = memoryview(buffer).cast("B")
    if len(view) < 4:
        raise IDXFormatError(
            f"{source}: expected an IDX file (at least a 4-byte magic number), received "
            f"{len(view)} bytes. The file is truncated or not IDX; delete it and fetch it "
            "again (`tapeflow datasets fetch`)."
        )
    zero1, zero2, code, ndim = view[0], view[1], view[2], view[3]
    if zero1 != 0 or zero2 != 0 or code not in _CODE_TO_DTYPE or ndim == 0:
        raise IDXFormatError(
            f"{source}: wrong IDX magic number 0x{bytes(view[:4]).hex()}; expected "
            "0x0000TTNN with type code TT in {08, 09, 0b, 0c, 0d, 0e} and NN >= 1 "
            "dimensions (MNIST images: 0x00000803, labels: 0x00000801). Is it still "
            "gzip-compressed (starts with 1f8b), or another file under an IDX name?"
        )
    header = 4 + 4 * ndim
    if len(view) < header:
        raise IDXFormatError(
            f"{source}: header declares {ndim} dimensions, which needs {header} header "
            f"bytes; received only {len(view)} bytes in total. The file is truncated; "
            "delete it and fetch it again."
        )
    shape = tuple(int(d) for d in np.frombuffer(view, dtype=">u4", count=ndim, offset=4))
    dtype = _CODE_TO_DTYPE[code]
    expected = header + math.prod(shape) * dtype.itemsize  # Python ints: no overflow
    if len(view) != expected:
        kind = "truncated" if len(view) < expected else "longer than its header says"
        raise IDXFormatError(
            f"{source}: IDX header says shape {shape} of {dtype.name} (dimension fields "
            f"at bytes 4-{header - 1}), so the file must be {expected:,} bytes; received "
            f"{len(view):,} bytes ({kind}). Delete the file and fetch it again "
            "(`tapeflow datasets fetch`)."
        )
    array = np.frombuffer(view, dtype=dtype, offset=header).reshape(shape)
    if dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
    return array


def encode_idx(array) -> bytes:
    """Writes an array as IDX bytes (the inverse of :func:`parse_idx`).

    Args:
        array: Array of uint8, int8, int16, int32, float32 or float64, at least 1-D.

    Returns:
        The IDX file content.

    Raises:
        ValueError: The dtype has no IDX type code, or the array is 0-D.

    Example:
        >>> import numpy as np
        >>> encode_idx(np.zeros((1, 2, 2), np.uint8))[:8].hex()
        '0000080300000001'
    """
    array = np.asarray(array)
    code = _KIND_SIZE_TO_CODE.get((array.dtype.kind, array.dtype.itemsize))
    if code is None or array.ndim == 0 or array.ndim > 255:
        raise ValueError(
            "encode_idx expects a 1-D to 255-D array of uint8, int8, int16, int32, "
            f"float32 or float64; received dtype {array.dtype} with shape {array.shape}."
        )
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, _CODE_TO_DTYPE[code]).tobytes()


def declared_size(head) -> int | None:
    """The file length an IDX header declares, or None while ``head`` is too short
    (or not IDX: :func:`parse_idx` reports that later).

    Example:
        >>> declared_size(bytes([0, 0, 8, 1, 0, 0, 0, 5]))
        13
    """
    if len(head) < 4 or head[0] or head[1] or head[2] not in _CODE_TO_DTYPE:
        return None
    header = 4 + 4 * head[3]
    if len(head) < header:
        return None
    dims = np.frombuffer(bytes(head[4:header]), dtype=">u4")
    return header + math.prod(int(d) for d in dims) * _CODE_TO_DTYPE[head[2]].itemsize


def _check_declared(head, source, limit):
    size = declared_size(head)
    if size is not None and size > limit:
        raise IDXFormatError(
            f"{source}: IDX header (bytes 4-{3 + 4 * head[3]}, the dimensions) declares "
            f"{size:,} bytes of data, more than the {limit:,} any IDX data set needs; "
            "the file is corrupt or crafted. Delete it and fetch it again "
            "(`tapeflow datasets fetch`).")
    return size


def _gunzip(data, source, limit):
    """The gzip stream ``data`` (members one after another) inflated, never past the
    size its IDX header declares or ``limit``."""
    out, inflater, pending, cap, known = bytearray(), zlib.decompressobj(31), data, limit, False
    while inflater.unconsumed_tail or pending:
        piece = inflater.unconsumed_tail
        if not piece:
            piece, pending = pending[:_CHUNK], pending[_CHUNK:]
        room = cap + 1 - len(out) if known or len(out) >= 1024 else 1024 - len(out)
        out += inflater.decompress(piece, room)
        if not known and declared_size(out) is not None:
            # a little beyond the header's size, so parse_idx can say "longer than"
            cap, known = min(limit, _check_declared(out, source, limit) + _CHUNK), True
        if len(out) > cap:
            raise IDXFormatError(
                f"{source}: the gzip stream inflates beyond {cap:,} bytes, far more than "
                f"{'its IDX header declares' if known else 'any IDX data set needs'}; the "
                "file is corrupt or crafted. Delete it and fetch it again "
                "(`tapeflow datasets fetch`).")
        if inflater.eof:
            pending = inflater.unused_data + pending
            if not pending.strip(b"\0"):
                return out  # the last member, perhaps followed by padding
            inflater = zlib.decompressobj(31)
    if not inflater.eof:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    return out


def read_bytes(path: str | os.PathLike, limit: int = MAX_IDX_BYTES) -> bytearray:
    """Reads a file into a bytearray, gunzipping it when it starts with the gzip magic.

    Decompression stops as soon as the output passes the size the IDX header
    declares, or ``limit``: a gzip bomb is refused without inflating it.

    Args:
        path: A raw or gzip-compressed file.
        limit: The most bytes the (decompressed) content may have.

    Returns:
        The (decompressed) content, in a writable buffer.

    Raises:
        IDXFormatError: The gzip stream is corrupt, truncated or too large, or the
            file is larger than ``limit``.

    Example:
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "f")
        >>> _ = open(p, "wb").write(b"abc")
        >>> bytes(read_bytes(p))
        b'abc'
    """
    source = os.fspath(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic != b"\x1f\x8b" and size > limit:
        raise IDXFormatError(f"{source}: {size:,} bytes, more than the {limit:,} any IDX "
                             "data set needs. Is it the right file?")
    data = bytearray(size)
    with open(path, "rb") as f:
        got = f.readinto(data)
    del data[got:]
    if data[:2] == b"\x1f\x8b":
        try:
            data = _gunzip(bytes(data), source, limit)
        except (EOFError, OSError, zlib.error) as err:
            raise IDXFormatError(
                f"{source}: expected a complete gzip stream; received a "
                f"corrupt or truncated one ({err}). Delete the file and fetch it again."
            ) from err
    return data


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Reads a raw or gzip-compressed IDX file into a writable array.

    Args:
        path: Path of the file.

    Returns:
        The array stored in the file.

    Example:
        >>> import os, tempfile, numpy as np
        >>> p = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
        >>> _ = open(p, "wb").write(encode_idx(np.array([5, 0, 4], np.uint8)))
        >>> read_idx(p).tolist()
        [5, 0, 4]
    """
    return parse_idx(read_bytes(path), source=os.fspath(path))
