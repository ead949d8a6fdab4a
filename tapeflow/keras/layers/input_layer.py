"""``keras.Input`` and ``InputLayer``: where a Functional or Sequential graph starts.

Example:
    >>> from tapeflow import keras
    >>> x = keras.Input(shape=(784,), name="pixels")
    >>> x.shape, x.dtype
    ((None, 784), 'float32')
    >>> x._keras_history.operation
    <InputLayer name=pixels, built=True>
"""
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.keras.layers.keras_tensor import KerasTensor, Node

__all__ = ["InputLayer", "Input"]


def _standardize_shape(shape, what):
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(f"Cannot convert `{what}` to a shape: {shape!r}. Use a tuple such as "
                         f"(784,) or (28, 28).") from None
    if any(d is not None and d < 0 for d in shape):
        raise ValueError(f"Negative dimensions are not allowed in `{what}`; got {shape}.")
    return shape


@keras_export("keras.layers")
class InputLayer(Layer):
    """The layer behind ``keras.Input``: it holds the input KerasTensor, makes no weights.

    Args:
        shape: the shape of one sample, without the batch axis, e.g. ``(784,)``.
        batch_size: optional fixed batch size.
        dtype: the dtype of the input data (``"float32"``).
        batch_shape: the full shape including the batch axis (instead of ``shape``).
        name: the layer's (and the tensor's) name; ``input_layer`` by default.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if input_tensor is not None:
            batch_shape, dtype = input_tensor.shape, input_tensor.dtype
        elif shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        elif batch_size is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same "
                             "time.")
        elif shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument, e.g. keras.Input(shape=(784,)).")
        elif shape is not None:
            batch_shape = (batch_size,) + _standardize_shape(shape, "shape")
        self._batch_shape = _standardize_shape(batch_shape, "batch_shape")
        self._input_dtype = "float32" if dtype is None else KerasTensor((), dtype).dtype
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = bool(optional)
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, self._input_dtype, name=self.name)
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)
        self.built = True

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._input_dtype

    def call(self, inputs=None):
        return inputs

    def compute_output_shape(self, input_shape):
        return self._batch_shape

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self._input_dtype,
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name,
                "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
          name=None, tensor=None, optional=False):
    """A symbolic input tensor: the start of a Functional model.

    Args:
        shape: one sample's shape without the batch axis, e.g. ``(784,)``.
        batch_size: optional static batch size.
        dtype: the input's dtype (``"float32"`` by default).
        batch_shape: the full shape including the batch axis.
        name: a name for the input (used as the layer's name and the dict key).

    Returns:
        A :class:`KerasTensor` of shape ``(batch_size, *shape)``.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       ragged=ragged, batch_shape=batch_shape, name=name, input_tensor=tensor,
                       optional=optional)
    return layer.output
