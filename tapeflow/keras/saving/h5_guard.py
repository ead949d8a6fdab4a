"""Guard against HDF5 files that hang or crash the HDF5 library.

libhdf5 trusts a file's metadata: a few corrupted bytes (a broken global heap, a
looping B-tree) can make it spin forever or crash inside C code, where no Python
timeout reaches. So before tapeflow reads an untrusted HDF5 file in-process, a
forked child reads all of it (every link, group, attribute and numeric dataset)
under a deadline. If the child does not finish in time, or dies from a signal,
loading stops with a :class:`ModelFileError`; otherwise the parent reads the same
objects, which the library has just shown it can read. Ordinary read errors in the
child are left for the parent to report with its own messages.

The child reads at most what :class:`h5_limits.ReadBudget` allows (declared sizes
are checked before anything is allocated) under an address-space cap, skips an
object it cannot read and goes on with the rest, so everything the parent may read
afterwards has been read once. Where ``os.fork`` does not exist (Windows), the
check is skipped.

Example:
    >>> import io, h5py
    >>> buffer = io.BytesIO()
    >>> with h5py.File(buffer, "w") as f:
    ...     f["vars/0"] = [1.0, 2.0]
    >>> check_h5_terminates(buffer.getvalue(), "demo.weights.h5")  # returns quietly
"""
import contextlib
import io
import os
import signal
import time
import warnings

from tapeflow.keras.saving.errors import ModelFileError, require_h5py

__all__ = ["check_h5_terminates", "open_h5", "h5_read_errors", "TIMEOUT_S", "SECONDS_PER_GB"]

TIMEOUT_S = 10.0        # for any file: parsing a sane one takes milliseconds
SECONDS_PER_GB = 30.0   # plus this much per gigabyte of file, for large weights
_MEMORY_SLACK = 512 << 20   # the reader's address space beyond its start and budget
_EXIT_MEMORY = 3            # the reader's exit status when it ran out of memory


def _walk(root, h5py, budget):
    """Read everything the loaders could read, one object at a time.

    An object that cannot be read is skipped, not the rest of the file: the parent
    may still read what lies beyond it, so the child must have read that first.
    Datasets the budget refuses are not read (the parent refuses them too).
    """
    stack, seen = [("", root)], set()
    while stack:
        where, node = stack.pop()
        for key in _safe(lambda: list(node.attrs.keys())) or ():
            _safe(lambda: node.attrs.get(key))
        if isinstance(node, h5py.Dataset):
            if _safe(lambda: budget.check(node, where) or True):
                _safe(lambda: node[()])
            continue
        for key in _safe(lambda: list(node.keys())) or ():
            link = _safe(lambda: node.get(key, getlink=True))
            if link is None or isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
                continue
            child = _safe(lambda: node[key])
            ident = _safe(lambda: hash(child.id)) if child is not None else None
            if ident is None or ident in seen:
                continue
            seen.add(ident)
            stack.append((f"{where}/{key}", child))


def _safe(read):
    """``read()``, or None when it raises; MemoryError ends the reader."""
    try:
        return read()
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    except Exception:  # noqa: BLE001 - the parent reports read errors itself
        return None


def _limit_memory(extra):
    """Cap this (child) process's address space at its present size plus ``extra``."""
    try:
        import resource
        with open("/proc/self/statm") as f:
            present = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = present + extra + _MEMORY_SLACK
        resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(
            resource.RLIMIT_AS)[1]))
    except (ImportError, OSError, ValueError, AttributeError):
        pass  # no /proc or no resource module: the budget alone bounds the reader


def _child(source):
    import h5py
    from tapeflow.keras.saving.h5_limits import ReadBudget
    try:
        target = io.BytesIO(source) if isinstance(source, bytes) else source
        with h5py.File(target, "r") as f:
            budget = ReadBudget(f)
            _limit_memory(budget.limit)
            _walk(f, h5py, budget)
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    except BaseException:  # noqa: BLE001 - the parent reports read errors itself
        pass


def _deadline(source):
    size = len(source) if isinstance(source, bytes) else os.path.getsize(source)
    return TIMEOUT_S + SECONDS_PER_GB * size / 1e9


def check_h5_terminates(source, filepath):
    """Raise ModelFileError if reading the HDF5 ``source`` (a path or bytes) hangs or
    crashes the HDF5 library; otherwise return None."""
    if not hasattr(os, "fork"):
        return
    limit = _deadline(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            _child(source)
        finally:
            os._exit(0)
    status = _wait(pid, limit)
    if status is None:
        raise ModelFileError(
            f"the HDF5 library did not finish reading the file within {limit:.0f} s; its "
            f"metadata is corrupt (a damaged file can make libhdf5 loop forever).",
            filepath)
    if os.WIFSIGNALED(status):
        raise ModelFileError(
            f"reading the file crashed the HDF5 library (signal "
            f"{os.WTERMSIG(status)}); the file is corrupt.", filepath)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _EXIT_MEMORY:
        raise ModelFileError(
            "reading the file needs more memory than its size can justify; its metadata "
            "is corrupt or crafted (a decompression bomb).", filepath)


def _wait(pid, limit):
    """The child's exit status, or None after killing it at the deadline.

    An interrupt (Ctrl-C) while waiting kills and reaps the child too, so no reader
    is left running (or a zombie left behind) when loading is abandoned.
    """
    start, pause = time.monotonic(), 0.0005
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            if time.monotonic() - start > limit:
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    except BaseException:
        _kill(pid)
        raise
    _kill(pid)
    return None


def _kill(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def open_h5(source, filepath, member=None):
    """Open the untrusted HDF5 ``source`` (a path or a ``BytesIO``) for reading.

    :func:`check_h5_terminates` runs first; a file h5py cannot open becomes a
    ModelFileError naming ``filepath`` (and ``member``, the file inside an archive).
    """
    h5py = require_h5py()
    check_h5_terminates(source.getvalue() if hasattr(source, "getvalue") else source,
                        filepath)
    try:
        return h5py.File(source, "r")
    except Exception as err:  # noqa: BLE001 - h5py raises OSError and others
        prefix = f"{member} is " if member else ""
        raise ModelFileError(f"{prefix}not a valid HDF5 file ({err}).", filepath) from err


@contextlib.contextmanager
def h5_read_errors(filepath, member=None):
    """Inside the block, any error but ModelFileError means a corrupt HDF5 file.

    h5py raises many exception types on damaged metadata; loaders promise only
    ModelFileError for a bad file, so the block's other errors are converted.
    """
    try:
        yield
    except ModelFileError:
        raise
    except Exception as err:  # noqa: BLE001 - a corrupt HDF5 fails in many ways
        raise ModelFileError(f"{member or 'the HDF5 file'} is corrupt "
                             f"({type(err).__name__}: {err}).", filepath) from err
