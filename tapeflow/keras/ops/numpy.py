"""``keras.ops`` NumPy-like functions (``keras.ops.numpy``), mapped onto tapeflow's ops.

Names, arguments (``axis``, ``keepdims``) and result dtypes follow Keras 3: integer
inputs of ``mean``/``exp``/``sqrt``/... and of ``divide`` give float32, ``argmax`` and
``argsort`` give int32, ``arange`` of ints gives int32, creation functions default to
float32. Everything differentiable records on the GradientTape as tapeflow's own ops.

Example:
    >>> from tapeflow.keras import ops
    >>> x = ops.reshape(ops.arange(6), (2, 3))
    >>> ops.convert_to_numpy(ops.mean(x, axis=1)), ops.argmax(x, axis=1).dtype.name
    (array([1., 4.], dtype=float32), 'int32')
"""
import numpy as np

import tapeflow as tf
from tapeflow.keras.ops.core import cast, convert_to_tensor as _t
from tapeflow.keras.ops.shapes import *  # noqa: F401,F403  (shapes, creation, products)
from tapeflow.keras.ops.shapes import __all__ as _SHAPES

_FLOAT = "float32"


def _floating(x):
    """``x`` as a tensor, integer and bool inputs cast to float32 (Keras's rule)."""
    x = _t(x)
    return x if x.dtype.is_floating else tf.cast(x, _FLOAT)


def _is_int(x):
    return not x.dtype.is_floating


def _unary(name, fn, floats=False):
    def op(x):
        return fn(_floating(x) if floats else _t(x))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Element-wise ``{name}``, as ``numpy.{name}``" + \
        (" (integer inputs give float32)." if floats else ".")
    return op


def _binary(name, fn):
    def op(x1, x2):
        return fn(x1, x2)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Element-wise ``{name}`` of ``x1`` and ``x2``, broadcast."
    return op


# ---------------------------------------------------------------- element-wise
exp = _unary("exp", tf.exp, floats=True)
log = _unary("log", tf.math.log, floats=True)
log1p = _unary("log1p", tf.math.log1p, floats=True)
expm1 = _unary("expm1", tf.math.expm1, floats=True)
sqrt = _unary("sqrt", tf.sqrt, floats=True)
sin = _unary("sin", tf.sin, floats=True)
cos = _unary("cos", tf.cos, floats=True)
tan = _unary("tan", tf.tan, floats=True)
sinh = _unary("sinh", tf.sinh, floats=True)
cosh = _unary("cosh", tf.cosh, floats=True)
tanh = _unary("tanh", tf.tanh, floats=True)
arctan = _unary("arctan", tf.atan, floats=True)
reciprocal = _unary("reciprocal", tf.math.reciprocal, floats=True)
square = _unary("square", tf.square)
abs = absolute = _unary("abs", tf.abs)
negative = _unary("negative", tf.negative)
sign = _unary("sign", tf.sign)
floor = _unary("floor", tf.floor, floats=True)
ceil = _unary("ceil", tf.math.ceil, floats=True)
isnan = _unary("isnan", tf.math.is_nan)
isinf = _unary("isinf", tf.math.is_inf)
isfinite = _unary("isfinite", tf.math.is_finite)
logical_not = _unary("logical_not", tf.logical_not)

add = _binary("add", tf.add)
subtract = _binary("subtract", tf.subtract)
multiply = _binary("multiply", tf.multiply)
maximum = _binary("maximum", tf.maximum)
minimum = _binary("minimum", tf.minimum)
power = _binary("power", tf.pow)
floor_divide = _binary("floor_divide", tf.math.floordiv)
mod = _binary("mod", tf.math.floormod)
equal = _binary("equal", tf.equal)
not_equal = _binary("not_equal", tf.not_equal)
greater = _binary("greater", tf.greater)
greater_equal = _binary("greater_equal", tf.greater_equal)
less = _binary("less", tf.less)
less_equal = _binary("less_equal", tf.less_equal)
logical_and = _binary("logical_and", tf.logical_and)
logical_or = _binary("logical_or", tf.logical_or)
logical_xor = _binary("logical_xor", tf.math.logical_xor)


def divide(x1, x2):
    """True division, broadcast; two integer inputs give float32."""
    x1, x2 = _t(x1), _t(x2)
    if _is_int(x1) and _is_int(x2):
        x1, x2 = tf.cast(x1, _FLOAT), tf.cast(x2, _FLOAT)
    return tf.divide(x1, x2)


true_divide = divide


def divide_no_nan(x1, x2):
    """``x1 / x2``, 0 where ``x2`` is 0."""
    return tf.math.divide_no_nan(_floating(x1), _floating(x2))


