"""Datasets, as ``keras.datasets``: ``mnist``, ``fashion_mnist``, ``imdb``, ``reuters``,
``boston_housing``, ``california_housing``, ``cifar10`` and ``cifar100``.

``load_data()`` returns exactly Keras's arrays, found offline-first and verified by
SHA-256 (see ``sources``). Provision a machine once with ``tapeflow datasets fetch``.

Example:
    >>> from tapeflow.keras.datasets import mnist, fashion_mnist
    >>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
    >>> x_train.shape  # doctest: +SKIP
    (60000, 28, 28)
"""

from . import (boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb,
               mnist, reuters)
from .idx import IDXFormatError
from .safe_pickle import UnsafePickleError
from .sources import DatasetUnavailableError

__all__ = ["DatasetUnavailableError", "IDXFormatError", "UnsafePickleError",
           "boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist",
           "imdb", "mnist", "reuters"]


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
