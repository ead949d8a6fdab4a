"""The one gradient registry: every differentiable op is a NumPy forward plus a VJP.

An op is declared once, its gradient rule directly below it::

    @primitive("exp")
    def exp(x):
        return np.exp(x)

    @exp.defvjp
    def _exp_vjp(g, out, x):
        return (g * out,)

A VJP receives the upstream gradient ``g``, the forward output ``out``, the forward
inputs and attributes, and returns one gradient (or ``None``) per input. It ignores
broadcasting: the tape sums each gradient back to its input's shape in one place,
:func:`unbroadcast`. A rule that can skip work for inputs that need no gradient
may declare a ``needs`` keyword (a tuple of booleans, one per input); a rule that
can write a gradient into a caller's buffer may declare ``into`` (a tuple with an
array or None per input; see ``GradientTape.gradient(..., buffers=)``).

Recording: while a :class:`tapeflow.GradientTape` (or a :class:`tapeflow.trace.Trace`)
is active it sits in ``STATE.recorders`` (per thread, as TensorFlow's tapes are); each
op call hands ``(op, inputs, output, attrs)`` to every active recorder. A tape keeps
references (never copies) to differentiable calls with a watched input.

Observing: code that looks at a tensor's value in Python (``numpy()``, ``float()``,
a NumPy constant computed from a batch) calls :func:`value_read`, the one observer
through which a recording Trace learns that it cannot be replayed, and why.
"""
import inspect

import numpy as np

from tapeflow.tensor import STATE, Tensor, value_read

__all__ = ["Op", "primitive", "REGISTRY", "STATE", "value_read", "unbroadcast"]

REGISTRY = {}


class Op:
    """One primitive: ``forward`` on NumPy arrays and, if differentiable, its ``vjp``."""

    __slots__ = ("name", "forward", "vjp", "wants_needs", "wants_into", "doc", "stateful",
                 "tensor_vjp")

    def __init__(self, name, forward):
        self.name = name
        self.forward = forward
        self.stateful = False  # True for ops with side effects (random draws)
        self.vjp = None
        self.tensor_vjp = None  # the VJP written with ops, for nested tapes (ops/higher.py)
        self.wants_needs = False
        self.wants_into = False
        self.doc = forward.__doc__

    def defvjp(self, rule):
        """Register ``rule(g, out, *inputs, **attrs) -> gradients`` for this op."""
        self.vjp = rule
        params = inspect.signature(rule).parameters
        self.wants_needs = "needs" in params
        self.wants_into = "into" in params
        return rule

    def __call__(self, *inputs, **attrs):
        """Run the forward on tensors' values and record the call on active tapes."""
        try:
            out = Tensor(self.forward(*[t._value for t in inputs], **attrs))
        except (ValueError, IndexError) as err:
            if str(err).startswith(self.name + ":"):
                raise
            shapes = ", ".join(str(tuple(t._value.shape)) for t in inputs)
            raise type(err)(f"{self.name}: {err} (input shapes: {shapes})") from None
        recorders = STATE.recorders
        if recorders:  # tapes keep differentiable calls; a tapeflow.trace.Trace keeps all
            for recorder in recorders:
                recorder._record(self, inputs, out, attrs)
        return out

    def __repr__(self):
        return f"<op {self.name}>"


def primitive(name):
    """Decorator: register a NumPy forward under ``name``; add the VJP with ``.defvjp``."""
    def deco(forward):
        if name in REGISTRY:
            raise ValueError(f"op {name!r} is registered twice")
        op = Op(name, forward)
        REGISTRY[name] = op
        return op
    return deco


def unbroadcast(grad, shape, dtype):
    """Sum ``grad`` over the axes that broadcasting added or stretched to reach ``shape``.

    Example:
        >>> unbroadcast(np.ones((3, 4)), (3, 1), np.float32).tolist()
        [[4.0], [4.0], [4.0]]
    """
    if grad.shape != shape:
        extra = grad.ndim - len(shape)
        if extra > 0:
            grad = grad.sum(axis=tuple(range(extra)))
        axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        if axes:
            grad = grad.sum(axis=axes, keepdims=True)
        if grad.shape != shape:
            raise AssertionError(f"gradient of shape {grad.shape} does not reduce to the "
                                 f"input shape {shape}")
    if grad.dtype != dtype:
        grad = np.asarray(grad, dtype=dtype)
    return grad
