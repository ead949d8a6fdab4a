"""``keras.random``: Keras 3's backend-agnostic random functions and ``SeedGenerator``.

``seed`` is an int (the same numbers at every call, as Keras's stateless draws), a
:class:`SeedGenerator` (a new draw at every call, reproducible from its seed, as in a
layer's ``self.seed_generator = keras.random.SeedGenerator(1337)``) or None (tapeflow's
global generator, which ``keras.utils.set_random_seed`` / ``tf.random.set_seed`` seed).
The numbers are drawn by NumPy, not by Keras's backends: the distributions and
arguments are Keras's, the exact values are not.

Example:
    >>> from tapeflow import keras
    >>> seed = keras.random.SeedGenerator(1337)
    >>> x = keras.random.dropout(keras.ops.ones((2, 4)), 0.5, seed=seed)
    >>> sorted(set(x.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    >>> keras.random.randint((3,), 0, 5, seed=2).dtype
    tf.int32
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.keras.api_export import keras_export
from tapeflow.ops.math import multiply
from tapeflow.ops.random import (_draw, get_global_generator, softmax_draws,
                                  truncated_standard)
from tapeflow.tensor import Tensor, convert_to_tensor

__all__ = ["SeedGenerator", "normal", "uniform", "randint", "truncated_normal", "dropout",
           "shuffle", "categorical", "gamma", "binomial", "beta"]


@keras_export("keras.random")
class SeedGenerator:
    """A reproducible stream of random draws: each use gives new numbers.

    Args:
        seed: an int (None draws one from the global generator).
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed = int(get_global_generator().integers(2**31))
        self._initial_seed, self.name = int(seed), name
        self._rng = np.random.default_rng(self._initial_seed)

    def next(self, ordered=True):
        """The generator for the next draw."""
        return self._rng

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _rng(seed):
    if seed is None:
        return _draw(None)
    _draw(None)  # marks a tf.function trace as not replayable, as any random draw does
    if isinstance(seed, SeedGenerator):
        return seed.next()
    return np.random.default_rng(int(seed))  # Keras: an int seed gives the same numbers


def _shape(shape):
    if isinstance(shape, Tensor):
        shape = shape.array.tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _float(dtype):
    return dtypes.as_dtype(dtype or "float32")._np


@keras_export("keras.random")
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of N(mean, stddev**2)."""
    v = _rng(seed).standard_normal(_shape(shape)) * stddev + mean
    return Tensor(v.astype(_float(dtype)))


@keras_export("keras.random")
def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in ``[minval, maxval)``."""
    return Tensor(_rng(seed).uniform(minval, maxval, _shape(shape)).astype(_float(dtype)))


@keras_export("keras.random")
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniform in ``[minval, maxval)``."""
    values = _rng(seed).integers(minval, maxval, _shape(shape))
    return Tensor(values.astype(dtypes.as_dtype(dtype)._np))


@keras_export("keras.random")
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples redrawn until within two standard deviations of the mean."""
    v = truncated_standard(_rng(seed), _shape(shape))
    return Tensor((v * stddev + mean).astype(_float(dtype)))


@keras_export("keras.random")
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each value with probability ``rate`` and scale the rest by ``1 / (1 -
    rate)`` (differentiable in ``inputs``)."""
    x = convert_to_tensor(inputs)
    shape = x.shape if noise_shape is None else _shape(noise_shape)
    keep = _rng(seed).random(tuple(shape)) >= rate
    mask = (keep / (1.0 - rate)).astype(x.array.dtype)
    return multiply(x, Tensor(mask))


@keras_export("keras.random")
def shuffle(x, axis=0, seed=None):
    """``x`` shuffled along ``axis``."""
    arr = convert_to_tensor(x).array
    return Tensor(np.take(arr, _rng(seed).permutation(arr.shape[axis]), axis=axis))


@keras_export("keras.random")
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from the softmax of each row of ``logits``."""
    out = softmax_draws(_rng(seed), logits, num_samples)
    return Tensor(out.astype(dtypes.as_dtype(dtype)._np))


@keras_export("keras.random")
def gamma(shape, alpha, dtype=None, seed=None):
    """Samples of the Gamma(alpha, 1) distribution."""
    return Tensor(_rng(seed).gamma(alpha, 1.0, _shape(shape)).astype(_float(dtype)))


@keras_export("keras.random")
def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples of Binomial(counts, probabilities), as floats."""
    return Tensor(_rng(seed).binomial(counts, probabilities, _shape(shape))
                  .astype(_float(dtype)))


@keras_export("keras.random")
def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of the Beta(alpha, beta) distribution."""
    return Tensor(_rng(seed).beta(alpha, beta, _shape(shape)).astype(_float(dtype)))
