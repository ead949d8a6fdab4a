"""``batch``, ``padded_batch``, ``unbatch`` and ``rebatch``.

Over the row-index fast path (``from_tensor_slices`` then ``shuffle`` / ``take`` /
``skip`` / ``repeat`` / ``cache``), ``batch`` cuts the stream of row indices into
batches and gathers each batch with one fancy index per array (a view for a run of
consecutive rows): no Python object per sample. Otherwise it stacks elements.

Example:
    >>> import numpy as np
    >>> from tapeflow.data.sources import TensorSlicesDataset
    >>> ds = TensorSlicesDataset(np.arange(10)).batch(4)
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    >>> ds.element_spec
    TensorSpec(shape=(None,), dtype=tf.int64, name=None)
"""
import sys

import numpy as np

from tapeflow.data import structure
from tapeflow.data.dataset import Dataset
from tapeflow.data.structure import TensorSpec
from tapeflow.data.transforms import _Unary

__all__ = ["BatchDataset", "PaddedBatchDataset", "UnbatchDataset", "RebatchDataset",
           "WindowDataset", "rechunk"]


def _check_batch_size(batch_size, method):
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"Dataset.{method}: batch_size must be a positive integer; got "
                         f"{batch_size}.")
    return batch_size


def rechunk(chunks, size, drop_remainder):
    """Cut a stream of index arrays into arrays of exactly ``size`` (the last may be
    shorter unless ``drop_remainder``).

    Example:
        >>> [c.tolist() for c in rechunk([np.arange(5), np.arange(5, 7)], 3, False)]
        [[0, 1, 2], [3, 4, 5], [6]]
    """
    pending, count = [], 0
    for chunk in chunks:
        while len(chunk):
            part, chunk = chunk[:size - count], chunk[size - count:]
            pending.append(part)
            count += len(part)
            if count == size:
                yield pending[0] if len(pending) == 1 else np.concatenate(pending)
                pending, count = [], 0
    if count and not drop_remainder:
        yield np.concatenate(pending)


def _refcounts(arrays):
    return [sys.getrefcount(a) for a in arrays]


_HELD_BY_POOL_ONLY = _refcounts([np.empty(0)])[0]


class BufferPool:
    """Full-batch output buffers reused once nothing but the pool refers to them.

    A gathered batch goes to the consumer (a ``for`` loop, the prefetch queue, ``fit``);
    when every reference to it is gone (its tensors and any view or copy of ``.numpy()``
    dropped), its arrays are written again by a later batch instead of fresh memory
    being taken for every batch. An array still referred to anywhere is never reused.
    """

    def __init__(self, leaves, batch_size, size=6):
        self._shapes = [((batch_size,) + a.shape[1:], a.dtype) for a in leaves]
        self._batch_size, self._size, self._sets = batch_size, size, []

    def get(self, k):
        """A free set of buffers for a batch of ``k`` rows, or None (take fresh ones)."""
        if k != self._batch_size or any(dtype == object for _, dtype in self._shapes):
            return None
        for buffers in self._sets:
            if max(_refcounts(buffers)) <= _HELD_BY_POOL_ONLY:
                return buffers
        if len(self._sets) < self._size:
            self._sets.append([np.empty(shape, dtype) for shape, dtype in self._shapes])
            return self._sets[-1]
        return None


def _batched_spec(spec, batch_size, drop_remainder):
    if spec is None:
        return None
    first = batch_size if drop_remainder else None
    return structure.map_leaves(
        lambda s: TensorSpec([first] + (s.shape.as_list() if s.shape.rank is not None
                                        else []), s.dtype), spec)


def _batched_cardinality(n, batch_size, drop_remainder):
    if n < 0:
        return n
    return n // batch_size if drop_remainder else -(-n // batch_size)


