"""tapeflow: the TensorFlow 2 / Keras programming model, rebuilt in plain Python on NumPy.

Course code written for ``import tensorflow as tf`` runs with ``import tapeflow as tf``.

Example:
    >>> import tapeflow as tf
    >>> w = tf.Variable([[1.0], [2.0]])
    >>> with tf.GradientTape() as tape:
    ...     loss = tf.reduce_sum(tf.matmul([[3.0, 4.0]], w) ** 2)
    >>> tape.gradient(loss, w).numpy().tolist()
    [[66.0], [88.0]]
"""
from tapeflow import _malloc  # noqa: F401  (allocator tuning, see its docstring)
from tapeflow import compat, config, dtypes, linalg, math, nn, random, strings, test  # noqa: F401
from tapeflow import image, io  # noqa: F401
from tapeflow.dtypes import (  # noqa: F401
    DType, as_dtype, bool, double, float16, float32, float64, half, int8, int16, int32,
    int64, string, uint8, uint16, uint32, uint64)
from tapeflow.ops.array import (  # noqa: F401
    argsort, boolean_mask, broadcast_to, concat, expand_dims, eye, fill, gather, identity,
    linspace, one_hot, ones, ones_like, range, rank, reshape, reverse, shape, size, sort,
    split, squeeze, stack, tile, transpose, unstack, where, zeros, zeros_like, clip_by_value)
from tapeflow.ops.math import (  # noqa: F401
    abs, add, add_n, argmax, argmin, cast, cos, divide, equal, exp, greater, greater_equal,
    less, less_equal, log, log1p, logical_and, logical_not, logical_or, matmul, maximum,
    minimum, multiply, negative, norm, not_equal, pow, reduce_all, reduce_any,
    reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std,
    reduce_sum, reduce_variance, round, rsqrt, sign, sin, sqrt, square, squared_difference,
    subtract, tanh, tensordot, truediv)
from tapeflow.config import device  # noqa: F401
from tapeflow.ops.math import ceil, floor  # noqa: F401
from tapeflow.ops.nn import sigmoid  # noqa: F401
from tapeflow.ops.custom import custom_gradient  # noqa: F401
from tapeflow.ops.einsum import einsum, get_static_value, map_fn, searchsorted, unique  # noqa: F401,E501
from tapeflow.ops.numeric import (  # noqa: F401
    atan, clip_by_global_norm, clip_by_norm, cosh, cumsum, meshgrid, sinh, tan)
from tapeflow import autograph  # noqa: F401
from tapeflow.function import (  # noqa: F401
    Function, TensorSpec, function, numpy_function, py_function)
from tapeflow.module import Module  # noqa: F401
from tapeflow.tape import GradientTape, UnconnectedGradients, stop_gradient  # noqa: F401
from tapeflow.tensor import Tensor, TensorShape, Variable, constant, convert_to_tensor  # noqa: F401
from tapeflow.tensor import effect

from tapeflow._version import TAPEFLOW_VERSION as _TAPEFLOW_VERSION  # noqa: E402
from tapeflow._version import __version__  # noqa: E402,F401
newaxis = None


class version:  # noqa: N801 - TensorFlow's module name
    """``tf.version.VERSION`` is ``tf.__version__``: ``"2.16.0+tapeflow.0.1.0"``, the
    TensorFlow API followed, labelled as tapeflow and its release (tapeflow._version)."""

    VERSION = __version__
    GIT_VERSION = "unknown"
    TAPEFLOW_VERSION = _TAPEFLOW_VERSION


def executing_eagerly():
    """Always True: tapeflow has no graph mode."""
    return True


@effect
def print(*inputs, sep=" ", end="\n", output_stream=None, summarize=None,  # noqa: A001
          name=None):
    """Print tensors by value, like ``tf.print``: inside a ``tf.function`` it runs at
    every call (a Python ``print`` runs only while the function is traced).

    Example:
        >>> import tapeflow as tf
        >>> tf.print("loss:", tf.constant(0.5))
        loss: 0.5
    """
    import builtins
    import sys
    stream = output_stream if hasattr(output_stream, "write") else \
        sys.stderr if output_stream == "stderr" else sys.stdout
    builtins.print(*[x.array if isinstance(x, Tensor) else x for x in inputs],
                   sep=sep, end=end, file=stream)


def is_tensor(x):
    """True for tapeflow tensors and variables."""
    return isinstance(x, Tensor)


def __getattr__(name):
    # keras, data and summary are imported on first use so that `import tapeflow` stays
    # light (tf.summary writes event files).
    if name in ("keras", "data", "summary"):
        import importlib
        return importlib.import_module(f"tapeflow.{name}")
    if name in ("metrics", "losses", "optimizers", "initializers"):
        # TensorFlow 2's short names for the Keras modules (tf.metrics.BinaryAccuracy)
        import importlib
        return importlib.import_module(f"tapeflow.keras.{name}")
    from tapeflow._missing import attribute_error
    raise attribute_error(__name__, name)
