"""The verified, atomic download path, against a real HTTP server on 127.0.0.1."""

import gzip
import io

import datasets_testlib as lib
import pytest

from tapeflow.keras.datasets import download

PAYLOAD = bytes(range(256)) * 50


@pytest.fixture
def out(tmp_path):
    """An empty directory for downloads (tmp_path itself holds the isolated env)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def test_success_saves_the_file_and_leaves_no_temp(server, out):
    url = server.put("data.bin", PAYLOAD)
    dest = out / "cache" / "data.bin"
    digest = download.download(url, dest, expected_hash=lib.sha256(PAYLOAD), progress=False)
    assert digest == lib.sha256(PAYLOAD)
    assert dest.read_bytes() == PAYLOAD
    assert lib.listing(out / "cache") == ["data.bin"]


def test_gunzip_while_streaming_hashes_the_decompressed_bytes(server, out):
    url = server.put("data.bin.gz", gzip.compress(PAYLOAD))
    dest = out / "data.bin"
    download.download(url, dest, expected_hash=lib.sha256(PAYLOAD), gunzip=True,
                      progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_hash_mismatch_saves_nothing_and_names_both_hashes(server, out):
    url = server.put("data.bin", PAYLOAD)
    wanted = "ab" * 32
    with pytest.raises(download.IntegrityError) as err:
        download.download(url, out / "data.bin", expected_hash=wanted, progress=False)
    message = str(err.value)
    assert url in message and wanted in message and lib.sha256(PAYLOAD) in message
    assert lib.listing(out) == []


def test_hash_mismatch_keeps_an_existing_file_untouched(server, out):
    url = server.put("data.bin", PAYLOAD)
    dest = out / "data.bin"
    dest.write_bytes(b"old")
    with pytest.raises(ValueError):
        download.download(url, dest, expected_hash="cd" * 32, progress=False)
    assert dest.read_bytes() == b"old" and lib.listing(out) == ["data.bin"]


def test_http_404_is_a_download_error(server, out):
    with pytest.raises(download.DownloadError, match="HTTP 404") as err:
        download.download(server.url("nope.bin"), out / "x", progress=False)
    assert not err.value.connection
    assert lib.listing(out) == []


def test_truncated_transfer_is_detected_and_nothing_saved(server, out):
    url = server.put("data.bin", PAYLOAD, behaviour="truncate")
    with pytest.raises(download.DownloadError, match="truncated transfer") as err:
        download.download(url, out / "data.bin", progress=False)
    assert f"expected {len(PAYLOAD):,} bytes" in str(err.value)
    assert lib.listing(out) == []


def test_truncated_gzip_stream_is_detected_even_without_a_hash(server, out):
    url = server.put("data.bin.gz", gzip.compress(PAYLOAD)[:-20])
    with pytest.raises(download.DownloadError, match="truncated gzip stream"):
        download.download(url, out / "data.bin", gunzip=True, progress=False)
    assert lib.listing(out) == []


def test_interrupted_download_leaves_no_file(server, out, monkeypatch):
    url = server.put("data.bin", PAYLOAD * 100)
    dest = out / "cache" / "data.bin"

    def interrupt(self, done):
        raise KeyboardInterrupt

    monkeypatch.setattr(download.Progress, "update", interrupt)
    with pytest.raises(KeyboardInterrupt):
        download.download(url, dest, progress=False)
    assert lib.listing(out / "cache") == []


def test_unreachable_host_is_a_connection_error(dead_url, out):
    with pytest.raises(download.DownloadError, match="cannot connect") as err:
        download.download(dead_url + "x.bin", out / "x.bin", progress=False)
    assert err.value.connection


def test_only_http_and_https(out):
    with pytest.raises(download.DownloadError, match="unsupported URL scheme 'file'"):
        download.download("file:///etc/hostname", out / "x", progress=False)


def test_the_test_guard_blocks_real_hosts(out):
    with pytest.raises(AssertionError, match="tried to reach the network"):
        download.download("https://example.invalid/x", out / "x", progress=False)


def test_md5_and_auto_algorithm(server, out):
    import hashlib
    url = server.put("data.bin", PAYLOAD)
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    assert download.download(url, out / "d", expected_hash=md5, progress=False) == md5
    with pytest.raises(ValueError, match="hash_algorithm must be"):
        download.resolve_algorithm(md5, "sha1")


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_off_a_terminal_is_one_final_line():
    out = io.StringIO()
    bar = download.Progress("data.bin", total=3_000_000, stream=out)
    for done in range(0, 3_000_001, 100_000):
        bar.update(done)
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Downloaded data.bin: 3.0 MB in ")
    assert "\r" not in out.getvalue()


def test_progress_on_a_terminal_redraws_in_place_and_ends_the_line():
    out = FakeTTY()
    bar = download.Progress("data.bin", total=2000, stream=out)
    bar.update(1000)
    bar.close()
    text = out.getvalue()
    assert text.startswith("\rDownloading data.bin ━━━━━━━━━━──────────")
    assert text.endswith("\n") and "Downloaded data.bin" in text


def test_progress_after_failure_prints_nothing_off_a_terminal():
    out = io.StringIO()
    bar = download.Progress("data.bin", total=10, stream=out)
    bar.update(5)
    bar.close(failed=True)
    assert out.getvalue() == ""


def test_download_progress_goes_to_stderr(server, out, capsys):
    url = server.put("data.bin", PAYLOAD)
    download.download(url, out / "data.bin")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("Downloaded data.bin")


def test_write_atomic_replaces_whole_files(out):
    dest = out / "a" / "f"
    download.write_atomic(dest, b"one")
    download.write_atomic(dest, b"two")
    assert dest.read_bytes() == b"two" and lib.listing(out / "a") == ["f"]
