"""Element-wise math, reductions and matrix products, each with its VJP below it.

Example:
    >>> import tapeflow as tf
    >>> tf.reduce_sum(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
    array([4., 6.], dtype=float32)
"""
import math as _pymath

import numpy as np

from tapeflow import dtypes
from tapeflow.ops.convert import binary_operands, float_tensor, norm_axis, to_tensor
from tapeflow.ops.registry import primitive
from tapeflow.tensor import Tensor

# ----------------------------------------------------------------- unary element-wise ops


def _unary(name, forward, vjp, doc, floats=False):
    """A public unary op; ``floats``: integer inputs are refused, as in TensorFlow."""
    op = primitive(name)(forward)
    op.defvjp(vjp)
    convert = (lambda x: float_tensor(x, name)) if floats else to_tensor

    def public(x, name=None):
        return op(convert(x))
    public.__name__ = public.__qualname__ = name
    public.__doc__ = doc
    return public


negative = _unary("negative", np.negative, lambda g, out, x: (-g,), "Element-wise ``-x``.")
abs = _unary("abs", np.abs, lambda g, out, x: (g * np.sign(x),),  # noqa: A001
             "Element-wise absolute value.")
sign = _unary("sign", np.sign, lambda g, out, x: (np.zeros_like(g),),
              "Element-wise sign (-1, 0 or 1); its gradient is zero.")
exp = _unary("exp", np.exp, lambda g, out, x: (g * out,), "Element-wise ``e**x``.",
             floats=True)
expm1 = _unary("expm1", np.expm1, lambda g, out, x: (g * (out + 1),), "``exp(x) - 1``.",
               floats=True)
log = _unary("log", np.log, lambda g, out, x: (g / x,), "Natural logarithm (x > 0).",
             floats=True)
log1p = _unary("log1p", np.log1p, lambda g, out, x: (g / (1 + x),), "``log(1 + x)``.",
               floats=True)
sqrt = _unary("sqrt", np.sqrt, lambda g, out, x: (g / (2 * out),), "Square root (x >= 0).",
              floats=True)
rsqrt = _unary("rsqrt", lambda x: 1 / np.sqrt(x), lambda g, out, x: (-0.5 * g * out ** 3,),
               "``1 / sqrt(x)``.", floats=True)
square = _unary("square", np.square, lambda g, out, x: (2 * g * x,), "``x * x``.")
reciprocal = _unary("reciprocal", np.reciprocal, lambda g, out, x: (-g * out * out,),
                    "``1 / x``.")
sin = _unary("sin", np.sin, lambda g, out, x: (g * np.cos(x),), "Sine.", floats=True)
cos = _unary("cos", np.cos, lambda g, out, x: (-g * np.sin(x),), "Cosine.", floats=True)
tanh = _unary("tanh", np.tanh, lambda g, out, x: (g * (1 - out * out),),
              "Hyperbolic tangent.", floats=True)


def _erf_forward(x):
    x = np.asarray(x)
    return np.asarray(np.frompyfunc(_pymath.erf, 1, 1)(x), dtype=x.dtype)


erf = _unary("erf", _erf_forward,
             lambda g, out, x: (g * (2 / np.sqrt(np.pi)) * np.exp(-x * x),),
             "The Gauss error function.", floats=True)


def _nondiff_unary(fn, doc):
    def public(x, name=None):
        return Tensor(fn(to_tensor(x)._value))
    public.__doc__ = doc
    return public


floor = _nondiff_unary(np.floor, "Largest integer <= x (no gradient).")
ceil = _nondiff_unary(np.ceil, "Smallest integer >= x (no gradient).")
round = _nondiff_unary(np.round, "Round half to even (no gradient).")  # noqa: A001
logical_not = _nondiff_unary(np.logical_not, "Element-wise NOT of a bool tensor.")
is_nan = _nondiff_unary(np.isnan, "Element-wise NaN test.")
is_inf = _nondiff_unary(np.isinf, "Element-wise infinity test.")
is_finite = _nondiff_unary(np.isfinite, "Element-wise finiteness test.")

# ---------------------------------------------------------------- binary element-wise ops


def _binary(name, forward, vjp, doc):
    op = primitive(name)(forward)
    op.defvjp(vjp)

    def public(x, y, name=None):
        return op(*binary_operands(x, y, name_))
    name_ = name
    public.__name__ = public.__qualname__ = name
    public.__doc__ = doc
    return public


add = _binary("add", np.add, lambda g, out, x, y: (g, g), "Element-wise ``x + y``.")
subtract = _binary("subtract", np.subtract, lambda g, out, x, y: (g, -g),
                   "Element-wise ``x - y``.")
