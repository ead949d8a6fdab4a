"""tapeflow's own PNG reader (tapeflow predict without Pillow or matplotlib)."""
import struct
import zlib

import numpy as np
import pytest

from tapeflow.commands import png


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _filter(row, prev, bpp, kind):
    """One scanline filtered with PNG filter ``kind`` (the encoder side, by the spec)."""
    out = []
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, _paeth(a, b, c)][kind]
        out.append((x - pred) % 256)
    return bytes([kind] + out)


def encode(samples, color, depth, palette=None, trns=None):
    """A PNG of ``samples`` (h, w, channels) whose rows cycle through all five filters."""
    h, w = samples.shape[:2]
    dtype = ">u2" if depth == 16 else np.uint8
    raw_rows = [np.ascontiguousarray(samples[y].astype(dtype)).tobytes() for y in range(h)]
    bpp = max(1, samples.shape[2] * depth // 8)
    prev, body = bytes(len(raw_rows[0])), b""
    for y, row in enumerate(raw_rows):
        body += _filter(row, prev, bpp, y % 5)
        prev = row
    head = struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0)
    extra = (_chunk(b"PLTE", palette) if palette else b"") + \
        (_chunk(b"tRNS", trns) if trns else b"")
    return (png.SIGNATURE + _chunk(b"IHDR", head) + extra
            + _chunk(b"IDAT", zlib.compress(body)) + _chunk(b"IEND", b""))


@pytest.mark.parametrize("color,channels", [(0, 1), (2, 3), (4, 2), (6, 4)])
@pytest.mark.parametrize("depth", [8, 16])
def test_every_filter_colour_type_and_depth_decodes_exactly(color, channels, depth):
    rng = np.random.default_rng(color * 100 + depth)
    top = (1 << depth) - 1
    samples = rng.integers(0, top + 1, (11, 7, channels))
    got = png.decode_png(encode(samples, color, depth))
    expected = samples / top
    np.testing.assert_array_equal(got, expected[..., 0] if channels == 1 else expected)


def test_palette_with_transparency():
    palette = bytes([0, 0, 0, 255, 255, 255, 255, 0, 0])
    indices = np.array([[[0], [1], [2]], [[2], [1], [0]]])
    got = png.decode_png(encode(indices, 3, 8, palette=palette, trns=bytes([0])))
    assert got.shape == (2, 3, 4)
    assert got[0, 0].tolist() == [0, 0, 0, 0] and got[0, 2].tolist() == [1, 0, 0, 1]


def test_one_bit_gray():
    bits = np.array([[1, 0, 1, 1, 0, 0, 1, 0, 1]])
    packed = np.packbits(bits, axis=1)
    data = (png.SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 9, 1, 1, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\0" + packed.tobytes()))
            + _chunk(b"IEND", b""))
    assert png.decode_png(data).tolist() == [bits[0].astype(float).tolist()]


def test_bad_files_are_named_errors():
    with pytest.raises(png.PNGError, match="not a PNG.*Pillow"):
        png.decode_png(b"GIF89a")
    huge = png.SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1 << 20, 1 << 20,
                                                         8, 0, 0, 0, 0))
    with pytest.raises(png.PNGError, match="declares 1048576x1048576 pixels"):
        png.decode_png(huge)
    bomb = encode(np.zeros((4, 4, 1), int), 0, 8)
    with pytest.raises(png.PNGError, match="interlace 1"):
        png.decode_png(bomb.replace(struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0),
                                    struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 1)))


def test_predict_reads_a_png_without_pillow_or_matplotlib(monkeypatch, tmp_path):
    import builtins
    from tapeflow.commands import image
    real_import = builtins.__import__

    def no_extras(name, *args, **kwargs):
        if name.split(".")[0] in ("PIL", "matplotlib"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_extras)
    paper = np.full((56, 56, 1), 255)
    paper[10:46, 26:30] = 0  # a dark "1" on white paper
    path = tmp_path / "one.png"
    path.write_bytes(encode(paper, 0, 8))
    digit, inverted = image.to_mnist(image.read_image(str(path)))
    assert digit.shape == (28, 28) and inverted and digit[14, 14] == 1.0
