"""Microseconds per training step of a tiny 2-16-1 model, batch 4 (framework overhead).

tapeflow's fit (per batch, 2,000 batches an epoch), train_on_batch and a GradientTape loop,
beside the same step in plain NumPy; peers run the same fit and train_on_batch.

    python benchmarks/tiny_step.py
"""
import numpy as np

from _common import Timer, machine, median, peer, row


def numpy_step_fn():
    rng = np.random.default_rng(0)
    w1, b1 = rng.normal(size=(2, 16)).astype(np.float32), np.zeros(16, np.float32)
    w2, b2 = rng.normal(size=(16, 1)).astype(np.float32), np.zeros(1, np.float32)
    x = rng.normal(size=(4, 2)).astype(np.float32)
    y = rng.normal(size=(4, 1)).astype(np.float32)

    def step():
        h = np.maximum(x @ w1 + b1, 0)
        out = h @ w2 + b2
        d = 2 * (out - y) / out.size
        gw2, gb2 = h.T @ d, d.sum(0)
        dh = (d @ w2.T) * (h > 0)
        gw1, gb1 = x.T @ dh, dh.sum(0)
        for p, g in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2)):
            p -= 0.01 * g
    return step


def main():
    import tapeflow as tf
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(16, "relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    y = np.random.default_rng(1).normal(size=(4, 1)).astype(np.float32)
    opt = tf.keras.optimizers.SGD(0.01)
    loss_fn = tf.keras.losses.MeanSquaredError()

    def tape_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))

    n = 2000
    fit_model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(16, "relu"),
                                     tf.keras.layers.Dense(1)])
    fit_model.compile(optimizer="sgd", loss="mse")
    fx = np.random.default_rng(2).normal(size=(4 * n, 2)).astype(np.float32)
    fy = np.random.default_rng(3).normal(size=(4 * n, 1)).astype(np.float32)

    def fit_epoch():                         # one epoch of n steps; timed per step below
        fit_model.fit(fx, fy, batch_size=4, epochs=1, verbose=0)

    steps = {"numpy": numpy_step_fn(), "fit": fit_epoch,
             "train_on_batch": lambda: model.train_on_batch(x, y), "tape": tape_step}
    times = {k: [] for k in steps}
    for _ in range(7):                       # alternate them, 7 rounds
        for name, fn in steps.items():
            reps = 1 if name == "fit" else n
            with Timer() as t:
                for _ in range(reps):
                    fn()
            times[name].append(t.seconds / n * 1e6)
    print(f"tiny_step: 2-16-1, batch 4, SGD, MSE — {machine()}")
    ref = median(times["numpy"])
    row("plain NumPy step", ref, "us/step", ref)
    row("tapeflow model.fit (per batch)", median(times["fit"]), "us/step", ref)
    row("tapeflow model.train_on_batch", median(times["train_on_batch"]), "us/step", ref)
    row("tapeflow GradientTape loop", median(times["tape"]), "us/step", ref)
    for name, how in (("keras_jax", "fit"), ("keras_jax", "step"), ("torch", "step"),
                      ("tf_keras", "fit"), ("tf_keras", "step")):
        got = peer("tiny_peer.py", name, how)
        if got:
            row(got["label"], got["us_per_step"], "us/step", ref)
    print("  target: tapeflow <= 40 us/step")


if __name__ == "__main__":
    main()
