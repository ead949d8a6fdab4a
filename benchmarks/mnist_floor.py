"""How fast could any NumPy program train the chapter-2 network? A lower bound, measured.

One epoch of 784-512-10 with RMSprop, batch 128 (469 steps), split into the parts NumPy
runs: the five matrix products of a step (BLAS, both cores), the RMSprop update of the
407,050 parameters (element-wise NumPy, one core, nine passes), and everything else
(gathering the batch, bias, relu, softmax, cross-entropy: the hand-fused loop of
``_reference.py`` minus the two). The bound assumes the products keep both cores busy
and every other microsecond is spread perfectly over the two cores:

    bound = products + (update + rest) / 2

No Python program gets below it on this machine's BLAS; beside it, the epoch of
tapeflow's fit() and (with TAPEFLOW_PEER_PYTHON) Keras 3 on JAX, which fuses the update
into compiled code and uses its own matrix kernels.

    python benchmarks/mnist_floor.py [--epochs 3]
"""
import argparse

import numpy as np

from _common import Timer, load_flat, machine, median, peer, row
from _reference import FusedMLP

BATCH = 128


def products_epoch(x, order, w1, w2):
    """The five matrix products of every step of an epoch, into preallocated buffers
    (the batch gather is timed on its own and left out: it belongs to "rest")."""
    xb = np.empty((BATCH, 784), np.float32)
    h, d = np.empty((BATCH, 512), np.float32), np.empty((BATCH, 10), np.float32)
    gw1, gw2, dh = np.empty_like(w1), np.empty_like(w2), np.empty((BATCH, 512), np.float32)
    starts = range(0, len(x) - BATCH + 1, BATCH)
    with Timer() as gather:
        for start in starts:
            np.take(x, order[start:start + BATCH], axis=0, out=xb)
    with Timer() as t:
        for start in starts:
            np.take(x, order[start:start + BATCH], axis=0, out=xb)
            np.matmul(xb, w1, out=h)              # forward, layer 1
            np.matmul(h, w2, out=d)               # forward, layer 2
            np.matmul(h.T, d, out=gw2)            # kernel gradient, layer 2
            np.matmul(d, w2.T, out=dh)            # input gradient, layer 2
            np.matmul(xb.T, dh, out=gw1)          # kernel gradient, layer 1
    return t.seconds - gather.seconds


def update_epoch(steps, size=407_050):
    """Keras's RMSprop update in place, nine NumPy passes, once per step."""
    rng = np.random.default_rng(0)
    w, g = rng.random(size, np.float32), rng.random(size, np.float32)
    a, s = np.zeros(size, np.float32), np.empty(size, np.float32)
    with Timer() as t:
        for _ in range(steps):
            a *= 0.9
            np.multiply(g, g, out=s)
            s *= 0.1
            a += s
            np.add(a, 1e-7, out=s)
            np.sqrt(s, out=s)
            np.divide(g, s, out=s)
            s *= 0.001
            np.subtract(w, s, out=w)
    return t.seconds


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=3)
    a = p.parse_args()
    import tapeflow as tf
    tf.keras.utils.set_random_seed(0)
    x, y, _, _ = load_flat("mnist")
    labels = tf.keras.utils.to_categorical(y, 10)
    model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(512, "relu"),
                                 tf.keras.layers.Dense(10, "softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    ref = FusedMLP([784, 512, 10], BATCH)
    rng = np.random.default_rng(0)
    w1, w2 = ref.params[0].copy(), ref.params[2].copy()
    steps = -(-len(x) // BATCH)
    times = {"products": [], "update": [], "fused": [], "fit": []}
    for epoch in range(a.epochs + 1):                 # alternate; the first is a warm-up
        got = {"products": products_epoch(x, rng.permutation(len(x)), w1, w2),
               "update": update_epoch(steps)}
        with Timer() as fused:
            ref.epoch(x, y, rng)
        with Timer() as fit:
            model.fit(x, labels, batch_size=BATCH, epochs=1, verbose=0)
        got.update(fused=fused.seconds, fit=fit.seconds)
        if epoch:
            for key, value in got.items():
                times[key].append(value)
    m = {key: median(values) for key, values in times.items()}
    rest = max(m["fused"] - m["products"] - m["update"], 0.0)
    bound = m["products"] + (m["update"] + rest) / 2
    print(f"mnist floor: 784-512-10, rmsprop, batch 128 — {machine()}")
    print(f"  epochs timed: {a.epochs} (after one warm-up), medians; ratios to the bound")
    row("the five matrix products", m["products"], "s/epoch", bound)
    row("RMSprop update (one core)", m["update"], "s/epoch", bound)
    row("rest of the hand-fused loop", rest, "s/epoch", bound)
    row("bound: products + (update + rest) / 2", bound, "s/epoch", bound)
    row("hand-fused NumPy loop", m["fused"], "s/epoch", bound)
    row("tapeflow fit()", m["fit"], "s/epoch", bound)
    got = peer("mlp_peer.py", "keras_jax", "mnist", a.epochs, "rmsprop", False, "512")
    if got:
        row(got["label"], got["seconds_per_epoch"], "s/epoch", bound)


if __name__ == "__main__":
    main()
