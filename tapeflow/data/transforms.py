"""Element-wise and ordering transformations: ``map``, ``filter``, ``repeat``, ``take``,
``skip``, ``cache``, ``enumerate`` and friends.

``repeat``, ``take``, ``skip`` and ``cache`` keep the row-index fast path of their input
(:class:`~tapeflow.data.sources.TensorSlicesDataset`): they then cut and chain arrays
of row indices instead of elements.

Example:
    >>> from tapeflow.data.sources import RangeDataset
    >>> ds = RangeDataset(5).skip(1).repeat(2).take(6)
    >>> [int(x) for x in ds]
    [1, 2, 3, 4, 1, 2]
"""
import itertools
import os

import numpy as np

from tapeflow.data import structure
from tapeflow.data.dataset import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = ["call_function", "MapDataset", "FilterDataset", "FlatMapDataset",
           "InterleaveDataset", "RepeatDataset", "TakeDataset", "SkipDataset",
           "TakeWhileDataset", "ShardDataset", "CacheDataset", "EnumerateDataset",
           "OptionsDataset"]


def _function_name(fn):
    return getattr(fn, "__name__", type(fn).__name__)


def call_function(fn, element, stage, index):
    """``fn`` applied to ``element`` as TensorFlow does (a tuple is spread over the
    arguments); an exception is raised again naming the stage and the element."""
    args = structure.wrap(element)
    try:
        out = fn(*args) if type(args) is tuple else fn(args)
    except Exception as e:  # re-raised with the stage and the element named
        message = (f"{stage}({_function_name(fn)}) failed on element {index} "
                   f"{structure.describe(element)}: {type(e).__name__}: {e}")
        try:
            error = type(e)(message)
        except Exception:  # an exception type with a different constructor
            error = RuntimeError(message)
        raise error from e
    if out is None:
        raise ValueError(f"{stage}({_function_name(fn)}) returned None for element {index}; "
                         f"the function must return the new element (did it miss a "
                         f"`return`?).")
    return tuple(out) if isinstance(out, list) else out


class _Unary(Dataset):
    """A dataset with one input; the index fast path passes through when ``_indexed``."""

    _indexed = False

    def __init__(self, input_dataset):
        self._input = input_dataset

    def _inputs(self):
        return [self._input]

    def _index_source(self):
        return self._input._index_source() if self._indexed else None

    def _elements(self):
        if self._index_source() is not None:
            return Dataset._elements(self)
        return self._element_pass()

    def _element_pass(self):
        raise NotImplementedError

    def _cardinality(self):
        return self._input._cardinality()

    def _spec(self):
        return self._input.element_spec


class _WithFunction(_Unary):
    """A dataset that applies a user function ``fn`` to the elements of its input."""

    _stage = "Dataset.map"

    def __init__(self, input_dataset, fn):
        super().__init__(input_dataset)
        if not callable(fn):
            raise TypeError(f"{self._stage} takes a function of the element's tensors; got "
                            f"{type(fn).__name__}.")
        self._fn = fn

    def _calls(self):
        """``(element, fn(element))`` for each input element."""
        for k, element in enumerate(self._input._elements()):
            yield element, call_function(self._fn, element, self._stage, k), k


class MapDataset(_WithFunction):
    """``dataset.map(fn)``."""

    _tf_name = "_MapDataset"

    def _element_pass(self):
        for _, out, _ in self._calls():
            yield structure.to_arrays(out)

    def _spec(self):
        first = next(iter(self._elements()), None)
        if first is None:
            return None
        parent = self._input.element_spec
        specs = structure.leaves(parent) if parent is not None else []
        batched = bool(specs) and all(s.shape.rank and s.shape.as_list()[0] is None
                                      for s in specs)
        return structure.spec_of(first, batch_none=batched)


class FilterDataset(_WithFunction):
    """``dataset.filter(predicate)``."""

    _tf_name = "_FilterDataset"
    _stage = "Dataset.filter"

    def _element_pass(self):
        for element, keep, k in self._calls():
            keep = np.asarray(keep.array if hasattr(keep, "array") else keep)
            if keep.shape != () or keep.dtype != bool:
                raise ValueError(f"Dataset.filter: the predicate must return a scalar "
                                 f"boolean; got dtype {keep.dtype.name} and shape "
                                 f"{keep.shape} for element {k}.")
            if keep:
                yield element

    def _cardinality(self):
        return UNKNOWN_CARDINALITY


class FlatMapDataset(_WithFunction):
    """``dataset.flat_map(fn)``: ``fn`` returns a dataset per element."""

    _tf_name = "_FlatMapDataset"
    _stage = "Dataset.flat_map"

    def _element_pass(self):
        for _, inner, k in self._calls():
            if not isinstance(inner, Dataset):
                raise TypeError(f"Dataset.flat_map: the function must return a Dataset; it "
                                f"returned {type(inner).__name__} for element {k}.")
            yield from inner._elements()

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


