"""Trace a computation once, then replay it on new inputs without the Python around it.

A training step spends most of its time, for small models, in Python: layer calls,
argument checks, loss bookkeeping, the tape. ``Trace`` records every op call made
inside its block; :func:`build_program` turns the record into a flat :class:`Program`
(forward calls on slots of an environment list, and the VJPs of the calls that lead
from the variables to the loss), and ``Program.run`` replays it on new input arrays.
The ops, their forwards and their VJPs are the registry's, unchanged: a replay
computes the same numbers as the eager step, bit for bit.

It is the analogue of ``tf.function``: Python side effects run while tracing only.
A trace is refused (``Trace.escaped`` says why) when the code looked at a tensor's
value (``numpy()``, ``float()``, ``bool()``, ``np.asarray``) or assigned a Variable,
since a replay would not repeat that; and :func:`same_program` compares two traces of
consecutive steps, so that anything else that changes from step to step (a constant
computed from the batch in NumPy, a Python branch) keeps the step eager.

Example:
    >>> import numpy as np, tapeflow as tf
    >>> w = tf.Variable([[2.0], [1.0]])
    >>> x = tf.constant([[1.0, 1.0]])
    >>> with tf.GradientTape() as tape, Trace(tape) as trace:
    ...     loss = tf.reduce_sum(tf.square(x @ w))
    >>> program = build_program(trace, feeds=[x], variables=[w], loss=loss, outputs=[])
    >>> loss_value, _, grads = program.run([np.array([[1.0, 0.0]], np.float32)])
    >>> float(loss_value), grads[0].ravel().tolist()   # (2)^2, d/dw = 2 * 2 * [1, 0]
    (4.0, [4.0, 0.0])
"""
import keyword

import numpy as np

from tapeflow.ops.registry import STATE, unbroadcast
from tapeflow.tape import GradientEvent, backward_plan
from tapeflow.tensor import EFFECT_TRACES, Tensor, Variable

__all__ = ["Trace", "Program", "build_program", "same_program", "emit_backward",
           "slot_plan", "EFFECT", "GRADIENT"]


class Trace:
    """Record every op call (differentiable or not) made inside the ``with`` block.

    Args:
        tape: the GradientTape of the step, if any: calls made while it is paused
            (``stop_recording``) are replayed but not differentiated.
        effects: also record effects (see :func:`tapeflow.tensor.effect`) and
            ``GradientTape.gradient`` calls in ``calls``, as ``(EFFECT, fn, args, kwargs,
            result)`` and ``(GRADIENT, event)``; the record of ``tf.function``.
    """

    def __init__(self, tape=None, effects=False):
        self.calls = []        # (op, inputs, output, attrs, differentiable), or an event
        self.escaped = None    # why the record cannot be replayed, if it cannot
        self.effects = effects
        self._tape = tape

    def __enter__(self):
        self._state = STATE  # this thread's recorders: traces are thread-local
        STATE.recorders.append(self)
        STATE.traces.append(self)
        if self.effects:
            EFFECT_TRACES[0] += 1
        return self

    def __exit__(self, *exc):
        if self.effects and self in self._state.traces:
            EFFECT_TRACES[0] -= 1
        for stack in (self._state.recorders, self._state.traces):
            if self in stack:
                stack.remove(self)
        return False

    def _record(self, op, inputs, out, attrs):
        tape = self._tape
        diff = op.vjp is not None and not (tape is not None and tape._paused)
        self.calls.append((op, inputs, out, attrs, diff))

    def effect(self, fn, args, kwargs, result):
        """Record a call of an effect (only traces made with ``effects=True`` get it)."""
        self.calls.append((EFFECT, fn, args, kwargs, result))

    def gradient(self, event):
        """Record a ``GradientTape.gradient`` call: a :class:`GradientEvent`."""
        if self.effects:
            self.calls.append((GRADIENT, event))

    def escape(self, why):
        """Mark the record as not replayable (first reason wins)."""
        if self.escaped is None:
            self.escaped = why


EFFECT, GRADIENT = "effect", "gradient"  # the first item of an event in Trace.calls


