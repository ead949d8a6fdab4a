"""File helpers shared by the savers: atomic replacement and path checks.

A save never writes into the destination directly: it writes a temporary file in
the same directory and renames it over the destination with ``os.replace`` (atomic
on POSIX and Windows), so an interrupted save leaves the previous file intact and
no half-written file behind.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
    >>> with atomic_write(path) as tmp:
    ...     with open(tmp, "w") as f:
    ...         _ = f.write("hello")
    >>> open(path).read()
    'hello'
"""
import contextlib
import os
import tempfile

__all__ = ["atomic_write", "check_exists", "fspath"]


def fspath(filepath):
    """``filepath`` as a ``str`` (accepts ``pathlib.Path`` and other path-likes)."""
    return os.fspath(filepath) if not isinstance(filepath, str) else filepath


def _default_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_write(filepath):
    """Yield a temporary path beside ``filepath``; on success it replaces ``filepath``.

    On any exception (including KeyboardInterrupt) the temporary file is removed and
    ``filepath`` is left as it was.
    """
    filepath = fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(filepath)}.",
                               suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, _default_mode())
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_exists(filepath, what="file"):
    """Raise ``FileNotFoundError`` naming ``filepath`` when nothing is there."""
    if not os.path.exists(filepath):
        raise FileNotFoundError(
            f"No {what} found at {filepath!r}. Check the path (relative paths start from "
            f"the current directory, {os.getcwd()!r}).")
