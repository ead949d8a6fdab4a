"""``dataset.prefetch(buffer_size)``: the input pipeline runs ahead in a background thread.

A producer thread pulls elements from the input (batch gathering, ``map`` calls,
shuffling) into a queue of ``buffer_size`` elements while the consumer (``fit``'s
training step, a ``for`` loop) works on the previous one; NumPy releases the GIL in its
copies and matrix products, so the two overlap. The thread starts at the first
``next()``, stops when the pass ends or the consumer stops iterating (``break``,
``take``, ``steps_per_epoch``), and an exception raised in the pipeline is raised
again in the consumer.

Example:
    >>> from tapeflow.data.sources import RangeDataset
    >>> [int(x) for x in RangeDataset(5).prefetch(2)]
    [0, 1, 2, 3, 4]
"""
import queue
import threading

from tapeflow.data.dataset import AUTOTUNE
from tapeflow.data.transforms import _Unary

__all__ = ["PrefetchDataset"]

_ITEM, _END, _ERROR = 0, 1, 2
_AUTOTUNE_BUFFER = 2


class PrefetchDataset(_Unary):
    """``dataset.prefetch(buffer_size)`` (``tf.data.AUTOTUNE`` keeps 2 elements ready)."""

    _tf_name = "_PrefetchDataset"

    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset)
        size = int(buffer_size)
        if size < 0 and size != AUTOTUNE:
            raise ValueError(f"Dataset.prefetch: buffer_size must be a positive number of "
                             f"elements or tf.data.AUTOTUNE; got {buffer_size}.")
        self._size = _AUTOTUNE_BUFFER if size == AUTOTUNE else size

    def _elements(self):
        if self._size == 0:
            yield from self._input._elements()
            return
        slots = queue.Queue(maxsize=self._size)
        stop = threading.Event()
        worker = threading.Thread(target=_produce, args=(self._input, slots, stop),
                                  name="tapeflow-prefetch", daemon=True)
        worker.start()
        try:
            while True:
                kind, value = slots.get()
                if kind == _ITEM:
                    yield value
                elif kind == _END:
                    return
                else:
                    raise value
        finally:
            stop.set()


def _put(slots, stop, item):
    """Put ``item`` unless the consumer has stopped; False when it has."""
    while not stop.is_set():
        try:
            slots.put(item, timeout=0.05)
            return True
        except queue.Full:
            continue
    return False


def _produce(dataset, slots, stop):
    try:
        for element in dataset._elements():
            if not _put(slots, stop, (_ITEM, element)):
                return
        _put(slots, stop, (_END, None))
    except BaseException as error:  # handed to the consumer, raised there
        _put(slots, stop, (_ERROR, error))