multiply = _binary("multiply", np.multiply, lambda g, out, x, y: (g * y, g * x),
                   "Element-wise ``x * y``.")
_truediv = primitive("divide")(np.true_divide)
_truediv.defvjp(lambda g, out, x, y: (g / y, -g * out / y))


def divide(x, y, name=None):
    """Element-wise ``x / y``. Integers divide as in TensorFlow: 8- and 16-bit ones give
    float32 (``uint8`` pixels / 255), 32- and 64-bit ones float64.

    Example:
        >>> import tapeflow as tf
        >>> divide(tf.constant([255], "uint8"), 255).dtype, divide([3], [2]).dtype
        (tf.float32, tf.float64)
    """
    x, y = binary_operands(x, y, "divide")
    if x._value.dtype.kind in "iub":
        to = dtypes.float32 if x._value.dtype.itemsize <= 2 else dtypes.float64
        x, y = cast(x, to), cast(y, to)
    return _truediv(x, y)


truediv = divide


def _pow_vjp(g, out, x, y, needs=(True, True)):
    gx = g * y * np.power(x, y - 1) if needs[0] else None
    gy = g * out * np.log(np.where(x > 0, x, 1)) if needs[1] else None
    return gx, gy


pow = _binary("pow", np.power, _pow_vjp, "Element-wise ``x ** y``.")  # noqa: A001
maximum = _binary("maximum", np.maximum,
                  lambda g, out, x, y: (g * (x >= y), g * (x < y)), "Element-wise max.")
minimum = _binary("minimum", np.minimum,
                  lambda g, out, x, y: (g * (x <= y), g * (x > y)), "Element-wise min.")


def squared_difference(x, y, name=None):
    """``(x - y) ** 2``, element-wise."""
    return square(subtract(x, y))


def _nondiff_binary(fn, doc):
    def public(x, y, name=None):
        x, y = binary_operands(x, y, fn.__name__)
        return Tensor(fn(x._value, y._value))
    public.__doc__ = doc
    return public


floordiv = floor_div = _nondiff_binary(np.floor_divide, "Element-wise floor division.")
floormod = mod = _nondiff_binary(np.mod, "Element-wise remainder of floor division.")
equal = _nondiff_binary(np.equal, "Element-wise ``x == y`` (bool).")
not_equal = _nondiff_binary(np.not_equal, "Element-wise ``x != y`` (bool).")
less = _nondiff_binary(np.less, "Element-wise ``x < y`` (bool).")
less_equal = _nondiff_binary(np.less_equal, "Element-wise ``x <= y`` (bool).")
greater = _nondiff_binary(np.greater, "Element-wise ``x > y`` (bool).")
greater_equal = _nondiff_binary(np.greater_equal, "Element-wise ``x >= y`` (bool).")
logical_and = _nondiff_binary(np.logical_and, "Element-wise AND of bool tensors.")
logical_or = _nondiff_binary(np.logical_or, "Element-wise OR of bool tensors.")
logical_xor = _nondiff_binary(np.logical_xor, "Element-wise XOR of bool tensors.")


def add_n(inputs, name=None):
    """Sum a list of tensors of the same shape and dtype."""
    total = inputs[0]
    for t in inputs[1:]:
        total = add(total, t)
    return to_tensor(total)


# --------------------------------------------------------------------------------- cast

@primitive("cast")
def _cast(x, dtype):
    return x.astype(dtype, copy=False)


@_cast.defvjp
def _cast_vjp(g, out, x, dtype):
    return (g.astype(x.dtype) if x.dtype.kind == "f" else None,)


def cast(x, dtype, name=None):
    """Convert ``x`` to ``dtype`` (differentiable between float dtypes).

    Example:
        >>> cast([1.7, -2.2], "int32").numpy()
        array([ 1, -2], dtype=int32)
    """
    x = to_tensor(x)
    npd = dtypes.as_dtype(dtype)._np
    if x._value.dtype == npd:
        return x
    return _cast(x, dtype=npd)


# ----------------------------------------------------------------------------- reductions

def _grad_to_input_shape(g, x, axis, keepdims):
    """Spread a reduction's gradient ``g`` back over the input's shape (a fresh array)."""
    shape = x.shape
    g = np.asarray(g)
    out = np.empty(shape, g.dtype if g.dtype.kind == "f" else x.dtype)
    if axis is None or keepdims:
        out[...] = g  # a full reduction's value (or a kept-dims one) broadcasts as it is
    else:
        out[...] = g.reshape(tuple(1 if i in axis else d for i, d in enumerate(shape)))
    return out


def _int_dtype(x):
    """TensorFlow sums and multiplies integers in their own dtype (NumPy widens them)."""
    return x.dtype if x.dtype.kind in "iu" else None


