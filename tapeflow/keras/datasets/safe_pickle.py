"""A restricted reader for the pickles inside Keras's dataset files. Nothing is executed.

Keras's ``imdb.npz`` and ``reuters.npz`` hold ragged ``dtype=object`` arrays, which
NumPy can store only as a pickle; the CIFAR "python version" archives are pickled dicts.
``np.load(allow_pickle=True)`` or ``pickle.load`` on such a file runs whatever code it
names. This reader runs the standard unpickler with ``find_class`` admitting exactly
the four globals a NumPy array's pickle names (``numpy.ndarray``, ``numpy.dtype`` and
``numpy[._]core.multiarray._reconstruct``, as Keras 3's own ``npz_utils`` does) -- and
even those are not NumPy's: they resolve to inert tokens that only record what the
pickle asks for. The tokens build the array themselves, after checking the dtype is a
plain number or object dtype, the shape is within ``MAX_ELEMENTS`` and the data is
exactly the expected size. Object arrays may hold only lists of ints (or integer
arrays). Any other global, dtype or structure raises :class:`UnsafePickleError`.

Example:
    >>> import io, numpy as np
    >>> buf = io.BytesIO()
    >>> np.save(buf, np.array([[1, 2], [3]], dtype=object), allow_pickle=True)
    >>> read_npy(buf.getvalue()).tolist()
    [[1, 2], [3]]
    >>> import pickle, os
    >>> loads(pickle.dumps(os.getcwd))
    Traceback (most recent call last):
    ...
    tapeflow.keras.datasets.safe_pickle.UnsafePickleError: Refusing to read a pickle that names the global `posix.getcwd`: a Keras dataset file holds only NumPy arrays, lists of ints and dicts. The file may be corrupted or malicious; delete it and download it again.
"""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

__all__ = ["UnsafePickleError", "load_npz", "loads", "read_npy"]

MAX_ELEMENTS = 1 << 31  # one array of at most 2**31 elements
MAX_MEMBER_BYTES = 4 << 30  # an .npz member of at most 4 GiB uncompressed
NUMERIC_DTYPES = frozenset(["b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8",
                            "f2", "f4", "f8"])
OBJECT_DTYPES = frozenset(["O4", "O8"])
_RECONSTRUCT_MODULES = ("numpy.core.multiarray", "numpy._core.multiarray")


class UnsafePickleError(pickle.UnpicklingError):
    """A dataset pickle holds something other than arrays, lists of ints and dicts."""


def _refuse(what: str) -> UnsafePickleError:
    return UnsafePickleError(
        f"Refusing to read a pickle that {what}: a Keras dataset file holds only NumPy "
        "arrays, lists of ints and dicts. The file may be corrupted or malicious; "
        "delete it and download it again.")


class _NdarrayClass:
    """Stands for ``numpy.ndarray``; it can only be passed to ``_reconstruct``."""

    __slots__ = ()


_NDARRAY = _NdarrayClass()


class _DtypeToken:
    """Stands for ``numpy.dtype(name, align, copy)`` of a plain dtype."""

    __slots__ = ("dtype",)

    def __init__(self, name, align=False, copy=True):
        if isinstance(name, bytes):
            name = name.decode("latin1")
        if not isinstance(name, str) or name not in NUMERIC_DTYPES | OBJECT_DTYPES:
            raise _refuse(f"asks for dtype {name!r} (expected one of "
                          f"{sorted(NUMERIC_DTYPES | OBJECT_DTYPES)})")
        self.dtype = np.dtype(name)

    def __setstate__(self, state):
        # (version, byteorder, subarray, names, fields, elsize, alignment, flags)
        if not isinstance(state, tuple) or len(state) < 5 or any(
                part is not None for part in state[2:5]):
            raise _refuse(f"gives dtype {self.dtype} a structured state {state!r}")
        order = state[1].decode("latin1") if isinstance(state[1], bytes) else state[1]
        if order not in ("<", ">", "|", "="):
            raise _refuse(f"gives dtype {self.dtype} the byte order {order!r}")
        if order in ("<", ">"):
            self.dtype = self.dtype.newbyteorder(order)


class _ArrayToken:
    """Stands for ``_reconstruct(ndarray, (0,), b'b')``; ``__setstate__`` builds it."""

    __slots__ = ("array",)

    def __init__(self, cls, shape=(0,), typecode=b"b"):
        if cls is not _NDARRAY:
            raise _refuse("calls _reconstruct on something other than numpy.ndarray")
        self.array = None

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) != 5:
            raise _refuse("gives an array a state that is not (version, shape, dtype, "
                          "fortran, data)")
        _, shape, dtype, fortran, data = state
        if not isinstance(dtype, _DtypeToken):
            raise _refuse("gives an array a dtype that is not numpy.dtype")
        if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0
                                                 for n in shape)):
            raise _refuse(f"gives an array the shape {shape!r}")
        size = int(np.prod(shape, dtype=np.int64))
        if size > MAX_ELEMENTS:
            raise _refuse(f"asks for an array of {size:,} elements (limit {MAX_ELEMENTS:,})")
        order = "F" if fortran else "C"
        if dtype.dtype.kind == "O":
            self.array = _object_array(data, shape, size, order)
        else:
            self.array = _numeric_array(data, dtype.dtype, shape, size, order)


