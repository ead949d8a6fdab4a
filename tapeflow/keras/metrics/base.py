"""Stateful metrics: ``Metric``, ``Mean``, ``Sum`` and ``MeanMetricWrapper``.

Metrics run on NumPy arrays only (tensors are unwrapped, nothing is recorded on a
tape): ``update_state`` adds a batch into float32 state variables in place,
``result`` returns a scalar float32 Tensor, ``reset_state`` zeroes the state.

Example:
    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7])
    >>> float(m.result())
    4.0
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())  # (16 + 4) / (4 + 2)
    3.3333332538604736
"""
import numpy as np

from tapeflow import dtypes
from tapeflow.keras import initializers
from tapeflow.keras._objects import deserialize_function, serialize_object
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.metrics.kernels import FUNCTIONS, kernel_for, same_rank  # noqa: F401
from tapeflow.keras.utils.naming import auto_name
from tapeflow.tensor import Tensor, Variable, effect

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "as_array", "same_rank"]


def as_array(x):
    """The NumPy array behind ``x`` (no copy for tensors and arrays)."""
    return x.array if isinstance(x, Tensor) else np.asarray(x)


@keras_export("keras.metrics")
class Metric:
    """Base class: subclasses create state with ``add_variable`` and implement
    ``update_state`` and ``result``.

    Args:
        name: the metric's name (snake_case of the class by default).
        dtype: the result dtype (float32).
    """

    def __init_subclass__(cls, **kwargs):
        """A subclass's update_state / result / reset_state are effects: a tf.function
        replays them as calls (tapeflow.tensor.effect)."""
        super().__init_subclass__(**kwargs)
        for name in _EFFECTS:
            method = cls.__dict__.get(name)
            if method is not None and not hasattr(method, "effect_of"):
                setattr(cls, name, effect(method))

    def __init__(self, name=None, dtype=None):
        self.name = name or auto_name(type(self))
        self._dtype = dtypes.as_dtype(dtype or "float32")
        self._variables = []

    @property
    def dtype(self):
        return self._dtype.name

    @property
    def variables(self):
        """The state variables, in creation order."""
        return self._variables[:]

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum",
                     name=None):
        """A tracked, non-trainable state variable filled by ``initializer``.

        Args:
            shape: the variable's shape (``()`` for a scalar).
            initializer: ``"zeros"``, ``"ones"``, a number, or any Keras initializer
                (name, instance or callable).
            dtype: the variable's dtype (the metric's dtype by default).
            aggregation: accepted for Keras compatibility (one device: unused).
            name: the variable's name; its path is ``<metric name>/<name>``.
        """
        del aggregation
        np_dtype = dtypes.as_dtype(dtype or self._dtype)._np
        var = Variable(_initial_value(self, shape, initializer, np_dtype, name),
                       trainable=False, name=name, path=f"{self.name}/{name}")
        self._variables.append(var)
        return var

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Keras's older name for ``add_variable`` (``shape`` defaults to a scalar).

        Example:
            >>> class Count(Metric):
            ...     def __init__(self, name="count", **kwargs):
            ...         super().__init__(name=name, **kwargs)
            ...         self.n = self.add_weight(name="n", initializer="zeros", dtype="int32")
            ...     def update_state(self, values):
            ...         self.n.assign_add(len(values))
            ...     def result(self):
            ...         return self.n
            >>> c = Count()
            >>> c.update_state([1, 2, 3])
            >>> int(c.result()), c.n.path
            (3, 'count/n')
        """
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype,
                                 name=name)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        """Zero every state variable."""
        for v in self._variables:
            v.buffer[...] = 0

    def __call__(self, *args, **kwargs):
        """``update_state`` then ``result``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _initial_value(metric, shape, initializer, np_dtype, name):
    """The starting array of a metric's state variable (``Metric.add_variable``)."""
    if initializer is None:
        raise ValueError(
            f"{type(metric).__name__}.add_weight(name={name!r}): received initializer=None; "
            "a metric's state needs an initializer, e.g. initializer=\"zeros\".")
    fill = {"zeros": 0, "ones": 1}.get(initializer, initializer)
    if isinstance(fill, (int, float, np.number)):
        return np.full(tuple(shape), fill, np_dtype)
    value = initializers.get(initializer)(tuple(shape), dtype=np_dtype.name)
    return np.asarray(as_array(value), np_dtype)


