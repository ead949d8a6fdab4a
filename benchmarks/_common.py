"""Shared pieces of the benchmarks: data, the hand-fused NumPy reference, peers, printing.

Each benchmark prints tapeflow's figure beside a reference measured in the same run,
alternating the two, and reports medians and ratios. Peers (TensorFlow, Keras on JAX,
PyTorch) run only when ``TAPEFLOW_PEER_PYTHON`` names the Python of a separate scratch
environment where they are installed; they are never a dependency of tapeflow.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def machine():
    """One line naming the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, " \
           f"NumPy {np.__version__}"


def load_flat(name="mnist"):
    """(x_train, y_train, x_test, y_test): float32 in [0, 1], flattened, int labels."""
    from tapeflow.keras import datasets
    (x, y), (xt, yt) = getattr(datasets, name).load_data()
    return (x.reshape(len(x), -1).astype(np.float32) / 255, y.astype(np.int64),
            xt.reshape(len(xt), -1).astype(np.float32) / 255, yt.astype(np.int64))


def median(values):
    return statistics.median(values)


def peer(script, *args, timeout=1800):
    """Run ``peers/<script>`` under $TAPEFLOW_PEER_PYTHON; return its JSON, or None."""
    python = os.environ.get("TAPEFLOW_PEER_PYTHON")
    if not python:
        return None
    cmd = [python, os.path.join(HERE, "peers", script), *map(str, args)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except (subprocess.SubprocessError, OSError) as err:
        print(f"  [peer {script} failed: {err}]", file=sys.stderr)
        return None
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if "skipped" in got:
        print(f"  [{got['skipped']}]")
        return None
    return got


def row(label, value, unit, reference=None):
    ratio = f"{value / reference:6.2f}x" if reference else ""
    print(f"  {label:38s} {value:10.3f} {unit:8s} {ratio}")


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
