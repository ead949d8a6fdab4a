"""Where elements come from: slices of arrays, whole tensors, generators, ranges, files,
and the datasets that combine others (``zip``, ``concatenate``).

Example:
    >>> import numpy as np
    >>> ds = TensorSlicesDataset((np.arange(6).reshape(3, 2), np.array([0, 1, 0])))
    >>> ds._gather(np.array([2, 0]))[1].tolist()
    [0, 0]
"""
import glob
import itertools

import numpy as np

from tapeflow import dtypes
from tapeflow.data import structure
from tapeflow.data.dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from tapeflow.data.structure import TensorSpec

__all__ = ["TensorSlicesDataset", "RangeDataset", "TensorsDataset", "GeneratorDataset",
           "ZipDataset", "ConcatenateDataset", "CounterDataset", "TextLineDataset",
           "list_files"]


def _paths(element, prefix=""):
    """Readable names of the leaves, in :func:`structure.leaves` order."""
    if isinstance(element, dict):
        return [p for k in sorted(element) for p in _paths(element[k], f"{prefix}[{k!r}]")]
    if isinstance(element, tuple):
        return [p for i, v in enumerate(element) for p in _paths(v, f"{prefix}[{i}]")]
    return [prefix or "tensors"]


class TensorSlicesDataset(Dataset):
    """``Dataset.from_tensor_slices``: row ``i`` of every array is element ``i``."""

    _tf_name = "_TensorSliceDataset"

    def __init__(self, tensors):
        element = structure.to_arrays(tensors)
        flat = structure.leaves(element)
        names = _paths(element)
        for name, arr in zip(names, flat):
            if arr.ndim == 0:
                raise ValueError(f"Dataset.from_tensor_slices: component {name} is a scalar "
                                 f"({arr.tolist()!r}); every component needs a first axis to "
                                 f"slice. Use Dataset.from_tensors for a single element.")
        sizes = [arr.shape[0] for arr in flat]
        if len(set(sizes)) > 1:
            detail = ", ".join(f"{n}: {s}" for n, s in zip(names, sizes))
            raise ValueError(f"Dataset.from_tensor_slices: all components must have the same "
                             f"size in their first dimension (one row per element); got "
                             f"{detail}. Check that each input has its label.")
        self._structure, self._leaves = element, flat
        self._n = sizes[0]

    def _index_source(self):
        return self

    def _index_chunks(self):
        yield np.arange(self._n)

    def _cardinality(self):
        return self._n

    def _spec(self):
        return structure.map_leaves(lambda a: TensorSpec(a.shape[1:], a.dtype), self._structure)

    def _element_at(self, i):
        return structure.pack(self._structure, [a[i, ...] for a in self._leaves])

    def _gather(self, idx, pool=None):
        """The rows ``idx`` of every array, as one batch element: a view when ``idx`` is
        a run of consecutive rows, else one ``take`` per array (into a free buffer set of
        ``pool`` when one is given)."""
        k = len(idx)
        if k and idx[-1] - idx[0] == k - 1 and (k < 3 or (np.diff(idx) == 1).all()):
            start = int(idx[0])
            rows = [a[start:start + k] for a in self._leaves]
        else:
            buffers = pool.get(k) if pool is not None else None
            if buffers is None:
                rows = [a.take(idx, axis=0) for a in self._leaves]  # faster than a[idx]
            else:  # mode="clip" lets take write straight into `out` (idx is valid)
                rows = [a.take(idx, axis=0, out=b, mode="clip")
                        for a, b in zip(self._leaves, buffers)]
        return structure.pack(self._structure, rows)


class RangeDataset(Dataset):
    """``Dataset.range``: int64 scalars ``start, start + step, ...`` below ``stop``,
    computed on demand (a row-index source whose row ``i`` is ``start + i * step``)."""

    _tf_name = "_RangeDataset"
    _CHUNK = 1 << 16

    def __init__(self, *args, dtype="int64"):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"Dataset.range takes 1 to 3 integers (stop, or start, stop[, "
                            f"step]); got {len(args)} arguments.")
        self._range = range(*[int(a) for a in args])
        self._dtype = dtypes.as_dtype(dtype)._np

    def _index_source(self):
        return self

    def _index_chunks(self):
        n = len(self._range)
        for lo in range(0, n, self._CHUNK):
            yield np.arange(lo, min(lo + self._CHUNK, n))

    def _cardinality(self):
        return len(self._range)

    def _spec(self):
        return TensorSpec((), self._dtype)

    def _element_at(self, i):
        return np.array(self._range[i], self._dtype)

    def _gather(self, idx, pool=None):
        r = self._range
        return (r.start + np.asarray(idx) * r.step).astype(self._dtype)


