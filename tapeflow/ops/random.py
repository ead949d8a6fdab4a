"""``tf.random``: seeded, reproducible random tensors.

``set_seed(s)`` resets the global generator, so the same seed gives the same
sequence of numbers. An op-level ``seed`` gives its own stream, reproducible
from (global seed, op seed).

Example:
    >>> import tapeflow as tf
    >>> tf.random.set_seed(1); a = tf.random.normal((2,))
    >>> tf.random.set_seed(1); b = tf.random.normal((2,))
    >>> bool(tf.reduce_all(a == b))
    True
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.ops.array import _shape_tuple
from tapeflow.ops.convert import to_tensor
from tapeflow.ops.registry import value_read
from tapeflow.tensor import Tensor

_state = {"seed": None, "rng": np.random.default_rng(), "op_rngs": {}}


def set_seed(seed):
    """Seed tapeflow's global random generator (and reset op-level streams)."""
    _state["seed"] = None if seed is None else int(seed)
    _state["rng"] = np.random.default_rng(_state["seed"])
    _state["op_rngs"] = {}


def get_global_generator():
    """The NumPy Generator behind tapeflow's random ops."""
    return _state["rng"]


def _generator(seed=None):
    if seed is None:
        return _state["rng"]
    key = (_state["seed"], int(seed))
    rng = _state["op_rngs"].get(key)
    if rng is None:
        rng = _state["op_rngs"][key] = np.random.default_rng([int(seed), _state["seed"] or 0])
    return rng


def _draw(seed):
    """The generator for a public tf.random function. Its values are drawn in NumPy, not
    by an op, so a trace (tapeflow.trace) that sees one stays eager."""
    value_read("tf.random drew a value")
    return _generator(seed)


def _float(dtype):
    d = dtypes.as_dtype(dtype)
    if not d.is_floating:
        raise ValueError(f"random: dtype must be a float type; got {d.name}.")
    return d._np


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from N(mean, stddev**2)."""
    v = _draw(seed).standard_normal(_shape_tuple(shape)) * stddev + mean
    return Tensor(v.astype(_float(dtype)))


def truncated_standard(rng, shape):
    """Standard normal samples of ``rng``, redrawn until within two standard deviations."""
    v = rng.standard_normal(shape)
    bad = np.abs(v) > 2
    while bad.any():
        v[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(v) > 2
    return v


def softmax_draws(rng, logits, num_samples):
    """``num_samples`` class indices per row, drawn from the softmax of ``logits``."""
    lg = to_tensor(logits)._value.astype(np.float64)
    p = np.exp(lg - lg.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.stack([rng.choice(p.shape[-1], int(num_samples), p=row) for row in p])


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn until within two standard deviations of the mean."""
    v = truncated_standard(_draw(seed), _shape_tuple(shape))
    return Tensor((v * stddev + mean).astype(_float(dtype)))


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval) (maxval defaults to 1 for floats)."""
    d = dtypes.as_dtype(dtype)
    rng = _draw(seed)
    shape = _shape_tuple(shape)
    if d.is_integer:
        if maxval is None:
            raise ValueError("random.uniform: integer dtypes need maxval.")
        return Tensor(rng.integers(minval, maxval, shape).astype(d._np))
    maxval = 1.0 if maxval is None else maxval
    return Tensor(rng.uniform(minval, maxval, shape).astype(_float(dtype)))


def shuffle(value, seed=None, name=None):
    """Shuffle along the first axis."""
    x = to_tensor(value)._value
    return Tensor(x[_draw(seed).permutation(x.shape[0])])


def categorical(logits, num_samples, dtype=dtypes.int64, seed=None, name=None):
    """Draw class indices from the softmax of each row of ``logits``."""
    out = softmax_draws(_draw(seed), logits, num_samples)
    return Tensor(out.astype(dtypes.as_dtype(dtype)._np))
