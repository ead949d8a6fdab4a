"""Seconds per MNIST epoch of the section-5-5 custom loop, three ways in one run.

Dense(256, relu) -> Dense(10) logits, SGD(momentum=0.9), batch 128,
SparseCategoricalCrossentropy(from_logits=True) (examples/mnist_custom_loop.py):
an eager GradientTape loop, the same step decorated with ``@tf.function``, and ``fit``,
alternated over the rounds so that the machine's load hits all three alike.

    python benchmarks/custom_loop.py [--epochs 3] [--steps N]

Targets: the tf.function loop within 1.15x of fit, and at least 1.5x faster than the
eager loop. A fourth row runs the same step hand-written in NumPy (benchmarks/_reference.py,
in place, no framework): no replay can beat it, so ``eager / NumPy`` bounds what
``eager / tf.function`` can reach on this network, where the matrix products dominate.
A second table runs the three ways on a tiny 2-16-1 model (batch 4, MSE), where the
per-step Python cost dominates and the replay pays off. (tf.data's share is measured
in benchmarks/dataset_pipeline.py.)
"""
import argparse

import numpy as np

from _common import Timer, load_flat, machine, median, row
from _reference import FusedMLP


def make(tf):
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((784,)),
                                 tf.keras.layers.Dense(256, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    return model, loss_fn, optimizer


def loops(tf, x, y, batch):
    """name -> a function running one epoch (the first ``len(x)`` samples)."""
    starts = range(0, len(x) - batch + 1, batch)   # full batches: one signature

    def step_fn(model, loss_fn, optimizer):
        def train_step(images, labels):
            with tf.GradientTape() as tape:
                logits = model(images, training=True)
                loss = loss_fn(labels, logits)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        return train_step

    eager = step_fn(*make(tf))
    traced = tf.function(step_fn(*make(tf)))
    fit_model, fit_loss, fit_opt = make(tf)
    fit_model.compile(optimizer=fit_opt, loss=fit_loss)

    def epoch_of(step):
        def run():
            for s in starts:
                step(x[s:s + batch], y[s:s + batch])
        return run

    def fit_epoch():
        fit_model.fit(x[:len(starts) * batch], y[:len(starts) * batch], batch_size=batch,
                      epochs=1, verbose=0, shuffle=False)
    fused = FusedMLP([x.shape[1], 256, 10], batch, "sgd_momentum", lr=0.05)
    return {"eager": epoch_of(eager), "tf.function": epoch_of(traced), "fit": fit_epoch,
            "numpy": epoch_of(fused.train_step)}


def tiny_loops(tf, n=2000):
    """The same three ways on a 2-16-1 model, batch 4, SGD, MSE: per-step overhead."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4 * n, 2)).astype(np.float32)
    y = rng.normal(size=(4 * n, 1)).astype(np.float32)

    def make_tiny():
        tf.keras.utils.set_random_seed(0)
        model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(16, "relu"),
                                     tf.keras.layers.Dense(1)])
        return model, tf.keras.losses.MeanSquaredError(), tf.keras.optimizers.SGD(0.01)

    def step_fn(model, loss_fn, optimizer):
        def train_step(inputs, targets):
            with tf.GradientTape() as tape:
                loss = loss_fn(targets, model(inputs, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        return train_step

    eager, traced = step_fn(*make_tiny()), tf.function(step_fn(*make_tiny()))
    fit_model, fit_loss, fit_opt = make_tiny()
    fit_model.compile(optimizer=fit_opt, loss=fit_loss)
    batches = [(x[s:s + 4], y[s:s + 4]) for s in range(0, len(x), 4)]

    def epoch_of(step):
        def run():
            for xb, yb in batches:
                step(xb, yb)
        return run
    return {"eager": epoch_of(eager), "tf.function": epoch_of(traced),
            "fit": lambda: fit_model.fit(x, y, batch_size=4, epochs=1, verbose=0,
                                         shuffle=False)}


def timed(runs, rounds):
    """name -> the median seconds of ``rounds`` alternated runs (after one warm-up)."""
    for fn in runs.values():                      # warm-up: traces, optimizer builds
        fn()
    times = {k: [] for k in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            with Timer() as t:
                fn()
            times[name].append(t.seconds)
    return {k: median(v) for k, v in times.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=3, help="timed rounds of each loop")
    p.add_argument("--steps", type=int, default=None, help="steps per epoch (all: 468)")
    a = p.parse_args()
    import tapeflow as tf
    x, y, _, _ = load_flat("mnist")
    batch = 128
    if a.steps:
        x, y = x[:a.steps * batch], y[:a.steps * batch]
    t = timed(loops(tf, x, y, batch), a.epochs)
    print(f"custom_loop: 784-256-10, SGD momentum 0.9, batch {batch}, "
          f"{len(x) // batch} steps — {machine()}")
    ref = t["fit"]
    row("tapeflow model.fit", ref, "s/epoch", ref)
    row("tapeflow @tf.function train step", t["tf.function"], "s/epoch", ref)
    row("tapeflow eager GradientTape loop", t["eager"], "s/epoch", ref)
    row("hand-written NumPy step (floor)", t["numpy"], "s/epoch", ref)
    print(f"  tf.function / fit: {t['tf.function'] / ref:.2f}x (target <= 1.15x); "
          f"eager / tf.function: {t['eager'] / t['tf.function']:.2f}x (target >= 1.5x; "
          f"bounded here by eager / NumPy floor: {t['eager'] / t['numpy']:.2f}x)")
    n = 2000
    t = {k: v / n * 1e6 for k, v in timed(tiny_loops(tf, n), max(a.epochs, 5)).items()}
    print(f"custom_loop, tiny: 2-16-1, SGD, MSE, batch 4, {n} steps")
    ref = t["fit"]
    row("tapeflow model.fit (per batch)", ref, "us/step", ref)
    row("tapeflow @tf.function train step", t["tf.function"], "us/step", ref)
    row("tapeflow eager GradientTape loop", t["eager"], "us/step", ref)
    print(f"  tf.function / fit: {t['tf.function'] / ref:.2f}x; "
          f"eager / tf.function: {t['eager'] / t['tf.function']:.2f}x")


if __name__ == "__main__":
    main()