@primitive("reduce_sum")
def _reduce_sum(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=_int_dtype(x))


@_reduce_sum.defvjp
def _reduce_sum_vjp(g, out, x, axis, keepdims):
    return (_grad_to_input_shape(g, x, axis, keepdims),)


@primitive("reduce_mean")
def _reduce_mean(x, axis, keepdims):
    # np.add.reduce skips np.mean's Python wrapper (a few us per call on small tensors)
    if x.dtype.kind in "iu":  # TensorFlow's integer mean: truncated, in x's dtype
        total = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        n = x.size // max(total.size, 1) if x.size else 1
        return (np.sign(total) * (np.abs(total) // n)).astype(x.dtype, copy=False)
    if x.dtype.kind != "f":
        return np.mean(x, axis=axis, keepdims=keepdims)
    total = np.add.reduce(x, axis=axis, keepdims=keepdims)
    return total / (x.size // max(total.size, 1) if x.size else 1)  # stays x's dtype


@_reduce_mean.defvjp
def _reduce_mean_vjp(g, out, x, axis, keepdims):
    n = x.size // max(out.size, 1) if x.size else 1
    return (_grad_to_input_shape(g / n, x, axis, keepdims),)


def _extremum_vjp(g, out, x, axis, keepdims):
    """Gradient of max/min: split equally among the tied extreme entries (TF's rule)."""
    full = _grad_to_input_shape(out, x, axis, keepdims)
    mask = (x == full).astype(x.dtype)
    count = np.sum(mask, axis=axis, keepdims=True)
    return (_grad_to_input_shape(g, x, axis, keepdims) * mask / count,)


_reduce_max = primitive("reduce_max")(lambda x, axis, keepdims: np.max(x, axis, keepdims=keepdims))
_reduce_max.defvjp(_extremum_vjp)
_reduce_min = primitive("reduce_min")(lambda x, axis, keepdims: np.min(x, axis, keepdims=keepdims))
_reduce_min.defvjp(_extremum_vjp)


@primitive("reduce_prod")
def _reduce_prod(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims, dtype=_int_dtype(x))


@_reduce_prod.defvjp
def _reduce_prod_vjp(g, out, x, axis, keepdims):
    # Product of all the other entries, computed without dividing by x (zeros allowed).
    ax = tuple(range(x.ndim)) if axis is None else axis
    moved = np.moveaxis(x, ax, tuple(range(-len(ax), 0)))
    flat = moved.reshape(moved.shape[:moved.ndim - len(ax)] + (-1,))
    ones = np.ones_like(flat[..., :1])
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], -1), -1)[..., ::-1]
    others = np.moveaxis((left * right).reshape(moved.shape), tuple(range(-len(ax), 0)), ax)
    return (_grad_to_input_shape(g, x, axis, keepdims) * others,)


@primitive("reduce_logsumexp")
def _reduce_logsumexp(x, axis, keepdims):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else (s.reshape(()) if axis is None else np.squeeze(s, axis))


@_reduce_logsumexp.defvjp
def _reduce_logsumexp_vjp(g, out, x, axis, keepdims):
    full = _grad_to_input_shape(out, x, axis, keepdims)
    return (_grad_to_input_shape(g, x, axis, keepdims) * np.exp(x - full),)


def _reduction(op, name, doc):
    def public(input_tensor, axis=None, keepdims=False, name=None):
        x = to_tensor(input_tensor)
        return op(x, axis=norm_axis(axis, x.ndim, name_), keepdims=bool(keepdims))
    name_ = name
    public.__name__ = public.__qualname__ = name
    public.__doc__ = doc + "\n\n    Args: input_tensor, axis (None = all), keepdims."
    return public


reduce_sum = _reduction(_reduce_sum, "reduce_sum", "Sum over ``axis``.")
reduce_mean = _reduction(_reduce_mean, "reduce_mean", "Mean over ``axis``.")
reduce_max = _reduction(_reduce_max, "reduce_max", "Maximum over ``axis``.")
reduce_min = _reduction(_reduce_min, "reduce_min", "Minimum over ``axis``.")
reduce_prod = _reduction(_reduce_prod, "reduce_prod", "Product over ``axis``.")
reduce_logsumexp = _reduction(_reduce_logsumexp, "reduce_logsumexp",
                              "``log(sum(exp(x)))`` over ``axis``, computed stably.")


def _bool_reduction(fn, doc):
    def public(input_tensor, axis=None, keepdims=False, name=None):
        x = to_tensor(input_tensor)
        return Tensor(np.asarray(fn(x._value, axis=norm_axis(axis, x.ndim, fn.__name__),
                                    keepdims=keepdims)))
    public.__doc__ = doc
    return public


