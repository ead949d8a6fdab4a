"""``tf.custom_gradient``'s op: a user function whose gradient is the user's ``grad_fn``.

The op ``custom_gradient`` takes the function's tensor arguments (and the Variables it
reads) as inputs. Its forward runs the user's ``f`` with recording suspended, so the
tape and a ``tf.function`` trace see one call of this op, not ``f``'s inner ops; its
VJP calls the ``grad_fn`` that ``f`` returned. A ``tf.function`` replay runs the
forward again on the new inputs, so ``grad_fn`` always closes over the current
call's tensors. Eagerly, tapes also record ``f``'s ops (off the path to ``y``), so
that under nested tapes an outer tape can differentiate ``grad_fn`` itself. The public decorator is :func:`tapeflow.custom_grad.custom_gradient`.

Example:
    >>> import tapeflow as tf
    >>> def f(x):
    ...     return x * x, lambda dy: dy * 10.0
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = custom_call(CustomFunction(f, 1), [x])
    >>> float(y), float(tape.gradient(y, x))
    (9.0, 10.0)
"""
import contextlib
import functools
import inspect

import numpy as np

from tapeflow.ops.convert import to_tensor
from tapeflow.ops.registry import STATE, primitive
from tapeflow.tensor import Tensor, Variable

__all__ = ["CustomFunction", "custom_call", "custom_gradient", "suspended"]


@contextlib.contextmanager
def suspended():
    """No tape or trace records in this block (the user's ``f`` and ``grad_fn`` run
    as plain code inside one recorded op)."""
    saved = STATE.recorders[:]
    STATE.recorders[:] = []
    try:
        yield
    finally:
        STATE.recorders[:] = saved


class CustomFunction:
    """The user's ``f`` with the ``grad_fn`` of its latest run (an op attribute).

    Two are equal when they wrap the same function with the same number of tensor
    arguments, so two traces of a ``tf.function`` calling it compare equal.
    """

    def __init__(self, fn, n_args, kwargs=None):
        self.fn, self.n_args, self.kwargs = fn, n_args, dict(kwargs or {})
        self.pending = None     # (y, grad_fn) of the eager run, used by the next forward
        self.grad_fn = None
        self.variables = ()

    def __eq__(self, other):
        return isinstance(other, CustomFunction) and other.fn is self.fn and \
            other.n_args == self.n_args and other.kwargs == self.kwargs

    def __hash__(self):
        return hash((id(self.fn), self.n_args))

    def run(self, args):
        """Call ``fn(*args)``; check and return ``(y, grad_fn)``."""
        result = self.fn(*args, **self.kwargs)
        name = getattr(self.fn, "__name__", "f")
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and
                callable(result[1])):
            raise TypeError(
                f"tf.custom_gradient: expected {name}() to return (y, grad_fn), a tensor and "
                f"a function of the upstream gradient; got {type(result).__name__}. "
                f"Return both: `return y, grad`.")
        y = result[0]
        if not isinstance(y, Tensor):
            raise TypeError(
                f"tf.custom_gradient: expected {name}() to return one tensor y; got "
                f"{type(y).__name__}. Return a single tf.Tensor (tapeflow supports one "
                f"output per custom-gradient function).")
        return y, result[1]

    def gradients(self, upstream):
        """``grad_fn(upstream)`` as one gradient per op input (arguments, variables)."""
        if self.variables:
            got = self.grad_fn(upstream, variables=list(self.variables))
            if not (isinstance(got, (tuple, list)) and len(got) == 2):
                raise TypeError("tf.custom_gradient: with variables, grad_fn must return "
                                "(input gradients, variable gradients); got "
                                f"{type(got).__name__}.")
            return _as_list(got[0], self.n_args) + _as_list(got[1], len(self.variables))
        return _as_list(self.grad_fn(upstream), self.n_args)


def _as_list(grads, n):
    grads = [grads] if isinstance(grads, Tensor) or grads is None or \
        np.ndim(grads) == 0 and not isinstance(grads, (list, tuple)) else list(grads)
    if len(grads) != n:
        raise ValueError(f"tf.custom_gradient: grad_fn returned {len(grads)} gradient(s); "
                         f"expected {n}, one per input (None for no gradient).")
    return grads


