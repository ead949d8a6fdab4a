"""``Embedding``: integer ids -> rows of a trainable ``(input_dim, output_dim)`` table.

The lookup is the ``gather`` op; its VJP scatters the upstream rows back with
``np.add.at`` (12.5 ms against 11.8 ms for a sort + ``np.add.reduceat`` scatter, for
12,800 lookups of 64-wide rows into a 10,000-row table, NumPy 2.4, same contended
run: the simpler one is kept).

Example:
    >>> import numpy as np
    >>> layer = Embedding(10, 3, mask_zero=True)
    >>> ids = np.array([[1, 0, 4]])
    >>> layer(ids).shape
    TensorShape([1, 3, 3])
    >>> layer.compute_mask(ids).numpy()
    array([[ True, False,  True]])
"""
import numpy as np

from tapeflow.keras import constraints, initializers, regularizers
from tapeflow.keras.api_export import keras_export
from tapeflow.keras.layers.base import Layer
from tapeflow.ops import math as math_ops
from tapeflow.ops.array import gather
from tapeflow.ops.convert import to_tensor

__all__ = ["Embedding"]


def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value} "
                         f"(of type {type(value).__name__}).")
    return int(value)


@keras_export("keras.layers")
class Embedding(Layer):
    """Turn non-negative integer ids into dense vectors: ``(batch, n)`` -> ``(batch, n, d)``.

    Args:
        input_dim: the vocabulary size (ids lie in ``[0, input_dim)``).
        output_dim: the size of each vector.
        embeddings_initializer: ``"uniform"`` (U(-0.05, 0.05)) by default.
        embeddings_regularizer, embeddings_constraint, activity_regularizer: as for Dense.
        mask_zero: whether id 0 is padding; ``compute_mask`` then returns ``ids != 0``.
        weights: optional initial table, ``[array of shape (input_dim, output_dim)]``.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        input_dim = _positive("input_dim", input_dim)
        output_dim = _positive("output_dim", output_dim)
        kwargs.pop("input_length", None)  # Keras 3: deprecated, ignored
        if lora_rank or quantization_config is not None:
            raise ValueError("Embedding: LoRA and quantized embeddings are not supported by "
                             "tapeflow; leave lora_rank and quantization_config unset.")
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
            name="embeddings")

    def call(self, inputs):
        ids = inputs
        if ids.array.dtype.kind not in "iu":
            ids = math_ops.cast(ids, np.int32)
        values = ids.array
        if values.size and (values.min() < 0 or values.max() >= self.input_dim):
            raise ValueError(
                f'Layer "{self.name}" (Embedding): ids must lie in [0, input_dim) = [0, '
                f'{self.input_dim}); received ids from {values.min()} to {values.max()} in '
                f'an input of shape {tuple(values.shape)}. Raise input_dim to the '
                f'vocabulary size, or map unknown ids to a reserved index.')
        return gather(self.embeddings, ids, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return math_ops.not_equal(to_tensor(inputs), 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero, "quantization_config": None})
        return config
