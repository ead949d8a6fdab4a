"""The recording state of a thread and the two hooks the core offers above it.

``STATE`` holds the GradientTapes and Traces recording in this thread (TensorFlow keeps
its tapes per thread); :func:`value_read` tells the recording Traces that Python looked
at a value; :func:`effect` marks a method with side effects (an optimizer update, a
metric update) so that ``tf.function`` replays it. ``tapeflow.tensor`` re-exports them.

Example:
    >>> calls = []
    >>> class Counter:
    ...     @effect
    ...     def bump(self):
    ...         calls.append(1)
    >>> Counter().bump(); len(calls), len(STATE.recorders)
    (1, 0)
"""
import functools
import threading

__all__ = ["STATE", "value_read", "effect", "EFFECT_TRACES"]


class _ThreadState(threading.local):
    """What records in this thread, as TensorFlow keeps its tapes per thread.

    ``recorders``: the GradientTapes and Traces recording now, innermost last (each op
    call is handed to every one); ``traces``: the Traces among them (tapeflow.trace);
    ``no_new_variables``: a tf.function is tracing a call after its first one.
    """

    def __init__(self):
        self.recorders = []
        self.traces = []
        self.no_new_variables = False


STATE = _ThreadState()
_SINGLETON = ("tf.function only supports singleton tf.Variables created on the first call. "
              "Make sure the tf.Variable is only created once or created outside tf.function "
              "(for example create it in __init__, or only `if self.v is None`).")


def value_read(why):
    """The one observer of "Python looked at a tensor's value (or changed state)".

    Every recording Trace (tapeflow.trace) of this thread is told ``why``: a replay would
    not repeat what Python did with the value, so the trace is not replayable. Code
    above the core calls it as ``tapeflow.ops.registry.value_read``.
    """
    for trace in STATE.traces:
        trace.escape(why)


EFFECT_TRACES = [0]  # how many Traces that record effects are open, in all threads


def effect(method):
    """Decorator: ``method`` is a Python step with side effects (an optimizer update, a
    metric update, a Variable assignment, ``tf.print``).

    Outside a trace it is just called. A Trace that replays effects (the one of
    ``tf.function``) records the call, with its tensor arguments and results, and runs
    it with tracing suspended, so that a replay calls it again with the new values; any
    other Trace sees the method run as plain code (an assignment then marks it as not
    replayable, as before).
    """
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        if not EFFECT_TRACES[0]:  # no tf.function traces anywhere: the common case
            return method(*args, **kwargs)
        traces = STATE.traces
        if not any(t.effects for t in traces):
            return method(*args, **kwargs)
        args = tuple(list(a) if _is_iterator(a) else a for a in args)  # zip(grads, vars)
        recording = [t for t in traces if t.effects]
        saved = STATE.recorders[:], traces[:]
        STATE.recorders[:] = [r for r in saved[0] if r not in recording]
        traces[:] = [t for t in traces if not t.effects]
        try:
            result = method(*args, **kwargs)
        finally:
            STATE.recorders[:], traces[:] = saved
        for trace in recording:
            trace.effect(method, args, kwargs, result)
        return result
    wrapper.effect_of = method
    return wrapper


def _is_iterator(x):
    return hasattr(x, "__next__")  # zip/map/generator objects; tensors and arrays are not
