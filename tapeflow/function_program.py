"""The program of a ``tf.function`` trace: ops, gradient calls and effects, in order.

:func:`build_function_program` turns a :class:`tapeflow.trace.Trace` recorded with
``effects=True`` into one generated Python function: a slot (local variable) per
tensor, one statement per forward call, the VJPs of each ``GradientTape.gradient``
call from the tape's own plan (the code :func:`tapeflow.trace.emit_backward` writes for
``fit`` too), and one call per effect (an optimizer update, a metric update, an
assignment) with tensors rebuilt from the slots. :func:`same_function_program`
compares two traces of consecutive calls, so that anything that changes from call to
call outside the ops keeps the function eager.

Example:
    >>> import tapeflow as tf
    >>> from tapeflow.trace import Trace
    >>> x = tf.constant([1.0, 2.0])
    >>> with Trace(effects=True) as trace:
    ...     y = tf.square(x) + 1.0
    >>> program = build_function_program(trace, [x], y)
    >>> program.run([np.array([3.0, 4.0], np.float32)]).numpy()
    array([10., 17.], dtype=float32)
"""
import numpy as np

from tapeflow.ops.registry import unbroadcast
from tapeflow.tape import flatten, pack_like
from tapeflow.tensor import Tensor, Variable
from tapeflow.trace import (EFFECT, GRADIENT, _keywords, _same_value, emit_backward,
                            same_reads_and_constants, slot_plan)

__all__ = ["FunctionProgram", "build_function_program", "same_function_program",
           "structure_of"]


class FunctionProgram:
    """A replayable ``tf.function`` call: ``run(feed arrays)`` returns the result."""

    def __init__(self, builder, replay, result, out_positions):
        self.template, self.reads, self.feed_slots = \
            builder.template, builder.reads, builder.feed_slots
        self.steps = builder.steps
        self.source = builder.source
        self._replay = replay
        self._keep = builder.keep
        self._result = result
        self._leaves = flatten(result)
        self._positions = out_positions
        self._single = result.__class__ is Tensor

    def run(self, feeds):
        """Replay on new feed arrays; the result has the traced result's structure."""
        arrays = self._replay(feeds)
        if self._single:
            return Tensor(arrays[0])
        leaves = list(self._leaves)
        for position, array in zip(self._positions, arrays):
            leaves[position] = Tensor(array)
        return pack_like(self._result, leaves)


class _EffectCall:
    """An effect of the trace, called again with tensors rebuilt from slot arrays.

    The arguments are rebuilt by one generated lambda (constants and ``Tensor(array)``
    in the recorded structure), not by walking the structure at every call.
    """

    __slots__ = ("call", "out_positions")

    def __init__(self, fn, structure, leaves, positions, out_positions):
        self.call = _rebuilder(fn, structure, leaves, positions)
        self.out_positions = out_positions

    def __call__(self, *arrays):
        result = self.call(*arrays)
        if not self.out_positions:
            return ()
        flat = flatten(result)
        return [flat[p]._value for p in self.out_positions]


def _rebuilder(fn, structure, leaves, positions):
    """``lambda a0, a1, ...: fn(*args, **kwargs)`` with ``(args, kwargs) = structure``
    rebuilt from the recorded ``leaves`` (constants) and ``Tensor(a<j>)`` at the tensor
    ``positions``, walking the structure in :func:`tapeflow.tape.flatten`'s order."""
    ns, slot_of = {"fn": fn, "T": Tensor}, {p: j for j, p in enumerate(positions)}
    counter = iter(range(len(leaves)))

    def constant(value):
        name = f"c{len(ns)}"
        ns[name] = value
        return name

    def code(s):
        if isinstance(s, dict):
            return "{" + ", ".join(f"{constant(k)}: {code(s[k])}" for k in sorted(s)) + "}"
        if isinstance(s, (list, tuple)):
            items = ", ".join(code(x) for x in s)
            if type(s) is list:
                return f"[{items}]"
            if type(s) is tuple:
                return f"({items}{',' if s else ''})"
            return f"{constant(type(s))}({items})" if hasattr(s, "_fields") else \
                f"{constant(type(s))}([{items}])"
        i = next(counter)
        return f"T(a{slot_of[i]})" if i in slot_of else constant(leaves[i])

    args, kwargs = structure
    source = f"lambda {', '.join(f'a{j}' for j in range(len(positions)))}: " \
             f"fn(*{code(tuple(args))}, **{code(kwargs)})"
    return eval(compile(source, "<tapeflow.function effect>", "eval"), ns)  # noqa: S307