def _numeric_array(data, dtype, shape, size, order):
    if isinstance(data, str):  # a Python 2 str read with encoding="latin1"
        data = data.encode("latin1")
    if not isinstance(data, (bytes, bytearray)) or len(data) != size * dtype.itemsize:
        got = len(data) if isinstance(data, (bytes, bytearray, str)) else type(data).__name__
        raise _refuse(f"gives a {dtype} array of shape {shape} {got} bytes of data "
                      f"(expected {size * dtype.itemsize})")
    return np.frombuffer(bytes(data), dtype=dtype).reshape(shape, order=order).copy()


def _object_array(data, shape, size, order):
    if not isinstance(data, list) or len(data) != size:
        raise _refuse(f"gives an object array of shape {shape} data that is not a list of "
                      f"{size} items")
    items = [_int_list(item) for item in data]
    out = np.empty(size, dtype=object)
    out[:] = items
    return out.reshape(shape, order=order)


def _int_list(item):
    if isinstance(item, _ArrayToken):
        if item.array is None or item.array.dtype.kind not in "iub" or item.array.ndim != 1:
            raise _refuse("puts a non-integer array inside an object array")
        return item.array.tolist()
    if type(item) is not list or not set(map(type, item)) <= {int}:
        raise _refuse(f"puts a {type(item).__name__} that is not a list of ints inside "
                      "an object array")
    return item


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("numpy", "ndarray"):
            return _NDARRAY
        if (module, name) == ("numpy", "dtype"):
            return _DtypeToken
        if name == "_reconstruct" and module in _RECONSTRUCT_MODULES:
            return _ArrayToken
        raise _refuse(f"names the global `{module}.{name}`")

    def persistent_load(self, pid):
        raise _refuse("uses a persistent id")


def _finish(obj, depth: int = 0):
    """Replaces array tokens by their arrays in the (shallow) dict/list structure."""
    if isinstance(obj, _ArrayToken):
        if obj.array is None:
            raise _refuse("reconstructs an array without giving its state")
        return obj.array
    if isinstance(obj, (_DtypeToken, _NdarrayClass)):
        raise _refuse("leaves a bare numpy.dtype or numpy.ndarray in the data")
    if depth < 2 and type(obj) is dict:
        return {key: _finish(value, depth + 1) for key, value in obj.items()}
    if depth < 2 and type(obj) is list and any(
            isinstance(v, (_ArrayToken, _DtypeToken, _NdarrayClass)) for v in obj):
        return [_finish(value, depth + 1) for value in obj]
    return obj


def loads(data: bytes, encoding: str = "latin1"):
    """Reads one restricted pickle from bytes.

    Args:
        data: The pickle.
        encoding: How Python 2 ``str`` objects are read (``"bytes"`` keeps them as
            bytes, as Keras does for CIFAR).

    Returns:
        The object: arrays, lists, dicts, ints, floats, strings, bytes, None, bools.

    Raises:
        UnsafePickleError: The pickle names any other global or holds an unexpected
            dtype, shape or data size.

    Example:
        >>> import pickle
        >>> loads(pickle.dumps({"labels": [1, 2]}))
        {'labels': [1, 2]}
    """
    return load(io.BytesIO(data), encoding=encoding)


def load(file, encoding: str = "latin1"):
    """Reads one restricted pickle from an open binary file (see :func:`loads`)."""
    try:
        obj = _Unpickler(file, encoding=encoding).load()
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, TypeError, ValueError, AttributeError, EOFError,
            IndexError, KeyError, UnicodeDecodeError) as err:
        raise UnsafePickleError(f"Cannot read the dataset pickle: {err} "
                                f"({type(err).__name__}). The file is corrupted or not "
                                "in the expected format.") from None
    return _finish(obj)


def read_npy(data: bytes):
    """Reads one ``.npy`` member: numeric arrays without pickle, object arrays restricted.

    Example:
        >>> import io, numpy as np
        >>> buf = io.BytesIO(); np.save(buf, np.arange(3, dtype=np.uint8))
        >>> read_npy(buf.getvalue())
        array([0, 1, 2], dtype=uint8)
    """
    stream = io.BytesIO(data)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise UnsafePickleError(f"Unsupported .npy format version {version}.")
    if not dtype.hasobject:
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    array = load(stream)
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise _refuse(f"holds {type(array).__name__} where the .npy header promises an "
                      f"array of shape {tuple(shape)}")
    return array


def load_npz(path) -> dict:
    """Reads every array of an ``.npz`` file with :func:`read_npy`.

    Example:
        >>> import os, tempfile, numpy as np
        >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
        >>> np.savez(p, y=np.array([1, 0]))
        >>> load_npz(p)["y"].tolist()
        [1, 0]
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                raise UnsafePickleError(f"{path}: member {info.filename} claims "
                                        f"{info.file_size:,} bytes (limit "
                                        f"{MAX_MEMBER_BYTES:,}).")
            arrays[info.filename[:-4]] = read_npy(archive.read(info))
    return arrays
