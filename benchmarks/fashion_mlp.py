"""Seconds per epoch of the Fashion-MNIST tutorial model, tapeflow fit() beside NumPy.

Flatten -> Dense(128, relu) -> Dense(10) logits, adam,
SparseCategoricalCrossentropy(from_logits=True), batch 32 as in the tutorial is slow for
every framework; the benchmark uses batch 128 like mnist_mlp for comparable figures.

    python benchmarks/fashion_mlp.py [--epochs 4]
"""
import argparse

from mnist_mlp import run


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=4)
    a = p.parse_args()
    run("fashion_mnist", a.epochs, "adam", [128], logits=True, sparse=True,
        peers_prefix="mlp_peer")


if __name__ == "__main__":
    main()
