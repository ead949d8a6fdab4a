"""``tf.autograph``: see the code tapeflow runs for a ``tf.function``.

Example:
    >>> import tapeflow as tf
    >>> callable(tf.autograph.to_code)
    True
"""
from tapeflow.function import to_code

__all__ = ["to_code"]