class _Builder:
    """Slots, constants and code lines, filled event by event."""

    def __init__(self, feeds):
        self.slots, self.template, self.reads, self.keep = {}, [], [], []
        self.by_array, self.steps, self.code, self.ns = {}, [], [], {
            "np": np, "unbroadcast": unbroadcast}
        self.feed_slots = [self.new(f) for f in feeds]
        for f, slot in zip(feeds, self.feed_slots):
            self.by_array[id(f._value)] = slot
        self.source = None

    def new(self, tensor, value=None):
        self.slots[id(tensor)] = len(self.template)
        self.template.append(value)
        self.keep.append(tensor)
        return len(self.template) - 1

    def slot(self, tensor):
        """The slot of an input: made by an event, a feed, a Variable read or a constant."""
        slot = self.slots.get(id(tensor))
        if slot is None and id(tensor._value) in self.by_array:
            slot = self.slots[id(tensor)] = self.by_array[id(tensor._value)]
        if slot is None:
            if isinstance(tensor, Variable):
                slot = self.new(tensor)
                self.reads.append((slot, tensor))
            else:
                slot = self.new(tensor, tensor._value)
        return slot


def build_function_program(trace, feeds, result):
    """A :class:`FunctionProgram` from ``trace`` (made with ``effects=True``), or None.

    ``feeds``: the tensor arguments, in ``run``'s order; ``result``: what the traced
    call returned (tensors in it come back from ``run`` as new values).
    """
    if trace.escaped is not None:
        return None
    b = _Builder(feeds)
    returned = {id(t) for t in flatten(result)}
    for k, call in enumerate(trace.calls):
        if call[0] == EFFECT:
            _effect(b, k, *call[1:])
        elif call[0] == GRADIENT:
            if not _gradient(b, k, call[1], returned):
                return None
        else:
            _op(b, k, *call)
    leaves = flatten(result)
    positions = [i for i, t in enumerate(leaves) if t.__class__ is Tensor]
    outs = [b.slot(leaves[i]) for i in positions]
    b.steps.append(("result", structure_of(result), tuple(
        None if i in positions else leaves[i] for i in range(len(leaves))), tuple(outs)))
    replay = _compile(b, outs)
    return FunctionProgram(b, replay, result, positions)


def _op(b, k, op, inputs, out, attrs, diff):
    ins = tuple(b.slot(t) for t in inputs)
    slot = b.new(out)
    b.ns[f"f{k}"] = op.forward
    args = ", ".join([f"s{i}" for i in ins] + _keywords(b.ns, f"a{k}", attrs))
    b.code.append((f"    s{slot} = f{k}({args})", ins, (slot,), op.stateful))
    b.steps.append(("op", op.forward, ins, slot, tuple(attrs.items())))


def _effect(b, k, fn, args, kwargs, result):
    structure = (args, kwargs)
    leaves = flatten(structure)
    positions = [i for i, t in enumerate(leaves) if t.__class__ is Tensor]
    ins = tuple(b.slot(leaves[i]) for i in positions)
    constants = [None if i in positions else t for i, t in enumerate(leaves)]
    results = flatten(result)
    out_positions = [i for i, t in enumerate(results) if t.__class__ is Tensor]
    outs = tuple(b.new(results[i]) for i in out_positions)
    b.ns[f"e{k}"] = _EffectCall(fn, structure, constants, positions, out_positions)
    line = f"    e{k}({', '.join(f's{i}' for i in ins)})"
    if outs:
        line = f"    {', '.join(f's{o}' for o in outs)}, = {line.strip()}"
    b.code.append((line, ins, outs, True))
    b.steps.append(("effect", fn, structure_of(structure), tuple(constants), ins, outs))


