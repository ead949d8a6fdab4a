"""Fashion-MNIST (Zalando), as ``keras.datasets.fashion_mnist``.

60,000 training and 10,000 test grayscale 28x28 images of clothing in 10 classes:
0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.

Example:
    >>> from tapeflow.keras.datasets import fashion_mnist
    >>> fashion_mnist.CLASS_NAMES[9]
    'Ankle boot'
"""

from __future__ import annotations

from . import sources
from .sources import DatasetSpec, IDXFile, Mirror, Package

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")

SPEC = DatasetSpec(
    name="fashion_mnist",
    subdir="fashion-mnist",
    files=(
        IDXFile("x_train", "train-images-idx3-ubyte",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        IDXFile("y_train", "train-labels-idx1-ubyte",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        IDXFile("x_test", "t10k-images-idx3-ubyte",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        IDXFile("y_test", "t10k-labels-idx1-ubyte",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ),
    mirrors=(
        Mirror("https://storage.googleapis.com/tensorflow/tf-keras-datasets/", "idx.gz"),
        Mirror("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", "idx.gz"),
        Mirror("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/"
               "data/fashion/", "idx.gz"),
    ),
    keras_subdir="fashion-mnist",
    packages=(Package("apt", "dataset-fashion-mnist", "usr/share/datasets/fashion-mnist"),),
)


def load_data():
    """Loads Fashion-MNIST, exactly the arrays Keras returns.

    Sources, in order, each verified by the SHA-256 of the decompressed IDX file:
    tapeflow's cache (``~/.tapeflow/datasets/fashion-mnist/``), Keras's cache
    (``~/.keras/datasets/fashion-mnist/*.gz``), Debian's ``dataset-fashion-mnist``
    (``/usr/share/datasets/fashion-mnist/``), then the mirrors (downloaded into
    tapeflow's cache). Run ``tapeflow datasets fetch fashion_mnist`` once to provision
    a machine for offline use.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 arrays of shapes
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,).

    Raises:
        sources.DatasetUnavailableError: No source had verified data; the message lists
            every source tried, why it failed, and how to provision the data.

    Example:
        >>> from tapeflow.keras.datasets import fashion_mnist
        >>> (x_train, y_train), _ = fashion_mnist.load_data()  # doctest: +SKIP
        >>> fashion_mnist.CLASS_NAMES[y_train[0]]  # doctest: +SKIP
        'Ankle boot'
    """
    return sources.load(SPEC)
