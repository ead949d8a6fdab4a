"""Verified, atomic HTTP(S) downloads with a progress bar on stderr.

Every download goes to a temporary file in the destination's own directory, is hashed
while it streams, and is renamed onto the destination (``os.replace``) only after the
transfer is complete and the hash matches. Whatever goes wrong -- HTTP error, dropped
connection, truncated body, wrong hash, Ctrl-C -- the temporary file is removed and the
destination is left as it was.

Example:
    >>> from tapeflow.keras.datasets import download
    >>> download.resolve_algorithm("0" * 64)
    'sha256'
    >>> download.hash_bytes(b"abc")[:16]
    'ba7816bf8f01cfea'
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

__all__ = [
    "DownloadError",
    "IntegrityError",
    "Progress",
    "download",
    "hash_bytes",
    "hash_file",
    "resolve_algorithm",
    "write_atomic",
]

DEFAULT_TIMEOUT = 30.0
CHUNK_SIZE = 1 << 20
USER_AGENT = "tapeflow-datasets/0.1 (+https://pypi.org/project/tapeflow/)"

# The one place that opens URLs; tests replace it with a guard that allows only 127.0.0.1.
_urlopen = urllib.request.urlopen


class DownloadError(OSError):
    """A URL could not be fetched completely.

    Attributes:
        url: The URL that failed.
        reason: Why, in words ("HTTP 404 Not Found", "truncated transfer ...").
        connection: True when the host could not be reached at all, so other files
            from the same host need not be tried.
    """

    def __init__(self, url: str, reason: str, connection: bool = False):
        super().__init__(f"URL fetch failure on {url}: {reason}")
        self.url, self.reason, self.connection = url, reason, connection


class IntegrityError(ValueError):
    """A file or download whose hash is not the expected one.

    Attributes:
        what: The path or URL that was checked.
        expected: The expected hex digest.
        actual: The digest actually computed.
    """

    def __init__(self, what: str, expected: str, actual: str, algorithm: str = "sha256",
                 hint: str = ""):
        self.what, self.expected, self.actual = what, expected, actual
        message = (
            f"Incomplete or corrupted file detected: {what}\n"
            f"  expected {algorithm} {expected}\n"
            f"  received {algorithm} {actual}"
        )
        super().__init__(message + (f"\n{hint}" if hint else ""))


def resolve_algorithm(file_hash: str | None = None, algorithm: str = "auto") -> str:
    """Picks the hash algorithm the way Keras does.

    Args:
        file_hash: The expected hex digest, if known.
        algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (sha256 for a 64-character
            digest or when no digest is given, md5 otherwise).

    Returns:
        ``"sha256"`` or ``"md5"``.

    Example:
        >>> resolve_algorithm("d41d8cd98f00b204e9800998ecf8427e")
        'md5'
    """
    if algorithm in ("sha256", "md5"):
        return algorithm
    if algorithm != "auto":
        raise ValueError(
            f"hash_algorithm must be 'sha256', 'md5' or 'auto'; received {algorithm!r}."
        )
    return "sha256" if file_hash is None or len(file_hash) == 64 else "md5"


def hash_bytes(data, algorithm: str = "sha256") -> str:
    """Hex digest of a bytes-like object.

    Example:
        >>> hash_bytes(b"", "md5")
        'd41d8cd98f00b204e9800998ecf8427e'
    """
    return hashlib.new(algorithm, data).hexdigest()


def hash_file(path: str | os.PathLike, algorithm: str = "sha256") -> str:
    """Hex digest of a file's bytes, read in 1 MiB chunks.

    Example:
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "f")
        >>> _ = open(p, "wb").write(b"abc")
        >>> hash_file(p, "md5")
        '900150983cd24fb0d6963f7d28e17f72'
    """
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_SIZE), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


@contextlib.contextmanager
def _temp_beside(dest: str):
    """Yields (file, temp_path) in dest's directory; the temp file is removed on error."""
    directory = os.path.dirname(os.path.abspath(dest)) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(dest)}.",
                               suffix=".part")
    try:
        os.fchmod(fd, 0o644)  # like a plain open(); mkstemp's 0600 would hide the cache
        with os.fdopen(fd, "wb") as f:
            yield f, tmp
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _commit(f, tmp: str, dest: str) -> None:
    f.flush()
    os.fsync(f.fileno())
    os.replace(tmp, dest)


