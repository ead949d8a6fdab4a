"""``keras.applications.mobilenet_v2``: MobileNetV2 with Keras 3.15's layers and names.

Inverted residual blocks (``block_{i}_expand`` / ``_depthwise`` / ``_project`` with
their ``_BN`` and ``_relu`` layers, ``block_{i}_pad`` before stride 2, ``block_{i}_add``
for residuals) exactly as Keras builds them, so Keras's ImageNet weight files
(``mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alpha}_{rows}[_no_top].h5``) load.

Example:
    >>> base = MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, include_top=False,
    ...                    weights=None)
    >>> base.name, len(base.layers), base.count_params()
    ('mobilenetv2_0.35_32', 154, 410208)
"""
import warnings

from tapeflow.keras import backend
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.applications import imagenet_utils
from tapeflow.keras.applications.vgg16 import image_input, pooled
from tapeflow.keras.layers.activation_layers import ReLU
from tapeflow.keras.layers.convolutional import Conv2D
from tapeflow.keras.layers.convolutional_depthwise import DepthwiseConv2D
from tapeflow.keras.layers.dense import Dense
from tapeflow.keras.layers.merge import Add
from tapeflow.keras.layers.normalization import BatchNormalization
from tapeflow.keras.layers.pooling import GlobalAveragePooling2D
from tapeflow.keras.layers.reshaping import ZeroPadding2D
from tapeflow.keras.models.functional import Functional

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _default_size(input_shape, input_tensor):
    """Keras's choice of default size: the square input size if it is a weights size."""
    if input_shape is None and input_tensor is None:
        return 224
    if input_shape is None:
        if not backend.is_keras_tensor(input_tensor):
            return 224
        shape = input_tensor.shape[1:]
    else:
        if input_tensor is not None and backend.is_keras_tensor(input_tensor):
            if input_tensor.shape[2] != input_shape[1]:
                raise ValueError(f"input_tensor.shape[2] must equal input_shape[1]; "
                                 f"Received `input_tensor.shape={input_tensor.shape}`, "
                                 f"`input_shape={input_shape}`")
        shape = input_shape
    rows, cols = shape[0], shape[1]
    return rows if rows == cols and rows in _SIZES else 224


def _weights_rows(weights, alpha, rows, cols):
    if weights != "imagenet":
        return rows
    if alpha not in _ALPHAS:
        raise ValueError(f"If imagenet weights are being loaded, alpha must be one of "
                         f"`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                         f"`alpha={alpha}`")
    if rows != cols or rows not in _SIZES:
        warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                      "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will "
                      "be loaded as the default.", stacklevel=3)
        return 224
    return rows


def _bn(name):
    return BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)


@keras_export(["keras.applications.mobilenet_v2", "keras.applications"])
def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", name=None):
    """Instantiates the MobileNetV2 architecture (Sandler et al., CVPR 2018).

    Call ``keras.applications.mobilenet_v2.preprocess_input`` (pixels to [-1, 1]) first.

    Args:
        input_shape: ``(rows, cols, 3)``, at least 32x32; pretrained weights exist for
            square 96, 128, 160, 192 and 224.
        alpha: width multiplier (0.35, 0.5, 0.75, 1.0, 1.3 or 1.4 with ImageNet weights).
        include_top: include the pooled ``predictions`` Dense layer.
        weights: None, ``"imagenet"`` (downloaded to ``~/.keras/models``) or a file path.
        input_tensor: optional Keras tensor to use as image input.
        pooling: without the top, None, ``"avg"`` or ``"max"``.
        classes: number of classes of the top (1000 with ImageNet weights).
        classifier_activation: activation of ``predictions`` (None returns logits).
        name: the model's name; default ``mobilenetv2_{alpha:.2f}_{rows}``.

    Returns:
        A Functional ``Model``.

    Example:
        >>> model = MobileNetV2(input_shape=(32, 32, 3), alpha=0.5, weights=None, classes=5)
        >>> model.count_params(), model.output.shape
        (712629, (None, 5))
    """
    imagenet_utils.check_weights_arg(weights, include_top, classes)
    default_size = _default_size(input_shape, input_tensor)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    rows = _weights_rows(weights, alpha, input_shape[0], input_shape[1])
    img_input = image_input(input_tensor, input_shape)
    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
               padding="same", use_bias=False, name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    last_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    name = f"mobilenetv2_{alpha:0.2f}_{rows}" if name is None else name
    model = Functional(imagenet_utils.source_inputs(input_tensor, img_input), x, name=name)
    if weights == "imagenet":
        fname = weights_file_name(alpha, rows, include_top)
        model.load_weights(imagenet_utils.fetch_weights(fname, BASE_WEIGHT_PATH + fname))
    elif weights is not None:
        model.load_weights(weights)
    return model


def weights_file_name(alpha, rows, include_top):
    """Keras's file name of the ImageNet weights for ``alpha`` and input size ``rows``.

    Example:
        >>> weights_file_name(1.0, 160, include_top=False)
        'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5'
    """
    suffix = ".h5" if include_top else "_no_top.h5"
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}"


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    in_channels = inputs.shape[-1]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                   activation=None, name=f"{prefix}expand")(x)
        x = _bn(f"{prefix}expand_BN")(x)
        x = ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding="same" if stride == 1 else "valid",
                        name=f"{prefix}depthwise")(x)
    x = _bn(f"{prefix}depthwise_BN")(x)
    x = ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
               activation=None, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=f"{prefix}add")([inputs, x])
    return x


def _make_divisible(v, divisor, min_value=None):
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:  # do not round down by more than 10%
        new_v += divisor
    return new_v


@keras_export("keras.applications.mobilenet_v2")
def preprocess_input(x, data_format=None):
    """MobileNetV2's preprocessing ("tf"): pixels 0..255 to ``x / 127.5 - 1``.

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.array([0.0, 255.0])).tolist()
        [-1.0, 1.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.mobilenet_v2")
def decode_predictions(preds, top=5):
    """``(class_id, class_name, score)`` tuples for ImageNet predictions."""
    return imagenet_utils.decode_predictions(preds, top=top)
