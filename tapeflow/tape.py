"""GradientTape: record ops on watched tensors, then walk the record backwards.

Example:
    >>> import tapeflow as tf
    >>> x = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
"""
import contextlib
import enum

import numpy as np

from tapeflow.ops.registry import STATE, unbroadcast
from tapeflow.tensor import Tensor, Variable

__all__ = ["GradientTape", "stop_gradient", "flatten", "pack_like", "backward_plan",
           "run_plan", "seed_gradients", "GradientEvent", "UnconnectedGradients"]


def flatten(structure):
    """Leaves of a nested list/tuple/dict structure, dicts in sorted-key order."""
    if isinstance(structure, Tensor):
        return [structure]
    if type(structure) in (list, tuple) and all(isinstance(x, Tensor) for x in structure):
        return list(structure)  # the common flat case, without recursion
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_like(structure, leaves):
    """Rebuild ``structure`` with ``leaves`` (the inverse of :func:`flatten`)."""
    if type(structure) is list and all(isinstance(x, Tensor) for x in structure):
        return list(leaves)
    it = iter(leaves)

    def build(s):
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        if isinstance(s, (list, tuple)):
            items = [build(x) for x in s]
            return type(s)(*items) if hasattr(s, "_fields") else type(s)(items)
        return next(it)
    return build(structure)


class UnconnectedGradients(str, enum.Enum):
    """What ``GradientTape.gradient`` returns for a source the target does not depend
    on: ``NONE`` (None, the default) or ``ZERO`` (zeros of the source's shape).

    Example:
        >>> import tapeflow as tf
        >>> x, y = tf.Variable(2.0), tf.Variable(3.0)
        >>> with tf.GradientTape() as tape:
        ...     z = x * 2.0
        >>> float(tape.gradient(z, y, unconnected_gradients=tf.UnconnectedGradients.ZERO))
        0.0
    """

    NONE = "none"
    ZERO = "zero"


class GradientEvent:
    """One ``GradientTape.gradient`` call, as a recording Trace (``tf.function``) is told
    of it: the tape's plan, the targets, their output gradients (None or arrays), the
    sources, the gradients returned, ``zero`` (unconnected gradients are zeros) and
    ``live`` (the ids of the targets that are seeded)."""

    __slots__ = ("plan", "targets", "ogs", "sources", "results", "zero", "live")

    def __init__(self, plan, targets, ogs, sources, results, zero, live):
        self.plan, self.targets, self.ogs, self.sources = plan, targets, ogs, sources
        self.results, self.zero, self.live = results, zero, live


