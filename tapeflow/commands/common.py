"""What the ``tapeflow`` subcommands share: errors, argument types, data and model files.

Example:
    >>> positive_int("3")
    3
    >>> int_list("256,128")
    (256, 128)
    >>> (x, y), _ = load_data("mnist", quick=True, synthetic=True)
    >>> x.shape, x.dtype.name, int(y.max())
    ((2000, 28, 28), 'uint8', 9)
"""

from __future__ import annotations

import argparse
import os

import numpy as np

DATASETS = ("mnist", "fashion_mnist")
CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                      "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
QUICK_SIZES = (2000, 500)  # train / test samples with --quick (and synthetic data)


class CommandError(Exception):
    """A failure the user can act on; ``tapeflow`` prints it as one error line.

    Args:
        message: What went wrong and what to do about it.
        exit_code: 2 when the arguments were wrong (a missing or unsuitable file), 1 when
            the command could not finish.
    """

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


class HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions and epilogs, but keeps the lines of indented paragraphs
    (the examples) as written."""

    def _fill_text(self, text, width, indent):
        paragraphs = text.split("\n\n")
        return "\n\n".join(
            p if p.startswith(" ") or "\n " in p else super(HelpFormatter, self)._fill_text(
                p, width, indent) for p in paragraphs)


# --- argument types (argparse turns their ArgumentTypeError into a usage error) ------
def positive_int(text):
    """``"5"`` -> 5; anything but an integer >= 1 is a usage error."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def positive_float(text):
    """``"0.01"`` -> 0.01; anything but a number > 0 is a usage error."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def int_list(text):
    """``"512"`` -> (512,); ``"256,128"`` -> (256, 128): hidden layer sizes."""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive layer sizes separated by commas (e.g. 512 or 256,128), "
            f"got {text!r}")
    return sizes


def dataset_name(text):
    """``"fashion-mnist"`` -> ``"fashion_mnist"``; unknown names are a usage error."""
    name = text.replace("-", "_").lower()
    if name not in DATASETS:
        raise argparse.ArgumentTypeError(
            f"unknown dataset {text!r}; expected one of {', '.join(DATASETS)}")
    return name


def add_synthetic_flag(parser):
    """A hidden ``--synthetic`` flag: random stand-in data (for tests and demos offline)."""
    parser.add_argument("--synthetic", action="store_true", help=argparse.SUPPRESS)


# --- data ------------------------------------------------------------------------------
def load_data(name, quick=False, synthetic=False):
    """``((x_train, y_train), (x_test, y_test))`` of ``name``, as ``load_data()`` gives.

    Args:
        name: ``"mnist"`` or ``"fashion_mnist"``.
        quick: keep the first 2000 training and 500 test samples.
        synthetic: return learnable random stand-in data of the same shapes and dtypes
            instead of reading the data set.

    Raises:
        DatasetUnavailableError: the data set is not provisioned (its message says how).
    """
    if synthetic:
        n_train, n_test = QUICK_SIZES if quick else (6000, 1000)
        return synthetic_data(n_train, 0), synthetic_data(n_test, 1)
    from tapeflow.keras import datasets
    (x_train, y_train), (x_test, y_test) = getattr(datasets, name).load_data()
    if quick:
        n_train, n_test = QUICK_SIZES
        return (x_train[:n_train], y_train[:n_train]), (x_test[:n_test], y_test[:n_test])
    return (x_train, y_train), (x_test, y_test)


def synthetic_data(n, seed=0):
    """``n`` uint8 28x28 images of 10 classes, class ``c`` a bright band at row 2c + 4.

    Noise keeps it from being trivial, yet a small network learns it in one epoch.
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.random((n, 28, 28)) * 60
    rows = np.arange(28)[None, :, None]
    start = 2 * labels[:, None, None].astype(int) + 4
    images += 150 * ((rows >= start) & (rows < start + 4))
    return images.astype(np.uint8), labels


# --- model files -----------------------------------------------------------------------
def load_model(path):
    """``keras.models.load_model(path)``, with unusable paths turned into CommandError."""
    from tapeflow.keras.saving.errors import ModelFileError
    from tapeflow.keras.models import load_model as keras_load_model
    if os.path.isdir(path):
        raise CommandError(f"{path!r} is a directory, not a model file; pass the "
                           f".keras file written by `tapeflow train --save`", exit_code=2)
    try:
        return keras_load_model(path)
    except FileNotFoundError:
        raise CommandError(f"no model file {path!r} (train one with `tapeflow train "
                           f"mnist --save model.keras`)", exit_code=2) from None
    except ModelFileError as err:
        raise CommandError(str(err), exit_code=2) from None


def model_inputs(model, images):
    """Reshape (n, 28, 28) images to the model's input shape, e.g. (n, 784).

    Raises:
        CommandError: the model takes inputs of another size.
    """
    shape = getattr(model, "input_shape", None)
    if not shape or not isinstance(shape[0], (int, type(None))):
        return images  # unknown (subclassed) or several inputs: try as is
    wanted = tuple(shape[1:])
    if wanted == images.shape[1:]:
        return images
    if None not in wanted and int(np.prod(wanted)) == int(np.prod(images.shape[1:])):
        return images.reshape((len(images),) + wanted)
    raise CommandError(
        f"model {model.name!r} takes inputs of shape {tuple(shape)}, but the images are "
        f"{images.shape[1]}x{images.shape[2]} ({int(np.prod(images.shape[1:]))} values "
        f"each); use a model trained on 28x28 images, e.g. from `tapeflow train`")


def uses_one_hot_labels(model):
    """True when the model was compiled with a (non-sparse) categorical loss."""
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else (
        getattr(loss, "name", None) or getattr(loss, "__name__", "") or "")
    name = str(name).lower()
    return "categorical" in name and "sparse" not in name


def as_probabilities(outputs):
    """Rows of ``outputs`` as probabilities: softmax unless they already are some.

    Returns:
        (probabilities, True if softmax was applied).

    Example:
        >>> p, applied = as_probabilities(np.array([[0.0, 0.0]]))
        >>> p.tolist(), applied
        ([[0.5, 0.5]], True)
    """
    outputs = np.asarray(outputs, np.float64)
    sums = outputs.sum(axis=-1)
    if np.all(outputs >= 0) and np.allclose(sums, 1.0, atol=1e-3):
        return outputs, False
    shifted = np.exp(outputs - outputs.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True), True
