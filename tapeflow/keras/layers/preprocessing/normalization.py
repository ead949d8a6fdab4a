"""``Normalization``: ``(x - mean) / sqrt(variance)`` per feature, from ``adapt()`` or given.

As in Keras 3: ``adapt(data)`` computes the mean and (biased) variance over every axis
but ``axis``, from an array or tensor at once, or from any iterable of batches (a
``tf.data.Dataset``, a list of arrays, a generator) by merging per-batch statistics;
they are stored in the non-trainable weights ``mean``, ``variance`` and ``count`` (an
int32 scalar that Keras 3.15 creates and never updates, kept at 0 here too, so files
match). With ``mean=`` and ``variance=`` given, the layer has no weights. The divisor
is ``max(sqrt(variance), 1e-7)``; ``invert=True`` computes ``mean + x * divisor``.

Example:
    >>> import numpy as np
    >>> layer = Normalization()
    >>> layer.adapt(np.array([[1.0], [2.0], [3.0]], np.float32))
    >>> [round(float(v), 4) for v in layer(np.array([[2.0], [4.0]])).numpy().ravel()]
    [0.0, 2.4495]
    >>> [w.name for w in layer.weights]
    ['mean', 'variance', 'count']
"""
import math

import numpy as np

from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import reshape
from tapeflow.tensor import Tensor

__all__ = ["Normalization"]

_EPSILON = 1e-7  # keras.config.epsilon()


def _array(batch):
    """A batch as a NumPy array: a tuple ``(x, y[, sample_weight])`` gives ``x``, as in
    Keras; tensors give their array."""
    if isinstance(batch, tuple):
        batch = batch[0]
    if isinstance(batch, Tensor):
        return batch.array
    return np.asarray(batch)