class GradientTape:
    """Record operations for automatic differentiation, with TensorFlow's semantics.

    Args:
        persistent: allow several ``gradient()`` calls on the same record.
        watch_accessed_variables: watch every trainable Variable read while recording.

    Non-scalar targets are summed; a list of targets gives the sum of their gradients.
    Sources that the targets do not depend on get ``None`` (or zeros with
    ``unconnected_gradients="zero"``); integer sources always get ``None``.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._auto = bool(watch_accessed_variables)
        self._entries = []
        self._watched = {}  # id -> tensor (the reference keeps the id valid)
        self._recording = False
        self._paused = False
        self._used = False
        self._recorders = []
        self._last_plan = None

    # --- recording --------------------------------------------------------------------
    def __enter__(self):
        if self._recording:
            raise ValueError("This GradientTape is already recording; tapes are not reentrant.")
        self._recording = True
        self._recorders = STATE.recorders  # this thread's: tapes are thread-local
        self._recorders.append(self)
        return self

    def __exit__(self, *exc):
        self._recording = False
        if self in self._recorders:
            self._recorders.remove(self)
        return False

    def _record(self, op, inputs, out, attrs):
        if self._paused or op.vjp is None:
            return
        watched = self._watched
        hit = False
        for t in inputs:
            if id(t) in watched:
                hit = True
            elif self._auto and t.__class__ is not Tensor and isinstance(t, Variable) \
                    and t.trainable:
                watched[id(t)] = t
                hit = True
        if hit and out._value.dtype.kind == "f":
            watched[id(out)] = out
            self._entries.append((op, inputs, out, attrs))

    def watch(self, tensor):
        """Watch a tensor or Variable (or a list/tuple/dict of them) from now on."""
        for t in flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"GradientTape.watch expects a tf.Tensor or tf.Variable (or a nested "
                    f"list/tuple/dict of them); got {type(t).__name__} {t!r:.60}. Convert it "
                    f"with tf.constant(...) or tf.Variable(...) first.")
            self._watched[id(t)] = t

    def watched_variables(self):
        """The Variables this tape watches, in the order they were first watched."""
        return tuple(t for t in self._watched.values() if isinstance(t, Variable))

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stop recording: ops inside the block are not differentiated."""
        if not self._recording:
            raise ValueError("stop_recording() is only valid while the tape is recording.")
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    def reset(self):
        """Forget everything recorded and watched so far."""
        self._entries = []
        self._watched = {}
        self._used = False

    # --- differentiation ----------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients="none", *, buffers=None):
        """Gradients of ``target`` (summed) with respect to each of ``sources``.

        Returns the structure of ``sources``: a single Tensor, a list, tuple or dict.

        ``buffers`` (a tapeflow extension, used by ``Model.fit``) is an optional list of
        arrays, one per source (or None): ops that support it write that source's
        gradient into the array instead of allocating a new one each step. The returned
        gradient may then share the buffer, so it is only valid until the buffer is
        reused; leave ``buffers`` out to get fresh arrays, as TensorFlow does.
        """
        if self._used and not self._persistent:
            raise RuntimeError(
                "GradientTape.gradient can only be called once on non-persistent tapes.")
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"unconnected_gradients must be tf.UnconnectedGradients.NONE or "
                             f".ZERO ('none' or 'zero'); got {unconnected_gradients!r}.")
        if unconnected_gradients.__class__ is not str:  # the enum (a str subclass)
            unconnected_gradients = unconnected_gradients.value
        targets = flatten(target)
        for t in targets:
            if not isinstance(t, Tensor):
                raise TypeError(f"GradientTape.gradient: target must be a tf.Tensor (or a "
                                f"list of them); got {type(t).__name__} {t!r:.60}. Compute the "
                                f"target with tapeflow ops inside the `with` block.")
        srcs = flatten(sources)
        for s in srcs:
            if not isinstance(s, Tensor):
                raise TypeError(f"GradientTape.gradient: sources must be tf.Variable or "
                                f"tf.Tensor objects; got {type(s).__name__} {s!r:.60}.")
        if output_gradients is None:
            ogs = [None] * len(targets)
        elif isinstance(target, Tensor):
            ogs = [output_gradients]
        else:
            ogs = list(output_gradients)
        nested = bool(STATE.recorders) and self._outer_watches(
            targets + srcs + [t for entry in self._entries for t in entry[1]])
        grads = self._backward_tensors(targets, ogs, srcs) if nested else \
            self._backward(targets, ogs, srcs, buffers)
        result = []
        for s in srcs:
            g = grads.get(id(s))
            if s._value.dtype.kind != "f":
                g = None
            elif g is None and unconnected_gradients == "zero":
                g = np.zeros_like(s._value)
            result.append(None if g is None else g if isinstance(g, Tensor) else Tensor(g))
        if STATE.traces and not nested:  # a tf.function's trace replays it from the plan
            event = GradientEvent(self._last_plan[0], targets, ogs, srcs, result,
                                  unconnected_gradients == "zero", self._last_plan[1])
            for trace in STATE.traces:
                trace.gradient(event)
        self._last_plan = None
        self._done()
        return pack_like(sources, result)

    def _backward(self, targets, ogs, srcs, into):
        plan = backward_plan(self._entries, srcs, targets, self._watched)
        live = {id(step[2]) for step in plan}
        for s in srcs:
            if id(s) in self._watched:
                live.add(id(s))
        self._last_plan = plan, live
        return run_plan(plan, seed_gradients(targets, ogs, live), into)

    # --- Jacobians -----------------------------------------------------------------------
    def jacobian(self, target, sources, unconnected_gradients="none",
                 parallel_iterations=None, experimental_use_pfor=True):
        """The Jacobian of ``target`` with respect to each source: shape
        ``target.shape + source.shape`` (one gradient per element of ``target``).

        Example:
            >>> import tapeflow as tf
            >>> x = tf.Variable([1.0, 2.0])
            >>> with tf.GradientTape() as tape:
            ...     y = x * x
            >>> tape.jacobian(y, x).numpy().tolist()
            [[2.0, 0.0], [0.0, 4.0]]
        """
        target = self._check_target(target, "jacobian")
        srcs = flatten(sources)
        value = target._value
        rows = [[] for _ in srcs]
        for i in range(value.size):
            seed = np.zeros(value.size, value.dtype)
            seed[i] = 1
            grads = self._backward([target], [seed.reshape(value.shape)], srcs, None)
            for k, s in enumerate(srcs):
                rows[k].append(grads.get(id(s)))
        result = [self._stack(r, value.shape, s, unconnected_gradients)
                  for r, s in zip(rows, srcs)]
        self._done()
        return pack_like(sources, result)

    def batch_jacobian(self, target, source, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: for ``target`` of shape ``(batch, *t)`` and ``source``
        of shape ``(batch, *s)``, the result has shape ``(batch, *t, *s)`` (example ``b``
        of the target depends only on example ``b`` of the source).

        Example:
            >>> import tapeflow as tf
            >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
            >>> with tf.GradientTape() as tape:
            ...     tape.watch(x)
            ...     y = x * x
            >>> tape.batch_jacobian(y, x).numpy()[1].tolist()
            [[6.0, 0.0], [0.0, 8.0]]
        """
        target = self._check_target(target, "batch_jacobian")
        value, src = target._value, source._value
        if value.ndim < 1 or src.ndim < 1 or value.shape[0] != src.shape[0]:
            raise ValueError(f"batch_jacobian: target and source need the same first (batch) "
                             f"dimension; got shapes {value.shape} and {src.shape}.")
        per = int(np.prod(value.shape[1:], dtype=np.int64))
        columns = []
        for j in range(per):
            seed = np.zeros((value.shape[0], per), value.dtype)
            seed[:, j] = 1
            g = self._backward([target], [seed.reshape(value.shape)], [source], None).get(
                id(source))
            columns.append(None if g is None else g.reshape(src.shape[0], -1))
        self._done()
        if all(c is None for c in columns) and unconnected_gradients == "none":
            return None
        flat = np.stack([np.zeros((src.shape[0], src[0].size), src.dtype) if c is None else c
                         for c in columns], axis=1)
        return Tensor(flat.reshape(value.shape + src.shape[1:]).astype(src.dtype, copy=False))

    def _check_target(self, target, what):
        if self._used and not self._persistent:
            raise RuntimeError(f"GradientTape.{what} can only be called once on "
                               f"non-persistent tapes.")
        if not isinstance(target, Tensor):
            raise TypeError(f"GradientTape.{what}: target must be a tf.Tensor; got "
                            f"{type(target).__name__} {target!r:.60}.")
        return target

    @staticmethod
    def _stack(rows, shape, source, unconnected):
        value = source._value
        if value.dtype.kind != "f" or (all(r is None for r in rows) and unconnected == "none"):
            return None
        stacked = np.stack([np.zeros_like(value) if r is None else r for r in rows]) \
            if rows else np.zeros((0,) + value.shape, value.dtype)
        return Tensor(stacked.reshape(tuple(shape) + value.shape))

    def _done(self):
        if not self._persistent:
            self._used = True
            self._entries = []
            self._watched = {}

    # --- nested tapes ------------------------------------------------------------------
    def _outer_watches(self, tensors):
        """True if another tape records now and watches one of ``tensors``."""
        outer = [tape for tape in STATE.recorders if tape is not self and
                 isinstance(tape, GradientTape) and not tape._paused]
        return any(id(t) in tape._watched for tape in outer for t in tensors)

    def _backward_tensors(self, targets, ogs, srcs):
        """The backward walk with each op's rule written in ops (tapeflow/ops/higher.py),
        so that the enclosing tape records it: a gradient of a gradient."""
        from tapeflow.ops.higher import unbroadcast_tensor
        plan = backward_plan(self._entries, srcs, targets, self._watched)
        live = {id(step[2]) for step in plan} | {id(s) for s in srcs if id(s) in self._watched}
        grads = {}
        for t, og in zip(targets, ogs):
            if id(t) in live:
                g = og if isinstance(og, Tensor) else Tensor(
                    np.ones_like(t._value) if og is None else
                    np.broadcast_to(np.asarray(og, t._value.dtype), t._value.shape).copy())
                grads[id(t)] = grads[id(t)] + g if id(t) in grads else g
        paused, self._paused = self._paused, True
        try:
            for op, inputs, out, attrs, needs, _ in plan:
                g = grads.get(id(out))
                if g is None:
                    continue
                if op.tensor_vjp is None:
                    raise NotImplementedError(
                        f"A gradient of a gradient (nested GradientTapes) through the op "
                        f"{op.name!r} is not supported: it has no second-order rule in "
                        f"tapeflow/ops/higher.py.")
                for t, need, gi in zip(inputs, needs, op.tensor_vjp(g, out, *inputs, **attrs)):
                    if gi is None or not need:
                        continue
                    gi = unbroadcast_tensor(gi, t._value.shape)
                    grads[id(t)] = grads[id(t)] + gi if id(t) in grads else gi
        finally:
            self._paused = paused
        return grads

    def __del__(self):
        if self in self._recorders:
            self._recorders.remove(self)


def backward_plan(entries, sources, targets, watched=None):
    """The one backward walk: which recorded calls to differentiate, last first.

    ``entries``: differentiable calls ``(op, inputs, output, attrs)`` in recorded order;
    ``sources`` / ``targets``: tensors (only ``watched`` sources, a dict by id, count
    when it is given). A call is kept when it lies on a path from a source to a target.
    Each step is ``(op, inputs, output, attrs, needs, bufs)``: ``needs`` says which
    inputs lead back to a source (the VJP may skip the others); ``bufs`` (for ops whose
    VJP takes ``into``, else None) gives per input the index of the source whose
    gradient buffer this call may fill: each buffer goes to the first call, in backward
    order, that can use it. :func:`run_plan` executes a plan on arrays, eagerly;
    :mod:`tapeflow.trace` turns the same plan into generated code.

    Example:
        >>> import tapeflow as tf
        >>> x = tf.Variable(2.0)
        >>> with tf.GradientTape() as tape:
        ...     y = x * x
        ...     z = y + 1.0
        >>> [step[0].name for step in backward_plan(tape._entries, [x], [z])]
        ['add', 'multiply']
    """
    reach = {id(s) for s in sources if watched is None or id(s) in watched}
    path = []
    for entry in entries:
        needs = tuple([id(t) in reach for t in entry[1]])
        if True in needs:
            reach.add(id(entry[2]))
            path.append((entry, needs))
    to_target = {id(t) for t in targets}
    plan, handed, index = [], set(), None
    for (op, inputs, out, attrs), needs in reversed(path):
        if id(out) not in to_target:
            continue
        for t, n in zip(inputs, needs):
            if n:
                to_target.add(id(t))
        bufs = None
        if op.wants_into:
            if index is None:
                index = {id(s): k for k, s in enumerate(sources)}
            bufs = tuple([_hand(index, handed, t) if n else None
                          for t, n in zip(inputs, needs)])
        plan.append((op, inputs, out, attrs, needs, bufs))
    return plan


def _hand(index, handed, tensor):
    """The source index of ``tensor`` if its buffer is still free (then taken), else None."""
    k = index.get(id(tensor))
    if k is None or k in handed:
        return None
    handed.add(k)
    return k


def seed_gradients(targets, ogs, live):
    """The starting gradients: ones (or the output gradient) for each target whose id is
    in ``live`` (an output of a plan step, or a watched source); summed when a target
    repeats."""
    grads = {}
    for t, og in zip(targets, ogs):
        if id(t) not in live:
            continue
        g = np.ones_like(t._value) if og is None else \
            np.broadcast_to(np.asarray(og, t._value.dtype), t._value.shape)
        grads[id(t)] = grads[id(t)] + g if id(t) in grads else g
    return grads


def run_plan(plan, grads, buffers=None):
    """Execute a :func:`backward_plan` on arrays: ``grads`` (by id) grows with every
    input's gradient; ``buffers`` (one array or None per source) are handed to VJPs
    that can write into them. Broadcasting is undone here, in one place."""
    for op, inputs, out, attrs, needs, bufs in plan:
        g = grads.get(id(out))
        if g is None:
            continue
        values = [t._value for t in inputs]
        if bufs is not None and buffers is not None:
            into = tuple(None if b is None else buffers[b] for b in bufs)
            in_grads = op.vjp(g, out._value, *values, needs=needs, into=into, **attrs)
        elif op.wants_needs or op.wants_into:
            in_grads = op.vjp(g, out._value, *values, needs=needs, **attrs)
        else:
            in_grads = op.vjp(g, out._value, *values, **attrs)
        for t, v, need, gi in zip(inputs, values, needs, in_grads):
            if gi is None or not need:
                continue
            if gi.shape != v.shape or gi.dtype is not v.dtype:
                gi = unbroadcast(gi, v.shape, v.dtype)  # the one place broadcasting is undone
            key = id(t)
            grads[key] = grads[key] + gi if key in grads else gi
    return grads


def stop_gradient(input, name=None):  # noqa: A002 - TensorFlow's argument name
    """Return ``input`` as a new tensor that no tape differentiates through."""
    value = input._value if isinstance(input, Tensor) else np.asarray(input)
    return Tensor(value)
