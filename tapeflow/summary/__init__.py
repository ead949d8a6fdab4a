"""``tf.summary``: TensorBoard event files (``create_file_writer``, ``scalar``,
``histogram``, ``text``), written directly in TensorBoard's record format (see
``records``), with no TensorFlow, TensorBoard or protobuf needed to write them.

Scalars are written as ``simple_value`` and histograms as ``HistogramProto``, which
every TensorBoard version and both of its event readers understand.

Example:
    >>> import os, tempfile
    >>> import tapeflow as tf
    >>> logdir = tempfile.mkdtemp()
    >>> writer = tf.summary.create_file_writer(logdir)
    >>> with writer.as_default():
    ...     for step in range(3):
    ...         _ = tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
    >>> writer.close()
    >>> path = os.path.join(logdir, os.listdir(logdir)[0])
    >>> [round(e["summary"][0]["simple_value"], 3) for e in records.read_events(path)[1:]]
    [1.0, 0.5, 0.333]
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import threading
import time

import numpy as np

from tapeflow.summary import records

__all__ = ["SummaryWriter", "create_file_writer", "create_noop_writer", "scalar",
           "histogram", "text", "record_if", "flush", "should_record_summaries",
           "experimental"]

_STATE = threading.local()
_FILE_IDS = itertools.count()


def _stack(name):
    if not hasattr(_STATE, name):
        setattr(_STATE, name, [])
    return getattr(_STATE, name)


class SummaryWriter:
    """Writes events to ``<logdir>/events.out.tfevents.<time>.<host>.<pid>.<n>.v2``.

    The file is created on the first write. Events are buffered and reach the disk on
    ``flush()``, ``close()``, leaving ``as_default()``, or every ``max_queue`` events.
    """

    def __init__(self, logdir, max_queue=10, filename_suffix=".v2"):
        self.logdir = os.fspath(logdir)
        self.max_queue = max_queue
        self.suffix = filename_suffix
        self.path = None
        self._file = None
        self._pending = 0
        self._closed = False

    def _open(self):
        if self._closed:
            raise RuntimeError(f"This SummaryWriter (logdir {self.logdir!r}) is closed; "
                               "create a new one with tf.summary.create_file_writer.")
        os.makedirs(self.logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_FILE_IDS)}{self.suffix}")
        self.path = os.path.join(self.logdir, name)
        self._file = open(self.path, "ab")
        self._file.write(records.frame(records.encode_event(
            time.time(), file_version="brain.Event:2")))

    def write_summary(self, summary: bytes, step: int) -> None:
        """Appends one ``Event`` carrying a serialized ``Summary``."""
        if self._file is None:
            self._open()
        self._file.write(records.frame(records.encode_event(time.time(), step,
                                                            summary=summary)))
        self._pending += 1
        if self._pending >= self.max_queue:
            self.flush()

    def flush(self):
        """Writes buffered events to disk."""
        if self._file is not None:
            self._file.flush()
            self._pending = 0

    def close(self):
        """Flushes and closes the file; the writer cannot be used afterwards."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._closed = True

    def set_as_default(self, step=None):
        """Makes this the default writer (until another is set), as in TensorFlow."""
        writers = _stack("writers")
        writers.clear()
        writers.append((self, step))

    @contextlib.contextmanager
    def as_default(self, step=None):
        """Context in which ``tf.summary.scalar`` & co. write here (at ``step`` if given)."""
        writers = _stack("writers")
        writers.append((self, step))
        try:
            yield self
        finally:
            writers.pop()
            self.flush()

    def init(self):
        """Kept for TensorFlow compatibility (the file opens on first write)."""


class _NoopWriter(SummaryWriter):
    def __init__(self):
        super().__init__(os.devnull)

    def write_summary(self, summary, step):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False, experimental_mesh=None):
    """A writer for ``logdir``, as ``tf.summary.create_file_writer``.

    Args:
        logdir: Directory for the event file (created if needed).
        max_queue: Events buffered before a flush (default 10).
        flush_millis: Accepted for compatibility (flushes happen by count and on exit).
        filename_suffix: Suffix of the event file name (default ``.v2``).

    Example:
        >>> import tempfile
        >>> w = create_file_writer(tempfile.mkdtemp())
        >>> with w.as_default(step=5):
        ...     scalar("x", 1.0)
        True
    """
    del flush_millis, name, experimental_trackable, experimental_mesh
    return SummaryWriter(logdir, max_queue=max_queue or 10,
                         filename_suffix=".v2" if filename_suffix is None else filename_suffix)


