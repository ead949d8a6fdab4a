"""``keras.initializers``: the starting values of a layer's weights.

Every initializer is called as ``init(shape, dtype="float32")`` and returns a
float32 Tensor. Unseeded initializers draw from tapeflow's global generator (reset
by ``tf.random.set_seed`` / ``keras.utils.set_random_seed``); a seeded one returns
the same values on every call, as in Keras 3.

Variance scaling (Glorot, He, Lecun) uses ``fan_in`` and ``fan_out`` of the shape:
for a kernel ``(n_in, n_out)`` they are ``n_in`` and ``n_out``; for rank > 2 both
are multiplied by the receptive field ``prod(shape[:-2])``.

Example:
    >>> from tapeflow.keras import initializers
    >>> w = initializers.get("glorot_uniform")((784, 512))
    >>> limit = (6 / (784 + 512)) ** 0.5
    >>> bool(abs(w.numpy()).max() <= limit)
    True
"""
import math

import numpy as np

from tapeflow.keras._objects import classes_only, deserialize_object, get_object, serialize_object
from tapeflow.keras.api_export import keras_export, public_names
from tapeflow.ops import random as _random
from tapeflow.tensor import Tensor

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal",
           "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal",
           "Identity", "get", "serialize", "deserialize"]


def _np_dtype(dtype):
    from tapeflow import dtypes
    return dtypes.as_dtype(dtype or "float32")._np


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a weight shape, Keras's rule (Keras 3.15: explicit
    ``input_axes`` / ``output_axes`` when both are given)."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (math.prod(shape[a] for a in input_axes),
                math.prod(shape[a] for a in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


@keras_export("keras.initializers")
class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _Seeded(Initializer):
    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"{type(self).__name__}: `seed` must be an integer or None; "
                             f"got {seed!r}.")
        self.seed = None if seed is None else int(seed)

    def _rng(self):
        # A seeded initializer gives the same values on every call (Keras 3).
        return np.random.default_rng(self.seed) if self.seed is not None \
            else _random._generator(None)


@keras_export("keras.initializers")
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return Tensor(np.zeros(tuple(shape), _np_dtype(dtype)))


@keras_export("keras.initializers")
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return Tensor(np.ones(tuple(shape), _np_dtype(dtype)))


@keras_export("keras.initializers")
class Constant(Initializer):
    """Every entry equal to ``value`` (a scalar)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return Tensor(np.full(tuple(shape), self.value, _np_dtype(dtype)))

    def get_config(self):
        return {"value": self.value}


@keras_export("keras.initializers")
class RandomNormal(_Seeded):
    """Samples from N(mean, stddev**2)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        v = self._rng().standard_normal(tuple(shape)) * self.stddev + self.mean
        return Tensor(v.astype(_np_dtype(dtype)))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@keras_export("keras.initializers")
class RandomUniform(_Seeded):
    """Samples from U(minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        v = self._rng().uniform(self.minval, self.maxval, tuple(shape))
        return Tensor(v.astype(_np_dtype(dtype)))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated(rng, shape):
    """Standard normal samples redrawn until within two standard deviations."""
    v = rng.standard_normal(shape)
    bad = np.abs(v) > 2
    while bad.any():
        v[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(v) > 2
    return v


@keras_export("keras.initializers")
class TruncatedNormal(_Seeded):
    """Normal samples, redrawn beyond two standard deviations of the mean."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        v = _truncated(self._rng(), tuple(shape)) * self.stddev + self.mean
        return Tensor(v.astype(_np_dtype(dtype)))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


@keras_export("keras.initializers")
class VarianceScaling(_Seeded):
    """Samples scaled to the weight's fan: variance ``scale / n``.

    ``n`` is ``fan_in``, ``fan_out`` or their average (``mode``). ``distribution``
    "truncated_normal" uses stddev ``sqrt(scale / n) / 0.8796`` (so the truncated
    samples have variance ``scale / n``), "untruncated_normal" ``sqrt(scale / n)``,
    "uniform" the limit ``sqrt(3 * scale / n)``.
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        self.input_axes, self.output_axes = input_axes, output_axes
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in self._MODES:
            raise ValueError(f"Invalid `mode` argument: {mode!r}; expected one of "
                             f"{self._MODES}.")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTS:
            raise ValueError(f"Invalid `distribution` argument: {distribution!r}; expected "
                             f"one of {self._DISTS}.")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            v = _truncated(rng, shape) * (math.sqrt(scale) / 0.87962566103423978)
        elif self.distribution == "untruncated_normal":
            v = rng.standard_normal(shape) * math.sqrt(scale)
        else:
            limit = math.sqrt(3.0 * scale)
            v = rng.uniform(-limit, limit, shape)
        return Tensor(v.astype(_np_dtype(dtype)))

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


def _preset(name, scale, mode, distribution, doc):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}
    return keras_export("keras.initializers")(type(name, (VarianceScaling,), {
        "__init__": __init__, "get_config": get_config, "__doc__": doc, "__module__": __name__}))


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                        "U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). "
                        "Dense's default kernel initializer.")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                       "Truncated normal, stddev sqrt(2 / (fan_in + fan_out)).")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                   "Truncated normal, stddev sqrt(2 / fan_in).")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform",
                    "U(-limit, limit), limit = sqrt(6 / fan_in).")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                      "Truncated normal, stddev sqrt(1 / fan_in).")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform",
                       "U(-limit, limit), limit = sqrt(3 / fan_in).")


@keras_export("keras.initializers")
class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``, from the QR of a normal sample."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2; got {shape}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return Tensor((self.gain * q.reshape(shape)).astype(_np_dtype(dtype)))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


@keras_export("keras.initializers")
class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape; got {shape}. Use "
                             f"Orthogonal for other ranks.")
        return Tensor((self.gain * np.eye(*shape)).astype(_np_dtype(dtype)))

    def get_config(self):
        return {"gain": self.gain}


_ALIASES = {
    "zeros": ("Zeros", {}), "ones": ("Ones", {}), "constant": ("Constant", {}),
    "random_normal": ("RandomNormal", {}), "random_uniform": ("RandomUniform", {}),
    "truncated_normal": ("TruncatedNormal", {}), "variance_scaling": ("VarianceScaling", {}),
    "glorot_uniform": ("GlorotUniform", {}), "glorot_normal": ("GlorotNormal", {}),
    "he_normal": ("HeNormal", {}), "he_uniform": ("HeUniform", {}),
    "lecun_normal": ("LecunNormal", {}), "lecun_uniform": ("LecunUniform", {}),
    "orthogonal": ("Orthogonal", {}), "identity": ("Identity", {}),
    "uniform": ("RandomUniform", {}), "normal": ("RandomNormal", {}),
    "zero": ("Zeros", {}), "one": ("Ones", {}),
}
# Keras's lower-case aliases of the classes themselves
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
orthogonal, identity, variance_scaling = Orthogonal, Identity, VarianceScaling


def serialize(initializer):
    """Keras 3's dict for an initializer (``None`` stays ``None``)."""
    return serialize_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from its dict (or a name)."""
    return deserialize_object(config, classes_only(public_names("keras.initializers")), "initializer",
                              custom_objects, _ALIASES)


def get(identifier):
    """An initializer from a name (``"he_normal"``), class, instance, dict or callable.

    Example:
        >>> type(get("he_normal")).__name__
        'HeNormal'
    """
    return get_object(identifier, deserialize, "initializer")