def _stack(elements, k_first):
    """Stack a list of elements leaf by leaf; a shape mismatch names the component."""
    columns = zip(*[structure.leaves(e) for e in elements])
    stacked = []
    for c, column in enumerate(columns):
        shapes = {a.shape for a in column}
        if len(shapes) > 1:
            first = column[0].shape
            bad = next(i for i, a in enumerate(column) if a.shape != first)
            raise ValueError(f"Dataset.batch: cannot batch tensors with different shapes in "
                             f"component {c}. First element had shape {first} and element "
                             f"{k_first + bad} had shape {column[bad].shape}. Use "
                             f"padded_batch() for elements of different lengths, or map() "
                             f"them to one shape first.")
        stacked.append(np.stack(column))
    return structure.pack(elements[0], stacked)


class BatchDataset(_Unary):
    """``dataset.batch(batch_size, drop_remainder)``."""

    _tf_name = "_BatchDataset"

    def __init__(self, input_dataset, batch_size, drop_remainder):
        super().__init__(input_dataset)
        self._batch_size = _check_batch_size(batch_size, "batch")
        self._drop = bool(drop_remainder)

    def _elements(self):
        source = self._input._index_source()
        if source is not None:
            pool = BufferPool(getattr(source, "_leaves", ()), self._batch_size)
            for idx in rechunk(self._input._index_chunks(), self._batch_size, self._drop):
                yield source._gather(idx, pool)
            return
        pending, seen = [], 0
        for element in self._input._elements():
            pending.append(element)
            if len(pending) == self._batch_size:
                yield _stack(pending, seen)
                seen += len(pending)
                pending = []
        if pending and not self._drop:
            yield _stack(pending, seen)

    def _cardinality(self):
        return _batched_cardinality(self._input._cardinality(), self._batch_size, self._drop)

    def _spec(self):
        return _batched_spec(self._input.element_spec, self._batch_size, self._drop)


def _padding_value(value, arr):
    if value is None:
        return b"" if arr.dtype == object else 0
    return structure.to_array(value).reshape(()).tolist()


class PaddedBatchDataset(BatchDataset):
    """``dataset.padded_batch(batch_size, padded_shapes, padding_values)``."""

    _tf_name = "_PaddedBatchDataset"

    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values,
                 drop_remainder):
        super().__init__(input_dataset, batch_size, drop_remainder)
        self._padded_shapes = padded_shapes
        self._padding_values = padding_values

    def _per_leaf(self, value, n, is_shape):
        if value is None:
            return [None] * n
        if is_shape and not structure.is_structure(value):
            return [value]
        return structure.leaves(value if not isinstance(value, list) else tuple(value))

    def _elements(self):
        pending = []
        for element in self._input._elements():
            pending.append(element)
            if len(pending) == self._batch_size:
                yield self._pad(pending)
                pending = []
        if pending and not self._drop:
            yield self._pad(pending)

    def _pad(self, elements):
        columns = list(zip(*[structure.leaves(e) for e in elements]))
        shapes = self._per_leaf(self._padded_shapes, len(columns), True)
        values = self._per_leaf(self._padding_values, len(columns), False)
        out = []
        for c, (column, want, value) in enumerate(zip(columns, shapes, values)):
            longest = np.max([a.shape for a in column], axis=0) if column[0].ndim else ()
            target = [int(m) if w is None or w == -1 else int(w)
                      for m, w in zip(longest, list(want) if want is not None
                                      else [None] * len(longest))]
            batch = np.full([len(column)] + target, _padding_value(value, column[0]),
                            dtype=column[0].dtype)
            for i, a in enumerate(column):
                if any(s > t for s, t in zip(a.shape, target)):
                    raise ValueError(f"Dataset.padded_batch: component {c} of an element has "
                                     f"shape {a.shape}, larger than its padded shape "
                                     f"{tuple(target)}.")
                batch[(i,) + tuple(slice(0, s) for s in a.shape)] = a
            out.append(batch)
        return structure.pack(elements[0], out)

    def _spec(self):
        spec = self._input.element_spec
        if spec is None or self._padded_shapes is None:
            return _batched_spec(spec, self._batch_size, self._drop)
        specs = structure.leaves(spec)
        shapes = self._per_leaf(self._padded_shapes, len(specs), True)
        first = self._batch_size if self._drop else None
        return structure.pack(spec, [
            TensorSpec([first] + [None if d in (None, -1) else int(d) for d in shape], s.dtype)
            for s, shape in zip(specs, shapes)])


