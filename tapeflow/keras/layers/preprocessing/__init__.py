"""Preprocessing layers: feature normalization, image preprocessing / augmentation and
text (TextVectorization, StringLookup, IntegerLookup).

Example:
    >>> import numpy as np
    >>> from tapeflow.keras.layers.preprocessing import Normalization
    >>> Normalization(mean=2.0, variance=4.0)(np.array([[4.0]])).numpy()
    array([[1.]], dtype=float32)
"""
from tapeflow.keras.layers.preprocessing.augmentation import (RandomContrast, RandomCrop,
                                                              RandomFlip, RandomRotation,
                                                              RandomTranslation, RandomZoom)
from tapeflow.keras.layers.preprocessing.image import CenterCrop, Resizing
from tapeflow.keras.layers.preprocessing.normalization import Normalization
from tapeflow.keras.layers.preprocessing.string_lookup import IntegerLookup, StringLookup
from tapeflow.keras.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["Normalization", "Resizing", "CenterCrop", "RandomFlip", "RandomRotation",
           "RandomZoom", "RandomTranslation", "RandomContrast", "RandomCrop",
           "TextVectorization", "StringLookup", "IntegerLookup"]
