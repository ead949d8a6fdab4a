"""A small PNG reader (standard library and NumPy only), so ``tapeflow predict`` needs
neither Pillow nor matplotlib for PNG files.

Reads non-interlaced PNGs of every colour type (gray, RGB, palette, gray+alpha,
RGBA) at bit depth 8 or 16 (gray and palette also at 1, 2 and 4). The declared
size is checked before anything is inflated, and inflation stops at the size the
header declares. Interlaced files raise :class:`PNGError` naming Pillow.

Example:
    >>> import zlib
    >>> def chunk(kind, data):
    ...     body = kind + data
    ...     return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    >>> ihdr = (2).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    >>> data = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", ihdr)
    ...         + chunk(b"IDAT", zlib.compress(bytes([0, 0, 255]))) + chunk(b"IEND", b""))
    >>> decode_png(data).tolist()
    [[0.0, 1.0]]
"""
import struct
import zlib

import numpy as np

__all__ = ["PNGError", "decode_png", "read_png", "MAX_PIXELS"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 1 << 26       # 64 megapixels: far beyond any image a digit comes in
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


class PNGError(ValueError):
    """A file that is not a PNG this reader can decode."""


def read_png(path):
    """The PNG at ``path`` as floats in [0, 1], shape (h, w) or (h, w, channels)."""
    with open(path, "rb") as f:
        return decode_png(f.read())


def _chunks(data):
    pos = len(SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def decode_png(data):
    """PNG bytes -> floats in [0, 1] (palette images expanded to RGB or RGBA)."""
    if not data.startswith(SIGNATURE):
        raise PNGError("not a PNG file (no PNG signature); other formats need Pillow: "
                       "pip install \"tapeflow[image]\"")
    chunks = list(_chunks(data))
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise PNGError("PNG file without a valid IHDR header")
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if color not in _CHANNELS or depth not in (1, 2, 4, 8, 16) or interlace:
        raise PNGError(f"PNG colour type {color}, bit depth {depth}, interlace {interlace} "
                       f"is not supported here; install Pillow: pip install "
                       f"\"tapeflow[image]\"")
    if width * height > MAX_PIXELS or not width or not height:
        raise PNGError(f"PNG header declares {width}x{height} pixels; refusing (limit "
                       f"{MAX_PIXELS:,} pixels)")
    channels = _CHANNELS[color]
    row_bytes = (width * channels * depth + 7) // 8
    raw = _inflate(b"".join(body for kind, body in chunks if kind == b"IDAT"),
                   height * (row_bytes + 1))
    rows = _unfilter(raw, height, row_bytes, max(1, channels * depth // 8))
    values = _samples(rows, width, channels, depth)
    if color == 3:
        return _palette(values[..., 0], dict(chunks))
    values = values / float((1 << depth) - 1)
    return values[..., 0] if channels == 1 else values


def _inflate(compressed, expected):
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, expected)
    except zlib.error as err:
        raise PNGError(f"corrupt PNG image data ({err})") from None
    if len(raw) != expected:
        raise PNGError(f"PNG image data holds {len(raw)} bytes; its header needs {expected}")
    return raw


def _unfilter(raw, height, row_bytes, bpp):
    data = np.frombuffer(raw, np.uint8).reshape(height, row_bytes + 1)
    out = np.zeros((height, row_bytes), np.uint8)
    previous = np.zeros(row_bytes, np.int32)
    for y in range(height):
        kind, line = data[y, 0], data[y, 1:].astype(np.int32)
        if kind == 1:
            line = _sub(line, bpp)
        elif kind == 2:
            line = line + previous
        elif kind in (3, 4):
            line = _sequential(line, previous, bpp, kind)
        elif kind != 0:
            raise PNGError(f"PNG row {y} has unknown filter type {kind}")
        out[y] = line & 0xFF
        previous = out[y].astype(np.int32)
    return out


def _sub(line, bpp):
    padded = np.zeros(-(-len(line) // bpp) * bpp, np.int64)
    padded[:len(line)] = line
    return (np.cumsum(padded.reshape(-1, bpp), axis=0).reshape(-1)[:len(line)]) & 0xFF


def _sequential(line, previous, bpp, kind):
    out = [0] * len(line)
    for i, value in enumerate(line.tolist()):
        left = out[i - bpp] if i >= bpp else 0
        up = int(previous[i])
        if kind == 3:
            out[i] = (value + (left + up) // 2) & 0xFF
            continue
        corner = int(previous[i - bpp]) if i >= bpp else 0
        guess = left + up - corner
        pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
        pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
        out[i] = (value + pred) & 0xFF
    return np.asarray(out, np.int32)


def _samples(rows, width, channels, depth):
    if depth == 16:
        values = rows.view(">u2").astype(np.float64)
    elif depth == 8:
        values = rows.astype(np.float64)
    else:
        bits = np.unpackbits(rows, axis=1).reshape(rows.shape[0], -1, depth)
        weights = 1 << np.arange(depth - 1, -1, -1)
        values = (bits * weights).sum(axis=-1).astype(np.float64)
    return values[:, :width * channels].reshape(rows.shape[0], width, channels)


def _palette(indices, chunks):
    if b"PLTE" not in chunks:
        raise PNGError("palette PNG without a PLTE chunk")
    palette = np.frombuffer(chunks[b"PLTE"], np.uint8).reshape(-1, 3) / 255.0
    alpha = np.ones(len(palette))
    if b"tRNS" in chunks:
        given = np.frombuffer(chunks[b"tRNS"], np.uint8)[:len(palette)] / 255.0
        alpha[:len(given)] = given
        palette = np.concatenate([palette, alpha[:, None]], axis=1)
    index = indices.astype(np.int64)
    if index.max(initial=0) >= len(palette):
        raise PNGError("palette PNG with an index beyond its palette")
    return palette[index]
