"""``tf.TensorShape`` (a tuple of dimensions with TensorFlow's helpers) and
``tf.TensorSpec`` (a shape and a dtype: ``tf.function``'s input signatures and
``tf.data``'s element specs are the same class, as in TensorFlow).

Example:
    >>> s = TensorShape((None, 3))
    >>> s.as_list(), s.rank, s.is_fully_defined(), s == [None, 3]
    ([None, 3], 2, False, True)
"""
import numpy as np

from tapeflow import dtypes

__all__ = ["TensorShape", "TensorSpec"]


class TensorShape(tuple):
    """A tuple of dimensions (``None`` for unknown) with TensorFlow's helpers."""

    __slots__ = ()

    def __new__(cls, dims=()):
        if dims is None:
            dims = ()
        elif isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, tuple(None if d is None else int(d) for d in dims))

    @property
    def rank(self):
        return len(self)

    @property
    def ndims(self):
        return len(self)

    def as_list(self):
        return list(self)

    def num_elements(self):
        if any(d is None for d in self):
            return None
        return int(np.prod(self, dtype=np.int64))

    def is_fully_defined(self):
        return all(d is not None for d in self)

    def __getitem__(self, key):
        got = super().__getitem__(key)
        return TensorShape(got) if isinstance(key, slice) else got

    def __eq__(self, other):  # TensorFlow compares with lists too: x.shape == [2, 3]
        if isinstance(other, list):
            other = tuple(other)
        return tuple.__eq__(self, other)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = tuple.__hash__

    def is_compatible_with(self, other):
        """Whether ``other`` (None: any shape) has this rank and agrees on every known dim.

        Example:
            >>> TensorShape((4, 3)).is_compatible_with([None, 3])
            True
        """
        if other is None:
            return True
        other = TensorShape(other)
        return len(other) == len(self) and all(
            a is None or b is None or a == b for a, b in zip(self, other))

    def concatenate(self, other):
        """The dimensions of ``self`` followed by those of ``other``."""
        return TensorShape(tuple(self) + tuple(TensorShape(other)))

    def __repr__(self):
        return f"TensorShape({list(self)})"

    def __str__(self):
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + \
            ("," if len(self) == 1 else "") + ")"


class TensorSpec:
    """The shape and dtype of a tensor: ``TensorSpec(shape, dtype=tf.float32, name=None)``.

    A ``None`` dimension is unknown (any size), as in a ``tf.function`` input signature
    or the batch axis of a ``tf.data`` element spec. Two specs are equal when shape,
    dtype and name are, as in TensorFlow.

    Example:
        >>> import tapeflow as tf
        >>> spec = tf.TensorSpec(shape=[None, 3], dtype=tf.float32)
        >>> spec.is_compatible_with(tf.zeros((5, 3))), spec
        (True, TensorSpec(shape=(None, 3), dtype=tf.float32, name=None))
        >>> ds = tf.data.Dataset.from_tensor_slices(np.zeros((4, 3), np.float32))
        >>> ds.element_spec == tf.TensorSpec(shape=(3,), dtype=tf.float32)
        True
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name
        self._any_rank = shape is None  # TensorSpec(None, ...): any shape, as in TF

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of ``tensor``'s shape and dtype."""
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, value):
        """True if ``value`` (a spec, tensor, array or nested list) has this dtype and a
        shape that agrees on every known dimension."""
        if not isinstance(value, TensorSpec) and not (
                hasattr(value, "shape") and hasattr(value, "dtype")):
            value = np.asarray(value)
        return dtypes.as_dtype(value.dtype) == self.dtype and (
            self._any_rank or self.shape.is_compatible_with(value.shape))

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and self.dtype == other.dtype and \
            self.name == other.name and self.shape.as_list() == other.shape.as_list() and \
            self._any_rank == other._any_rank

    __hash__ = object.__hash__

    def __repr__(self):
        shape = None if self._any_rank else self.shape
        return f"TensorSpec(shape={shape}, dtype={self.dtype!r}, name={self.name!r})"
