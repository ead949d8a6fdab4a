"""The train function of ``fit`` / ``train_on_batch``: the default step, traced and replayed.

Keras compiles its train step (``tf.function``, ``jax.jit``); tapeflow traces it. For
each batch signature (structure, shapes and dtypes of ``x``, ``y``, ``sample_weight``)
two consecutive steps run eagerly under a :class:`tapeflow.trace.Trace`; if both
records are the same computation, later steps replay the :class:`tapeflow.trace.Program`
(forward ops, loss, VJPs into the gradient buffers) and skip the layer calls, argument
checks and tape bookkeeping around them. Loss tracking, the optimizer update and the
metrics then run exactly as in :meth:`Trainer.train_step`. A replay gives the same
numbers as the eager step, bit for bit.

The step stays eager (as with ``compile(run_eagerly=True)``) for a model that overrides
``train_step``, and for a batch signature whose trace read a tensor's value in Python,
assigned a Variable during the forward pass (``BatchNormalization``'s moving
statistics), or differed between the two traced steps. As with ``tf.function``,
Python side effects inside ``call`` run only on the traced steps, and Python attributes
read while tracing (a Dropout's ``rate``, a custom loss's parameter) are fixed until
the next trace: ``fit`` traces again at the start of every epoch, ``train_on_batch``
only after ``compile``.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, "relu")])
    >>> model.compile(optimizer="adam", loss="mae")
    >>> batch = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    >>> for step in range(4):   # 1: eager (builds the optimizer), 2-3: traced, 4: replayed
    ...     _ = model.train_on_batch(*batch)
    >>> model.make_train_function().replaying()
    True
"""
from tapeflow.keras import data_adapter
from tapeflow.tape import GradientTape, flatten, pack_like
from tapeflow.tensor import Tensor
from tapeflow.trace import Trace, build_program, same_program

__all__ = ["TracedTrainStep"]

_MAX_SIGNATURES = 8  # beyond this many batch shapes, new ones run eagerly


class _Signature:
    """What is known about one batch signature: the last trace, or the program."""

    __slots__ = ("last", "program", "variables", "buffers", "outputs", "updates",
                 "batch_size", "eager", "why")

    def __init__(self):
        self.last = self.program = self.variables = self.buffers = None
        self.outputs = self.updates = self.batch_size = None
        self.eager = False
        self.why = None  # why the signature stays eager, once it does