class Program:
    """A traced step as flat lists: run the forwards, then the VJPs back to variables."""

    def __init__(self, template, feed_slots, reads, forward, backward, loss_slot,
                 output_slots, n_variables):
        self.template = template          # initial environment: constants, else None
        self.feed_slots = feed_slots      # slot of each feed array
        self.reads = reads                # (slot, Variable): read at the start of a run
        self.forward = forward            # (fn, input slots, output slot, attrs)
        self.backward = backward          # see build_program
        self.loss_slot = loss_slot
        self.output_slots = output_slots
        self.n_variables = n_variables
        self.source = None                # the generated replay function (see _compile)
        self._compiled = None

    def run(self, feeds, buffers=None):
        """Replay on ``feeds`` (arrays); returns ``(loss, outputs, gradients)``.

        ``gradients`` has one array (or None) per variable; ``buffers`` (one array or
        None per variable) are handed to VJPs that can write into them, as in
        ``GradientTape.gradient(..., buffers=)``.
        """
        if len(feeds) != len(self.feed_slots):
            raise ValueError(f"Program.run: expected {len(self.feed_slots)} feed arrays (one "
                             f"per feed given to build_program, in that order); got "
                             f"{len(feeds)}.")
        if self._compiled is None or self._compiled[0] is not buffers:
            self._compiled = (buffers, self._compile(buffers))
        return self._compiled[1](feeds)

    def _compile(self, buffers):
        """The replay as one Python function, its source kept in ``self.source``.

        Straight-line code (one statement per forward call, VJP and gradient sum, the
        slots as local variables) runs about twice as fast as a loop over the lists.
        The source holds only generated names, slot numbers and the ops' parameter
        names; the ops, attribute values, constants and buffers it uses are passed in
        its namespace, never printed into it. A replay sums gradients exactly as
        ``GradientTape.gradient`` does.
        """
        ns = {"np": np, "unbroadcast": unbroadcast}
        lines = ["def replay(feeds):"]
        put = lines.append
        put(f"    {', '.join(f's{i}' for i in self.feed_slots)}, = feeds"
            if self.feed_slots else "    pass")
        for slot, value in enumerate(self.template):
            if value is not None:
                ns[f"c{slot}"] = value
                put(f"    s{slot} = c{slot}")
        for k, (slot, var) in enumerate(self.reads):
            ns[f"r{k}"] = var
            put(f"    s{slot} = r{k}._value")
        for k, (fn, ins, out, attrs) in enumerate(self.forward):
            ns[f"f{k}"] = fn
            args = ", ".join([f"s{i}" for i in ins] + _keywords(ns, f"a{k}", attrs))
            put(f"    s{out} = f{k}({args})")
        loss = self.loss_slot
        put(f"    g{loss} = np.array(1, s{loss}.dtype) if s{loss}.ndim == 0 "
            f"else np.ones_like(s{loss})")
        emit_backward(put, ns, self.backward, {loss}, [s for s, _ in self.reads], buffers)
        outputs = ", ".join(f"s{i}" for i in self.output_slots)
        grads = ", ".join(f"g{slot}" for slot, _ in self.reads[:self.n_variables])
        put(f"    return s{loss}, [{outputs}], [{grads}]")
        self.source = "\n".join(lines) + "\n"
        exec(compile(self.source, "<tapeflow.trace replay>", "exec"), ns)  # noqa: S102
        return ns["replay"]


