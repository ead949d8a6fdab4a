"""TensorFlow-style dtypes on top of NumPy dtypes.

A :class:`DType` wraps one NumPy dtype and compares equal to itself, its name,
and the NumPy dtype it stands for, so ``tf.float32 == np.float32`` holds as in
TensorFlow.

Example:
    >>> import tapeflow as tf
    >>> tf.constant(1.5).dtype == tf.float32
    True
    >>> tf.as_dtype("int64").as_numpy_dtype
    <class 'numpy.int64'>
"""
import numpy as np

__all__ = ["DType", "as_dtype", "float16", "float32", "float64", "int8", "int16",
           "int32", "int64", "uint8", "bool", "string"]


class DType:
    """A tensor element type: a name plus the NumPy dtype that stores it."""

    __slots__ = ("name", "_np")

    def __init__(self, name, np_dtype):
        self.name = name
        self._np = np.dtype(np_dtype)

    @property
    def as_numpy_dtype(self):
        """The NumPy scalar type, e.g. ``numpy.float32``."""
        return self._np.type

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def size(self):
        return self._np.itemsize

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def __eq__(self, other):
        if isinstance(other, DType):
            return self._np == other._np
        try:
            return self._np == np.dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._np)

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):  # print(x.dtype), as TensorFlow prints it
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
half, double = float16, float64
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool = DType("bool", np.bool_)  # noqa: A001 - TensorFlow's name
string = DType("string", np.object_)

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32,
        uint64, bool, string)
_BY_NP = {d._np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(half=float16, double=float64, float=float32)


def as_dtype(value):
    """Return the :class:`DType` for a DType, name, NumPy dtype or Python type.

    Raises:
        TypeError: if ``value`` names no dtype tapeflow knows.
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    try:
        npd = np.dtype(value)
    except TypeError:
        npd = None
    if npd is not None and npd.kind in "US":
        return string
    found = _BY_NP.get(npd)
    if found is None:
        raise TypeError(
            f"Cannot convert {value!r} to a tapeflow dtype; expected one of "
            f"{sorted(_BY_NAME)} or a NumPy dtype.")
    return found


def from_numpy(npd):
    """The DType for a NumPy dtype (fast path used by Tensor.dtype)."""
    return _BY_NP.get(npd) or as_dtype(npd)
