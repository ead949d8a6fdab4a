"""Tensor (an immutable value) and Variable (a mutable, trainable one).

Both wrap one NumPy array in ``_value``. Operators (``+``, ``@``, ``[]`` ...) are
installed by :mod:`tapeflow.ops` so that every one goes through the gradient
registry and is recorded on active tapes.

Example:
    >>> import tapeflow as tf
    >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> x.shape, x.dtype
    (TensorShape([2, 2]), tf.float32)
    >>> v = tf.Variable([1.0, 2.0])
    >>> _ = v.assign_sub([0.5, 0.5])
    >>> v.numpy()
    array([0.5, 1.5], dtype=float32)
"""
import builtins

import numpy as np

from tapeflow import dtypes
from tapeflow.recording import (_SINGLETON, EFFECT_TRACES, STATE, effect,  # noqa: F401
                                value_read)
from tapeflow.tensor_shape import TensorShape

__all__ = ["Tensor", "Variable", "TensorShape", "convert_to_tensor", "constant"]



def _infer_dtype(value):
    """TensorFlow's rule: Python floats -> float32, ints -> int32, NumPy keeps its dtype."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    if isinstance(value, builtins.bool):
        return np.bool_
    if isinstance(value, int):
        return np.int32 if -2**31 <= value < 2**31 else np.int64
    if isinstance(value, float):
        return np.float32
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return np.float32
    if arr.dtype.kind == "i":
        return np.int32 if arr.size == 0 or -2**31 <= arr.min() and arr.max() < 2**31 \
            else np.int64
    return arr.dtype


def _to_array(value, dtype=None, copy=False):
    """Convert ``value`` to a NumPy array of ``dtype`` (or TF's inferred dtype)."""
    if isinstance(value, Tensor):
        value = value._value
    elif hasattr(value, "_keras_tensor_error"):
        value._keras_tensor_error()
    wants_string = dtype is not None and dtypes.as_dtype(dtype) == dtypes.string
    if dtype is None:
        dtype = _infer_dtype(value)
    else:
        dtype = dtypes.as_dtype(dtype)._np
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        value = [np.asarray(v) for v in value]
    arr = np.array(value, dtype=dtype, copy=True) if copy else np.asarray(value, dtype=dtype)
    if arr.dtype.kind in "US" or (wants_string and not all(type(v) is bytes
                                                            for v in arr.flat)):
        arr = _string_array(arr)
    return arr


def _string_array(arr):
    """Strings as TensorFlow holds them: an object array of UTF-8 ``bytes``."""
    out = np.empty(arr.shape, dtype=object)
    out.reshape(-1)[:] = [v.encode("utf-8") if isinstance(v, str) else bytes(v)
                          for v in arr.flat]
    return out


class Tensor:
    """An immutable, multi-dimensional array with a dtype, as in TensorFlow.

    Create tensors with :func:`tapeflow.constant` or any op. ``numpy()`` returns the
    underlying array without a copy: treat it as read-only.
    """

    __slots__ = ("_value", "__weakref__")
    __array_priority__ = 100  # ndarray + Tensor -> Tensor.__radd__

    def __init__(self, value):
        self._value = value

    # --- properties -------------------------------------------------------------------
    @property
    def shape(self):
        return TensorShape(self._value.shape)

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def dtype(self):
        return dtypes.from_numpy(self._value.dtype)

    @property
    def array(self):
        """The NumPy array this tensor wraps, not copied (tapeflow's public read accessor
        for library code; unlike ``numpy()`` it never ends a trace). Do not write into it.

        Example:
            >>> import tapeflow as tf
            >>> tf.constant([1.0, 2.0]).array
            array([1., 2.], dtype=float32)
        """
        return self._value

    @property
    def name(self):
        return None

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def numpy(self):
        """The value as a NumPy array (shared, not copied: do not modify it); a NumPy
        scalar (``np.float32(3.0)``) for a 0-d tensor, as in TensorFlow."""
        if STATE.traces:
            value_read("Tensor.numpy()")
        v = self._value if isinstance(self._value, np.ndarray) else np.asarray(self._value)
        return v[()] if v.ndim == 0 else v

    def get_shape(self):
        return self.shape

    def set_shape(self, shape):
        """Check that ``shape`` (None for any size) fits: a tensor's shape is always known."""
        want = self._value.shape if shape is None else TensorShape(shape)
        if len(want) != self._value.ndim or any(w not in (None, d) for w, d in
                                                zip(want, self._value.shape)):
            raise ValueError(f"Tensor.set_shape: shape {self._value.shape} is not "
                             f"compatible with {tuple(want)}.")

    def ref(self):
        return self

    def __array__(self, dtype=None, copy=None):
        if STATE.traces:
            value_read("np.asarray(tensor)")
        arr = np.asarray(self._value, dtype=dtype)
        return arr.copy() if copy else arr

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar (0-d) tensor is undefined.")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in builtins.range(self._value.shape[0]))

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def __index__(self):
        if self._value.dtype.kind not in "iu":
            raise TypeError(f"Only integer tensors can be used as an index; got {self.dtype}.")
        return int(self._scalar("index"))

    def __bool__(self):
        return builtins.bool(self._scalar("bool"))

    def _scalar(self, what):
        if STATE.traces:
            value_read(f"{what}(tensor)")
        if self._value.size != 1:
            raise ValueError(
                f"{what}() needs a tensor with exactly one element; got shape "
                f"{tuple(self._value.shape)}. Reduce it first (e.g. tf.reduce_sum).")
        return self._value.reshape(()).item() if isinstance(self._value, np.ndarray) \
            else self._value.item()

    def __format__(self, spec):  # TensorFlow formats the NumPy value: f"{loss:.4f}"
        return _numpy_value(self._value).__format__(spec)

    def __repr__(self):
        return (f"<tf.Tensor: shape={tuple(self._value.shape)}, dtype={self.dtype.name}, "
                f"numpy={_numpy_text(self._value, is_repr=True)}>")

    def __str__(self):
        return (f"tf.Tensor({_numpy_text(self._value)}, shape={tuple(self._value.shape)}, "
                f"dtype={self.dtype.name})")

    # --- operators: each one an op of tapeflow.ops (bound by bind_operator_ops) ----------
    def __add__(self, other): return _op.add(self, other)
    def __radd__(self, other): return _op.add(other, self)
    def __sub__(self, other): return _op.subtract(self, other)
    def __rsub__(self, other): return _op.subtract(other, self)
    def __mul__(self, other): return _op.multiply(self, other)
    def __rmul__(self, other): return _op.multiply(other, self)
    def __truediv__(self, other): return _op.divide(self, other)
    def __rtruediv__(self, other): return _op.divide(other, self)
    def __floordiv__(self, other): return _op.floordiv(self, other)
    def __rfloordiv__(self, other): return _op.floordiv(other, self)
    def __mod__(self, other): return _op.mod(self, other)
    def __rmod__(self, other): return _op.mod(other, self)
    def __pow__(self, other): return _op.pow(self, other)
    def __rpow__(self, other): return _op.pow(other, self)
    def __matmul__(self, other): return _op.matmul(self, other)
    def __rmatmul__(self, other): return _op.matmul(other, self)
    def __neg__(self): return _op.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _op.abs(self)
    # TensorFlow: a tensor is never equal to None (x == None is False, not an error)
    def __eq__(self, other): return False if other is None else _op.equal(self, other)
    def __ne__(self, other): return True if other is None else _op.not_equal(self, other)
    def __lt__(self, other): return _op.less(self, other)
    def __le__(self, other): return _op.less_equal(self, other)
    def __gt__(self, other): return _op.greater(self, other)
    def __ge__(self, other): return _op.greater_equal(self, other)
    def __and__(self, other): return _op.logical_and(self, other)
    def __rand__(self, other): return _op.logical_and(other, self)
    def __or__(self, other): return _op.logical_or(self, other)
    def __ror__(self, other): return _op.logical_or(other, self)
    def __xor__(self, other): return _op.logical_xor(self, other)
    def __invert__(self): return _op.logical_not(self)
    def __getitem__(self, key): return _op.getitem(self, key)

    __hash__ = object.__hash__  # the elementwise __eq__ above keeps ids hashable


class _CallableValue(Tensor):
    """``Variable.value``: a tensor that calling returns itself (TF's ``value()``)."""

    __slots__ = ()

    def __call__(self):
        return self


class Variable(Tensor):
    """A mutable tensor whose value survives across steps: a model's weights.

    Args:
        initial_value: array-like or a zero-argument callable returning one.
        trainable: whether tapes watch it automatically and optimizers update it.
        name: a label (``"Variable"`` by default).
        dtype: optional dtype to cast the initial value to.
        shape: optional expected shape, checked against the initial value.

    ``assign``, ``assign_add`` and ``assign_sub`` write in place into the same
    buffer; ``numpy()`` returns a copy, so a saved value does not change later.
    """

    __slots__ = ("trainable", "_name", "_constraint", "aggregation",
                 "synchronization", "_path")

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None,
                 constraint=None, **kwargs):
        if initial_value is None:
            raise ValueError("Variable needs an initial_value, e.g. tf.Variable(tf.zeros((3,))).")
        if callable(initial_value):
            initial_value = initial_value()
        if STATE.no_new_variables:  # a tf.function traces a call after its first
            raise ValueError(_SINGLETON)
        value = _to_array(initial_value, dtype, copy=True)
        if shape is not None and tuple(TensorShape(shape)) != value.shape and \
                None not in TensorShape(shape):
            raise ValueError(f"Variable: initial_value has shape {value.shape} but shape="
                             f"{tuple(shape)} was given.")
        super().__init__(value)
        self.trainable = builtins.bool(trainable)
        self._name = name or "Variable"
        self._constraint = constraint
        self._path = kwargs.pop("path", None)
        self.aggregation = kwargs.pop("aggregation", None)
        self.synchronization = kwargs.pop("synchronization", None)

    @property
    def name(self):
        return self._name

    @property
    def path(self):
        return self._path or self._name

    @property
    def constraint(self):
        return self._constraint

    @property
    def buffer(self):
        """The variable's storage, for in-place updates by optimizers and layers'
        state (``np.subtract(v.buffer, step, out=v.buffer)``); its shape and dtype never
        change.

        Example:
            >>> import numpy as np, tapeflow as tf
            >>> v = tf.Variable([1.0, 2.0])
            >>> _ = np.multiply(v.buffer, 2, out=v.buffer)
            >>> v.numpy()
            array([2., 4.], dtype=float32)
        """
        return self._value

    def rebind_buffer(self, array):
        """Back the variable by ``array`` from now on: a NumPy array of the same shape
        and dtype, such as a view of one flat buffer that an optimizer updates in a
        single pass (``optimizers/packing.py``). The current values are not copied.

        Example:
            >>> import numpy as np, tapeflow as tf
            >>> v, flat = tf.Variable([1.0, 2.0]), np.zeros(3, np.float32)
            >>> v.rebind_buffer(flat[:2]); flat[:2] = 5; v.numpy()
            array([5., 5.], dtype=float32)
        """
        array = np.asarray(array)
        if array.shape != self._value.shape or array.dtype != self._value.dtype:
            raise ValueError(
                f"Variable '{self.name}'.rebind_buffer: expected an array of shape "
                f"{self._value.shape} and dtype {self._value.dtype}; got shape {array.shape}, "
                f"dtype {array.dtype}. Make the new buffer with np.empty_like(v.array).")
        self._value = array

    def numpy(self):
        """A copy of the current value (later assignments do not change it); a NumPy
        scalar for a 0-d variable."""
        if STATE.traces:
            value_read("Variable.numpy()")
        return self._value[()] if self._value.ndim == 0 else self._value.copy()

    @property
    def value(self):
        """A Tensor snapshot of the current value: ``v.value`` (Keras 3's property) and
        ``v.value()`` (TensorFlow's method) both work."""
        return _CallableValue(self._value.copy())

    def read_value(self):
        """A Tensor snapshot of the current value."""
        return Tensor(self._value.copy())

    def _check(self, value, what):
        if STATE.traces:
            value_read(f"Variable.{what}()")
        arr = _to_array(value, self._value.dtype)
        if arr.shape != self._value.shape:
            raise ValueError(
                f"Variable '{self._name}'.{what}: cannot assign a value of shape "
                f"{arr.shape} to a variable of shape {self._value.shape}.")
        return arr

    @effect
    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Write ``value`` into the variable in place (shapes must match)."""
        np.copyto(self._value, self._check(value, "assign"))
        return self

    @effect
    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """``self += delta`` in place."""
        np.add(self._value, self._check(delta, "assign_add"), out=self._value)
        return self

    @effect
    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """``self -= delta`` in place."""
        np.subtract(self._value, self._check(delta, "assign_sub"), out=self._value)
        return self

    def __repr__(self):
        return (f"<tf.Variable '{self._name}:0' shape={tuple(self._value.shape)} "
                f"dtype={self.dtype.name}, numpy={_numpy_text(self._value, is_repr=True)}>")

    __str__ = __repr__  # print(variable) shows the repr, as in TensorFlow

    def __getitem__(self, key):
        """``v[index]``, a tensor that can also ``assign`` back into ``v``."""
        return _op.variable_getitem(self, key)


class _OperatorOps:
    """The ops behind Tensor's operators. tapeflow.ops sits above this module, so it
    hands them down when it loads (:func:`bind_operator_ops`); until then using an
    operator says so."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(f"Tensor operator needs the op {name!r}: import tapeflow.ops "
                           f"(import tapeflow does) before using tensor operators.")