def emit_backward(put, ns, plan, seeded, sources, buffers=None, tag=""):
    """Emit the code of a backward plan (``_backward_plan``'s slot form) through ``put``.

    The gradient of slot ``i`` is the local ``g<tag><i>``: ``seeded`` slots are already
    set by the caller; every other gradient in the plan, and those of ``sources``, start
    as None. A replay sums gradients exactly as ``GradientTape.gradient`` does.
    """
    g = f"g{tag}"
    unset = sorted(({t for entry in plan for t in entry[3] if t >= 0} | set(sources)) -
                   set(seeded))
    if unset:
        put(f"    {' = '.join(f'{g}{s}' for s in unset)} = None")
    seen = set(seeded)
    for k, (vjp, out, ins, targets, needs, bufs, attrs) in enumerate(plan):
        kwargs = dict(attrs)
        if needs is not None:
            kwargs["needs"] = needs
        if bufs is not None:
            kwargs["into"] = tuple(None if b is None or buffers is None else buffers[b]
                                   for b in bufs)
        ns[f"v{tag}{k}"] = vjp
        args = ", ".join([f"{g}{out}", f"s{out}"] + [f"s{i}" for i in ins] +
                         _keywords(ns, f"k{tag}{k}", kwargs))
        put(f"    if {g}{out} is not None:")
        put(f"        t = v{tag}{k}({args})")
        for j, slot in enumerate(targets):
            if slot < 0:
                continue
            put(f"        x = t[{j}]")
            put(f"        if x is not None and (x.shape != s{slot}.shape or "
                f"x.dtype is not s{slot}.dtype):")
            put(f"            x = unbroadcast(x, s{slot}.shape, s{slot}.dtype)")
            if slot in seen:
                put("        if x is not None:")
                put(f"            {g}{slot} = x if {g}{slot} is None else {g}{slot} + x")
            else:
                put(f"        {g}{slot} = x")
                seen.add(slot)


def _keywords(ns, prefix, attrs):
    """``["name=<prefix>_<i>", ...]`` for a call's attributes, their values put in ``ns``.
    Named keywords cost a third of a ``**dict`` (which is copied at every call); the
    names are the op's own parameter names, checked to be identifiers, not keywords."""
    if any(not key.isidentifier() or keyword.iskeyword(key) for key in attrs):
        ns[prefix] = attrs
        return [f"**{prefix}"]
    out = []
    for i, (key, value) in enumerate(attrs.items()):
        ns[f"{prefix}_{i}"] = value
        out.append(f"{key}={prefix}_{i}")
    return out


def build_program(trace, feeds, variables, loss, outputs):
    """A :class:`Program` from ``trace``, or None if its record cannot be replayed.

    ``feeds``: the Tensors that change from run to run (the batch), in ``run``'s order;
    ``variables``: the Variables to differentiate (the first ``reads``, in this order);
    ``loss``: the scalar Tensor to differentiate; ``outputs``: Tensors to return too.
    """
    for what, items, kind in (("feeds", feeds, Tensor), ("variables", variables, Variable),
                              ("outputs", outputs, Tensor), ("loss", [loss], Tensor)):
        bad = next((t for t in items if not isinstance(t, kind)), None)
        if bad is not None:
            raise TypeError(f"build_program: {what} must be tf.{kind.__name__} objects (the "
                            f"ones used inside the Trace); got {type(bad).__name__} "
                            f"{bad!r:.60}.")
    if trace.escaped is not None:
        return None
    slots, template, feed_slots, reads, forward, made = {}, [], [], [], [], []
    by_array = {}

    def new_slot(tensor, value=None):
        slots[id(tensor)] = len(template)
        template.append(value)
        return len(template) - 1

    if len({id(f) for f in feeds} | {id(f._value) for f in feeds}) != 2 * len(feeds):
        return None  # two feeds share a tensor or an array: later batches may not
    for f in feeds:
        feed_slots.append(new_slot(f))
        by_array[id(f._value)] = feed_slots[-1]
    for v in variables:
        if id(v) not in slots:
            reads.append((new_slot(v), v))
    n_variables = len(reads)
    if n_variables != len(variables):
        return None
    keep = []  # the traced tensors stay alive, so that their ids stay unique
    for op, inputs, out, attrs, diff in trace.calls:
        ins = []
        for t in inputs:
            slot = slots.get(id(t))
            if slot is None and id(t._value) in by_array:
                slot = slots[id(t)] = by_array[id(t._value)]  # a feed re-wrapped
            if slot is None:
                slot = new_slot(t, None if isinstance(t, Variable) else t._value)
                if isinstance(t, Variable):
                    reads.append((slot, t))
            ins.append(slot)
            keep.append(t)
        made.append((op, ins, new_slot(out), attrs, diff, out, inputs))
        keep.append(out)
    if id(loss) not in slots or any(id(o) not in slots for o in outputs):
        return None
    loss_slot = slots[id(loss)]
    output_slots = [slots[id(o)] for o in outputs]
    # Forward: only the calls that the loss or an output depends on.
    wanted = {loss_slot, *output_slots}
    live = []
    for entry in reversed(made):
        if entry[2] in wanted or entry[0].stateful:
            wanted.update(entry[1])
            live.append(entry)
    live.reverse()
    forward = [(op.forward, tuple(ins), out, attrs) for op, ins, out, attrs, _, _, _ in live]
    backward = _backward_plan([(op, inputs, out, attrs, diff) for
                               op, _, _, attrs, diff, out, inputs in live],
                              slots, [v for _, v in reads[:n_variables]], loss)
    program = Program(template, feed_slots, reads, forward, backward, loss_slot,
                      output_slots, n_variables)
    program._keep = keep
    return program