def write_atomic(dest: str | os.PathLike, data) -> None:
    """Writes bytes to ``dest`` through a temporary file and ``os.replace``.

    Readers see either the old file or the complete new one, never a partial write.

    Example:
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "sub", "f.bin")
        >>> write_atomic(p, b"xyz"); open(p, "rb").read()
        b'xyz'
    """
    dest = os.fspath(dest)
    with _temp_beside(dest) as (f, tmp):
        f.write(data)
        _commit(f, tmp, dest)


class Progress:
    """A download progress bar on stderr.

    On a terminal it redraws one line in place (at most ten times a second); otherwise
    it prints a single line when the download finishes, so logs stay readable.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> bar = Progress("f.gz", total=2048, stream=out)
        >>> bar.update(2048); bar.close()
        >>> out.getvalue().startswith("Downloaded f.gz: 2.0 KB")
        True
    """

    WIDTH = 20

    def __init__(self, label: str, total: int | None, enabled: bool = True, stream=None):
        self.label, self.total, self.enabled = label, total, enabled
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(enabled and isatty and isatty())
        self.done, self.start, self._drawn = 0, time.monotonic(), 0.0
        self._width = 0

    def update(self, done: int) -> None:
        """Records ``done`` bytes received and redraws when on a terminal."""
        self.done = done
        now = time.monotonic()
        if self.tty and now - self._drawn >= 0.1:
            self._drawn = now
            self._write("\r" + self._running_line())

    def close(self, failed: bool = False) -> None:
        """Ends the bar: a final line on success, a cleared line on a terminal after failure."""
        if not self.enabled:
            return
        if self.tty:
            line = self._running_line() + " failed" if failed else self._final_line()
            self._write("\r" + line.ljust(self._width) + "\n")
        elif not failed:
            self._write(self._final_line() + "\n")

    def _write(self, text: str) -> None:
        self._width = max(self._width, len(text.rstrip("\n")) - 1)
        self.stream.write(text)
        self.stream.flush()

    def _running_line(self) -> str:
        size = f"{_mb(self.done)}" + (f"/{_mb(self.total)}" if self.total else "")
        if self.total:
            filled = min(self.WIDTH, self.WIDTH * self.done // max(self.total, 1))
            bar = "━" * filled + "─" * (self.WIDTH - filled)
            return f"Downloading {self.label} {bar} {size} {self._rate()}"
        return f"Downloading {self.label} {size} {self._rate()}"

    def _final_line(self) -> str:
        elapsed = time.monotonic() - self.start
        return f"Downloaded {self.label}: {_mb(self.done)} in {elapsed:.1f} s ({self._rate()})"

    def _rate(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        return f"{_mb(self.done / elapsed)}/s"


def _mb(n: float) -> str:
    if n >= 1e6:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.1f} KB"


class _Gunzip:
    """Streaming gzip decompression that accepts multi-member files."""

    def __init__(self, limit: int | None = None):
        self._z = zlib.decompressobj(31)
        self.limit, self.total = limit, 0

    def feed(self, chunk: bytes) -> bytes:
        out = [self._z.decompress(chunk)]
        while self._z.eof and self._z.unused_data:
            rest = self._z.unused_data
            self._z = zlib.decompressobj(31)
            out.append(self._z.decompress(rest))
        self.total += sum(len(piece) for piece in out)
        if self.limit is not None and self.total > self.limit:
            raise zlib.error(f"the stream inflates beyond {self.limit:,} bytes, more than "
                             f"the file can be (a decompression bomb)")
        return b"".join(out)

    @property
    def complete(self) -> bool:
        return self._z.eof


def _open(url: str, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return _urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        err.close()
        raise DownloadError(url, f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise DownloadError(url, f"cannot connect ({err.reason})", connection=True) from None
    except (OSError, http.client.HTTPException) as err:
        raise DownloadError(url, f"cannot connect ({err})", connection=True) from None


def _stream(url, out, hasher, gunzip, timeout: float, progress: bool) -> None:
    """Copies the body of ``url`` into ``out``, hashing what is written."""
    inflater = None if not gunzip else _Gunzip(None if gunzip is True else int(gunzip))
    with _open(url, timeout) as response:
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        label = os.path.basename(urllib.parse.urlsplit(url).path) or url
        bar = Progress(label, total, enabled=progress)
        received = 0
        try:
            while chunk := response.read(CHUNK_SIZE):
                received += len(chunk)
                if inflater is not None:
                    chunk = inflater.feed(chunk)
                hasher.update(chunk)
                out.write(chunk)
                bar.update(received)
            if total is not None and received != total:
                raise DownloadError(url, f"truncated transfer: expected {total:,} bytes "
                                         f"(Content-Length), received {received:,}")
            if inflater is not None and not inflater.complete:
                raise DownloadError(url, f"truncated gzip stream after {received:,} bytes")
        except zlib.error as err:
            bar.close(failed=True)
            raise DownloadError(url, f"not a valid gzip stream ({err})") from None
        except (OSError, http.client.HTTPException) as err:
            bar.close(failed=True)
            if isinstance(err, DownloadError):
                raise
            raise DownloadError(url, f"transfer interrupted after {received:,} bytes "
                                     f"({err or type(err).__name__})") from None
        except BaseException:
            bar.close(failed=True)
            raise
        bar.close()


def download(url: str, dest: str | os.PathLike, *, expected_hash: str | None = None,
             algorithm: str = "auto", gunzip: bool | int = False,
             timeout: float = DEFAULT_TIMEOUT, progress: bool = True) -> str:
    """Downloads ``url`` to ``dest`` atomically, verifying its hash.

    Args:
        url: An ``http://`` or ``https://`` URL.
        dest: Final path. Its directory is created if needed.
        expected_hash: Hex digest the saved bytes must have; None skips the check.
        algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (see :func:`resolve_algorithm`).
        gunzip: Decompress the gzip body while streaming; the hash is then that of
            the decompressed bytes, which are what ``dest`` receives. An int is the
            most bytes the body may inflate to (a larger one is refused).
        timeout: Seconds to wait for the connection and for each read.
        progress: Show a progress bar on stderr.

    Returns:
        The hex digest of what was saved.

    Raises:
        DownloadError: HTTP error, unreachable host, dropped connection, truncated body.
        IntegrityError: The saved bytes do not have ``expected_hash``. Nothing is saved.

    Example:
        >>> import os, tempfile
        >>> dest = os.path.join(tempfile.mkdtemp(), "f")
        >>> download("ftp://example.invalid/f", dest)
        Traceback (most recent call last):
        ...
        tapeflow.keras.datasets.download.DownloadError: URL fetch failure on ftp://example.invalid/f: unsupported URL scheme 'ftp'; expected http or https
    """
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DownloadError(url, f"unsupported URL scheme {scheme!r}; expected http or https")
    algorithm = resolve_algorithm(expected_hash, algorithm)
    dest = os.fspath(dest)
    hasher = hashlib.new(algorithm)
    with _temp_beside(dest) as (f, tmp):
        _stream(url, f, hasher, gunzip, timeout, progress)
        digest = hasher.hexdigest()
        if expected_hash is not None and digest != expected_hash.lower():
            raise IntegrityError(url, expected_hash.lower(), digest, algorithm,
                                 hint="Nothing was saved; the mirror serves other data.")
        _commit(f, tmp, dest)
    return digest
