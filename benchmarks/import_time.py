"""``import tapeflow`` time and the peak memory of a 5-epoch MNIST fit.

Import time: median of 7 fresh interpreters (target <= 0.2 s). Peak memory: maximum
resident set size of `examples/ch2_first_network.py` by /usr/bin/time -v when available,
else resource.getrusage of the child (target <= 2x the float32 training data + 150 MB).

    python benchmarks/import_time.py [--skip-memory]
"""
import argparse
import os
import resource
import subprocess
import sys
import time

from _common import HERE, machine, median

ROOT = os.path.dirname(HERE)


def import_seconds(module):
    code = f"import time; t = time.perf_counter(); import {module}; " \
           f"print(time.perf_counter() - t)"
    env = dict(os.environ, PYTHONPATH=ROOT)
    return median([float(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                         capture_output=True, text=True).stdout)
                   for _ in range(7)])


def peak_rss_mb(script, *args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    cmd = [sys.executable, os.path.join(ROOT, script), *args]
    if os.path.exists("/usr/bin/time"):
        out = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, capture_output=True,
                             text=True, check=True)
        line = next(x for x in out.stderr.splitlines() if "Maximum resident" in x)
        return int(line.split(":")[1]) / 1024
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--skip-memory", action="store_true")
    a = p.parse_args()
    print(f"import time and memory — {machine()}")
    print(f"  import numpy     {import_seconds('numpy'):.3f} s")
    print(f"  import tapeflow  {import_seconds('tapeflow'):.3f} s   (target <= 0.2 s)")
    if not a.skip_memory:
        data_mb = 60000 * 784 * 4 / 2**20
        t0 = time.perf_counter()
        peak = peak_rss_mb("examples/ch2_first_network.py")
        print(f"  peak RSS of the 5-epoch chapter-2 run: {peak:.0f} MB in "
              f"{time.perf_counter() - t0:.0f} s (target <= 2 x {data_mb:.0f} + 150 = "
              f"{2 * data_mb + 150:.0f} MB)")


if __name__ == "__main__":
    main()