_EFFECTS = ("update_state", "result", "reset_state", "__call__")
for _name in _EFFECTS:
    setattr(Metric, _name, effect(Metric.__dict__[_name]))


def add_to(variable, amount):
    """``variable += amount`` for a 0-d state variable, as NumPy scalar arithmetic: the
    same rounding as the in-place ufunc, at a sixth of its cost (0.2 us, not 1.3 us, per
    update of a running total: fit pays it for every metric at every step)."""
    value = variable.array
    value[()] = value[()] + amount


def _samplewise(values, sample_weight, reduce_fn):
    """Keras's ``reduce_to_samplewise_values`` in NumPy: one value (and weight) per sample."""
    values = np.asarray(values, np.float32)
    if sample_weight is not None:
        sw = np.asarray(as_array(sample_weight), np.float32)
        values, sw = same_rank(values, sw)
        if values.ndim > sw.ndim:
            values = reduce_fn(values, axis=tuple(range(sw.ndim, values.ndim)))
        sw = np.broadcast_to(sw, values.shape)
        values = values * sw
        if sw.ndim > 1:
            sw = reduce_fn(sw, axis=tuple(range(1, sw.ndim)))
    else:
        sw = None
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sw


@keras_export("keras.metrics")
class Sum(Metric):
    """The (weighted) sum of everything seen.

    Example:
        >>> m = Sum()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = _samplewise(as_array(values), sample_weight, np.sum)
        add_to(self.total, np.sum(values))

    def result(self):
        return Tensor(self.total.array.copy())


@keras_export("keras.metrics")
class Mean(Metric):
    """The (weighted) mean of everything seen: ``total / count``.

    A batch of per-sample values counts one per sample (or its weight); a scalar
    with a scalar ``sample_weight`` (e.g. a batch's mean loss weighted by the batch
    size) counts ``sample_weight``.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        values = as_array(values)
        if values.ndim == 0 and isinstance(sample_weight, (int, float, np.number)):
            add_to(self.total, values[()] * sample_weight)
            add_to(self.count, sample_weight)
            return
        values, sw = _samplewise(values, sample_weight, np.mean)
        add_to(self.total, np.sum(values))
        add_to(self.count, np.sum(sw) if sw is not None else
               values.shape[0] if values.ndim else 1)

    def result(self):
        count = self.count.array[()]
        return Tensor(np.asarray(self.total.array[()] / count if count else 0.0, np.float32))


@keras_export("keras.metrics")
class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    Built-in functions run as NumPy kernels; any other function is called with
    float32 tensors and its result averaged.

    Example:
        >>> import tapeflow as tf
        >>> m = MeanMetricWrapper(lambda t, p: tf.abs(t - p), name="abs_error")
        >>> m.update_state([1.0, 2.0], [1.5, 1.0])
        >>> float(m.result())
        0.75
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        self._kernel = kernel_for(fn)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._kernel is not None:
            values = self._kernel(as_array(y_true), as_array(y_pred), **self._fn_kwargs)
        else:
            dt = self._dtype._np           # Keras casts both to the metric's dtype
            yt = Tensor(np.asarray(as_array(y_true), dt))
            yp = Tensor(np.asarray(as_array(y_pred), dt))
            values = as_array(self._fn(yt, yp, **self._fn_kwargs))
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_object(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        fn = config.pop("fn", None)
        if isinstance(fn, (dict, str)):
            fn = deserialize_function(fn, FUNCTIONS)
        return cls(fn, **config)