reduce_any = _bool_reduction(np.any, "Logical OR over ``axis``.")
reduce_all = _bool_reduction(np.all, "Logical AND over ``axis``.")


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Variance over ``axis`` (composed, so differentiable)."""
    x = to_tensor(input_tensor)
    mean = reduce_mean(x, axis=axis, keepdims=True)
    return reduce_mean(square(subtract(x, mean)), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation over ``axis``."""
    return sqrt(reduce_variance(input_tensor, axis, keepdims))


def norm(tensor, ord="euclidean", axis=None, keepdims=False, name=None):
    """Euclidean (or ord=1) norm over ``axis``."""
    x = to_tensor(tensor)
    if ord in ("euclidean", 2, "fro"):
        return sqrt(reduce_sum(square(x), axis=axis, keepdims=keepdims))
    if ord == 1:
        return reduce_sum(abs(x), axis=axis, keepdims=keepdims)
    raise ValueError(f"norm: ord must be 'euclidean', 2 or 1; got {ord!r}.")


def _arg(fn, name):
    def public(input, axis=None, output_type=dtypes.int64, name=None):  # noqa: A002
        x = to_tensor(input)
        ax = 0 if axis is None else norm_axis(axis, x.ndim, name_)[0]
        return Tensor(np.asarray(fn(x._value, axis=ax)).astype(dtypes.as_dtype(output_type)._np))
    name_ = name
    public.__doc__ = f"Index of the {name[3:]}imum along ``axis`` (default 0), as int64."
    return public


argmax = _arg(np.argmax, "argmax")
argmin = _arg(np.argmin, "argmin")

# ------------------------------------------------------------------------- matrix product


@primitive("matmul")
def _matmul(a, b, transpose_a, transpose_b):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: cannot multiply {a.shape} by {b.shape}: inner dimensions "
                         f"{a.shape[-1]} and {b.shape[-2]} differ. Check the shapes, or "
                         f"transpose one operand (transpose_a/transpose_b).")
    return np.matmul(a, b)


@_matmul.defvjp
def _matmul_vjp(g, out, a, b, transpose_a, transpose_b, needs=(True, True)):
    t = np.swapaxes
    ga = gb = None
    if needs[0]:
        bb = t(b, -1, -2) if transpose_b else b      # the right operand as multiplied
        ga = np.matmul(g, t(bb, -1, -2))
        ga = t(ga, -1, -2) if transpose_a else ga
    if needs[1]:
        aa = t(a, -1, -2) if transpose_a else a
        gb = np.matmul(t(aa, -1, -2), g)
        gb = t(gb, -1, -2) if transpose_b else gb
    return ga, gb


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           name=None):
    """Matrix product of rank >= 2 tensors (batched over leading axes).

    Example:
        >>> matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
        array([[11.]], dtype=float32)
    """
    a, b = binary_operands(a, b, "matmul")
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError(f"matmul: both operands need rank >= 2; got shapes {tuple(a.shape)} "
                         f"and {tuple(b.shape)}. Use tf.tensordot or tf.reshape(v, (1, -1)) "
                         f"for vectors.")
    return _matmul(a, b, transpose_a=bool(transpose_a or adjoint_a),
                   transpose_b=bool(transpose_b or adjoint_b))


def tensordot(a, b, axes, name=None):
    """Contract ``axes`` of ``a`` with ``axes`` of ``b`` (an int or a pair of lists).

    Composed from transpose, reshape and matmul, so it is differentiable.

    Example:
        >>> tensordot([1.0, 2.0], [3.0, 4.0], axes=1).numpy()
        np.float32(11.0)
    """
    from tapeflow.ops.array import reshape, transpose
    a, b = binary_operands(a, b, "tensordot")
    if isinstance(axes, (int, np.integer)):
        ax_a = list(range(a.ndim - axes, a.ndim))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = ([x] if isinstance(x, int) else list(x) for x in axes)
        ax_a = [x % a.ndim for x in ax_a]
        ax_b = [x % b.ndim for x in ax_b]
    for i, j in zip(ax_a, ax_b):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: axis {i} of a (size {a.shape[i]}) does not match "
                             f"axis {j} of b (size {b.shape[j]}).")
    free_a = [i for i in range(a.ndim) if i not in ax_a]
    free_b = [i for i in range(b.ndim) if i not in ax_b]
    n = int(np.prod([a.shape[i] for i in ax_a], dtype=np.int64))
    at = reshape(transpose(a, free_a + ax_a), (-1, n))
    bt = reshape(transpose(b, ax_b + free_b), (n, -1))
    shape = [a.shape[i] for i in free_a] + [b.shape[i] for i in free_b]
    return reshape(matmul(at, bt), shape)
