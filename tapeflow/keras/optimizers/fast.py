"""The built-in optimizers' speed: packed small models, split big variables, scratch.

:class:`FastUpdates` is a mixin placed before :class:`~tapeflow.keras.optimizers.Optimizer`
in a built-in optimizer's bases. It overrides ``_backend_update_step`` (Keras 3's hook
for a backend's fast path) and ``gradient_buffers`` and gives ``update_step`` three
helpers:

- ``_slot(slots, variable)``: the NumPy buffer of ``variable``'s slot in ``slots``;
- ``_scratch(variable, which=0)``: one of two preallocated buffers shaped like it;
- what ``update_step`` receives as ``variable`` may then be a whole Variable, a
  :class:`~tapeflow.keras.optimizers.packing.Packed` (every variable of a small model
  as one flat array: one call updates them all) or a
  :class:`~tapeflow.keras.optimizers.parallel.Half` (one half of a big variable, on
  its own thread). Both stand-ins expose ``buffer`` (and ``array``) and resolve through the helpers.

A class opts in with ``_elementwise = True`` (its ``update_step`` is element-wise and
reaches buffers only through the helpers, so it may run on a packed buffer) and
``_splittable = True`` (it may run on halves). Only the class that defines
``update_step`` is asked, so a user subclass that overrides ``update_step`` always
receives whole Variables. Results are bit-identical on every path.

Example:
    >>> import tapeflow as tf
    >>> from tapeflow.keras.optimizers import SGD
    >>> a, b = tf.Variable([1.0, 2.0]), tf.Variable([3.0])
    >>> opt = SGD(learning_rate=0.5)
    >>> _ = opt.apply([tf.constant([1.0, 1.0]), tf.constant([2.0])], [a, b])
    >>> opt.gradient_buffers([a, b]) is not None, a.numpy(), b.numpy()   # now packed
    (True, array([0.5, 1.5], dtype=float32), array([2.], dtype=float32))
"""
import time

import numpy as np

from tapeflow.keras.optimizers import packing
from tapeflow.keras.optimizers import parallel

__all__ = ["FastUpdates"]


class FastUpdates:
    """Mixin: packing, thread splitting and scratch buffers for element-wise updates."""

    _elementwise = _splittable = False

    def __init__(self, *args, **kwargs):
        self._scratch_views = {}
        self._slot_lists, self._packed = [], None  # None: not tried yet; False: not packed
        self._split_policy = parallel.SplitPolicy()
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------- buffers
    def build(self, var_list):
        super().build(var_list)
        self._allocate_scratch(self._trainable_variables)

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        lists = super().add_optimizer_variables(trainable_variables, name, initializer)
        self._slot_lists.extend([lists] if isinstance(name, str) else lists)
        return lists

    def _allocate_scratch(self, var_list):
        """One flat buffer per dtype, sized for the largest variable, viewed per variable."""
        sizes = {}
        for v in var_list:
            dt = v.array.dtype
            sizes[dt] = max(sizes.get(dt, 0), v.array.size)
        flat = {dt: (np.empty(n, dt), np.empty(n, dt)) for dt, n in sizes.items()}
        self._scratch_views = {
            id(v): tuple(b[:v.array.size].reshape(v.array.shape) for b in flat[v.array.dtype])
            for v in var_list}

    def _scratch(self, variable, which=0):
        """A preallocated buffer shaped like ``variable`` (two per variable: 0 and 1)."""
        if type(variable) in (parallel.Half, packing.Packed):
            return variable.scratch[which]
        return self._scratch_views[id(variable)][which]

    def _slot(self, slots, variable):
        """The NumPy buffer of ``variable``'s slot in the list ``slots``."""
        if type(variable) is parallel.Half:
            return slots[variable.index].array.reshape(-1)[variable.span]
        if type(variable) is packing.Packed:
            return variable.slots[id(slots)]
        return slots[self._index[id(variable)]].array

    def gradient_buffers(self, variables):
        """The packed flat gradient's per-variable views once ``variables`` are packed."""
        packed = self._packed
        return packed.grad_views if packed and packed.covers(variables) else None

    def _owns_gradients(self, grads):
        return bool(self._packed) and self._packed.owns(grads)

    # ------------------------------------------------------------- the update
    def _declares(self, flag):
        """True only if the class that defines ``update_step`` sets ``flag``."""
        cls = type(self)
        if "_declared" not in cls.__dict__:  # once per class
            owner = next(c for c in cls.__mro__ if "update_step" in c.__dict__)
            cls._declared = {f: bool(owner.__dict__.get(f, False))
                             for f in ("_elementwise", "_splittable")}
        return cls._declared[flag]

    def _can_split(self):
        return self._declares("_splittable")

    def _backend_update_step(self, grads, variables, learning_rate):
        if self._packed is None and len(variables) == len(self._trainable_variables):
            self._packed = self._declares("_elementwise") and \
                packing.pack(variables, self._slot_lists) or False
        flat = self._packed.gather(grads) if self._packed and \
            self._packed.covers(variables) else None
        if flat is not None:
            self.update_step(flat, self._packed, learning_rate)
            return
        if not self._can_split() or all(
                v.array.size < parallel.PARALLEL_MIN_SIZE for v in variables):
            for g, v in zip(grads, variables):
                self.update_step(g, v, learning_rate)
            return
        self._split_update(grads, variables, learning_rate)

    def _split_update(self, grads, variables, learning_rate):
        """Big variables as two halves on two threads, when measured to be faster."""
        big = [v.array.size >= parallel.PARALLEL_MIN_SIZE and v.array.flags.c_contiguous
               for v in variables]
        pool = parallel.pool() if any(big) else None
        split, timed = self._split_policy.next() if pool is not None else (False, False)
        start = time.perf_counter() if timed else 0.0
        for g, v, b in zip(grads, variables, big):
            if not (split and b):
                self.update_step(g, v, learning_rate)
                continue
            i = self._index[id(v)]
            (g1, h1), (g2, h2) = parallel.halves(g, v, i, self._scratch_views[id(v)])
            job = pool.submit(self.update_step, g2, h2, learning_rate)
            try:
                self.update_step(g1, h1, learning_rate)
            finally:
                job.result()  # never leave the other half running (or its error unseen)
        if timed:
            self._split_policy.record(split, time.perf_counter() - start)
