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

import gzip
import os
import zlib

import numpy as np

__all__ = ["IDXFormatError", "encode_idx", "parse_idx", "read_bytes", "read_idx"]

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
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(view) != expected:
        kind = "truncated" if len(view) < expected else "longer than its header says"
        raise IDXFormatError(
            f"{source}: IDX header says shape {shape} of {dtype.name}, so the file must "
            f"be {expected:,} bytes; received {len(view):,} bytes ({kind}). Delete the "
            "file and fetch it again (`tapeflow datasets fetch`)."
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


def read_bytes(path: str | os.PathLike) -> bytearray:
    """Reads a file into a bytearray, gunzipping it when it starts with the gzip magic.

    Args:
        path: A raw or gzip-compressed file.

    Returns:
        The (decompressed) content, in a writable buffer.

    Raises:
        IDXFormatError: The gzip stream is corrupt or truncated.

    Example:
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "f")
        >>> _ = open(p, "wb").write(b"abc")
        >>> bytes(read_bytes(p))
        b'abc'
    """
    size = os.path.getsize(path)
    data = bytearray(size)
    with open(path, "rb") as f:
        got = f.readinto(data)
    del data[got:]
    if data[:2] == b"\x1f\x8b":
        try:
            data = bytearray(gzip.decompress(data))
        except (EOFError, OSError, zlib.error) as err:
            raise IDXFormatError(
                f"{os.fspath(path)}: expected a complete gzip stream; received a "
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