@keras_export("keras.layers")
class Normalization(Layer):
    """Shift and scale inputs to mean 0 and variance 1 per feature.

    Args:
        axis: the axis (or axes) that keep separate statistics (default -1, the
            features); ``None`` for one mean and variance over everything.
        mean, variance: the statistics to use, instead of calling ``adapt``.
        invert: map normalised values back (``mean + x * sqrt(variance)``).
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        self.axis = axis
        self.input_mean, self.input_variance = mean, variance
        self.invert = invert
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(f"When setting values directly, both `mean` and `variance` must "
                             f"be set. Received: mean={mean} and variance={variance}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"When setting values directly, `mean` and `variance` must "
                             f"have the same shape. Received: mean shape {np.shape(mean)} and "
                             f"variance shape {np.shape(variance)}")
        if mean is not None and np.ndim(mean) > len(axis):
            raise ValueError(f"The rank of `mean` must be less than or equal to the number "
                             f"of axes ({len(axis)}). Received: mean shape {np.shape(mean)} "
                             f"for axis {axis}")
        self.__dict__["_shape_info"] = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f'Layer "{self.name}" (Normalization): every `axis` value must '
                             f'be in [-{ndim}, {ndim}) for inputs of shape '
                             f'{tuple(input_shape)}; received axis={self.axis}.')
        keep = tuple(sorted(a % ndim for a in self.axis))
        for a in keep:
            if input_shape[a] is None:
                raise ValueError(f'Layer "{self.name}" (Normalization): the kept axis {a} '
                                 f'of the input shape {tuple(input_shape)} must be known.')
        reduce = tuple(a for a in range(ndim) if a not in keep)
        broadcast = [input_shape[a] if a in keep else 1 for a in range(ndim)]
        stats_shape = tuple(input_shape[a] for a in keep)
        self.__dict__["_shape_info"] = (tuple(input_shape), keep, reduce, broadcast,
                                        stats_shape)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=stats_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32",
                                         initializer="zeros", trainable=False)
        else:
            self.__dict__["_given"] = tuple(self._given_stat(v, ndim, keep, broadcast)
                                            for v in (self.input_mean, self.input_variance))

    @property
    def mean(self):
        """Keras's ``layer.mean`` once built: the mean reshaped to broadcast against the
        input (``(1, features)`` for 2-D inputs and ``axis=-1``)."""
        return self._stat(0)

    @property
    def variance(self):
        """Keras's ``layer.variance`` once built, shaped like :attr:`mean`."""
        return self._stat(1)

    def _stat(self, which):
        if "_shape_info" not in self.__dict__:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 f"{('mean', 'variance')[which]!r} before it is built or "
                                 f"adapted.")
        if self.input_mean is not None:
            return Tensor(np.asarray(self._given[which], self._np_dtype))
        weight = (self.adapt_mean, self.adapt_variance)[which]
        return Tensor(weight.array.reshape(self.__dict__["_shape_info"][3]).copy())

    def _given_stat(self, value, ndim, keep, broadcast):
        value = np.asarray(value, self._np_dtype)
        expanded = [1] * ndim
        for i in range(1, value.ndim + 1):
            expanded[keep[-i]] = value.shape[-i]
        return np.broadcast_to(value.reshape(expanded), broadcast)

    def adapt(self, data):
        """Compute the mean and variance of ``data`` (an array, a tensor or an iterable of
        batches) over every axis but ``axis``, and store them in the weights."""
        if self.input_mean is not None:
            raise ValueError(f'Layer "{self.name}" (Normalization) was given mean and '
                             f'variance; adapt() applies only to a layer created without them.')
        if isinstance(data, (np.ndarray, Tensor)):
            batches = iter([_array(data)])
        elif hasattr(data, "__iter__"):
            batches = (_array(b) for b in data)
        else:
            raise TypeError(f"Normalization.adapt: unsupported data type {type(data)}; pass "
                            f"a NumPy array, a tensor, or an iterable of batches (a "
                            f"tf.data.Dataset, a list of arrays, a generator).")
        first = next(batches, None)
        if first is None:
            raise ValueError("adapt() received an empty iterable (no batches). Pass a "
                             "non-empty iterable of arrays, e.g. layer.adapt([x]).")
        self._check_adapt_shape(first.shape)
        one = isinstance(data, (np.ndarray, Tensor))
        mean, var = self._merge([first] if one else _chain(first, batches))
        self.adapt_mean.assign(np.asarray(mean, np.float32).reshape(self.adapt_mean.shape))
        self.adapt_variance.assign(np.asarray(var, np.float32).reshape(
            self.adapt_variance.shape))

    def _check_adapt_shape(self, shape):
        if not self.built:
            self.build(tuple(shape))
            self.__dict__["built"] = True
            return
        built_shape, keep = self._shape_info[0], self._shape_info[1]
        if len(shape) != len(built_shape) or any(shape[d] != built_shape[d] for d in keep):
            raise ValueError(f"The layer was built with input_shape={built_shape}, but "
                             f"adapt() is being called with data with an incompatible "
                             f"shape, data.shape={tuple(shape)}")

    def _merge(self, batches):
        """Keras's running merge of per-batch means and variances (weighted by size)."""
        reduce, keep = self._shape_info[2], self._shape_info[1]
        built_shape = self._shape_info[0]
        total_mean = total_var = 0.0
        total = 0
        for batch in batches:
            if any(batch.shape[d] != built_shape[d] for d in keep):
                raise ValueError(f"adapt() yielded a batch with incompatible shape. Expected "
                                 f"{built_shape}, got {tuple(batch.shape)}.")
            batch_mean = np.mean(batch, axis=reduce)
            batch_var = np.var(batch, axis=reduce)
            count = math.prod(batch.shape[d] for d in reduce) if reduce else 1
            total += count
            w = count / total
            new_mean = total_mean * (1 - w) + batch_mean * w
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - w) + \
                (batch_var + (batch_mean - new_mean) ** 2) * w
            total_mean = new_mean
        return total_mean, total_var

    def call(self, inputs):
        x = inputs if inputs.array.dtype == self._np_dtype else \
            math_ops.cast(inputs, self._np_dtype)
        if self.input_mean is None:
            broadcast = self._shape_info[3]
            mean = reshape(self.adapt_mean, broadcast)
            variance = reshape(self.adapt_variance, broadcast)
        else:
            mean, variance = self._given
        scale = math_ops.maximum(math_ops.sqrt(variance), np.asarray(_EPSILON, self._np_dtype))
        if self.invert:
            return math_ops.add(mean, math_ops.multiply(x, scale))
        return math_ops.divide(math_ops.subtract(x, mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert,
                       "mean": np.array(self.input_mean).tolist(),
                       "variance": np.array(self.input_variance).tolist()})
        return config


def _chain(first, rest):
    yield first
    yield from rest
