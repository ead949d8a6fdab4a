"""CIFAR-100, as ``keras.datasets.cifar100``: 50,000 + 10,000 images, 100 fine classes
grouped in 20 coarse ones.

Example:
    >>> from tapeflow.keras.datasets import cifar100
    >>> (x_train, y_train), _ = cifar100.load_data(label_mode="coarse")  # doctest: +SKIP
    >>> int(y_train.max())  # doctest: +SKIP
    19
"""

from __future__ import annotations

from .cifar import load_cifar

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
DIRNAME = "cifar-100-python-target"


def load_data(label_mode="fine"):
    """Loads CIFAR-100 exactly as Keras 3 does.

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3) under
        ``channels_last`` and int64 labels of shape (N, 1).

    Example:
        >>> load_data(label_mode="medium")
        Traceback (most recent call last):
        ...
        ValueError: `label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode=medium.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    return load_cifar(DIRNAME, ORIGIN, SHA256, "cifar-100-python", ["train"], "test",
                      f"{label_mode}_labels", "int64")
