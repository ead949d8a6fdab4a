"""``tf.TensorShape``: a tuple of dimensions with TensorFlow's helpers.

Example:
    >>> s = TensorShape((None, 3))
    >>> s.as_list(), s.rank, s.is_fully_defined(), s == [None, 3]
    ([None, 3], 2, False, True)
"""
import numpy as np

__all__ = ["TensorShape"]


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