def rsqrt(x):
    """``1 / sqrt(x)``."""
    return tf.math.rsqrt(_floating(x))


def clip(x, x_min, x_max):
    """``x`` limited to ``[x_min, x_max]``."""
    return tf.clip_by_value(_t(x), x_min, x_max)


def round(x, decimals=0):
    """Round half to even, to ``decimals`` places."""
    x = _t(x)
    if not decimals:
        return tf.round(x)
    scale = 10.0 ** decimals
    return tf.divide(tf.round(tf.multiply(x, scale)), scale)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` else ``x2``; with neither, the indices of the true
    entries (a tuple, one int32 tensor per axis, as ``numpy.nonzero``)."""
    if x1 is None and x2 is None:
        found = np.nonzero(np.asarray(_t(condition).array))
        return tuple(_t(i.astype(np.int32)) for i in found)
    if x1 is None or x2 is None:
        raise ValueError("keras.ops.where: pass both `x1` and `x2`, or neither.")
    return tf.where(_t(condition), x1, x2)


# ----------------------------------------------------------------- reductions
def _axis(axis):
    return list(axis) if isinstance(axis, (list, tuple)) else axis


def _reduction(name, fn, to_float=False, doc=""):
    def op(x, axis=None, keepdims=False):
        x = _floating(x) if to_float else _t(x)
        if x.dtype == tf.bool and name in ("sum", "prod"):
            x = tf.cast(x, "int32")
        return fn(x, axis=_axis(axis), keepdims=keepdims)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc or f"``{name}`` over ``axis`` (all axes when None)."
    return op


mean = _reduction("mean", tf.reduce_mean, to_float=True,
                  doc="Mean over ``axis``; integer inputs give float32.")
sum = _reduction("sum", tf.reduce_sum)
prod = _reduction("prod", tf.reduce_prod)
std = _reduction("std", tf.math.reduce_std, to_float=True)
var = _reduction("var", tf.math.reduce_variance, to_float=True)
all = _reduction("all", tf.reduce_all)
any = _reduction("any", tf.reduce_any)
logsumexp = _reduction("logsumexp", tf.reduce_logsumexp, to_float=True,
                       doc="``log(sum(exp(x)))`` over ``axis``, computed stably.")


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis``, at least ``initial`` when given."""
    out = tf.reduce_max(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else tf.maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis``, at most ``initial`` when given."""
    out = tf.reduce_min(_t(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else tf.minimum(out, initial)


amax, amin = max, min


def _arg(fn, x, axis, keepdims):
    x = _t(x)
    flat = axis is None
    out = fn(tf.reshape(x, [-1]) if flat else x, axis=0 if flat else axis,
             output_type=tf.int32)
    if keepdims:
        out = tf.reshape(out, [1] * x.ndim) if flat else tf.expand_dims(out, axis)
    return out


def argmax(x, axis=None, keepdims=False):
    """Index (int32) of the maximum over ``axis`` (of the flattened ``x`` when None)."""
    return _arg(tf.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index (int32) of the minimum over ``axis`` (of the flattened ``x`` when None)."""
    return _arg(tf.argmin, x, axis, keepdims)


def argsort(x, axis=-1):
    """Indices (int32) that sort ``x`` along ``axis``."""
    return tf.cast(tf.argsort(_t(x), axis=axis, stable=True), "int32")


def sort(x, axis=-1):
    """``x`` sorted along ``axis``."""
    return tf.sort(_t(x), axis=axis)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (of the flattened ``x`` when None)."""
    x = _t(x) if dtype is None else cast(x, dtype)
    return tf.cumsum(tf.reshape(x, [-1]) if axis is None else x, axis=0 if axis is None
                     else axis)


def count_nonzero(x, axis=None):
    """How many entries are non-zero (int32)."""
    return tf.math.count_nonzero(_t(x), axis=_axis(axis), dtype="int32")


def norm(x, ord=None, axis=None, keepdims=False):
    """The Euclidean (Frobenius) norm over ``axis``; other orders are not provided."""
    if ord not in (None, 2, "fro", "euclidean"):
        raise NotImplementedError(f"tapeflow does not provide keras.ops.norm with "
                                  f"ord={ord!r} yet; only the Euclidean norm (ord=None).")
    return tf.norm(_floating(x), axis=_axis(axis), keepdims=keepdims)


__all__ = sorted({name for name, value in list(globals().items())
                  if getattr(value, "__module__", None) == __name__
                  and not name.startswith("_")} | {"absolute", "true_divide", "amax", "amin"}
                 | set(_SHAPES))
