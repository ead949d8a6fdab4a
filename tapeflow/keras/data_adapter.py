"""Turning fit/evaluate/predict inputs into batches: arrays, tensors, generators.

Arrays (NumPy arrays, tensors, lists/dicts of them) are converted ONCE: float arrays
are cast to the model's float type (float32) before the epoch loop, never per batch.
Batches are then contiguous slices (views, no copy) when not shuffling, and one
``np.take`` per array into a preallocated buffer when shuffling. Each epoch's
permutation is drawn from tapeflow's global generator, so ``keras.utils.set_random_seed``
(or ``tf.random.set_seed``) makes the order reproducible.

A batch reaches ``train_step`` as Keras packs it: ``(x,)``, ``(x, y)`` or
``(x, y, sample_weight)``, every array wrapped in a ``tf.Tensor``. A buffer is
reused by the next batch, so keep ``.numpy().copy()`` of a batch you want to hold on to.

Example:
    >>> import numpy as np
    >>> adapter = ArrayDataAdapter(np.arange(10.0).reshape(5, 2), np.arange(5), batch_size=2)
    >>> adapter.num_batches, [len(x) for x, y in adapter.epoch()]
    (3, [2, 2, 1])
    >>> next(iter(adapter.epoch()))[0].dtype
    tf.float32
"""
import math
import warnings

import numpy as np

from tapeflow.data.dataset import INFINITE_CARDINALITY, Dataset
from tapeflow.ops.random import _generator
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import Tensor

__all__ = ["ArrayDataAdapter", "GeneratorDataAdapter", "DatasetAdapter", "get_data_adapter",
           "unpack_x_y_sample_weight", "pack_x_y_sample_weight", "check_cardinality",
           "class_weight_to_sample_weights", "is_array_data", "standardize", "OutputCollector"]

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset "
            "or generator can generate at least `steps_per_epoch * epochs` batches. You may "
            "need to use the `.repeat()` function when building your dataset.")


