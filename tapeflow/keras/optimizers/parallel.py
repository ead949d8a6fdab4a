"""Two-thread updates for big variables, used only where they measurably pay.

Element-wise NumPy runs on one core while BLAS is idle during the update, and the
square roots and divisions of a big kernel are compute-bound, so updating its two
halves on two threads (NumPy releases the GIL inside ufunc loops) can save ~25%
of an Adam/RMSprop step. A thread hand-off costs ~80 us, though, and on a busy
machine (or with BLAS threads still spinning) the split can lose. So each
optimizer times both ways for a few steps, keeps the faster, and re-checks now and
then. Results are bit-identical either way.

Set ``TAPEFLOW_OPTIMIZER_THREADS=1`` to never split.
"""
import os
import statistics
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["PARALLEL_MIN_SIZE", "pool", "Half", "SplitPolicy", "halves"]

PARALLEL_MIN_SIZE = 300_000  # measured crossover: 784x256 kernels lose, 784x512 gain
TRIALS = 6                   # timed steps per way before choosing
RECHECK_EVERY = 2000         # steps between re-measurements
_POOL = []
if hasattr(os, "register_at_fork"):   # a forked child must not wait on its parent's thread
    os.register_at_fork(after_in_child=_POOL.clear)


def pool():
    """The shared one-worker pool, or None when threads are disabled or there is one core."""
    if not _POOL:
        threads = int(os.environ.get("TAPEFLOW_OPTIMIZER_THREADS", min(os.cpu_count() or 1, 2)))
        _POOL.append(ThreadPoolExecutor(1, thread_name_prefix="tapeflow-opt")
                     if threads > 1 else None)
    return _POOL[0]


class Half:
    """One contiguous half of a large variable: what ``update_step`` sees on a thread.
    The optimizer's ``_slot``/``_scratch`` map it to the same half of its buffers."""

    __slots__ = ("buffer", "index", "span", "scratch", "name")

    @property
    def array(self):
        """The flat values (what ``Variable.array`` is for a variable)."""
        return self.buffer

    def __init__(self, value, index, span, scratch, name):
        self.buffer, self.index, self.span, self.scratch, self.name = \
            value, index, span, scratch, name


def halves(gradient, variable, index, scratch):
    """``[(gradient_half, Half), (gradient_half, Half)]`` over the flattened buffers."""
    n = variable.buffer.size
    flat_w, flat_g = variable.buffer.reshape(-1), np.ravel(gradient)
    out = []
    for span in (slice(0, n // 2), slice(n // 2, n)):
        half = Half(flat_w[span], index, span, tuple(b.reshape(-1)[span] for b in scratch),
                    variable.name)
        out.append((flat_g[span], half))
    return out


class SplitPolicy:
    """Alternates split and single-thread steps, then keeps the faster (median time).

    Args:
        force: True or False to always (never) split, as tests do; None to measure.
    """

    def __init__(self, force=None):
        self.force = force
        self._times = {True: [], False: []}
        self._choice = None
        self._steps = 0

    def next(self):
        """``(split, timed)`` for the coming step."""
        if self.force is not None:
            return self.force, False
        self._steps += 1
        if self._choice is not None:
            if self._steps % RECHECK_EVERY:
                return self._choice, False
            self._times, self._choice = {True: [], False: []}, None
        return len(self._times[True]) <= len(self._times[False]), True

    def record(self, split, seconds):
        self._times[split].append(seconds)
        if min(len(t) for t in self._times.values()) >= TRIALS:
            self._choice = statistics.median(self._times[True]) < \
                statistics.median(self._times[False])