def create_noop_writer():
    """A writer that writes nothing."""
    return _NoopWriter()


def _default():
    writers = _stack("writers")
    return writers[-1] if writers else (None, None)


@contextlib.contextmanager
def record_if(condition):
    """Context in which summaries are written only when ``condition`` (bool or callable)."""
    conditions = _stack("conditions")
    conditions.append(condition)
    try:
        yield
    finally:
        conditions.pop()


def should_record_summaries():
    """True when a default writer is set and the innermost ``record_if`` allows it."""
    writer, _ = _default()
    if writer is None:
        return False
    conditions = _stack("conditions")
    if not conditions:
        return True
    condition = conditions[-1]
    return bool(condition() if callable(condition) else condition)


def _resolve_step(step):
    if step is None:
        step = _default()[1]
    if step is None:
        step = experimental.get_step()
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` "
                         "argument or through tf.summary.experimental.set_step()")
    return int(np.asarray(getattr(step, "array", step)))


def _write(summary_fn, step):
    if not should_record_summaries():
        return False
    writer, _ = _default()
    writer.write_summary(summary_fn(), _resolve_step(step))
    return True


def _numpy(data):
    return np.asarray(getattr(data, "array", data))


def scalar(name, data, step=None, description=None):
    """Writes a scalar; returns True if written (a default writer is set), else False.

    Example:
        >>> scalar("loss", 0.5, step=1)  # no default writer: nothing written
        False
    """
    value = _numpy(data)
    if value.size != 1:
        raise ValueError(f"tf.summary.scalar({name!r}) expects a scalar; received data of "
                         f"shape {value.shape}.")
    return _write(lambda: records.encode_scalar(name, float(value.reshape(())),
                                                description), step)


def histogram_buckets(values, buckets=30):
    """(left edges, right edges, counts) as ``tf.summary.histogram`` builds them.

    Example:
        >>> left, right, counts = histogram_buckets([0.0, 1.0, 1.0, 2.0], buckets=2)
        >>> left.tolist(), right.tolist(), counts.tolist()
        ([0.0, 1.0], [1.0, 2.0], [1.0, 3.0])
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size == 0:
        zeros = np.zeros(buckets)
        return zeros, zeros, zeros
    low, high = values.min(), values.max()
    if low == high:
        edges = np.linspace(low - 0.5, high + 0.5, buckets + 1)
    else:
        edges = np.linspace(low, high, buckets + 1)
    counts, _ = np.histogram(values, bins=edges)
    return edges[:-1], edges[1:], counts.astype(np.float64)


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes a histogram of ``data`` (``buckets`` equal-width buckets, default 30)."""
    values = _numpy(data).astype(np.float64).ravel()

    def summary():
        left, right, counts = histogram_buckets(values, buckets or 30)
        stats = (values.min() if values.size else 0.0, values.max() if values.size else 0.0,
                 float(values.size), float(values.sum()), float(np.square(values).sum()))
        return records.encode_histogram(name, left, right, counts, stats, description)

    return _write(summary, step)


def text(name, data, step=None, description=None):
    """Writes a string (or list of strings) for TensorBoard's text dashboard."""
    value = _numpy(data)
    strings = [str(s) for s in value.ravel()] if value.ndim else [str(value)]
    return _write(lambda: records.encode_tensor_summary(name, strings, "text", b"",
                                                        description), step)


def flush(writer=None, name=None):
    """Flushes ``writer`` (default: the default writer)."""
    del name
    writer = writer or _default()[0]
    if writer is not None:
        writer.flush()


class experimental:  # noqa: N801 - TensorFlow's namespace name
    """``tf.summary.experimental``: the default step."""

    _step = None

    @staticmethod
    def set_step(step):
        """Sets the step used when a summary call gives none."""
        experimental._step = step

    @staticmethod
    def get_step():
        """The default step (None when unset)."""
        return experimental._step


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
