"""``keras.utils.image_dataset_from_directory``: batches of decoded, resized images.

Files are indexed, shuffled and split as in
:mod:`tapeflow.keras.utils.directory_dataset`. Each image is decoded by Pillow (JPEG, PNG,
BMP, GIF: the first frame), converted to ``color_mode`` ("rgb", "grayscale", "rgba")
and resized to ``image_size`` by ``tf.image.resize`` ("bilinear", the default,
"nearest", "bicubic", "area": TensorFlow's half-pixel formulas without antialiasing);
the other methods use Pillow's filter of the same name. Values stay in [0, 255] as
float32, shape ``(batch, height, width, channels)``.

Pillow is an optional extra: ``pip install "tapeflow[image]"``.

Example:
    >>> import numpy as np
    >>> resize_bilinear(np.array([[[0.0], [10.0]]]), (1, 4))[0, :, 0].tolist()
    [0.0, 2.5, 7.5, 10.0]
"""
import numpy as np

from tapeflow import image as image_lib
from tapeflow.io import require_pillow  # the one missing-extra message (tf.io decodes too)
from tapeflow.keras.utils import directory_dataset as dataset_utils

__all__ = ["image_dataset_from_directory", "resize_bilinear", "resize_nearest",
           "load_image", "require_pillow"]

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
_PIL_MODES = {1: "L", 3: "RGB", 4: "RGBA"}
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                   "gaussian", "mitchellcubic")


def resize_bilinear(image, size):
    """``tf.image.resize(image, size)`` (bilinear, no antialias) of an (h, w, c) array."""
    return image_lib.resize(np.asarray(image, np.float32), size).array


def resize_nearest(image, size):
    """``tf.image.resize(image, size, "nearest")`` of an (h, w, c) array."""
    return image_lib.resize(np.asarray(image, np.float32), size, "nearest").array


def _resize(image, size, interpolation):
    if interpolation in ("bilinear", "nearest", "bicubic", "area"):   # tf.image.resize's
        return image_lib.resize(np.asarray(image, np.float32), size, interpolation).array
    pil = require_pillow("image resizing")
    filters = {"lanczos3": pil.LANCZOS, "lanczos5": pil.LANCZOS, "gaussian": pil.BILINEAR,
               "mitchellcubic": pil.BICUBIC}
    channels = [np.asarray(pil.fromarray(image[..., c].astype(np.float32), "F").resize(
        (size[1], size[0]), filters[interpolation])) for c in range(image.shape[-1])]
    return np.stack(channels, axis=-1).astype(np.float32)


def _crop_to_aspect(image, size):
    """Keras's ``smart_resize`` crop: the largest centered box of the target's aspect."""
    height, width = image.shape[:2]
    crop_h = max(min(height, int(float(width * size[0]) / size[1])), 1)
    crop_w = max(min(width, int(float(height * size[1]) / size[0])), 1)
    top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
    return image[top:top + crop_h, left:left + crop_w]


def _resize_with_pad(image, size, interpolation):
    height, width = image.shape[:2]
    ratio = min(size[0] / height, size[1] / width)
    new_h, new_w = max(int(height * ratio), 1), max(int(width * ratio), 1)
    resized = _resize(image, (new_h, new_w), interpolation)
    out = np.zeros((size[0], size[1], image.shape[2]), np.float32)
    top, left = (size[0] - new_h) // 2, (size[1] - new_w) // 2
    out[top:top + new_h, left:left + new_w] = resized
    return out


def load_image(path, image_size, num_channels, interpolation="bilinear",
               crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """The image at ``path`` as a float32 (height, width, channels) array."""
    pil = require_pillow("load_image")
    with pil.open(path) as img:
        img.seek(0)
        image = np.asarray(img.convert(_PIL_MODES[num_channels]), dtype=np.float32)
    if image.ndim == 2:
        image = image[..., None]
    if crop_to_aspect_ratio:
        image = _crop_to_aspect(image, image_size)
    elif pad_to_aspect_ratio:
        return _resize_with_pad(image, image_size, interpolation)
    return _resize(image, image_size, interpolation)


def _check_args(color_mode, image_size, interpolation, crop, pad):
    if color_mode not in _CHANNELS:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. '
                         f"Received: color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    if interpolation.lower() not in _INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {_INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation}")
    if crop and pad:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be "
                         "set to `True`.")
    return tuple(int(s) for s in image_size), interpolation.lower()


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None,
                                 interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                                 data_format=None, verbose=True):
    """A ``tf.data.Dataset`` of ``(images, labels)`` batches from image files in one
    subdirectory per class (Keras 3's arguments and defaults).

    Returns the dataset (``class_names`` and ``file_paths`` attributes set), or
    ``[train, validation]`` for ``subset="both"``.
    """
    require_pillow("image_dataset_from_directory")
    labels, label_mode = dataset_utils.check_labels_arg(labels, label_mode, class_names)
    image_size, interpolation = _check_args(color_mode, image_size, interpolation,
                                            crop_to_aspect_ratio, pad_to_aspect_ratio)
    if data_format not in (None, "channels_last"):
        raise ValueError("image_dataset_from_directory: tapeflow gives channels_last images "
                         f"only; received data_format={data_format!r}.")
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = dataset_utils.index_directory(
        directory, labels, ALLOWLIST_FORMATS, class_names, shuffle, seed, follow_links,
        verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                         f'class_names. Received: class_names={class_names}')
    channels = _CHANNELS[color_mode]

    def load(path):
        return load_image(dataset_utils._path(path), image_size, channels, interpolation,
                          crop_to_aspect_ratio, pad_to_aspect_ratio)
    return dataset_utils.build_datasets(file_paths, labels, label_mode, class_names, load,
                                        validation_split, subset, shuffle, seed, batch_size,
                                        "image")
