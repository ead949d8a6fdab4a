"""The Keras version whose behaviour and file format tapeflow follows.

It sits at the bottom of ``tapeflow.keras`` so that the file writers can record it
without importing the namespace above them. ``keras.__version__`` adds tapeflow's
label to it (see :mod:`tapeflow._version`).

Example:
    >>> __version__.split(".")[0]
    '3'
"""
__all__ = ["__version__"]

from tapeflow._version import KERAS_VERSION as __version__  # noqa: E402
