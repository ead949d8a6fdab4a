"""File helpers shared by the savers: atomic replacement and path checks.

A save never writes into the destination directly: it writes a temporary file in
the same directory and renames it over the destination with ``os.replace`` (atomic
on POSIX and Windows), so an interrupted save leaves the previous file intact and
no half-written file behind. A save killed outright (SIGKILL, power loss) cannot
clean up: its temporary is removed by the next save of the same target.

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
import time

__all__ = ["atomic_write", "check_exists", "fspath", "remove_stale_temporaries"]

STALE_AFTER_S = 3600.0   # an old-style temporary (no pid in its name) older than this


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
    remove_stale_temporaries(filepath)
    fd, tmp = tempfile.mkstemp(dir=directory,
                               prefix=f".{os.path.basename(filepath)}.{os.getpid()}.",
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


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's live process
        return True
    return True


def remove_stale_temporaries(filepath, max_age_s=STALE_AFTER_S):
    """Delete the temporaries an earlier, killed save of ``filepath`` left behind.

    A temporary is ``.<name>.<pid>.<random>.tmp``; it is stale when process ``pid``
    no longer runs (a save in progress in another process is left alone). One
    without a pid (written before tapeflow recorded it) is stale after
    ``max_age_s`` seconds. Returns the paths removed.

    Example:
        >>> import os, tempfile
        >>> d = tempfile.mkdtemp()
        >>> _ = open(os.path.join(d, ".m.keras.999999999.abc.tmp"), "w")
        >>> [os.path.basename(p) for p in remove_stale_temporaries(os.path.join(d, "m.keras"))]
        ['.m.keras.999999999.abc.tmp']
    """
    directory = os.path.dirname(os.path.abspath(filepath))
    prefix = f".{os.path.basename(filepath)}."
    removed = []
    try:
        names = [n for n in os.listdir(directory)
                 if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return removed
    for name in names:
        path = os.path.join(directory, name)
        parts = name[len(prefix):-len(".tmp")].split(".")
        try:
            if len(parts) == 2 and parts[0].isdigit():
                stale = int(parts[0]) != os.getpid() and not _alive(int(parts[0]))
            else:  # mkstemp's random part alone (an older tapeflow), or another target's
                stale = len(parts) == 1 and time.time() - os.path.getmtime(path) > max_age_s
            if stale:
                os.unlink(path)
                removed.append(path)
        except OSError:
            continue
    return removed


def check_exists(filepath, what="file"):
    """Raise ``FileNotFoundError`` naming ``filepath`` when nothing is there."""
    if not os.path.exists(filepath):
        raise FileNotFoundError(
            f"No {what} found at {filepath!r}. Check the path (relative paths start from "
            f"the current directory, {os.getcwd()!r}).")
