"""``keras.applications.vgg16``: VGG16 with Keras 3.15's layers, names and weights.

The network, layer names (``block1_conv1`` ... ``block5_pool``, ``flatten``, ``fc1``,
``fc2``, ``predictions``) and weight order are Keras's, so Keras's ImageNet weight
files (``vgg16_weights_tf_dim_ordering_tf_kernels(_notop).h5``) load unchanged.

Example:
    >>> conv_base = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> conv_base.count_params(), conv_base.output.shape
    (14714688, (None, 1, 1, 512))
"""
from tapeflow.keras import backend
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.applications import imagenet_utils
from tapeflow.keras.layers.convolutional import Conv2D
from tapeflow.keras.layers.core import Flatten
from tapeflow.keras.layers.dense import Dense
from tapeflow.keras.layers.input_layer import Input
from tapeflow.keras.layers.pooling import (GlobalAveragePooling2D, GlobalMaxPooling2D,
                                           MaxPooling2D)
from tapeflow.keras.models.functional import Functional

__all__ = ["VGG16", "preprocess_input", "decode_predictions"]

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                       "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
WEIGHTS_MD5 = "64373286793e3c8b2b4e3219cbf3544b"
WEIGHTS_MD5_NO_TOP = "6d6bbae143d832006294945121d1f1fc"
_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


def image_input(input_tensor, input_shape):
    """Keras's input handling: a new Input, or ``input_tensor`` (wrapped if not symbolic)."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def pooled(x, pooling):
    """Global average / max pooling for ``pooling="avg"`` / ``"max"`` (else ``x``)."""
    if pooling == "avg":
        return GlobalAveragePooling2D()(x)
    if pooling == "max":
        return GlobalMaxPooling2D()(x)
    return x


@keras_export(["keras.applications.vgg16", "keras.applications"])
def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """Instantiates the VGG16 model (Simonyan & Zisserman, ICLR 2015).

    Call ``keras.applications.vgg16.preprocess_input`` on RGB images (0..255) first.

    Args:
        include_top: include the 3 fully-connected layers at the top.
        weights: None (random initialization), ``"imagenet"`` (downloaded to
            ``~/.keras/models`` on first use) or the path of a weights file.
        input_tensor: optional Keras tensor (output of ``keras.Input()``) to use as input.
        input_shape: ``(height, width, 3)``, at least 32x32; only without the top
            (with it the shape is ``(224, 224, 3)``).
        pooling: without the top, None (4D output), ``"avg"`` or ``"max"`` global pooling.
        classes: number of classes of the top (1000 with ImageNet weights).
        classifier_activation: activation of the ``predictions`` layer (None = logits).
        name: the model's name.

    Returns:
        A Functional ``Model``.

    Example:
        >>> model = VGG16(weights=None, input_shape=(32, 32, 3), include_top=False,
        ...               pooling="avg")
        >>> len(model.layers), model.layers[1].name, model.output.shape
        (20, 'block1_conv1', (None, 512))
    """
    imagenet_utils.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, convs) in enumerate(_BLOCKS, start=1):
        for conv in range(1, convs + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{conv}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Functional(imagenet_utils.source_inputs(input_tensor, img_input), x, name=name)
    if weights == "imagenet":
        if include_top:
            path = imagenet_utils.fetch_weights(
                "vgg16_weights_tf_dim_ordering_tf_kernels.h5", WEIGHTS_PATH, WEIGHTS_MD5)
        else:
            path = imagenet_utils.fetch_weights(
                "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", WEIGHTS_PATH_NO_TOP,
                WEIGHTS_MD5_NO_TOP)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model


@keras_export("keras.applications.vgg16")
def preprocess_input(x, data_format=None):
    """VGG16's preprocessing ("caffe"): RGB to BGR, minus the ImageNet mean pixel.

    Args:
        x: images with values in 0..255 (array, tensor or ``keras.Input``), 3 channels.
        data_format: None uses ``keras.backend.image_data_format()``.

    Returns:
        The preprocessed images (a float NumPy array is modified in place, as in Keras).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([[0.0, 0.0, 0.0]])).tolist()
        [[-103.939, -116.779, -123.68]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


@keras_export("keras.applications.vgg16")
def decode_predictions(preds, top=5):
    """``(class_id, class_name, score)`` tuples for ImageNet predictions.

    See :func:`tapeflow.keras.applications.imagenet_utils.decode_predictions`.
    """
    return imagenet_utils.decode_predictions(preds, top=top)
