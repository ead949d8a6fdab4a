"""Seconds per MNIST epoch of the section-5-5 custom loop, three ways in one run.

Dense(256, relu) -> Dense(10) logits, SGD(momentum=0.9), batch 128,
SparseCategoricalCrossentropy(from_logits=True) (examples/mnist_custom_loop.py):
an eager GradientTape loop, the same step decorated with ``@tf.function``, and ``fit``,
alternated over the rounds so that the machine's load hits all three alike.

    python benchmarks/custom_loop.py [--epochs 3] [--steps N]

Targets: the tf.function loop within 1.15x of fit, and at least 1.5x faster than the
eager loop. (A fourth figure, the same tf.function loop fed by a tf.data pipeline,
belongs beside these once tf.data exists: see the hook in ``main``.)
"""
import argparse

import numpy as np

from _common import Timer, load_flat, machine, median, row


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
    return {"eager": epoch_of(eager), "tf.function": epoch_of(traced), "fit": fit_epoch}


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
    runs = loops(tf, x, y, batch)
    # Hook for the tf.data figure: add "tf.function + tf.data" here, the same traced
    # step fed by tf.data.Dataset.from_tensor_slices((x, y)).batch(128).prefetch(...).
    for fn in runs.values():                      # warm-up: traces, optimizer builds
        fn()
    times = {k: [] for k in runs}
    for _ in range(a.epochs):
        for name, fn in runs.items():
            with Timer() as t:
                fn()
            times[name].append(t.seconds)
    print(f"custom_loop: 784-256-10, SGD momentum 0.9, batch {batch}, "
          f"{len(x) // batch} steps — {machine()}")
    ref = median(times["fit"])
    row("tapeflow model.fit", ref, "s/epoch", ref)
    row("tapeflow @tf.function train step", median(times["tf.function"]), "s/epoch", ref)
    row("tapeflow eager GradientTape loop", median(times["eager"]), "s/epoch", ref)
    print(f"  tf.function / fit: {median(times['tf.function']) / ref:.2f}x (target <= 1.15x); "
          f"eager / tf.function: {median(times['eager']) / median(times['tf.function']):.2f}x "
          f"(target >= 1.5x)")


if __name__ == "__main__":
    main()
