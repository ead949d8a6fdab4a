"""Seconds per epoch of the chapter-2 network, tapeflow fit() beside a hand-fused NumPy loop.

784 -> 512 relu -> 10 softmax, RMSprop, categorical cross-entropy, batch 128, MNIST.
Epochs alternate between the two in one process; the first epoch of each is a warm-up;
figures are medians. With TAPEFLOW_PEER_PYTHON set, Keras 3/JAX, PyTorch and
TF-Keras (whichever are installed there) run the same workload in a subprocess.

    python benchmarks/mnist_mlp.py [--epochs 4] [--dataset mnist]
"""
import argparse

import numpy as np

from _common import Timer, load_flat, machine, median, peer, row
from _reference import FusedMLP


def tapeflow_model(optimizer, loss, logits, hidden):
    import tapeflow as tf
    layers = [tf.keras.Input((784,))]
    layers += [tf.keras.layers.Dense(h, activation="relu") for h in hidden]
    layers += [tf.keras.layers.Dense(10, activation=None if logits else "softmax")]
    model = tf.keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def run(dataset, epochs, optimizer, hidden, logits, sparse, peers_prefix):
    import tapeflow as tf
    tf.keras.utils.set_random_seed(0)
    x, y, xt, yt = load_flat(dataset)
    if sparse:
        loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=logits)
        labels, test_labels = y, yt
    else:
        loss = "categorical_crossentropy"
        labels = tf.keras.utils.to_categorical(y, 10)
        test_labels = tf.keras.utils.to_categorical(yt, 10)
    model = tapeflow_model(optimizer, loss, logits, hidden)
    ref = FusedMLP([784, *hidden, 10], 128, optimizer=optimizer)
    rng = np.random.default_rng(0)
    tf_times, ref_times = [], []
    for epoch in range(epochs + 1):
        with Timer() as t:
            model.fit(x, labels, batch_size=128, epochs=1, verbose=0)
        with Timer() as r:
            ref.epoch(x, y, rng)
        if epoch:                          # the first of each is a warm-up
            tf_times.append(t.seconds)
            ref_times.append(r.seconds)
    acc = model.evaluate(xt, test_labels, batch_size=1000, verbose=0)[1]
    print(f"{dataset} MLP {[784, *hidden, 10]}, {optimizer}, batch 128 — {machine()}")
    print(f"  epochs timed: {epochs} (after one warm-up each), medians")
    ref_s = median(ref_times)
    row("hand-fused NumPy loop", ref_s, "s/epoch", ref_s)
    row("tapeflow fit()", median(tf_times), "s/epoch", ref_s)
    print(f"  tapeflow test accuracy after {epochs + 1} epochs: {acc:.4f} "
          f"(reference loop: {ref.accuracy(xt, yt):.4f})")
    for name in ("keras_jax", "torch", "tf_keras"):
        got = peer(f"{peers_prefix}.py", name, dataset, epochs, optimizer, logits,
                   ",".join(map(str, hidden)))
        if got:
            row(f"{got['label']}", got["seconds_per_epoch"], "s/epoch", ref_s)
    return median(tf_times), ref_s, acc


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--dataset", default="mnist")
    a = p.parse_args()
    run(a.dataset, a.epochs, "rmsprop", [512], logits=False, sparse=False,
        peers_prefix="mlp_peer")


if __name__ == "__main__":
    main()