_op = _OperatorOps()


def bind_operator_ops(**ops):
    """Give Tensor's operators their ops (called once by ``tapeflow.ops``).

    Args:
        **ops: ``add=``, ``subtract=``, ... ``getitem=``, ``variable_getitem=``: the
            functions the operators above call by these names.
    """
    for name, fn in ops.items():
        setattr(_op, name, fn)


def _numpy_value(value):
    value = value if isinstance(value, np.ndarray) else np.asarray(value)
    return value[()] if value.ndim == 0 else value


def _numpy_text(value, is_repr=False):
    r"""TensorFlow's text of a value: NumPy's str (or repr) of the array, or of the NumPy
    scalar of a 0-d tensor; on a line of its own when it spans several.

    Example:
        >>> _numpy_text(np.array(0.1, np.float32)), _numpy_text(np.eye(2, dtype=np.int32))
        ('0.1', '\n[[1 0]\n [0 1]]')
    """
    value = _numpy_value(value)
    text = repr(value) if is_repr else str(value)
    return "\n" + text if "\n" in text else text


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Return ``value`` as a Tensor (no copy for tensors and NumPy arrays).

    Example:
        >>> convert_to_tensor([1, 2]).dtype
        tf.int32
    """
    if isinstance(value, Tensor):
        if dtype is not None and dtypes.as_dtype(dtype) != value.dtype:
            raise TypeError(f"convert_to_tensor: tensor has dtype {value.dtype.name} but dtype="
                            f"{dtypes.as_dtype(dtype).name} was requested; use tf.cast.")
        return value
    if dtype is None and dtype_hint is not None and not isinstance(value, np.ndarray):
        hinted = dtypes.as_dtype(dtype_hint)
        if np.asarray(value).dtype.kind in "fiub" and hinted.is_floating:
            dtype = hinted
    return Tensor(_to_array(value, dtype))


def constant(value, dtype=None, shape=None, name="Const"):
    """Create a constant tensor (a copy of ``value``).

    Example:
        >>> constant([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        >>> constant(0, shape=(2, 2)).numpy().tolist()
        [[0, 0], [0, 0]]
    """
    arr = _to_array(value, dtype, copy=True)
    if shape is not None:
        shape = tuple(shape)
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif int(np.prod(shape)) == arr.size:
            arr = arr.reshape(shape)
        else:
            raise TypeError(f"constant: cannot reshape a value of {arr.size} elements "
                            f"to shape {shape}.")
    return Tensor(arr)