# --- packing -------------------------------------------------------------------------
def unpack_x_y_sample_weight(data):
    """Split a batch into ``(x, y, sample_weight)``; a non-tuple batch is all ``x``.

    Example:
        >>> unpack_x_y_sample_weight((1, 2))
        (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`"
        f"; found a tuple of {len(data)} elements. Pack several inputs as a list or dict "
        f"inside the first element: `([x1, x2], y)`.")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of :func:`unpack_x_y_sample_weight`: ``(x,)``, ``(x, y)`` or all three."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


# --- recognising and converting arrays ---------------------------------------------------
def batch_size_of(x):
    """The number of samples in a batch ``x`` (a tensor, array or structure of them)."""
    leaf = flatten(x)[0]
    shape = np.shape(leaf.array if isinstance(leaf, Tensor) else leaf)
    return shape[0] if shape else 1


def _is_leaf_array(v):
    return isinstance(v, (np.ndarray, Tensor, np.generic)) or \
        (hasattr(v, "__array__") and not isinstance(v, (list, tuple, dict, str)))


def _holds_arrays(v):
    """Whether a list/tuple is a structure of arrays rather than a nested list of numbers."""
    if isinstance(v, dict) or _is_leaf_array(v):
        return True
    if isinstance(v, (list, tuple)) and len(v):
        return _holds_arrays(v[0])
    return False


def is_array_data(x):
    """True for arrays, tensors, nested lists of numbers and lists/dicts of arrays."""
    if x is None or _is_leaf_array(x) or isinstance(x, (int, float)):
        return True
    if isinstance(x, dict):
        return all(is_array_data(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return not _holds_arrays(x) or all(is_array_data(v) for v in x)
    return False


def _is_text(arr):
    """An object array of strings (string tensors hold bytes) is model data: a
    TextVectorization or StringLookup first layer reads it."""
    return arr.size > 0 and isinstance(arr.reshape(-1)[0], (bytes, str))


def _is_numbers(arr):
    """An object array of Python / NumPy numbers and booleans (``np.asarray`` of a pandas
    DataFrame with int, float and bool columns), which TensorFlow converts to floats."""
    return arr.size > 0 and all(isinstance(e, (int, float, np.number, np.bool_))
                                for e in arr.reshape(-1).tolist())


def _to_numpy(v, float_dtype):
    arr = v.array if isinstance(v, Tensor) else np.asarray(v)
    if not isinstance(arr, np.ndarray):
        arr = np.asarray(arr)
    if arr.dtype.kind == "f" and arr.dtype != float_dtype:
        arr = arr.astype(float_dtype)  # once per fit, not per batch
    elif arr.dtype == object and _is_numbers(arr):
        arr = arr.astype(float_dtype)  # a DataFrame of mixed int/float/bool columns
    elif arr.dtype == object and not _is_text(arr):
        raise TypeError(f"Cannot use an array of Python objects as model data (got dtype "
                        f"object, shape {arr.shape}). Convert it to numbers first, e.g. "
                        f"np.asarray(x, dtype='float32'); ragged lists need padding.")
    return arr


def standardize(data, float_dtype="float32"):
    """``data`` (array, tensor, nested list, list/dict of them) with NumPy leaves.

    Float leaves become ``float_dtype`` (float32); integer leaves keep their type.
    """
    float_dtype = np.dtype(float_dtype)
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: standardize(v, float_dtype) for k, v in data.items()}
    if isinstance(data, (list, tuple)) and _holds_arrays(data):
        return type(data)(standardize(v, float_dtype) for v in data)
    return _to_numpy(data, float_dtype)


def _leaves(structure):
    return [a for a in flatten(structure) if a is not None] if structure is not None else []


def check_cardinality(x, y, sample_weight):
    """The number of samples, after checking that ``x``, ``y`` and ``sample_weight``
    all hold that many (the errors name each array's length)."""
    if not _leaves(x):
        given = "" if y is None else " (y was given, x was None)"
        raise ValueError(f"No data: `x` is None{given}. Pass the inputs as `x` (an array, "
                         f"a tensor, a list/dict of them, a tf.data.Dataset or a generator).")
    sizes = {}
    for name, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        for arr in _leaves(part):
            if arr.ndim == 0:
                raise ValueError(f"Expected arrays with a batch dimension in `{name}`; got a "
                                 f"scalar {arr!r}. Give one row per sample (a "
                                 f"tf.data.Dataset must be batched: add .batch(32)).")
            sizes.setdefault(name, []).append(int(arr.shape[0]))
    found = {n for s in sizes.values() for n in s}
    if len(found) > 1:
        detail = "; ".join(f"{name} sizes: {', '.join(map(str, s))}"
                           for name, s in sizes.items())
        raise ValueError(f"Data cardinality is ambiguous: {detail}. Make sure all arrays "
                         f"contain the same number of samples (the same first dimension): "
                         f"each row of x needs its label in y.")
    size = found.pop()
    if size == 0:
        shapes = ", ".join(str(a.shape) for a in _leaves(x))
        raise ValueError(f"No data: the arrays hold 0 samples (x of shape {shapes}). fit, "
                         f"evaluate and predict need at least one sample; check the "
                         f"filtering or slicing that produced the data.")
    return size


def class_weight_to_sample_weights(y, class_weight):
    """Per-sample weights ``class_weight[label]`` (1.0 for classes not listed).

    One-hot labels are read with ``argmax``; labels of shape (n, 1) are squeezed.

    Example:
        >>> class_weight_to_sample_weights(np.array([0, 1, 2, 1]), {1: 5.0})
        array([1., 5., 1., 5.], dtype=float32)
    """
    labels = np.asarray(y.array if isinstance(y, Tensor) else y)
    if labels.ndim > 1:
        labels = labels.argmax(axis=-1) if labels.shape[-1] != 1 else labels[..., 0]
    labels = np.round(labels).astype(np.int64)
    weights = np.ones(labels.shape[0], dtype=np.float32)
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


def _wrap(structure, leaves):
    """Rebuild ``structure`` around ``leaves`` wrapped as Tensors."""
    if not isinstance(structure, (list, tuple, dict)):
        return Tensor(leaves[0])
    return pack_like(structure, [Tensor(a) for a in leaves])


# --- adapters ----------------------------------------------------------------------
class ArrayDataAdapter:
    """Batches over in-memory arrays, Keras's ``ArrayDataAdapter``.

    Args:
        x, y, sample_weight: arrays or tensors (or lists/dicts of them).
        batch_size: samples per batch; ``None`` means 32 (or ``ceil(n / steps)``).
        steps: batches per epoch; ``None`` means one pass over the data. With ``steps``
            set, the next epoch continues where the previous one stopped.
        shuffle: draw a new permutation of the samples at each pass.
        class_weight: dict ``{class: weight}`` turned into per-sample weights.
        float_dtype: the type float inputs are cast to (once).
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None,
                 shuffle=False, class_weight=None, float_dtype="float32"):
        x, y = standardize(x, float_dtype), standardize(y, float_dtype)
        sample_weight = standardize(sample_weight, float_dtype)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same "
                                 "time: fold the class weights into `sample_weight`.")
            if y is None or isinstance(y, (list, tuple, dict)):
                raise ValueError("`class_weight` is only supported for Models with a single "
                                 "output (and needs `y`).")
            sample_weight = class_weight_to_sample_weights(y, class_weight)
        self._num_samples = check_cardinality(x, y, sample_weight)
        if batch_size is None:
            batch_size = int(math.ceil(self._num_samples / steps)) if steps else 32
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer; got {batch_size!r}.")
        self._batch_size = int(batch_size)
        self._structure = pack_x_y_sample_weight(x, y, sample_weight)
        self._arrays = [a for part in self._structure for a in flatten(part)]
        self._sizes = [len(flatten(part)) for part in self._structure]
        self._shuffle = bool(shuffle)
        self._steps = steps
        self._buffers = None
        self._pass = None  # the pass a `steps`-limited epoch continues

    @property
    def num_batches(self):
        """Batches per epoch (``steps`` when given)."""
        return self._steps or int(math.ceil(self._num_samples / self._batch_size))

    @property
    def num_samples(self):
        return self._num_samples

    @property
    def batch_size(self):
        return self._batch_size

    def _batch(self, leaves):
        data, i = [], 0
        for part, n in zip(self._structure, self._sizes):
            data.append(_wrap(part, leaves[i:i + n]))
            i += n
        return tuple(data)

    def _one_pass(self):
        n, bs = self._num_samples, self._batch_size
        if not self._shuffle:
            for start in range(0, n, bs):
                yield self._batch([a[start:start + bs] for a in self._arrays])
            return
        order = _generator().permutation(n)
        if self._buffers is None:
            self._buffers = [np.empty((bs,) + a.shape[1:], a.dtype) for a in self._arrays]
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            k = len(idx)
            # mode="clip" lets take write straight into `out` (indices are valid); the
            # ndarray method skips np.take's wrapper (about 1 us a call on small batches).
            leaves = [a.take(idx, axis=0, out=buf if k == bs else buf[:k], mode="clip")
                      for a, buf in zip(self._arrays, self._buffers)]
            yield self._batch(leaves)

    def epoch(self):
        """Yield one epoch of batches ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
        if self._steps is None:
            yield from self._one_pass()
            return
        for step in range(self._steps):
            if self._pass is None:
                self._pass = self._one_pass()
            batch = next(self._pass, None)
            if batch is None:
                self._pass = None
                if step > 0:  # Keras: an epoch ends with the data, then the next restarts
                    warnings.warn(_RAN_OUT, stacklevel=2)
                    return
                self._pass = self._one_pass()
                batch = next(self._pass)
            yield batch


class GeneratorDataAdapter:
    """Batches from a Python generator, iterator, iterable or ``keras.utils.PyDataset``.

    Each item is ``x``, ``(x, y)`` or ``(x, y, sample_weight)``. A generator is
    consumed across epochs (an epoch ends when it is exhausted, or after ``steps``
    batches); an object with ``__len__`` and ``__getitem__`` gives ``len(x)`` batches
    per epoch and gets ``on_epoch_end()`` called; other iterables restart each epoch.
    """

    def __init__(self, x, steps=None, class_weight=None, float_dtype="float32"):
        self._data = x
        self._steps = steps
        self._class_weight = class_weight
        self._float_dtype = np.dtype(float_dtype)
        self._indexed = hasattr(x, "__getitem__") and hasattr(x, "__len__")
        self._one_shot = not self._indexed and iter(x) is x
        self._iterator = None
        self.exhausted = False

    @property
    def num_batches(self):
        if self._steps:
            return self._steps
        return len(self._data) if self._indexed else None

    def _prepare(self, item):
        x, y, sw = unpack_x_y_sample_weight(item)
        x, y, sw = (standardize(v, self._float_dtype) for v in (x, y, sw))
        if self._class_weight is not None and y is not None:
            if sw is not None:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same "
                                 "time: the generator already yields sample weights.")
            sw = class_weight_to_sample_weights(y, self._class_weight)
        check_cardinality(x, y, sw)
        return tuple(None if p is None else _wrap(p, flatten(p))
                     for p in pack_x_y_sample_weight(x, y, sw))

    def _items(self):
        if self._indexed:
            return (self._data[i] for i in range(len(self._data)))
        return iter(self._data)

    def epoch(self):
        """Yield one epoch of batches; sets ``exhausted`` if a generator ran dry."""
        if self._one_shot or (self._steps and not self._indexed):
            if self._iterator is None:
                self._iterator = iter(self._data)
            source = self._iterator
        else:
            source = self._items()
        count = 0
        for item in source:
            yield self._prepare(item)
            count += 1
            if self._steps and count >= self._steps:
                break
        else:
            if self._one_shot and (self._steps or count == 0):
                self.exhausted = True
                warnings.warn(_RAN_OUT, stacklevel=2)
            elif not self._one_shot and self._steps:
                self._iterator = None  # a re-iterable restarts at the next epoch
        if self._indexed and hasattr(self._data, "on_epoch_end"):
            self._data.on_epoch_end()


