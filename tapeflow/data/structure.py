"""Elements of a dataset: nested tuples and dicts of NumPy arrays, and their ``TensorSpec``.

Inside a pipeline an element is kept as NumPy arrays (TensorFlow's rules: a tuple or a
dict is a structure, a list is one tensor; Python ints become int32, floats float32,
strings an object array of ``bytes``). Iterating a dataset hands out ``tf.Tensor``
leaves; ``as_numpy_iterator`` hands out the arrays (scalars as NumPy scalars).

Example:
    >>> import numpy as np
    >>> element = to_arrays(([1, 2], {"a": 1.5}))
    >>> element[0].dtype, element[1]["a"].dtype
    (dtype('int32'), dtype('float32'))
    >>> spec_of(element)
    (TensorSpec(shape=(2,), dtype=tf.int32, name=None), {'a': TensorSpec(shape=(), dtype=tf.float32, name=None)})
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.tensor import Tensor, TensorShape, _infer_dtype
from tapeflow.tensor_shape import TensorSpec

__all__ = ["TensorSpec", "DatasetSpec", "to_arrays", "leaves", "pack", "map_leaves", "wrap", "to_numpy",
           "spec_of", "describe", "is_structure"]


class DatasetSpec:
    """The type of a window component: a dataset of elements of ``element_spec``."""

    def __init__(self, element_spec):
        self.element_spec = element_spec
        self.shape = TensorShape([])

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape([]))"


def shape_fits(shape, spec_shape):
    """Whether a concrete (or partial) ``shape`` fits ``spec_shape`` (None is a wildcard)."""
    if spec_shape.rank is None or shape is None:
        return True
    want = spec_shape.as_list()
    return len(shape) == len(want) and all(
        w is None or s is None or s == w for s, w in zip(shape, want))


def is_structure(value):
    """Tuples (named ones too) and dicts are structures; everything else is a leaf."""
    return isinstance(value, (tuple, dict))


def leaves(element):
    """The leaves of ``element`` in order (dicts by sorted key, as ``tf.nest``)."""
    if isinstance(element, dict):
        return [leaf for k in sorted(element) for leaf in leaves(element[k])]
    if isinstance(element, tuple):
        return [leaf for part in element for leaf in leaves(part)]
    return [element]


def pack(structure, flat):
    """Rebuild ``structure`` around the leaves ``flat`` (the inverse of :func:`leaves`)."""
    return _build(structure, iter(flat))


def _build(s, it):
    # A plain recursive function, not a closure: a recursive closure is a reference
    # cycle that would keep every batch's arrays alive until the garbage collector runs.
    if isinstance(s, dict):
        built = {k: _build(s[k], it) for k in sorted(s)}
        return {k: built[k] for k in s}
    if isinstance(s, tuple):
        parts = [_build(p, it) for p in s]
        return type(s)(*parts) if hasattr(s, "_fields") else tuple(parts)
    return next(it)


def map_leaves(fn, element):
    """``element`` with ``fn`` applied to each leaf."""
    return pack(element, [fn(leaf) for leaf in leaves(element)])


def to_array(value, dtype=None):
    """One leaf as a NumPy array, with TensorFlow's default dtypes and strings as bytes."""
    if isinstance(value, Tensor):
        arr = value.array
    elif isinstance(value, np.ndarray):
        arr = value
    else:
        if dtype is None:
            dtype = _leaf_dtype(value)
        arr = np.asarray(value, dtype=dtype) if dtype is not object else _bytes_array(value)
        return arr
    if arr.dtype.kind in "US":
        arr = _bytes_array(arr)
    if dtype is not None and dtype is not object and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def _leaf_dtype(value):
    probe = value
    while isinstance(probe, (list, tuple)) and probe:
        probe = probe[0]
    if isinstance(probe, (str, bytes)):
        return object
    return _infer_dtype(value)


def _bytes_array(value):
    arr = np.asarray(value, dtype=object)
    flat = arr.reshape(-1)
    for i, v in enumerate(flat):
        if isinstance(v, str):
            flat[i] = v.encode("utf-8")
        elif isinstance(v, np.bytes_):
            flat[i] = bytes(v)
    return arr


def to_arrays(element):
    """``element`` with every leaf a NumPy array (lists become one array, as in TF)."""
    if isinstance(element, dict):
        return {k: to_arrays(v) for k, v in element.items()}
    if isinstance(element, tuple):
        parts = [to_arrays(v) for v in element]
        return type(element)(*parts) if hasattr(element, "_fields") else tuple(parts)
    if element is None:
        raise TypeError("A dataset element cannot be None: give a value for every component.")
    if _is_dataset(element):  # a window's component (Dataset.window) stays a dataset
        return element
    return to_array(element)


def _is_dataset(value):
    return hasattr(value, "_elements") and hasattr(value, "element_spec")


def _tensor(leaf):
    return leaf if _is_dataset(leaf) else Tensor(leaf)


def wrap(element):
    """``element`` with ``tf.Tensor`` leaves (what iterating a dataset gives)."""
    if isinstance(element, np.ndarray):
        return Tensor(element)
    return map_leaves(_tensor, element)


def _numpy_leaf(arr):
    return arr[()] if arr.ndim == 0 else arr


def to_numpy(element):
    """``element`` as ``as_numpy_iterator`` gives it: arrays, and NumPy scalars for 0-d."""
    if isinstance(element, np.ndarray):
        return _numpy_leaf(element)
    return map_leaves(_numpy_leaf, element)


def spec_of(element, batch_none=False):
    """The ``TensorSpec`` structure of an element (``batch_none``: first axis unknown)."""
    def spec(arr):
        if _is_dataset(arr):
            return DatasetSpec(arr.element_spec)
        shape = list(arr.shape)
        if batch_none and shape:
            shape[0] = None
        return TensorSpec(shape, arr.dtype)
    return map_leaves(spec, element)


def describe(element, limit=160):
    """A short text of an element for error messages: shapes, dtypes and small values.

    Example:
        >>> describe((np.zeros((3, 3)), np.array(1)))
        '(array(shape=(3, 3), dtype=float64), array(shape=(), dtype=int64, value=1))'
    """
    def one(part):
        if isinstance(part, dict):
            return "{" + ", ".join(f"{k!r}: {one(v)}" for k, v in part.items()) + "}"
        if isinstance(part, tuple):
            return "(" + ", ".join(one(v) for v in part) + ")"
        if not isinstance(part, np.ndarray):
            return type(part).__name__
        text = f"array(shape={part.shape}, dtype={part.dtype.name}"
        if part.size <= 8:
            text += f", value={part.tolist()!r}"
        return text + ")"
    text = one(element)
    return text if len(text) <= limit else text[:limit] + "..."
