"""CIFAR-10, as ``keras.datasets.cifar10``: 50,000 + 10,000 32x32 colour images, 10 classes.

Example:
    >>> from tapeflow.keras.datasets import cifar10
    >>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()  # doctest: +SKIP
    >>> x_train.shape, x_train.dtype, y_train.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), dtype('uint8'), (50000, 1))
    >>> cifar10.ORIGIN
    'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
"""

from __future__ import annotations

from .cifar import load_cifar

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
DIRNAME = "cifar-10-batches-py-target"
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
               "ship", "truck")


def load_data():
    """Loads CIFAR-10 exactly as Keras 3 does (Keras's cache and file layout).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3) under
        ``channels_last`` ((N, 3, 32, 32) under ``channels_first``) and uint8 labels
        of shape (N, 1).

    Example:
        >>> (x_train, y_train), _ = load_data()  # doctest: +SKIP
    """
    train = [f"data_batch_{i}" for i in range(1, 6)]
    return load_cifar(DIRNAME, ORIGIN, SHA256, "cifar-10-batches-py", train,
                      "test_batch", "labels", "uint8")
