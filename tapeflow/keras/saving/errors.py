"""The errors saving and loading raise.

Every problem with the *content* of a file raises :class:`ModelFileError` (a
``ValueError``), whose message names the file and what is wrong with it. A path that
does not exist raises ``FileNotFoundError`` and other operating-system failures
raise ``OSError``; a missing optional package (h5py, onnx) raises ``ImportError``.
Loaders never let any other exception type escape for a corrupt file.

Example:
    >>> err = ModelFileError("config.json is missing", filepath="m.keras")
    >>> str(err)
    "Cannot load 'm.keras': config.json is missing"
    >>> isinstance(err, ValueError)
    True
"""

__all__ = ["ModelFileError", "UnknownObjectError", "UnsafeObjectError", "require_h5py"]


class ModelFileError(ValueError):
    """A ``.keras``/``.h5`` file (or a config inside it) that cannot be loaded.

    Attributes:
        filepath: the file concerned, or ``None`` when the config did not come from
            a file.
    """

    def __init__(self, message, filepath=None):
        self.filepath = None if filepath is None else str(filepath)
        self.reason = message
        text = message if filepath is None else f"Cannot load {self.filepath!r}: {message}"
        super().__init__(text)


class UnknownObjectError(ModelFileError):
    """A config names a class or function tapeflow does not know and nobody registered."""


class UnsafeObjectError(ModelFileError):
    """A config holds Python code (a lambda): loading it would run code from the file."""


def require_h5py(what="read and write Keras weight files"):
    """Import and return h5py, or explain how to install it."""
    try:
        import h5py
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"h5py is needed to {what} (.keras / .weights.h5 / .h5). It is one of "
            f"tapeflow's dependencies: `pip install tapeflow` (or `pip install h5py`) "
            f"installs it.") from err
    return h5py