class TensorsDataset(Dataset):
    """``Dataset.from_tensors``: one element, the whole of ``tensors``."""

    _tf_name = "_TensorDataset"

    def __init__(self, tensors):
        self._element = structure.to_arrays(tensors)

    def _elements(self):
        yield self._element

    def _cardinality(self):
        return 1

    def _spec(self):
        return structure.spec_of(self._element)


def _signature_from_types(output_types, output_shapes):
    if output_types is None:
        raise TypeError("Dataset.from_generator needs `output_signature` (a tf.TensorSpec or a "
                        "tuple/dict of them), e.g. output_signature=(tf.TensorSpec(shape=(None,"
                        "), dtype=tf.float32), tf.TensorSpec(shape=(), dtype=tf.int32)).")
    if output_shapes is None:
        return structure.map_leaves(lambda t: TensorSpec(None, t), _as_tuple(output_types))
    types = structure.leaves(_as_tuple(output_types))
    if isinstance(output_types, (tuple, dict)):
        shapes = [output_shapes[k] for k in sorted(output_shapes)] \
            if isinstance(output_shapes, dict) else list(output_shapes)
    else:
        shapes = [output_shapes]
    return structure.pack(_as_tuple(output_types),
                          [TensorSpec(s, t) for t, s in zip(types, shapes)])


def _as_tuple(value):
    return tuple(value) if isinstance(value, list) else value


class GeneratorDataset(Dataset):
    """``Dataset.from_generator``: ``generator(*args)`` is called for each pass."""

    _tf_name = "_FlatMapDataset"

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError(f"Dataset.from_generator needs a callable that returns an "
                            f"iterator (the generator function itself, not a generator "
                            f"object); got {type(generator).__name__}.")
        if output_signature is None:
            output_signature = _signature_from_types(output_types, output_shapes)
        self._signature = _as_tuple(output_signature)
        self._specs = structure.leaves(self._signature)
        self._generator = generator
        self._args = [structure.to_numpy(structure.to_array(a)) for a in (args or ())]

    def _spec(self):
        return self._signature

    def _elements(self):
        for k, value in enumerate(self._generator(*self._args)):
            yield self._check(value, k)

    def _check(self, value, k):
        conformed = _conform(value, self._signature)
        if conformed is None:
            raise TypeError(f"`generator` yielded an element that did not match the expected "
                            f"structure. The expected structure was {self._signature}, but "
                            f"element {k} was {value!r:.200}.")
        flat = structure.leaves(conformed)
        arrays = []
        for leaf, spec in zip(flat, self._specs):
            want = spec.dtype._np
            try:
                arr = structure.to_array(leaf, object if spec.dtype.name == "string" else want)
            except (TypeError, ValueError) as e:
                raise TypeError(f"`generator` yielded an element that could not be converted "
                                f"to the expected type. The expected type was "
                                f"{spec.dtype.name}, but element {k} was {leaf!r:.100} "
                                f"({e}).") from None
            if not structure.shape_fits(list(arr.shape), spec.shape):
                raise ValueError(f"`generator` yielded an element of shape {arr.shape} where "
                                 f"an element of shape {tuple(spec.shape.as_list())} was "
                                 f"expected (element {k}). Fix the generator or its "
                                 f"output_signature (None marks a dimension of any size).")
            arrays.append(arr)
        return structure.pack(self._signature, arrays)