def _rows(element):
    flat = structure.leaves(element)
    if any(a.ndim == 0 for a in flat):
        raise ValueError("Dataset.unbatch: every component needs a first axis to split; "
                         "the element has a scalar component (was it batched?).")
    sizes = {a.shape[0] for a in flat}
    if len(sizes) > 1:
        raise ValueError(f"Dataset.unbatch: the components of an element have different "
                         f"first dimensions {sorted(sizes)}; they must be equal.")
    return flat, sizes.pop()


class UnbatchDataset(_Unary):
    """``dataset.unbatch()``."""

    _tf_name = "_UnbatchDataset"

    def _elements(self):
        for element in self._input._elements():
            flat, n = _rows(element)
            for i in range(n):
                yield structure.pack(element, [a[i, ...] for a in flat])

    def _cardinality(self):
        return -2

    def _spec(self):
        spec = self._input.element_spec
        return None if spec is None else structure.map_leaves(
            lambda s: TensorSpec(s.shape.as_list()[1:], s.dtype), spec)


class RebatchDataset(BatchDataset):
    """``dataset.rebatch(batch_size)``: ``unbatch().batch(batch_size)`` by slicing."""

    _tf_name = "_RebatchDataset"

    def _elements(self):
        size, pending, count, template = self._batch_size, [], 0, None
        for element in self._input._elements():
            flat, n = _rows(element)
            template = element
            start = 0
            while start < n:
                take = min(size - count, n - start)
                pending.append([a[start:start + take] for a in flat])
                count, start = count + take, start + take
                if count == size:
                    yield self._join(template, pending)
                    pending, count = [], 0
        if count and not self._drop:
            yield self._join(template, pending)

    @staticmethod
    def _join(template, pending):
        if len(pending) == 1:
            return structure.pack(template, pending[0])
        return structure.pack(template, [np.concatenate(col) for col in zip(*pending)])

    def _cardinality(self):
        return -2


class _ListDataset(Dataset):
    """The elements of one window component (what ``Dataset.window`` yields)."""

    _tf_name = "_VariantDataset"

    def __init__(self, elements):
        self._list = elements

    def _elements(self):
        return iter(self._list)

    def _cardinality(self):
        return len(self._list)

    def _spec(self):
        return structure.spec_of(self._list[0]) if self._list else None


class WindowDataset(_Unary):
    """``dataset.window(size, shift, stride, drop_remainder)``: each element is a
    structure of datasets (one per component) of ``size`` elements taken every
    ``stride``; consecutive windows start ``shift`` elements apart."""

    _tf_name = "_WindowDataset"

    def __init__(self, input_dataset, size, shift, stride, drop_remainder):
        super().__init__(input_dataset)
        self._size = _check_batch_size(size, "window")
        self._shift = _check_batch_size(shift or size, "window")
        self._stride = _check_batch_size(stride, "window")
        self._drop = bool(drop_remainder)

    def _window(self, elements):
        columns = zip(*[structure.leaves(e) for e in elements])
        return structure.pack(elements[0], [_ListDataset(list(c)) for c in columns])

    def _elements(self):
        span, stride = (self._size - 1) * self._stride + 1, self._stride
        buf, start, next_start = [], 0, 0  # buf[0] is input element number `start`
        for element in self._input._elements():
            buf.append(element)
            if next_start > start:  # elements between windows are skipped
                dropped = min(next_start - start, len(buf))
                del buf[:dropped]
                start += dropped
            while len(buf) >= span:
                yield self._window(buf[0:span:stride])
                next_start += self._shift
                dropped = min(self._shift, len(buf))
                del buf[:dropped]
                start += dropped
        while buf and start == next_start and not self._drop:
            yield self._window(buf[::stride][:self._size])
            next_start += self._shift
            dropped = min(self._shift, len(buf))
            del buf[:dropped]
            start += dropped

    def _cardinality(self):
        return -2

    def _spec(self):
        spec = self._input.element_spec
        return None if spec is None else structure.map_leaves(structure.DatasetSpec, spec)

