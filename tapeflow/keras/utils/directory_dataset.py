"""Datasets from a directory tree, as Keras 3 builds them: ``text_dataset_from_directory``
and the file indexing shared with ``image_dataset_from_directory``.

With ``labels="inferred"`` each subdirectory of ``directory`` is a class (sorted
names, hidden ones skipped) and every file under it with an allowed extension is a
sample, walked in sorted order. With ``shuffle`` the file list is shuffled once by
``np.random.RandomState(seed)`` (a seed is drawn when none is given), and
``validation_split`` keeps the LAST fraction of that list for ``subset="validation"``
and the rest for ``"training"`` (``"both"`` returns the two datasets), so the same
``seed`` gives disjoint subsets. The training dataset also shuffles its files at each
epoch through a buffer of ``8 * batch_size`` before loading them.

Example:
    >>> import os, tempfile
    >>> from tapeflow import keras
    >>> root = tempfile.mkdtemp()
    >>> for label, text in [("neg", "dull"), ("pos", "great"), ("pos", "fine")]:
    ...     os.makedirs(os.path.join(root, label), exist_ok=True)
    ...     with open(os.path.join(root, label, text + ".txt"), "w") as f:
    ...         _ = f.write(text)
    >>> ds = keras.utils.text_dataset_from_directory(root, batch_size=8, shuffle=False)
    Found 3 files belonging to 2 classes.
    >>> texts, labels = next(iter(ds))
    >>> texts.numpy().tolist(), labels.numpy().tolist(), ds.class_names
    ([b'dull', b'fine', b'great'], [0, 1, 1], ['neg', 'pos'])
"""
import os

import numpy as np

from tapeflow.data.dataset import AUTOTUNE, Dataset

__all__ = ["text_dataset_from_directory", "index_directory", "check_validation_split_arg",
           "get_training_or_validation_split", "labels_to_array", "build_datasets"]


def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Keras's checks of ``validation_split``, ``subset``, ``shuffle`` and ``seed``."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and "
                         "inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", '
                         f'received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must "
                         "provide a `seed` argument, to make sure that there is no overlap "
                         "between the training and validation subset.")


def _valid_files(directory, follow_links, formats):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield os.path.join(root, name)


def _class_dirs(directory, labels, class_names):
    if labels != "inferred":
        if class_names is not None:
            raise ValueError("When `labels` is not 'inferred', argument `class_names` cannot "
                             "be specified.")
        return [""]
    subdirs = [d for d in sorted(os.listdir(directory))
               if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
    if class_names is not None:
        if not set(class_names) <= set(subdirs):
            raise ValueError(f"The `class_names` passed did not match the names of the "
                             f"subdirectories of the target directory. Expected: {subdirs} "
                             f"(or a subset of it), but received: class_names={class_names}")
        return list(class_names)
    return subdirs


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """``(file_paths, labels, class_names)`` of the files under ``directory``."""
    if not os.path.isdir(directory):
        raise ValueError(f"Could not find directory {directory}: pass the folder that holds "
                         f"one subfolder per class.")
    subdirs = _class_dirs(directory, labels, class_names)
    file_paths, label_list = [], []
    for index, subdir in enumerate(subdirs):
        found = list(_valid_files(os.path.join(directory, subdir), follow_links, formats))
        file_paths += found
        label_list += [index] * len(found)
    if labels == "inferred":
        labels, class_names = np.array(label_list, dtype="int32"), subdirs
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(file_paths):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files "
                             f"in the target directory. len(labels) is {len(labels)} while "
                             f"we found {len(file_paths)} files in directory {directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        print(f"Found {len(file_paths)} files." if labels is None else
              f"Found {len(file_paths)} files belonging to {len(class_names)} classes.")
    if shuffle:
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def get_training_or_validation_split(samples, labels, validation_split, subset):
    """The training part (all but the last ``validation_split``) or the validation part."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val} files for training.")
        cut = slice(None, len(samples) - num_val)
    elif subset == "validation":
        print(f"Using {num_val} files for validation.")
        cut = slice(len(samples) - num_val, None)
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: '
                         f'{subset}')
    return samples[cut], None if labels is None else labels[cut]


def labels_to_array(labels, label_mode, num_classes):
    """Labels as Keras gives them: int32, one-hot float32, or float32 of shape (n, 1)."""
    labels = np.asarray(labels)
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype(int)]
    return labels.astype("int32")


def build_datasets(file_paths, labels, label_mode, class_names, load, validation_split,
                   subset, shuffle, seed, batch_size, kind):
    """The dataset (or ``[train, validation]`` for ``subset="both"``) of loaded files."""
    subsets = ["training", "validation"] if subset == "both" else [subset]
    num_classes = len(class_names) if class_names else 0
    datasets = []
    for part in subsets:
        paths, part_labels = get_training_or_validation_split(
            file_paths, labels, validation_split, part)
        if not paths:
            which = "" if part is None else f" for the {part} subset"
            raise ValueError(f"No {kind} files found in the directory{which}.")
        names = np.array([p.encode() for p in paths], dtype=object)
        if label_mode:
            ds = Dataset.from_tensor_slices(
                (names, labels_to_array(part_labels, label_mode, num_classes)))
        else:
            ds = Dataset.from_tensor_slices(names)
        if shuffle and not (subset == "both" and part == "validation"):
            ds = ds.shuffle(buffer_size=batch_size * 8 if batch_size else 1024, seed=seed)
        ds = ds.map((lambda x, y: (load(x), y)) if label_mode else load,
                    num_parallel_calls=AUTOTUNE)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds = ds.prefetch(AUTOTUNE)
        ds.class_names, ds.file_paths = class_names, list(paths)
        datasets.append(ds)
    return datasets if subset == "both" else datasets[0]


def check_labels_arg(labels, label_mode, class_names):
    """Keras's checks of ``labels`` and ``label_mode``; returns the effective pair."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(f"`labels` argument should be a list/tuple of integer labels, of "
                             f"the same size as the number of files in the target directory;"
                             f" or 'inferred' (labels from the subdirectory names), or None "
                             f"(no labels). Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. '
                             f'Received: labels={labels}, and class_names={class_names}')
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", '
                         f'"binary", or None. Received: label_mode={label_mode}')
    if labels is None or label_mode is None:
        return None, None
    return labels, label_mode


def _path(tensor):
    value = tensor.numpy() if hasattr(tensor, "numpy") else tensor
    value = value.item() if isinstance(value, np.ndarray) else value
    return value.decode() if isinstance(value, bytes) else str(value)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None,
                                shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A ``tf.data.Dataset`` of ``(texts, labels)`` batches from ``.txt`` files in one
    subdirectory per class; texts are string tensors (the files' bytes, cut to
    ``max_length`` bytes when given). See the module docstring for the order."""
    labels, label_mode = check_labels_arg(labels, label_mode, class_names)
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = index_directory(
        directory, labels if labels is not None else None, (".txt",), class_names, shuffle,
        seed, follow_links, verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                         f'class_names. Received: class_names={class_names}')

    def load(path):
        with open(_path(path), "rb") as f:
            text = f.read()
        return np.array(text if max_length is None else text[:max_length], dtype=object)
    return build_datasets(file_paths, labels, label_mode, class_names, load, validation_split,
                          subset, shuffle, seed, batch_size, "text")