def _gradient(b, k, event, returned):
    """The code of one GradientTape.gradient call; False if the tape recorded ops
    outside the trace (then the call cannot be replayed).

    Gradients that the function does not return (those handed to
    ``optimizer.apply_gradients`` inside it) are written into buffers the program owns,
    as ``fit`` does: a fresh kernel-sized array per call costs page faults.
    """
    for step in event.plan:
        if any(id(t) not in b.slots for t in step[1]) or id(step[2]) not in b.slots:
            return False  # the tape recorded ops before the traced call began
    plan = slot_plan(event.plan, b.slots)
    tag = f"_{k}_"
    lines, used = [], set()
    put = lines.append
    seeds = []
    for t, og in zip(event.targets, event.ogs):
        if id(t) not in event.live:
            continue
        ts = b.slot(t)
        ogs = None if og is None else b.slot(og if isinstance(og, Tensor) else Tensor(
            np.asarray(og, t._value.dtype)))
        seed = f"np.ones_like(s{ts})" if ogs is None else \
            f"np.broadcast_to(np.asarray(s{ogs}, s{ts}.dtype), s{ts}.shape)"
        put(f"    g{tag}{ts} = g{tag}{ts} + {seed}" if ts in [s for s, _ in seeds]
            else f"    g{tag}{ts} = {seed}")
        seeds.append((ts, ogs))
        used.update((ts,) if ogs is None else (ts, ogs))
    sources = [b.slot(s) for s in event.sources]
    buffers = None
    if not any(id(r) in returned for r in event.results if r is not None):
        buffers = [np.empty_like(s._value) if s._value.dtype.kind == "f" else None
                   for s in event.sources]
    emit_backward(put, b.ns, plan, [s for s, _ in seeds], sources, buffers, tag=tag)
    outs = []
    for src, result in zip(sources, event.results):
        if result is None:
            continue
        slot = b.new(result)
        outs.append(slot)
        put(f"    s{slot} = g{tag}{src}")
        if event.zero:
            put(f"    if s{slot} is None: s{slot} = np.zeros_like(s{src})")
        else:
            put(f"    if s{slot} is None: raise RuntimeError('a gradient became None')")
    for _, _, out, ins, _, _, _ in plan:
        used.update(ins)
        used.add(out)
    used.update(sources)
    b.code.append(("\n".join(lines), tuple(used), tuple(outs), False))
    b.steps.append(("gradient", tuple((v, o, i, t, n, f, tuple(a.items()))
                                      for v, o, i, t, n, f, a in plan),
                    tuple(seeds), tuple(sources), tuple(outs), event.zero))
    return True


def _compile(b, outs):
    """The replay function: the live code lines (those that an output, an effect or a
    stateful op depends on), one after the other."""
    wanted, live = set(outs), []
    for line, ins, made, always in reversed(b.code):
        if always or wanted.intersection(made):
            wanted.update(ins)
            live.append(line)
    live.reverse()
    lines = ["def replay(feeds):"]
    if b.feed_slots:
        lines.append(f"    {', '.join(f's{i}' for i in b.feed_slots)}, = feeds")
    for slot, value in enumerate(b.template):
        if value is not None and slot in wanted:
            b.ns[f"c{slot}"] = value
            lines.append(f"    s{slot} = c{slot}")
    for k, (slot, var) in enumerate(b.reads):
        b.ns[f"r{k}"] = var
        lines.append(f"    s{slot} = r{k}._value")
    lines += live
    lines.append(f"    return [{', '.join(f's{o}' for o in outs)}]")
    b.source = "\n".join(lines) + "\n"
    exec(compile(b.source, "<tapeflow.function replay>", "exec"), b.ns)  # noqa: S102
    return b.ns["replay"]


def structure_of(structure):
    """A hashable description of a nested list/tuple/dict structure (leaves are 0)."""
    if isinstance(structure, dict):
        return ("dict",) + tuple((k, structure_of(structure[k])) for k in sorted(structure))
    if isinstance(structure, (list, tuple)):
        return (type(structure).__name__,) + tuple(structure_of(x) for x in structure)
    return 0


def same_function_program(a, b):
    """True if two programs (traces of two consecutive calls) compute the same thing:
    the same steps on the same slots, the same effects on the same objects, the same
    variables, and constants that are the same objects or equal scalars."""
    if a is None or b is None or a.feed_slots != b.feed_slots:
        return False
    if not same_reads_and_constants(a, b) or len(a.steps) != len(b.steps):
        return False
    return all(_same_value(x, y) for x, y in zip(a.steps, b.steps))
