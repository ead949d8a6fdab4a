"""Keep NumPy's short-lived buffers in the process heap instead of fresh mmap pages.

glibc serves allocations above a threshold (128 KiB at start) with mmap and returns
them to the system on free, so every (128, 512) float32 temporary of a training step
costs page faults when it is touched again. Raising the mmap threshold to 32 MiB and the
trim threshold alongside makes those buffers recycled heap memory: on this 2-core machine
the forward+backward of a 784-512 layer went from 1.34 s to 0.69 s per MNIST epoch
(benchmarks/RESULTS.md). Buffers above 32 MiB (whole data sets) still use mmap.

Set ``TAPEFLOW_MALLOC_TUNING=0`` to leave the allocator alone. Other C libraries
(musl, macOS, Windows) are left untouched.
"""
import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_THRESHOLD = 32 * 1024 * 1024


def tune():
    """Apply the thresholds once (glibc on Linux only); return True if applied."""
    if os.environ.get("TAPEFLOW_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith(
            "linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, _THRESHOLD) == 1
    ok = mallopt(_M_TRIM_THRESHOLD, 2 * _THRESHOLD) == 1 and ok
    return ok


TUNED = tune()
