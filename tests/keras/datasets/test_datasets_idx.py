"""IDX parsing: round trips, and every malformed header or length is named."""

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tapeflow.keras.datasets import idx

DTYPES = ["uint8", "int8", "int16", "int32", "float32", "float64"]


def test_mnist_style_header_is_the_documented_bytes():
    data = idx.encode_idx(np.zeros((2, 28, 28), np.uint8))
    assert data[:16].hex() == "00000803" + "00000002" + "0000001c" + "0000001c"
    assert len(data) == 16 + 2 * 28 * 28


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 5), min_size=1, max_size=4),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_encode_parse_round_trip(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    back = idx.parse_idx(idx.encode_idx(array))
    assert back.shape == tuple(shape)
    assert back.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(back, array)


def test_parse_of_bytearray_is_writable_and_shares_memory():
    buf = bytearray(idx.encode_idx(np.array([1, 2, 3], np.uint8)))
    array = idx.parse_idx(buf)
    array[0] = 9
    assert buf[-3] == 9


@pytest.mark.parametrize("magic", ["00000801", "00000803"])
def test_read_idx_reads_raw_and_gzip(tmp_path, magic):
    array = np.arange(24, dtype=np.uint8).reshape(-1) if magic.endswith("1") else \
        np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    raw, gz = tmp_path / "raw", tmp_path / "file.gz"
    raw.write_bytes(idx.encode_idx(array))
    gz.write_bytes(gzip.compress(idx.encode_idx(array)))
    np.testing.assert_array_equal(idx.read_idx(raw), array)
    np.testing.assert_array_equal(idx.read_idx(gz), array)


def test_wrong_magic_number_is_named_with_expected_and_received(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(b"\x12\x34\x08\x03" + bytes(12))
    with pytest.raises(idx.IDXFormatError) as err:
        idx.read_idx(path)
    message = str(err.value)
    assert str(path) in message and "magic number 0x12340803" in message
    assert "0x00000803" in message  # what was expected


def test_unknown_type_code_and_zero_dims_are_rejected():
    with pytest.raises(idx.IDXFormatError, match="magic number 0x00000701"):
        idx.parse_idx(b"\x00\x00\x07\x01\x00\x00\x00\x00")
    with pytest.raises(idx.IDXFormatError, match="magic number 0x00000800"):
        idx.parse_idx(b"\x00\x00\x08\x00")


def test_gzip_bytes_given_as_idx_hint_at_compression():
    blob = gzip.compress(idx.encode_idx(np.zeros(3, np.uint8)))
    with pytest.raises(idx.IDXFormatError, match="gzip"):
        idx.parse_idx(blob, source="labels")


@pytest.mark.parametrize("delta,word", [(-1, "truncated"), (+2, "longer than its header")])
def test_length_that_does_not_match_the_header(delta, word):
    blob = idx.encode_idx(np.zeros((3, 2, 2), np.uint8))
    bad = blob[:delta] if delta < 0 else blob + bytes(delta)
    with pytest.raises(idx.IDXFormatError) as err:
        idx.parse_idx(bad, source="x.idx")
    message = str(err.value)
    assert "x.idx" in message and word in message
    assert "shape (3, 2, 2)" in message and f"{len(blob):,} bytes" in message
    assert f"received {len(bad):,} bytes" in message


def test_header_shorter_than_its_dimensions_and_tiny_files():
    with pytest.raises(idx.IDXFormatError, match="header declares 3 dimensions"):
        idx.parse_idx(b"\x00\x00\x08\x03\x00\x00\x00\x01")
    with pytest.raises(idx.IDXFormatError, match="received 2 bytes"):
        idx.parse_idx(b"\x00\x00")


def test_truncated_gzip_file_is_reported(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx.encode_idx(np.arange(100, dtype=np.uint8)))[:-10])
    with pytest.raises(idx.IDXFormatError, match="truncated"):
        idx.read_idx(path)


def test_encode_rejects_unsupported_arrays():
    with pytest.raises(ValueError, match="received dtype int64"):
        idx.encode_idx(np.zeros(3, np.int64))
    with pytest.raises(ValueError, match="shape \\(\\)"):
        idx.encode_idx(np.uint8(3))


def _gzip_stream(head, zeros, chunks):
    import zlib
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head)] + [packer.compress(bytes(zeros))] * chunks
    return b"".join(parts) + packer.flush()


def test_gzip_bomb_is_stopped_just_past_the_declared_size(tmp_path):
    import resource
    import time
    # declares 10 bytes of labels, inflates to 256 MiB of zeros (about 250 KB on disk)
    path = tmp_path / "bomb-idx1-ubyte.gz"
    path.write_bytes(_gzip_stream(idx.encode_idx(np.zeros(10, np.uint8)), 1 << 24, 16))
    assert path.stat().st_size < 400_000
    before, start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.monotonic()
    with pytest.raises(idx.IDXFormatError, match="bomb-idx1-ubyte.gz: the gzip stream "
                                                 "inflates beyond"):
        idx.read_idx(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert time.monotonic() - start < 2 and grown_mb < 64


def test_header_declaring_more_than_any_data_set_is_refused_before_inflating(tmp_path):
    path = tmp_path / "huge-idx3-ubyte.gz"
    head = bytes([0, 0, 8, 3]) + np.array([60000, 28000, 28], ">u4").tobytes()
    path.write_bytes(_gzip_stream(head, 1 << 20, 1))
    with pytest.raises(idx.IDXFormatError, match=r"huge-idx3-ubyte.gz: IDX header \(bytes "
                                                 r"4-15, the dimensions\) declares "
                                                 r"47,040,000,016 bytes"):
        idx.read_idx(path)


@pytest.mark.parametrize("dims", [[2**31, 2**31, 4], [2**32 - 1] * 3])
def test_header_whose_dimensions_overflow_int64_names_the_file(tmp_path, dims):
    path = tmp_path / "ovf-idx3-ubyte"
    path.write_bytes(bytes([0, 0, 8, 3]) + np.array(dims, ">u4").tobytes())
    with pytest.raises(idx.IDXFormatError, match=r"ovf-idx3-ubyte: IDX header says shape "
                                                 r"\(\d+, \d+, \d+\).*dimension fields"):
        idx.read_idx(path)


def test_multi_member_gzip_still_reads(tmp_path):
    data = idx.encode_idx(np.arange(6, dtype=np.uint8))
    path = tmp_path / "two-members.gz"
    path.write_bytes(gzip.compress(data[:5]) + gzip.compress(data[5:]))
    assert idx.read_idx(path).tolist() == [0, 1, 2, 3, 4, 5]
