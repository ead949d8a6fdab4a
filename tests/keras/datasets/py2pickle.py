"""Writes pickles the way Python 2's cPickle (protocol 2) wrote Keras's dataset files.

Python 3 cannot produce them (it pickles bytes through ``_codecs.encode``), so the
opcodes are emitted by hand: ``str`` as SHORT_BINSTRING/BINSTRING, ints as BININT*,
NumPy arrays through ``numpy.core.multiarray._reconstruct`` as NumPy 1 did.
"""

from __future__ import annotations

import struct

import numpy as np


def _int(v: int) -> bytes:
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if 0 <= v < 65536:
        return b"M" + struct.pack("<H", v)
    return b"J" + struct.pack("<i", v)


def _str(s) -> bytes:
    data = s.encode("latin1") if isinstance(s, str) else bytes(s)
    if len(data) < 256:
        return b"U" + bytes([len(data)]) + data
    return b"T" + struct.pack("<I", len(data)) + data


def _tuple(items) -> bytes:
    return b"(" + b"".join(_obj(v) for v in items) + b"t"


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _array(a: np.ndarray, module: str) -> bytes:
    code = "O8" if a.dtype.kind == "O" else a.dtype.str[1:]
    order = "|" if a.dtype.kind == "O" or a.dtype.itemsize == 1 else "<"
    out = (_global(module, "_reconstruct") + _global("numpy", "ndarray") + _int(0)
           + b"\x85" + _str("b") + b"\x87R")
    dtype = (_global("numpy", "dtype") + _str(code) + _int(0) + _int(1) + b"\x87R"
             + _tuple([3, order, None, None, None, -1, -1, 63 if code == "O8" else 0])
             + b"b")
    data = _obj(list(a.ravel())) if a.dtype.kind == "O" else _str(a.tobytes())
    return out + b"(" + _int(1) + _tuple(a.shape) + dtype + b"\x89" + data + b"tb"


def _obj(v, module="numpy.core.multiarray") -> bytes:
    if v is None:
        return b"N"
    if v is True or v is False:
        return b"\x88" if v else b"\x89"
    if isinstance(v, (int, np.integer)):
        return _int(int(v))
    if isinstance(v, (str, bytes)):
        return _str(v)
    if isinstance(v, tuple):
        return _tuple(v)
    if isinstance(v, list):
        return b"](" + b"".join(_obj(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"}(" + b"".join(_obj(k) + _obj(x) for k, x in v.items()) + b"u"
    if isinstance(v, np.ndarray):
        return _array(v, module)
    raise TypeError(type(v))


def dumps(obj, module: str = "numpy.core.multiarray") -> bytes:
    """A Python-2-style protocol-2 pickle of dicts, lists, ints, strs and arrays."""
    return b"\x80\x02" + _obj(obj, module) + b"."


def npy_object(a: np.ndarray) -> bytes:
    """A version-1.0 ``.npy`` file of an object array with a Python 2 pickle payload."""
    header = "{'descr': '|O', 'fortran_order': False, 'shape': %r, }" % (a.shape,)
    header = header.encode("latin1")
    pad = 64 - (10 + len(header) + 1) % 64
    header += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + dumps(a)
