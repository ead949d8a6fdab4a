"""``keras.optimizers.schedules``: learning rates as a function of the step.

A schedule is called with the optimizer's ``iterations`` (the number of updates
done so far) and returns a float32 scalar Tensor.

Example:
    >>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(s(10)), 6), round(float(s(5)), 6)
    (0.05, 0.070711)
"""
import math

import numpy as np

from tapeflow.keras._objects import classes_only, deserialize_object, serialize_object
from tapeflow.keras.api_export import keras_export, public_names
from tapeflow.tensor import Tensor

__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay",
           "PiecewiseConstantDecay", "PolynomialDecay", "CosineDecay", "serialize",
           "deserialize"]


def _step(step):
    """The step as a float, or a float64 array for an array of steps (to plot a schedule,
    as TensorFlow's tutorials do: ``lr_schedule(np.linspace(0, 100000))``)."""
    arr = np.asarray(step.array if isinstance(step, Tensor) else step)
    return float(arr) if arr.ndim == 0 else arr.astype(np.float64)


def _out(value):
    return Tensor(np.asarray(value, np.float32))


@keras_export("keras.optimizers.schedules")
class LearningRateSchedule:
    """Base class: implement ``__call__(step)`` and ``get_config()``.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 1.0 / 2 ** float(step)
        ...     def get_config(self):
        ...         return {}
        >>> Halving()(3)
        0.125
    """

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must "
                                  f"override `__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must "
                                  f"override `get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_steps(value, arg="decay_steps"):
    if value <= 0:
        raise ValueError(f"Argument `{arg}` must be > 0. Received: {arg}={value}")


@keras_export("keras.optimizers.schedules")
class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; with ``staircase``
    the exponent is floored.

    Example:
        >>> float(ExponentialDecay(1.0, 2, 0.5, staircase=True)(3))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _out(self.initial_learning_rate * self.decay_rate ** p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


@keras_export("keras.optimizers.schedules")
class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; with
    ``staircase`` the ratio is floored.

    Example:
        >>> float(InverseTimeDecay(1.0, 1.0, 0.5)(2))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _step(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _out(self.initial_learning_rate / (1 + self.decay_rate * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


@keras_export("keras.optimizers.schedules")
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary.

    Example:
        >>> s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
        >>> [round(float(s(t)), 2) for t in (10, 11, 20, 21)]
        [1.0, 0.5, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step):
        t = _step(step)
        if isinstance(t, np.ndarray):
            out = np.full(t.shape, self.values[-1], np.float64)
            for boundary, value in reversed(list(zip(self.boundaries, self.values))):
                out = np.where(t <= boundary, value, out)
            return _out(out)
        for boundary, value in zip(self.boundaries, self.values):
            if t <= boundary:
                return _out(value)
        return _out(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@keras_export("keras.optimizers.schedules")
class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end``;
    with ``cycle`` the horizon grows to the next multiple of ``decay_steps``.

    Example:
        >>> float(PolynomialDecay(1.0, 10, end_learning_rate=0.0)(5))
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power = end_learning_rate, power
        self.cycle, self.name = cycle, name

    def __call__(self, step):
        t, horizon = _step(step), float(self.decay_steps)
        if self.cycle:
            horizon = horizon * np.where(t == 0, 1.0, np.ceil(t / self.decay_steps))
        else:
            t = np.minimum(t, horizon)
        frac = (1 - t / horizon) ** self.power
        return _out((self.initial_learning_rate - self.end_learning_rate) * frac
                    + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


@keras_export("keras.optimizers.schedules")
class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` (or ``warmup_target`` after a linear
    warmup of ``warmup_steps``) to ``alpha`` times it over ``decay_steps``:
    ``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)``.

    Example:
        >>> s = CosineDecay(1.0, decay_steps=10)
        >>> [round(float(s(t)), 4) for t in (0, 5, 10, 20)]
        [1.0, 0.5, 0.0, 0.0]
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.alpha, self.name = alpha, name
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def _decay(self, t, start):
        cosine = 0.5 * (1.0 + np.cos(math.pi * t / self.decay_steps))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        t = _step(step)
        if self.warmup_target is None:
            return _out(self._decay(np.minimum(t, self.decay_steps),
                                    self.initial_learning_rate))
        t = np.minimum(t, self.decay_steps + self.warmup_steps)
        start = self.initial_learning_rate
        warm = (self.warmup_target - start) * (t / max(self.warmup_steps, 1)) + start
        return _out(np.where(t < self.warmup_steps, warm,
                             self._decay(t - self.warmup_steps, self.warmup_target)))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


ALL_OBJECTS_DICT = classes_only(public_names("keras.optimizers.schedules"))


def serialize(learning_rate_schedule):
    """``{"module": "keras.optimizers.schedules", "class_name", "config", ...}``."""
    return serialize_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Rebuild a schedule from :func:`serialize`'s dict."""
    return deserialize_object(config, ALL_OBJECTS_DICT, "learning rate schedule",
                              custom_objects)
