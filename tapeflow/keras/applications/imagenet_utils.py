"""``keras.applications.imagenet_utils``: ImageNet preprocessing, decoding and weights.

The same numbers as Keras 3.15: ``mode="caffe"`` flips RGB to BGR and subtracts the
ImageNet mean pixel ``[103.939, 116.779, 123.68]`` (VGG16), ``mode="tf"`` scales to
[-1, 1] (MobileNetV2), ``mode="torch"`` scales to [0, 1] and standardises per channel.
As in Keras, a float NumPy array is modified in place (and returned); pass a copy to
keep the original. On a ``keras.Input`` (a KerasTensor) the preprocessing becomes a
weightless layer of the Functional model, as Chollet's chapter 8 uses it.

Pretrained weights come from Keras's URLs into Keras's cache
(``$KERAS_HOME/models``, default ``~/.keras/models``) through
``keras.utils.get_file``, verified by hash. When the download fails the error names the
URL and the path where the file can be put by hand.

Example:
    >>> import numpy as np
    >>> x = np.array([[[10.0, 20.0, 30.0]]])
    >>> preprocess_input(x.copy(), mode="caffe").round(3).tolist()
    [[[-73.939, -96.779, -113.68]]]
    >>> preprocess_input(np.array([0.0, 127.5, 255.0]), mode="tf").tolist()
    [-1.0, 0.0, 1.0]
"""
import json
import os
import warnings

import numpy as np

from tapeflow.keras import activations
from tapeflow.keras import backend
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.datasets import download
from tapeflow.keras.datasets import sources
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.keras.utils.file_utils import get_file
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import gather, reshape
from tapeflow.tensor import Tensor, convert_to_tensor

__all__ = ["preprocess_input", "decode_predictions", "obtain_input_shape", "correct_pad",
           "validate_activation", "check_weights_arg", "fetch_weights", "ImagenetPreprocess"]

CLASS_INDEX = None
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
_CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
_CAFFE_MEAN = [103.939, 116.779, 123.68]
_TORCH_MEAN, _TORCH_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def _check_mode(mode, data_format):
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    if data_format is None:
        return backend.image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    return data_format


@keras_export("keras.applications.imagenet_utils")
def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocesses a batch of RGB images (pixel values 0..255) for an ImageNet model.

    Args:
        x: NumPy array, tensor or ``keras.Input`` of 3 color channels.
        data_format: ``"channels_last"`` / ``"channels_first"``; None uses
            ``keras.backend.image_data_format()``.
        mode: ``"caffe"`` (BGR, mean subtracted), ``"tf"`` (to [-1, 1]) or ``"torch"``
            (to [0, 1], then per-channel ImageNet mean and std).

    Returns:
        The preprocessed array or tensor (float32 for integer input).

    Example:
        >>> import numpy as np
        >>> preprocess_input(np.full((1, 1, 3), 255, np.uint8), mode="tf").tolist()
        [[[1.0, 1.0, 1.0]]]
    """
    data_format = _check_mode(mode, data_format)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    if isinstance(x, KerasTensor):
        return ImagenetPreprocess(mode=mode, data_format=data_format)(x)
    return _preprocess_tensor(x, data_format, mode)


def _mean_std(mode):
    if mode == "torch":
        return _TORCH_MEAN, _TORCH_STD
    return _CAFFE_MEAN, None


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
    elif data_format == "channels_first":
        x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
    else:
        x = x[..., ::-1]
    mean, std = _mean_std(mode)
    for c in range(3):
        index = _channel(x.ndim, data_format, c)
        x[index] -= mean[c]
        if std is not None:
            x[index] /= std[c]
    return x


def _channel(ndim, data_format, c):
    if data_format == "channels_last":
        return (Ellipsis, c)
    return (c,) if ndim == 3 else (slice(None), c)


def _preprocess_tensor(x, data_format, mode):
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = math_ops.cast(x, backend.floatx())
    if mode == "tf":
        return math_ops.subtract(math_ops.divide(x, np.asarray(127.5, x.array.dtype)),
                                 np.asarray(1.0, x.array.dtype))
    if mode == "torch":
        x = math_ops.divide(x, np.asarray(255.0, x.array.dtype))
    axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    if mode == "caffe":
        x = gather(x, np.array([2, 1, 0]), axis=axis)
    mean, std = _mean_std(mode)
    shape = [1] * x.ndim
    shape[axis] = 3
    x = math_ops.add(x, np.reshape(-np.array(mean), shape).astype(x.array.dtype))
    if std is not None:
        x = math_ops.divide(x, np.reshape(np.array(std), shape).astype(x.array.dtype))
    return x


@keras_export("keras.applications.imagenet_utils")
class ImagenetPreprocess(Layer):
    """``preprocess_input`` as a weightless layer: what it becomes on a ``keras.Input``.

    Example:
        >>> import numpy as np
        >>> ImagenetPreprocess(mode="tf")(np.array([[255.0]])).numpy().tolist()
        [[1.0]]
    """

    def __init__(self, mode="caffe", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.mode = mode
        self.data_format = _check_mode(mode, data_format)

    def build(self, input_shape):
        pass

    def call(self, inputs):
        return _preprocess_tensor(inputs, self.data_format, self.mode)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "data_format": self.data_format}


@keras_export("keras.applications.imagenet_utils")
def decode_predictions(preds, top=5):
    """Decodes ImageNet predictions into ``(class_id, class_name, score)`` tuples.

    The class index (``imagenet_class_index.json``) is read from Keras's cache
    (``~/.keras/models``), downloaded there on first use.

    Args:
        preds: array or tensor of shape ``(samples, 1000)``.
        top: how many of the most likely classes to return per sample.

    Returns:
        One list of ``top`` tuples per sample, most likely first.

    Example:
        >>> import numpy as np
        >>> decode_predictions(np.zeros((1, 10)))
        Traceback (most recent call last):
        ...
        ValueError: `decode_predictions` expects a batch of predictions (i.e. a 2D array of shape (samples, 1000)). Received array with shape: (1, 10)
    """
    global CLASS_INDEX
    preds = np.asarray(preds.numpy() if hasattr(preds, "numpy") else preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         f"array of shape (samples, 1000)). Received array with shape: "
                         f"{preds.shape}")
    if CLASS_INDEX is None:
        path = fetch_weights("imagenet_class_index.json", CLASS_INDEX_PATH,
                             _CLASS_INDEX_MD5, what="the ImageNet class index")
        with open(path, encoding="utf-8") as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def keras_models_dir():
    """Keras's model cache: ``$KERAS_HOME/models`` or ``~/.keras/models``.

    Example:
        >>> keras_models_dir().endswith("models")
        True
    """
    return os.path.join(os.path.dirname(sources.keras_dir()), "models")


def fetch_weights(fname, origin, file_hash=None, what="the pretrained weights"):
    """The cached path of ``fname``, downloaded from ``origin`` (hash-checked) if needed.

    Raises:
        OSError: the download failed; the message names the URL and where to put the
            file by hand.

    Example:
        >>> fetch_weights("x.h5", "ftp://example.invalid/x.h5")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        OSError: Could not download the pretrained weights from ftp://example.invalid/x.h5 ...
    """
    cache = keras_models_dir()
    try:
        return get_file(fname, origin, cache_subdir="models", file_hash=file_hash,
                        cache_dir=os.path.dirname(cache))
    except (download.DownloadError, download.IntegrityError) as err:
        raise OSError(
            f"Could not download {what} from {origin} ({err}). Download the file by hand "
            f"and save it as {os.path.join(cache, fname)} (the Keras cache, "
            f"$KERAS_HOME/models; Keras's own copy works), then run this again."
            ) from err


def check_weights_arg(weights, include_top, classes):
    """Keras's checks of ``weights`` (None, "imagenet" or an existing file) and ``classes``."""
    if not (weights in {"imagenet", None} or os.path.exists(os.fspath(weights))):
        raise ValueError(f"The `weights` argument should be either `None` (random "
                         f"initialization), 'imagenet' (pre-training on ImageNet), or the "
                         f"path to the weights file to be loaded.  Received: "
                         f"weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, "
                         f"`classes` should be 1000.  Received classes={classes}")