class TracedTrainStep:
    """Callable ``step(data) -> logs`` for a model that uses the default ``train_step``."""

    def __init__(self, model):
        self.model = model
        self.signatures = {}

    def new_epoch(self):
        """Forget the programs: fit traces again at each epoch, so that what callbacks
        changed between epochs (a layer's rate or trainability, a loss's parameter) is
        seen, as an eager step would see it."""
        self.signatures = {}

    def replaying(self):
        """True once some batch signature runs from a replayed program."""
        return any(s.program is not None for s in self.signatures.values())

    def why_eager(self):
        """Why each batch signature that stays eager does, keyed by signature (an empty
        dict when every signature replays or is still being traced).

        Example:
            >>> import numpy as np
            >>> from tapeflow import keras
            >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> x, y = np.ones((4, 2), np.float32), np.ones((4, 1), np.float32)
            >>> _ = model.fit(x, y, batch_size=2, epochs=1, verbose=0)
            >>> model.make_train_function().why_eager()
            {}
        """
        return {key: sig.why for key, sig in self.signatures.items() if sig.eager}

    def __call__(self, data):
        model = self.model
        leaves = flatten(data)
        key = _key(data, leaves)
        leaves = [t for t in leaves if t is not None]
        sig = self.signatures.get(key)
        if sig is None:
            if key is None or len(self.signatures) >= _MAX_SIGNATURES:
                return model.train_step(data)
            sig = self.signatures[key] = _Signature()
        if sig.eager:
            return model.train_step(data)
        variables = model._step_variables or model.trainable_variables
        if not all(v.trainable for v in variables):  # frozen mid-epoch: the tape skips it
            return model.train_step(data)
        if sig.program is not None:
            if _same_list(variables, sig.variables):
                return self._replay(sig, data, leaves, variables)
            sig.program = sig.last = None  # trainability changed: trace again
        if not variables or not getattr(model.optimizer, "built", False):
            return model.train_step(data)  # the first step builds the optimizer
        return self._trace(sig, data, leaves, variables)

    def _trace(self, sig, data, leaves, variables):
        """One eager step under a Trace; two equal traces in a row make the program."""
        model = self.model
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        with GradientTape() as tape, Trace(tape) as trace:
            y_pred = model(x, training=True)
            loss = model.compute_loss(x, y, y_pred, sample_weight, training=True)
        # the per-output loss metrics that compute_loss updated: a replay updates them too
        compiled_loss = model._compile_loss
        updates = compiled_loss.last_updates if compiled_loss is not None else []
        outputs = flatten(y_pred) + [value for _, value, _ in updates]
        program = None
        if all(isinstance(o, Tensor) for o in outputs) and isinstance(loss, Tensor):
            program = build_program(trace, leaves, variables, loss, outputs)
        grads = tape.gradient(loss, variables, buffers=model._gradient_buffers(variables))
        if program is None or (sig.last is not None and not same_program(sig.last, program)):
            sig.eager, sig.last = True, None
            sig.why = trace.escaped or (
                "two traced steps differed (a constant computed from the batch in NumPy, "
                "or a Python branch)" if program is not None else
                "the loss or an output was not computed by ops inside the step")
        elif sig.last is None:
            sig.last = program
        else:
            sig.program, sig.last, sig.variables, sig.outputs = program, None, variables, y_pred
            sig.buffers = model._gradient_buffers(variables)
            sig.updates = [(metric, batch) for metric, _, batch in updates]
            sig.batch_size = data_adapter.batch_size_of(x)
        return model._finish_train_step(x, y, sample_weight, y_pred, loss, grads, variables)

    def _replay(self, sig, data, leaves, variables):
        model = self.model
        try:
            loss, outputs, grads = sig.program.run([t.array for t in leaves], sig.buffers)
        except Exception as err:  # noqa: BLE001 - the eager step raises it with full context
            sig.program, sig.eager = None, True
            sig.why = f"the replay raised {type(err).__name__}: {err}"
            return model.train_step(data)
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        if sig.updates:
            for (metric, batch), value in zip(sig.updates, outputs[-len(sig.updates):]):
                metric.update_state(value, sample_weight=batch)
            outputs = outputs[:-len(sig.updates)]
        y_pred = Tensor(outputs[0]) if len(outputs) == 1 and sig.outputs.__class__ is Tensor \
            else pack_like(sig.outputs, [Tensor(a) for a in outputs])
        return model._finish_train_step(x, y, sample_weight, y_pred, Tensor(loss), grads,
                                        variables, sig.batch_size)


def _key(data, leaves):
    """Hashable structure + shapes + dtypes of a batch, or None if it holds non-tensors."""
    if type(data) is tuple and all(t.__class__ is Tensor for t in data):  # (x, y): fast
        return tuple([(t.array.shape, t.array.dtype) for t in data])
    key = []
    for t in leaves:
        if t is None:
            key.append(None)
        elif isinstance(t, Tensor):
            key.append((t.array.shape, t.array.dtype))
        else:
            return None
    return _structure(data), tuple(key)


def _structure(data):
    if data is None:
        return None
    if isinstance(data, Tensor):
        return 0
    if isinstance(data, dict):
        return tuple((k, _structure(data[k])) for k in sorted(data))
    if isinstance(data, (list, tuple)):
        return (type(data).__name__,) + tuple(_structure(d) for d in data)
    return type(data).__name__


def _same_list(a, b):
    return a is b or (len(a) == len(b) and all(p is q for p, q in zip(a, b)))
