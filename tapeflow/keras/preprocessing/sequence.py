"""``keras.preprocessing.sequence``: ``pad_sequences`` (same as ``keras.utils``).

Example:
    >>> pad_sequences([[5]], maxlen=2, padding="post").tolist()
    [[5, 0]]
"""

from tapeflow.keras.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
