"""Stateful and grouping transformations: ``scan``, ``group_by_window``,
``bucket_by_sequence_length``, ``sample_from_datasets``, ``choose_from_datasets`` and
``rejection_resample``, with TensorFlow's semantics.

Functions receive a structure as TensorFlow gives it: ``scan_func(state, element)`` and
``reduce_func(key, window_dataset)`` take the element whole; ``key_func(*element)``
and ``class_func(*element)`` have a tuple element spread over their arguments (as
``map``).

Example:
    >>> from tapeflow.data.sources import RangeDataset
    >>> ds = RangeDataset(5).scan(np.int64(0), lambda state, x: (state + x, state + x))
    >>> [int(v) for v in ds]
    [0, 1, 3, 6, 10]
    >>> ds = RangeDataset(10).group_by_window(
    ...     key_func=lambda x: x % 2, reduce_func=lambda key, w: w.batch(3), window_size=3)
    >>> [b.numpy().tolist() for b in ds]
    [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
"""
import numpy as np

from tapeflow.data import structure
from tapeflow.data.dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from tapeflow.data.transforms import _Unary, call_function
from tapeflow.ops.random import get_global_generator

__all__ = ["ScanDataset", "GroupByWindowDataset", "bucket_by_sequence_length",
           "SampleFromDatasets", "ChooseFromDatasets", "rejection_resample"]


def _call_whole(fn, args, stage, index):
    """``fn(*args)`` with the arguments as tensors (each passed whole)."""
    return call_function(lambda *a: fn(*a), tuple(args), stage, index)


def _scalar_int(value, what):
    arr = np.asarray(value.array if hasattr(value, "array") else value)
    if arr.shape != () or arr.dtype.kind not in "iu":
        raise ValueError(f"{what} must return a scalar integer; got dtype {arr.dtype.name} "
                         f"and shape {arr.shape}.")
    return int(arr)


class ScanDataset(_Unary):
    """``dataset.scan(initial_state, scan_func)``: ``scan_func(state, element)`` returns
    ``(new_state, output_element)``; the outputs are the elements."""

    _tf_name = "_ScanDataset"

    def __init__(self, input_dataset, initial_state, scan_func):
        super().__init__(input_dataset)
        self._initial = structure.to_arrays(initial_state)
        self._fn = scan_func

    def _element_pass(self):
        state = self._initial
        for k, element in enumerate(self._input._elements()):
            out = call_function(self._fn, (state, element), "Dataset.scan", k)
            if not isinstance(out, tuple) or len(out) != 2:
                raise ValueError(f"Dataset.scan: scan_func must return a pair (new_state, "
                                 f"output_element); got {type(out).__name__}.")
            state = structure.to_arrays(out[0])
            yield structure.to_arrays(out[1])

    def _spec(self):
        return Dataset._spec(self)


class _Listed(Dataset):
    """A finite dataset over a list of elements (a group's window); a dimension is
    unknown (None) in its spec where the input's spec ``parent`` has None or the
    elements differ."""

    _tf_name = "_VariantDataset"

    def __init__(self, elements, parent=None):
        self._list, self._parent = elements, parent

    def _elements(self):
        return iter(self._list)

    def _cardinality(self):
        return len(self._list)

    def _spec(self):
        columns = zip(*[structure.leaves(e) for e in self._list])
        parents = structure.leaves(self._parent) if self._parent is not None else None
        specs = []
        for k, column in enumerate(columns):
            known = parents[k].shape.as_list() if parents else column[0].shape
            shape = [d if known[i] is not None and all(a.shape[i] == d for a in column)
                     else None for i, d in enumerate(column[0].shape)]
            specs.append(structure.TensorSpec(shape, column[0].dtype))
        return structure.pack(self._list[0], specs)


