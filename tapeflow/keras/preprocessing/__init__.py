"""``keras.preprocessing``: the names TF2-era course code still imports.

``keras.preprocessing.sequence.pad_sequences``, ``keras.preprocessing.image``'s
``load_img``/``img_to_array``/``array_to_img``/``save_img`` and
``keras.preprocessing.timeseries_dataset_from_array`` are the ``keras.utils`` functions.

Example:
    >>> from tapeflow.keras.preprocessing.sequence import pad_sequences
    >>> pad_sequences([[1, 2]], maxlen=3).tolist()
    [[0, 1, 2]]
"""

from tapeflow.keras.preprocessing import image, sequence
from tapeflow.keras.utils.timeseries_utils import timeseries_dataset_from_array

__all__ = ["image", "sequence", "timeseries_dataset_from_array"]


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
