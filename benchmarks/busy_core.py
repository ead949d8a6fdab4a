"""``fit`` with one core kept busy by another process, for 1 vs 2 BLAS threads.

NumPy's BLAS (OpenBLAS here) splits each matrix product over as many threads as
cores. When another process keeps one of the two cores busy, the second BLAS thread
waits for that core and each product takes as long as the slower half: training was
seen up to 5x slower than with one thread. This script measures it: the chapter-2
MNIST network (Dense 512 relu, Dense 10 softmax, rmsprop, batch 128) on synthetic
data, in a fresh interpreter per setting (the thread count is fixed when NumPy
loads), with BLAS threads 1 and 2, each on an idle machine and beside a process
spinning on one core, alternating settings over ``--repeats`` rounds; it prints the
median seconds per epoch of each setting.

    python benchmarks/busy_core.py [--samples 12000] [--repeats 3] [--quick]

The knob: ``OPENBLAS_NUM_THREADS=1`` (or ``OMP_NUM_THREADS=1`` / ``MKL_NUM_THREADS=1``)
in the environment before Python starts, or ``threadpoolctl.threadpool_limits(1)``
around ``fit``.
"""
import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

from _common import HERE, machine

ROOT = os.path.dirname(HERE)
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

CHILD = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, {root!r})
import tapeflow as tf
samples, epochs = {samples}, {epochs}
rng = np.random.default_rng(0)
x = rng.random((samples, 784), dtype=np.float32)
y = rng.integers(0, 10, samples)
model = tf.keras.Sequential([tf.keras.Input((784,)),
                             tf.keras.layers.Dense(512, activation="relu"),
                             tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
model.fit(x[:1024], y[:1024], epochs=1, batch_size=128, verbose=0)  # warm up, trace
times = []
for _ in range(epochs):
    start = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=128, verbose=0)
    times.append(time.perf_counter() - start)
print(json.dumps(min(times)))
"""


def _spin(stop):
    """Keep one core busy until ``stop`` is set (pure Python: no BLAS, no I/O)."""
    count = 0
    while not stop.is_set():
        for _ in range(100_000):
            count += 1


def epoch_seconds(threads, samples, epochs):
    """Best epoch time of a fresh interpreter whose BLAS uses ``threads`` threads."""
    env = dict(os.environ, **{var: str(threads) for var in THREAD_VARS})
    code = CHILD.format(root=ROOT, samples=samples, epochs=epochs)
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(threads, busy, samples, epochs):
    if not busy:
        return epoch_seconds(threads, samples, epochs)
    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
    spinner.start()
    try:
        time.sleep(0.2)
        return epoch_seconds(threads, samples, epochs)
    finally:
        stop.set()
        spinner.join(5)
        if spinner.is_alive():
            spinner.kill()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=2, help="epochs per run (best kept)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2000 samples, 1 round")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.repeats, args.epochs = 2000, 1, 1
    print(machine())
    print(f"chapter-2 MLP, {args.samples} samples per epoch, batch 128; best of "
          f"{args.epochs} epoch(s) per run, median of {args.repeats} run(s)")
    settings = [(threads, busy) for busy in (False, True) for threads in (1, 2)]
    results = {s: [] for s in settings}
    for _ in range(args.repeats):
        for threads, busy in settings:
            results[(threads, busy)].append(measure(threads, busy, args.samples,
                                                    args.epochs))
    medians = {s: statistics.median(v) for s, v in results.items()}
    print(f"{'BLAS threads':<14}{'idle machine':>14}{'one core busy':>16}")
    for threads in (1, 2):
        print(f"{threads:<14}{medians[(threads, False)]:>12.3f} s"
              f"{medians[(threads, True)]:>14.3f} s")
    print(f"2 threads / 1 thread: idle {medians[(2, False)] / medians[(1, False)]:.2f}x, "
          f"busy {medians[(2, True)] / medians[(1, True)]:.2f}x")
    return medians


if __name__ == "__main__":
    main()