@primitive("custom_gradient")
def _custom_forward(*arrays, fn):
    if fn.pending is not None:          # the eager call already ran f
        y, fn.grad_fn = fn.pending
        fn.pending = None
        return y._value
    with suspended():                   # a tf.function replay: run f on the new inputs
        y, fn.grad_fn = fn.run([Tensor(a) for a in arrays[:fn.n_args]])
    return y._value


def _custom_tensor_vjp(g, out, *inputs, fn):
    """The VJP for nested tapes: grad_fn runs recorded, so an outer tape differentiates it."""
    return tuple(d if d is None or isinstance(d, Tensor) else to_tensor(d)
                 for d in fn.gradients(g))


_custom_forward.tensor_vjp = _custom_tensor_vjp


@_custom_forward.defvjp
def _custom_vjp(g, out, *arrays, fn):
    with suspended():
        grads = fn.gradients(Tensor(g))
    return tuple(None if d is None else
                 np.broadcast_to(np.asarray(d._value if isinstance(d, Tensor) else d,
                                            a.dtype), a.shape)
                 for d, a in zip(grads, arrays))


class _VariableReads:
    """A recorder that only notes the trainable Variables ``f``'s ops read."""

    def __init__(self):
        self.found = {}

    def _record(self, op, inputs, out, attrs):
        for t in inputs:
            if isinstance(t, Variable) and t.trainable:
                self.found.setdefault(id(t), t)


def custom_call(fn, args):
    """Run ``fn`` (a :class:`CustomFunction`) on tensors ``args`` as one recorded op."""
    reads = _VariableReads()
    saved = STATE.recorders[:]
    # tapes still see f's ops (an outer tape differentiating grad_fn needs how its
    # closure depends on x); traces do not: they replay this op, which reruns f
    STATE.recorders[:] = [r for r in saved if r not in STATE.traces] + [reads]
    try:
        fn.pending = fn.run(args)
    finally:
        STATE.recorders[:] = saved
    passed = {id(a) for a in args}                       # arguments are inputs already
    fn.variables = tuple(v for v in reads.found.values() if id(v) not in passed)
    if fn.variables and "variables" not in _parameters(fn.pending[1]):
        name = getattr(fn.fn, "__name__", "f")
        raise TypeError(
            f"tf.custom_gradient: {name}() reads Variables "
            f"({', '.join(v.name for v in fn.variables)}), so its grad_fn must accept "
            f"`variables=` and return (input gradients, variable gradients); its grad_fn "
            f"takes {sorted(_parameters(fn.pending[1]))}. Define grad(upstream, "
            f"variables=None).")
    return _custom_forward(*args, *fn.variables, fn=fn)


def _parameters(func):
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return set()
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return set(params) | {"variables"}
    return set(params)


def custom_gradient(f=None):
    """Decorator: ``f(*x)`` returns ``(y, grad_fn)``; tapes differentiate ``y`` with
    ``grad_fn(upstream)`` instead of through ``f``'s ops (``tf.custom_gradient``).

    If ``f`` reads trainable Variables, ``grad_fn(upstream, variables=None)`` returns
    ``(gradients for x, gradients for variables)``. Works under ``GradientTape`` and in
    ``tf.function`` (a replay reruns ``f`` on the new inputs) and under nested tapes
    (an outer tape differentiates ``grad_fn``'s ops).

    Example:
        >>> import tapeflow as tf
        >>> @tf.custom_gradient
        ... def log1pexp(x):
        ...     e = tf.exp(x)
        ...     def grad(upstream):
        ...         return upstream * (1 - 1 / (1 + e))
        ...     return tf.math.log(1 + e), grad
        >>> x = tf.constant(100.0)
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = log1pexp(x)
        >>> float(tape.gradient(y, x))
        1.0
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        tensors = [to_tensor(a) for a in args]
        return custom_call(CustomFunction(f, len(tensors), kwargs), tensors)
    return wrapper
