"""``to_categorical``, ``normalize`` and ``set_random_seed`` (``keras.utils``).

Example:
    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
"""
import numbers
import random

import numpy as np

from tapeflow.tensor import Tensor

__all__ = ["to_categorical", "normalize", "set_random_seed"]


def _integer_labels(y):
    arr = y.array if isinstance(y, Tensor) else np.asarray(y)
    if arr.dtype.kind == "f":
        if arr.size and not np.all(np.floor(arr) == arr):
            bad = arr[np.floor(arr) != arr].flat[0]
            raise ValueError(f"to_categorical: labels must be integer class ids; got "
                             f"{bad!r}. Round or cast them first (they look like "
                             f"probabilities or scaled values).")
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"to_categorical: labels must be integers; got dtype {arr.dtype}.")
    return arr.astype(np.int64, copy=False)


def to_categorical(x, num_classes=None, dtype="float32"):
    """One-hot encode integer class labels.

    A trailing axis of size 1 is dropped first, as Keras does, so labels of shape
    (n,) and (n, 1) both give (n, num_classes).

    Args:
        x: integer labels (array-like or Tensor; float-valued integers work).
        num_classes: total number of classes (``max(x) + 1`` when omitted).
        dtype: dtype of the result (float32, like tf.keras).

    Returns:
        A NumPy array of shape ``x.shape + (num_classes,)`` (a Tensor for Tensor input).

    Example:
        >>> to_categorical([[1], [0]]).shape
        (2, 2)
    """
    labels = _integer_labels(x)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if not num_classes:
        if not flat.size:
            raise ValueError("to_categorical: pass num_classes when the labels are empty.")
        num_classes = int(flat.max()) + 1
    num_classes = int(num_classes)
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        got = flat.max() if flat.max() >= num_classes else flat.min()
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}) for "
                         f"num_classes={num_classes}; got label {got}. Pass a larger "
                         f"num_classes or shift the labels to start at 0.")
    out = np.zeros((flat.size, num_classes), dtype=np.dtype(dtype))
    out[np.arange(flat.size), flat] = 1
    out = out.reshape(tuple(shape) + (num_classes,))
    return Tensor(out) if isinstance(x, Tensor) else out


def normalize(x, axis=-1, order=2):
    """Scale ``x`` to unit ``order``-norm along ``axis`` (zero vectors stay zero).

    NumPy input gives NumPy output (``x / ||x||``); a Tensor gives a Tensor
    (differentiable, ``x / max(||x||, 1e-7)``).

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
    """
    if isinstance(x, Tensor):
        from tapeflow.ops import math as math_ops
        powers = math_ops.pow(math_ops.abs(x), float(order))
        norm = math_ops.pow(math_ops.reduce_sum(powers, axis=axis, keepdims=True), 1.0 / order)
        return math_ops.divide(x, math_ops.maximum(norm, 1e-7))
    x = np.asarray(x)
    if axis is None:                    # the whole array as one vector
        norm = np.atleast_1d(np.linalg.norm(x.reshape(-1), order)).reshape((1,) * x.ndim)
    else:                               # (Keras's ``axis or -1`` would turn axis=0 into -1)
        norm = np.atleast_1d(np.linalg.norm(x, order, axis, keepdims=True))
    norm[norm == 0] = 1
    return x / norm


def set_random_seed(seed):
    """Seed Python's ``random``, NumPy's global generator and tapeflow's generators
    (``tf.random.set_seed``), so initializers, dropout and ``fit``'s shuffling repeat.

    Example:
        >>> import tapeflow as tf
        >>> set_random_seed(3); a = tf.random.uniform((2,)).numpy()
        >>> set_random_seed(3); b = tf.random.uniform((2,)).numpy()
        >>> bool((a == b).all())
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
                         f"(of type {type(seed)})")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    from tapeflow.ops.random import set_seed
    set_seed(seed)