def _conform(value, signature):
    """``value`` with the structure of ``signature`` (lists read as tuples), or None."""
    if isinstance(signature, dict):
        if not isinstance(value, dict) or set(value) != set(signature):
            return None
        parts = {key: _conform(value[key], signature[key]) for key in signature}
        return None if any(v is None for v in parts.values()) else parts
    if isinstance(signature, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(signature):
            return None
        parts = tuple(_conform(v, s) for v, s in zip(value, signature))
        return None if any(v is None for v in parts) else parts
    return None if isinstance(value, (tuple, dict)) or value is None else value


def _walk_datasets(datasets):
    if isinstance(datasets, Dataset):
        return [datasets]
    if not structure.is_structure(datasets):
        raise TypeError(f"Dataset.zip takes datasets (or a tuple/dict of them); got "
                        f"{type(datasets).__name__}.")
    return structure.leaves(datasets)


class ZipDataset(Dataset):
    """``Dataset.zip``: the i-th elements of several datasets together."""

    _tf_name = "_ZipDataset"

    def __init__(self, datasets):
        self._structure = _as_tuple(datasets)
        self._datasets = _walk_datasets(self._structure)

    def _inputs(self):
        return self._datasets

    def _elements(self):
        for parts in zip(*[d._elements() for d in self._datasets]):
            yield structure.pack(self._structure, parts)

    def _cardinality(self):
        counts = [d._cardinality() for d in self._datasets]
        finite = [c for c in counts if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in counts else INFINITE_CARDINALITY

    def _spec(self):
        return structure.pack(self._structure, [d.element_spec for d in self._datasets])


def _spec_types(spec):
    return repr(structure.map_leaves(lambda s: s.dtype.name, spec))


class ConcatenateDataset(Dataset):
    """``a.concatenate(b)``: every element of ``a``, then every element of ``b``."""

    _tf_name = "_ConcatenateDataset"

    def __init__(self, first, second):
        if not isinstance(second, Dataset):
            raise TypeError(f"Dataset.concatenate takes a Dataset; got "
                            f"{type(second).__name__}.")
        a, b = first.element_spec, second.element_spec
        if a is not None and b is not None and _spec_types(a) != _spec_types(b):
            raise TypeError(f"Incompatible dataset elements: this dataset has "
                            f"{_spec_types(a)}, the one to concatenate has {_spec_types(b)}. "
                            f"Cast or restructure one of them with map().")
        self._first, self._second = first, second

    def _inputs(self):
        return [self._first, self._second]

    def _elements(self):
        yield from self._first._elements()
        yield from self._second._elements()

    def _cardinality(self):
        a, b = self._first._cardinality(), self._second._cardinality()
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in (a, b) else a + b

    def _spec(self):
        return self._first.element_spec


class CounterDataset(Dataset):
    """``tf.data.experimental.Counter``: ``start, start + step, ...`` forever (int64)."""

    _tf_name = "_CounterDataset"

    def __init__(self, start=0, step=1, dtype="int64"):
        self._start, self._step, self._dtype = start, step, dtypes.as_dtype(dtype)._np

    def _elements(self):
        for v in itertools.count(self._start, self._step):
            yield np.array(v, self._dtype)

    def _cardinality(self):
        return INFINITE_CARDINALITY

    def _spec(self):
        return TensorSpec((), self._dtype)


class TextLineDataset(Dataset):
    """``tf.data.TextLineDataset``: the lines of text files, as strings without their
    line ending."""

    _tf_name = "TextLineDatasetV2"

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        names = structure.to_array(filenames)
        self._files = [n.decode() if isinstance(n, bytes) else str(n) for n in
                       names.reshape(-1).tolist()]

    def _elements(self):
        for path in self._files:
            with open(path, "rb") as f:
                for line in f:
                    yield np.array(line.rstrip(b"\r\n"), dtype=object)

    def _spec(self):
        return TensorSpec((), "string")


def list_files(file_pattern, shuffle=None, seed=None):
    """``Dataset.list_files``: the matching file names (sorted; shuffled by default)."""
    patterns = structure.to_array(file_pattern).reshape(-1).tolist()
    files = sorted({f for p in patterns
                    for f in glob.glob(p.decode() if isinstance(p, bytes) else str(p))})
    if not files:
        raise ValueError(f"No files matched pattern: {', '.join(map(str, patterns))}")
    ds = TensorSlicesDataset(np.array([f.encode() for f in files], dtype=object))
    if shuffle is False:
        return ds
    return ds.shuffle(len(files), seed=seed)
