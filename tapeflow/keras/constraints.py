"""``keras.constraints``: projections applied to a weight after each optimizer step.

A layer passes ``kernel_constraint=...`` to its Variable (``variable.constraint``);
the optimizer assigns ``constraint(variable)`` back after updating it.

Example:
    >>> import tapeflow as tf
    >>> NonNeg()(tf.constant([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
"""
from tapeflow.keras._objects import classes_only, deserialize_object, get_object, serialize_object
from tapeflow.keras.api_export import keras_export, public_names
from tapeflow.ops import math as math_ops
from tapeflow.ops import nn
from tapeflow.ops.array import clip_by_value

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "get",
           "serialize", "deserialize"]

_EPS = 1e-7


@keras_export("keras.constraints")
class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return math_ops.sqrt(math_ops.reduce_sum(math_ops.square(w), axis=axis, keepdims=True))


@keras_export("keras.constraints")
class MaxNorm(Constraint):
    """Rescale each slice along ``axis`` whose L2 norm exceeds ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = clip_by_value(norms, 0.0, float(self.max_value))
        return math_ops.multiply(w, math_ops.divide(desired, math_ops.add(norms, _EPS)))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@keras_export("keras.constraints")
class MinMaxNorm(Constraint):
    """Keep slice norms in ``[min_value, max_value]``, moving a fraction ``rate`` there."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        clipped = clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = math_ops.add(math_ops.multiply(clipped, self.rate),
                               math_ops.multiply(norms, 1.0 - self.rate))
        return math_ops.multiply(w, math_ops.divide(desired, math_ops.add(norms, _EPS)))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


@keras_export("keras.constraints")
class NonNeg(Constraint):
    """Set negative entries to zero."""

    def __call__(self, w):
        return nn.relu(w)


@keras_export("keras.constraints")
class UnitNorm(Constraint):
    """Scale each slice along ``axis`` to unit L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return math_ops.divide(w, math_ops.add(_norms(w, self.axis), _EPS))

    def get_config(self):
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm
_ALIASES = {"max_norm": ("MaxNorm", {}), "min_max_norm": ("MinMaxNorm", {}),
            "non_neg": ("NonNeg", {}), "unit_norm": ("UnitNorm", {})}


def serialize(constraint):
    """Keras 3's dict for a constraint (``None`` stays ``None``)."""
    return serialize_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from its dict or name."""
    return deserialize_object(config, classes_only(public_names("keras.constraints")),
                              "constraint", custom_objects, _ALIASES)


def get(identifier):
    """A constraint from ``None``, a name (``"non_neg"``), a dict, an instance or a callable."""
    return get_object(identifier, deserialize, "constraint")
