"""``dataset.shuffle(buffer_size, seed, reshuffle_each_iteration)``: TensorFlow's buffer.

The buffer is filled with the first ``buffer_size`` elements; each output is drawn
uniformly from the buffer and its slot refilled with the next input element; once the
input ends the buffer drains. An element can therefore move forward by at most
``buffer_size - 1`` places, and a buffer at least the dataset's size gives a uniform
permutation (computed as one ``permutation``). Over a
:class:`~tapeflow.data.sources.TensorSlicesDataset` this runs on row indices, so
``batch`` can gather whole batches at once.

Each pass draws its own order from a generator seeded by (the dataset's seed, the pass
number); ``reshuffle_each_iteration=False`` reuses the first pass's seed. Without a
``seed`` the dataset's seed is drawn from tapeflow's global generator when the dataset
is built, so ``tf.random.set_seed`` / ``keras.utils.set_random_seed`` before building it
make the orders reproducible.

Example:
    >>> import numpy as np
    >>> out = list(buffer_shuffle(range(10), 1, np.random.default_rng(0)))
    >>> out == list(range(10))   # a buffer of one keeps the order
    True
    >>> sorted(buffer_shuffle(range(10), 3, np.random.default_rng(0))) == list(range(10))
    True
"""
import itertools

import numpy as np

from tapeflow.data.transforms import _Unary
from tapeflow.ops.random import _state, get_global_generator

__all__ = ["ShuffleDataset", "buffer_shuffle"]

_END = object()
_CHUNK = 4096


def buffer_shuffle(items, buffer_size, rng):
    """Yield ``items`` in TensorFlow's shuffle-buffer order (uniform draws from a
    buffer of ``buffer_size``, each slot refilled from the input)."""
    it = iter(items)
    buf = list(itertools.islice(it, buffer_size))
    draws, pos = [], 0
    while buf:
        if pos == len(draws):
            draws, pos = rng.random(_CHUNK).tolist(), 0
        j = int(draws[pos] * len(buf))
        pos += 1
        item = buf[j]
        nxt = next(it, _END)
        if nxt is _END:  # draining: the last slot moves into the freed one
            last = buf.pop()
            if j < len(buf):
                buf[j] = last
        else:
            buf[j] = nxt
        yield item


class ShuffleDataset(_Unary):
    """``dataset.shuffle``: keeps the row-index fast path of a slices input."""

    _tf_name = "_ShuffleDataset"
    _indexed = True

    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        super().__init__(input_dataset)
        buffer_size = int(buffer_size)
        if buffer_size == -1:  # tf.data.AUTOTUNE: TF treats it as unknown; take it all
            buffer_size = 1 << 62
        if buffer_size < 1:
            raise ValueError(f"Dataset.shuffle: buffer_size must be a positive number of "
                             f"elements (the dataset's size for a full shuffle); got "
                             f"{buffer_size}.")
        self._buffer_size = buffer_size
        self._reshuffle = bool(reshuffle_each_iteration)
        if seed is None:
            self._seed = [int(get_global_generator().integers(2**63))]
        else:
            self._seed = [int(seed), _state["seed"] or 0]
        self._passes = itertools.count()

    def _rng(self):
        k = next(self._passes) if self._reshuffle else 0
        return np.random.default_rng(self._seed + [k])

    def _whole(self):
        """Whether the buffer holds the whole input (then a pass is a permutation)."""
        n = self._input._cardinality()
        return 0 <= n <= self._buffer_size

    def _index_chunks(self):
        rng = self._rng()
        chunks = self._input._index_chunks()
        if self._whole():
            indices = [c for c in chunks]
            if indices:
                order = np.concatenate(indices)
                yield order[rng.permutation(len(order))]
            return
        flat = itertools.chain.from_iterable(c.tolist() for c in chunks)
        out = buffer_shuffle(flat, self._buffer_size, rng)
        while True:
            block = list(itertools.islice(out, _CHUNK))
            if not block:
                return
            yield np.array(block, dtype=np.int64)

    def _element_pass(self):
        rng = self._rng()
        if self._whole():
            elements = list(self._input._elements())
            for i in rng.permutation(len(elements)).tolist():
                yield elements[i]
            return
        yield from buffer_shuffle(self._input._elements(), self._buffer_size, rng)

