"""``keras.applications``: pretrained ImageNet convnets (VGG16, MobileNetV2).

Built from ``tf.keras.layers`` with Keras 3.15's layer names and weight order, so
``weights="imagenet"`` loads Keras's own weight files (downloaded once into
``~/.keras/models``, verified by hash). The other architectures are not provided yet:
asking for one raises a ``NotProvidedError`` that says so.

Example:
    >>> from tapeflow import keras
    >>> conv_base = keras.applications.vgg16.VGG16(
    ...     weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> conv_base.trainable = False
    >>> len(conv_base.trainable_weights), len(conv_base.non_trainable_weights)
    (0, 26)
"""
import importlib

_SUBMODULES = {"imagenet_utils", "mobilenet_v2", "vgg16"}
_NAMES = {"VGG16": "tapeflow.keras.applications.vgg16",
          "MobileNetV2": "tapeflow.keras.applications.mobilenet_v2"}

__all__ = sorted(_SUBMODULES | set(_NAMES))


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"tapeflow.keras.applications.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)


def __dir__():
    return sorted(_SUBMODULES | set(_NAMES))
