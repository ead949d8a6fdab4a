"""One flat buffer for a small model's variables, for each of their slots and gradients.

For a small model the optimizer's time is Python, not arithmetic: SGD on the four
variables of a 2-16-1 network makes four ``update_step`` calls of two NumPy passes each.
Packed, the variables and each list of slot variables are views into one contiguous
array per list, so a single ``update_step`` call on the flat arrays updates everything
in a few vectorised passes: the flat update is the same element-wise arithmetic, so
the results are bit-identical. The Variables stay the same objects (layers, saving and
``assign`` see no difference); only the memory behind their values moves.

Packing is done by the optimizer on its first update, when it declares an element-wise
``update_step`` (the built-in ones: it touches buffers only through ``_slot`` and
``_scratch``), when all variables share one float dtype and together hold at most
``PACK_MAX`` values (a big model's time is arithmetic, where packing gains nothing).
Every update checks that the variables are still views of the packed buffer (another
optimizer may have packed them since) and otherwise updates them one by one.

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3),
    ...                           keras.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> _ = model.train_on_batch(np.ones((4, 2)), np.zeros((4, 1)))
    >>> packed = model.optimizer._packed
    >>> packed.array.size, model.layers[0].kernel.array.base is packed.array
    (13, True)
"""
import operator

import numpy as np

__all__ = ["PACK_MAX", "Packed", "pack"]

PACK_MAX = 1 << 18  # values; above this an update is arithmetic-bound
COPY_MAX = 1 << 14  # values a packed update may copy in: beyond, per-variable is faster


class Packed:
    """The flat parameters: what ``update_step`` sees in place of one Variable.

    ``slots`` maps ``id(slot list)`` to that list's flat buffer; ``grad_views`` are the
    per-variable views of the flat gradient ``grad`` (handed to the tape as buffers).
    """

    __slots__ = ("buffer", "variables", "slots", "scratch", "grad", "grad_views", "name")

    @property
    def array(self):
        """The flat values (what ``Variable.array`` is for a variable)."""
        return self.buffer

    def __init__(self, value, variables, slots, grad, grad_views):
        self.buffer, self.variables, self.slots = value, variables, slots
        self.scratch = (np.empty_like(value), np.empty_like(value))
        self.grad, self.grad_views, self.name = grad, grad_views, "packed"

    def covers(self, variables):
        """True if ``variables`` are the packed ones, in order, still backed by it."""
        mine = self.variables
        return len(variables) == len(mine) and all(
            v is w and v.array.base is self.buffer for v, w in zip(variables, mine))

    def owns(self, grads):
        """True if ``grads`` are this buffer's own gradient views (fit's gradients)."""
        views = self.grad_views
        return len(grads) == len(views) and all(map(operator.is_, grads, views))

    def gather(self, grads):
        """The flat gradient, copying the gradients not already in its views (fit's
        gradients are); None when that would copy more than ``COPY_MAX`` values, as a
        GradientTape loop's fresh gradients of a mid-sized model would."""
        missing = [(g, view) for g, view in zip(grads, self.grad_views) if g is not view]
        if missing and sum(view.size for _, view in missing) > COPY_MAX:
            return None
        for g, view in missing:
            np.copyto(view, g)
        return self.grad


def pack(variables, slot_lists):
    """Move ``variables`` and each list in ``slot_lists`` into flat buffers; a
    :class:`Packed`, or None when they do not qualify (see the module docstring)."""
    if len(variables) < 2:
        return None
    dtype = variables[0].array.dtype
    sizes = [v.array.size for v in variables]
    if dtype.kind != "f" or sum(sizes) > PACK_MAX or any(
            v.array.dtype != dtype for v in variables):
        return None
    for slots in slot_lists:
        if len(slots) != len(variables) or any(
                s.array.shape != v.array.shape or s.array.dtype != dtype
                for s, v in zip(slots, variables)):
            return None
    grad = np.empty(sum(sizes), dtype)
    return Packed(_rehome(variables, sizes), list(variables),
                  {id(slots): _rehome(slots, sizes) for slots in slot_lists},
                  grad, _views(grad, variables, sizes))


def _views(flat, variables, sizes):
    out, offset = [], 0
    for v, n in zip(variables, sizes):
        out.append(flat[offset:offset + n].reshape(v.array.shape))
        offset += n
    return out


def _rehome(variables, sizes):
    """One flat array holding the variables' values; each variable becomes a view."""
    flat = np.concatenate([v.array.reshape(-1) for v in variables])
    for v, view in zip(variables, _views(flat, variables, sizes)):
        v.rebind_buffer(view)
    return flat

