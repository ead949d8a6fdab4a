"""``keras.regularizers``: penalties on weights, added to the training loss.

``L1(l1)`` is ``l1 * sum(|w|)``, ``L2(l2)`` is ``l2 * sum(w**2)`` and ``L1L2`` the
sum of both. A layer built with ``kernel_regularizer=L2(0.01)`` reports the penalty
in ``layer.losses``, recomputed from the current weights each time it is read, so
it is differentiable inside a ``GradientTape``.

Example:
    >>> import tapeflow as tf
    >>> float(L2(0.5)(tf.constant([1.0, 2.0])))   # 0.5 * (1 + 4)
    2.5
"""
from tapeflow.keras._objects import classes_only, deserialize_object, get_object, serialize_object
from tapeflow.keras.api_export import keras_export, public_names
from tapeflow.ops import math as math_ops

__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "get", "serialize", "deserialize"]


def _factor(value, name):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid value for argument {name}: expected a float, got "
                         f"{value!r}.") from None
    if value < 0 or value != value:
        raise ValueError(f"Value for argument {name} must be a non-negative float; got "
                         f"{name}={value}.")
    return value


@keras_export("keras.regularizers")
class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty tensor."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras_export("keras.regularizers")
class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)`` (both default to 0)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(l1, "l1")
        self.l2 = _factor(l2, "l2")

    def __call__(self, x):
        total = None
        if self.l1:
            total = math_ops.multiply(math_ops.reduce_sum(math_ops.abs(x)), self.l1)
        if self.l2:
            term = math_ops.multiply(math_ops.reduce_sum(math_ops.square(x)), self.l2)
            total = term if total is None else math_ops.add(total, term)
        if total is None:
            total = math_ops.multiply(math_ops.reduce_sum(x), 0.0)
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@keras_export("keras.regularizers")
class L1(Regularizer):
    """``l1 * sum(|x|)``, default ``l1=0.01``."""

    def __init__(self, l1=0.01):
        self.l1 = _factor(l1, "l1")

    def __call__(self, x):
        return math_ops.multiply(math_ops.reduce_sum(math_ops.abs(x)), self.l1)

    def get_config(self):
        return {"l1": self.l1}


@keras_export("keras.regularizers")
class L2(Regularizer):
    """``l2 * sum(x**2)``, default ``l2=0.01``."""

    def __init__(self, l2=0.01):
        self.l2 = _factor(l2, "l2")

    def __call__(self, x):
        return math_ops.multiply(math_ops.reduce_sum(math_ops.square(x)), self.l2)

    def get_config(self):
        return {"l2": self.l2}


@keras_export("keras.regularizers")
class OrthogonalRegularizer(Regularizer):
    """``factor * mean(|off-diagonal of normalised W^T W|)`` over rows or columns."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"Invalid value for argument mode: expected 'rows' or "
                             f"'columns'; got mode={mode!r}.")
        self.factor = _factor(factor, "factor")
        self.mode = mode

    def __call__(self, x):
        from tapeflow.ops.array import eye, transpose
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer needs a 2-D weight; got shape "
                             f"{tuple(x.shape)}.")
        if self.mode == "columns":
            x = transpose(x)
        norm = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(x), axis=1, keepdims=True))
        xn = math_ops.divide(x, math_ops.maximum(norm, 1e-12))
        prod = math_ops.matmul(xn, transpose(xn))
        n = x.shape[0]
        off = math_ops.multiply(math_ops.abs(prod), 1.0 - eye(n).array)
        mean = math_ops.divide(math_ops.reduce_sum(off), float(n * (n - 1) or 1))
        return math_ops.multiply(mean, self.factor)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1_l2(l1=0.01, l2=0.01):
    """``L1L2`` with Keras's function defaults (0.01 each)."""
    return L1L2(l1=l1, l2=l2)


l1, l2 = L1, L2
orthogonal_regularizer = OrthogonalRegularizer

_ALIASES = {"l1": ("L1", {}), "l2": ("L2", {}), "l1_l2": ("L1L2", {"l1": 0.01, "l2": 0.01}),
            "orthogonal_regularizer": ("OrthogonalRegularizer", {})}


def serialize(regularizer):
    """Keras 3's dict for a regularizer (``None`` stays ``None``)."""
    return serialize_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from its dict or name."""
    return deserialize_object(config, classes_only(public_names("keras.regularizers")),
                              "regularizer", custom_objects, _ALIASES)


def get(identifier):
    """A regularizer from ``None``, a name (``"l2"``), a dict, an instance or a callable.

    Example:
        >>> get("l2").get_config()
        {'l2': 0.01}
    """
    return get_object(identifier, deserialize, "regularizer")
