"""``keras.utils.get_file``: download a file once, verify it, cache it.

Built on the same verified, atomic download code as the datasets
(``tapeflow.keras.datasets.download``): a download goes to a temporary file in the
cache directory and is renamed into place only when complete and, if a hash was given,
matching. A cached file whose hash does not match is reported and downloaded again.

Example:
    >>> from tapeflow.keras.utils.file_utils import get_file
    >>> path = get_file("mnist.npz",
    ...     "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    ...     file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    ... )  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import urllib.parse
import warnings
import zipfile

from tapeflow.keras.datasets import download
from tapeflow.keras.datasets import sources

__all__ = ["extract_archive", "get_file"]


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Downloads a file from a URL if it is not already in the cache.

    The file lands in ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir`` defaults to
    ``$TAPEFLOW_HOME`` or ``~/.tapeflow`` (``/tmp/.tapeflow`` when that is not
    writable). When ``cache_dir`` is not given and the file is already in Keras's cache
    (``$KERAS_HOME`` or ``~/.keras``) with the right hash, that copy is used instead of
    downloading. Same argument order and meaning as Keras 3.

    Args:
        fname: Local file name; None takes the last component of ``origin``'s path.
            With ``extract``, a name without a dot names the extraction directory.
        origin: URL of the file (``http://`` or ``https://``).
        untar: Deprecated Keras alias for ``extract=True, archive_format="tar"``.
        md5_hash: Deprecated Keras alias for ``file_hash`` with md5.
        file_hash: Expected sha256 or md5 hex digest of the downloaded file.
        cache_subdir: Subdirectory of ``cache_dir`` (an absolute path is used as is).
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (by digest length).
        extract: Extract a tar or zip archive and return the extraction directory.
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"`` or None.
        cache_dir: Base directory of the cache.
        force_download: Download even when a valid cached file exists.

    Returns:
        Path of the downloaded file, or of the extraction directory with ``extract``.

    Raises:
        ValueError: ``origin`` is missing, or the downloaded file's hash differs from
            ``file_hash`` (an ``IntegrityError``; nothing is saved).
        tapeflow.keras.datasets.download.DownloadError: The URL could not be fetched.

    Example:
        >>> from tapeflow.keras.utils.file_utils import get_file
        >>> path = get_file(origin="https://example.com/data.csv")  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError('get_file needs the "origin" argument (URL of the file to '
                         'download); received origin=None.')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = download.resolve_algorithm(file_hash, hash_algorithm)
    provided = bool(fname)
    fname = os.fspath(fname) if fname else _name_from(origin)
    explicit_cache = cache_dir is not None
    datadir = os.path.join(_writable_base(cache_dir), cache_subdir)
    target, extraction_dir = _targets(datadir, fname, provided, extract or untar)
    if not force_download and not explicit_cache and not (extract or untar):
        keras_copy = os.path.join(os.path.dirname(sources.keras_dir()), cache_subdir, fname)
        if not os.path.exists(target) and _valid(keras_copy, file_hash, algorithm):
            return keras_copy
    downloaded = False
    if force_download or not _valid(target, file_hash, algorithm, warn=True):
        download.download(origin, target, expected_hash=file_hash, algorithm=algorithm)
        downloaded = True
    if extract or untar:
        fmt = "tar" if untar else archive_format
        if downloaded or not os.path.isdir(extraction_dir):
            if not extract_archive(target, extraction_dir, fmt):
                warnings.warn(f"Could not extract {target} as {fmt!r} archive; expected a "
                              "tar or zip file.", stacklevel=2)
        return extraction_dir
    return target


def _name_from(origin: str) -> str:
    name = os.path.basename(urllib.parse.urlsplit(origin).path)
    if not name:
        raise ValueError(f"Can't parse a file name from origin {origin!r}; pass the "
                         "`fname` argument.")
    return name


def _writable_base(cache_dir) -> str:
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir else sources.tapeflow_home()
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".tapeflow")
    return base


def _targets(datadir: str, fname: str, provided: bool, extract: bool):
    """(download target, extraction directory) following Keras 3's naming."""
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in os.path.basename(fname):
        stem = fname[: fname.find(".", len(os.path.dirname(fname)))]
        return os.path.join(datadir, fname), os.path.join(datadir, stem + "_extracted")
    return os.path.join(datadir, fname + "_archive"), os.path.join(datadir, fname)


def _valid(path: str, file_hash, algorithm: str, warn: bool = False) -> bool:
    """True when ``path`` exists and (no hash given, or) its hash matches."""
    if not os.path.isfile(path):
        return False
    if file_hash is None:
        return True
    actual = download.hash_file(path, algorithm)
    if actual == file_hash.lower():
        return True
    if warn:
        warnings.warn(f"A local file was found at {path}, but it seems incomplete or "
                      f"outdated: expected {algorithm} {file_hash}, received {actual}. "
                      "Downloading it again.", RuntimeWarning, stacklevel=3)
    return False


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Extracts a tar or zip archive into ``path``, refusing members that leave it.

    Extraction goes to a temporary sibling directory that replaces ``path`` only when
    complete.

    Args:
        file_path: The archive.
        path: Destination directory.
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"``, a list of
            those, or None.

    Returns:
        True when the archive matched a format and was extracted.

    Example:
        >>> import os, tarfile, tempfile
        >>> d = tempfile.mkdtemp(); src = os.path.join(d, "a.txt")
        >>> _ = open(src, "w").write("hi")
        >>> with tarfile.open(os.path.join(d, "a.tar"), "w") as t:
        ...     t.add(src, arcname="a.txt")
        >>> extract_archive(os.path.join(d, "a.tar"), os.path.join(d, "out"))
        True
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for fmt in formats:
        if fmt not in ("tar", "zip"):
            raise ValueError(f"archive_format must be 'auto', 'tar', 'zip' or None; "
                             f"received {fmt!r}.")
        is_match = tarfile.is_tarfile if fmt == "tar" else zipfile.is_zipfile
        if is_match(file_path):
            _extract_atomic(file_path, os.fspath(path), fmt)
            return True
    return False


def _extract_atomic(file_path, path: str, fmt: str) -> None:
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(path)}.")
    try:
        if fmt == "tar":
            with tarfile.open(file_path) as archive:
                archive.extractall(tmp, filter="data")
        else:
            with zipfile.ZipFile(file_path) as archive:
                root = os.path.realpath(tmp)
                for member in archive.namelist():
                    dest = os.path.realpath(os.path.join(tmp, member))
                    if os.path.commonpath([root, dest]) != root:
                        raise ValueError(f"{file_path}: member {member!r} would be "
                                         "extracted outside the target directory.")
                archive.extractall(tmp)
        if os.path.isdir(path):
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
