"""The Keras version whose behaviour and file format tapeflow follows.

It sits at the bottom of ``tapeflow.keras`` so that the file writers can record it
without importing the namespace above them.

Example:
    >>> __version__.split(".")[0]
    '3'
"""
__all__ = ["__version__"]

__version__ = "3.15.0"