def _default_shape(input_shape, default_size, data_format, weights):
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it "
                          f"was passed an input_shape with {channels} input channels.",
                          stacklevel=3)
        if data_format == "channels_first":
            return (input_shape[0], default_size, default_size)
        return (default_size, default_size, input_shape[-1])
    if data_format == "channels_first":
        return (3, default_size, default_size)
    return (default_size, default_size, 3)


def _check_given_shape(input_shape, min_size, data_format, weights):
    if len(input_shape) != 3:
        raise ValueError("`input_shape` must be a tuple of three integers.")
    first = data_format == "channels_first"
    channels = input_shape[0] if first else input_shape[-1]
    if channels != 3 and weights == "imagenet":
        raise ValueError(f"The input must have 3 channels; Received "
                         f"`input_shape={input_shape}`")
    rows, cols = input_shape[1:] if first else input_shape[:2]
    if (rows is not None and rows < min_size) or (cols is not None and cols < min_size):
        raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                         f"input_shape={input_shape}")


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """Keras's input-shape check and default for the ImageNet models.

    Example:
        >>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False)
        (None, None, 3)
        >>> obtain_input_shape((180, 180, 3), 224, 32, "channels_last", False)
        (180, 180, 3)
    """
    input_shape = None if input_shape is None else tuple(input_shape)
    default_shape = _default_shape(input_shape, default_size, data_format, weights)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(f"When setting `include_top=True` and loading `imagenet` "
                             f"weights, `input_shape` should be {default_shape}.  "
                             f"Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        _check_given_shape(input_shape, min_size, data_format, weights)
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(f"If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """The ZeroPadding2D padding that makes a stride-2 'valid' conv match 'same'.

    Example:
        >>> correct_pad(KerasTensor((None, 32, 32, 3)), 3)
        ((0, 1), (0, 1))
    """
    img_dim = 2 if backend.image_data_format() == "channels_first" else 1
    input_size = inputs.shape[img_dim:img_dim + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if input_size[0] is None else (1 - input_size[0] % 2,
                                                   1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    """With pretrained weights, only ``None`` or ``"softmax"`` may top the classifier."""
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError(f"Only `None` and `softmax` activations are allowed for the "
                         f"`classifier_activation` argument when using pretrained weights, "
                         f"with `include_top=True`; Received: "
                         f"classifier_activation={classifier_activation}")


def source_inputs(input_tensor, img_input):
    """The model inputs: ``img_input``, or the Input(s) ``input_tensor`` comes from."""
    if input_tensor is None:
        return img_input
    history = getattr(input_tensor, "_keras_history", None)
    if history is None:
        return img_input
    found, stack, seen = [], [input_tensor], set()
    while stack:
        t = stack.pop()
        op, node_index, _ = t._keras_history
        node = op._inbound_nodes[node_index]
        if node.is_input and id(t) not in seen:
            seen.add(id(t))
            found.append(t)
        stack.extend(reversed(node.input_tensors))
    return found[0] if len(found) == 1 else found