class GroupByWindowDataset(_Unary):
    """``dataset.group_by_window(key_func, reduce_func, window_size, window_size_func)``:
    elements are grouped by ``key_func(*element)``; a group that reaches its window size
    becomes ``reduce_func(key, window_dataset)``, whose elements are output; at the end
    of the input the partial groups are reduced in order of their keys."""

    _tf_name = "_GroupByWindowDataset"

    def __init__(self, input_dataset, key_func, reduce_func, window_size, window_size_func):
        super().__init__(input_dataset)
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Dataset.group_by_window: give exactly one of window_size and "
                             "window_size_func.")
        self._key_func, self._reduce_func = key_func, reduce_func
        self._size_func = window_size_func or (lambda key: window_size)

    def _reduce(self, key, elements, k):
        out = _call_whole(self._reduce_func, (np.array(key, np.int64),
                                             _Listed(elements, self._input.element_spec)),
                          "Dataset.group_by_window", k)
        if not isinstance(out, Dataset):
            raise TypeError(f"Dataset.group_by_window: reduce_func must return a Dataset; "
                            f"it returned {type(out).__name__}.")
        return out._elements()

    def _element_pass(self):
        groups, sizes = {}, {}
        for k, element in enumerate(self._input._elements()):
            key = _scalar_int(call_function(self._key_func, element, "Dataset.group_by_window",
                                            k), "group_by_window's key_func")
            if key not in sizes:
                sizes[key] = _scalar_int(_call_whole(self._size_func, (np.array(key, np.int64),),
                                                     "Dataset.group_by_window", k),
                                         "group_by_window's window_size_func")
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) >= sizes[key]:
                del groups[key]
                yield from self._reduce(key, group, k)
        for key in sorted(groups):
            yield from self._reduce(key, groups[key], -1)

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


def _leaf_shapes(window, padded_shapes, filler):
    """One padded shape (a list) per leaf, ``None`` dimensions replaced by ``filler``."""
    specs = structure.leaves(window.element_spec)
    if padded_shapes is None:
        shapes = [s.shape.as_list() for s in specs]
    elif structure.is_structure(padded_shapes):
        shapes = [list(s) for s in structure.leaves(padded_shapes)]
    else:
        shapes = [list(padded_shapes)]
    return tuple([filler if d is None else d for d in shape] for shape in shapes)