def _backward_plan(live, slots, variables, loss):
    """The tape's :func:`tapeflow.tape.backward_plan` of the live calls, on slots.

    Each step becomes ``(vjp, out, ins, targets, needs, bufs, attrs)``: ``targets``
    repeats ``ins`` with -1 for the inputs that do not lead back to a variable (their
    gradient is dropped); ``needs`` is given to VJPs that take it; ``bufs`` (for VJPs
    that take ``into``) names, per input, the variable whose gradient buffer the call
    may fill.
    """
    entries = [(op, inputs, out, attrs) for op, inputs, out, attrs, diff in live
               if diff and out._value.dtype.kind == "f"]
    return slot_plan(backward_plan(entries, variables, [loss]), slots)


def slot_plan(plan, slots):
    """A tape's plan with slots (``slots``: tensor id -> slot) in place of tensors."""
    out_plan = []
    for op, inputs, out, attrs, needs, bufs in plan:
        ins = tuple(slots[id(t)] for t in inputs)
        targets = tuple(i if n else -1 for i, n in zip(ins, needs))
        out_plan.append((op.vjp, slots[id(out)], ins, targets,
                         needs if (op.wants_needs or op.wants_into) else None, bufs, attrs))
    return out_plan


def same_program(a, b):
    """True if two programs (two consecutive steps' traces) do the same computation.

    Constants must be the same objects in both, or equal scalars: a constant that
    differs between two steps was computed from the data outside the ops.
    """
    if a is None or b is None:
        return False
    if (a.feed_slots, a.loss_slot, a.output_slots, a.n_variables) != \
            (b.feed_slots, b.loss_slot, b.output_slots, b.n_variables):
        return False
    if not same_reads_and_constants(a, b) or len(a.forward) != len(b.forward):
        return False
    for (fa, ia, oa, ta), (fb, ib, ob, tb) in zip(a.forward, b.forward):
        if fa is not fb or ia != ib or oa != ob or not _same_attrs(ta, tb):
            return False
    return True


def same_reads_and_constants(a, b):
    """Two programs read the same Variables into the same slots, and their constants are
    the same objects or equal scalars."""
    if len(a.reads) != len(b.reads) or any(
            sa != sb or va is not vb for (sa, va), (sb, vb) in zip(a.reads, b.reads)):
        return False
    if len(a.template) != len(b.template):
        return False
    for ca, cb in zip(a.template, b.template):
        if ca is not cb and (ca is None or cb is None or not _same_scalar(ca, cb)):
            return False
    return True


def _same_scalar(x, y):
    x, y = np.asarray(x), np.asarray(y)
    return x.ndim == 0 and y.ndim == 0 and x.dtype == y.dtype and \
        (x == y or (x != x and y != y))


def _same_attrs(a, b):
    if a.keys() != b.keys():
        return False
    return all(_same_value(a[k], b[k]) for k in a)


def _same_value(x, y):
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return x is y  # an index or mask array: equal by chance in two steps is not enough
    if isinstance(x, (tuple, list)) and isinstance(y, (tuple, list)):
        return type(x) is type(y) and len(x) == len(y) and \
            all(_same_value(p, q) for p, q in zip(x, y))
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return x is y
    try:
        return type(x) is type(y) and bool(x == y)
    except (TypeError, ValueError):
        return x is y
