"""Dispatch overhead of one element-wise op, beside raw NumPy, measured in the same run.

Prints microseconds per call for NumPy, a tapeflow op without a tape, and the same op
recorded on a GradientTape, with the overhead over NumPy. Target: <= 3 us over NumPy.

    python benchmarks/op_dispatch.py
"""
import statistics
import time

import numpy as np

import tapeflow as tf


def per_call_us(fn, n=20000, repeats=7):
    """Median over ``repeats`` of the mean time of ``n`` calls, in microseconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(times)


def main():
    a_np = np.ones((4, 4), np.float32)
    b_np = np.ones((4, 4), np.float32)
    a, b = tf.constant(a_np), tf.constant(b_np)
    v = tf.Variable(a_np)
    rows = []
    for label, np_fn, tf_fn in [
        ("multiply (4x4)", lambda: np.multiply(a_np, b_np), lambda: tf.multiply(a, b)),
        ("a * b operator", lambda: a_np * b_np, lambda: a * b),
        ("exp (4x4)", lambda: np.exp(a_np), lambda: tf.exp(a)),
    ]:
        base = per_call_us(np_fn)
        eager = per_call_us(tf_fn)
        with tf.GradientTape() as tape:
            tape.watch(a)
            recorded = per_call_us(tf_fn, n=5000)  # shorter: the tape keeps every entry
        del tape
        rows.append((label, base, eager, recorded))
    with tf.GradientTape():
        var_recorded = per_call_us(lambda: v * b, n=5000)
    rows.append(("Variable * b (auto-watched)", per_call_us(lambda: a_np * b_np),
                 per_call_us(lambda: v * b), var_recorded))

    print(f"{'op':30s} {'numpy us':>9s} {'tapeflow':>9s} {'+tape':>9s} "
          f"{'over numpy':>11s} {'taped over':>11s}")
    for label, base, eager, recorded in rows:
        print(f"{label:30s} {base:9.2f} {eager:9.2f} {recorded:9.2f} "
              f"{eager - base:+10.2f}  {recorded - base:+10.2f}")
    print("target: <= 3 us over NumPy per op")


if __name__ == "__main__":
    main()
