"""Layers that merge a list of inputs: Add, Subtract, Multiply, Average, Maximum,
Minimum and Concatenate (plus their functional forms ``add``, ``concatenate`` ...).

Example:
    >>> import numpy as np
    >>> from tapeflow import keras
    >>> keras.layers.Add()([np.ones((1, 2)), np.ones((1, 2))]).numpy()
    array([[2., 2.]], dtype=float32)
    >>> keras.layers.Concatenate()([np.ones((1, 2)), np.zeros((1, 1))]).numpy()
    array([[1., 1., 0.]], dtype=float32)
"""
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import concat

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"]


def _broadcast_shape(a, b, name):
    a, b = tuple(a), tuple(b)
    if len(a) < len(b):
        a, b = b, a
    b = (1,) * (len(a) - len(b)) + b
    out = []
    for i, j in zip(a, b):
        if i is None or j is None:
            known = j if i is None else i
            out.append(None if known in (None, 1) else known)
        elif i == j or j == 1:
            out.append(i)
        elif i == 1:
            out.append(j)
        else:
            raise ValueError(f'Layer "{name}": inputs must have equal (or broadcastable) '
                             f'shapes; got {a} and {b}.')
    return tuple(out)


class _Merge(Layer):
    _min_inputs = 2

    def _check_list(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f'A merge layer should be called on a list of inputs. Layer '
                             f'"{self.name}" received a single input. Call it as '
                             f'{type(self).__name__}()([x1, x2]).')
        if len(inputs) < self._min_inputs:
            raise ValueError(f'Layer "{self.name}" should be called on a list of at least '
                             f'{self._min_inputs} inputs. Received: {len(inputs)} inputs.')

    def build(self, input_shape):
        if not (isinstance(input_shape, (list, tuple)) and input_shape and
                all(isinstance(s, (list, tuple)) for s in input_shape)):
            self._check_list(None)
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        self._check_list(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out

    def compute_output_shape(self, input_shape):
        out = tuple(input_shape[0])
        for s in input_shape[1:]:
            out = _broadcast_shape(out, s, self.name)
        return out


@keras_export("keras.layers")
class Add(_Merge):
    """Element-wise sum of the inputs."""

    def _merge(self, a, b):
        return math_ops.add(a, b)


@keras_export("keras.layers")
class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def _check_list(self, inputs):
        super()._check_list(inputs)
        if len(inputs) != 2:
            raise ValueError(f'A `Subtract` layer should be called on exactly 2 inputs. '
                             f'Received: {len(inputs)} inputs.')

    def _merge(self, a, b):
        return math_ops.subtract(a, b)


@keras_export("keras.layers")
class Multiply(_Merge):
    """Element-wise product of the inputs."""

    def _merge(self, a, b):
        return math_ops.multiply(a, b)


@keras_export("keras.layers")
class Maximum(_Merge):
    """Element-wise maximum of the inputs."""

    def _merge(self, a, b):
        return math_ops.maximum(a, b)


@keras_export("keras.layers")
class Minimum(_Merge):
    """Element-wise minimum of the inputs."""

    def _merge(self, a, b):
        return math_ops.minimum(a, b)


@keras_export("keras.layers")
class Average(_Merge):
    """Element-wise mean of the inputs."""

    def call(self, inputs):
        return math_ops.divide(super().call(inputs), float(len(inputs)))

    def _merge(self, a, b):
        return math_ops.add(a, b)


@keras_export("keras.layers")
class Concatenate(_Merge):
    """Join the inputs along ``axis`` (the last by default)."""

    _min_inputs = 1

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        self._check_list(inputs)
        return concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank if rank else 0
        if any(len(s) != rank for s in shapes):
            raise ValueError(f'A `Concatenate` layer requires inputs with matching shapes '
                             f'except for the concatenation axis. Received: input_shape='
                             f'{shapes}')
        out = list(shapes[0])
        for s in shapes[1:]:
            for i, (a, b) in enumerate(zip(out, s)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is not None and b is not None and a != b:
                    raise ValueError(f'A `Concatenate` layer requires inputs with matching '
                                     f'shapes except for the concatenation axis. Received: '
                                     f'input_shape={shapes}')
                elif a is None:
                    out[i] = b
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _functional(cls):
    def fn(inputs, **kwargs):
        return cls(**kwargs)(inputs)
    fn.__name__ = cls.__name__.lower()
    fn.__doc__ = f"Functional form of :class:`{cls.__name__}`: ``{fn.__name__}([x1, x2])``."
    return fn


add, subtract, multiply = _functional(Add), _functional(Subtract), _functional(Multiply)
average, maximum, minimum = _functional(Average), _functional(Maximum), _functional(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