class _Passes:
    """A dataset seen as a re-iterable of NumPy elements (each ``iter`` a new pass)."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __iter__(self):
        return self.dataset._elements()


class DatasetAdapter(GeneratorDataAdapter):
    """Batches from a ``tf.data.Dataset``: each epoch is a new pass (a new shuffle),
    or, with ``steps``, the pass continues across epochs (use ``.repeat()``).

    ``num_batches`` is the dataset's cardinality, or None when unknown (the progress
    bar then shows ``Unknown`` until the first epoch ends).
    """

    def __init__(self, dataset, steps=None, class_weight=None, float_dtype="float32"):
        if dataset._cardinality() == INFINITE_CARDINALITY and not steps:
            raise ValueError("When providing an infinite dataset, you must specify the "
                             "number of steps to run (if you did not intend to create an "
                             "infinite dataset, make sure to not call `repeat()` on the "
                             "dataset): pass steps_per_epoch= to fit, steps= to evaluate "
                             "and predict, validation_steps= for validation data.")
        super().__init__(_Passes(dataset), steps=steps, class_weight=class_weight,
                         float_dtype=float_dtype)

    @property
    def num_batches(self):
        if self._steps:
            return self._steps
        n = self._data.dataset._cardinality()
        return n if n >= 0 else None


class OutputCollector:
    """Collects predict's batch outputs: written into arrays preallocated at the first
    batch when the number of samples is known, else copied and concatenated at the end."""

    def __init__(self, num_samples=None):
        self.n, self.pos, self.structure, self.parts = num_samples, 0, None, None

    def add(self, batch_outputs):
        leaves = [np.asarray(v.array if isinstance(v, Tensor) else v)
                  for v in flatten(batch_outputs)]
        if self.structure is None:
            self.structure = batch_outputs
            if self.n and all(a.ndim and a.shape[0] <= self.n for a in leaves):
                self.parts = [np.empty((self.n,) + a.shape[1:], a.dtype) for a in leaves]
            else:
                self.n, self.parts = None, [[] for _ in leaves]
        k = leaves[0].shape[0] if leaves[0].ndim else 1
        if self.n is not None and self.pos + k > self.n:  # outputs not one row per sample
            self.parts = [[p[:self.pos]] if self.pos else [] for p in self.parts]
            self.n = None
        for part, a in zip(self.parts, leaves):
            if self.n is None:
                part.append(a.copy())  # a layer may reuse its output buffer
            else:
                part[self.pos:self.pos + k] = a
        self.pos += k

    def result(self):
        if self.structure is None:
            return None
        if self.n is not None:
            arrays = [p[:self.pos] for p in self.parts]
        else:
            arrays = [np.concatenate(p) if p[0].ndim else np.stack(p) for p in self.parts]
        return pack_like(self.structure, arrays)


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None,
                     shuffle=False, class_weight=None, float_dtype="float32"):
    """The adapter for ``x``: arrays get :class:`ArrayDataAdapter`, a ``tf.data.Dataset``
    a :class:`DatasetAdapter`, other iterables a :class:`GeneratorDataAdapter`."""
    if isinstance(x, Dataset):
        if y is not None or sample_weight is not None:
            raise ValueError("`y` and `sample_weight` arguments are not supported when using "
                             "a tf.data.Dataset as input: make the dataset yield (x, y) or "
                             "(x, y, sample_weight) batches, e.g. Dataset.from_tensor_slices("
                             "(x, y)).batch(32).")
        return DatasetAdapter(x, steps=steps, class_weight=class_weight,
                              float_dtype=float_dtype)
    if is_array_data(x):
        return ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size, steps=steps,
                                shuffle=shuffle, class_weight=class_weight,
                                float_dtype=float_dtype)
    if not (hasattr(x, "__iter__") or hasattr(x, "__getitem__")):
        raise ValueError(f"Unrecognized data type: x={x!r:.100} (of type {type(x).__name__})."
                         f" Pass NumPy arrays, tensors, lists/dicts of them, or a generator "
                         f"yielding (x, y) batches.")
    if y is not None:
        raise ValueError("`y` argument is not supported when using a generator or dataset as "
                         "input: yield (x, y) (or (x, y, sample_weight)) batches from it.")
    if sample_weight is not None:
        raise ValueError("`sample_weight` argument is not supported when using a generator "
                         "as input: yield (x, y, sample_weight) batches instead.")
    return GeneratorDataAdapter(x, steps=steps, class_weight=class_weight,
                                float_dtype=float_dtype)
