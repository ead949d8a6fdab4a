"""Datasets, as ``keras.datasets``: ``mnist`` and ``fashion_mnist``.

``load_data()`` returns exactly Keras's arrays, found offline-first and verified by
SHA-256 (see ``sources``). Provision a machine once with ``tapeflow datasets fetch``.

Example:
    >>> from tapeflow.keras.datasets import mnist, fashion_mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (60000, 28, 28)
"""

from . import fashion_mnist, mnist
from .idx import IDXFormatError
from .sources import DatasetUnavailableError

__all__ = ["DatasetUnavailableError", "IDXFormatError", "fashion_mnist", "mnist"]