class InterleaveDataset(FlatMapDataset):
    """``dataset.interleave(fn, cycle_length, block_length)``."""

    _tf_name = "_InterleaveDataset"
    _stage = "Dataset.interleave"

    def __init__(self, input_dataset, fn, cycle_length, block_length):
        super().__init__(input_dataset, fn)
        self._cycle = cycle_length if cycle_length and cycle_length > 0 else os.cpu_count()
        self._block = block_length or 1

    def _element_pass(self):
        calls, active = self._calls(), []
        while True:
            while len(active) < self._cycle:
                call = next(calls, None)
                if call is None:
                    break
                active.append(iter(call[1]._elements()))
            if not active:
                return
            for it in list(active):
                block = list(itertools.islice(it, self._block))
                yield from block
                if len(block) < self._block:
                    active.remove(it)


class RepeatDataset(_Unary):
    """``dataset.repeat(count)``: each repetition is a new pass (a new shuffle)."""

    _tf_name = "_RepeatDataset"
    _indexed = True

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = -1 if count is None else int(count)

    def _passes(self):
        return itertools.count() if self._count < 0 else range(self._count)

    def _repeat(self, make_pass):
        for _ in self._passes():
            produced = False
            for item in make_pass():
                produced = True
                yield item
            if not produced:  # an empty input repeats to an empty dataset
                return

    def _index_chunks(self):
        return self._repeat(self._input._index_chunks)

    def _element_pass(self):
        return self._repeat(self._input._elements)

    def _cardinality(self):
        n = self._input._cardinality()
        if n == 0 or self._count == 0:
            return 0
        if n < 0:
            return n
        return INFINITE_CARDINALITY if self._count < 0 else n * self._count


class TakeDataset(_Unary):
    """``dataset.take(count)``."""

    _tf_name = "_TakeDataset"
    _indexed = True

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = int(count)

    def _index_chunks(self):
        if self._count < 0:
            yield from self._input._index_chunks()
            return
        remaining = self._count
        if remaining == 0:
            return
        for chunk in self._input._index_chunks():
            chunk = chunk[:remaining]
            remaining -= len(chunk)
            yield chunk
            if remaining == 0:
                return

    def _element_pass(self):
        if self._count < 0:
            return self._input._elements()
        return itertools.islice(self._input._elements(), self._count)

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        return n if n == UNKNOWN_CARDINALITY else min(n, self._count)


class SkipDataset(_Unary):
    """``dataset.skip(count)`` (-1 skips everything)."""

    _tf_name = "_SkipDataset"
    _indexed = True

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = int(count)

    def _index_chunks(self):
        if self._count < 0:
            return
        to_skip = self._count
        for chunk in self._input._index_chunks():
            if to_skip:
                dropped = min(to_skip, len(chunk))
                chunk, to_skip = chunk[dropped:], to_skip - dropped
                if not len(chunk):
                    continue
            yield chunk

    def _element_pass(self):
        if self._count < 0:
            return iter(())
        return itertools.islice(self._input._elements(), self._count, None)

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count < 0:
            return 0 if n != INFINITE_CARDINALITY else n
        return n if n < 0 else max(n - self._count, 0)


class TakeWhileDataset(_WithFunction):
    """``dataset.take_while(predicate)``."""

    _tf_name = "_TakeWhileDataset"
    _stage = "Dataset.take_while"

    def _element_pass(self):
        for element, keep, _ in self._calls():
            if not bool(np.asarray(keep)):
                return
            yield element

    def _cardinality(self):
        return UNKNOWN_CARDINALITY


class ShardDataset(_Unary):
    """``dataset.shard(num_shards, index)``."""

    _tf_name = "_ShardDataset"

    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        if not 0 <= int(index) < int(num_shards):
            raise ValueError(f"Dataset.shard: index must be in [0, num_shards); got "
                             f"index={index}, num_shards={num_shards}.")
        self._n, self._i = int(num_shards), int(index)

    def _element_pass(self):
        return itertools.islice(self._input._elements(), self._i, None, self._n)

    def _cardinality(self):
        n = self._input._cardinality()
        return n if n < 0 else (n - self._i + self._n - 1) // self._n


class CacheDataset(_Unary):
    """``dataset.cache()``: the first complete pass is kept in memory and replayed."""

    _tf_name = "_CacheDataset"
    _indexed = True

    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        self._cached = None

    def _replay(self, make_pass):
        if self._cached is not None:
            yield from self._cached
            return
        kept = []
        for item in make_pass():
            kept.append(item)
            yield item
        self._cached = kept  # only a pass that ran to the end is kept

    def _index_chunks(self):
        return self._replay(self._input._index_chunks)

    def _element_pass(self):
        return self._replay(self._input._elements)


class EnumerateDataset(_Unary):
    """``dataset.enumerate(start)``: ``(int64 index, element)`` pairs."""

    _tf_name = "_EnumerateDataset"

    def __init__(self, input_dataset, start):
        super().__init__(input_dataset)
        self._start = int(start)

    def _element_pass(self):
        for k, element in enumerate(self._input._elements(), self._start):
            yield np.array(k, np.int64), element

    def _spec(self):
        return structure.TensorSpec((), "int64"), self._input.element_spec


class OptionsDataset(_Unary):
    """``dataset.with_options(options)``: the same elements."""

    _tf_name = "_OptionsDataset"
    _indexed = True

    def __init__(self, input_dataset, options):
        super().__init__(input_dataset)
        self._options = options

    def _index_chunks(self):
        return self._input._index_chunks()

    def _element_pass(self):
        return self._input._elements()
