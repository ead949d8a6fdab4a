"""``tf.math``: element-wise math and reductions (aliases of the top-level ops)."""
from tapeflow.ops.array import argsort, sort  # noqa: F401
from tapeflow.ops.math import (  # noqa: F401
    abs, add, add_n, argmax, argmin, ceil, cos, divide, equal, erf, exp, expm1, floor,
    floordiv, floormod, greater, greater_equal, is_finite, is_inf, is_nan, less, less_equal,
    log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod,
    multiply, negative, not_equal, pow, reciprocal, reduce_all, reduce_any, reduce_logsumexp,
    reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum,
    reduce_variance, round, rsqrt, sign, sin, sqrt, square, squared_difference, subtract,
    tanh, truediv)
from tapeflow.ops.nn import sigmoid, softplus  # noqa: F401
from tapeflow.ops.numeric import (  # noqa: F401
    atan, cosh, count_nonzero, cumsum, divide_no_nan, l2_normalize, log_sigmoid, sinh, tan)
from tapeflow.ops.nn import log_softmax, softmax  # noqa: F401
from tapeflow.ops.math import norm as reduce_euclidean_norm  # noqa: F401

floor_div = floordiv


def __getattr__(name):
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
