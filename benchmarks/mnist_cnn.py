"""Seconds per epoch of the intro convnet (Chollet ch. 8) on MNIST: tapeflow beside its peers.

Input (28, 28, 1) -> Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) ->
MaxPooling2D(2) -> Conv2D(128, 3, relu) -> Flatten -> Dense(10, softmax): 104,202
parameters; rmsprop, sparse categorical cross-entropy, batch 64, the full 60,000 images.
Reports the median epoch after the first (which traces the step), test accuracy after
all epochs and the process's peak RSS. With TAPEFLOW_PEER_PYTHON set, Keras 3 on JAX and
PyTorch CPU (whichever are installed there) run the same workload in a subprocess each
(their RSS is their own process's).

    python benchmarks/mnist_cnn.py [--epochs 5]
"""
import argparse
import resource

from _common import Timer, load_flat, machine, median, peer, row


def convnet():
    from tapeflow import keras
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2), layers.Conv2D(128, 3, activation="relu"), layers.Flatten(),
        layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(epochs):
    from tapeflow import keras
    keras.utils.set_random_seed(0)
    x, y, xt, yt = load_flat("mnist")
    x, xt = x.reshape(-1, 28, 28, 1), xt.reshape(-1, 28, 28, 1)
    model = convnet()
    times = []
    for _ in range(epochs):
        with Timer() as t:
            model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        times.append(t.seconds)
    acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)[1]
    seconds = median(times[1:] or times)
    print(f"MNIST intro convnet (104,202 params), rmsprop, batch 64 — {machine()}")
    print(f"  {epochs} epochs; s/epoch: median after the first; ratio to tapeflow")
    row("tapeflow fit()", seconds, "s/epoch", seconds)
    print(f"    epochs {[round(s, 2) for s in times]}, test accuracy {acc:.4f}, "
          f"peak RSS {peak_rss_mb():.0f} MB")
    for name in ("keras_jax", "torch"):
        got = peer("cnn_peer.py", name, epochs, timeout=3600)
        if got:
            row(got["label"], got["seconds_per_epoch"], "s/epoch", seconds)
            print(f"    epochs {[round(s, 2) for s in got['epochs']]}, test accuracy "
                  f"{got['test_accuracy']:.4f}, peak RSS {got['peak_rss_mb']:.0f} MB")
    return seconds, acc


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5)
    run(p.parse_args().epochs)


if __name__ == "__main__":
    main()
