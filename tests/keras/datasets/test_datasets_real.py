"""Integration: the real MNIST and Fashion-MNIST, when this machine has them.

Looks (read-only) in the real tapeflow cache, Keras cache and system data directory as
they were before the test environment was isolated; skips, saying where it looked, when
the data is not there. Never downloads: the mirrors are removed.
"""

import dataclasses
import os
import time

import datasets_testlib as lib
import numpy as np
import pytest

from tapeflow.keras.datasets import fashion_mnist, mnist, sources

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def real_dir(spec):
    """First real directory holding all four files (raw or .gz), or None."""
    candidates = [os.path.join(lib.REAL_TAPEFLOW_HOME, "datasets", spec.subdir)]
    if spec.keras_subdir:
        candidates.append(os.path.join(lib.REAL_KERAS_DATASETS, spec.keras_subdir))
    candidates.append(os.path.join(lib.REAL_SYSTEM_DATASETS, spec.subdir))
    for directory in candidates:
        if all(sources._find(directory, f.name) for f in spec.files):
            return directory, candidates
    return None, candidates


def offline_real(module, monkeypatch, isolated):
    """Exposes the real files read-only as the 'system data' source, mirrors removed."""
    spec = dataclasses.replace(module.SPEC, mirrors=(), packages=())
    directory, candidates = real_dir(spec)
    npz = os.path.join(lib.REAL_KERAS_DATASETS, "mnist.npz")
    if directory is None and not (spec.npz and os.path.isfile(npz)):
        pytest.skip(f"real {spec.name} not provisioned on this machine (looked in "
                    f"{', '.join(candidates + [npz])}); run `tapeflow datasets fetch {spec.name}`")
    monkeypatch.setattr(module, "SPEC", spec)
    if directory is not None:
        os.symlink(directory, isolated / "system" / spec.subdir)
    return npz


def test_real_mnist(monkeypatch, isolated):
    npz = offline_real(mnist, monkeypatch, isolated)
    start = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=npz)
    seconds = time.perf_counter() - start
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert x_train.max() == 255 and x_train.min() == 0
    print(f"real MNIST loaded in {seconds:.3f} s")


def test_real_fashion_mnist(monkeypatch, isolated):
    offline_real(fashion_mnist, monkeypatch, isolated)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert y_train[0] == 9  # the first training image is an ankle boot
