"""``keras.ops`` core: tensors in and out, dtypes, shapes, control flow.

Keras 3 runs these on its backend; here the backend is tapeflow, so control flow is
plain Python (tapeflow executes eagerly) and gradients flow through whatever ops the
branches or loop bodies call.

Example:
    >>> from tapeflow.keras import ops
    >>> x = ops.convert_to_tensor([1.0, 2.0])
    >>> ops.shape(x), ops.dtype(x), ops.convert_to_numpy(ops.cast(x, "int32"))
    ((2,), 'float32', array([1, 2], dtype=int32))
"""
import builtins

import numpy as np

import tapeflow as tf
from tapeflow.tensor import Tensor

__all__ = ["convert_to_tensor", "convert_to_numpy", "is_tensor", "cast", "dtype", "shape",
           "stop_gradient", "cond", "fori_loop", "while_loop", "map", "vectorized_map",
           "slice", "unstack"]

def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tapeflow Tensor of ``x`` (Python floats become float32, ints int32)."""
    if sparse or ragged:
        raise ValueError("keras.ops.convert_to_tensor: tapeflow has no sparse or ragged "
                         "tensors; pass dense values.")
    return tf.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x):
    """``x`` as a NumPy array (a copy for tensors: it may be written to)."""
    return np.array(x.array) if isinstance(x, Tensor) else np.asarray(x)


def is_tensor(x):
    """True for tapeflow tensors and variables."""
    return isinstance(x, Tensor)


def cast(x, dtype):
    """``x`` in ``dtype`` (a name such as ``"float32"`` or a dtype)."""
    return tf.cast(convert_to_tensor(x), dtype)


def dtype(x):
    """The dtype's name, as Keras returns it (``"float32"``)."""
    return convert_to_tensor(x).dtype.name


def shape(x):
    """The static shape as a tuple of ints."""
    return tuple(convert_to_tensor(x).shape)


def stop_gradient(variable):
    """``variable``'s value, with no gradient flowing back through it."""
    return tf.stop_gradient(variable)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()`` (evaluated eagerly)."""
    value = pred.array if isinstance(pred, Tensor) else pred
    return true_fn() if bool(value) else false_fn()


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``."""
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    count = 0
    while bool(convert_to_numpy(cond(*state))) and (
            maximum_iterations is None or count < maximum_iterations):
        out = body(*state)
        state = (out,) if single or not isinstance(out, (list, tuple)) else tuple(out)
        count += 1
    return state[0] if single else type(loop_vars)(state)


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    return list(tf.unstack(convert_to_tensor(x), num=num, axis=axis))


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along axis 0, results stacked."""
    return tf.stack([f(x) for x in unstack(xs)])


def vectorized_map(function, elements):
    """Like :func:`map` (tapeflow loops; the result is the same)."""
    return map(function, elements)


def slice(inputs, start_indices, shape):
    """The block of ``inputs`` starting at ``start_indices`` with size ``shape``."""
    starts = [int(s) for s in convert_to_numpy(start_indices)]
    index = tuple(builtins.slice(s, s + int(n)) for s, n in zip(starts, shape))
    return convert_to_tensor(inputs)[index]
