"""``keras.preprocessing.image``: ``load_img``, ``img_to_array``, ``array_to_img``,
``save_img`` (the ``keras.utils`` functions; Pillow needed).

Example:
    >>> from tapeflow.keras.preprocessing import image
    >>> image.img_to_array is image.img_to_array
    True
"""

from tapeflow.keras.utils.image_utils import array_to_img, img_to_array, load_img, save_img

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]