def bucket_by_sequence_length(dataset, element_length_func, bucket_boundaries,
                              bucket_batch_sizes, padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """``dataset.bucket_by_sequence_length``: elements whose length falls in
    ``[boundary[i-1], boundary[i])`` are padded and batched together, by
    ``bucket_batch_sizes[i]``."""
    boundaries = [int(b) for b in bucket_boundaries]
    sizes = [int(b) for b in bucket_batch_sizes]
    if len(sizes) != len(boundaries) + 1:
        raise ValueError(f"Dataset.bucket_by_sequence_length: len(bucket_batch_sizes) must "
                         f"equal len(bucket_boundaries) + 1; got {len(sizes)} and "
                         f"{len(boundaries)}.")
    edges = np.array(boundaries, np.int64)

    def bucket_id(*args):
        length = _scalar_int(element_length_func(*args), "element_length_func")
        return np.int64(np.searchsorted(edges, length, side="right"))

    def batching(key, window):
        size = sizes[int(key)]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary:
            if int(key) >= len(boundaries):
                raise ValueError("When pad_to_bucket_boundary=True, elements must have "
                                 "length < max(bucket_boundaries).")
            filler = boundaries[int(key)] - 1
        shapes = _leaf_shapes(window, padded_shapes, filler)
        return window.padded_batch(size, shapes, padding_values, drop_remainder)

    return GroupByWindowDataset(dataset, bucket_id, batching, None,
                                lambda key: sizes[int(key)])


def _rng(seed):
    return np.random.default_rng(int(get_global_generator().integers(2**63))
                                 if seed is None else int(seed))


def _check_datasets(datasets, method):
    datasets = list(datasets)
    if not datasets or not all(isinstance(d, Dataset) for d in datasets):
        raise TypeError(f"Dataset.{method} takes a non-empty list of datasets; got "
                        f"{[type(d).__name__ for d in datasets]}.")
    return datasets


class SampleFromDatasets(Dataset):
    """``Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)``:
    each element comes from a dataset drawn at random with probability ``weights``."""

    _tf_name = "_DirectedInterleaveDataset"

    def __init__(self, datasets, weights, seed, stop_on_empty_dataset):
        self._datasets = _check_datasets(datasets, "sample_from_datasets")
        n = len(self._datasets)
        if isinstance(weights, Dataset):
            raise TypeError("Dataset.sample_from_datasets: tapeflow takes fixed weights (a "
                            "list or tensor), not a dataset of weights.")
        w = np.full(n, 1.0 / n) if weights is None else np.asarray(
            structure.to_array(weights), np.float64).reshape(-1)
        if w.shape != (n,) or (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"Dataset.sample_from_datasets: weights must be {n} "
                             f"non-negative numbers, one per dataset; got {w.tolist()}.")
        self._weights, self._seed = w, seed
        self._stop = bool(stop_on_empty_dataset)

    def _inputs(self):
        return self._datasets

    def _elements(self):
        rng = _rng(self._seed)
        iters = [d._elements() for d in self._datasets]
        w = self._weights.copy()
        while w.sum() > 0:
            i = int(rng.choice(len(w), p=w / w.sum()))
            element = next(iters[i], None)
            if element is not None:
                yield element
            elif self._stop:
                return
            else:
                w[i] = 0.0

    def _cardinality(self):
        counts = [d._cardinality() for d in self._datasets]
        if all(c == INFINITE_CARDINALITY for c in counts):
            return INFINITE_CARDINALITY
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return self._datasets[0].element_spec


class ChooseFromDatasets(SampleFromDatasets):
    """``Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)``:
    element ``k`` is the next element of ``datasets[choice_k]``."""

    def __init__(self, datasets, choice_dataset, stop_on_empty_dataset):
        self._datasets = _check_datasets(datasets, "choose_from_datasets")
        self._choices, self._stop = choice_dataset, bool(stop_on_empty_dataset)

    def _inputs(self):
        return self._datasets + [self._choices]

    def _elements(self):
        iters = [d._elements() for d in self._datasets]
        for k, choice in enumerate(self._choices._elements()):
            i = _scalar_int(choice, "choose_from_datasets' choice_dataset")
            if not 0 <= i < len(iters):
                raise ValueError(f"Dataset.choose_from_datasets: choice {i} (element {k} of "
                                 f"choice_dataset) is not in [0, {len(iters)}).")
            element = next(iters[i], None)
            if element is not None:
                yield element
            elif self._stop:
                return

    def _cardinality(self):
        return UNKNOWN_CARDINALITY


class _RejectionResample(_Unary):
    """Accepts each ``(class, element)`` with its class's acceptance probability."""

    _tf_name = "_MapDataset"

    def __init__(self, input_dataset, class_func, target, accept, seed):
        super().__init__(input_dataset)
        self._class_func, self._target, self._accept = class_func, target, accept
        self._seed = seed

    def _element_pass(self):
        rng = _rng(self._seed)
        counts = np.full(len(self._target), 10.0)  # TF's smoothing constant
        for k, element in enumerate(self._input._elements()):
            value = structure.to_array(call_function(self._class_func, element,
                                                     "Dataset.rejection_resample", k))
            c = _scalar_int(value, "rejection_resample's class_func")
            accept = self._accept
            if accept is None:  # the input distribution is estimated from the classes seen
                counts[c] += 1
                ratio = self._target / (counts / counts.sum())
                accept = ratio / ratio.max()
            if rng.random() < accept[c]:
                yield value, element

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


def rejection_resample(dataset, class_func, target_dist, initial_dist=None, seed=None):
    """``dataset.rejection_resample``: ``(class, element)`` pairs whose classes follow
    ``target_dist``, found by rejecting elements of over-represented classes (mixed with
    unrejected input elements when ``initial_dist`` is known, as TensorFlow does)."""
    target = np.asarray(structure.to_array(target_dist), np.float64).reshape(-1)
    if initial_dist is None:
        return _RejectionResample(dataset, class_func, target, None, seed)
    initial = np.asarray(structure.to_array(initial_dist), np.float64).reshape(-1)
    ratio = target / (initial + np.finfo(np.float64).tiny)
    low, high = ratio.min(), ratio.max()
    if low >= 1.0 or high == low:  # the input already has the target distribution
        return dataset.map(lambda *x: (class_func(*x), x[0] if len(x) == 1 else x))
    accept = (ratio - low) / (high - low)
    filtered = _RejectionResample(dataset, class_func, target, accept, seed)
    if low == 0:
        return filtered
    original = dataset.map(lambda *x: (class_func(*x), x[0] if len(x) == 1 else x))
    return SampleFromDatasets([original, filtered], [low, 1.0 - low], seed, True)

