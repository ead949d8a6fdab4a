"""TensorBoard event files, written and read without TensorFlow or protobuf.

An event file is a sequence of TFRecords: ``uint64 length``, ``uint32
masked_crc32c(length)``, ``data``, ``uint32 masked_crc32c(data)`` (little-endian), each
``data`` one serialized ``tensorflow.Event`` protocol buffer. The few messages needed
(``Event``, ``Summary``, ``Summary.Value``, ``HistogramProto``, ``SummaryMetadata``,
``TensorProto``) are encoded here field by field from TensorFlow's ``.proto`` field
numbers; :func:`read_events` decodes them back (for tests and quick looks), checking
both CRCs of every record.

Example:
    >>> crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    True
    >>> event = encode_event(1.5, 3, summary=encode_scalar("loss", 0.25))
    >>> decode_event(event)["summary"][0]["simple_value"]
    0.25
"""

from __future__ import annotations

import struct

import numpy as np

__all__ = ["crc32c", "masked_crc32c", "frame", "read_records", "encode_event",
           "encode_scalar", "encode_histogram", "encode_tensor_summary", "decode_event",
           "read_events", "RecordError"]


class RecordError(ValueError):
    """An event file that is truncated or fails its CRC check."""


def _crc_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum TFRecords use."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right by 15 bits, add 0xa282ead8."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    """One TFRecord holding ``data``."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_records(path):
    """Yields the data of each TFRecord of a file, checking both CRCs.

    Raises:
        RecordError: A record is truncated or a CRC does not match.
    """
    with open(path, "rb") as f:
        blob = f.read()
    pos = 0
    while pos < len(blob):
        if pos + 12 > len(blob):
            raise RecordError(f"{path}: truncated record header at byte {pos}")
        header = blob[pos:pos + 8]
        (length,), (crc,) = struct.unpack("<Q", header), struct.unpack(
            "<I", blob[pos + 8:pos + 12])
        if crc != masked_crc32c(header):
            raise RecordError(f"{path}: length CRC mismatch at byte {pos}")
        data = blob[pos + 12:pos + 12 + length]
        if len(data) != length or pos + 16 + length > len(blob):
            raise RecordError(f"{path}: truncated record at byte {pos}")
        (crc,) = struct.unpack("<I", blob[pos + 12 + length:pos + 16 + length])
        if crc != masked_crc32c(data):
            raise RecordError(f"{path}: data CRC mismatch at byte {pos}")
        yield data
        pos += 16 + length


# --- protobuf wire format -------------------------------------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 as two's complement, 10 bytes
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _bytes_field(field: int, data) -> bytes:
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return _key(field, 2) + _varint(len(data)) + data


def _double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(value))


def _packed_doubles(field: int, values) -> bytes:
    return _bytes_field(field, np.asarray(values, dtype="<f8").tobytes())


def _metadata(plugin: str | None, content: bytes = b"", description: str | None = None):
    out = b""
    if plugin:
        out += _bytes_field(1, _bytes_field(1, plugin) + (
            _bytes_field(2, content) if content else b""))
    if description:
        out += _bytes_field(3, description)
    return _bytes_field(9, out) if out else b""


def encode_scalar(tag: str, value: float, description: str | None = None) -> bytes:
    """A ``Summary`` with one ``simple_value`` (what TensorBoard's scalars read)."""
    value_msg = (_bytes_field(1, tag) + _key(2, 5) + struct.pack("<f", float(value))
                 + _metadata("scalars" if description else None, b"", description))
    return _bytes_field(1, value_msg)


def encode_histogram(tag: str, left_edges, right_edges, counts, stats,
                     description: str | None = None) -> bytes:
    """A ``Summary`` with one ``HistogramProto``.

    Args:
        stats: ``(min, max, num, sum, sum_squares)`` of the values.
    """
    del left_edges  # implied: each bucket starts where the previous one ends (min first)
    histo = b"".join(_double(i + 1, v) for i, v in enumerate(stats))
    histo += _packed_doubles(6, right_edges) + _packed_doubles(7, counts)
    value_msg = (_bytes_field(1, tag) + _bytes_field(5, histo)
                 + _metadata(None, b"", description))
    return _bytes_field(1, value_msg)


def encode_tensor_summary(tag: str, strings, plugin: str, content: bytes = b"",
                          description: str | None = None) -> bytes:
    """A ``Summary`` with a DT_STRING ``TensorProto`` (text, Keras model config)."""
    strings = [strings] if isinstance(strings, (str, bytes)) else list(strings)
    shape = b"" if len(strings) == 1 else _bytes_field(2, _key(1, 0) + _varint(len(strings)))
    tensor = _key(1, 0) + _varint(7) + _bytes_field(2, shape) + b"".join(
        _bytes_field(8, s) for s in strings)
    value_msg = (_bytes_field(1, tag) + _metadata(plugin, content, description)
                 + _bytes_field(8, tensor))
    return _bytes_field(1, value_msg)


def encode_event(wall_time: float, step: int = 0, *, summary: bytes | None = None,
                 file_version: str | None = None, graph_def: bytes | None = None) -> bytes:
    """One serialized ``Event`` (``summary`` is a serialized ``Summary``)."""
    out = _double(1, wall_time) + (_key(2, 0) + _varint(int(step)) if step else b"")
    if file_version is not None:
        out += _bytes_field(3, file_version)
    if graph_def is not None:
        out += _bytes_field(4, graph_def)
    if summary is not None:
        out += _bytes_field(5, summary)
    return out


# --- decoding (tests, inspection) -----------------------------------------------------
def _fields(data: bytes):
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        elif wire == 2:
            size, pos = _read_varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        else:
            raise RecordError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value


def _read_varint(data: bytes, pos: int):
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _decode_value(data: bytes) -> dict:
    out = {}
    for field, _, value in _fields(data):
        if field == 1:
            out["tag"] = value.decode("utf-8")
        elif field == 2:
            out["simple_value"] = struct.unpack("<f", value)[0]
        elif field == 5:
            histo = {}
            for f, _, v in _fields(value):
                names = {1: "min", 2: "max", 3: "num", 4: "sum", 5: "sum_squares"}
                if f in names:
                    histo[names[f]] = struct.unpack("<d", v)[0]
                elif f in (6, 7):
                    histo["bucket_limit" if f == 6 else "bucket"] = np.frombuffer(
                        v, "<f8").tolist()
            out["histo"] = histo
        elif field == 8:
            out["string_val"] = [v for f, _, v in _fields(value) if f == 8]
        elif field == 9:
            plugin = [v for f, _, v in _fields(value) if f == 1]
            if plugin:
                out["plugin_name"] = next(v for f, _, v in _fields(plugin[0])
                                          if f == 1).decode("utf-8")
    return out


def decode_event(data: bytes) -> dict:
    """An ``Event`` as a dict: wall_time, step, and file_version or summary values."""
    event = {"wall_time": 0.0, "step": 0}
    for field, _, value in _fields(data):
        if field == 1:
            event["wall_time"] = struct.unpack("<d", value)[0]
        elif field == 2:
            event["step"] = value - (1 << 64) if value >> 63 else value
        elif field == 3:
            event["file_version"] = value.decode("utf-8")
        elif field == 4:
            event["graph_def"] = value
        elif field == 5:
            event["summary"] = [_decode_value(v) for f, _, v in _fields(value) if f == 1]
    return event


def read_events(path) -> list:
    """Every event of an event file, decoded (see :func:`decode_event`).

    Example:
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "events.out.tfevents.0.h")
        >>> _ = open(p, "wb").write(frame(encode_event(2.0, file_version="brain.Event:2")))
        >>> read_events(p)
        [{'wall_time': 2.0, 'step': 0, 'file_version': 'brain.Event:2'}]
    """
    return [decode_event(data) for data in read_records(path)]
