"""``tf.random``: seeded random tensors, stateless seed splitting and ``tf.random.Generator``.

``split`` and ``Generator.make_seeds`` make the ``seed=(a, b)`` pairs that the
``stateless_random_*`` functions of ``tf.image`` take (as TensorFlow's "Data
augmentation" tutorial does). The same seed gives the same seeds, but the numbers differ
from TensorFlow's (tapeflow draws with NumPy's generators).

Example:
    >>> import tapeflow as tf
    >>> seeds = tf.random.split([1, 2], num=3)
    >>> seeds.shape, seeds.dtype, bool(tf.reduce_all(seeds == tf.random.split([1, 2], 3)))
    (TensorShape([3, 2]), tf.int32, True)
    >>> rng = tf.random.Generator.from_seed(123, alg="philox")
    >>> rng.make_seeds(2).shape
    TensorShape([2, 2])
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.ops.convert import to_tensor as _to_tensor
from tapeflow.ops.random import (  # noqa: F401
    categorical, get_global_generator, normal, set_seed, shuffle, truncated_normal, uniform)
from tapeflow.ops.registry import value_read as _value_read
from tapeflow.tensor import Tensor as _Tensor

_INT32 = np.iinfo(np.int32)


def _seed_pair(seed, op):
    pair = np.asarray(_to_tensor(seed).numpy()).ravel()
    if pair.size != 2:
        raise ValueError(f"tf.random.{op}: expected a seed of shape [2], (a, b); got "
                         f"{seed!r}.")
    return [int(s) & 0xFFFFFFFF for s in pair]


def split(seed, num=2, alg="auto_select"):
    """``num`` new seeds of shape ``[2]`` from one, as a ``(num, 2)`` int32 tensor."""
    _value_read("tf.random.split drew seeds")
    rng = np.random.default_rng(_seed_pair(seed, "split"))
    return _Tensor(rng.integers(_INT32.min, _INT32.max, (int(num), 2), dtype=np.int32,
                               endpoint=True))


class experimental:  # noqa: N801 - TensorFlow's namespace
    """``tf.random.experimental.stateless_split`` (= ``tf.random.split``)."""

    stateless_split = staticmethod(split)


class Generator:
    """A random generator with its own state (``tf.random.Generator``).

    ``from_seed(seed)`` repeats its numbers for the same seed; ``make_seeds(count)``
    returns a ``(2, count)`` int64 tensor whose columns are seeds for the stateless ops.
    """

    def __init__(self, seed=None, alg="philox"):
        self._rng = np.random.default_rng(seed)
        self.algorithm = alg

    @classmethod
    def from_seed(cls, seed, alg="philox"):
        """A generator started from ``seed``."""
        return cls(int(seed), alg)

    @classmethod
    def from_non_deterministic_state(cls, alg="philox"):
        """A generator started from fresh entropy."""
        return cls(None, alg)

    def make_seeds(self, count=1):
        """``count`` seeds as the columns of a ``(2, count)`` int64 tensor."""
        _value_read("tf.random.Generator drew seeds")
        return _Tensor(self._rng.integers(0, 2 ** 62, (2, int(count)), dtype=np.int64))

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Normal draws from this generator."""
        _value_read("tf.random.Generator drew a value")
        draws = self._rng.normal(mean, stddev, tuple(shape))
        return _Tensor(draws.astype(dtypes.as_dtype(dtype).as_numpy_dtype))

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        """Uniform draws in ``[minval, maxval)`` from this generator."""
        _value_read("tf.random.Generator drew a value")
        d = dtypes.as_dtype(dtype)
        if d.is_integer:
            return _Tensor(self._rng.integers(minval, maxval, tuple(shape)).astype(d._np))
        high = 1.0 if maxval is None else maxval
        return _Tensor(self._rng.uniform(minval, high, tuple(shape)).astype(d._np))


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
